"""The Django admin's sign-in form, under the same lockout as the staff API."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from accounts import lockout


class LockoutAdminAuthenticationForm(AdminAuthenticationForm):
    """Says so when the sign-in lockout refused the attempt, instead of "wrong password"."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            retry_after = getattr(self.request, lockout.LOCKED_ATTRIBUTE, None)
            if retry_after is None:
                raise
            minutes = -(-retry_after // 60)
            raise ValidationError(
                "Too many failed sign-in attempts. Try again in %(minutes)d minute(s).",
                code="locked",
                params={"minutes": minutes},
            ) from None
