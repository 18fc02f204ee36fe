"""Public submission: anonymous allowed, held for review, protected from spam."""

import pytest
from django.test import Client, override_settings

from atlas.practices.models import Event, Practice

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Free legal clinic for people without papers",
    "summary": "A city funds an NGO to give free legal advice.",
    "description": "The city funds it.\n\nAnyone may come.",
    "country": "ES",
    "city": "Valencia",
    "year_started": "2019",
    "services": ["legal-advice-immigration"],
    "groups": ["irregular-migrant"],
    "barriers": ["cost"],
    "measures": ["ngo-funding"],
    "actor_name": "A legal aid NGO",
    "actor_type": "ngo",
    "source_title": "The NGO's annual report",
    "source_url": "https://example.org/report",
    "source_year": "2020",
    "submitter_name": "Ana",
    "submitter_contact": "ana@example.org",
    "website": "",
}


def test_an_anonymous_submission_waits_for_review(anonymous_visitor: Client) -> None:
    response = anonymous_visitor.post("/en/practices/submit/", FORM)
    assert response.status_code == 302
    practice = Practice.objects.get(title=FORM["title"])
    assert practice.status == Practice.Status.SUBMITTED
    assert practice.submitter_contact == "ana@example.org"
    assert practice.events.get().verb == Event.Verb.SUBMITTED
    assert anonymous_visitor.get(f"/en/practices/{practice.slug}/").status_code == 404


def test_a_filled_honeypot_is_thanked_and_dropped(anonymous_visitor: Client) -> None:
    response = anonymous_visitor.post("/en/practices/submit/", {**FORM, "website": "http://spam"})
    assert response.status_code == 302
    assert not Practice.objects.filter(title=FORM["title"]).exists()


@override_settings(ATLAS_SUBMISSION_LIMIT=2)
def test_submissions_are_rate_limited(anonymous_visitor: Client) -> None:
    for _ in range(2):
        assert anonymous_visitor.post("/en/practices/submit/", FORM).status_code == 302
    response = anonymous_visitor.post("/en/practices/submit/", FORM)
    assert response.status_code == 200
    assert "Too many submissions" in response.content.decode()
    assert Practice.objects.filter(title=FORM["title"]).count() == 2


def test_a_submission_with_a_bad_source_address_names_the_field(anonymous_visitor: Client) -> None:
    response = anonymous_visitor.post(
        "/en/practices/submit/", {**FORM, "source_url": "javascript:alert(1)"}
    )
    assert response.status_code == 200
    assert not Practice.objects.filter(title=FORM["title"]).exists()
    assert "errors" in response.content.decode()


def test_a_script_tag_is_shown_escaped(anonymous_visitor: Client, editor_client: Client) -> None:
    hostile = "<script>alert(1)</script>"
    anonymous_visitor.post("/en/practices/submit/", {**FORM, "title": hostile, "summary": hostile})
    practice = Practice.objects.get(title=hostile)
    body = editor_client.get(f"/en/practices/{practice.slug}/").content.decode()
    assert hostile not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_submitter_contact_is_never_published(anonymous_visitor: Client, ngo_editor) -> None:  # type: ignore[no-untyped-def]
    from atlas.practices.actions import publish_practice

    anonymous_visitor.post("/en/practices/submit/", FORM)
    practice = Practice.objects.get(title=FORM["title"])
    publish_practice(practice=practice, user=ngo_editor)
    page = anonymous_visitor.get(f"/en/practices/{practice.slug}/").content.decode()
    api = anonymous_visitor.get(f"/api/practices/{practice.slug}").content.decode()
    export = b"".join(anonymous_visitor.get("/api/practices/export").streaming_content).decode()
    for text in (page, api, export):
        assert "ana@example.org" not in text
