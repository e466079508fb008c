"""beautique.serving: request bodies are read whole before Django runs, so a slow
client holds a coroutine, not one of the few threads that run Django."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from beautique.serving import ThreadedWSGI, WholeBody, application

SCOPE = {
    "type": "http",
    "method": "POST",
    "path": "/api/orders",
    "query_string": b"",
    "http_version": "1.1",
    "headers": [],
}


def serve(app, messages):
    """Run `app` on a request whose body arrives as `messages`; answer what it sent."""
    sent = []

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)

    def send(message):
        # As Granian's: an awaitable that is not a coroutine.
        sent.append(message)
        done = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    # A thread of its own: the browser tests leave an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, app(dict(SCOPE), receive, send)).result()
    return sent


def echo_app():
    seen = []

    async def app(scope, body, send):
        seen.append(body)
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

    assert seen == [b'{"a":1}']
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
    assert isinstance(application.app, ThreadedWSGI)
    assert application.max_bytes == 60 * 1024 * 1024


def django_answering(response):
    """A WSGI app answering `response`, and the requests it saw."""
    seen = []

    def app(environ, start_response):
        seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], environ["wsgi.input"].read()))
        start_response(f"{response.status_code} OK", list(response.items()))
        return response

    return app, seen


def test_an_answer_in_memory_is_sent_as_it_is():
    app, seen = django_answering(HttpResponse(b'{"ok":true}', content_type="application/json"))
    served = WholeBody(ThreadedWSGI(app, threads=1), max_bytes=100, idle_seconds=1)

    sent = serve(served, [{"type": "http.request", "body": b"{}", "more_body": False}])

    assert seen == [("POST", "/api/orders", b"{}")]
    assert sent[0]["status"] == 200
    assert (b"content-type", b"application/json") in sent[0]["headers"]
    assert sent[1]["body"] == b'{"ok":true}'


def test_a_streamed_answer_is_sent_chunk_by_chunk():
    app, _ = django_answering(StreamingHttpResponse(iter([b"a,b\r\n", b"1,2\r\n"])))
    served = WholeBody(ThreadedWSGI(app, threads=1), max_bytes=100, idle_seconds=1)

    sent = serve(served, [{"type": "http.request", "body": b"", "more_body": False}])

    assert sent[0]["status"] == 200
    assert [message.get("body") for message in sent[1:]] == [b"a,b\r\n", b"1,2\r\n", b""]


def test_a_file_is_read_in_its_thread_and_sent_whole(tmp_path):
    """A slow reader of a picture must not hold one of the few threads running Django."""
    picture = tmp_path / "look.jpg"
    picture.write_bytes(b"\xff\xd8" + b"x" * 100_000)
    app, _ = django_answering(FileResponse(picture.open("rb"), content_type="image/jpeg"))
    served = WholeBody(ThreadedWSGI(app, threads=1), max_bytes=100, idle_seconds=1)

    sent = serve(served, [{"type": "http.request", "body": b"", "more_body": False}])

    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    assert sent[1]["body"] == picture.read_bytes()
