"""Store staff keep the search synonyms (add, change, delete, view) in the admin."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

STORE_STAFF_GROUP = "Store staff"
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    alias = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("catalog"), verbosity=0, using=alias, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(alias).filter(name=STORE_STAFF_GROUP).first()
    if group is None:
        return
    group.permissions.add(
        *Permission.objects.using(alias).filter(
            content_type__app_label="catalog",
            codename__in=[f"{action}_searchsynonym" for action in ACTIONS],
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(schema_editor.connection.alias).filter(name=STORE_STAFF_GROUP)
    for staff in group:
        staff.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="catalog",
                codename__in=[f"{action}_searchsynonym" for action in ACTIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_fill_search_and_seed_synonyms"),
        ("accounts", "0002_store_staff_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
