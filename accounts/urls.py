from accounts import views
from beautique.routing import route

urlpatterns = [
    route("admin/login", views.LoginView.as_view(), name="admin-login"),
    route("admin/token/refresh", views.TokenRefreshView.as_view(), name="admin-token-refresh"),
    route("admin/logout", views.LogoutView.as_view(), name="admin-logout"),
    route("admin/me", views.MeView.as_view(), name="admin-me"),
]
