"""Products are scanned by the serving process alone, without parallel workers.

A broad search (a whole category: a fifth of the catalog) reads every product it
finds to count and rank them. On this 2-core server PostgreSQL's parallel plan for
that read took ~52 ms against ~36 ms for one process (100,000 products,
`make bench-search`), and parallel workers take cores from the other requests being
served. Other catalog reads use indexes and never went parallel; the orders and
the dashboard keep parallel plans.
"""

from django.db import migrations

from beautique.postgres import PostgresRunSQL


class Migration(migrations.Migration):
    dependencies = [("catalog", "0009_search_words_in_the_catalog")]

    operations = [
        PostgresRunSQL(
            "ALTER TABLE catalog_product SET (parallel_workers = 0)",
            "ALTER TABLE catalog_product RESET (parallel_workers)",
        ),
    ]
