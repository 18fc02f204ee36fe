"""The plans API under the same rules as the pages: outsiders get 404, a visible plan that
the caller may not change 403, writes without a session 401."""

import json
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from atlas.accounts.models import User
from atlas.diagnostics.models import Assessment
from atlas.plans import actions
from atlas.plans.models import Plan

pytestmark = pytest.mark.django_db

SIGNED_IN_OUTSIDERS = ("ngo_editor", "contributor", "moderator", "data_steward")
DOCS = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def patch(client: Client, url: str, body: dict[str, object]) -> object:
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_the_team_reads_its_plan_with_progress_and_overdue_flags(
    plan: Plan, city_officer: User
) -> None:
    first = plan.actions.get(position=1)
    actions.update_action(action=first, user=city_officer, changes={"deadline": "2027-03-31"})
    actions.set_status(action=plan.actions.get(position=2), user=city_officer, status="done")
    with time_machine.travel(date(2027, 4, 1)):
        client = signed_in(city_officer)
        body = client.get(f"/api/plans/{plan.pk}").json()
    assert body["title"] == plan.title and body["published"] is False
    assert body["progress"] == {
        "planned": 2,
        "under_way": 0,
        "done": 1,
        "dropped": 0,
        "total": 3,
        "share_done": 33.3,
    }
    assert [(a["gap_question"], a["overdue"]) for a in body["actions"]] == [
        ("health-children-law", True),
        ("health-primary-practice", False),
        ("health-primary-law", False),
    ]
    listed = client.get("/api/plans").json()
    assert [p["id"] for p in listed] == [plan.pk]


@pytest.mark.parametrize("persona", SIGNED_IN_OUTSIDERS)
def test_outsiders_get_404_for_an_unpublished_plan(
    persona: str, plan: Plan, request: pytest.FixtureRequest
) -> None:
    client = signed_in(request.getfixturevalue(persona))
    action = plan.actions.get(position=1)
    assert client.get(f"/api/plans/{plan.pk}").status_code == 404
    assert client.get(f"/api/plans/{plan.pk}/versions").status_code == 404
    response = patch(client, f"/api/plans/{plan.pk}/actions/{action.pk}", {"owner": "x"})
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert client.get("/api/plans").json() == []
    action.refresh_from_db()
    assert action.owner == "" and plan.versions.count() == 1


def test_anonymous_visitors_see_no_unpublished_plan_and_cannot_write(
    plan: Plan, anonymous_visitor: Client
) -> None:
    action = plan.actions.get(position=1)
    assert anonymous_visitor.get(f"/api/plans/{plan.pk}").status_code == 404
    assert anonymous_visitor.get(f"/api/plans/{plan.pk}/versions").status_code == 404
    assert anonymous_visitor.get("/api/plans").json() == []
    response = patch(anonymous_visitor, f"/api/plans/{plan.pk}/actions/{action.pk}", {})
    assert response.status_code == 401  # type: ignore[attr-defined]
    created = anonymous_visitor.post(
        "/api/plans",
        json.dumps({"assessment": plan.assessment_id, "title": "x", "gaps": []}),
        content_type="application/json",
    )
    assert created.status_code == 401


@pytest.mark.parametrize("persona", SIGNED_IN_OUTSIDERS)
def test_a_published_plan_is_read_by_all_and_changed_by_the_team_only(
    persona: str, plan: Plan, city_officer: User, request: pytest.FixtureRequest
) -> None:
    actions.set_published(plan=plan, user=city_officer, published=True)
    client = signed_in(request.getfixturevalue(persona))
    action = plan.actions.get(position=1)
    assert client.get(f"/api/plans/{plan.pk}").status_code == 200
    versions = client.get(f"/api/plans/{plan.pk}/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert "saved_by" not in versions[0]
    response = patch(client, f"/api/plans/{plan.pk}/actions/{action.pk}", {"owner": "x"})
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert Client().get(f"/api/plans/{plan.pk}").status_code == 200


def test_the_team_edits_an_action_and_each_edit_is_a_version(
    plan: Plan, city_officer: User
) -> None:
    client = signed_in(city_officer)
    action = plan.actions.get(position=1)
    url = f"/api/plans/{plan.pk}/actions/{action.pk}"
    response = patch(
        client,
        url,
        {"owner": "Health department", "status": "under-way", "budget": "900", "currency": "eur"},
    )
    assert response.status_code == 200  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert (body["owner"], body["status"], body["budget"], body["currency"]) == (
        "Health department",
        "under-way",
        "900.00",
        "EUR",
    )
    bad = patch(client, url, {"status": "finished"})
    assert bad.status_code == 400  # type: ignore[attr-defined]
    assert bad.json()["field"] == "status"  # type: ignore[attr-defined]
    versions = client.get(f"/api/plans/{plan.pk}/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["snapshot"]["actions"][0]["owner"] == "Health department"
    assert versions[1]["snapshot"]["actions"][0]["owner"] == ""
    other_plan_action = patch(client, f"/api/plans/{plan.pk}/actions/999999", {"owner": "x"})
    assert other_plan_action.status_code == 404  # type: ignore[attr-defined]


def test_the_team_builds_a_plan_through_the_api(
    first_round: Assessment, city_officer: User
) -> None:
    client = signed_in(city_officer)
    response = client.post(
        "/api/plans",
        json.dumps(
            {
                "assessment": first_round.pk,
                "title": "Plan via API",
                "gaps": ["health-primary-law", "health-children-law"],
                "language": "fr",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert [a["gap_question"] for a in body["actions"]] == [
        "health-children-law",
        "health-primary-law",
    ]
    assert Plan.objects.get(pk=body["id"]).versions.count() == 1
    refused = client.post(
        "/api/plans",
        json.dumps({"assessment": first_round.pk, "title": "x", "gaps": ["health-emergency-law"]}),
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "gaps"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("ngo_editor", 403), ("moderator", 403), ("contributor", 404), ("data_steward", 404)],
)
def test_outsiders_cannot_build_a_plan_from_the_teams_round(
    persona: str, status: int, first_round: Assessment, request: pytest.FixtureRequest
) -> None:
    # Editors may review a submitted round (403: seen, not theirs); others do not see it.
    client = signed_in(request.getfixturevalue(persona))
    response = client.post(
        "/api/plans",
        json.dumps({"assessment": first_round.pk, "title": "x", "gaps": ["health-children-law"]}),
        content_type="application/json",
    )
    assert response.status_code == status
    assert not Plan.objects.exists()


def test_the_api_docs_describe_every_plans_endpoint() -> None:
    docs = DOCS.read_text()
    for line in (
        "`GET /api/plans`",
        "`POST /api/plans`",
        "`GET /api/plans/{plan_id}`",
        "`PATCH /api/plans/{plan_id}/actions/{action_id}`",
        "`GET /api/plans/{plan_id}/versions`",
    ):
        assert line in docs, line
