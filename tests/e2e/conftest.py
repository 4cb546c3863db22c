"""Browser fixtures: Playwright for Python driving Debian's Chromium (/usr/bin/chromium).

Playwright's own browser download cannot work here, so the system browser is launched by path. Locally the
tests skip with a reason when it is absent; in CI `.ci/run` installs it and a missing browser fails.
"""
import os
import shutil

import pytest

from tests.conftest import IN_CI

CHROMIUM = os.environ.get("TASKFORCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(params=["sqlite"])
def backend(request):
    """Browser tests run on SQLite only: they test the browser path, the database paths are tested elsewhere."""
    return request.param


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if IN_CI:
            pytest.fail(f"Chromium not found at {CHROMIUM}; .ci/run must install it")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies), at the live server's address."""
    contexts = []

    def make(viewport=None):
        context = browser.new_context(base_url=live_server.url, viewport=viewport or {"width": 1280, "height": 800})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda msg: page.errors.append(msg.text) if _is_script_error(msg) else None)
        return page
    yield make
    for context in contexts:
        context.close()


def _is_script_error(message) -> bool:
    """Console errors from scripts (CSP violations included), not the browser noting a 4xx page we meant."""
    return message.type == "error" and "the server responded with a status of 4" not in message.text


def sign_in(page, email, password, totp=None):
    page.goto("/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    if totp:
        page.fill("input[name=totp]", totp)
    page.click("button[type=submit]")
