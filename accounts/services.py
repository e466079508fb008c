"""Staff sign-in: password login with failure throttling, token refresh and logout.

Failed logins are counted in Django's shared cache (so every worker sees the same
counts), once per username and once per client IP, in a window
that starts at the first failure and lasts `LOGIN_FAILURE_WINDOW_SECONDS`.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings

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


@dataclass(frozen=True)
class FailureCounter:
    """A count of attempts in a fixed window that opens with the first attempt.

    `cache.add` opens the window (its timeout closes it) and `cache.incr` counts
    atomically, so concurrent workers never lose an attempt.
    """

    key: str
    limit: int
    window: int

    @property
    def opened_key(self) -> str:
        return f"{self.key}:opened"

    def reserve(self) -> int:
        """Count one attempt and return the count including it."""
        if cache.add(self.key, 1, timeout=self.window):
            self._open()
            return 1
        try:
            count = cache.incr(self.key)
        except ValueError:
            # The window closed between add() and incr(): this attempt opens the next one.
            count = 1 if cache.add(self.key, 1, timeout=self.window) else cache.incr(self.key)
        if count == 1:
            # A new window, or a key that expired under Redis INCR, which recreates it
            # without a timeout.
            cache.touch(self.key, timeout=self.window)
            self._open()
        return count

    def release(self) -> None:
        """Uncount one attempt (a login that turned out to succeed)."""
        try:
            remaining = cache.decr(self.key)
        except ValueError:
            return
        if remaining <= 0:
            # Nothing left to count, or DECR recreated an expired key with no timeout.
            self.clear()

    def _open(self) -> None:
        cache.set(self.opened_key, time.time(), timeout=self.window)

    def clear(self) -> None:
        cache.delete_many([self.key, self.opened_key])

    def seconds_until_reset(self) -> int:
        opened = cache.get(self.opened_key)
        if opened is None:
            return self.window
        return max(1, round(opened + self.window - time.time()))


def login_failure_counters(*, username: str, client_ip: str) -> tuple[FailureCounter, ...]:
    """The per-username and per-client counters a login attempt counts against."""
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    username_digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    client_digest = hashlib.sha256(client_ip.encode()).hexdigest()
    return (
        FailureCounter(
            key=f"accounts:login-failures:username:{username_digest}",
            limit=settings.LOGIN_USERNAME_FAILURE_LIMIT,
            window=window,
        ),
        FailureCounter(
            key=f"accounts:login-failures:client:{client_digest}",
            limit=settings.LOGIN_CLIENT_FAILURE_LIMIT,
            window=window,
        ),
    )


def authenticate_staff(*, username: str, password: str, client_ip: str):
    """Check a staff member's credentials and record the login.

    Every attempt is counted before the password is checked, so a burst of parallel
    guesses cannot slip past the limit; a successful login uncounts itself and clears
    the username's failures. Raises TooManyFailedLogins while either counter is over
    its limit (even for the right password) and InvalidCredentials, identical for
    every reason, when the user may not sign in.
    """
    by_username, by_client = login_failure_counters(username=username, client_ip=client_ip)
    over_limit = [
        counter for counter in (by_username, by_client) if counter.reserve() > counter.limit
    ]
    if over_limit:
        raise TooManyFailedLogins(max(counter.seconds_until_reset() for counter in over_limit))

    try:
        user = authenticate(username=username, password=password)
    except DatabaseError:
        # Not a failed login: nothing was checked. Uncount it, so an outage does not
        # lock out the staff who tried to sign in during it.
        by_username.release()
        by_client.release()
        raise
    if user is None or not user.is_staff:
        raise InvalidCredentials()

    by_username.clear()
    by_client.release()
    update_last_login(None, user)
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
