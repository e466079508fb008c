"""Which vocabulary words are the catalog's (products' text, categories' names) and
which only a synonym's: the search leaves out the terms no catalog word answers."""

from django.db import migrations, models

from catalog.words import vocabulary_of


def mark_catalog_words(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    Product = apps.get_model("catalog", "Product")
    SearchWord = apps.get_model("catalog", "SearchWord")

    words: set[str] = set()
    for name in Category.objects.values_list("name", flat=True):
        words |= vocabulary_of(name)
    for text in Product.objects.values_list("search_document", flat=True).iterator(2000):
        words |= vocabulary_of(text)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word, in_catalog=True) for word in sorted(words) if len(word) <= 100],
        update_conflicts=True,
        unique_fields=["word"],
        update_fields=["in_catalog"],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0008_store_staff_keep_search_synonyms")]

    operations = [
        migrations.AddField(
            model_name="searchword",
            name="in_catalog",
            field=models.BooleanField(
                default=False,
                help_text="A product's or a category's word (not only a synonym's): a term "
                "whose words begin none of these finds nothing, and the search leaves it out.",
            ),
        ),
        migrations.RunPython(mark_catalog_words, migrations.RunPython.noop),
    ]
