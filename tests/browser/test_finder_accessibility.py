"""axe-core (npm, pinned in package.json) run by Playwright in Debian's Chromium on the
finder pages, in English and in Arabic: no WCAG 2.1 A or AA violation, and nothing wider
than a 320 px screen.

axe is injected by the test, so the context bypasses the Content-Security-Policy that would
otherwise (rightly) refuse a script the page did not ask for; the pages themselves hold none.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import new_context

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe_page(browser: Browser) -> Iterator[Page]:
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `npm ci` (make install-dev)")
    context = new_context(browser, bypass_csp=True)
    yield context.new_page()
    context.close()


def finder_paths() -> list[str]:
    """A page of every kind: the search, a place's needs, results with and without filters
    and with none found, every service (the demo and confidential ones among them), rights."""
    from atlas.directory.actions import import_starter_directory
    from atlas.directory.models import Service
    from atlas.places.models import Place

    import_starter_directory()
    barcelona = Place.objects.get(kind="city", name="Barcelona")
    spain = Place.objects.get(kind="country", code="ES")
    services = Service.objects.published().select_related("place")
    first = services.first()
    assert first is not None
    paths = [
        "/finder/",
        "/finder/?q=spain",
        "/finder/?q=nowhere-at-all",
        f"/finder/places/{barcelona.pk}/",
        f"/finder/places/{barcelona.pk}/rights/",
        f"/finder/places/{spain.pk}/rights/",
        f"/finder/places/{barcelona.pk}/food/",
        f"/finder/places/{first.place_id}/{first.sector}/",
        f"/finder/places/{first.place_id}/{first.sector}/?free=1&docs=none&anonymous=1&open=1",
    ]
    paths += [f"/finder/services/{service.uuid}/" for service in services]
    return paths


def violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    # axe ran its rules: landmarks, contrast, labels, lang and the rest passed on the page.
    passed = {rule["id"] for rule in result["passes"]}
    assert {"color-contrast", "html-has-lang", "html-lang-valid", "document-title"} <= passed
    return [
        {
            "id": v["id"],
            "help": v["help"],
            "nodes": [node["target"] for node in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_finder_pages_have_no_wcag_21_aa_violation_and_fit_320_px(
    axe_page: Page, site: str, language: str
) -> None:
    axe_page.set_viewport_size({"width": 320, "height": 640})
    found: dict[str, list[dict[str, Any]]] = {}
    too_wide: dict[str, int] = {}
    paths = finder_paths()
    for path in paths:
        response = axe_page.goto(f"{site}/{language}{path}")
        assert response is not None and response.ok, path
        assert axe_page.locator("html").get_attribute("lang") == language
        problems = violations(axe_page)
        if problems:
            found[path] = problems
        width = axe_page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    print(json.dumps(found, indent=1, ensure_ascii=False))
    assert found == {}
    assert too_wide == {}
    assert len(paths) > 10
