import re

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

PAGE_SIZE = 20


def facet_link(page: Page, heading: str, label: str) -> Locator:
    """The link for one value of one facet, found by what the page shows; values
    past the first few are folded in a <details>, which is opened first."""
    section = page.locator("aside.facets section").filter(
        has=page.get_by_role("heading", name=heading, exact=True)
    )
    link = section.get_by_role("link", name=label, exact=True)
    if not link.is_visible():
        section.locator("details > summary").click()
    return link


def shown_total(page: Page) -> int:
    text = page.locator(".results .total").inner_text()
    match = re.search(r"\d+", text)
    assert match, f"no count in {text!r}"
    return int(match.group())


def test_searching_padron_finds_barcelona(page: Page, site: str) -> None:
    page.goto(f"{site}/en/practices/")
    page.get_by_role("searchbox", name="Search practices").fill("padron")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"[?&]q=padron"))

    hit = page.locator("ol.hits > li").filter(
        has=page.locator('a[href="/en/practices/barcelona-padron/"]')
    )
    expect(hit).to_have_count(1)
    # Search folds accents, highlighting keeps them: "padron" marks "padrón".
    marks = hit.locator("mark")
    expect(marks.first).to_be_visible()
    assert {text.casefold() for text in marks.all_inner_texts()} == {"padrón"}


def test_filtering_by_health_irregular_status_and_germany_finds_frankfurt(
    page: Page, site: str
) -> None:
    page.goto(f"{site}/en/practices/")
    everything = shown_total(page)

    facet_link(page, "Service", "Health").click()
    page.wait_for_url(re.compile(r"service=health"))
    facet_link(page, "Group", "Migrant with irregular status (undocumented)").click()
    page.wait_for_url(re.compile(r"group=irregular-migrant"))
    facet_link(page, "Country", "Germany").click()
    page.wait_for_url(re.compile(r"country=DE"))

    for heading, label in (
        ("Service", "Health"),
        ("Group", "Migrant with irregular status (undocumented)"),
        ("Country", "Germany"),
    ):
        expect(facet_link(page, heading, label)).to_have_attribute("aria-current", "true")
    expect(
        page.locator('ol.hits a[href="/en/practices/frankfurt-humanitarian-consultation-hours/"]')
    ).to_have_count(1)
    total = shown_total(page)
    assert 0 < total < everything
    assert total <= PAGE_SIZE, "the count can only be checked against one page of results"
    assert page.locator("ol.hits > li h2 a").count() == total
