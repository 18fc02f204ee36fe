"""Demo City is on every first run, fictional by name, and its rounds score as the engine says."""

import json

import pytest

from atlas.core.diagnostic import default_framework, score
from atlas.diagnostics.demo import DEMO_FILE, demo_place, load_demo_city
from atlas.diagnostics.models import Assessment
from atlas.plans.actions import closed_gaps
from atlas.plans.models import Plan

pytestmark = pytest.mark.django_db


def test_demo_city_has_two_published_rounds_and_loading_again_adds_none() -> None:
    load_demo_city()
    assert load_demo_city() == 0
    rounds = Assessment.objects.filter(place=demo_place()).order_by("period")
    assert [r.status for r in rounds] == [Assessment.Status.PUBLISHED] * 2
    answers = [r["answers"] for r in json.loads(DEMO_FILE.read_text())["rounds"]]
    for assessment, given in zip(rounds, answers, strict=True):
        assert assessment.result == score(default_framework(), given).as_dict()
    # The second round improves on the first, so the loop shows closed gaps.
    assert rounds[1].result["overall"]["score"] > rounds[0].result["overall"]["score"]


def test_demo_city_has_a_published_plan_whose_gaps_the_second_round_partly_closed() -> None:
    load_demo_city()
    plan = Plan.objects.get(place=demo_place())
    assert plan.published
    assert sorted(plan.actions.values_list("status", flat=True)) == [
        "done",
        "dropped",
        "planned",
        "under-way",
        "under-way",
    ]
    second = Assessment.objects.get(place=demo_place(), title="Second round (fictional)")
    closed = {c.question for c in closed_gaps(plan, second) if c.closed}
    assert closed == {"health-primary-law"}


@pytest.mark.parametrize(
    ("language", "word"), [("en", "fictional"), ("es", "ficticio"), ("ar", "خيالي")]
)
def test_demo_city_says_it_is_fictional_in_every_language(language: str, word: str) -> None:
    assert word in demo_place().label(language)
