"""Password hashers: Argon2 first, at most `PASSWORD_CHECKS_PER_WORKER` hashes at a time.

A password hash is meant to be expensive: each one takes a core for tens of
milliseconds. Ten parallel sign-ins (or guesses) must not take every core from the
shoppers, so every hash this process computes (a check, a new password, the dummy hash
Django computes for an unknown username) waits for one of a few slots. Existing PBKDF2
hashes still verify and are rehashed with Argon2 at the user's next sign-in (Django
does that when the preferred hasher differs).
"""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import hashers

_slots = None
_slots_lock = threading.Lock()
_holding = threading.local()


@contextmanager
def hashing_slot():
    """Hold one of the process's `PASSWORD_CHECKS_PER_WORKER` hashing slots (a thread
    that holds one already keeps it: PBKDF2's `verify` calls its `encode`)."""
    global _slots
    if getattr(_holding, "slot", False):
        yield
        return
    if _slots is None:
        with _slots_lock:
            if _slots is None:
                _slots = threading.BoundedSemaphore(settings.PASSWORD_CHECKS_PER_WORKER)
    with _slots:
        _holding.slot = True
        try:
            yield
        finally:
            _holding.slot = False


class _OneSlotPerHash:
    def encode(self, *args, **kwargs):
        with hashing_slot():
            return super().encode(*args, **kwargs)

    def verify(self, *args, **kwargs):
        with hashing_slot():
            return super().verify(*args, **kwargs)

    def harden_runtime(self, *args, **kwargs):
        with hashing_slot():
            return super().harden_runtime(*args, **kwargs)


class Argon2PasswordHasher(_OneSlotPerHash, hashers.Argon2PasswordHasher):
    """Argon2id with OWASP's first recommended parameters (46 MiB, 1 pass, 1 lane): about
    50 ms of one core here, where Django's defaults (100 MiB, 2 passes, 8 lanes) take
    both cores for 120 ms."""

    time_cost = 1
    memory_cost = 46 * 1024
    parallelism = 1


class PBKDF2PasswordHasher(_OneSlotPerHash, hashers.PBKDF2PasswordHasher):
    """For hashes made before Argon2; upgraded at the next sign-in."""


class PBKDF2SHA1PasswordHasher(_OneSlotPerHash, hashers.PBKDF2SHA1PasswordHasher):
    """For hashes made before Argon2; upgraded at the next sign-in."""
