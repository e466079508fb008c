from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed

from accounts.tokens import PASSWORD_CLAIM, password_fingerprint


class StaffJWTAuthentication(JWTAuthentication):
    """Bearer JWT authentication that also refuses tokens issued before a password change.

    simplejwt already refuses users who are deactivated; the password fingerprint in
    the token makes a password change end every session from the next request on.
    """

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if validated_token.get(PASSWORD_CLAIM) != password_fingerprint(user):
            raise AuthenticationFailed(_("Token is no longer valid"), code="password_changed")
        return user
