"""Order tracking cannot be walked: failed lookups are counted per phone number and per
order id, on top of the per-client rate.

Order ids count up from 001 each day, so with a customer's phone number the next ids
are easy to guess, and with an order id the phone numbers are. Every lookup that finds
nothing (the same 404 for an unknown id and a wrong phone) counts a miss for its phone
number (in any notation) and for its order id; at `TRACKING_MISS_LIMIT` misses within
`TRACKING_MISS_WINDOW_SECONDS` (opened by the first miss), lookups with that phone
number or that order id answer 429 until the window ends, from every client, whether
or not they would find the order.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from beautique.counters import FailureCounter
from orders.phone import canonical_phone_or_none


def _counters(order_id: str, phone: str) -> list[FailureCounter]:
    keys = [f"order:{order_id.strip().upper()}"]
    phone_digits = canonical_phone_or_none(phone)
    if phone_digits is not None:
        keys.append(f"phone:{phone_digits}")
    return [
        FailureCounter(
            key=f"orders:tracking-misses:{hashlib.sha256(key.encode()).hexdigest()}",
            limit=settings.TRACKING_MISS_LIMIT,
            window=settings.TRACKING_MISS_WINDOW_SECONDS,
        )
        for key in keys
    ]


def locked_for(order_id: str, phone: str) -> int | None:
    """Seconds until lookups of this order id or phone number may go on, or None."""
    counters = _counters(order_id, phone)
    counts = cache.get_many([counter.key for counter in counters])
    locked = [counter for counter in counters if counts.get(counter.key, 0) >= counter.limit]
    if not locked:
        return None
    return max(counter.seconds_until_reset() for counter in locked)


def record_miss(order_id: str, phone: str) -> None:
    for counter in _counters(order_id, phone):
        counter.reserve()


class TrackingMissThrottle(BaseThrottle):
    """Refuses a lookup whose phone number or order id has too many misses (429 with
    `Retry-After`). A throttle, so it runs before a kept answer could be replayed."""

    def allow_request(self, request, view):
        order_id = request.query_params.get("order_id")
        phone = request.query_params.get("phone")
        self.retry_after = None
        if isinstance(order_id, str) and isinstance(phone, str):
            self.retry_after = locked_for(order_id, phone)
        return self.retry_after is None

    def wait(self):
        return self.retry_after
