from django.db import migrations

STARTING_CATEGORIES = [
    ("Maxi", "maxi"),
    ("Lehanga Choli", "lehanga-choli"),
    ("Long Shirt", "long-shirt"),
    ("Shalwar Kameez", "shalwar-kameez"),
    ("Gharara", "gharara"),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    for position, (name, slug) in enumerate(STARTING_CATEGORIES, start=1):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
