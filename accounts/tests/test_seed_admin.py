"""manage.py seed_admin."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conftest import bearer_client

pytestmark = pytest.mark.django_db

PASSWORD = "Quiet-Lantern-2026"


@pytest.fixture(autouse=True)
def _no_admin_env(monkeypatch):
    for name in ("ADMIN_USERNAME", "ADMIN_EMAIL", "ADMIN_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_admin", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_creates_a_superuser_from_the_environment(monkeypatch, django_user_model):
    monkeypatch.setenv("ADMIN_EMAIL", "owner@beautique.pk")
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)

    output = seed()

    user = django_user_model.objects.get()
    assert (user.username, user.email) == ("admin", "owner@beautique.pk")
    assert user.is_superuser and user.is_staff and user.is_active
    assert user.check_password(PASSWORD)
    assert output == 'Created superuser "admin".\n'


def test_options_override_the_environment(monkeypatch, django_user_model):
    monkeypatch.setenv("ADMIN_USERNAME", "from-env")
    monkeypatch.setenv("ADMIN_PASSWORD", "Env-Lantern-2026")

    seed("--username", "owner", "--email", "owner@beautique.pk", "--password", PASSWORD)

    user = django_user_model.objects.get()
    assert (user.username, user.email) == ("owner", "owner@beautique.pk")
    assert user.check_password(PASSWORD)


def test_rerunning_changes_nothing_and_keeps_sessions(monkeypatch, django_user_model):
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)
    seed()
    user = django_user_model.objects.get()
    client = bearer_client(user)

    output = seed()

    assert output == 'Superuser "admin" is already up to date.\n'
    assert django_user_model.objects.count() == 1
    assert client.get("/api/admin/me").status_code == 200


def test_updates_an_existing_user(monkeypatch, django_user_model):
    django_user_model.objects.create_user(
        username="admin", email="old@beautique.pk", password="Old-Lantern-2026", is_active=False
    )
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)

    output = seed("--email", "new@beautique.pk")

    user = django_user_model.objects.get()
    assert user.email == "new@beautique.pk"
    assert user.is_superuser and user.is_staff and user.is_active
    assert user.check_password(PASSWORD)
    assert output == 'Updated superuser "admin".\n'


def test_keeps_the_email_when_none_is_given(monkeypatch, django_user_model):
    django_user_model.objects.create_superuser(
        username="admin", email="owner@beautique.pk", password=PASSWORD
    )
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)

    seed()

    assert django_user_model.objects.get().email == "owner@beautique.pk"


@pytest.mark.parametrize("password", [None, ""])
def test_refuses_an_empty_password(monkeypatch, django_user_model, password):
    if password is not None:
        monkeypatch.setenv("ADMIN_PASSWORD", password)

    with pytest.raises(CommandError, match="No password"):
        seed()

    assert not django_user_model.objects.exists()


@pytest.mark.parametrize("weak", ["password1", "12345678901", "short1!", "admin2026"])
def test_refuses_a_weak_password_when_debug_is_off(monkeypatch, django_user_model, weak):
    monkeypatch.setenv("ADMIN_PASSWORD", weak)

    with pytest.raises(CommandError, match="Password rejected") as raised:
        seed()

    assert weak not in str(raised.value)
    assert not django_user_model.objects.exists()


def test_weak_password_names_the_validator_messages(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "12345")

    with pytest.raises(CommandError) as raised:
        seed()

    assert "This password is too short. It must contain at least 8 characters." in str(raised.value)
    assert "This password is entirely numeric." in str(raised.value)


def test_accepts_a_weak_password_in_debug(monkeypatch, settings, django_user_model):
    settings.DEBUG = True
    monkeypatch.setenv("ADMIN_PASSWORD", "admin")

    seed()

    assert django_user_model.objects.get().check_password("admin")


def test_never_prints_the_password(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)

    outputs = [
        seed(),
        seed(),
        seed("--password", PASSWORD + "x"),
        seed("--staff", "--username", "s"),
    ]

    assert all(PASSWORD not in output for output in outputs)


def test_refuses_an_invalid_email(monkeypatch, django_user_model):
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)

    with pytest.raises(CommandError, match="Invalid email"):
        seed("--email", "not-an-email")

    assert not django_user_model.objects.exists()


def test_staff_option_creates_a_staff_member(monkeypatch, django_user_model):
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)

    output = seed("--staff", "--username", "counter")

    user = django_user_model.objects.get()
    assert user.username == "counter"
    assert user.is_staff and user.is_active and not user.is_superuser
    assert output == 'Created staff member "counter".\n'


def test_staff_option_never_demotes_a_superuser(monkeypatch, django_user_model):
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)
    seed()

    with pytest.raises(CommandError, match='"admin" is a superuser'):
        seed("--staff")

    assert django_user_model.objects.get().is_superuser


def test_seeded_admin_can_sign_in(monkeypatch, api_client):
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)
    seed()

    response = api_client.post("/api/admin/login", {"username": "admin", "password": PASSWORD})

    assert response.status_code == 200
    assert response.json()["admin"]["role"] == "admin"
