from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request

pytestmark = pytest.mark.browser

PATHS = [
    "/",
    "/practices/?q=padron",
    "/practices/barcelona-padron/",
    "/practices/submit/",
    "/vocabulary/",
]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_page_requests_a_third_party(page: Page, site: str, language: str) -> None:
    requested: list[str] = []
    console_errors: list[str] = []

    def record_request(request: Request) -> None:
        requested.append(request.url)

    def record_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            console_errors.append(message.text)

    page.on("request", record_request)
    page.on("console", record_console)
    try:
        for path in PATHS:
            response = page.goto(f"{site}/{language}{path}")
            assert response is not None and response.ok, path
            page.wait_for_load_state("load")
    finally:
        page.remove_listener("request", record_request)
        page.remove_listener("console", record_console)

    server = urlsplit(site).netloc
    assert len(requested) >= len(PATHS)
    assert [url for url in requested if urlsplit(url).netloc != server] == []
    assert [e for e in console_errors if "Content Security Policy" in e] == []
