"""The "Store staff" group: exactly the admin permissions store staff need, none on users."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_group_holds_exactly_the_permissions_staff_need():
    group = Group.objects.get(name="Store staff")

    assert sorted(
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    ) == [
        "catalog.add_category",
        "catalog.add_product",
        "catalog.add_productimage",
        "catalog.add_searchsynonym",
        "catalog.change_category",
        "catalog.change_product",
        "catalog.change_productimage",
        "catalog.change_searchsynonym",
        "catalog.delete_product",
        "catalog.delete_productimage",
        "catalog.delete_searchsynonym",
        "catalog.view_category",
        "catalog.view_product",
        "catalog.view_productimage",
        "catalog.view_searchsynonym",
        "orders.change_order",
        "orders.view_order",
        "orders.view_orderitem",
        "orders.view_orderstatusevent",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
    ],
)
def test_a_staff_member_cannot_manage_users_or_groups(store_staff_client, url):
    assert store_staff_client.get(url).status_code == 403


def test_a_staff_member_cannot_open_a_user(store_staff_client, store_staff_member):
    response = store_staff_client.get(f"/admin/accounts/user/{store_staff_member.pk}/change/")

    assert response.status_code == 403


def test_a_staff_member_sees_catalog_and_orders_on_the_admin_index(store_staff_client):
    response = store_staff_client.get("/admin/")

    assert response.status_code == 200
    assert {
        app["app_label"]: [model["object_name"] for model in app["models"]]
        for app in response.context["app_list"]
    } == {"catalog": ["Category", "Product", "SearchSynonym"], "orders": ["Order"]}


def test_a_superuser_manages_users(admin_client):
    response = admin_client.get("/admin/accounts/user/")

    assert response.status_code == 200
    assert [user.username for user in response.context["cl"].result_list] == ["admin"]


def test_seed_admin_staff_puts_the_member_in_the_group(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "Sturdy-pass-2026")

    call_command("seed_admin", "--staff", "--username", "amna", stdout=io.StringIO())

    user = Group.objects.get(name="Store staff").user_set.get()
    assert (user.username, user.is_staff, user.is_superuser) == ("amna", True, False)
    assert user.has_perm("orders.change_order")
    assert not user.has_perm("accounts.view_user")


def test_seed_admin_staff_adds_an_existing_member_to_the_group(django_user_model, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "Sturdy-pass-2026")
    user = django_user_model.objects.create_user(
        username="amna", password="Sturdy-pass-2026", is_staff=True
    )
    out = io.StringIO()

    call_command("seed_admin", "--staff", "--username", "amna", stdout=out)
    call_command("seed_admin", "--staff", "--username", "amna", stdout=out)

    assert list(user.groups.values_list("name", flat=True)) == ["Store staff"]
    assert out.getvalue().splitlines() == [
        'Updated staff member "amna".',
        'Staff member "amna" is already up to date.',
    ]


def test_seed_admin_without_staff_makes_a_superuser_outside_the_group(monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "Sturdy-pass-2026")

    call_command("seed_admin", "--username", "owner", stdout=io.StringIO())

    assert not Group.objects.get(name="Store staff").user_set.exists()
