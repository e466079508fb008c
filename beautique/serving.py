"""The production entry point: Granian's ASGI interface in front of Django's WSGI app.

Granian (Rust) speaks HTTP/1.1 with keep-alive; `WholeBody` reads each request's body
on the event loop, so a client that sends its body one byte a second holds a
coroutine, not a thread; only then does `ThreadedWSGI` hand the request to a fixed pool
of `WEB_THREADS` threads running Django's WSGI handler. So a worker process has at most
`WEB_THREADS` database connections, each persistent, whatever the load.

Django's own ASGI handler would buffer bodies too, but runs each request's view in a
thread made for it: four times slower here on the floor, and one database connection
per request in flight.
"""

import asyncio
import io
import os
from concurrent.futures import ThreadPoolExecutor

from a2wsgi.wsgi import build_environ
from django.conf import settings
from django.http import FileResponse

from beautique.wsgi import application as django_application

REQUEST_TOO_LARGE = b'{"detail":"The request body is too large."}'
REQUEST_TIMEOUT = b'{"detail":"The request body did not arrive in time."}'


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
    """

    def __init__(self, app, *, threads: int):
        self.app = app
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="django")

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

        content = await loop.run_in_executor(self.executor, run)
        if content is not None:
            await send({"type": "http.response.start", **started})
            await send({"type": "http.response.body", "body": content})


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
        chunks, size = [], 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), self.idle_seconds)
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


application = WholeBody(
    ThreadedWSGI(django_application, threads=int(os.environ.get("WEB_THREADS") or 2)),
    max_bytes=settings.UPLOAD_MAX_REQUEST_BYTES,
    idle_seconds=float(os.environ.get("REQUEST_BODY_IDLE_TIMEOUT") or 15),
)
