from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from beautique.postgres import PostgresRunSQL

# Staff order search (orders/filters.py) is a case-insensitive substring match on the
# order id, name and email (Django's icontains: UPPER(col) LIKE UPPER(%s)) and a
# substring match on the canonical phone digits: trigram indexes serve all four.
INDEXES = {
    "order_order_id_trgm": "USING gin (UPPER(order_id) gin_trgm_ops)",
    "order_customer_name_trgm": "USING gin (UPPER(customer_name) gin_trgm_ops)",
    "order_email_trgm": "USING gin (UPPER(email) gin_trgm_ops)",
    "order_phone_digits_trgm": "USING gin (phone_digits gin_trgm_ops)",
}


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [
        TrigramExtension(),
        *(
            PostgresRunSQL(
                f"CREATE INDEX {name} ON orders_order {definition}",
                f"DROP INDEX {name}",
            )
            for name, definition in INDEXES.items()
        ),
    ]
