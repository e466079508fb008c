"""Token refresh, logout, /api/admin/me and who the staff API refuses."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.tokens import StaffRefreshToken
from conftest import bearer_client

pytestmark = pytest.mark.django_db

REFRESH_URL = "/api/admin/token/refresh"
LOGOUT_URL = "/api/admin/logout"
ME_URL = "/api/admin/me"
PASSWORD = "Sturdy-pass-2026"


@pytest.fixture
def tokens(api_client, staff_user):
    response = api_client.post("/api/admin/login", {"username": "staffer", "password": PASSWORD})
    assert response.status_code == 200
    return response.json()


def refresh(client, refresh_token):
    return client.post(REFRESH_URL, {"refresh_token": refresh_token})


def me_with(access_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return client.get(ME_URL)


def assert_401(response, detail):
    assert response.status_code == 401
    assert response.json() == {"detail": detail}
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


# Refresh


def test_refresh_answers_a_new_pair_and_revokes_the_old_refresh_token(api_client, tokens):
    response = refresh(api_client, tokens["refresh_token"])

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds()
    assert body["refresh_token"] != tokens["refresh_token"]
    assert me_with(body["access_token"]).status_code == 200

    assert_401(refresh(api_client, tokens["refresh_token"]), "Token is blacklisted")
    assert refresh(api_client, body["refresh_token"]).status_code == 200


def test_refresh_ignores_a_stale_authorization_header(api_client, tokens):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer garbage")

    assert refresh(api_client, tokens["refresh_token"]).status_code == 200


def test_refresh_refuses_garbage(api_client):
    assert_401(refresh(api_client, "not-a-token"), "Token is invalid")


def test_refresh_refuses_an_access_token(api_client, tokens):
    assert_401(refresh(api_client, tokens["access_token"]), "Token has wrong type")


def test_refresh_refuses_an_expired_refresh_token(api_client, staff_user):
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        old = str(StaffRefreshToken.for_user(staff_user))

    assert_401(refresh(api_client, old), "Token is expired")


@pytest.mark.parametrize(
    "change", ["deactivated", "no_longer_staff", "password_changed", "deleted"]
)
def test_refresh_refuses_a_user_who_lost_access(api_client, staff_user, tokens, change):
    if change == "deactivated":
        staff_user.is_active = False
    elif change == "no_longer_staff":
        staff_user.is_staff = False
    elif change == "password_changed":
        staff_user.set_password("Another-pass-2026")
    if change == "deleted":
        staff_user.delete()
    else:
        staff_user.save()

    assert_401(refresh(api_client, tokens["refresh_token"]), "Token is no longer valid")


def test_refresh_requires_the_refresh_token(api_client):
    response = api_client.post(REFRESH_URL, {})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "refresh_token: This field is required.",
        "errors": {"refresh_token": ["This field is required."]},
    }


# Logout


def test_logout_revokes_the_refresh_token(api_client, tokens):
    response = api_client.post(LOGOUT_URL, {"refresh_token": tokens["refresh_token"]})

    assert response.status_code == 204
    assert response.content == b""
    assert_401(refresh(api_client, tokens["refresh_token"]), "Token is blacklisted")


def test_logout_ends_the_sessions_access_token_from_the_next_request(api_client, tokens):
    assert me_with(tokens["access_token"]).status_code == 200

    assert (
        api_client.post(LOGOUT_URL, {"refresh_token": tokens["refresh_token"]}).status_code == 204
    )

    assert_401(me_with(tokens["access_token"]), "Token is no longer valid")


def test_logout_of_another_session_leaves_this_access_token_alone(api_client, tokens):
    other = api_client.post(
        "/api/admin/login", {"username": "staffer", "password": PASSWORD}
    ).json()

    assert api_client.post(LOGOUT_URL, {"refresh_token": other["refresh_token"]}).status_code == 204

    assert me_with(tokens["access_token"]).status_code == 200
    assert_401(me_with(other["access_token"]), "Token is no longer valid")


def test_a_refresh_ends_the_access_token_of_the_refresh_token_it_revoked(api_client, tokens):
    new = refresh(api_client, tokens["refresh_token"]).json()

    assert_401(me_with(tokens["access_token"]), "Token is no longer valid")
    assert me_with(new["access_token"]).status_code == 200


def test_the_user_and_the_sessions_revocation_are_one_query(tokens, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert me_with(tokens["access_token"]).status_code == 200


def test_logout_needs_no_access_token_and_ignores_a_stale_one(api_client, tokens):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.garbage")

    response = api_client.post(LOGOUT_URL, {"refresh_token": tokens["refresh_token"]})

    assert response.status_code == 204


def test_logout_of_another_session_leaves_this_one_alone(api_client, staff_user, tokens):
    other = api_client.post(
        "/api/admin/login", {"username": "staffer", "password": PASSWORD}
    ).json()

    assert api_client.post(LOGOUT_URL, {"refresh_token": other["refresh_token"]}).status_code == 204

    assert refresh(api_client, tokens["refresh_token"]).status_code == 200


def test_logout_refuses_garbage_and_revoked_tokens(api_client, tokens):
    assert_401(api_client.post(LOGOUT_URL, {"refresh_token": "garbage"}), "Token is invalid")
    api_client.post(LOGOUT_URL, {"refresh_token": tokens["refresh_token"]})

    assert_401(
        api_client.post(LOGOUT_URL, {"refresh_token": tokens["refresh_token"]}),
        "Token is blacklisted",
    )


def test_logout_requires_the_refresh_token(api_client):
    response = api_client.post(LOGOUT_URL, {})

    assert response.status_code == 422
    assert response.json()["errors"] == {"refresh_token": ["This field is required."]}


# /api/admin/me and the staff API's refusals


def test_me_answers_the_admin_object(staff_client, staff_user):
    response = staff_client.get(ME_URL)

    assert response.status_code == 200
    assert response.json() == {
        "id": str(staff_user.id),
        "username": "staffer",
        "email": "staffer@beautique.pk",
        "role": "staff",
        "is_active": True,
        "created_at": timezone.localtime(staff_user.date_joined).isoformat(),
        "last_login": None,
    }


def test_me_answers_with_a_trailing_slash_too(staff_client):
    assert staff_client.get(ME_URL + "/").status_code == 200


def test_no_token_is_a_401(api_client):
    assert_401(api_client.get(ME_URL), "Authentication credentials were not provided.")


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Bearer garbage", "Token is invalid"),
        ("Bearer", "Authorization header must contain two space-delimited values"),
        ("Bearer one two", "Authorization header must contain two space-delimited values"),
    ],
)
def test_malformed_tokens_are_a_401(api_client, header, detail):
    api_client.credentials(HTTP_AUTHORIZATION=header)

    assert_401(api_client.get(ME_URL), detail)


def test_a_refresh_token_is_not_an_access_token(staff_user):
    assert_401(me_with(str(StaffRefreshToken.for_user(staff_user))), "Token has wrong type")


def test_expired_access_token_is_a_401(staff_user):
    client = bearer_client(staff_user)

    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1)):
        response = client.get(ME_URL)

    assert_401(response, "Token is expired")


def test_deactivated_user_is_refused_from_the_next_request(staff_user, staff_client):
    assert staff_client.get(ME_URL).status_code == 200
    staff_user.is_active = False
    staff_user.save()

    assert_401(staff_client.get(ME_URL), "User is inactive")


def test_deleted_user_is_refused(staff_user, staff_client):
    staff_user.delete()

    assert_401(staff_client.get(ME_URL), "User not found")


def test_password_change_ends_every_session(staff_user, staff_client):
    assert staff_client.get(ME_URL).status_code == 200
    staff_user.set_password("Another-pass-2026")
    staff_user.save()

    assert_401(staff_client.get(ME_URL), "Token is no longer valid")
    assert bearer_client(staff_user).get(ME_URL).status_code == 200


def test_token_without_a_session_is_refused(staff_user):
    token = StaffRefreshToken.for_user(staff_user)
    del token["sid"]

    assert_401(me_with(str(token.access_token)), "Token is no longer valid")


def test_token_without_password_fingerprint_is_refused(staff_user):
    from rest_framework_simplejwt.tokens import RefreshToken

    assert_401(
        me_with(str(RefreshToken.for_user(staff_user).access_token)), "Token is no longer valid"
    )


def test_authenticated_non_staff_user_is_a_403(django_user_model):
    shopper = django_user_model.objects.create_user(username="shopper", password=PASSWORD)

    response = bearer_client(shopper).get(ME_URL)

    assert response.status_code == 403
    assert response.json() == {"detail": "Staff access only."}


def test_two_refreshes_racing_with_one_token_get_one_new_pair(api_client, tokens, monkeypatch):
    """The request that loses the race (its blacklist check ran before the winner's
    blacklisting committed) is refused instead of minting a second token pair."""
    parse = services._parse_refresh_token

    def parse_then_lose_the_race(raw_token):
        token = parse(raw_token)
        StaffRefreshToken(raw_token).blacklist()  # the winning request's rotation
        return token

    monkeypatch.setattr(services, "_parse_refresh_token", parse_then_lose_the_race)

    with pytest.raises(services.InvalidRefreshToken, match="Token is blacklisted"):
        services.rotate_refresh_token(refresh_token=tokens["refresh_token"])


def test_signing_a_user_out_everywhere_ends_every_session_of_theirs_only(
    api_client, staff_user, tokens, admin_client, django_user_model
):
    second = api_client.post("/api/admin/login", {"username": "staffer", "password": PASSWORD})
    browser = Client()
    browser.post("/admin/login/", {"username": "staffer", "password": PASSWORD})
    django_user_model.objects.create_user(username="colleague", password=PASSWORD, is_staff=True)
    colleague_tokens = api_client.post(
        "/api/admin/login", {"username": "colleague", "password": PASSWORD}
    ).json()

    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "sign_out_everywhere", "_selected_action": [str(staff_user.pk)]},
        follow=True,
    )

    assert "Signed 1 user(s) out everywhere: 3 session(s) ended." in response.text
    for pair in (tokens, second.json()):
        assert_401(me_with(pair["access_token"]), "Token is no longer valid")
        assert_401(refresh(api_client, pair["refresh_token"]), "Token is blacklisted")
    assert browser.get("/admin/").status_code == 302
    assert me_with(colleague_tokens["access_token"]).status_code == 200
    assert admin_client.get("/admin/").status_code == 200
