"""One sign-in lockout for every way in (the staff API, the Django admin, any later one).

`SignInLockoutBackend` is the first of `AUTHENTICATION_BACKENDS`, so every
`authenticate(request, username=..., password=...)` passes through it before a password
is checked. Each attempt counts against three counters in Django's shared cache (every
worker and server sees the same counts), each a fixed window of
`LOGIN_FAILURE_WINDOW_SECONDS` opened by its first attempt:

- the username from this client address: `LOGIN_USERNAME_CLIENT_FAILURE_LIMIT` (5);
- this client address, whatever the username: `LOGIN_CLIENT_FAILURE_LIMIT` (20);
- the username from every address together: `LOGIN_USERNAME_FAILURE_LIMIT` (100), a
  ceiling only an attack from many addresses reaches.

A stranger who guesses the owner's password from their own address locks out that
address, not the owner. An attempt is counted before its password is checked, so
parallel guesses cannot slip past a limit; one that succeeds uncounts itself and clears
its username's count from its address. Attempts refused while over a limit are counted
too, but never extend a window: a lock ends when its window does.

django-axes was weighed and not used: it counts a failure only after the password check
(ten parallel guesses are all checked), it has one failure limit for every combination
of username and address, and its cache handler cannot unlock a user across addresses.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from rest_framework.throttling import BaseThrottle

from beautique.counters import FailureCounter

LOCKED_ATTRIBUTE = "sign_in_retry_after"
"""Set on the request whose attempt the lockout refused: seconds until it may retry."""
_RESERVED_ATTRIBUTE = "_sign_in_counters"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _username_key(username: str) -> str:
    """Usernames count case- and space-insensitively: `Admin ` is `admin` to the lockout."""
    return _digest(username.strip().casefold())


PREFIX = "accounts:sign-in"


def _epoch_key(username_key: str) -> str:
    """The username's unlock count: part of its per-address keys, so that an unlock
    (`unlock`) abandons every address's count at once."""
    return f"{PREFIX}:epoch:{username_key}"


def _username_counter(username_key: str) -> FailureCounter:
    return FailureCounter(
        key=f"{PREFIX}:failures:username:{username_key}",
        limit=settings.LOGIN_USERNAME_FAILURE_LIMIT,
        window=settings.LOGIN_FAILURE_WINDOW_SECONDS,
    )


def client_address(request) -> str:
    """The client's address as the throttles see it (`NUM_PROXIES` trusted proxies)."""
    return BaseThrottle().get_ident(request) or "unknown"


@dataclass(frozen=True)
class Counters:
    """The three counters of one attempt (see the module's docstring)."""

    username_from_client: FailureCounter
    client: FailureCounter
    username: FailureCounter

    @classmethod
    def of(cls, *, username: str, client: str) -> "Counters":
        window = settings.LOGIN_FAILURE_WINDOW_SECONDS
        user_key = _username_key(username)
        client_key = _digest(client)
        epoch = cache.get(_epoch_key(user_key), 0)
        return cls(
            username_from_client=FailureCounter(
                key=f"{PREFIX}:failures:username-client:{user_key}:{epoch}:{client_key}",
                limit=settings.LOGIN_USERNAME_CLIENT_FAILURE_LIMIT,
                window=window,
            ),
            client=FailureCounter(
                key=f"{PREFIX}:failures:client:{client_key}",
                limit=settings.LOGIN_CLIENT_FAILURE_LIMIT,
                window=window,
            ),
            username=_username_counter(user_key),
        )

    @property
    def all(self) -> tuple[FailureCounter, ...]:
        return (self.username_from_client, self.client, self.username)

    def reserve(self) -> int | None:
        """Count an attempt; None if it may go on, else the seconds until it may."""
        over = [counter for counter in self.all if counter.reserve() > counter.limit]
        if not over:
            return None
        return max(counter.seconds_until_reset() for counter in over)

    def release(self) -> None:
        for counter in self.all:
            counter.release()


def reserve_attempt(request, username: str) -> None:
    """Count a sign-in attempt of `username` from `request`'s client before its password is
    checked; raise `PermissionDenied` (after setting `LOCKED_ATTRIBUTE` on the request)
    if a limit is reached."""
    counters = Counters.of(username=username, client=client_address(request))
    retry_after = counters.reserve()
    if retry_after is not None:
        setattr(request, LOCKED_ATTRIBUTE, retry_after)
        raise PermissionDenied("Too many failed sign-in attempts")
    setattr(request, _RESERVED_ATTRIBUTE, counters)


def release_attempt(request) -> None:
    """Uncount the request's attempt: nothing was checked (the database was down)."""
    counters = getattr(request, _RESERVED_ATTRIBUTE, None)
    if counters is not None:
        counters.release()
        delattr(request, _RESERVED_ATTRIBUTE)


@receiver(user_logged_in, dispatch_uid="accounts.lockout.signed_in")
def signed_in(sender, request, user, **kwargs):
    """A sign-in through any door: uncount its attempt and clear the username's failures
    from this client."""
    counters = getattr(request, _RESERVED_ATTRIBUTE, None) if request is not None else None
    if counters is None:
        return
    counters.username_from_client.clear()
    counters.client.release()
    counters.username.release()
    delattr(request, _RESERVED_ATTRIBUTE)


def recent_failures(usernames) -> dict[str, int]:
    """Attempts (failed, or refused while locked) per username in its current window,
    from every address: what the admin shows."""
    keys = {_username_counter(_username_key(username)).key: username for username in usernames}
    found = cache.get_many(list(keys))
    return {username: found.get(key, 0) for key, username in keys.items()}


def unlock(username: str) -> None:
    """Forget every count of `username`: from each address and in all (the admin's unlock).
    Counts per address, whatever the username, stay: they belong to the address."""
    user_key = _username_key(username)
    if not cache.add(_epoch_key(user_key), 1, timeout=None):
        cache.incr(_epoch_key(user_key))
    _username_counter(user_key).clear()


class SignInLockoutBackend(ModelBackend):
    """The first authentication backend: counts every attempt, and refuses one over a
    limit before any password is checked (the backends after it check the password).
    Attempts without a request (a shell, a management command) have no client to count.

    It is a `ModelBackend` for what follows a sign-in (loading the session's user,
    permissions), so a session that names it, as `Client.force_login` does, works."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and username is not None:
            reserve_attempt(request, username)
        return None
