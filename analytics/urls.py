from analytics import views
from beautique.routing import route

urlpatterns = [
    route("admin/analytics/dashboard", views.DashboardView.as_view(), name="analytics-dashboard"),
]
