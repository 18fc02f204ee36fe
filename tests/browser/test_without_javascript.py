import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_pages_work_without_javascript(
    page_without_javascript: Page, site: str, propose_practice: Callable[..., None]
) -> None:
    from atlas.practices.models import Practice

    page = page_without_javascript
    page.goto(f"{site}/en/practices/")
    expect(page.locator("noscript, script")).to_have_count(0)

    # Search: the form is an ordinary GET form.
    page.get_by_role("searchbox", name="Search practices").fill("padron")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"[?&]q=padron"))
    expect(page.locator('ol.hits a[href="/en/practices/barcelona-padron/"]')).to_have_count(1)

    # Facets: plain links that keep the query and add the filter.
    health = (
        page.locator("aside.facets section")
        .filter(has=page.get_by_role("heading", name="Service", exact=True))
        .get_by_role("link", name="Health", exact=True)
    )
    health.click()
    page.wait_for_url(re.compile(r"service=health"))
    assert "q=padron" in page.url
    expect(health).to_have_attribute("aria-current", "true")
    expect(page.locator('ol.hits a[href="/en/practices/barcelona-padron/"]')).to_have_count(1)

    # Submission: the form posts and lands on the thank-you page.
    propose_practice(page, title="Clinics open to every resident of a test city")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    practice = Practice.objects.get(title="Clinics open to every resident of a test city")
    assert practice.status == Practice.Status.SUBMITTED
    assert practice.tags("service") == ["health"]
