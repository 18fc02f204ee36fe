"""The public practice pages, as an anonymous visitor sees them."""

import pytest
from django.test import Client

from atlas.practices.models import Practice

pytestmark = pytest.mark.django_db


def test_the_search_page_lists_and_highlights_matches(anonymous_visitor: Client) -> None:
    response = anonymous_visitor.get("/en/practices/", {"q": "padron"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "/en/practices/barcelona-padron/" in body
    assert "<mark>padrón</mark>" in body.lower()


def test_facet_links_filter_and_show_counts(anonymous_visitor: Client) -> None:
    response = anonymous_visitor.get(
        "/en/practices/", {"service": "health", "group": "irregular-migrant", "country": "DE"}
    )
    body = response.content.decode()
    assert "/en/practices/frankfurt-humanitarian-consultation-hours/" in body
    assert 'aria-current="true"' in body


def test_the_detail_page_shows_sources_dates_and_replications(anonymous_visitor: Client) -> None:
    body = anonymous_visitor.get(
        "/en/practices/frankfurt-humanitarian-consultation-hours/"
    ).content.decode()
    assert "Last verified 2026-11-22" in body
    assert "https://citiesofmigration.ca" in body
    assert "Bremen" in body
    assert "Similar practices" in body


def test_an_unpublished_practice_is_not_found(anonymous_visitor: Client) -> None:
    Practice.objects.filter(slug="idnyc").update(status=Practice.Status.SUBMITTED)
    assert anonymous_visitor.get("/en/practices/idnyc/").status_code == 404


def test_an_editor_can_preview_an_unpublished_practice(editor_client: Client) -> None:
    Practice.objects.filter(slug="idnyc").update(status=Practice.Status.SUBMITTED)
    assert editor_client.get("/en/practices/idnyc/").status_code == 200


def test_arabic_pages_are_right_to_left(anonymous_visitor: Client) -> None:
    for path in ("/ar/", "/ar/practices/", "/fa/practices/idnyc/"):
        body = anonymous_visitor.get(path).content.decode()
        assert 'dir="rtl"' in body, path
    assert 'dir="ltr"' in anonymous_visitor.get("/es/practices/").content.decode()


def test_the_root_sends_a_visitor_to_their_language_without_a_cookie(
    anonymous_visitor: Client,
) -> None:
    response = anonymous_visitor.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
    assert not response.cookies


def test_public_pages_set_no_cookie(anonymous_visitor: Client) -> None:
    for path in (
        "/en/",
        "/en/practices/?q=health",
        "/en/practices/idnyc/",
        "/en/vocabulary/",
        "/ar/about/",
    ):
        response = anonymous_visitor.get(path)
        assert response.status_code == 200, path
        assert not response.cookies, path


def test_the_atom_feed_lists_newly_published_practices(anonymous_visitor: Client) -> None:
    response = anonymous_visitor.get("/en/practices/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert b"<entry>" in response.content


def test_a_deep_page_number_is_harmless(anonymous_visitor: Client) -> None:
    assert anonymous_visitor.get("/en/practices/", {"page": "999999"}).status_code == 200
    assert anonymous_visitor.get("/en/practices/", {"page": "x"}).status_code == 200
