"""Staff sign-in: password login under the sign-in lockout, token refresh and logout."""

from django.contrib.auth import SESSION_KEY, authenticate, get_user_model
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import lockout
from accounts.tokens import PASSWORD_CLAIM, StaffRefreshToken, password_fingerprint


class InvalidCredentials(Exception):
    """Wrong username or password, or a user who may not sign in to the staff API."""


class TooManyFailedLogins(Exception):
    """Too many failed logins for this username or from this client."""

    def __init__(self, retry_after: int):
        super().__init__(f"Retry after {retry_after} seconds")
        self.retry_after = retry_after


class InvalidRefreshToken(Exception):
    """A refresh token that is malformed, expired, revoked or no longer matches its user."""


def authenticate_staff(*, request, username: str, password: str):
    """Check a staff member's credentials and record the sign-in.

    The attempt goes through every authentication backend, the sign-in lockout first
    (`accounts.lockout`), as the Django admin's do. Raises TooManyFailedLogins while a
    lockout limit is reached (even for the right password) and InvalidCredentials,
    identical for every reason, when the user may not sign in.
    """
    try:
        user = authenticate(request, username=username, password=password)
    except DatabaseError:
        # Not a failed login: nothing was checked. Uncount it, so an outage does not
        # lock out the staff who tried to sign in during it.
        lockout.release_attempt(request)
        raise
    retry_after = getattr(request, lockout.LOCKED_ATTRIBUTE, None)
    if retry_after is not None:
        raise TooManyFailedLogins(retry_after)
    if user is None or not user.is_staff:
        raise InvalidCredentials()
    user_logged_in.send(sender=type(user), request=request, user=user)
    return user


def issue_staff_tokens(*, user) -> StaffRefreshToken:
    """A new refresh token for `user`; its `access_token` is the matching access token."""
    return StaffRefreshToken.for_user(user)


def access_token_lifetime_seconds() -> int:
    return int(StaffRefreshToken.access_token_class.lifetime.total_seconds())


def _parse_refresh_token(raw_token: str) -> StaffRefreshToken:
    try:
        return StaffRefreshToken(raw_token)
    except TokenError as exc:
        raise InvalidRefreshToken(str(exc.args[0])) from exc


def rotate_refresh_token(*, refresh_token: str) -> StaffRefreshToken:
    """Trade a refresh token for a new one, revoking the old one.

    The old token must still belong to an active staff user whose password has not
    changed since it was issued. Blacklisting is the step that claims the old token,
    so two concurrent refreshes with one token get one new token, never two.
    """
    old = _parse_refresh_token(refresh_token)
    user = (
        get_user_model()
        .objects.filter(**{jwt_settings.USER_ID_FIELD: old.get(jwt_settings.USER_ID_CLAIM)})
        .first()
    )
    if (
        user is None
        or not user.is_active
        or not user.is_staff
        or old.get(PASSWORD_CLAIM) != password_fingerprint(user)
    ):
        raise InvalidRefreshToken("Token is no longer valid")

    with transaction.atomic():
        _blacklisted, newly_blacklisted = old.blacklist()
        if not newly_blacklisted:
            raise InvalidRefreshToken("Token is blacklisted")
        return issue_staff_tokens(user=user)


def revoke_refresh_token(*, refresh_token: str) -> None:
    """Blacklist a refresh token so it can never be used again (logout)."""
    _parse_refresh_token(refresh_token).blacklist()


def sign_out_everywhere(*, user) -> int:
    """End every session of `user` now (a lost phone, a staff member leaving): each API
    session's refresh token is blacklisted, so its access tokens are refused from the next
    request, and each admin browser's session is deleted. Returns how many ended.

    Admin sessions are found by reading the unexpired sessions: customers have none
    (the storefront signs no one in), so these are the staff's few.
    """
    with transaction.atomic():
        outstanding = OutstandingToken.objects.filter(
            user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
        )
        revoked = BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
        )
        browsers = [
            session.pk
            for session in Session.objects.filter(expire_date__gt=timezone.now())
            if session.get_decoded().get(SESSION_KEY) == str(user.pk)
        ]
        Session.objects.filter(pk__in=browsers).delete()
    return len(revoked) + len(browsers)


def seed_staff_user(*, username: str, email: str, password: str, superuser: bool):
    """Create or update a staff user who can sign in with `password`; returns (user, outcome).

    `outcome` is "created", "updated" or "unchanged". The password is only re-hashed
    when it differs, so re-running the seed (on every deploy, say) keeps the
    user's sessions alive. An existing superuser is never demoted here.
    """
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    created = user is None
    if created:
        user = user_model(username=username)
    elif user.is_superuser and not superuser:
        raise ValidationError(
            {"username": [f'"{username}" is a superuser; demote them in the Django admin.']}
        )

    wanted = {
        "email": email or user.email,
        "is_staff": True,
        "is_superuser": superuser,
        "is_active": True,
    }
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, wanted[field])
    if created or not user.check_password(password):
        user.set_password(password)
        changed.append("password")

    if created:
        user.save()
        return user, "created"
    if changed:
        user.save(update_fields=changed)
        return user, "updated"
    return user, "unchanged"
