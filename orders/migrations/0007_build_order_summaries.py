"""Count the orders placed so far into the dashboard's summaries (the tables of 0006).

From then on the order services keep them. Set-based, so 100,000 orders take about two
seconds on PostgreSQL: one `INSERT ... SELECT` for the order days, one for the
products' day rows, one for their month rows (added up from the day rows), then each
month row's last day, one UPDATE per month. The rules are those of `orders.summaries`,
spelled out here again so the migration keeps working whatever that module becomes.
Reversed, it empties the tables.
"""

import calendar

from django.db import migrations
from django.db.models import Count, F, Max, Sum, Value
from django.db.models.functions import TruncMonth

CANCELLED = "Cancelled"
DAY, MONTH = "day", "month"


def insert_selected(schema_editor, model, columns: list[str], queryset) -> None:
    """Insert into `model`'s `columns` the rows `queryset` selects (a values() query of as
    many fields, in the same order)."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    sql, params = queryset.query.sql_with_params()
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {sql}", params)


def build_summaries(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    OrderItem = apps.get_model("orders", "OrderItem")
    OrderDaySummary = apps.get_model("orders", "OrderDaySummary")
    ProductSalesSummary = apps.get_model("orders", "ProductSalesSummary")

    statuses = ["payment_status", "order_status", "delivery_status"]
    insert_selected(
        schema_editor,
        OrderDaySummary,
        ["order_date", *statuses, "orders", "total_amount"],
        Order.objects.order_by()
        .values("order_date", *statuses)
        .annotate(count=Count("pk"), amount=Sum("total_amount"))
        .values("order_date", *statuses, "count", "amount"),
    )

    sales_columns = [
        "period",
        "first_day",
        "last_day",
        "product_uuid",
        "quantity",
        "revenue",
        "latest_line_id",
    ]
    insert_selected(
        schema_editor,
        ProductSalesSummary,
        sales_columns,
        OrderItem.objects.exclude(order__order_status=CANCELLED)
        .order_by()
        .values("product_uuid", day=F("order__order_date"))
        .annotate(
            kind=Value(DAY),
            until=F("order__order_date"),
            units=Sum("quantity"),
            amount=Sum("line_total"),
            latest=Max("pk"),
        )
        .values("kind", "day", "until", "product_uuid", "units", "amount", "latest"),
    )
    # A month row's last day starts as its first, and is set month by month below.
    insert_selected(
        schema_editor,
        ProductSalesSummary,
        sales_columns,
        ProductSalesSummary.objects.filter(period=DAY)
        .order_by()
        .values("product_uuid", month=TruncMonth("first_day"))
        .annotate(
            kind=Value(MONTH),
            until=TruncMonth("first_day"),
            units=Sum("quantity"),
            amount=Sum("revenue"),
            latest=Max("latest_line_id"),
        )
        .values("kind", "month", "until", "product_uuid", "units", "amount", "latest"),
    )
    months = ProductSalesSummary.objects.filter(period=MONTH)
    for month in months.values_list("first_day", flat=True).distinct():
        last_day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        months.filter(first_day=month).update(last_day=last_day)


def remove_summaries(apps, schema_editor):
    apps.get_model("orders", "OrderDaySummary").objects.all().delete()
    apps.get_model("orders", "ProductSalesSummary").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0006_order_summaries")]

    operations = [migrations.RunPython(build_summaries, remove_summaries)]
