"""Editors review submissions in the admin; every step is kept in the history."""

import pytest
from django.test import Client

from atlas.practices.models import Event, Practice
from atlas.practices.search import search_practices

pytestmark = pytest.mark.django_db


def submitted(slug: str = "idnyc") -> Practice:
    practice = Practice.objects.get(slug=slug)
    practice.status = Practice.Status.SUBMITTED
    practice.save(update_fields=["status"])
    from atlas.practices.search import index_practice

    index_practice(practice)
    return practice


def test_an_editor_sees_the_review_queue(editor_client: Client) -> None:
    submitted()
    response = editor_client.get("/admin/practices/practice/?status__exact=submitted")
    assert response.status_code == 200
    assert "IDNYC" in response.content.decode() or "idnyc" in response.content.decode().lower()


def test_an_editor_publishes_and_the_history_says_who(editor_client: Client, ngo_editor) -> None:  # type: ignore[no-untyped-def]
    practice = submitted()
    response = editor_client.post(
        "/admin/practices/practice/",
        {"action": "publish_selected", "_selected_action": [practice.pk]},
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED
    event = practice.events.first()
    assert (event.verb, event.user) == (Event.Verb.PUBLISHED, ngo_editor)
    assert practice.pk in search_practices(query="IDNYC").ids


def test_a_contributor_cannot_publish(contributor) -> None:  # type: ignore[no-untyped-def]
    practice = submitted()
    contributor.is_staff = True
    contributor.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(contributor)
    client.post(
        "/admin/practices/practice/",
        {"action": "publish_selected", "_selected_action": [practice.pk]},
    )
    practice.refresh_from_db()
    assert practice.status == Practice.Status.SUBMITTED


def test_a_city_officer_has_no_access_to_the_review_queue(city_officer) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(city_officer)
    response = client.get("/admin/practices/practice/")
    assert response.status_code == 302


def test_editors_can_list_the_records_due_for_review(editor_client: Client) -> None:
    Practice.objects.filter(slug="idnyc").update(last_verified="2015-01-01")
    response = editor_client.get("/admin/practices/practice/?verification=stale")
    body = response.content.decode()
    stale = Practice.objects.get(slug="idnyc")
    current = Practice.objects.get(slug="barcelona-padron")
    assert f"/admin/practices/practice/{stale.pk}/" in body
    assert f"/admin/practices/practice/{current.pk}/" not in body
