"""Contributors propose new services and changes; editors publish; every change recorded;
stale records flagged."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client, override_settings

from atlas.accounts.models import User
from atlas.core.hsds import to_hsds
from atlas.directory import actions
from atlas.directory.models import Event, Proposal, Schedule, Service
from atlas.directory.tests.conftest import entry, save
from atlas.places.models import Place

pytestmark = pytest.mark.django_db


def post(client: Client, body: dict[str, object]) -> object:
    return client.post("/api/hsds/proposals", json.dumps(body), content_type="application/json")


def test_a_contributor_proposes_a_service_and_an_editor_publishes_it(
    contributor: User, ngo_editor: User, barcelona: Place
) -> None:
    client = Client()
    [hsds] = to_hsds([entry(11, "Proposed clinic")])
    assert post(client, {"place": barcelona.pk, "service": hsds}).status_code == 401  # type: ignore[attr-defined]
    client.force_login(contributor)
    response = post(client, {"place": barcelona.pk, "service": hsds, "note": "New in 2026"})
    assert response.status_code == 201, response.content  # type: ignore[attr-defined]
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.proposed_by, proposal.service) == (
        "submitted",
        contributor,
        None,
    )
    # Not published by proposing: the API does not show it.
    assert Client().get("/api/hsds/services").json()["total_items"] == 0
    with pytest.raises(actions.NotAllowed):
        actions.accept_proposal(proposal=proposal, user=contributor)
    service = actions.accept_proposal(proposal=proposal, user=ngo_editor)
    assert service.status == Service.Status.PUBLISHED
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reviewed_by, proposal.service) == (
        "accepted",
        ngo_editor,
        service,
    )
    verbs = list(service.events.order_by("at", "id").values_list("verb", "user__username"))
    assert verbs == [("created", "kofi"), ("published", "ewa")]
    assert Client().get("/api/hsds/services").json()["total_items"] == 1


def test_a_change_to_a_published_service_waits_for_an_editor(
    contributor: User, moderator: User, barcelona: Place
) -> None:
    service = save(entry(12, "Old name"), barcelona)
    [hsds] = to_hsds([entry(12, "New name")])
    client = Client()
    client.force_login(contributor)
    assert post(client, {"place": barcelona.pk, "service": hsds}).status_code == 201  # type: ignore[attr-defined]
    service.refresh_from_db()
    assert service.name == "Old name"  # unchanged until reviewed
    proposal = Proposal.objects.get()
    assert proposal.service == service
    actions.accept_proposal(proposal=proposal, user=moderator)
    service.refresh_from_db()
    assert (service.name, service.status) == ("New name", "published")
    assert Event.objects.filter(service=service, verb="proposed", user=contributor).exists()
    assert Event.objects.filter(service=service, verb="changed", user=contributor).exists()
    assert Event.objects.filter(service=service, verb="published", user=moderator).exists()


def test_a_bad_proposal_is_refused_with_the_field_named(
    contributor: User, city_officer: User, barcelona: Place
) -> None:
    [hsds] = to_hsds([entry(13, "Broken")])
    hsds["status"] = "open"
    client = Client()
    client.force_login(contributor)
    response = post(client, {"place": barcelona.pk, "service": hsds})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "field 'status'" in response.json()["problems"][0]  # type: ignore[attr-defined]
    officer = Client()
    officer.force_login(city_officer)  # a place team member, neither contributor nor editor
    assert post(officer, {"place": barcelona.pk, "service": hsds}).status_code == 403  # type: ignore[attr-defined]
    assert Proposal.objects.count() == 0


def test_editors_publish_in_the_admin(
    editor_client: Client, ngo_editor: User, barcelona: Place
) -> None:
    service = save(entry(14, "Draft clinic"), barcelona, status=Service.Status.DRAFT)
    response = editor_client.post(
        "/admin/directory/service/",
        {"action": "publish_selected", "_selected_action": [service.pk]},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.status == Service.Status.PUBLISHED
    assert service.events.filter(verb="published", user=ngo_editor).exists()
    # The editor sees the confidential address in the admin; a contributor has no admin.
    page = editor_client.get(f"/admin/directory/service/{service.pk}/change/")
    assert page.status_code == 200


def test_only_editors_reach_the_directory_admin(contributor: User, barcelona: Place) -> None:
    client = Client()
    contributor.is_staff = True  # even with admin access, a contributor may not edit services
    contributor.save()
    client.force_login(contributor)
    assert client.get("/admin/directory/service/").status_code == 403


def test_a_service_is_stale_after_the_configured_days(barcelona: Place) -> None:
    service = save(entry(15, "Checked", last_verified=date(2026, 1, 1)), barcelona)
    with time_machine.travel(date(2027, 1, 1)):  # 365 days later
        assert service.is_stale is False
        assert list(Service.objects.stale()) == []
    with time_machine.travel(date(2027, 1, 2)):
        assert service.is_stale is True
        assert list(Service.objects.stale()) == [service]
        with override_settings(ATLAS_DIRECTORY_STALE_DAYS=400):
            assert service.is_stale is False
    never = save(entry(16, "Never checked", last_verified=None), barcelona)
    assert never.is_stale is True


def test_open_now_uses_the_service_time_zone(barcelona: Place) -> None:
    service = save(entry(17, "Hours"), barcelona)  # Monday and Tuesday 09:00–17:00
    service.time_zone = "Europe/Madrid"
    service.save()
    madrid = ZoneInfo("Europe/Madrid")
    # Monday 2026-11-30, 08:30 in Madrid is 07:30 UTC: closed; 09:00 Madrid: open.
    assert service.is_open_at(datetime(2026, 11, 30, 8, 30, tzinfo=madrid)) is False
    assert service.is_open_at(datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo("UTC"))) is True
    assert service.is_open_at(datetime(2026, 11, 30, 17, 0, tzinfo=madrid)) is False
    assert service.is_open_at(datetime(2026, 12, 2, 10, 0, tzinfo=madrid)) is False  # Wednesday
    Schedule.objects.filter(service=service).delete()
    assert service.is_open_at(datetime(2026, 11, 30, 10, 0, tzinfo=madrid)) is None
