"""Bearer JWT authentication for the staff API.

Imported by the REST_FRAMEWORK settings while `rest_framework.views` is loading, so
this module must not import DRF views, generics or viewsets.
"""

from django.db.models import Exists
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed as JWTAuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.tokens import PASSWORD_CLAIM, SESSION_CLAIM, password_fingerprint


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

    Refused from the next request on: a deleted or deactivated user, every session once
    the password changes (the token's password fingerprint), and a session that was
    signed out (its refresh token revoked). The user and the session's revocation are
    read in one query. Every refusal is a 401 with a plain string `detail`.
    """

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except JWTAuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed(token_error_message(exc.detail)) from exc

    def get_user(self, validated_token):
        try:
            user_id = validated_token[jwt_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken(_("Token contained no recognizable user identification")) from exc
        session = validated_token.get(SESSION_CLAIM)
        user = (
            self.user_model.objects.filter(**{jwt_settings.USER_ID_FIELD: user_id})
            .annotate(signed_out=Exists(BlacklistedToken.objects.filter(token__jti=session or "")))
            .first()
        )
        if user is None:
            raise JWTAuthenticationFailed(_("User not found"), code="user_not_found")
        if not user.is_active:
            raise JWTAuthenticationFailed(_("User is inactive"), code="user_inactive")
        if (
            session is None
            or user.signed_out
            or validated_token.get(PASSWORD_CLAIM) != password_fingerprint(user)
        ):
            raise JWTAuthenticationFailed(_("Token is no longer valid"), code="signed_out")
        return user
