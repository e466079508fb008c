"""Bearer JWT authentication for the staff API.

Imported by the REST_FRAMEWORK settings while `rest_framework.views` is loading, so
this module must not import DRF views, generics or viewsets.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed as JWTAuthenticationFailed

from accounts.tokens import PASSWORD_CLAIM, password_fingerprint


def token_error_message(detail) -> str:
    """The one readable sentence in simplejwt's error detail.

    simplejwt reports token problems as a dict (`detail`, `code`, and for an
    unusable token a list of `messages` per token class); the contract's error
    envelope has a single string.
    """
    if not isinstance(detail, dict):
        return str(detail)
    messages = detail.get("messages") or []
    if messages and isinstance(messages[0], dict) and messages[0].get("message"):
        return str(messages[0]["message"])
    return str(detail.get("detail", "Token is invalid or expired"))


class StaffJWTAuthentication(JWTAuthentication):
    """`Authorization: Bearer <access token>` that dies with the user's access.

    simplejwt refuses users who are deleted or deactivated; the password fingerprint
    in the token also ends every session once the password changes, from the next
    request on. Every refusal is a 401 with a plain string `detail`.
    """

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except JWTAuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed(token_error_message(exc.detail)) from exc

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if validated_token.get(PASSWORD_CLAIM) != password_fingerprint(user):
            raise JWTAuthenticationFailed(_("Token is no longer valid"), code="password_changed")
        return user
