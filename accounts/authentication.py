"""Bearer JWT authentication for the staff API.

Imported by the REST_FRAMEWORK settings while `rest_framework.views` is loading, so
this module must not import DRF views, generics or viewsets.
"""

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed as JWTAuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

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
        user = self._user_and_session(user_id, session or "")
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

    def _user_and_session(self, user_id, session: str):
        """The token's user, with `signed_out`: whether the refresh token `session` has
        been blacklisted. One query, written here rather than compiled by the ORM on
        every staff request (an `Exists` annotation doubled the cost of authenticating)."""
        quote = connection.ops.quote_name
        users, outstanding, blacklisted = (
            model._meta for model in (self.user_model, OutstandingToken, BlacklistedToken)
        )
        id_field = users.get_field(jwt_settings.USER_ID_FIELD)
        try:
            user_id = id_field.get_db_prep_value(id_field.to_python(user_id), connection)
        except ValidationError:
            return None

        def column(meta, name: str) -> str:
            return quote(meta.get_field(name).column)

        sql = (
            f"SELECT u.*, EXISTS (SELECT 1 FROM {quote(blacklisted.db_table)} b "
            f"JOIN {quote(outstanding.db_table)} o "
            f"ON o.{column(outstanding, 'id')} = b.{column(blacklisted, 'token')} "
            f"WHERE o.{column(outstanding, 'jti')} = %s) AS signed_out "
            f"FROM {quote(users.db_table)} u WHERE u.{quote(id_field.column)} = %s"
        )
        return next(iter(self.user_model.objects.raw(sql, [session, user_id])), None)
