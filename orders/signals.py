"""A saved or deleted order, line or history entry retires the kept answers that show
orders, whatever wrote it; the order services also call `orders_changed` themselves for
their bulk writes, which send no signals."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from orders.models import Order, OrderItem, OrderStatusEvent
from orders.services import orders_changed


@receiver(post_save, sender=Order)
@receiver(post_save, sender=OrderItem)
@receiver(post_save, sender=OrderStatusEvent)
@receiver(post_delete, sender=Order)
@receiver(post_delete, sender=OrderItem)
@receiver(post_delete, sender=OrderStatusEvent)
def retire_kept_order_answers(**kwargs):
    orders_changed()
