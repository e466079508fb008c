"""The "Store staff" group: the model permissions store staff need in the admin.

Staff manage categories, products and their images, and work on orders; they never
manage users or groups. Orders are placed by customers (no add) and never deleted; an
order's items and status history are read-only records. Product "delete" permission
lets staff deactivate a product: only superusers delete for good (see catalog.admin).
Later permissions are granted by the migrations of the models they are for (e.g.
catalog 0008, the search synonyms).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

STORE_STAFF_GROUP = "Store staff"

STORE_STAFF_PERMISSIONS = {
    "catalog": {
        "category": ("add", "change", "view"),
        "product": ("add", "change", "delete", "view"),
        "productimage": ("add", "change", "delete", "view"),
    },
    "orders": {
        "order": ("change", "view"),
        "orderitem": ("view",),
        "orderstatusevent": ("view",),
    },
}


def create_store_staff_group(apps, schema_editor):
    alias = schema_editor.connection.alias
    # Permissions are normally created after all migrations ran (post_migrate); make
    # sure the ones the group needs exist now, on a fresh database too.
    for app_label in STORE_STAFF_PERMISSIONS:
        create_permissions(
            global_apps.get_app_config(app_label), verbosity=0, using=alias, apps=apps
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(alias).get_or_create(name=STORE_STAFF_GROUP)
    permissions = [
        Permission.objects.using(alias).get(
            content_type__app_label=app_label,
            content_type__model=model,
            codename=f"{action}_{model}",
        )
        for app_label, models in STORE_STAFF_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    group.permissions.set(permissions)


def delete_store_staff_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=STORE_STAFF_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0001_initial"),
        ("orders", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_store_staff_group, delete_store_staff_group)]
