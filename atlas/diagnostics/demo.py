"""Demo City: a fictional place with two completed, published assessment rounds (and, in
the plans app, an action plan), so that the whole diagnostic loop can be seen on first run.

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
    return added
