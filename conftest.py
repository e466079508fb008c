import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    """Each test starts with an empty cache (throttles) and its own media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
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
