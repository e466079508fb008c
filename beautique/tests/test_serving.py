"""beautique.serving: request bodies are read whole before Django runs, so a slow
client holds a coroutine, not one of the few threads that run Django."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from beautique.serving import WholeBody, application

SCOPE = {"type": "http", "method": "POST", "path": "/api/orders", "headers": []}


def serve(app, messages):
    """Run `app` on a request whose body arrives as `messages`; answer what it sent."""
    sent = []

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    # A thread of its own: the browser tests leave an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, app(dict(SCOPE), receive, send)).result()
    return sent


def echo_app():
    seen = []

    async def app(scope, receive, send):
        seen.append(await receive())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return app, seen


def test_the_app_gets_the_body_in_one_piece():
    inner, seen = echo_app()
    app = WholeBody(inner, max_bytes=100, idle_seconds=1)

    sent = serve(
        app,
        [
            {"type": "http.request", "body": b'{"a":', "more_body": True},
            {"type": "http.request", "body": b"1}", "more_body": False},
        ],
    )

    assert seen == [{"type": "http.request", "body": b'{"a":1}', "more_body": False}]
    assert sent[0]["status"] == 200


def test_a_body_over_the_limit_is_a_413_and_the_app_never_runs():
    inner, seen = echo_app()
    app = WholeBody(inner, max_bytes=4, idle_seconds=1)

    sent = serve(app, [{"type": "http.request", "body": b"12345", "more_body": True}])

    assert seen == []
    assert sent[0]["status"] == 413
    assert sent[1]["body"] == b'{"detail":"The request body is too large."}'


def test_a_client_that_stops_sending_is_a_408_and_the_app_never_runs():
    inner, seen = echo_app()
    app = WholeBody(inner, max_bytes=100, idle_seconds=0.05)

    sent = serve(app, [{"type": "http.request", "body": b"1", "more_body": True}])

    assert seen == []
    assert sent[0]["status"] == 408


def test_a_client_that_goes_away_ends_the_request_quietly():
    inner, seen = echo_app()
    app = WholeBody(inner, max_bytes=100, idle_seconds=1)

    sent = serve(app, [{"type": "http.disconnect"}])

    assert seen == sent == []


def test_the_production_entry_point_is_django_behind_the_body_reader():
    assert isinstance(application, WholeBody)
    assert application.max_bytes == 60 * 1024 * 1024
