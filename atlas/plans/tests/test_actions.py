"""Plans: built from a round's gaps, versioned on every change, overdue actions flagged,
progress counted, and re-scored by the next round (fixtures in conftest.py)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from atlas.accounts.models import User
from atlas.core.diagnostic.steps import default_steps
from atlas.diagnostics.models import Assessment
from atlas.plans import actions
from atlas.plans.actions import PlanError, Proposal
from atlas.plans.models import Plan, PlanAction

pytestmark = pytest.mark.django_db


def test_proposals_follow_the_gaps_most_severe_first_with_their_steps(
    first_round: Assessment,
) -> None:
    proposals = actions.propose_actions(
        first_round, ["health-primary-law", "health-children-law"], language="es"
    )
    # Severities by hand (gap_weights.toml): children-law (100 − 0) × 1.0 = 100;
    # primary-law (100 − 50) × 0.9 = 45. health-primary-practice was not chosen.
    assert [p.gap_question for p in proposals] == ["health-children-law", "health-primary-law"]
    steps = default_steps()
    gaps = {gap.question: gap for gap in actions.round_gaps(first_round)}
    for proposal in proposals:
        offered = steps.for_gap(gaps[proposal.gap_question])
        assert offered, proposal.gap_question
        assert sorted(proposal.steps) == sorted(step.slug for step in offered)
        first = steps.get(proposal.step)
        assert proposal.steps[0] == first.slug
        assert proposal.title == first.label("es")
        assert proposal.description == first.summary("es")
        assert proposal.measures == first.measures
        assert proposal.status == "planned"


def test_the_step_proposed_first_removes_the_barrier_the_question_names_first(
    first_round: Assessment,
) -> None:
    # health-primary-practice probes ("documents-id", "bureaucracy"): review-laws shares
    # "bureaucracy", id-alternatives "documents-id", one barrier each; documents-id is
    # named first, so id-alternatives is proposed. health-children-law probes
    # ("legal-status", "child-specific"): review-laws and press-national-change both share
    # legal-status, and review-laws comes first in step order.
    proposals = {
        p.gap_question: p
        for p in actions.propose_actions(
            first_round, ["health-primary-practice", "health-children-law"]
        )
    }
    assert proposals["health-primary-practice"].steps == ("id-alternatives", "review-laws")
    assert proposals["health-children-law"].steps == ("review-laws", "press-national-change")


def test_a_question_that_is_no_gap_is_refused(first_round: Assessment) -> None:
    # health-emergency-law scored 100.
    with pytest.raises(PlanError, match="'health-emergency-law' is not a gap"):
        actions.propose_actions(first_round, ["health-children-law", "health-emergency-law"])


def test_a_plan_is_built_from_the_chosen_gaps(plan: Plan, first_round: Assessment) -> None:
    assert plan.place == first_round.place
    rows = list(plan.actions.all())
    assert [a.gap_question for a in rows] == [
        "health-children-law",
        "health-primary-practice",
        "health-primary-law",
    ]
    assert [a.position for a in rows] == [1, 2, 3]
    assert all(a.status == PlanAction.Status.PLANNED and a.step for a in rows)
    assert plan.published is False


def test_a_draft_round_gives_no_plan(city_officer: User) -> None:
    from atlas.diagnostics import actions as rounds

    draft = rounds.open_assessment(
        place=city_officer.place_memberships.get().place,
        user=city_officer,
        title="draft",
        period=date(2026, 1, 1),
    )
    with pytest.raises(PlanError, match="submitted round"):
        actions.create_plan(assessment=draft, user=city_officer, title="x", proposals=[])


def test_a_bad_field_refuses_the_whole_plan(city_officer: User, first_round: Assessment) -> None:
    proposals = [
        Proposal(gap_question="", title="Train front-line staff"),
        Proposal(gap_question="", title="Budget", budget=Decimal("100"), currency="euros"),
    ]
    with pytest.raises(PlanError, match="action 2: 'euros' is not a three-letter currency"):
        actions.create_plan(
            assessment=first_round, user=city_officer, title="x", proposals=proposals
        )
    assert not Plan.objects.exists()


def test_every_change_writes_a_version_with_the_whole_plan(plan: Plan, city_officer: User) -> None:
    first = plan.actions.get(position=1)
    assert plan.versions.count() == 1
    actions.update_action(
        action=first,
        user=city_officer,
        changes={
            "owner": "Department of Social Rights",
            "deadline": "2027-03-31",
            "budget": "25000",
            "currency": "eur",
        },
    )
    actions.add_note(action=first, user=city_officer, text="Meeting with the health agency held.")
    actions.set_status(action=first, user=city_officer, status="under-way")
    # Saving the same values changes nothing, and writes no version.
    actions.set_status(action=first, user=city_officer, status="under-way")
    actions.set_published(plan=plan, user=city_officer, published=True)
    with pytest.raises(PlanError, match="status: 'finished' is not one of"):
        actions.set_status(action=first, user=city_officer, status="finished")

    versions = {v.number: v for v in plan.versions.all()}
    assert sorted(versions) == [1, 2, 3, 4, 5]
    assert [versions[n].change for n in range(1, 6)] == [
        "plan created",
        "action 1 edited: owner, deadline, budget, currency",
        "action 1: note added",
        "action 1 edited: status",
        "published",
    ]

    def first_action(number: int) -> dict[str, object]:
        snapshot_actions = versions[number].snapshot["actions"]
        assert len(snapshot_actions) == 3
        return dict(snapshot_actions[0])

    assert first_action(1)["owner"] == "" and first_action(1)["budget"] is None
    assert first_action(2)["owner"] == "Department of Social Rights"
    assert first_action(2)["deadline"] == "2027-03-31"
    assert (first_action(2)["budget"], first_action(2)["currency"]) == ("25000.00", "EUR")
    assert first_action(2)["notes"] == []
    notes = first_action(3)["notes"]
    assert isinstance(notes, list) and [n["text"] for n in notes] == [
        "Meeting with the health agency held."
    ]
    assert "author" not in notes[0]
    assert (first_action(3)["status"], first_action(4)["status"]) == ("planned", "under-way")
    assert versions[4].snapshot["published"] is False
    assert versions[5].snapshot["published"] is True
    assert all(v.saved_by == city_officer for v in versions.values())


def test_a_budget_needs_a_currency(plan: Plan, city_officer: User) -> None:
    action = plan.actions.get(position=1)
    with pytest.raises(PlanError, match="currency: a budget needs its currency code"):
        actions.update_action(action=action, user=city_officer, changes={"budget": "10"})
    assert plan.versions.count() == 1


def test_an_action_is_overdue_once_its_deadline_has_passed_until_done_or_dropped(
    plan: Plan, city_officer: User
) -> None:
    action = plan.actions.get(position=1)
    actions.update_action(action=action, user=city_officer, changes={"deadline": "2027-03-31"})
    with time_machine.travel(date(2027, 3, 31)):
        from django.utils import timezone

        assert not actions.overdue(action, timezone.localdate())  # due today: not late yet
    with time_machine.travel(date(2027, 4, 1)):
        today = timezone.localdate()
        assert today == date(2027, 4, 1)
        assert actions.overdue(action, today)
        actions.set_status(action=action, user=city_officer, status="under-way")
        assert actions.overdue(action, today)
        actions.set_status(action=action, user=city_officer, status="done")
        assert not actions.overdue(action, today)
        actions.set_status(action=action, user=city_officer, status="dropped")
        assert not actions.overdue(action, today)
        other = plan.actions.get(position=2)  # no deadline
        assert not actions.overdue(other, today)


def test_progress_counts_actions_by_status_and_the_share_done(
    plan: Plan, city_officer: User
) -> None:
    assert actions.progress(plan).counts == {
        "planned": 3,
        "under-way": 0,
        "done": 0,
        "dropped": 0,
    }
    assert actions.progress(plan).share_done == 0.0
    first, second, third = plan.actions.all()
    actions.set_status(action=first, user=city_officer, status="done")
    actions.set_status(action=second, user=city_officer, status="under-way")
    progress = actions.progress(plan)
    assert dict(progress.counts) == {"planned": 1, "under-way": 1, "done": 1, "dropped": 0}
    assert (progress.total, progress.active, progress.done) == (3, 3, 1)
    assert progress.share_done == 33.3  # 1 of 3, to one decimal
    actions.set_status(action=third, user=city_officer, status="dropped")
    progress = actions.progress(plan)
    assert (progress.total, progress.active, progress.done) == (3, 2, 1)
    assert progress.share_done == 50.0  # dropped actions are out of the plan
    for action in (first, second):
        actions.set_status(action=action, user=city_officer, status="dropped")
    assert actions.progress(plan).share_done is None


def test_the_next_round_shows_which_gaps_closed(
    plan: Plan, first_round: Assessment, second_round: Assessment
) -> None:
    assert list(actions.later_rounds(plan)) == [second_round]
    closures = {c.question: c for c in actions.closed_gaps(plan, second_round)}
    assert set(closures) == set(
        ["health-children-law", "health-primary-law", "health-primary-practice"]
    )
    assert (closures["health-children-law"].before, closures["health-children-law"].after) == (
        0.0,
        100.0,
    )
    assert closures["health-children-law"].closed is True
    assert (closures["health-primary-law"].before, closures["health-primary-law"].after) == (
        50.0,
        50.0,
    )
    assert closures["health-primary-law"].closed is False
    # Not answered in the second round: nothing can be said.
    assert closures["health-primary-practice"].after is None
    assert closures["health-primary-practice"].closed is None


def test_rounds_on_another_framework_version_do_not_compare(
    plan: Plan, second_round: Assessment
) -> None:
    second_round.framework_version = "1999.1"
    with pytest.raises(PlanError, match="do not compare"):
        actions.closed_gaps(plan, second_round)
    with pytest.raises(PlanError, match="own round"):
        actions.closed_gaps(plan, plan.assessment)


def test_plans_for_a_round_are_those_the_visitor_may_see(
    plan: Plan, first_round: Assessment, city_officer: User, ngo_editor: User
) -> None:
    assert list(actions.plans_for(first_round, city_officer)) == [plan]
    assert list(actions.plans_for(first_round, ngo_editor)) == []
    actions.set_published(plan=plan, user=city_officer, published=True)
    assert list(actions.plans_for(first_round, ngo_editor)) == [plan]
