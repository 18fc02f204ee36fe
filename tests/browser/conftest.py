"""Fixtures for the browser tests: Debian's Chromium driven by Playwright's sync API
against pytest-django's live server, with the starter library loaded.

The browser is started once per session and each test module gets its own
context and page, so the suite stays fast on a small machine. The data is
committed (the live server runs in another thread and must see the rows), so
each test uses `transactional_db`, which empties every table when it ends; the
starter content is then loaded again for the tests that follow.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django would otherwise
# refuse the ORM calls the tests make between page loads.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Fail in seconds, not the default half minute, when an element never shows up.
TIMEOUT_MS = 10_000


def load_starter_content() -> None:
    """What the root conftest loads for the session: places, roles, starter practices."""
    from atlas.accounts.actions import ensure_role_groups
    from atlas.entitlements.actions import import_starter_entitlements
    from atlas.places.actions import load_regions_and_countries
    from atlas.practices.actions import import_starter_practices

    load_regions_and_countries()
    ensure_role_groups()
    import_starter_practices()
    import_starter_entitlements()


@pytest.fixture
def starter_content_put_back(django_db_blocker: Any) -> Iterator[None]:
    """Load the session's starter content again once `transactional_db` has emptied
    every table, so the tests that run after a browser test still find it.

    Requested before `transactional_db`, so it is torn down after it."""
    yield
    with django_db_blocker.unblock():
        load_starter_content()


@pytest.fixture
def site(starter_content_put_back: None, live_server: Any, transactional_db: None) -> str:
    """The live server's address, with the starter content loaded and no
    submission counted against the rate limit."""
    load_starter_content()
    # The cache table is not emptied between tests, and it holds the submission counts.
    cache.clear()
    return str(live_server.url)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def new_context(browser: Browser, **options: object) -> BrowserContext:
    context = browser.new_context(**options)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture(scope="module")
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture(scope="module")
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="module")
def context_without_javascript(browser: Browser) -> Iterator[BrowserContext]:
    context = new_context(browser, java_script_enabled=False)
    yield context
    context.close()


@pytest.fixture(scope="module")
def page_without_javascript(context_without_javascript: BrowserContext) -> Page:
    return context_without_javascript.new_page()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def propose_practice(site: str) -> Callable[..., None]:
    """Fill in and send the public submission form as a visitor would, with only
    the required fields, and wait for the thank-you page."""

    def propose(page: Page, *, title: str, summary: str = "", language: str = "en") -> None:
        page.goto(f"{site}/{language}/practices/submit/")
        form = page.locator("form.submission")
        form.locator("#id_title").fill(title)
        form.locator("#id_summary").fill(
            summary or "A city lets every resident use its clinics without showing papers."
        )
        form.locator("#id_description").fill(
            "The city council opened its clinics to every resident.\n\n"
            "Staff do not ask about residence status."
        )
        form.locator("#id_country").select_option("ES")
        form.get_by_role("group", name="Services").get_by_label("Health", exact=True).check()
        form.locator("#id_actor_name").fill("City council")
        form.locator("#id_actor_type").select_option("local-government")
        form.locator("#id_source_title").fill("Council decision on clinic access")
        form.locator("#id_source_url").fill("https://example.org/decision")
        with page.expect_navigation() as navigation:
            form.get_by_role("button", name="Send for review").click()
        response = navigation.value
        assert page.url == f"{site}/{language}/practices/submit/thanks/", (
            f"the form answered {response.status if response else '?'} at {page.url}: "
            + page.locator("body").inner_text()[:300]
        )

    return propose
