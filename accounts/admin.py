"""Users in the Django admin: superusers only (the "Store staff" group has no user permissions)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User


@admin.register(User)
class StoreUserAdmin(UserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "role",
        "is_active",
        "last_login",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")

    @admin.display(description="Role", ordering="is_superuser")
    def role(self, user):
        return user.role
