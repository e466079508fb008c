"""POST /api/admin/login (docs/api.md, "Staff", "Signing in")."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from accounts.tokens import password_fingerprint

pytestmark = pytest.mark.django_db

LOGIN_URL = "/api/admin/login"
PASSWORD = "Sturdy-pass-2026"
INVALID = {"detail": "Invalid username or password"}
START = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def login(client, username="staffer", password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def decode(token: str) -> dict:
    return jwt.decode(token, settings.SIMPLE_JWT["SIGNING_KEY"], algorithms=["HS256"])


def test_login_answers_tokens_and_the_admin(api_client, staff_user):
    response = login(api_client)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in", "admin"}
    assert body["token_type"] == "bearer"
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()
    assert body["expires_in"] == lifetime == 24 * 60 * 60
    staff_user.refresh_from_db()
    assert staff_user.last_login is not None
    assert body["admin"] == {
        "id": str(staff_user.id),
        "username": "staffer",
        "email": "staffer@beautique.pk",
        "role": "staff",
        "is_active": True,
        "created_at": timezone.localtime(staff_user.date_joined).isoformat(),
        "last_login": timezone.localtime(staff_user.last_login).isoformat(),
    }
    assert body["admin"]["created_at"].endswith("+05:00")

    access = decode(body["access_token"])
    refresh = decode(body["refresh_token"])
    assert access["token_type"] == "access"
    assert refresh["token_type"] == "refresh"
    assert access["exp"] - access["iat"] == body["expires_in"]
    assert access["user_id"] == refresh["user_id"] == str(staff_user.id)
    assert access["pwd"] == refresh["pwd"] == password_fingerprint(staff_user)


def test_access_token_from_login_opens_the_staff_api(api_client, staff_user):
    access = login(api_client).json()["access_token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    response = api_client.get("/api/admin/me")

    assert response.status_code == 200
    assert response.json()["username"] == "staffer"


def test_superuser_has_role_admin(api_client, django_user_model):
    django_user_model.objects.create_superuser(
        username="owner", email="owner@beautique.pk", password=PASSWORD
    )

    response = login(api_client, username="owner")

    assert response.status_code == 200
    assert response.json()["admin"]["role"] == "admin"


def test_login_replaces_the_previous_last_login(api_client, staff_user):
    with time_machine.travel(START, tick=False):
        login(api_client)
    with time_machine.travel(START + timedelta(days=2), tick=False):
        response = login(api_client)

    staff_user.refresh_from_db()
    assert staff_user.last_login == START + timedelta(days=2)
    assert response.json()["admin"]["last_login"] == "2026-11-23T14:00:00+05:00"


@pytest.mark.parametrize("trailing_slash", ["", "/"])
def test_login_ignores_a_stale_authorization_header(api_client, staff_user, trailing_slash):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.garbage")

    response = api_client.post(
        LOGIN_URL + trailing_slash, {"username": "staffer", "password": PASSWORD}
    )

    assert response.status_code == 200


def _user_that_may_not_sign_in(case, django_user_model, staff_user):
    if case == "inactive":
        staff_user.is_active = False
        staff_user.save()
    elif case == "not_staff":
        django_user_model.objects.create_user(username="shopper", password=PASSWORD)
        return "shopper", PASSWORD
    elif case == "unknown_username":
        return "nobody", PASSWORD
    elif case == "wrong_password":
        return "staffer", "Wrong-pass-2026"
    return "staffer", PASSWORD


@pytest.mark.parametrize("case", ["unknown_username", "wrong_password", "inactive", "not_staff"])
def test_every_refused_login_answers_the_same_401(api_client, django_user_model, staff_user, case):
    username, password = _user_that_may_not_sign_in(case, django_user_model, staff_user)

    response = login(api_client, username=username, password=password)

    assert response.status_code == 401
    assert response.json() == INVALID
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert not django_user_model.objects.filter(last_login__isnull=False).exists()


def test_password_is_not_trimmed(api_client, django_user_model):
    django_user_model.objects.create_user(
        username="spacey", password=" Sturdy-pass-2026 ", is_staff=True
    )

    assert login(api_client, username="spacey", password="Sturdy-pass-2026").status_code == 401
    assert login(api_client, username="spacey", password=" Sturdy-pass-2026 ").status_code == 200


def test_missing_fields_are_a_422(api_client):
    response = api_client.post(LOGIN_URL, {})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "username: This field is required.",
        "errors": {
            "username": ["This field is required."],
            "password": ["This field is required."],
        },
    }


def test_a_username_or_password_that_is_not_a_string_is_a_422(api_client):
    response = api_client.post(LOGIN_URL, {"username": 1234, "password": 5678}, format="json")

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "username": ["Not a valid string."],
        "password": ["Not a valid string."],
    }
