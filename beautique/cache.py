"""The cache every part of the store uses, which never takes the store down with it.

Throttles and sign-in failure counters live in the cache; they protect the shop but
are not the shop. `FailoverCache` (the `default` cache) sends every call to the shared
cache (the `shared` alias: Redis, or a file cache all workers of one server share)
and, when that cache is unreachable, to a cache of this process alone. So an order is
still placed and tracked with Redis down, and sign-in is still limited, per process,
rather than not at all. After a failure the shared cache is left alone for
`RETRY_SECONDS`, so a hung Redis costs one socket timeout per process per interval,
not one per request, and the failure is logged at most once a minute.
"""

import contextlib
import logging
import os
import pickle
import threading
import time
import zlib

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.core.files import locks
from django.db import DatabaseError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

UNREACHABLE_ERRORS = (RedisError, DatabaseError, OSError)
"""What the shared cache raises when it cannot be reached (Redis, database, files)."""

RETRY_SECONDS = 5
LOG_EVERY_SECONDS = 60


class _Outage:
    """This process's view of the shared cache: when to try it again, when last logged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.retry_at = 0.0
        self.logged_at = float("-inf")

    def skipping(self) -> bool:
        return time.monotonic() < self.retry_at

    def record(self, alias: str, error: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            self.retry_at = now + RETRY_SECONDS
            should_log = now - self.logged_at >= LOG_EVERY_SECONDS
            if should_log:
                self.logged_at = now
        if should_log:
            logger.warning(
                "Cache %r unreachable (%s: %s); using this process's own cache for now",
                alias,
                type(error).__name__,
                error,
            )

    def reset(self) -> None:
        with self.lock:
            self.retry_at = 0.0
            self.logged_at = float("-inf")


_outages: dict[str, _Outage] = {}
_local_caches: dict[str, LocMemCache] = {}


class SharedCacheUnavailable(Exception):
    """The shared cache is unreachable, or was moments ago (see `FailoverCache.strict`)."""


class FailoverCache(BaseCache):
    """The `OPTIONS["SHARED"]` cache, or this process's own cache while it is unreachable."""

    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self.shared_alias = options["SHARED"]
        self._shared = None
        self.outage = _outages.setdefault(self.shared_alias, _Outage())
        self.local = _local_caches.setdefault(
            self.shared_alias, LocMemCache(f"failover-{self.shared_alias}", {"TIMEOUT": None})
        )

    @property
    def shared(self) -> BaseCache:
        # Kept once found: an instance made outside Django's per-thread registry (the
        # server's event loop makes one) keeps one connection to the shared cache.
        if self._shared is None:
            self._shared = caches[self.shared_alias]
        return self._shared

    def reachable(self) -> bool:
        """Whether the shared cache answers (the health check asks). While an outage is
        recent it is not asked again, so a hung cache does not slow every probe."""
        if self.outage.skipping():
            return False
        try:
            self.shared.has_key("beautique:health")
        except UNREACHABLE_ERRORS as error:
            self.outage.record(self.shared_alias, error)
            return False
        return True

    def strict(self, method: str, *args, **kwargs):
        """Call `method` of the shared cache alone, for what every process must agree on
        (the versions of kept answers): raises `SharedCacheUnavailable` rather than
        answering from this process's own cache."""
        if self.outage.skipping():
            raise SharedCacheUnavailable(self.shared_alias)
        try:
            return getattr(self.shared, method)(*args, **kwargs)
        except UNREACHABLE_ERRORS as error:
            self.outage.record(self.shared_alias, error)
            raise SharedCacheUnavailable(self.shared_alias) from error

    def _call(self, method: str, *args, **kwargs):
        if not self.outage.skipping():
            try:
                return getattr(self.shared, method)(*args, **kwargs)
            except UNREACHABLE_ERRORS as error:
                self.outage.record(self.shared_alias, error)
        return getattr(self.local, method)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        return self._call("add", key, value, timeout, version, **kwargs)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        return self._call("set", key, value, timeout, version, **kwargs)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None, **kwargs):
        return self._call("set_many", data, timeout, version, **kwargs)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        """Empty both caches and forget any outage (tests, deploys)."""
        self.local.clear()
        self.outage.reset()
        self._call("clear")

    def close(self, **kwargs):
        self.shared.close(**kwargs)


class SharedFileCache(FileBasedCache):
    """Django's file cache, with `add`, `incr` and `decr` atomic across processes.

    Django's file cache does each as a read, then a write, and its `incr` re-sets the
    key with the default timeout: two workers could both "add" one key, and a failure
    counter's window would never close. Here they run under an exclusive lock on one
    file of the cache folder, and a counter keeps its expiry. Culling is rate-limited.
    """

    CULL_EVERY_SECONDS = 1.0

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._next_cull = 0.0

    def _cull(self):
        """Django's file cache lists the whole folder on every write to see whether it
        has grown past MAX_ENTRIES: 7 ms a write at 3,000 entries, which throttles write
        on every request. Once a second per process keeps it near the limit just as well."""
        now = time.monotonic()
        if now < self._next_cull:
            return
        self._next_cull = now + self.CULL_EVERY_SECONDS
        super()._cull()

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Django's `set`, in four system calls instead of nine: the value is written to
        a file of this thread's and moved over the entry (`os.replace`, atomic, so a
        reader sees the old value or the new one), without making sure of the folder
        first (only when the write finds it missing) or a random temporary name."""
        fname = self._key_to_file(key, version)
        self._cull()
        temporary = f"{fname}.{os.getpid()}-{threading.get_ident()}.tmp"
        try:
            file = open(temporary, "wb")  # noqa: SIM115 (closed below, before the move)
        except FileNotFoundError:
            self._createdir()
            file = open(temporary, "wb")  # noqa: SIM115
        try:
            with file:
                self._write_content(file, timeout, value)
            os.replace(temporary, fname)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(temporary)
            raise

    @contextlib.contextmanager
    def _locked(self):
        self._createdir()
        with open(os.path.join(self._dir, "counters.lock"), "ab") as lock:
            locks.lock(lock, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(lock)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._locked():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._locked():
            try:
                with open(self._key_to_file(key, version), "rb") as f:
                    expiry = pickle.load(f)
                    value = pickle.loads(zlib.decompress(f.read()))
            except (FileNotFoundError, EOFError):
                expiry, value = 0, None
            now = time.time()
            if expiry is not None and expiry < now:
                raise ValueError(f"Key '{key}' not found")
            value += delta
            self.set(key, value, None if expiry is None else expiry - now, version)
            return value


class _OneClientPerPool(RedisCacheClient):
    """Django's Redis cache client, keeping one redis-py client per connection pool.

    Django's makes a new `redis.Redis` for every call, and redis-py 8 builds its table
    of reply callbacks in each: about 200 microseconds a call, five times the round
    trip to Redis. A redis-py client is safe to share between threads (each call takes
    a connection from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache, without a new redis-py client per call (`_OneClientPerPool`)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool
