"""Password hashing (accounts.hashers): Argon2, PBKDF2 upgraded at sign-in, one hash at a
time per process so sign-ins cannot take the shoppers' CPU."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import hashers as django_hashers
from django.contrib.auth.hashers import check_password, make_password

from beautique import settings as project_settings
from catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Sturdy-pass-2026"


@pytest.fixture
def production_hashers(settings):
    """conftest uses a fast hasher for every other test; these test the real ones."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


@pytest.mark.usefixtures("production_hashers")
def test_new_passwords_are_hashed_with_argon2id(django_user_model):
    user = django_user_model.objects.create_user(username="new", password=PASSWORD)

    assert user.password.startswith("argon2$argon2id$v=19$m=47104,t=1,p=1$")
    assert user.check_password(PASSWORD)


@pytest.mark.usefixtures("production_hashers")
def test_a_pbkdf2_password_is_rehashed_with_argon2_at_the_next_sign_in(
    api_client, django_user_model
):
    user = django_user_model.objects.create_user(username="veteran", is_staff=True)
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()

    response = api_client.post("/api/admin/login", {"username": "veteran", "password": PASSWORD})

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert (
        api_client.post(
            "/api/admin/login", {"username": "veteran", "password": PASSWORD}
        ).status_code
        == 200
    )


@pytest.mark.usefixtures("production_hashers")
def test_a_process_hashes_one_password_at_a_time_and_shoppers_do_not_wait(api_client, monkeypatch):
    encoded = make_password(PASSWORD)
    running, most = 0, 0
    lock = threading.Lock()
    started = threading.Event()
    verify = django_hashers.Argon2PasswordHasher.verify

    def counted_verify(self, password, encoded):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        started.set()
        time.sleep(0.1)
        with lock:
            running -= 1
        return verify(self, password, encoded)

    monkeypatch.setattr(django_hashers.Argon2PasswordHasher, "verify", counted_verify)
    ProductFactory()

    with ThreadPoolExecutor(max_workers=10) as pool:
        checks = [pool.submit(check_password, PASSWORD, encoded) for _ in range(10)]
        assert started.wait(5)
        began = time.perf_counter()
        catalog = api_client.get("/api/products")
        elapsed = time.perf_counter() - began
        still_hashing = sum(not check.done() for check in checks)
        assert all(check.result() for check in checks)

    assert most == 1
    assert catalog.status_code == 200
    # Ten checks take a second one at a time; the catalog did not wait for them.
    assert still_hashing >= 5
    assert elapsed < 0.5
