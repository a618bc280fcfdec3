"""Browser tests: Playwright for Python driving Debian's Chromium against
pytest-django's live server.

Locally they skip when Chromium is missing; in CI (CI=true) a missing browser
fails the run, so that the browser tests cannot silently stop running.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect, sync_playwright

from tests.browser.pages import build_site
from tests.browser.reference_grid import reference_team

# Playwright's sync API runs an asyncio event loop in the test thread, and
# Django refuses ORM calls from a thread with a running loop unless told that
# this is safe. It is here: the loop only waits for the browser.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
# `playwright install` cannot download here: use the distribution's Chromium,
# and keep it from phoning home during the tests.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
TIMEOUT_MS = 10_000


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        message = (
            f"The browser tests need Chromium at {CHROMIUM}; "
            "install it with `apt-get install chromium`."
        )
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        expect.set_options(timeout=TIMEOUT_MS)
        yield browser
        browser.close()


@pytest.fixture
def expected_http_errors() -> set[int]:
    """Statuses a test provokes on purpose (a 503 while the database is away)."""
    return set()


@pytest.fixture
def open_page(browser, live_server, expected_http_errors):
    """Opens fresh browser pages of a given size on the live server; the test
    fails on any JavaScript error, Content-Security-Policy violation included,
    in any of them."""
    opened = []

    def open_page(width=1400, height=900):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        opened.append((context, watch_errors(page, expected_http_errors)))
        return page

    yield open_page
    for context, _ in opened:
        context.close()
    errors = [error for _, page_errors in opened for error in page_errors]
    assert errors == [], f"Errors in the browser: {errors}"


@pytest.fixture
def page(open_page):
    """A fresh browser page on the live server that fails the test on any
    JavaScript error, Content-Security-Policy violation included."""
    return open_page()


def watch_errors(page, expected_http_errors=frozenset()) -> list[str]:
    """The page's JavaScript errors, Content-Security-Policy violations and
    failed responses (but the statuses expected), collected as they happen."""
    errors = []
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.on("console", lambda message: _console_error(errors, message, expected_http_errors))
    page.on("response", lambda response: _failed_response(errors, response, expected_http_errors))
    return errors


def _console_error(errors, message, expected_http_errors):
    # A failed load is reported by the response listener, with its address;
    # htmx logs the statuses a test provokes on purpose.
    expected = tuple(f"Response Status Error Code {status} " for status in expected_http_errors)
    if (
        message.type == "error"
        and not message.text.startswith("Failed to load resource")
        and not message.text.startswith(expected)
    ):
        errors.append(f"console: {message.text}")


def _failed_response(errors, response, expected_http_errors):
    # Browsers ask for /favicon.ico by themselves; the app has none.
    if (
        response.status >= 400
        and response.status not in expected_http_errors
        and not response.url.endswith("/favicon.ico")
    ):
        errors.append(f"{response.status} from {response.request.method} {response.url}")


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def site(transactional_db):
    """The demo organization, and the pages around the matrix editor by name."""
    return build_site()


@pytest.fixture
def team(transactional_db):
    """A Scrum team started from the documented reference, and its lead; the
    files that need more of it override this fixture."""
    return reference_team()
