"""A hung PostgreSQL (it accepts bytes and never answers) costs a request seconds and
a 503, not a worker, and the store recovers without a restart (beautique.pgbackend)."""

import contextlib
import select
import socket
import threading

import pytest
from django.db import OperationalError, connection

from beautique.pgbackend import base as pgbackend
from beautique.tests.test_faults import SilentServer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


class FreezableProxy:
    """A TCP proxy to the test database that can stop passing bytes, as a hung server."""

    def __init__(self, host: str, port: int):
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.flowing = threading.Event()
        self.flowing.set()
        self.closed = False
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, client, server):
        peers = {client: server, server: client}
        with contextlib.suppress(OSError, ValueError):  # closed under it by close()
            while not self.closed:
                readable, _, _ = select.select(list(peers), [], [], 0.05)
                if not self.flowing.is_set():
                    continue
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        client.close()
                        server.close()
                        return
                    peers[sock].sendall(data)

    def close(self):
        self.closed = True
        self.listener.close()
        for sock in self.sockets:
            sock.close()


@pytest.fixture
def proxy():
    settings_dict = connection.settings_dict
    proxy = FreezableProxy(settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432))
    yield proxy
    proxy.close()


def wrapper_via(port: int, **settings) -> pgbackend.DatabaseWrapper:
    settings_dict = {
        **connection.settings_dict,
        "HOST": "127.0.0.1",
        "PORT": port,
        "CONN_MAX_AGE": 600,
        "QUERY_DEADLINE_SECONDS": 1,
        "OPTIONS": {**connection.settings_dict["OPTIONS"], "connect_timeout": 1},
        **settings,
    }
    return pgbackend.DatabaseWrapper(settings_dict, alias="hung")


def select_one(database) -> int:
    with database.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]


def test_a_query_on_a_hung_server_fails_and_the_next_connection_recovers(proxy):
    database = wrapper_via(proxy.port)
    assert select_one(database) == 1

    proxy.flowing.clear()
    with pytest.raises(OperationalError):
        select_one(database)

    proxy.flowing.set()
    database.close_if_unusable_or_obsolete()
    assert database.connection is None
    assert select_one(database) == 1
    database.close()


def test_the_health_check_of_a_persistent_connection_gives_up_on_a_hung_server(proxy, monkeypatch):
    monkeypatch.setattr(pgbackend, "HEALTH_CHECK_DEADLINE_SECONDS", 0.5)
    monkeypatch.setattr(pgbackend, "RECENT_ANSWER_SECONDS", 0)
    database = wrapper_via(proxy.port)
    assert select_one(database) == 1

    proxy.flowing.clear()

    assert database.is_usable() is False
    database.close()


def test_a_connection_that_answered_just_now_passes_the_health_check_without_a_round_trip(
    proxy, monkeypatch
):
    monkeypatch.setattr(pgbackend, "HEALTH_CHECK_DEADLINE_SECONDS", 0.5)
    database = wrapper_via(proxy.port)
    assert select_one(database) == 1

    proxy.flowing.clear()  # a round trip now would never be answered

    assert database.is_usable() is True
    monkeypatch.setattr(pgbackend, "RECENT_ANSWER_SECONDS", 0)
    assert database.is_usable() is False
    database.close()


def test_a_connection_the_server_closed_fails_the_health_check_and_the_next_request_reconnects():
    database = wrapper_via(connection.settings_dict["PORT"] or 5432)
    assert select_one(database) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [database.connection.info.backend_pid])
    poll = select.poll()
    poll.register(database.connection.fileno(), select.POLLIN)
    assert poll.poll(5000), "the server did not close the connection"

    assert database.is_usable() is False
    database.close_if_unusable_or_obsolete()  # what Django does as a request starts
    assert select_one(database) == 1
    database.close()


def test_connecting_to_a_server_that_never_answers_fails_after_the_connect_timeout():
    server = SilentServer()
    database = wrapper_via(server.port)
    try:
        with pytest.raises(OperationalError, match="timeout"):
            select_one(database)
    finally:
        server.close()


def test_the_statement_timeout_and_connect_timeout_come_from_the_settings():
    options = connection.settings_dict["OPTIONS"]

    assert options["connect_timeout"] == 5
    assert "-c statement_timeout=15000" in options["options"]
    assert connection.settings_dict["QUERY_DEADLINE_SECONDS"] == 18
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15s"
