"""The practices API: same search as the pages, explicit schemas, pagination."""

import re

import pytest
from django.test import Client

from atlas.practices.models import Practice

pytestmark = pytest.mark.django_db


def test_search_returns_items_total_and_facets(anonymous_visitor: Client) -> None:
    data = anonymous_visitor.get("/api/practices", {"q": "padron"}).json()
    assert "barcelona-padron" in [item["slug"] for item in data["items"]]
    assert data["total"] >= 1
    assert set(data["facets"]) >= {"service", "group", "country", "region", "decade"}


def test_filters_repeat_and_combine_with_and(anonymous_visitor: Client) -> None:
    data = anonymous_visitor.get(
        "/api/practices?service=health&group=irregular-migrant&country=DE"
    ).json()
    assert "frankfurt-humanitarian-consultation-hours" in [i["slug"] for i in data["items"]]
    assert all(i["slug"] != "idnyc" for i in data["items"])


def test_pages_do_not_overlap(anonymous_visitor: Client) -> None:
    first = anonymous_visitor.get("/api/practices?page_size=10&page=1&sort=title").json()
    second = anonymous_visitor.get("/api/practices?page_size=10&page=2&sort=title").json()
    assert not {i["slug"] for i in first["items"]} & {i["slug"] for i in second["items"]}
    assert first["total"] == Practice.objects.published().count()


def test_a_bad_parameter_is_a_clear_422(anonymous_visitor: Client) -> None:
    response = anonymous_visitor.get("/api/practices?page_size=1000")
    assert response.status_code == 422
    assert "page_size" in response.content.decode()


def test_detail_lists_sources_and_similar_practices(anonymous_visitor: Client) -> None:
    data = anonymous_visitor.get("/api/practices/new-haven-municipal-id").json()
    assert data["sources"][0]["url"].startswith("http")
    assert data["similar"]
    assert "submitter_contact" not in data


def test_an_unknown_practice_is_404(anonymous_visitor: Client) -> None:
    assert anonymous_visitor.get("/api/practices/nothing-here").status_code == 404


def test_a_submission_through_the_api_waits_for_review(anonymous_visitor: Client) -> None:
    payload = {
        "title": "Health mediators",
        "summary": "Mediators help people reach clinics.",
        "description": "Text.",
        "places": [{"iso": "PT"}],
        "actors": [{"name": "A ministry", "type": "national-government"}],
        "services": ["health-primary"],
        "sources": [{"title": "Report", "url": "https://example.org/r"}],
    }
    response = anonymous_visitor.post(
        "/api/practices/submissions", payload, content_type="application/json"
    )
    assert response.status_code == 201
    assert Practice.objects.get(title="Health mediators").status == Practice.Status.SUBMITTED


def test_a_submission_with_an_unknown_term_names_the_field(anonymous_visitor: Client) -> None:
    payload = {
        "title": "x",
        "summary": "x",
        "description": "x",
        "places": [{"iso": "PT"}],
        "actors": [{"name": "A", "type": "ngo"}],
        "services": ["healthcare"],
        "sources": [{"title": "R", "url": "https://example.org/r"}],
    }
    response = anonymous_visitor.post(
        "/api/practices/submissions", payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "services[0]"


def test_the_openapi_document_describes_every_endpoint(anonymous_visitor: Client) -> None:
    schema = anonymous_visitor.get("/api/openapi.json").json()
    assert {
        "/api/practices",
        "/api/practices/{slug}",
        "/api/practices/submissions",
        "/api/practices/export",
        "/api/vocabulary",
        "/api/places",
    } <= set(schema["paths"])


def test_the_interactive_docs_load_nothing_from_elsewhere(anonymous_visitor: Client) -> None:
    body = anonymous_visitor.get("/api/docs").content.decode()
    # Every script and stylesheet is a path on this site, never a full address.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", body)
    assert "/static/ninja/" in body


def test_export_streams_jsonl(anonymous_visitor: Client) -> None:
    response = anonymous_visitor.get("/api/practices/export?format=jsonl")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == Practice.objects.published().count()
