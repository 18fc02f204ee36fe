"""The plan pages: built from a round's gaps without JavaScript, read by the team (and by
anyone once published), changed by the team only; outsiders get 404, as for a plan that does
not exist."""

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from atlas.accounts.models import User
from atlas.diagnostics.models import Assessment
from atlas.lib.headers import FORM_REFERRER_POLICY
from atlas.plans import actions
from atlas.plans.models import Plan

pytestmark = pytest.mark.django_db

OUTSIDERS = ("anonymous", "ngo_editor", "contributor", "moderator", "data_steward")


def client_for(persona: str, request: pytest.FixtureRequest) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    return client


def page_urls(plan: Plan) -> dict[str, str]:
    action = plan.actions.get(position=1)
    return {
        "detail": reverse("plans:detail", args=[plan.pk]),
        "version": reverse("plans:version", args=[plan.pk, 1]),
        "edit": reverse("plans:edit_action", args=[plan.pk, action.pk]),
        "note": reverse("plans:add_note", args=[plan.pk, action.pk]),
        "publish": reverse("plans:publish", args=[plan.pk]),
        "build": reverse("plans:build", args=[plan.assessment_id]),
    }


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_on_every_page_of_an_unpublished_plan(
    persona: str, plan: Plan, request: pytest.FixtureRequest
) -> None:
    client = client_for(persona, request)
    urls = page_urls(plan)
    for name, url in urls.items():
        if name == "build" and persona in ("ngo_editor", "moderator"):
            continue  # editors review submitted rounds: see the next test
        assert client.get(url).status_code == 404, (persona, name)
    assert client.post(urls["publish"], {"published": "1"}).status_code == 404
    assert client.post(urls["note"], {"text": "x"}).status_code == 404
    assert plan.title not in client.get(reverse("plans:list")).content.decode()
    plan.refresh_from_db()
    assert plan.published is False and plan.versions.count() == 1


@pytest.mark.parametrize("persona", ("ngo_editor", "moderator"))
def test_editors_see_a_submitted_round_but_may_not_build_its_plan(
    persona: str, plan: Plan, request: pytest.FixtureRequest
) -> None:
    client = client_for(persona, request)
    url = reverse("plans:build", args=[plan.assessment_id])
    assert client.get(url).status_code == 403
    assert client.post(url, {"gaps": ["health-children-law"]}).status_code == 403


def test_the_team_reads_and_changes_every_page(plan: Plan, city_officer: User) -> None:
    client = Client()
    client.force_login(city_officer)
    for name, url in page_urls(plan).items():
        response = client.get(url)
        assert response.status_code == 200, name
        if name in ("edit", "note", "publish", "build"):
            assert response["Referrer-Policy"] == FORM_REFERRER_POLICY, name


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_a_published_plan_is_read_by_anyone_and_changed_by_no_one_else(
    persona: str, plan: Plan, city_officer: User, request: pytest.FixtureRequest
) -> None:
    actions.set_published(plan=plan, user=city_officer, published=True)
    client = client_for(persona, request)
    urls = page_urls(plan)
    detail = client.get(urls["detail"])
    assert detail.status_code == 200
    # Team members' names never reach the public.
    assert "marta" not in detail.content.decode()
    assert client.get(urls["version"]).status_code == 200
    assert plan.title in client.get(reverse("plans:list")).content.decode()
    for name in ("edit", "note", "publish"):
        assert client.get(urls[name]).status_code == 403, name
    assert client.post(urls["publish"], {"published": "0"}).status_code == 403
    plan.refresh_from_db()
    assert plan.published is True


def test_a_plan_is_built_from_the_round_page_by_page(
    first_round: Assessment, city_officer: User
) -> None:
    client = Client()
    client.force_login(city_officer)
    url = reverse("plans:build", args=[first_round.pk])
    picker = client.get(url).content.decode()
    for slug in ("health-children-law", "health-primary-law", "health-primary-practice"):
        assert f'value="{slug}"' in picker
    assert 'value="health-emergency-law"' not in picker  # scored 100: no gap
    assert client.post(url, {"stage": "propose"}).status_code == 200  # none chosen: asked again
    assert not Plan.objects.exists()

    chosen = ["health-children-law", "health-primary-law"]
    confirm = client.post(url, {"stage": "propose", "gaps": chosen})
    assert confirm.status_code == 200
    proposals = confirm.context["proposals"]
    assert [item["proposal"].gap_question for item in proposals] == chosen
    first = proposals[0]["proposal"]
    data: dict[str, object] = {"stage": "create", "gaps": chosen, "title": "Plan 2026"}
    for index, item in enumerate(proposals):
        proposal = item["proposal"]
        data |= {
            f"action-{index}-title": proposal.title,
            f"action-{index}-step": proposal.step,
            f"action-{index}-measures": list(proposal.measures),
            f"action-{index}-status": "planned",
        }
    data["action-0-owner"] = "Health department"
    data["action-0-deadline"] = "2027-06-30"
    created = client.post(url, data)
    plan = Plan.objects.get()
    assert created.status_code == 302 and created["Location"].endswith(f"/plans/{plan.pk}/")
    rows = list(plan.actions.all())
    assert [(a.gap_question, a.owner, a.deadline) for a in rows] == [
        ("health-children-law", "Health department", date(2027, 6, 30)),
        ("health-primary-law", "", None),
    ]
    assert rows[0].step == first.step and rows[0].measures == list(first.measures)
    assert plan.versions.count() == 1


def test_the_plan_page_flags_overdue_actions_and_shows_progress(
    plan: Plan, city_officer: User
) -> None:
    first, second, _third = plan.actions.all()
    actions.update_action(action=first, user=city_officer, changes={"deadline": "2027-03-31"})
    actions.set_status(action=second, user=city_officer, status="done")
    client = Client()
    # Sign in at the travelled-to date: a session opened today would have expired by then.
    with time_machine.travel(date(2027, 4, 2)):
        client.force_login(city_officer)
        page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "1 action is overdue." in page
    assert "Overdue: the deadline was 2027-03-31." in page
    assert "1 of 3 actions done (33.3%)." in page
    assert '<progress max="3" value="1"' in page
    with time_machine.travel(date(2027, 3, 30)):
        client.force_login(city_officer)
        page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "overdue" not in page.lower()


def test_the_plan_page_shows_which_gaps_the_next_round_closed(
    plan: Plan, second_round: Assessment, city_officer: User
) -> None:
    client = Client()
    client.force_login(city_officer)
    response = client.get(reverse("plans:detail", args=[plan.pk]))
    assert response.context["later"] == second_round
    statuses = {
        row["closure"].question: row["closure"].closed for row in response.context["closures"]
    }
    assert statuses == {
        "health-children-law": True,
        "health-primary-law": False,
        "health-primary-practice": None,
    }
    page = response.content.decode()
    assert "Which gaps closed" in page and "Still open" in page


def test_the_public_sees_no_scores_of_rounds_it_may_not_see(
    plan: Plan, second_round: Assessment, city_officer: User, anonymous_visitor: Client
) -> None:
    actions.set_published(plan=plan, user=city_officer, published=True)
    response = anonymous_visitor.get(reverse("plans:detail", args=[plan.pk]))
    assert response.status_code == 200
    assert "closures" not in response.context
    assert "Which gaps closed" not in response.content.decode()


def test_editing_an_action_and_adding_a_note_write_versions(plan: Plan, city_officer: User) -> None:
    client = Client()
    client.force_login(city_officer)
    action = plan.actions.get(position=1)
    edit = reverse("plans:edit_action", args=[plan.pk, action.pk])
    response = client.post(
        edit,
        {
            "title": "Open child health care to every child",
            "step": action.step,
            "measures": action.measures,
            "owner": "Public Health Agency",
            "budget": "1200.50",
            "currency": "",
            "status": "under-way",
        },
    )
    assert response.status_code == 200  # a budget without a currency is refused
    assert "A budget needs its currency code." in response.content.decode()
    response = client.post(
        edit,
        {
            "title": "Open child health care to every child",
            "step": action.step,
            "measures": action.measures,
            "owner": "Public Health Agency",
            "budget": "1200.50",
            "currency": "EUR",
            "status": "under-way",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.owner, str(action.budget), action.status) == (
        "Public Health Agency",
        "1200.50",
        "under-way",
    )
    note = client.post(
        reverse("plans:add_note", args=[plan.pk, action.pk]), {"text": "Agreement signed."}
    )
    assert note.status_code == 302
    assert [v.number for v in plan.versions.all()] == [3, 2, 1]
    assert client.get(reverse("plans:version", args=[plan.pk, 2])).status_code == 200
    assert client.get(reverse("plans:version", args=[plan.pk, 4])).status_code == 404
    client.post(reverse("plans:publish", args=[plan.pk]), {"published": "1"})
    plan.refresh_from_db()
    assert plan.published and plan.versions.count() == 4


def test_forms_refuse_a_post_without_a_csrf_token(plan: Plan, city_officer: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(city_officer)
    response = client.post(reverse("plans:publish", args=[plan.pk]), {"published": "1"})
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.published is False


@pytest.mark.parametrize("language", ["ar", "fa", "es"])
def test_the_plan_page_renders_in_other_languages(
    plan: Plan, city_officer: User, language: str
) -> None:
    client = Client()
    client.force_login(city_officer)
    response = client.get(f"/{language}/plans/{plan.pk}/")
    assert response.status_code == 200
    step = plan.actions.get(position=1).step
    from atlas.core.diagnostic.steps import default_steps

    assert default_steps().get(step).label(language) in response.content.decode()
