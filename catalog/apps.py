from django.apps import AppConfig


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"

    def ready(self):
        from beautique.httpcache import retire_on_change
        from catalog.models import Category, Product, ProductImage, SearchSynonym
        from catalog.services import CATALOG

        # Every saved or deleted category, product, picture or search synonym retires
        # the kept answers.
        retire_on_change(CATALOG, Category, Product, ProductImage, SearchSynonym)
