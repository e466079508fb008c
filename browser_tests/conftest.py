"""Browser tests: Playwright for Python driving Debian's Chromium against `live_server`.

Playwright's own browser downloads are never used (no `playwright install`): the tests
launch the system Chromium at /usr/bin/chromium, which `.ci/run` installs with apt. On
a machine without it (or without the playwright package) the tests are skipped with a
message saying how to enable them. A failing test leaves a full-page screenshot in
`test-artifacts/`.
"""

import importlib.util
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
PASSWORD = "Sturdy-pass-2026"
REPORTS = pytest.StashKey[dict]()


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed: `pip install -r requirements-dev.txt`."
    if not CHROMIUM.exists():
        return (
            f"Chromium is not installed at {CHROMIUM}: `apt-get install chromium` "
            "to run the browser tests."
        )
    return None


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, for the screenshot-on-failure fixture."""
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser():
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves an event loop running in this thread; the tests still
    # use the ORM synchronously, which Django would otherwise refuse inside a running loop.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # With a loop running, Django keeps this thread's database connections apart from
    # the ones opened before. The test database's snapshot for serialized rollback
    # lives on the connection that created it: hand it on to the new one.
    snapshot = getattr(connections[DEFAULT_DB_ALIAS], "_test_serialized_contents", None)
    playwright = sync_playwright().start()
    if snapshot is not None:
        connections[DEFAULT_DB_ALIAS]._test_serialized_contents = snapshot
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    # Close the connections opened while the loop ran, or PostgreSQL could not drop the
    # test database at the end of the session.
    connections.close_all()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server, django_db_serialized_rollback, transactional_db, settings, request):
    """A fresh browser tab on the live server; a screenshot is saved if the test fails.

    The live server answers from its own thread, so tests commit their data
    (`transactional_db`); the serialized rollback brings back what the data migrations
    made (categories, the "Store staff" group) after each test empties the tables.
    Anything the Content-Security-Policy blocks on the way fails the test.
    """
    # The live server speaks plain http; production's secure-only cookies would never
    # come back from the browser.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(
        base_url=live_server.url, accept_downloads=True, viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    blocked = []
    tab.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield tab
    report = request.node.stash.get(REPORTS, {}).get("call")
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
    assert blocked == [], "the Content-Security-Policy blocked something"


@pytest.fixture
def staff_page(page, store_staff_member):
    """`page`, logged in to /admin as a store staff member (not a superuser)."""
    page.goto("/admin/login/")
    page.fill("#id_username", store_staff_member.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page
