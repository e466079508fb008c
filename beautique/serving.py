"""The production entry point: Granian's ASGI interface in front of Django's WSGI app.

Granian (Rust) speaks HTTP/1.1 with keep-alive; `WholeBody` reads each request's body
on the event loop, so a client that sends its body one byte a second holds a
coroutine, not a thread; `ReplayedAnswers` answers a GET Django said may be replayed
from memory; only then does `ThreadedWSGI` hand the request to a fixed pool
of `WEB_THREADS` threads running Django's WSGI handler (sign-ins: a lane of their own
of `PASSWORD_CHECKS_PER_WORKER` threads). So a worker process has at most that many
database connections, each persistent, whatever the load.

Django's own ASGI handler would buffer bodies too, but runs each request's view in a
thread made for it: four times slower here on the floor, and one database connection
per request in flight.
"""

import asyncio
import io
import logging
import multiprocessing.util
import os
import sys
import time
from collections import Counter, OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

from a2wsgi.wsgi import build_environ
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.http import FileResponse
from django.urls import reverse
from django.utils.http import parse_etags

from beautique.httpcache import Replayable, current_version
from beautique.wsgi import application as django_application

logger = logging.getLogger(__name__)

REQUEST_TOO_LARGE = b'{"detail":"The request body is too large."}'
REQUEST_TIMEOUT = b'{"detail":"The request body did not arrive in time."}'
BODY_HEADERS = (b"content-length", b"transfer-encoding")
"""An HTTP/1 request with neither header has no body (RFC 9112, 6.3): nothing to wait
for. (HTTP/2 may send a body without them.)"""


class ThreadedWSGI:
    """Serve a WSGI app to ASGI requests whose body has been read whole, in a fixed pool
    of `threads` threads.

    An answer the app holds in memory (every JSON answer), or a file (pictures of at
    most 5 MB, static files), goes back to the event loop in one hop, so a client that
    reads slowly holds no thread; a streamed answer (the CSV export) is sent chunk by
    chunk from the thread that made it, since its database cursor belongs to that
    thread. a2wsgi's middleware, which this replaces, paid three cross-thread round
    trips per request (half the floor here); its `build_environ` still makes the
    WSGI environ.

    Requests to `sign_in_paths` run in a lane of their own, `sign_in_threads` threads
    (one per password check the worker may run at once: `accounts.hashers`), so sign-ins
    queue on the event loop, never in the pool that serves the shoppers.
    """

    def __init__(self, app, *, threads: int, sign_in_paths=(), sign_in_threads: int = 1):
        self.app = app
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="django")
        self.sign_in_paths = frozenset(sign_in_paths)
        self.sign_in_executor = (
            ThreadPoolExecutor(sign_in_threads, thread_name_prefix="django-sign-in")
            if self.sign_in_paths
            else None
        )

    async def __call__(self, scope, body: bytes, send):
        loop = asyncio.get_running_loop()
        environ = build_environ(scope, io.BytesIO(body))
        started = {}

        def start_response(status, headers, exc_info=None):
            started["status"] = int(status.split(" ", 1)[0])
            started["headers"] = [
                (name.lower().encode("latin1"), value.encode("latin1")) for name, value in headers
            ]

        async def sending(message):
            # The server's `send` returns an awaitable, not always a coroutine.
            await send(message)

        def send_from_thread(message):
            asyncio.run_coroutine_threadsafe(sending(message), loop).result()

        def run():
            response = self.app(environ, start_response)
            try:
                if not getattr(response, "streaming", False) or isinstance(response, FileResponse):
                    if getattr(response, "replay", None) is not None:
                        started[REPLAY] = response.replay
                    return b"".join(response)
                send_from_thread({"type": "http.response.start", **started})
                for chunk in response:
                    send_from_thread(
                        {"type": "http.response.body", "body": chunk, "more_body": True}
                    )
                send_from_thread({"type": "http.response.body", "body": b""})
                return None
            finally:
                # Django's request_finished: database connections are tidied here.
                if hasattr(response, "close"):
                    response.close()

        executor = self.sign_in_executor if scope["path"] in self.sign_in_paths else self.executor
        content = await loop.run_in_executor(executor, run)
        if content is not None:
            await send({"type": "http.response.start", **started})
            await send({"type": "http.response.body", "body": content})


class Answer(NamedTuple):
    replay: Replayable
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str | None


REPLAY = "beautique.replay"
"""Key of the `http.response.start` message under which `ThreadedWSGI` passes on the
response's `Replayable` (never sent to the server)."""
KEY_HEADERS = (b"host", b"origin", b"accept", b"x-forwarded-proto", b"x-forwarded-host")
"""The request headers an answer may depend on (CORS, content negotiation, the proxy):
part of the key, with the scheme, path and query string."""
NOT_MODIFIED_DROPS = (b"content-type", b"content-length")


class VersionReads:
    """The versions of kept answers' namespaces (`httpcache.current_version`), read for
    the requests waiting on the event loop together.

    The first request to ask schedules one read of the shared cache for the loop's next
    turn; every request that asks before it runs waits for that same read. Each read
    still starts after the requests it answers arrived, so a change committed before a
    request came in is seen by it, while under load one round trip to Redis (or one
    file read) serves many requests instead of blocking the loop once per request.
    """

    def __init__(self):
        self._store = None
        self._waiting: dict[str, list[asyncio.Future]] | None = None

    @property
    def store(self):
        """The event loop's own instance of the default cache (Django's registry would
        make one per request here)."""
        if self._store is None:
            self._store = caches.create_connection(DEFAULT_CACHE_ALIAS)
        return self._store

    async def read(self, namespace: str) -> str | None:
        loop = asyncio.get_running_loop()
        if self._waiting is None:
            self._waiting = {}
            loop.call_soon(self._read_waiting)
        # A future of its own: a request cancelled while it waits cancels only itself.
        future = loop.create_future()
        self._waiting.setdefault(namespace, []).append(future)
        return await future

    def _read_waiting(self) -> None:
        waiting, self._waiting = self._waiting, None
        for namespace, futures in waiting.items():
            try:
                version = current_version(namespace, self.store)
            except Exception:
                # No request may be left waiting: an unknown version replays nothing,
                # so they all go on to Django.
                logger.exception("Could not read the version of %s answers", namespace)
                version = None
            for future in futures:
                if not future.done():
                    future.set_result(version)


class ReplayedAnswers:
    """Answer a GET again from memory, on the event loop, while Django said it may.

    A 200 answer in memory whose response carries a `Replayable` (`httpcache`: public
    catalog answers while their namespace's version holds, the health check while its
    checks are reused) is kept, as sent (status, every header the middleware added,
    body), under the request's method, scheme, path, query string and `KEY_HEADERS`.
    The same request then gets the same bytes without a thread hop or Django, after one
    read of the version in the shared cache; a matching `If-None-Match` gets a 304 with
    the same headers. Answers are kept up to `max_bytes` in all, least recently used
    first out. Every other request goes on to `app(scope, body, send)`.
    """

    def __init__(self, app, *, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes
        self.answers: OrderedDict[tuple, Answer] = OrderedDict()
        self.paths: Counter[str] = Counter()
        """How many answers are kept for each path: a request for any other is not
        looked up (its key is not even made)."""
        self.size = 0
        self.versions = VersionReads()

    async def __call__(self, scope, body: bytes, send):
        if scope["method"] != "GET":
            return await self.app(scope, body, send)
        key = _replay_key(scope) if scope["path"] in self.paths else None
        answer = None if key is None else self.answers.get(key)
        if answer is not None:
            namespace = answer.replay.namespace
            version = None if namespace is None else await self.versions.read(namespace)
            if answer.replay.holds(version):
                if self.answers.get(key) is answer:  # not pushed out meanwhile
                    self.answers.move_to_end(key)
                return await _replay(answer, scope, send)
            if self.answers.get(key) is answer:
                self._forget(key)

        started = {}

        async def keeping(message):
            if message["type"] == "http.response.start":
                started.update(message, replay=message.pop(REPLAY, None))
            elif (
                started["replay"] is not None
                and started["status"] == 200
                and not message.get("more_body", False)
            ):
                self._keep(
                    key or _replay_key(scope),
                    started["headers"],
                    message.get("body", b""),
                    started["replay"],
                )
            await send(message)

        await self.app(scope, body, keeping)

    def _keep(self, key: tuple, headers: list, body: bytes, replay: Replayable) -> None:
        if len(body) > self.max_bytes // 16:
            return
        if key in self.answers:
            self._forget(key)
        etag = next((value.decode("latin1") for name, value in headers if name == b"etag"), None)
        self.answers[key] = Answer(replay, headers, body, etag)
        self.paths[key[1]] += 1
        self.size += len(body)
        while self.size > self.max_bytes:
            self._forget(next(iter(self.answers)))

    def _forget(self, key: tuple) -> None:
        self.size -= len(self.answers.pop(key).body)
        self.paths[key[1]] -= 1
        if not self.paths[key[1]]:
            del self.paths[key[1]]


def _replay_key(scope) -> tuple:
    headers = dict(scope["headers"])
    return (
        scope["scheme"],
        scope["path"],
        scope["query_string"],
        *(headers.get(name) for name in KEY_HEADERS),
    )


async def _replay(answer: Answer, scope, send) -> None:
    condition = next((value for name, value in scope["headers"] if name == b"if-none-match"), None)
    if (
        answer.etag is not None
        and condition is not None
        and answer.etag in parse_etags(condition.decode("latin1"))
    ):
        headers = [
            (name, value) for name, value in answer.headers if name not in NOT_MODIFIED_DROPS
        ]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": answer.headers})
    await send({"type": "http.response.body", "body": answer.body})


class WholeBody:
    """ASGI app: read the whole request body on the event loop, then call
    `app(scope, body, send)`.

    A body over `max_bytes` is a 413, and a client that sends nothing for
    `idle_seconds` is a 408; the app never sees either.
    """

    def __init__(self, app, *, max_bytes: int, idle_seconds: float):
        self.app = app
        self.max_bytes = max_bytes
        self.idle_seconds = idle_seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        if scope.get("http_version", "1.1").startswith("1") and not any(
            name in BODY_HEADERS for name, _ in scope["headers"]
        ):
            return await self.app(scope, b"", send)
        chunks, size = [], 0
        while True:
            try:
                # asyncio.timeout, not wait_for: no task made for each part of the body.
                async with asyncio.timeout(self.idle_seconds):
                    message = await receive()
            except TimeoutError:
                return await _answer(send, 408, REQUEST_TIMEOUT)
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return await _answer(send, 413, REQUEST_TOO_LARGE)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, b"".join(chunks), send)


async def _answer(send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AccessLog:
    """ASGI app: one line per request, `[time] client - "METHOD path HTTP/x" status ms`,
    like Granian's access log, which cost half the floor here (a `logging` call, a
    timestamp formatted and a write to stdout per request: 44,000 -> 24,000 req/s for
    a bare answer). Lines go to a buffer written out when it fills and at most
    `flush_seconds` after the first line in it; the timestamp is formatted once a second.
    """

    def __init__(self, app, *, stream, flush_seconds: float = 1.0, buffer_bytes: int = 65536):
        self.app = app
        self.stream = stream
        self.flush_seconds = flush_seconds
        self.buffer_bytes = buffer_bytes
        self.lines: list[str] = []
        self.size = 0
        self._second = None
        self._stamp = ""

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 0

        async def sending(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.write(scope, status, (time.perf_counter() - started) * 1000)

    def write(self, scope, status: int, milliseconds: float) -> None:
        now = int(time.time())
        if now != self._second:
            self._second = now
            self._stamp = time.strftime("%Y-%m-%d %H:%M:%S %z", time.localtime(now))
        client = scope.get("client")
        # As sent (percent-encoded) where the server gives it: a decoded %0A would
        # start a forged line.
        raw = scope.get("raw_path")
        path = raw.decode("latin1") if raw else scope["path"].encode("unicode_escape").decode()
        if scope.get("query_string"):
            path = f"{path}?{scope['query_string'].decode('latin1')}"
        line = (
            f"[{self._stamp}] {client[0] if client else '-'} - "
            f'"{scope["method"]} {path} HTTP/{scope.get("http_version", "1.1")}" '
            f"{status} {milliseconds:.3f}\n"
        )
        if not self.lines:
            asyncio.get_running_loop().call_later(self.flush_seconds, self.flush)
        self.lines.append(line)
        self.size += len(line)
        if self.size >= self.buffer_bytes:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            lines, self.lines, self.size = self.lines, [], 0
            self.stream.write("".join(lines))
            self.stream.flush()


def _sign_in_paths() -> list[str]:
    """The staff API's login and the Django admin's, with and without a final slash."""
    paths = [reverse("admin-login"), reverse("admin:login")]
    return [variant for path in paths for variant in (path.rstrip("/"), path.rstrip("/") + "/")]


def _with_access_log(app):
    if not settings.ACCESS_LOG:
        return app
    logged = AccessLog(app, stream=sys.stdout)
    # The last second's lines, when the worker stops: Granian's workers are
    # multiprocessing processes, which run these finalizers (not atexit) on the way out.
    multiprocessing.util.Finalize(logged, logged.flush, exitpriority=10)
    return logged


application = _with_access_log(
    WholeBody(
        ReplayedAnswers(
            ThreadedWSGI(
                django_application,
                threads=int(os.environ.get("WEB_THREADS") or 2),
                sign_in_paths=_sign_in_paths(),
                sign_in_threads=settings.PASSWORD_CHECKS_PER_WORKER,
            ),
            max_bytes=int(os.environ.get("REPLAY_CACHE_BYTES") or 32 * 1024 * 1024),
        ),
        max_bytes=settings.UPLOAD_MAX_REQUEST_BYTES,
        idle_seconds=float(os.environ.get("REQUEST_BODY_IDLE_TIMEOUT") or 15),
    )
)
