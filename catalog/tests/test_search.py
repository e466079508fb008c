"""Product search (docs/api.md, "Products", `search`; catalog.search): how shoppers here
type, on a small catalog built by factories and the synonyms the migrations seed."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from catalog.models import Category, Product, SearchSynonym, SearchWord
from catalog.search import search_products
from catalog.tests.factories import ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db

BASE_TIME = datetime(2026, 11, 20, 5, 15, tzinfo=UTC)

# name, category slug, colors, what the description says it is finished with and for.
CATALOG = [
    ("Maroon Chiffon Bridal Lehanga", "lehanga-choli", ["Maroon"], "delicate mirror work", "wedding functions"),
    ("Maroon Velvet Maxi", "maxi", ["Maroon", "Black"], "tilla embroidery", "formal dinners"),
    ("Black Georgette Angrakha Maxi", "maxi", ["Black"], "gota and kinari borders", "Eid"),
    ("Bottle Green Jamawar Farshi Gharara", "gharara", ["Bottle Green"], "resham thread work", "mehndi and dholki nights"),
    ("Emerald Khaddar Kalidar Shirt", "long-shirt", ["Emerald"], "Lucknowi chikankari", "everyday wear"),
    ("Ivory Lawn Straight Long Shirt", "long-shirt", ["Ivory"], "a digital print", "summer afternoons"),
    ("Navy Organza Embroidered Suit", "shalwar-kameez", ["Navy"], "hand embroidery on the neckline", "Eid"),
    ("Mustard Net Gota Lehanga Choli", "lehanga-choli", ["Mustard"], "gota and kinari borders", "wedding functions"),
    ("Sky Blue Silk Chikankari Suit", "shalwar-kameez", ["Sky Blue"], "Lucknowi chikankari", "formal dinners"),
    ("Blush Pink Chiffon Tiered Maxi", "maxi", ["Blush Pink"], "pearl and sequin detailing", "wedding functions"),
    ("Teal Velvet Mirror Work Lehanga", "lehanga-choli", ["Teal"], "delicate mirror work", "mehndi and dholki nights"),
    ("Black Raw Silk Gharara", "gharara", ["Black"], "tilla embroidery", "Eid"),
    ("Fuchsia Lawn Printed 3-Piece Suit", "shalwar-kameez", ["Fuchsia"], "a digital print", "everyday wear"),
    ("Rust Khaddar A-Line Long Shirt", "long-shirt", ["Rust"], "resham thread work", "everyday wear"),
    ("Champagne Organza Festive Gharara Set", "gharara", ["Champagne"], "pearl and sequin detailing", "wedding functions"),
]  # fmt: skip

LEHENGAS = {
    "Maroon Chiffon Bridal Lehanga",
    "Mustard Net Gota Lehanga Choli",
    "Teal Velvet Mirror Work Lehanga",
}
SUITS = {
    "Navy Organza Embroidered Suit",
    "Sky Blue Silk Chikankari Suit",
    "Fuchsia Lawn Printed 3-Piece Suit",
}
GHARARAS = {
    "Bottle Green Jamawar Farshi Gharara",
    "Black Raw Silk Gharara",
    "Champagne Organza Festive Gharara Set",
}
LONG_SHIRTS = {
    "Emerald Khaddar Kalidar Shirt",
    "Ivory Lawn Straight Long Shirt",
    "Rust Khaddar A-Line Long Shirt",
}
MAXIS = {"Maroon Velvet Maxi", "Black Georgette Angrakha Maxi", "Blush Pink Chiffon Tiered Maxi"}

QUERIES = [
    # Spelling variants of garments and fabrics (synonyms)
    ("spelling", "lehenga", LEHENGAS),
    ("spelling", "lehnga", LEHENGAS),
    ("spelling", "lengha", LEHENGAS),
    ("spelling", "salwar kameez", SUITS),
    ("spelling", "shalwar qameez", SUITS),
    ("spelling", "garara", GHARARAS),
    ("spelling", "angarkha", {"Black Georgette Angrakha Maxi"}),
    ("spelling", "jamavar", {"Bottle Green Jamawar Farshi Gharara"}),
    ("spelling", "khadar", {"Emerald Khaddar Kalidar Shirt", "Rust Khaddar A-Line Long Shirt"}),
    ("spelling", "KURTI", LONG_SHIRTS),
    # Typos
    ("typo", "chifon", {"Maroon Chiffon Bridal Lehanga", "Blush Pink Chiffon Tiered Maxi"}),
    ("typo", "georgete", {"Black Georgette Angrakha Maxi"}),
    ("typo", "velvat", {"Maroon Velvet Maxi", "Teal Velvet Mirror Work Lehanga"}),
    ("typo", "embroidred suit", {"Navy Organza Embroidered Suit"}),
    ("typo", "orgnza", {"Navy Organza Embroidered Suit", "Champagne Organza Festive Gharara Set"}),
    ("typo", "ghararas", GHARARAS),
    # Two words: color and garment
    ("color + garment", "black maxi", {"Maroon Velvet Maxi", "Black Georgette Angrakha Maxi"}),
    ("color + garment", "maroon lehnga", {"Maroon Chiffon Bridal Lehanga"}),
    ("color + garment", "bottle green gharara", {"Bottle Green Jamawar Farshi Gharara"}),
    ("color + garment", "emerald green", {"Emerald Khaddar Kalidar Shirt"}),
    ("color + garment", "navy suit", {"Navy Organza Embroidered Suit"}),
    ("color + garment", "teal lehenga", {"Teal Velvet Mirror Work Lehanga"}),
    ("color + garment", "maroon dress", {"Maroon Chiffon Bridal Lehanga", "Maroon Velvet Maxi"}),
    # Category synonyms
    ("category", "long shirt", LONG_SHIRTS),
    ("category", "frock", MAXIS),
    ("category", "3 piece", {"Fuchsia Lawn Printed 3-Piece Suit"}),
    # Fabrics
    ("fabric", "lawn", {"Ivory Lawn Straight Long Shirt", "Fuchsia Lawn Printed 3-Piece Suit"}),
    ("fabric", "raw silk", {"Black Raw Silk Gharara"}),
    ("fabric", "silk", {"Sky Blue Silk Chikankari Suit", "Black Raw Silk Gharara"}),
    ("fabric", "net", {"Mustard Net Gota Lehanga Choli"}),
    ("fabric", "chiff", {"Maroon Chiffon Bridal Lehanga", "Blush Pink Chiffon Tiered Maxi"}),
    # Work
    ("work", "mirrorwork", {"Maroon Chiffon Bridal Lehanga", "Teal Velvet Mirror Work Lehanga"}),
    ("work", "chikan kari", {"Emerald Khaddar Kalidar Shirt", "Sky Blue Silk Chikankari Suit"}),
    ("work", "gota", {"Black Georgette Angrakha Maxi", "Mustard Net Gota Lehanga Choli"}),
    ("work", "sequins", {"Blush Pink Chiffon Tiered Maxi", "Champagne Organza Festive Gharara Set"}),
    ("work", "tilla", {"Maroon Velvet Maxi", "Black Raw Silk Gharara"}),
    # Occasions
    ("occasion", "eid", {"Black Georgette Angrakha Maxi", "Navy Organza Embroidered Suit", "Black Raw Silk Gharara"}),
    ("occasion", "shaadi", {"Maroon Chiffon Bridal Lehanga", "Mustard Net Gota Lehanga Choli", "Blush Pink Chiffon Tiered Maxi", "Champagne Organza Festive Gharara Set"}),
    ("occasion", "mehendi", {"Bottle Green Jamawar Farshi Gharara", "Teal Velvet Mirror Work Lehanga"}),
    ("occasion", "formal", {"Maroon Velvet Maxi", "Sky Blue Silk Chikankari Suit"}),
    ("occasion", "eid gharara", {"Black Raw Silk Gharara"}),
    # Nothing meant
    ("none", "saree", set()),
    ("none", "maroon kurti", set()),
    ("none", "!!!", set()),
]  # fmt: skip


@pytest.fixture
def catalog():
    categories = {category.slug: category for category in Category.objects.all()}
    products = {}
    for minutes, (name, slug, colors, finish, occasion) in enumerate(CATALOG):
        style = name.split(" ", 2)[-1].lower()
        product = ProductFactory(
            name=name,
            category=categories[slug],
            colors=colors,
            description=f"Our {style}, finished with {finish}. Made for {occasion}.",
        )
        moment = BASE_TIME + timedelta(minutes=minutes)
        Product.objects.filter(pk=product.pk).update(created_at=moment)
        products[name] = product
    return products


def found(api_client, query: str, **params) -> list[str]:
    response = api_client.get("/api/products", {"search": query, "limit": 50, **params})
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


@pytest.mark.parametrize(("kind", "query", "meant"), QUERIES, ids=[q for _, q, _ in QUERIES])
def test_search_finds_what_the_shopper_means_and_nothing_else(
    api_client, catalog, kind, query, meant
):
    assert set(found(api_client, query)) == meant


def test_the_table_covers_every_kind_of_query():
    kinds = {kind for kind, _, _ in QUERIES}
    assert len(QUERIES) >= 30
    assert kinds == {
        "spelling",
        "typo",
        "color + garment",
        "category",
        "fabric",
        "work",
        "occasion",
        "none",
    }


def test_matches_in_the_name_come_before_matches_elsewhere_then_newest(api_client, catalog):
    # The two with mirror work in their name first (newest first), then the one whose
    # description alone mentions it, although that one is the newest of all.
    ProductFactory(
        name="Ivory Net Lehanga Choli",
        category=Category.objects.get(slug="lehanga-choli"),
        colors=["Ivory"],
        description="Our lehanga choli, finished with delicate mirror work. Made for Eid.",
    )
    Product.objects.filter(name="Maroon Chiffon Bridal Lehanga").update(
        name="Maroon Chiffon Mirror Work Bridal Lehanga"
    )
    Product.objects.get(name="Maroon Chiffon Mirror Work Bridal Lehanga").save()

    assert found(api_client, "mirror work") == [
        "Teal Velvet Mirror Work Lehanga",
        "Maroon Chiffon Mirror Work Bridal Lehanga",
        "Ivory Net Lehanga Choli",
    ]


def test_words_as_typed_come_before_typo_corrections(catalog):
    """`orgnza` is corrected to organza; a product whose name has the typed word itself
    ranks above one matched only through the correction."""
    ProductFactory(
        name="Orgnza Sample Maxi",
        category=Category.objects.get(slug="maxi"),
        colors=["Ivory"],
        description="A maxi whose name was typed with a typo.",
    )
    ranked = search_products(Product.objects.all(), "orgnz")
    assert [product.name for product in ranked] == ["Orgnza Sample Maxi"]

    ranked = search_products(Product.objects.all(), "organza")
    assert "Orgnza Sample Maxi" not in [product.name for product in ranked]


def test_an_explicit_ordering_wins_over_relevance(api_client, catalog):
    assert found(api_client, "gharara", ordering="name") == sorted(GHARARAS)
    assert found(api_client, "gharara", ordering="-name") == sorted(GHARARAS, reverse=True)


def test_the_total_and_the_pages_stay_exact(api_client, catalog):
    first = api_client.get("/api/products", {"search": "shaadi", "limit": 3, "page": 1}).json()
    second = api_client.get("/api/products", {"search": "shaadi", "limit": 3, "page": 2}).json()

    assert (first["total"], first["total_pages"], second["total"]) == (4, 2, 4)
    assert len(first["items"]) == 3 and len(second["items"]) == 1
    names = [item["name"] for item in first["items"] + second["items"]]
    assert len(set(names)) == 4


def test_search_combines_with_the_other_filters(api_client, catalog):
    assert found(api_client, "shaadi", category="maxi") == ["Blush Pink Chiffon Tiered Maxi"]
    assert found(api_client, "black", color="black", category="gharara") == [
        "Black Raw Silk Gharara"
    ]


def test_inactive_products_are_not_found(api_client, catalog):
    catalog["Black Raw Silk Gharara"].is_active = False
    catalog["Black Raw Silk Gharara"].save()

    assert set(found(api_client, "gharara")) == GHARARAS - {"Black Raw Silk Gharara"}


def test_a_changed_product_is_found_by_its_new_words(api_client, catalog):
    product = catalog["Rust Khaddar A-Line Long Shirt"]
    assert found(api_client, "peach") == []

    product.colors = ["Rust", "Peach"]
    product.save()

    assert found(api_client, "peach kurti") == ["Rust Khaddar A-Line Long Shirt"]


def test_a_renamed_category_is_found_by_its_new_name(api_client, catalog):
    category = Category.objects.get(slug="gharara")
    category.name = "Farshi Sets"
    category.save()

    assert set(found(api_client, "farshi sets")) == GHARARAS
    assert found(api_client, "sets") != []


def test_a_synonym_added_in_the_admin_takes_effect_on_the_next_search(
    api_client, store_staff_client, catalog, committed
):
    assert found(api_client, "peshwaz") == []

    response = committed(
        lambda: store_staff_client.post(
            "/admin/catalog/searchsynonym/add/", {"terms": "Peshwaz,  Angrakha "}
        )
    )

    assert response.status_code == 302
    assert SearchSynonym.objects.filter(terms="peshwaz, angrakha").exists()
    assert found(api_client, "peshwaz") == ["Black Georgette Angrakha Maxi"]


def test_a_synonym_needs_two_terms(store_staff_client):
    response = store_staff_client.post("/admin/catalog/searchsynonym/add/", {"terms": "kurti"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "terms": ["List at least two terms that mean the same, separated by commas."]
    }


def test_a_synonym_removed_in_the_admin_stops_matching(
    api_client, store_staff_client, catalog, committed
):
    synonym = SearchSynonym.objects.get(terms__startswith="kurti,")
    assert set(found(api_client, "kurti")) == LONG_SHIRTS

    response = committed(
        lambda: store_staff_client.post(
            f"/admin/catalog/searchsynonym/{synonym.pk}/delete/", {"post": "yes"}
        )
    )

    assert response.status_code == 302
    assert found(api_client, "kurti") == []


def test_staff_search_uses_the_same_engine(staff_client, catalog):
    catalog["Black Raw Silk Gharara"].is_active = False
    catalog["Black Raw Silk Gharara"].save()

    response = staff_client.get("/api/admin/products", {"search": "garara", "limit": 50})

    assert response.status_code == 200
    assert {item["name"] for item in response.json()["items"]} == GHARARAS


def test_the_admin_product_search_uses_the_same_engine(store_staff_client, catalog):
    response = store_staff_client.get("/admin/catalog/product/", {"q": "maroon lehnga"})

    assert response.status_code == 200
    assert [product.name for product in response.context["cl"].result_list] == [
        "Maroon Chiffon Bridal Lehanga"
    ]


def test_search_query_count_does_not_grow_with_the_page(api_client, django_assert_num_queries):
    categories = list(Category.objects.all())
    for index in range(60):
        product = ProductFactory(
            name=f"Maroon Chiffon Maxi {index}", category=categories[index % len(categories)]
        )
        ProductImageFactory.create_batch(2, product=product)

    # The synonyms, the vocabulary (for the misspelt word), the count, the page with its
    # categories, the page's images: for 1 product as for 50.
    for limit in (1, 50):
        with django_assert_num_queries(5):
            response = api_client.get("/api/products", {"search": "maroon chifon", "limit": limit})
        assert len(response.json()["items"]) == limit


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL's")
def test_search_is_served_by_its_indexes(catalog):
    """With scans of whole tables and indexes priced out (a few rows make them the
    cheapest), the plans show the indexes fit the queries."""
    with connection.cursor() as cursor:
        for path in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{path} = off")

    products = search_products(Product.objects.all(), "maroon lehnga")
    assert "product_search_document_words" in products.explain()
    words = SearchWord.objects.filter(word__resembles="chifon")
    assert "searchword_word_trgm" in words.explain()


def test_refresh_search_makes_products_written_around_the_models_findable(api_client, committed):
    category = Category.objects.get(slug="gharara")
    Product.objects.bulk_create(
        [
            Product(
                name="Zardozi Peplum Gharara",
                category=category,
                regular_price=9000,
                description="Imported in bulk, with zardozi work.",
                sizes=["M"],
                colors=["Wine"],
            )
        ]
    )
    assert found(api_client, "peplum") == []

    out = io.StringIO()
    committed(lambda: call_command("refresh_search", stdout=out))

    assert "Search text refreshed for 1 products." in out.getvalue()
    assert found(api_client, "peplum") == ["Zardozi Peplum Gharara"]
    assert found(api_client, "peplum wine") == ["Zardozi Peplum Gharara"]
    assert found(api_client, "peplm") == ["Zardozi Peplum Gharara"]


def test_a_typo_of_a_synonym_no_product_uses_is_corrected_to_it(api_client, catalog):
    assert set(found(api_client, "kurtii")) == LONG_SHIRTS


def test_the_vocabulary_knows_the_catalogs_words_from_the_synonyms_only_words(catalog):
    in_catalog = dict(
        SearchWord.objects.filter(word__in=["shalwar", "salwaar", "kurti", "lehanga"]).values_list(
            "word", "in_catalog"
        )
    )

    assert in_catalog == {"shalwar": True, "salwaar": False, "kurti": False, "lehanga": True}


def test_a_synonym_word_becomes_a_catalog_word_once_a_product_uses_it(api_client, catalog):
    ProductFactory(
        name="Ivory Lawn Kurti",
        category=Category.objects.get(slug="long-shirt"),
        colors=["Ivory"],
        description="A short kurti for everyday wear.",
    )

    assert SearchWord.objects.get(word="kurti").in_catalog
    assert "Ivory Lawn Kurti" in found(api_client, "kurti")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL table option")
def test_products_are_scanned_without_parallel_workers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'catalog_product'")
        [options] = cursor.fetchone()

    assert "parallel_workers=0" in options
