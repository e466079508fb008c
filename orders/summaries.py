"""The summaries the staff dashboard reads instead of every order: kept in step with the orders.

`OrderDaySummary` counts the orders of each day by status combination; `ProductSalesSummary`
adds up what each product sold, by day and by month. The order services call in here
inside the transaction that places orders or changes their statuses, so the summaries
change with the orders or not at all: a rolled-back order is never counted.

Rows change by atomic increments, the way `orders.services.next_order_numbers` takes
numbers: `INSERT ... ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n`. Concurrent writers
of one row wait for each other's row lock (PostgreSQL) or the database lock (SQLite),
so no count is lost; each statement writes its rows sorted by key, so two transactions
lock the rows they share in the same order and cannot deadlock.
"""

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import Max, OuterRef, Q, Subquery

from orders.models import (
    Order,
    OrderDaySummary,
    OrderItem,
    OrderStatus,
    ProductSalesSummary,
    SalesPeriod,
)

ORDER_DAY_KEY = ("order_date", "payment_status", "order_status", "delivery_status", "shard")
PRODUCT_SALES_KEY = ("period", "first_day", "product_uuid", "shard")
SHARDS = 4
"""Rows per key, so that orders placed at once lock different rows (`shard_for_new_orders`):
as many as the server's writers by default (2 workers of 2 threads)."""
SHARD_LOCK_CLASS = 0x42515348
"""The first key of the advisory locks by which transactions claim a shard."""


def shard_for_new_orders() -> int:
    """A summary shard for the orders this transaction places, claimed until it ends.

    On PostgreSQL the first shard no other transaction holds, by a transaction-level
    advisory lock, so orders placed at once write different summary rows and never
    wait for each other there; when every shard is taken, the connection's own (its
    server process id's), whose rows it then waits for. SQLite runs one write at a
    time: always 0.
    """
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce("
            "(SELECT shard FROM generate_series(0, %s) AS shard "
            "WHERE pg_try_advisory_xact_lock(%s, shard) LIMIT 1), "
            "pg_backend_pid() %% %s)",
            [SHARDS - 1, SHARD_LOCK_CLASS, SHARDS],
        )
        (shard,) = cursor.fetchone()
    return shard


def _statuses(order: Order) -> tuple[str, str, str]:
    return (order.payment_status, order.order_status, order.delivery_status)


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _sales_periods(day: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """The rows a line of `day` counts in: (period, first day, last day), day and month."""
    return [(SalesPeriod.DAY, day, day), (SalesPeriod.MONTH, day.replace(day=1), _month_end(day))]


def product_sales_between(start_date: datetime.date | None, end_date: datetime.date | None) -> Q:
    """The `ProductSalesSummary` rows that add up to the sales from `start_date` to `end_date`
    (inclusive; either may be open), each sale once.

    A month that lies wholly in the range counts by its month row; the days of the
    months at either end that the range covers only in part count by their day rows.
    """
    in_range = Q()
    if start_date is not None:
        in_range &= Q(first_day__gte=start_date)
    if end_date is not None:
        in_range &= Q(last_day__lte=end_date)
    # Within the range, a day is in a partly covered month if it is in the start's month
    # (unless the range starts on the 1st) or in the end's month (unless it ends on the
    # month's last day).
    partly_covered = Q()
    if start_date is not None and start_date.day != 1:
        partly_covered |= Q(first_day__lte=_month_end(start_date))
    if end_date is not None and end_date != _month_end(end_date):
        partly_covered |= Q(first_day__gte=end_date.replace(day=1))
    rows = Q(period=SalesPeriod.MONTH) & in_range
    if partly_covered:
        rows |= Q(period=SalesPeriod.DAY) & in_range & partly_covered
    return rows


def _upsert(
    model,
    key: tuple[str, ...],
    rows: dict[tuple, dict],
    *,
    added: tuple[str, ...],
    highest: tuple[str, ...] = (),
) -> list[int]:
    """Write `rows` ({key values: {field: value}}, every row naming the same fields) into
    `model`'s table with one atomic upsert per batch; return the ids of the rows written.

    A row whose key is new is inserted as given. On an existing row, the `added` fields
    add the given values to the stored ones, the `highest` fields keep the greater of the
    two (a given None keeps the stored value), and any other field is left as stored.
    """
    if not rows:
        return []
    ordered = sorted(rows.items())
    fields = [model._meta.get_field(name) for name in (*key, *ordered[0][1])]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [quote(field.column) for field in fields]
    updates = [
        f"{quote(name)} = {table}.{quote(name)} + EXCLUDED.{quote(name)}" for name in added
    ] + [
        f"{quote(name)} = CASE WHEN {table}.{quote(name)} IS NULL "
        f"OR EXCLUDED.{quote(name)} > {table}.{quote(name)} "
        f"THEN EXCLUDED.{quote(name)} ELSE {table}.{quote(name)} END"
        for name in highest
    ]
    row_placeholder = f"({', '.join(['%s'] * len(fields))})"
    ids = []
    batch_size = max(connection.ops.bulk_batch_size(fields, ordered), 1)
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), batch_size):
            batch = ordered[start : start + batch_size]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES {', '.join([row_placeholder] * len(batch))} "
                f"ON CONFLICT ({', '.join(columns[: len(key)])}) "
                f"DO UPDATE SET {', '.join(updates)} "
                f"RETURNING {quote(model._meta.pk.column)}",
                [
                    field.get_db_prep_save(value, connection)
                    for row_key, values in batch
                    for field, value in zip(fields, (*row_key, *values.values()), strict=True)
                ],
            )
            ids.extend(row_id for (row_id,) in cursor.fetchall())
    return ids


def add(*, orders: Iterable[Order] = (), lines: Iterable[OrderItem] = ()) -> None:
    """Count newly saved `orders` and `lines` (saved, so each line has its id).

    A line counts toward its product's sales unless its order (`line.order`, as held in
    memory) is cancelled. At most two statements, whatever the number of orders and lines
    (more only past the database's limit of parameters per statement).
    """
    days: dict[tuple, dict] = defaultdict(lambda: {"orders": 0, "total_amount": Decimal(0)})
    for order in orders:
        row = days[(order.order_date, *_statuses(order), order.summary_shard)]
        row["orders"] += 1
        row["total_amount"] += order.total_amount
    _upsert(OrderDaySummary, ORDER_DAY_KEY, days, added=("orders", "total_amount"))

    sales: dict[tuple, dict] = {}
    for line in lines:
        if line.order.order_status == OrderStatus.CANCELLED:
            continue
        for period, first_day, last_day in _sales_periods(line.order.order_date):
            row = sales.setdefault(
                (period, first_day, line.product_uuid, line.order.summary_shard),
                {"last_day": last_day, "quantity": 0, "revenue": Decimal(0), "latest_line_id": 0},
            )
            row["quantity"] += line.quantity
            row["revenue"] += line.line_total
            row["latest_line_id"] = max(row["latest_line_id"], line.pk)
    _upsert(
        ProductSalesSummary,
        PRODUCT_SALES_KEY,
        sales,
        added=("quantity", "revenue"),
        highest=("latest_line_id",),
    )


def status_snapshot(orders: Iterable[Order]) -> dict:
    """Each order's statuses as stored, by pk: what `record_status_changes` moves it from.
    Take it from the orders as locked and read, before any change is applied."""
    return {order.pk: _statuses(order) for order in orders}


def record_status_changes(orders: Iterable[Order], *, before: dict) -> None:
    """Move each of `orders` (as saved) from its summary row under its statuses in
    `before` (`status_snapshot`) to the row under its statuses now.

    One upsert moves the orders. An order that was cancelled also takes its lines out
    of its products' sales, and one that is no longer cancelled puts them back: one
    query reads those lines, two upserts move them (day rows, then month rows) and two
    UPDATEs work out again which counted line is the latest of each row touched. Those
    two run after the upserts have locked the rows, so they read the lines and day rows
    as committed by then: a concurrent order is either seen, or still waiting for a row
    lock and will add its own line after this commits.
    """
    days: dict[tuple, dict] = defaultdict(lambda: {"orders": 0, "total_amount": Decimal(0)})
    moved_lines: dict = {}
    for order in orders:
        was, now = before[order.pk], _statuses(order)
        if was == now:
            continue
        for statuses, sign in ((was, -1), (now, 1)):
            row = days[(order.order_date, *statuses, order.summary_shard)]
            row["orders"] += sign
            row["total_amount"] += sign * order.total_amount
        cancelled = now[1] == OrderStatus.CANCELLED
        if cancelled != (was[1] == OrderStatus.CANCELLED):
            moved_lines[order.pk] = (order.order_date, order.summary_shard, -1 if cancelled else 1)
    _upsert(
        OrderDaySummary,
        ORDER_DAY_KEY,
        {key: row for key, row in days.items() if row["orders"] or row["total_amount"]},
        added=("orders", "total_amount"),
    )
    if not moved_lines:
        return

    sales: dict[tuple, dict] = {}
    for order_pk, product_uuid, quantity, line_total in OrderItem.objects.filter(
        order__in=moved_lines
    ).values_list("order", "product_uuid", "quantity", "line_total"):
        order_date, shard, sign = moved_lines[order_pk]
        for period, first_day, last_day in _sales_periods(order_date):
            row = sales.setdefault(
                (period, first_day, product_uuid, shard),
                {"last_day": last_day, "quantity": 0, "revenue": Decimal(0)},
            )
            row["quantity"] += sign * quantity
            row["revenue"] += sign * line_total
    # Day rows, then month rows: the order every writer locks them in (their keys' order).
    # Written apart, so that each recount finds its rows by id.
    day_ids, month_ids = (
        _upsert(
            ProductSalesSummary,
            PRODUCT_SALES_KEY,
            {key: row for key, row in sales.items() if key[0] == period},
            added=("quantity", "revenue"),
        )
        for period in (SalesPeriod.DAY, SalesPeriod.MONTH)
    )
    _recount_latest_lines(day_ids=day_ids, month_ids=month_ids)


def _recount_latest_lines(*, day_ids: list[int], month_ids: list[int]) -> None:
    """Set `latest_line_id` of these `ProductSalesSummary` rows from what they count now:
    the day rows from their lines, then the month rows from their day rows."""
    counted_lines = (
        OrderItem.objects.filter(
            product_uuid=OuterRef("product_uuid"),
            order__order_date=OuterRef("first_day"),
            order__summary_shard=OuterRef("shard"),
        )
        .exclude(order__order_status=OrderStatus.CANCELLED)
        .order_by()
        .values("product_uuid")
        .annotate(latest=Max("pk"))
        .values("latest")
    )
    ProductSalesSummary.objects.filter(pk__in=day_ids).update(
        latest_line_id=Subquery(counted_lines)
    )
    month_days = (
        ProductSalesSummary.objects.filter(
            period=SalesPeriod.DAY,
            product_uuid=OuterRef("product_uuid"),
            shard=OuterRef("shard"),
            first_day__gte=OuterRef("first_day"),
            first_day__lte=OuterRef("last_day"),
        )
        .order_by()
        .values("product_uuid")
        .annotate(latest=Max("latest_line_id"))
        .values("latest")
    )
    ProductSalesSummary.objects.filter(pk__in=month_ids).update(latest_line_id=Subquery(month_days))
