"""PostgreSQL that gives up on a server that has stopped answering.

A stopped server refuses connections and the driver says so at once; a hung one
(SIGSTOP, a frozen VM, a network black hole) accepts bytes and never replies, and
neither `connect_timeout` (new connections only) nor `statement_timeout` (the server
must be running to enforce it) ends a query already waiting on it. Here every query,
and Django's pre-request health check of a persistent connection, runs under a
deadline: a watchdog thread shuts the socket of a query that outlives it, the driver
raises `OperationalError` (the API answers 503), Django discards the connection, and
the next request connects afresh, so the store recovers by itself.
"""

import contextlib
import heapq
import itertools
import select
import socket
import threading
import time

from django.db import DatabaseError
from django.db.backends.postgresql import base

DEFAULT_QUERY_DEADLINE_SECONDS = 20.0
HEALTH_CHECK_DEADLINE_SECONDS = 3.0
RECENT_ANSWER_SECONDS = 1.0
"""A connection that answered a query this recently, and has nothing waiting to be
read, passes the health check without a round trip (see `DatabaseWrapper.is_usable`)."""

_override = threading.local()


@contextlib.contextmanager
def query_deadline(seconds: float):
    """Queries on this thread inside the block get `seconds` (the health check's)."""
    previous = getattr(_override, "seconds", None)
    _override.seconds = seconds
    try:
        yield
    finally:
        _override.seconds = previous


class Watchdog:
    """One thread per process that cuts the sockets of queries past their deadline.

    `start` and `stop` run around every query, so they are cheap: a plain lock around
    the heap of deadlines, and the thread woken only when it must wake sooner (it would
    otherwise find nothing to do and wait again: a thread switch per query). Whoever
    takes a watch out of `_running` first, `stop` or the thread, decides whether the
    socket is cut, so a query that ends at its deadline is never cut afterwards.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._deadlines: list[tuple[float, int, int]] = []
        self._running: dict[int, int] = {}
        self._ids = itertools.count()
        self._thread = None

    def start(self, fileno: int, seconds: float) -> int:
        """Watch the query now running on socket `fileno`; return the id to `stop` it by."""
        watch_id = next(self._ids)
        deadline = time.monotonic() + seconds
        self._running[watch_id] = fileno
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="db-query-watchdog", daemon=True
                )
                self._thread.start()
            sooner = not self._deadlines or deadline < self._deadlines[0][0]
            heapq.heappush(self._deadlines, (deadline, watch_id, fileno))
            if sooner:
                self._wake.notify()
        return watch_id

    def stop(self, watch_id: int) -> None:
        if self._running.pop(watch_id, None) is None:
            # The thread took it first and is cutting its socket under the lock: wait
            # for that, so the connection is not closed (and its descriptor reused)
            # under the cut.
            with self._lock:
                pass

    @contextlib.contextmanager
    def watching(self, fileno: int, seconds: float):
        watch_id = self.start(fileno, seconds)
        try:
            yield
        finally:
            self.stop(watch_id)

    def _watch(self):
        with self._lock:
            while True:
                while self._deadlines and self._deadlines[0][1] not in self._running:
                    heapq.heappop(self._deadlines)
                if not self._deadlines:
                    self._wake.wait()
                    continue
                deadline, watch_id, fileno = self._deadlines[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    # At most a second: the watches stopped meanwhile are dropped a
                    # second's worth at a time, not a whole deadline's at once.
                    self._wake.wait(min(wait, 1.0))
                    continue
                heapq.heappop(self._deadlines)
                if self._running.pop(watch_id, None) is not None:
                    _shut(fileno)


def _shut(fileno: int) -> None:
    """Shut the socket down under the waiting driver (which then sees it closed)."""
    with contextlib.suppress(OSError):
        sock = socket.socket(fileno=fileno)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        finally:
            sock.detach()


watchdog = Watchdog()


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.execute_wrappers.append(self._within_deadline)
        self._answered_at = float("-inf")

    @property
    def query_deadline_seconds(self) -> float:
        override = getattr(_override, "seconds", None)
        if override is not None:
            return override
        return self.settings_dict.get("QUERY_DEADLINE_SECONDS") or DEFAULT_QUERY_DEADLINE_SECONDS

    def _socket(self) -> int:
        with self.wrap_database_errors:
            return self.connection.fileno()

    def _within_deadline(self, execute, sql, params, many, context):
        watch_id = watchdog.start(self._socket(), self.query_deadline_seconds)
        try:
            result = execute(sql, params, many, context)
        finally:
            watchdog.stop(watch_id)
        self._answered_at = time.monotonic()
        return result

    def is_usable(self):
        """Whether the persistent connection can serve the next request.

        An idle connection has nothing to read: if its socket is readable, the server
        has closed it or is closing it (a restart, `pg_terminate_backend`, an idle
        timeout), and it is not usable. Otherwise a connection that answered a query
        within `RECENT_ANSWER_SECONDS` is taken as usable: under load that is every
        request, and Django's `SELECT 1` would be one round trip in ten of placing an
        order. An older one runs that `SELECT 1` under the health check's deadline, so
        a server that hung meanwhile costs seconds, not the query deadline.
        """
        try:
            fileno = self._socket()
        except DatabaseError:
            return False
        poll = select.poll()
        poll.register(fileno, select.POLLIN)
        if poll.poll(0):
            return False
        if time.monotonic() - self._answered_at < RECENT_ANSWER_SECONDS:
            return True
        with watchdog.watching(fileno, HEALTH_CHECK_DEADLINE_SECONDS):
            return super().is_usable()
