"""The sign-in lockout (accounts.lockout): one policy for the staff API and the Django admin.

By default, within 15 minutes: 5 attempts for a username from one client, 20 from one
client whatever the username, 100 for a username from every client together.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.backends import ModelBackend
from django.test import Client

from accounts import lockout

pytestmark = pytest.mark.django_db

LOGIN_URL = "/api/admin/login"
ADMIN_LOGIN_URL = "/admin/login/"
PASSWORD = "Sturdy-pass-2026"
START = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def login(client, username="staffer", password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def fail(client, username="staffer", **extra):
    return login(client, username=username, password="Wrong-pass-2026", **extra)


def admin_login(username="staffer", password=PASSWORD, address="127.0.0.1"):
    """Sign in at /admin as a browser at `address` does; returns (response, client)."""
    browser = Client(REMOTE_ADDR=address)
    response = browser.post(
        ADMIN_LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}
    )
    return response, browser


def signed_in(browser) -> bool:
    return browser.get("/admin/").status_code == 200


@pytest.fixture
def locmem_cache(settings):
    """time-machine moves the clock of Django's local-memory cache, not Redis's."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_a_stranger_locks_out_their_own_client_not_the_owner(api_client, locmem_cache, staff_user):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            assert fail(api_client, REMOTE_ADDR="10.6.6.6").status_code == 401

        traveller.shift(timedelta(minutes=5))
        locked = login(api_client, REMOTE_ADDR="10.6.6.6")
        assert locked.status_code == 429
        assert locked.json() == {
            "detail": "Too many failed login attempts. Expected available in 600 seconds."
        }
        assert locked.headers["Retry-After"] == "600"

        assert login(api_client, REMOTE_ADDR="10.1.1.1").status_code == 200

        traveller.shift(timedelta(minutes=10, seconds=1))
        assert login(api_client, REMOTE_ADDR="10.6.6.6").status_code == 200


def test_a_username_is_locked_from_every_client_at_its_ceiling(
    api_client, locmem_cache, staff_user, settings
):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 3
    for attempt in range(3):
        assert fail(api_client, REMOTE_ADDR=f"10.0.0.{attempt}").status_code == 401

    assert login(api_client, REMOTE_ADDR="10.0.0.99").status_code == 429
    assert login(api_client, username="other", REMOTE_ADDR="10.0.0.99").status_code == 401


def test_a_client_is_limited_whatever_the_usernames(api_client, locmem_cache, staff_user):
    for attempt in range(20):
        assert fail(api_client, username=f"guess{attempt}").status_code == 401

    assert login(api_client).status_code == 429
    assert login(api_client, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_usernames_count_whatever_their_case_and_surrounding_spaces(api_client, staff_user):
    for spelling in ["staffer", "STAFFER", " Staffer", "staffeR ", "sTaffer"]:
        assert fail(api_client, username=spelling).status_code == 401

    assert login(api_client).status_code == 429


def test_api_failures_lock_the_admin_sign_in_of_that_client(api_client, staff_user):
    for _ in range(5):
        assert fail(api_client).status_code == 401

    response, browser = admin_login()
    assert "Too many failed sign-in attempts. Try again in 15 minute(s)." in response.text
    assert not signed_in(browser)

    response, browser = admin_login(address="10.2.2.2")
    assert response.status_code == 302
    assert signed_in(browser)


def test_admin_failures_count_toward_the_api_lock(api_client, staff_user):
    for _ in range(5):
        response, _browser = admin_login(password="Wrong-pass-2026")
        assert "Please enter the correct username and password" in response.text

    assert login(api_client).status_code == 429


def test_a_sign_in_clears_the_usernames_failures_from_that_client(api_client, staff_user):
    for _ in range(4):
        assert fail(api_client).status_code == 401
    response, _browser = admin_login()
    assert response.status_code == 302

    for _ in range(4):
        assert fail(api_client).status_code == 401
    assert login(api_client).status_code == 200


def test_successful_sign_ins_are_not_counted(api_client, staff_user):
    for _ in range(25):
        assert login(api_client).status_code == 200


def test_validation_failures_are_not_counted(api_client, staff_user):
    for _ in range(10):
        assert api_client.post(LOGIN_URL, {"username": "staffer"}).status_code == 422

    assert login(api_client).status_code == 200


def test_limits_and_window_come_from_settings(api_client, locmem_cache, staff_user, settings):
    settings.LOGIN_USERNAME_CLIENT_FAILURE_LIMIT = 2
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 60
    with time_machine.travel(START, tick=False) as traveller:
        assert fail(api_client).status_code == 401
        assert fail(api_client).status_code == 401
        locked = fail(api_client)
        assert locked.status_code == 429
        assert locked.headers["Retry-After"] == "60"

        traveller.shift(timedelta(seconds=61))
        assert login(api_client).status_code == 200


def test_attempts_while_locked_do_not_extend_the_lock(api_client, locmem_cache, staff_user):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(5):
            assert fail(api_client).status_code == 401
        for _ in range(14):
            traveller.shift(timedelta(minutes=1))
            assert fail(api_client).status_code == 429

        traveller.shift(timedelta(minutes=1, seconds=1))
        assert login(api_client).status_code == 200


def test_the_window_closes_on_the_real_clock_of_the_configured_cache(
    api_client, staff_user, settings
):
    settings.LOGIN_USERNAME_CLIENT_FAILURE_LIMIT = 1
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 1
    assert fail(api_client).status_code == 401
    assert login(api_client).status_code == 429

    time.sleep(1.2)

    assert login(api_client).status_code == 200


def test_a_forged_forwarded_for_does_not_make_a_new_client(api_client, staff_user):
    for attempt in range(5):
        assert fail(api_client, HTTP_X_FORWARDED_FOR=f"1.2.3.{attempt}").status_code == 401

    assert login(api_client, HTTP_X_FORWARDED_FOR="1.2.3.200").status_code == 429


def test_behind_a_proxy_the_client_is_the_forwarded_address(api_client, staff_user, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for _ in range(5):
        assert fail(api_client, HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 401

    assert login(api_client, HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 429
    assert login(api_client, HTTP_X_FORWARDED_FOR="5.6.7.8").status_code == 200


def test_an_unlock_forgets_the_usernames_failures_from_every_client(api_client, staff_user):
    for address in ("10.3.3.3", "10.4.4.4"):
        for _ in range(5):
            assert fail(api_client, REMOTE_ADDR=address).status_code == 401
    assert lockout.recent_failures(["staffer", "nobody"]) == {"staffer": 10, "nobody": 0}

    lockout.unlock("Staffer")

    assert lockout.recent_failures(["staffer"]) == {"staffer": 0}
    assert login(api_client, REMOTE_ADDR="10.3.3.3").status_code == 200
    assert login(api_client, REMOTE_ADDR="10.4.4.4").status_code == 200


def test_parallel_guesses_cannot_slip_past_the_limit(api_client, monkeypatch):
    """Ten simultaneous wrong guesses from one client: five are checked, five refused."""

    def slow_wrong_password(self, request, **credentials):
        time.sleep(0.2)

    monkeypatch.setattr(ModelBackend, "authenticate", slow_wrong_password)

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda _: fail(api_client).status_code, range(10)))

    assert sorted(answers) == [401] * 5 + [429] * 5


def test_the_user_admin_shows_recent_failures_and_unlocks_a_user(
    api_client, staff_user, admin_client
):
    for _ in range(5):
        assert fail(api_client).status_code == 401
    assert login(api_client).status_code == 429

    page = admin_client.get("/admin/accounts/user/")
    assert '<td class="field-recent_sign_in_failures">6</td>' in page.text

    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "unlock_sign_in", "_selected_action": [str(staff_user.pk)]},
    )
    assert response.status_code == 302
    assert login(api_client).status_code == 200
