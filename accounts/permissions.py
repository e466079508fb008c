from rest_framework.permissions import BasePermission


class IsActiveStaff(BasePermission):
    """Only active staff users (401 without a valid token, 403 for other users)."""

    message = "Staff access only."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)


class IsActiveSuperuser(IsActiveStaff):
    """Store owners only: what the Django admin also reserves for superusers."""

    message = "Only a superuser may do this."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.is_superuser
