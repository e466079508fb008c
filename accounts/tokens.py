"""Staff JWTs that die with the password they were issued under."""

from django.utils.crypto import salted_hmac
from rest_framework_simplejwt.tokens import RefreshToken

PASSWORD_CLAIM = "pwd"


def password_fingerprint(user) -> str:
    """A short keyed digest of the user's password hash: changes whenever the password does."""
    return salted_hmac("accounts.tokens.password", user.password).hexdigest()[:20]


class StaffRefreshToken(RefreshToken):
    """A refresh token (and the access tokens made from it) carrying the password fingerprint."""

    @classmethod
    def for_user(cls, user):
        token = super().for_user(user)
        token[PASSWORD_CLAIM] = password_fingerprint(user)
        return token
