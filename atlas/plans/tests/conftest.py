"""Two rounds of Barcelona's team and a plan built from the first.

The first round (2026-06-30) answers four health questions:

- health-emergency-law "yes" (100): not a gap;
- health-primary-law "partly" (50): a gap;
- health-children-law "no" (0): a gap;
- health-primary-practice "not-at-all" (0): a gap, below the law it checks (50).

The second round (2027-06-30) improves health-children-law to "yes" (100), keeps
health-primary-law at "partly" (50) and leaves health-primary-practice unanswered.
"""

from datetime import date

import pytest

from atlas.accounts.models import User
from atlas.diagnostics import actions as rounds
from atlas.diagnostics.models import Assessment
from atlas.plans import actions
from atlas.plans.models import Plan

FIRST_ANSWERS = {
    "health-emergency-law": "yes",
    "health-primary-law": "partly",
    "health-children-law": "no",
    "health-primary-practice": "not-at-all",
}
SECOND_ANSWERS = {
    "health-emergency-law": "yes",
    "health-primary-law": "partly",
    "health-children-law": "yes",
}
PLANNED_GAPS = ["health-children-law", "health-primary-law", "health-primary-practice"]


def scored_round(user: User, period: date, answers: dict[str, str]) -> Assessment:
    place = user.place_memberships.get().place
    assessment = rounds.open_assessment(
        place=place, user=user, title=f"Round {period.year}", period=period
    )
    rounds.save_answers(
        assessment=assessment,
        user=user,
        answers={slug: rounds.AnswerInput(value=value) for slug, value in answers.items()},
    )
    return rounds.submit(assessment=assessment, user=user)


@pytest.fixture
def first_round(city_officer: User) -> Assessment:
    return scored_round(city_officer, date(2026, 6, 30), FIRST_ANSWERS)


@pytest.fixture
def second_round(city_officer: User, first_round: Assessment) -> Assessment:
    return scored_round(city_officer, date(2027, 6, 30), SECOND_ANSWERS)


@pytest.fixture
def plan(city_officer: User, first_round: Assessment) -> Plan:
    return actions.create_plan(
        assessment=first_round,
        user=city_officer,
        title="Health access plan 2026–2027",
        proposals=actions.propose_actions(first_round, PLANNED_GAPS),
    )
