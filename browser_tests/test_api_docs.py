"""The API reference in a real browser, under the Content-Security-Policy and offline."""


def test_swagger_ui_lists_the_operations_and_runs_one_without_a_console_error(page):
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto("/api/docs")
    operations = page.locator(".opblock-summary-path")
    operations.filter(has_text="/api/categories").first.wait_for()

    assert operations.count() >= 15
    page.locator(".opblock-summary", has_text="/api/categories").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    assert errors == []


def test_redoc_shows_the_reference_and_finds_an_operation(page):
    page.goto("/api/redoc")
    page.get_by_role("heading", name="Dashboard figures").wait_for()

    page.get_by_placeholder("Search...").fill("dashboard")

    page.locator("[data-role='search:results']").get_by_text("Dashboard figures").wait_for()
