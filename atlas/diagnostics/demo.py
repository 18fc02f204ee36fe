"""Demo City: a fictional place with two completed, published assessment rounds and a
published action plan, so that the whole diagnostic loop can be seen on first run.

Its answers are data (starter/demo-city.json), not drawn at random, and describe no real
place. The place is marked fictional, so its name reads "Demo City (fictional)" in every
language wherever it is shown, and its rounds never count as peers of a real place.
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from atlas.core import places as catalogue
from atlas.diagnostics import actions
from atlas.diagnostics.models import Assessment
from atlas.places.models import Place
from atlas.plans import actions as plans
from atlas.plans.models import Plan

DEMO_FILE = Path(__file__).resolve().parent / "starter" / "demo-city.json"


def demo_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    return data


def demo_place() -> Place:
    name = demo_data()["place"]["name"]
    place, _created = Place.objects.get_or_create(
        kind=Place.Kind.CITY,
        country_code="",
        normalized_name=catalogue.normalize_name(name),
        defaults={"name": name, "fictional": True},
    )
    return place


@transaction.atomic
def load_demo_city() -> int:
    """Create Demo City's rounds that are missing; returns how many were added. Safe to
    run again: a round already there (by title) is left as it is."""
    data = demo_data()
    place = demo_place()
    added = 0
    for spec in data["rounds"]:
        if Assessment.objects.filter(place=place, title=spec["title"]).exists():
            continue
        assessment = actions.open_assessment(
            place=place, user=None, title=spec["title"], period=date.fromisoformat(spec["period"])
        )
        actions.save_answers(
            assessment=assessment,
            user=None,
            answers={
                slug: actions.AnswerInput(value=value) for slug, value in spec["answers"].items()
            },
        )
        actions.submit(assessment=assessment, user=None)
        actions.publish(assessment=assessment, user=None)
        added += 1
    load_demo_plan(place, data["plan"])
    return added


def load_demo_plan(place: Place, spec: dict[str, Any]) -> None:
    """Demo City's published action plan, built from its first round's gaps, with actions
    done, under way (one overdue), planned and dropped; the second round shows which of
    its gaps closed."""
    if Plan.objects.filter(place=place, title=spec["title"]).exists():
        return
    assessment = Assessment.objects.get(place=place, title=spec["round"])
    wanted = {item["gap_question"]: item for item in spec["actions"]}
    proposals = [
        plans.replace_proposal(
            proposal,
            owner=item["owner"],
            partners=item["partners"],
            deadline=date.fromisoformat(item["deadline"]) if item["deadline"] else None,
            indicator=item["indicator"],
            status=item["status"],
        )
        for proposal in plans.propose_actions(assessment, wanted)
        for item in [wanted[proposal.gap_question]]
    ]
    plan = plans.create_plan(
        assessment=assessment, user=None, title=spec["title"], proposals=proposals
    )
    for action in plan.actions.all():
        for note in wanted[action.gap_question]["notes"]:
            plans.add_note(action=action, user=None, text=note)
    plans.set_published(plan=plan, user=None, published=True)
