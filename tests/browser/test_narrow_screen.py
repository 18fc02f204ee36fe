import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PATHS = [
    "/",
    "/practices/",
    "/practices/?q=health+card",
    "/practices/barcelona-padron/",
    "/practices/frankfurt-humanitarian-consultation-hours/",
    # Outcomes, each citing its source, and a note where the sources disagree.
    "/practices/zurich-city-card/",
]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_narrow_screen_has_no_horizontal_scroll(page: Page, site: str, language: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide = {}
    for path in PATHS:
        page.goto(f"{site}/{language}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert too_wide == {}
