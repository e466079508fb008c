from beautique.routing import route
from orders import views

urlpatterns = [
    route("orders/track", views.OrderTrackingView.as_view(), name="order-track"),
    route("orders", views.OrderCreateView.as_view(), name="order-create"),
    route("admin/orders", views.StaffOrderListView.as_view(), name="staff-order-list"),
    # Before the `{id}` route, which would otherwise take "export" as an order id.
    route("admin/orders/export", views.StaffOrderExportView.as_view(), name="staff-order-export"),
    route(
        "admin/orders/(?P<id>[^/]+)",
        views.StaffOrderDetailView.as_view(),
        name="staff-order-detail",
    ),
    route(
        "admin/orders/(?P<id>[^/]+)/status",
        views.StaffOrderStatusView.as_view(),
        name="staff-order-status",
    ),
]
