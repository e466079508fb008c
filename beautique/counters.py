"""Counts of attempts in a window, in Django's shared cache: every worker and server sees
the same counts (the sign-in lockout, tracking misses)."""

import time
from dataclasses import dataclass

from django.core.cache import cache


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
