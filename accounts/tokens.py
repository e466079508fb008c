"""Staff JWTs that die with the password they were issued under, and with their session."""

from django.utils.crypto import salted_hmac
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken

PASSWORD_CLAIM = "pwd"
SESSION_CLAIM = "sid"
"""The id (`jti`) of the refresh token a token belongs to: its access tokens carry it too,
so revoking the refresh token (logout, refresh) refuses them from the next request."""


def password_fingerprint(user) -> str:
    """A short keyed digest of the user's password hash: changes whenever the password does."""
    return salted_hmac("accounts.tokens.password", user.password).hexdigest()[:20]


class StaffRefreshToken(RefreshToken):
    """A refresh token (and the access tokens made from it) carrying the password
    fingerprint and the session (the refresh token's own id)."""

    @classmethod
    def for_user(cls, user):
        token = super().for_user(user)
        token[PASSWORD_CLAIM] = password_fingerprint(user)
        token[SESSION_CLAIM] = token[api_settings.JTI_CLAIM]
        return token
