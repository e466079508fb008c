from django.apps import AppConfig


class OrdersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orders"

    def ready(self):
        from beautique.httpcache import retire_on_change
        from orders.models import Order, OrderItem, OrderStatusEvent
        from orders.services import ORDERS

        # Every saved or deleted order, line or history entry retires the kept answers;
        # the services' bulk writes call `orders_changed` themselves.
        retire_on_change(ORDERS, Order, OrderItem, OrderStatusEvent)
