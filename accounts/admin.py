"""Users in the Django admin: superusers only (the "Store staff" group has no user permissions)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from accounts import lockout
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
        "recent_sign_in_failures",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    actions = ["unlock_sign_in"]

    @admin.display(description="Failed sign-ins (current window)")
    def recent_sign_in_failures(self, user):
        return lockout.recent_failures([user.username])[user.username]

    @admin.action(description="Unlock sign-in of the selected users")
    def unlock_sign_in(self, request, queryset):
        usernames = list(queryset.values_list("username", flat=True))
        for username in usernames:
            lockout.unlock(username)
        self.message_user(
            request, f"Unlocked the sign-in of {', '.join(usernames)}.", messages.SUCCESS
        )

    @admin.display(description="Role", ordering="is_superuser")
    def role(self, user):
        return user.role
