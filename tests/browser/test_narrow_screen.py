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
    # The matrix and tables scroll inside their own region, never the page.
    "/entitlements/",
    "/entitlements/gaps-and-priorities/",
]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_narrow_screen_has_no_horizontal_scroll(page: Page, site: str, language: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    from atlas.places.models import Place

    germany = Place.objects.get(kind="country", code="DE")
    entitlement = germany.entitlements.first()
    paths = [
        *PATHS,
        f"/entitlements/places/{germany.pk}/",
        f"/entitlements/places/{germany.pk}/timeline/",
        f"/entitlements/{entitlement.pk}/",
        f"/entitlements/compare/?place={germany.pk}&place={germany.pk + 1}",
    ]
    too_wide = {}
    for path in paths:
        page.goto(f"{site}/{language}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    assert too_wide == {}
