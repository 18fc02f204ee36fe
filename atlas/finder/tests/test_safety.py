"""Every finder page, in English and Arabic, with the starter directory and the test services:
no cookie, no script, no resource from elsewhere, no referrer, and at most 14 KB compressed."""

import gzip
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from atlas.directory.actions import import_starter_directory
from atlas.directory.models import Service
from atlas.entitlements.models import Entitlement, EntitlementSource
from atlas.finder import presentation
from atlas.places.models import Place
from atlas.places.tree import PlaceTree

pytestmark = pytest.mark.django_db

FINDER_CSS = Path(__file__).resolve().parents[1] / "static" / "finder" / "finder.css"
# One round trip: the first flight of a new TCP connection (10 segments of ~1.4 KB).
BUDGET_BYTES = 14 * 1024
LANGUAGES = ("en", "ar")


def finder_paths(language: str, services: dict[str, Service]) -> Iterator[str]:
    """Every finder page there is: the place search, each offered place's needs and rights,
    the results of each need that has services (and one that has none), each service."""
    yield f"/{language}/finder/"
    yield f"/{language}/finder/?q=spain"
    tree = PlaceTree.load()
    with translation.override(language):
        for place in Place.objects.filter(pk__in=presentation.finder_place_ids(tree)):
            yield f"/{language}/finder/places/{place.pk}/"
            yield f"/{language}/finder/places/{place.pk}/rights/"
            for need in presentation.needs(place, language, tree):
                if need.count:
                    yield f"/{language}/finder/places/{place.pk}/{need.slug}/"
                    yield f"/{language}/finder/places/{place.pk}/{need.slug}/?free=1&open=1"
    barcelona = services["clinic"].place
    yield f"/{language}/finder/places/{barcelona.pk}/food/"
    yield f"/{language}/finder/places/{barcelona.pk}/health/?docs=none&lang=es"
    for uuid in Service.objects.published().values_list("uuid", flat=True):
        yield f"/{language}/finder/services/{uuid}/"


@pytest.fixture
def starter(services: dict[str, Service]) -> dict[str, Service]:
    assert import_starter_directory() > 0
    return services


class Page(HTMLParser):
    """The parts of a page that could reach another site or run code."""

    def __init__(self) -> None:
        super().__init__()
        self.resources: list[str] = []
        self.links: list[dict[str, str | None]] = []
        self.forms: list[str | None] = []
        self.scripts = 0
        self.inline_styles = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "srcset", "data", "poster", "background"):
            if values.get(name):
                self.resources.append(values[name] or "")
        if tag == "link" or tag in ("use", "image"):
            self.resources.append(values.get("href") or values.get("xlink:href") or "")
        if tag == "a":
            self.links.append(values)
        if tag == "form":
            self.forms.append(values.get("method"))
        if tag in ("script", "iframe", "object", "embed"):
            self.scripts += 1
        if tag == "style" or "style" in values or any(n.startswith("on") for n in values):
            self.inline_styles += 1


def is_external(url: str) -> bool:
    return bool(re.match(r"^\s*(https?:)?//", url, re.IGNORECASE))


def allowed_link_targets() -> set[str]:
    """The only kinds of link to another site a finder page may hold, each a link the
    reader chooses to follow (never loaded by the page): the quick exit, the services' own
    websites and sources, and the entitlements' sources and laws."""
    return (
        {settings.ATLAS_QUICK_EXIT_URL}
        | set(Service.objects.exclude(url="").values_list("url", flat=True))
        | set(Service.objects.values_list("sources__url", flat=True))
        | set(EntitlementSource.objects.values_list("url", flat=True))
        | set(
            Entitlement.objects.exclude(legal_basis_url="").values_list(
                "legal_basis_url", flat=True
            )
        )
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_finder_pages_set_no_cookie_load_nothing_from_elsewhere_and_run_no_script(
    anonymous_visitor: Client, starter: dict[str, Service], language: str
) -> None:
    allowed = allowed_link_targets()
    checked = 0
    for path in finder_paths(language, starter):
        response = anonymous_visitor.get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response, path
        assert not response.cookies, path
        assert response["Referrer-Policy"] == "no-referrer", path
        assert "unsafe-inline" not in response["Content-Security-Policy"], path
        html = response.content.decode()
        page = Page()
        page.feed(html)
        assert page.scripts == 0 and "<script" not in html, path
        assert page.inline_styles == 0, path
        assert [r for r in page.resources if is_external(r)] == [], path
        assert all(method in (None, "get") for method in page.forms), path
        assert "csrfmiddlewaretoken" not in html, path
        for link in page.links:
            href = link.get("href") or ""
            if is_external(href):
                assert href in allowed, (path, href)
                assert link.get("rel") == "noreferrer", (path, href)
        exit_links = [link for link in page.links if link.get("class") == "exit"]
        assert [link["href"] for link in exit_links] == [settings.ATLAS_QUICK_EXIT_URL], path
        checked += 1
    assert checked > 30


def test_the_stylesheet_imports_nothing() -> None:
    css = FINDER_CSS.read_text()
    assert "@import" not in css
    assert "url(" not in css


@pytest.mark.parametrize(
    "path", ["/finder/", "/finder/?q=spain", "/finder/places/1/", "/en/finder", "/ar/finder/x/"]
)
def test_redirects_and_errors_set_no_cookie(anonymous_visitor: Client, path: str) -> None:
    response = anonymous_visitor.get(path)
    assert response.status_code in (301, 302, 404), path
    assert "Set-Cookie" not in response
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_quick_exit_goes_where_the_setting_says(
    anonymous_visitor: Client, settings: object
) -> None:
    settings.ATLAS_QUICK_EXIT_URL = "https://example.org/weather"  # type: ignore[attr-defined]
    page = anonymous_visitor.get("/en/finder/").content.decode()
    assert (
        '<a class="exit" href="https://example.org/weather" rel="noreferrer">'
        "Leave this site quickly</a>"
    ) in page
    # It is the first thing on the page, before the skip link.
    assert page.index('class="exit"') < page.index('class="skip"')


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_finder_page_fits_in_14_kb_compressed_with_its_stylesheet(
    anonymous_visitor: Client, starter: dict[str, Service], language: str
) -> None:
    css = len(gzip.compress(FINDER_CSS.read_bytes(), compresslevel=6))
    too_big = {}
    largest = 0
    for path in finder_paths(language, starter):
        html = anonymous_visitor.get(path).content
        assert b'href="/static/finder/finder.css"' in html
        size = len(gzip.compress(html, compresslevel=6)) + css
        largest = max(largest, size)
        if size > BUDGET_BYTES:
            too_big[path] = size
    assert too_big == {}
    assert largest > css
