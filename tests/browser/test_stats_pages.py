"""The published statistics pages on a phone's screen: the page never scrolls sideways, and
the charts' text stays legible (the SVG scales with its container, its text with it)."""

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PHONE = 320  # CSS pixels: the narrowest screen the site supports
LEGIBLE_PX = 10  # the charts' 12-unit text drawn at least this tall


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_statistics_page_on_a_phone_has_legible_charts_and_no_sideways_scroll(
    page: Page, site: str, language: str
) -> None:
    from atlas.core.charts import FONT_SIZE
    from atlas.stats.actions import load_starter_tables
    from atlas.stats.models import StatsTable

    assert load_starter_tables() > 0
    page.set_viewport_size({"width": PHONE, "height": 640})
    for table in StatsTable.objects.order_by("pk"):
        page.goto(f"{site}/{language}/stats/{table.pk}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
        # The rendered size of the charts' text: the chart's width on screen over its
        # width in user units, times the font size in user units.
        sizes = page.evaluate(
            """size => [...document.querySelectorAll('.stats-breakdown svg')].map(
                svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * size)""",
            FONT_SIZE,
        )
        assert sizes, f"no chart on table {table.pk}"
        assert min(sizes) >= LEGIBLE_PX, (table.pk, sizes)
