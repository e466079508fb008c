"""`GET /health` and `GET /api/health` (docs/api.md, "Operations")."""

import time
from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from beautique.health import RecentChecks, recent_checks
from beautique.httpcache import Replayable

pytestmark = pytest.mark.django_db

HEALTH_PATHS = ["/health", "/health/", "/api/health", "/api/health/"]


@pytest.mark.parametrize("path", HEALTH_PATHS)
def test_health_reports_a_reachable_database(api_client, path):
    response = api_client.get(path)

    assert response.status_code == 200
    payload = response.json()
    assert set(payload) == {"status", "database", "cache", "timestamp"}
    assert payload["status"] == "healthy"
    assert payload["database"] == "ok"
    assert payload["cache"] == "ok"
    stamp = datetime.fromisoformat(payload["timestamp"])
    assert stamp.utcoffset() == timedelta(hours=5)


@pytest.mark.parametrize("path", HEALTH_PATHS)
def test_health_is_503_when_the_database_is_unreachable(api_client, path):
    refused = OperationalError('connection to server at "db.internal" failed: refused')
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=refused):
        response = api_client.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    payload = response.json()
    assert set(payload) == {"status", "database", "cache", "timestamp"}
    assert payload["status"] == "unhealthy"
    assert payload["database"] == "unreachable"
    assert "db.internal" not in response.content.decode()


def test_health_is_not_redirected_to_https_while_the_api_is(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()

    assert client.get("/health").status_code == 200
    assert client.get("/api/health/").status_code == 200
    redirected = client.get("/api/categories")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://testserver/api/categories"


def test_checks_are_reused_for_a_second(api_client, django_assert_num_queries):
    api_client.get("/health")
    with django_assert_num_queries(0):
        assert api_client.get("/health").status_code == 200

    a_second_later = time.monotonic() + 1.5
    with (
        mock.patch("beautique.health.time.monotonic", return_value=a_second_later),
        django_assert_num_queries(1),
    ):
        assert api_client.get("/health").status_code == 200


def test_the_server_may_replay_a_healthy_answer_until_the_checks_are_made_again(api_client):
    response = api_client.get("/health")
    checks = recent_checks.get()

    assert response.replay == Replayable(until=checks.until)
    assert checks.until <= time.monotonic() + RecentChecks.CHECK_SECONDS


def test_an_unhealthy_answer_is_never_replayed(api_client):
    refused = OperationalError("refused")
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=refused):
        response = api_client.get("/health")

    assert response.status_code == 503
    assert getattr(response, "replay", None) is None
