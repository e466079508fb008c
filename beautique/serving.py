"""The production entry point: Granian's ASGI interface in front of Django's WSGI app.

Granian (Rust) speaks HTTP/1.1 with keep-alive; `WholeBody` reads each request's body
on the event loop, so a client that sends its body one byte a second holds a
coroutine, not a thread; only then does a2wsgi hand the request to a fixed pool of
`WEB_THREADS` threads running Django's WSGI handler. So a worker process has at most
`WEB_THREADS` database connections, each persistent, whatever the load.

Django's own ASGI handler would buffer bodies too, but runs each request's view in a
thread made for it: four times slower here on the floor, and one database connection
per request in flight.
"""

import asyncio
import os

from a2wsgi import WSGIMiddleware
from django.conf import settings

from beautique.wsgi import application as django_application

REQUEST_TOO_LARGE = b'{"detail":"The request body is too large."}'
REQUEST_TIMEOUT = b'{"detail":"The request body did not arrive in time."}'


class WholeBody:
    """ASGI middleware: read the whole request body before the app runs.

    A body over `max_bytes` is a 413, and a client that sends nothing for
    `idle_seconds` is a 408; the app never sees either.
    """

    def __init__(self, app, *, max_bytes: int, idle_seconds: float):
        self.app = app
        self.max_bytes = max_bytes
        self.idle_seconds = idle_seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
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
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        return await self.app(scope, replay, send)


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
    WSGIMiddleware(django_application, workers=int(os.environ.get("WEB_THREADS") or 2)),
    max_bytes=settings.UPLOAD_MAX_REQUEST_BYTES,
    idle_seconds=float(os.environ.get("REQUEST_BODY_IDLE_TIMEOUT") or 15),
)
