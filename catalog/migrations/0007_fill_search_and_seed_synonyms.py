"""Search text for the products already stored, the search vocabulary, a starting list
of synonyms, and the indexes `catalog.search` uses on PostgreSQL.

The synonyms are the store's starting list of how shoppers here write garments,
fabrics, work, colors and occasions (Roman Urdu spellings, English names); staff
extend and correct it in the admin. Each line is one group of terms meaning the same.
"""

from django.db import migrations

from beautique.postgres import PostgresRunSQL
from catalog.words import search_text, terms_of, vocabulary_of

SYNONYMS = [
    # Garments
    "lehenga, lehnga, lehanga, lengha, lahenga, lehngha, lehanga choli",
    "choli, blouse",
    "shalwar, salwar, shalwaar, salwaar, shalvar",
    "kameez, qameez, kamees, kamiz, qamiz, qamees",
    "suit, shalwar kameez",
    "3 piece, three piece, 3pc, 3 pc, 3 pcs",
    "kurti, kurta, long shirt",
    "gharara, garara, ghrara, gharrara",
    "angrakha, angarkha, angrakah, angharkha",
    "maxi, maxy, frock, long frock, gown",
    "peshwas, pishwas, anarkali",
    "dupatta, dopatta, duppata, chunri, chunni",
    "trouser, trousers, pants",
    "kalidar, kali dar, kalidaar, kallidar",
    "a line, aline",
    # Fabrics
    "chiffon, shiffon",
    "georgette, jorjet",
    "khaddar, khadar, khaddi, khadi, khadder",
    "jamawar, jamavar, jamewar, jamawaar",
    "organza, organdy",
    "velvet, makhmal, mukhmal",
    "net, nett, tulle",
    "raw silk, rawsilk",
    "cotton, sooti",
    "karandi, karandy",
    # Work
    "embroidered, embroidery, kadhai, kadhaai, kashida, kashidakari",
    "mirror work, mirrorwork, mirror, sheesha, shisha, sheesha work, shisha work",
    "chikankari, chikan kari, chikan, chickenkari, chikenkari, lucknowi",
    "gota, gotta, gota work",
    "kinari, kinnari",
    "tilla, tila, tilla work",
    "zardozi, zardosi, zari",
    "resham, resham work, thread work",
    "sequin, sequins, sitara, sitaray, sitare",
    "pearl, pearls, moti",
    "handwork, hand work, hand embroidery",
    # Colors
    "emerald, emerald green",
    "bottle green, dark green",
    "sky blue, light blue, aasmani, asmani",
    "navy, navy blue",
    "blush pink, blush, baby pink",
    "fuchsia, fuschia, fushia, hot pink, magenta",
    "ivory, off white, offwhite, cream",
    "mustard, mustard yellow",
    "champagne, champaigne",
    "lilac, lavender",
    "maroon, burgundy",
    "mint, mint green, pistachio",
    "rust, rust orange",
    "black, kala, kaala",
    "white, safaid, safed, sufaid",
    "red, laal, lal, surkh",
    "golden, gold, sunehri, sunehra",
    "pink, gulabi",
    # Occasions
    "eid, eid ul fitr, eid ul adha, chand raat",
    "mehndi, mehendi, mehandi, henna, mayun, mayon",
    "dholki, dholak",
    "wedding, shaadi, shadi, shaddi, barat, baraat, walima, valima, nikah, nikkah",
    "bridal, dulhan, bride",
    "formal, party wear, partywear",
    "everyday, casual, daily wear, everyday wear",
    "summer, garmi, garmiyon",
    "winter, sardi, sardiyon",
]


def fill(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    Product = apps.get_model("catalog", "Product")
    SearchSynonym = apps.get_model("catalog", "SearchSynonym")
    SearchWord = apps.get_model("catalog", "SearchWord")

    vocabulary: set[str] = set()
    names = dict(Category.objects.values_list("pk", "name"))
    for name in names.values():
        vocabulary |= vocabulary_of(name)
    products = list(Product.objects.only("name", "category_id", "colors", "description"))
    for product in products:
        product.search_name = search_text(product.name)
        product.search_document = search_text(
            product.name, names[product.category_id], *product.colors, product.description
        )
        vocabulary |= vocabulary_of(product.search_document)
    Product.objects.bulk_update(products, ["search_name", "search_document"], batch_size=1000)

    SearchSynonym.objects.bulk_create(
        [SearchSynonym(terms=", ".join(terms_of(line))) for line in SYNONYMS],
        ignore_conflicts=True,
    )
    for line in SYNONYMS:
        vocabulary |= vocabulary_of(line)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(vocabulary) if len(word) <= 100],
        ignore_conflicts=True,
        batch_size=1000,
    )


def forget_synonyms(apps, schema_editor):
    apps.get_model("catalog", "SearchSynonym").objects.all().delete()
    apps.get_model("catalog", "SearchWord").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_search_text_synonyms_and_words")]

    operations = [
        migrations.RunPython(fill, forget_synonyms),
        # Words (full text, prefix matches) in the search text and `%` (trigram
        # similarity) in the vocabulary. The name and description trigram indexes
        # served the old substring search.
        PostgresRunSQL(
            "CREATE INDEX product_search_document_words ON catalog_product "
            "USING gin (to_tsvector('simple'::regconfig, search_document))",
            "DROP INDEX product_search_document_words",
        ),
        PostgresRunSQL(
            "CREATE INDEX searchword_word_trgm ON catalog_searchword USING gin (word gin_trgm_ops)",
            "DROP INDEX searchword_word_trgm",
        ),
        PostgresRunSQL(
            "DROP INDEX product_name_trgm",
            "CREATE INDEX product_name_trgm ON catalog_product USING gin (UPPER(name) gin_trgm_ops)",
        ),
        PostgresRunSQL(
            "DROP INDEX product_description_trgm",
            "CREATE INDEX product_description_trgm ON catalog_product "
            "USING gin (UPPER(description) gin_trgm_ops)",
        ),
    ]
