import datetime

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient

from beautique.health import recent_checks


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        metavar="ISO_MOMENT",
        help=(
            "Run the whole suite with the clock moved to this moment (it keeps ticking), "
            "e.g. --clock 2031-07-15T10:00+05:00: no test may depend on today's date."
        ),
    )


def pytest_configure(config):
    clock = config.getoption("--clock")
    if clock:
        moment = datetime.datetime.fromisoformat(clock)
        if moment.tzinfo is None:
            raise pytest.UsageError("--clock needs a UTC offset, e.g. 2031-07-15T10:00+05:00")
        traveller = time_machine.travel(moment, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header(config):
    clock = config.getoption("--clock")
    return f"clock moved to {clock}" if clock else None


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    """Each test starts with an empty cache (throttles) and its own media and cache
    folders.

    Static files are collected only when the production image is built, so pages that
    link them (the admin, /api/docs) resolve them from the apps, as in development.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing with PBKDF2 costs ~0.3 s per password; tests only need a real hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STATIC_ROOT.mkdir()
    if settings.CACHES["shared"]["BACKEND"].endswith("SharedFileCache"):
        settings.CACHES = {
            **settings.CACHES,
            "shared": {**settings.CACHES["shared"], "LOCATION": tmp_path / "cache"},
        }
    cache.clear()
    recent_checks.forget()
    yield
    cache.clear()


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="staffer", email="staffer@beautique.pk", password="Sturdy-pass-2026", is_staff=True
    )


def bearer_client(user) -> APIClient:
    """An API client sending a staff access token for `user`, as the storefront does."""
    from accounts.tokens import StaffRefreshToken

    client = APIClient()
    token = StaffRefreshToken.for_user(user).access_token
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def staff_client(staff_user):
    return bearer_client(staff_user)


@pytest.fixture
def store_staff_member(django_user_model):
    """A staff member in the "Store staff" group (made by a migration): no superuser."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username="shopkeeper", email="shop@beautique.pk", password="Sturdy-pass-2026", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Store staff"))
    return user


@pytest.fixture
def store_staff_client(store_staff_member):
    """A Django test client logged in to /admin as `store_staff_member`."""
    from django.test import Client

    client = Client()
    client.force_login(store_staff_member)
    return client


@pytest.fixture
def owner_client(django_user_model):
    """A superuser's API client: the store owner, who alone may delete for good."""
    owner = django_user_model.objects.create_superuser(
        username="owner", email="owner@beautique.pk", password="Sturdy-pass-2026"
    )
    return bearer_client(owner)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change and then its on-commit work (kept answers retired, files deleted), as
    a real transaction would: tests run inside one that never commits."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run
