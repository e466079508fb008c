"""Every saved or deleted category, product or picture retires the kept public catalog
answers, whichever door the change came through: the staff API, the Django admin's
forms, inlines and actions, or a management command."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalog.models import Category, Product, ProductImage
from catalog.services import catalog_changed


@receiver(post_save, sender=Category)
@receiver(post_save, sender=Product)
@receiver(post_save, sender=ProductImage)
@receiver(post_delete, sender=Category)
@receiver(post_delete, sender=Product)
@receiver(post_delete, sender=ProductImage)
def retire_kept_catalog_answers(**kwargs):
    catalog_changed()
