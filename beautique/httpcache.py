"""Public GET answers kept until the data they show changes, and conditional GETs.

A public view class that mixes in `CachedPublicRead` is wrapped before DRF does any
work (a view that must authenticate or throttle first decorates its `get` with
`kept_get`): its 200 answers are kept under the full request (scheme, host, path and
the sorted query string) and the current *version* of its namespace (say "catalog"). Every write to
that data bumps the namespace's version once its transaction commits (`retire_on_change`
for saves and deletes, `bump_version` for bulk writes), so the next
read, on any worker of any server, misses and reads the database afresh.

The version and the answers live in the shared cache (Redis, or the file cache every
worker of one server shares); each process also keeps the answers it has seen in
memory, so a hit costs one read of the version. While the shared cache is unreachable
nothing is served from it: answers are computed afresh (a version this process could
not share might let another serve stale data). A bump that failed then is retried as
soon as the shared cache answers again.

Answers carry an `ETag`; a request whose `If-None-Match` matches gets a 304 with no
body. `Cache-Control` comes from `settings.PUBLIC_CACHE_CONTROL`.

`CachedPublicRead`'s 200 answers are also marked `Replayable`: the same for everyone,
so the server may send them again from its own memory without running Django while
the version holds (beautique/serving.py). `kept_get`'s never are: their checks must run.
"""

import contextlib
import hashlib
import logging
import math
import threading
import time
import uuid
from collections import OrderedDict
from functools import partial, wraps
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags

from beautique.cache import SharedCacheUnavailable

logger = logging.getLogger(__name__)

LOCAL_ENTRIES = 2000
"""Answers each process keeps in memory (least recently used go first)."""
ENTRY_TIMEOUT = 24 * 60 * 60
"""Seconds an answer stays in the shared cache; a version bump retires it sooner."""


class Entry(NamedTuple):
    body: bytes
    content_type: str
    etag: str


class _LocalEntries:
    def __init__(self, size: int):
        self.size = size
        self.lock = threading.Lock()
        self.entries: OrderedDict[str, Entry] = OrderedDict()

    def get(self, key: str) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


local_entries = _LocalEntries(LOCAL_ENTRIES)
_pending_bumps: set[str] = set()


def _version_key(namespace: str) -> str:
    return f"httpcache:version:{namespace}"


def _new_version(namespace: str, store=cache) -> None:
    store.strict("set", _version_key(namespace), uuid.uuid4().hex, timeout=None)


def current_version(namespace: str, store=cache) -> str | None:
    """The namespace's version, or None while the shared cache cannot be trusted.
    `store` is the default cache (a `FailoverCache`), or another instance of it."""
    try:
        for pending in tuple(_pending_bumps):
            _new_version(pending, store)
            _pending_bumps.discard(pending)
        version = store.strict("get", _version_key(namespace))
        if version is None:
            store.strict("add", _version_key(namespace), uuid.uuid4().hex, timeout=None)
            version = store.strict("get", _version_key(namespace))
    except SharedCacheUnavailable:
        return None
    return version


class Replayable(NamedTuple):
    """Set as a 200 response's `replay`: the server (beautique/serving.py) may answer the
    same request again with the same status, headers and body, without running Django,
    until monotonic time `until` and, with a `namespace`, while its version is still
    `version` (so no later than the next read after a change, on every server)."""

    namespace: str | None = None
    version: str | None = None
    until: float = math.inf

    def holds(self, now_version: str | None = None) -> bool:
        """Whether the answer may be replayed now, its namespace's version being
        `now_version` (`current_version`; ignored without a namespace)."""
        if time.monotonic() >= self.until:
            return False
        return self.namespace is None or now_version == self.version


def _bump(namespace: str) -> None:
    try:
        _new_version(namespace)
    except SharedCacheUnavailable:
        logger.warning(
            "Could not retire kept %s answers; retrying when the cache is back", namespace
        )
        _pending_bumps.add(namespace)


def bump_version(namespace: str) -> None:
    """Retire every kept answer of `namespace` once the current transaction commits (at
    once outside one)."""
    transaction.on_commit(partial(_bump, namespace))


def retire_on_change(namespace: str, *models) -> None:
    """Bump `namespace` after every save and delete of `models`, whichever door the
    change came through (the API's services, the admin's forms, inlines and actions,
    commands). Bulk writes send no signals: their services call `bump_version`."""

    def retire(**kwargs):
        bump_version(namespace)

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                retire,
                sender=model,
                weak=False,
                dispatch_uid=f"httpcache:{namespace}:{signal is post_save}:{model._meta.label}",
            )


def _request_key(request, namespace: str, version: str) -> str:
    query = "&".join(sorted(request.META.get("QUERY_STRING", "").split("&")))
    spelled = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.blake2b(spelled.encode(), digest_size=16).hexdigest()
    return f"httpcache:answer:{namespace}:{version}:{digest}"


def _response(request, entry: Entry, cache_control: str | None):
    if entry.etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry.body, content_type=entry.content_type)
    response["ETag"] = entry.etag
    if cache_control:
        response["Cache-Control"] = cache_control
    return response


def kept_answer(
    request,
    namespace: str,
    compute,
    *,
    cache_control: str | None = None,
    variant: str = "",
    replayable: bool = False,
):
    """The kept answer to `request`, or `compute()`'s (a rendered response), kept when
    it is a 200. `cache_control` is sent with kept answers (None: none). `replayable`:
    the answer is the same for everyone who sends the same request, so the server may
    replay it (`Replayable`) while the version holds."""
    version = current_version(namespace)
    if version is None:
        return compute()
    key = _request_key(request, namespace, f"{version}:{variant}")
    entry = local_entries.get(key)
    if entry is None:
        try:
            entry = cache.strict("get", key)
        except SharedCacheUnavailable:
            return compute()
        if entry is not None:
            local_entries.put(key, entry)
    if entry is not None:
        return _replayable(_response(request, entry, cache_control), replayable, namespace, version)

    response = compute()
    if response.status_code != 200 or response.streaming:
        return response
    body = response.content
    entry = Entry(
        body=body,
        content_type=response["Content-Type"],
        etag=f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"',
    )
    local_entries.put(key, entry)
    with contextlib.suppress(SharedCacheUnavailable):
        cache.strict("set", key, entry, timeout=ENTRY_TIMEOUT)
    return _replayable(_response(request, entry, cache_control), replayable, namespace, version)


def _replayable(response, replayable: bool, namespace: str, version: str):
    if replayable and response.status_code == 200:
        response.replay = Replayable(namespace, version)
    return response


def _rendered(response):
    if hasattr(response, "render"):
        response.render()
    return response


class CachedPublicRead:
    """Mix into a public DRF view: its GET answers are kept (see the module), checked
    before DRF does any work, and browsers revalidate them."""

    cache_namespace: str

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)

        @wraps(view)
        def kept_view(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            return kept_answer(
                request,
                cls.cache_namespace,
                lambda: _rendered(view(request, *args, **kwargs)),
                cache_control=settings.PUBLIC_CACHE_CONTROL,
                replayable=True,
            )

        return kept_view


def kept_get(namespace: str, *, variant=None):
    """Decorate a DRF view's `get` whose checks must pass first (authentication,
    permissions, throttles): its answers are kept under `namespace`, and looked up only
    once the checks have passed. The answer must be the same for everyone who passes
    them; `variant()`, when given, names anything else it depends on (today's date)."""

    def decorate(get):
        @wraps(get)
        def kept(self, request, *args, **kwargs):
            def compute():
                response = get(self, request, *args, **kwargs)
                return _rendered(self.finalize_response(request, response, *args, **kwargs))

            return kept_answer(request, namespace, compute, variant=variant() if variant else "")

        return kept

    return decorate
