"""Search quality and speed: `make bench-search` (PostgreSQL; not part of `make test`).

    python bench/search.py [--products 100000] [--database-url URL]

1. Quality, on the 1,000-product demo catalog (`seed_catalog --count 1000`, without
   pictures): for each query of `QUERIES` the products a shopper means, written as
   facts of the demo catalog (category, color, fabric, work, occasion) rather than as
   search terms, are compared with what `GET /api/products?search=` answers: recall
   over every page, and the precision of the first page (12). The same table is run
   through the search this project had before (`name` or `description` containing
   the whole query, any case) for comparison.
2. Speed, on `--products` demo products (generated with bulk inserts): every query of
   the table through the whole view on a cache miss, `RUNS` times each; the median and
   p99 of those requests, the queries each one made, and `EXPLAIN ANALYZE` of the
   search's SQL for a few of them.

Each catalog lives in its own database (`beautique_search_<n>`), made once and reused.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import django
from run import ensure_database  # bench/run.py: this script's folder is on sys.path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
PAGE = 12
BASE_URL = "postgres://postgres@127.0.0.1:5432"


def judged(category=None, color=None, any_words=(), all_words=()):
    """What a shopper means, as facts of a demo product: its category slug, one of its
    colors, and words its name or description holds (any of / all of)."""

    def meant(product) -> bool:
        text = f"{product.name} {product.description}".lower()
        return (
            (category is None or product.category.slug in category.split("|"))
            and (color is None or color in product.colors)
            and (not any_words or any(word in text for word in any_words))
            and all(word in text for word in all_words)
        )

    return meant


QUERIES = {
    # Spelling variants
    "lehenga": judged(category="lehanga-choli"),
    "lehnga": judged(category="lehanga-choli"),
    "lengha": judged(category="lehanga-choli"),
    "salwar kameez": judged(category="shalwar-kameez"),
    "shalwar qameez": judged(category="shalwar-kameez"),
    "garara": judged(category="gharara"),
    "angarkha": judged(any_words=["angrakha"]),
    "jamavar": judged(any_words=["jamawar"]),
    "khadar": judged(any_words=["khaddar"]),
    "kurti": judged(category="long-shirt"),
    # Typos
    "chifon": judged(any_words=["chiffon"]),
    "georgete": judged(any_words=["georgette"]),
    "velvat": judged(any_words=["velvet"]),
    "organsa": judged(any_words=["organza"]),
    "embroidred suit": judged(category="shalwar-kameez", any_words=["embroider"]),
    "chikenkari": judged(any_words=["chikankari"]),
    # Color and garment
    "black maxi": judged(category="maxi", color="Black"),
    "maroon lehnga": judged(category="lehanga-choli", color="Maroon"),
    "bottle green gharara": judged(category="gharara", color="Bottle Green"),
    "emerald green": judged(color="Emerald"),
    "navy blue suit": judged(category="shalwar-kameez", color="Navy"),
    "mustard long shirt": judged(category="long-shirt", color="Mustard"),
    # Category synonyms
    "long shirt": judged(category="long-shirt"),
    "frock": judged(category="maxi"),
    # Fabric
    "lawn": judged(any_words=["lawn"]),
    "raw silk": judged(any_words=["raw silk"]),
    "net lehenga": judged(category="lehanga-choli", any_words=[" net "]),
    # Work
    "mirrorwork": judged(any_words=["mirror work"]),
    "chikan kari": judged(any_words=["chikankari"]),
    "gota": judged(any_words=["gota"]),
    "tilla work": judged(any_words=["tilla"]),
    "sequins": judged(any_words=["sequin"]),
    # Occasion
    "eid": judged(any_words=["eid"]),
    "shaadi": judged(any_words=["wedding"]),
    "mehendi": judged(any_words=["mehndi"]),
    "eid gharara": judged(category="gharara", any_words=["eid"]),
    "wedding lehenga": judged(category="lehanga-choli", any_words=["wedding"]),
}


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beautique.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(count: int) -> None:
    """`count` demo products without pictures, unless the catalog already has them."""
    from catalog.demo import demo_products
    from catalog.models import Category, Product
    from catalog.search import refresh_search_text

    if Product.objects.count() >= count:
        return
    Product.objects.all().delete()
    categories = list(Category.objects.filter(is_active=True).order_by("position", "name"))
    started = time.perf_counter()
    Product.objects.bulk_create(
        (spec.product() for spec in demo_products(categories, count)), batch_size=5000
    )
    refresh_search_text()
    with django.db.connection.cursor() as cursor:
        cursor.execute("VACUUM FULL ANALYZE catalog_product")
        cursor.execute("VACUUM ANALYZE catalog_searchword")
    print(f"  generated {count:,} products in {time.perf_counter() - started:.0f} s")


def old_search(queryset, query):
    from django.db.models import Q

    return queryset.filter(Q(name__icontains=query) | Q(description__icontains=query))


def quality() -> dict:
    """Recall and first-page precision of the table, before (the old substring search)
    and after (`catalog.search`), as means over the queries."""
    from catalog.search import search_products
    from catalog.selectors import public_products

    products = list(public_products())
    scores = {"before": [], "after": []}
    rows = []
    for query, meant in QUERIES.items():
        wanted = {product.pk for product in products if meant(product)}
        row = [query, len(wanted)]
        for label, search in (("before", old_search), ("after", search_products)):
            results = list(search(public_products(), query).values_list("pk", flat=True))
            page = results[:PAGE]
            recall = len(wanted & set(results)) / len(wanted) if wanted else float(not results)
            precision = len(wanted & set(page)) / len(page) if page else float(not wanted)
            scores[label].append((recall, precision))
            row += [recall, precision]
        rows.append(row)
    print(f"\n{'query':24}{'meant':>6}  recall before/after  first-page precision before/after")
    for query, wanted, r0, p0, r1, p1 in rows:
        print(f"{query:24}{wanted:6}  {r0:6.2f} {r1:6.2f}         {p0:6.2f} {p1:6.2f}")
    means = {
        label: tuple(statistics.mean(values) for values in zip(*pairs, strict=True))
        for label, pairs in scores.items()
    }
    for label, (recall, precision) in means.items():
        print(f"{label}: mean recall {recall:.2f}, mean first-page precision {precision:.2f}")
    return means


def speed() -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count, Window
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog.models import Product
    from catalog.search import search_products

    client = Client()
    timings, per_query = [], {}
    counts = set()
    for query in QUERIES:
        cache.clear()
        client.get("/api/products", {"search": query, "page": 1, "limit": PAGE})  # warm-up
        mine = []
        for _ in range(RUNS):
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/api/products", {"search": query, "page": 1, "limit": PAGE})
                mine.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            counts.add(len(queries))
        per_query[query] = (statistics.median(mine), response.json()["total"])
        timings += mine
    timings.sort()
    p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
    print(
        f"\n{Product.objects.count():,} products, {len(QUERIES)} queries x {RUNS} requests "
        f"on a cache miss: median {statistics.median(timings):.1f} ms, p99 {p99:.1f} ms, "
        f"max {timings[-1]:.1f} ms; queries per request: {sorted(counts)}"
    )
    ranked = sorted(per_query.items(), key=lambda item: -item[1][0])
    for label, queries in (("slowest", ranked[:5]), ("fastest", ranked[-3:])):
        print(
            f"{label} medians: "
            + ", ".join(f"{q!r} {ms:.1f} ms ({n:,} found)" for q, (ms, n) in queries)
        )
    for query in ("maroon lehnga", "chifon", "eid"):
        print(f"\nEXPLAIN ANALYZE, search={query!r}:")
        # What the page costs: its ids and the total in one pass (ProductQuerySet.page_and_total).
        page = (
            search_products(Product.objects.visible(), query)
            .annotate(found=Window(Count("pk")))
            .values_list("pk", "found")[:PAGE]
        )
        print(page.explain(analyze=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--base-url", default=BASE_URL, help="PostgreSQL server URL, no database")
    args = parser.parse_args()

    small = f"{args.base_url}/beautique_search_1000"
    big = f"{args.base_url}/beautique_search_{args.products}"
    for url in (small, big):
        ensure_database(url)
    setup(small)
    fill(1000)
    print("Quality on the 1,000-product demo catalog:")
    quality()

    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict["NAME"] = urlsplit(big).path.lstrip("/")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    fill(args.products)
    speed()


if __name__ == "__main__":
    main()
