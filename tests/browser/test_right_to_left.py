from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_arabic_pages_render_right_to_left(
    page: Page, site: str, screenshots: Path, language: str
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{site}/{language}/practices/")

    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", language)
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # The stylesheet is applied (the search form is laid out as a flex row).
    search_form = page.locator("form.search")
    assert search_form.evaluate("form => getComputedStyle(form).display") == "flex"
    # The search box starts on the right, as the reader's eye does.
    box = page.get_by_role("searchbox").bounding_box()
    assert box is not None
    assert box["x"] + box["width"] > 360 / 2

    page.screenshot(path=str(screenshots / f"practices-{language}-360.png"))
    page.screenshot(path=str(screenshots / f"practices-{language}-360-full.png"), full_page=True)
    assert (screenshots / f"practices-{language}-360.png").stat().st_size > 0
