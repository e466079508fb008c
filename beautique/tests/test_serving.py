"""beautique.serving: request bodies are read whole before Django runs, so a slow
client holds a coroutine, not one of the few threads that run Django."""

import asyncio
import io
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.signals import request_started
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from beautique import httpcache, serving
from beautique.httpcache import Replayable
from beautique.serving import AccessLog, ReplayedAnswers, ThreadedWSGI, WholeBody, application
from beautique.wsgi import application as django_application
from catalog.models import Category

SCOPE = {
    "type": "http",
    "method": "POST",
    "path": "/api/orders",
    "query_string": b"",
    "http_version": "1.1",
    "headers": [(b"transfer-encoding", b"chunked")],
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


def test_a_request_without_a_body_is_not_waited_for():
    inner, seen = echo_app()
    app = WholeBody(inner, max_bytes=100, idle_seconds=30)
    started = time.monotonic()

    async def no_body(scope, receive, send):
        await app({**scope, "method": "GET", "headers": [(b"host", b"shop")]}, receive, send)

    sent = serve(no_body, [])

    assert seen == [b""]
    assert sent[0]["status"] == 200
    assert time.monotonic() - started < 5


def test_an_http2_request_without_a_length_still_has_its_body_read():
    inner, seen = echo_app()
    app = WholeBody(inner, max_bytes=100, idle_seconds=1)

    async def over_http2(scope, receive, send):
        await app({**scope, "http_version": "2", "headers": []}, receive, send)

    serve(over_http2, [{"type": "http.request", "body": b'{"a":1}', "more_body": False}])

    assert seen == [b'{"a":1}']


def test_a_client_that_goes_away_ends_the_request_quietly():
    inner, seen = echo_app()
    app = WholeBody(inner, max_bytes=100, idle_seconds=1)

    sent = serve(app, [{"type": "http.disconnect"}])

    assert seen == sent == []


def test_each_request_is_logged_in_one_line_written_out_a_moment_later():
    inner, _ = echo_app()
    stream = io.StringIO()
    logged = AccessLog(inner, stream=stream, flush_seconds=0.05)

    async def two_requests():
        for query in (b"", b"page=2"):
            scope = {**SCOPE, "method": "GET", "path": "/api/products", "query_string": query}
            await logged({**scope, "client": ("203.0.113.9", 5000)}, None, noop_send)
        written_at_once = stream.getvalue()
        await asyncio.sleep(0.2)
        return written_at_once

    async def noop_send(message):
        pass

    with ThreadPoolExecutor(1) as thread:
        written_at_once = thread.submit(asyncio.run, two_requests()).result()

    assert written_at_once == ""
    first, second = stream.getvalue().splitlines()
    assert re.fullmatch(
        r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] 203\.0\.113\.9 - "
        r'"GET /api/products HTTP/1\.1" 200 \d+\.\d{3}',
        first,
    )
    assert '"GET /api/products?page=2 HTTP/1.1" 200 ' in second


def test_a_path_is_logged_as_sent_so_it_cannot_forge_a_line():
    inner, _ = echo_app()
    stream = io.StringIO()
    logged = AccessLog(inner, stream=stream, flush_seconds=60, buffer_bytes=10)

    async def noop_send(message):
        pass

    forged = '/x\n[2026-01-01] 10.0.0.1 - "GET /admin HTTP/1.1" 200 1.0'
    requests = [
        {**SCOPE, "method": "GET", "path": forged, "raw_path": b"/x%0A", "query_string": b""},
        {**SCOPE, "method": "GET", "path": forged, "query_string": b""},
    ]
    with ThreadPoolExecutor(1) as thread:
        for scope in requests:
            thread.submit(asyncio.run, logged(scope, None, noop_send)).result()

    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert '"GET /x%0A HTTP/1.1"' in lines[0]


def test_a_full_buffer_is_written_out_at_once():
    inner, _ = echo_app()
    stream = io.StringIO()
    logged = AccessLog(inner, stream=stream, flush_seconds=60, buffer_bytes=10)

    async def noop_send(message):
        pass

    scope = {**SCOPE, "method": "GET", "path": "/health", "query_string": b""}
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, logged(scope, None, noop_send)).result()

    assert '"GET /health HTTP/1.1" 200 ' in stream.getvalue()


def test_the_production_entry_point_is_django_behind_the_body_reader():
    assert isinstance(application, AccessLog)
    assert isinstance(application.app, WholeBody)
    assert application.app.max_bytes == 60 * 1024 * 1024


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


def get_scope(path="/api/categories", query=b"", headers=()) -> dict:
    scope = {**SCOPE, "method": "GET", "scheme": "http", "path": path, "query_string": query}
    scope["headers"] = [(b"host", b"testserver"), *headers]
    return scope


def get(app, path="/api/categories", query=b"", headers=()):
    scope = get_scope(path, query, headers)
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    with ThreadPoolExecutor(1) as thread:
        thread.submit(
            asyncio.run, WholeBody(app, max_bytes=100, idle_seconds=1)(scope, receive, send)
        ).result()
    return sent[0]["status"], dict(sent[0]["headers"]), sent[1]["body"]


def counting_django(replay, status=200, body=b'{"n":1}'):
    """A WSGI app answering like Django with `response.replay`, and how often it ran."""
    calls = []

    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        response = HttpResponse(body, status=status, content_type="application/json")
        response["ETag"] = '"v1"'
        response["X-Frame-Options"] = "DENY"
        response.replay = replay
        start_response(f"{status} X", list(response.items()))
        return response

    return app, calls


def replaying(app, max_bytes=1000):
    return ReplayedAnswers(ThreadedWSGI(app, threads=1), max_bytes=max_bytes)


def test_a_replayable_answer_is_sent_again_without_running_django():
    app, calls = counting_django(Replayable())
    served = replaying(app)

    first = get(served)
    again = get(served)

    assert calls == ["/api/categories"]
    assert again == first
    assert again[0] == 200 and again[1][b"x-frame-options"] == b"DENY"


def test_a_matching_etag_is_replayed_as_a_304_with_the_same_headers():
    app, calls = counting_django(Replayable())
    served = replaying(app)
    get(served)

    status, headers, body = get(served, headers=[(b"if-none-match", b'"v1"')])

    assert (status, body) == (304, b"")
    assert headers[b"etag"] == b'"v1"' and headers[b"x-frame-options"] == b"DENY"
    assert b"content-type" not in headers and b"content-length" not in headers
    assert len(calls) == 1


def test_another_query_origin_or_accept_is_another_answer():
    app, calls = counting_django(Replayable())
    served = replaying(app)

    get(served)
    get(served, query=b"page=2")
    get(served, headers=[(b"origin", b"https://shop.example")])
    get(served, headers=[(b"accept", b"text/csv")])
    get(served, path="/api/products")

    assert len(calls) == 5


def test_an_answer_past_its_time_is_asked_again():
    app, calls = counting_django(Replayable(until=time.monotonic() - 1))
    served = replaying(app)

    get(served)
    get(served)

    assert len(calls) == 2


NAMESPACE = "replay-test"


def kept_namespace_answer(namespace=NAMESPACE):
    """A server that has kept one answer of `namespace` at its current version, and the
    requests its Django saw."""
    app, calls = counting_django(Replayable(namespace, httpcache.current_version(namespace)))
    served = replaying(app)
    get(served)
    return served, calls


def test_an_answer_of_a_namespace_is_replayed_until_its_version_changes(db, committed):
    served, calls = kept_namespace_answer()
    get(served)
    assert len(calls) == 1

    committed(lambda: httpcache.bump_version(NAMESPACE))

    get(served)
    assert len(calls) == 2


def test_requests_waiting_together_share_one_read_of_the_version(db, monkeypatch):
    served, calls = kept_namespace_answer()
    reads = []
    monkeypatch.setattr(
        serving,
        "current_version",
        lambda *args: reads.append(args) or httpcache.current_version(*args),
    )
    sent = []

    async def send(message):
        sent.append(message)

    async def many_at_once():
        scope = get_scope()
        await asyncio.gather(*(served(dict(scope), b"", send) for _ in range(20)))
        await served(dict(scope), b"", send)

    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, many_at_once()).result()

    assert len(calls) == 1
    assert [message["status"] for message in sent[::2]] == [200] * 21
    assert len(reads) == 2, "one read for the twenty at once, another for the one after"


def test_a_version_that_cannot_be_read_sends_the_request_on_to_django(db, monkeypatch):
    served, calls = kept_namespace_answer()

    def broken(*args):
        raise ValueError("corrupt cache entry")

    monkeypatch.setattr(serving, "current_version", broken)
    status, _, _ = get(served)

    assert status == 200
    assert len(calls) == 2


def test_a_request_cancelled_while_waiting_for_the_version_leaves_the_others_answered(db):
    served, calls = kept_namespace_answer()
    sent = []

    async def send(message):
        sent.append(message)

    async def one_cancelled():
        scope = get_scope()
        cancelled = asyncio.ensure_future(served(dict(scope), b"", send))
        kept = asyncio.ensure_future(served(dict(scope), b"", send))
        await asyncio.sleep(0)
        cancelled.cancel()
        await asyncio.wait_for(kept, 5)

    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, one_cancelled()).result()

    assert [message["status"] for message in sent[::2]] == [200]
    assert len(calls) == 1


def test_only_replayable_200_answers_to_gets_are_kept():
    not_marked, calls = counting_django(None)
    served = replaying(not_marked)
    get(served)
    get(served)
    assert len(calls) == 2

    refused, calls = counting_django(Replayable(), status=404)
    served = replaying(refused)
    get(served)
    get(served)
    assert len(calls) == 2

    app, calls = counting_django(Replayable())
    served = replaying(app)
    for _ in range(2):
        serve(
            WholeBody(served, max_bytes=100, idle_seconds=1),
            [{"type": "http.request", "body": b"", "more_body": False}],
        )  # a POST
    assert len(calls) == 2


def test_kept_answers_stay_within_their_bytes_least_recently_used_first_out():
    app, calls = counting_django(Replayable(), body=b"x" * 10)
    served = replaying(app, max_bytes=160)  # 16 answers of 10 bytes fit

    for page in [*range(1, 17), 1, 17, 1, 2]:
        get(served, query=str(page).encode())

    # 1 to 16, then 17 (pushing out 2, the least recently used), then 2 again.
    assert len(calls) == 18
    assert served.size == 160


def test_an_answer_over_a_sixteenth_of_the_room_is_not_kept():
    app, calls = counting_django(Replayable(), body=b"x" * 11)
    served = replaying(app, max_bytes=160)

    get(served)
    get(served)

    assert len(calls) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_server_replays_a_catalog_answer_until_the_catalog_changes():
    """Through the real stack (Django in the server's thread, so the data is committed):
    a kept catalog answer does not run Django, and a category saved anywhere is in the
    next answer."""
    Category.objects.create(name="Replayed Kaftan", slug="replayed-kaftan")
    threaded = ThreadedWSGI(django_application, threads=1)
    served = ReplayedAnswers(threaded, max_bytes=10**6)
    requests = []

    def count(**kwargs):
        requests.append(1)

    request_started.connect(count)
    try:
        first = get(served)
        assert get(served) == first
        assert len(requests) == 1

        Category.objects.create(name="Replayed Angrakha", slug="replayed-angrakha")
        status, _, body = get(served)
    finally:
        request_started.disconnect(count)
        threaded.executor.shutdown()
    assert len(requests) == 2
    assert status == 200
    names = {category["value"] for category in json.loads(body)["categories"]}
    assert {"Replayed Kaftan", "Replayed Angrakha"} <= names


def test_the_production_entry_point_replays_answers():
    assert isinstance(application.app.app, ReplayedAnswers)
    assert isinstance(application.app.app.app, ThreadedWSGI)


def test_sign_ins_wait_in_their_own_lane_not_in_the_shoppers_pool():
    """A sign-in holding the lane's one thread (a password check) and one queued behind
    it leave the shoppers' one thread free."""
    release = threading.Event()
    entered = threading.Event()

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/api/admin/login":
            entered.set()
            release.wait(5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [environ["PATH_INFO"].encode()]

    served = WholeBody(
        ThreadedWSGI(app, threads=1, sign_in_paths=["/api/admin/login"], sign_in_threads=1),
        max_bytes=100,
        idle_seconds=1,
    )
    body = {"type": "http.request", "body": b"", "more_body": False}

    def request(path):
        scope = {**SCOPE, "path": path}

        async def receive():
            return body

        sent = []

        async def send(message):
            sent.append(message)

        asyncio.run(served(scope, receive, send))
        return sent[1]["body"]

    with ThreadPoolExecutor(3) as clients:
        sign_ins = [clients.submit(request, "/api/admin/login") for _ in range(2)]
        assert entered.wait(5)
        assert clients.submit(request, "/api/categories").result(timeout=2) == b"/api/categories"
        release.set()
        assert [sign_in.result(timeout=5) for sign_in in sign_ins] == [b"/api/admin/login"] * 2


def test_the_production_entry_point_runs_both_sign_ins_in_the_lane():
    threaded = application.app.app.app

    assert threaded.sign_in_paths == {
        "/api/admin/login",
        "/api/admin/login/",
        "/admin/login",
        "/admin/login/",
    }
    assert threaded.sign_in_executor._max_workers == 1
