"""The finder's per-process caches: the place index and the rendered pages.

Tests run inside a transaction, where the caches share nothing (`cache.shareable`); the
tests of the cache itself switch that off with the `sharing` fixture.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import translate_url
from django.utils import translation

from atlas.directory import actions
from atlas.directory.models import Location, Service
from atlas.entitlements.actions import amend_entitlement
from atlas.entitlements.models import Entitlement
from atlas.finder import cache, presentation
from atlas.lib.languages import language_links
from atlas.places.models import Place

pytestmark = pytest.mark.django_db

# Wednesday 25 November 2026, Madrid on UTC+1: the test clinic opens 09:00–17:00 there.
WEDNESDAY_16_59_MADRID = datetime(2026, 11, 25, 15, 59, 30, tzinfo=UTC)
WEDNESDAY_17_00_MADRID = datetime(2026, 11, 25, 16, 0, 5, tzinfo=UTC)


@pytest.fixture
def sharing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The caches as they work outside a transaction, empty at the start and the end."""
    monkeypatch.setattr(cache, "shareable", lambda: True)
    cache.clear()
    yield
    cache.clear()


def health(place: Place, query: str = "") -> str:
    return f"/en/finder/places/{place.pk}/health/{query}"


def test_a_page_is_served_again_with_the_same_body_and_headers(
    sharing: None, anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    cold = anonymous_visitor.get(health(barcelona))
    assert cold.context is not None  # rendered
    assert (cache.pages.hits, cache.pages.misses, len(cache.pages)) == (0, 1, 1)
    with CaptureQueriesContext(connection) as queries:
        warm = anonymous_visitor.get(health(barcelona))
    # Only the data token is read: no template, no service query.
    assert [q["sql"] for q in queries.captured_queries] == [cache.TOKEN_SQL]
    assert warm.context is None
    assert (cache.pages.hits, cache.pages.misses) == (1, 1)
    assert warm.content == cold.content
    assert sorted(warm.items()) == sorted(cold.items())
    headers = dict(warm.items())
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "nonce" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert "Set-Cookie" not in headers and not warm.cookies
    assert b"Test clinic" in warm.content


def test_every_finder_page_is_kept(
    sharing: None, anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    paths = [
        "/en/finder/",
        "/en/finder/?q=barc",
        f"/en/finder/places/{barcelona.pk}/",
        f"/ar/finder/places/{barcelona.pk}/rights/",
        f"/en/finder/services/{services['clinic'].uuid}/",
        health(barcelona, "?free=1"),
    ]
    for path in paths:
        cold = anonymous_visitor.get(path)
        warm = anonymous_visitor.get(path)
        assert cold.status_code == warm.status_code == 200
        assert warm.content == cold.content
        assert sorted(warm.items()) == sorted(cold.items())
    assert (cache.pages.hits, cache.pages.misses) == (6, 6)


def test_the_key_is_language_path_and_sorted_query(
    sharing: None, anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    anonymous_visitor.get(health(barcelona, "?free=1&lang=es"))
    anonymous_visitor.get(health(barcelona, "?lang=es&free=1"))  # the same page
    assert (cache.pages.hits, cache.pages.misses) == (1, 1)
    arabic = anonymous_visitor.get(f"/ar/finder/places/{barcelona.pk}/health/?free=1&lang=es")
    assert (cache.pages.hits, cache.pages.misses) == (1, 2)
    assert 'dir="rtl"' in arabic.content.decode()
    anonymous_visitor.get(health(barcelona, "?free=1"))
    assert (cache.pages.hits, cache.pages.misses, len(cache.pages)) == (1, 3, 3)


def test_open_now_is_never_older_than_its_minute(
    sharing: None, anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    with time_machine.travel(WEDNESDAY_16_59_MADRID, tick=False):
        page = anonymous_visitor.get(health(barcelona)).content.decode()
        assert "Open now" in page
        filtered = anonymous_visitor.get(health(barcelona, "?open=1"))
        assert [card.service.name for card in filtered.context["cards"]] == ["Test clinic"]
    # Thirty-five seconds later it is 17:00 in Madrid: the clinic has closed.
    with time_machine.travel(WEDNESDAY_17_00_MADRID, tick=False):
        page = anonymous_visitor.get(health(barcelona)).content.decode()
        assert "Open now" not in page
        assert "Closed now" in page
        filtered = anonymous_visitor.get(health(barcelona, "?open=1"))
        assert filtered.context["cards"] == []
    assert cache.pages.hits == 0


def test_a_publication_or_an_archive_changes_the_pages_at_once(
    sharing: None,
    anonymous_visitor: Client,
    services: dict[str, Service],
    barcelona: Place,
    ngo_editor: User,
) -> None:
    assert b"Test legal desk" in anonymous_visitor.get(health(barcelona)).content
    actions.archive(service=services["legal"], user=ngo_editor)
    assert b"Test legal desk" not in anonymous_visitor.get(health(barcelona)).content
    actions.publish(service=services["legal"], user=ngo_editor)
    assert b"Test legal desk" in anonymous_visitor.get(health(barcelona)).content
    assert cache.pages.hits == 0


def test_the_token_follows_every_write_path(
    services: dict[str, Service], barcelona: Place, spain: Place, ngo_editor: User
) -> None:
    tokens = [cache.data_token()]
    assert cache.data_token() == tokens[0]  # reading changes nothing

    def changed() -> bool:
        token = cache.data_token()
        fresh = token not in tokens
        tokens.append(token)
        return fresh

    actions.verify(service=services["clinic"], user=ngo_editor, on=date(2026, 11, 20))
    assert changed()
    Location.objects.create(service=services["legal"], name="Second desk", city="Barcelona")
    assert changed()
    fact = Entitlement.objects.filter(place=spain, effective_to__isnull=True).first()
    assert fact is not None
    amend_entitlement(
        entitlement=fact,
        changes={"conditions": "A test change."},
        effective_from=date(2026, 12, 1),
        user=None,
    )
    assert changed()
    Place.objects.create(
        kind="city", name="Testville", normalized_name="testville", country_code="ES"
    )
    assert changed()


def test_the_place_index_is_built_once_per_token(
    sharing: None,
    anonymous_visitor: Client,
    services: dict[str, Service],
    barcelona: Place,
    ngo_editor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    builds: list[str] = []
    build = cache.build_index

    def counting(token: str) -> cache.FinderIndex:
        builds.append(token)
        return build(token)

    monkeypatch.setattr(cache, "build_index", counting)
    for sector in ("health", "housing", "food"):
        anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/{sector}/")
    anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/")
    assert len(builds) == 1
    index = cache.index()
    assert index.place_ids == presentation.finder_place_ids(index.tree)
    assert index.title(barcelona, "en") == "Barcelona, Spain"
    assert index.title(barcelona, "es") == "Barcelona, España"
    actions.archive(service=services["clinic"], user=ngo_editor)
    anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/")
    assert len(builds) == 2


def test_nothing_is_shared_inside_a_transaction(
    anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    cache.clear()
    assert connection.in_atomic_block and not cache.shareable()
    for _ in range(2):
        assert anonymous_visitor.get(health(barcelona)).context is not None
    assert (len(cache.pages), cache.pages.hits, cache.pages.misses) == (0, 0, 0)
    assert cache._index == {}


def test_an_error_or_a_personal_page_is_not_kept(
    sharing: None, anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    assert (
        anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/no-such-need/").status_code == 404
    )
    assert len(cache.pages) == 0
    request = RequestFactory().get("/en/finder/")
    ok = HttpResponse(b"page")
    assert cache.keepable(request, ok)
    request.session = type("Session", (), {"accessed": True})()  # type: ignore[attr-defined]
    assert not cache.keepable(request, ok)
    nonce = RequestFactory().get("/en/finder/")
    nonce._csp_nonce = "abc"  # type: ignore[attr-defined]
    assert not cache.keepable(nonce, ok)
    cookie = HttpResponse(b"page")
    cookie.set_cookie("x", "1")
    assert not cache.keepable(RequestFactory().get("/en/finder/"), cookie)


def test_the_page_cache_is_bounded_least_recently_used_out_first() -> None:
    pages = cache.PageCache(size=2)
    page = cache.CachedPage(200, b"x", (("Content-Type", "text/html"),))
    pages.put("t1", ("a",), page)  # not the cache's token yet: not kept
    assert len(pages) == 0
    assert pages.get("t1", ("a",)) is None
    pages.put("t1", ("a",), page)
    pages.put("t1", ("b",), page)
    assert pages.get("t1", ("a",)) is page  # "a" is now the most recently used
    pages.put("t1", ("c",), page)
    assert list(pages.pages) == [("a",), ("c",)]
    # A new token forgets every page of the old one.
    assert pages.get("t2", ("a",)) is None
    assert len(pages) == 0


def test_language_links_are_worked_out_once_per_page() -> None:
    language_links.cache_clear()
    with translation.override("es"):
        links = language_links("es", "/es/finder/?free=1", "/")
        again = language_links("es", "/es/finder/?free=1", "/")
        expected = [translate_url("/es/finder/?free=1", code) for code in ("en", "ar", "fa")]
    assert again is links
    urls = {link["code"]: link["url"] for link in links}
    assert (
        [urls["en"], urls["ar"], urls["fa"]]
        == expected
        == [
            "/en/finder/?free=1",
            "/ar/finder/?free=1",
            "/fa/finder/?free=1",
        ]
    )
    assert [link["code"] for link in links if link["is_current"]] == ["es"]


def test_the_rights_page_links_the_printable_leaflet(
    anonymous_visitor: Client, barcelona: Place
) -> None:
    page = anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/rights/").content.decode()
    assert f'<a href="/en/leaflets/{barcelona.pk}/">Printable leaflet</a>' in page
    assert anonymous_visitor.get(f"/en/leaflets/{barcelona.pk}/").status_code == 200


def test_the_key_keeps_what_tells_two_queries_apart() -> None:
    factory = RequestFactory()

    def key(query: str) -> tuple[str, ...]:
        return cache.page_key(factory.get(f"/en/finder/places/1/health/{query}"))

    assert key("?free=1&lang=es") == key("?lang=es&free=1")
    # A repeated name: the page reads the last value, so the order matters.
    assert key("?lang=es&lang=ar") != key("?lang=ar&lang=es")
    # An escaped "&" is part of a value, not a second parameter.
    assert key("?free=1%26lang%3Des") != key("?free=1&lang=es")


def test_the_place_index_is_read_again_after_its_time(
    sharing: None, services: dict[str, Service], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cache.index()
    assert cache.index() is first
    monkeypatch.setattr(cache.time, "monotonic", lambda: first.built_at + cache.INDEX_SECONDS + 1)
    assert cache.index() is not first
