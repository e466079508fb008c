"""Staff authentication: login, token refresh, logout and the signed-in staff member."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.authentication import StaffJWTAuthentication
from accounts.serializers import (
    AdminSerializer,
    LoginResponseSerializer,
    LoginSerializer,
    RefreshTokenSerializer,
    TokenPairSerializer,
)
from beautique.schema import ErrorSerializer

TAGS = ["staff: authentication"]


def token_pair_body(refresh) -> dict:
    return {
        "access_token": str(refresh.access_token),
        "refresh_token": str(refresh),
        "token_type": "bearer",
        "expires_in": services.access_token_lifetime_seconds(),
    }


class TokenEndpoint(APIView):
    """A view whose credentials travel in the body, not in an Authorization header.

    It reads no Authorization header, so a stale token left in the client cannot
    get in the way, yet its refusals are 401s with `WWW-Authenticate: Bearer`
    like the rest of the staff API (DRF would turn them into 403s otherwise).
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        return StaffJWTAuthentication().authenticate_header(request)


class LoginView(TokenEndpoint):
    @extend_schema(
        request=LoginSerializer,
        responses={200: LoginResponseSerializer, 401: ErrorSerializer},
        tags=TAGS,
        summary="Sign in with username and password",
        description="Only active staff can sign in. Wrong username, wrong password, "
        "inactive or non-staff user all answer the same 401. Repeated failures (for a "
        "username from one client, from one client, or for a username from every client "
        "together) answer 429 until the window passes; the Django admin's sign-in counts "
        "into the same limits.",
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.authenticate_staff(request=request, **serializer.validated_data)
        except services.TooManyFailedLogins as exc:
            raise exceptions.Throttled(
                wait=exc.retry_after, detail="Too many failed login attempts."
            ) from exc
        except services.InvalidCredentials as exc:
            raise exceptions.AuthenticationFailed("Invalid username or password") from exc
        refresh = services.issue_staff_tokens(user=user)
        body = {**token_pair_body(refresh), "admin": user}
        return Response(LoginResponseSerializer(body).data)


class TokenRefreshView(TokenEndpoint):
    @extend_schema(
        request=RefreshTokenSerializer,
        responses={200: TokenPairSerializer, 401: ErrorSerializer},
        tags=TAGS,
        summary="Trade a refresh token for a new token pair",
        description="The refresh token is single use: the answer carries a new pair, and "
        "the old refresh token is revoked together with the access tokens issued with it.",
    )
    def post(self, request):
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            refresh = services.rotate_refresh_token(**serializer.validated_data)
        except services.InvalidRefreshToken as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from exc
        return Response(token_pair_body(refresh))


class LogoutView(TokenEndpoint):
    @extend_schema(
        request=RefreshTokenSerializer,
        responses={204: None, 401: ErrorSerializer},
        tags=TAGS,
        summary="Sign out: revoke a refresh token and its session",
        description="Holding the refresh token is what proves the right to revoke it, so "
        "no access token is needed (an expired one must not stop a logout). The access "
        "tokens of the session (issued with this refresh token) are refused from the next "
        "request on; other sessions of the same user are untouched.",
    )
    def post(self, request):
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.revoke_refresh_token(**serializer.validated_data)
        except services.InvalidRefreshToken as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=AdminSerializer, tags=TAGS, summary="The signed-in staff member")
    def get(self, request):
        return Response(AdminSerializer(request.user).data)
