"""Users in the Django admin: superusers only (the "Store staff" group has no user permissions)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from accounts import lockout, services
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
    actions = ["unlock_sign_in", "sign_out_everywhere"]

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

    @admin.action(description="Sign the selected users out everywhere")
    def sign_out_everywhere(self, request, queryset):
        ended = sum(services.sign_out_everywhere(user=user) for user in queryset)
        self.message_user(
            request,
            f"Signed {queryset.count()} user(s) out everywhere: {ended} session(s) ended.",
            messages.SUCCESS,
        )

    @admin.display(description="Role", ordering="is_superuser")
    def role(self, user):
        return user.role
