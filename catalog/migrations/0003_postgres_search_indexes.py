from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from beautique.postgres import PostgresRunSQL

# Served by PostgreSQL: `@>` for the size and color filters, and trigram indexes for
# the case-insensitive substring search (Django's icontains is UPPER(col) LIKE UPPER(%s)).
INDEXES = {
    "product_sizes_gin": "USING gin (sizes jsonb_path_ops)",
    "product_color_keys_gin": "USING gin (color_keys jsonb_path_ops)",
    "product_name_trgm": "USING gin (UPPER(name) gin_trgm_ops)",
    "product_description_trgm": "USING gin (UPPER(description) gin_trgm_ops)",
}


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_starting_categories")]

    operations = [
        TrigramExtension(),
        *(
            PostgresRunSQL(
                f"CREATE INDEX {name} ON catalog_product {definition}",
                f"DROP INDEX {name}",
            )
            for name, definition in INDEXES.items()
        ),
    ]
