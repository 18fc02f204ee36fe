"""What the entitlement pages show: labels in words, matrix rows, gaps with practices, sentences."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from atlas.core.entitlements import Gap, summarise
from atlas.core.vocabulary import default_vocabulary
from atlas.entitlements import maps
from atlas.places.models import Place
from atlas.places.tree import PlaceTree
from atlas.practices.matching import practices_addressing


def level_label(level: str) -> str:
    """A short word for a matrix cell: colour is never the only sign."""
    return {
        "full": pgettext("access level, short", "Full"),
        "partial": pgettext("access level, short", "Partial"),
        "emergency-only": pgettext("access level, short", "Emergency only"),
        "none": pgettext("access level, short", "None"),
        "unclear": pgettext("access level, short", "Unclear"),
    }.get(level, level)


def matrix_rows(result: maps.Matrix, language: str) -> list[dict[str, Any]]:
    rows = []
    for place in result.places:
        cells = []
        for service in result.services:
            cell = result.cells.get((place.pk, service))
            if cell is None:
                cells.append(None)
                continue
            cells.append(
                {
                    "level": cell.level,
                    "label": level_label(cell.level),
                    "url": reverse("entitlements:detail", args=[cell.entitlement_id]),
                    "inherited_from": cell.recorded_at if cell.is_inherited else "",
                }
            )
        rows.append(
            {
                "name": place.label(language),
                "url": reverse("entitlements:place", args=[place.pk]),
                "cells": cells,
            }
        )
    return rows


def profile_rows(rows: Sequence[maps.Row], language: str) -> list[dict[str, Any]]:
    vocabulary = default_vocabulary()
    return [
        {
            "entitlement": row.entitlement,
            "is_inherited": row.is_inherited,
            "recorded_at": row.recorded_at.label(language),
            "service": vocabulary.get("service", row.entitlement.service).label(language),
            "group": vocabulary.get("group", row.entitlement.group).label(language),
        }
        for row in rows
    ]


GAP_KIND_TEXT = {
    "access-emergency-only": lambda: _("Emergency access only, in law"),
    "access-partial": lambda: _("Partial access in law"),
    "access-none": lambda: _("No access in law"),
    "access-unclear": lambda: _("Access in law not known"),
    "cost-full-payment": lambda: _("Must pay the full cost"),
    "cost-reduced": lambda: _("Must pay a reduced cost"),
    "documents-valid-permit": lambda: _("A residence permit is required"),
    "firewall-duty-to-report": lambda: _("Staff must report to immigration authorities"),
    "firewall-no-rule": lambda: _("No rule stops data going to immigration enforcement"),
    "firewall-unclear": lambda: _("Not known whether data can go to immigration enforcement"),
    "practice-below-law": lambda: _("Practice falls short of the law"),
}


@dataclass(frozen=True)
class GapRow:
    gap: Gap
    service: str
    group: str
    text: str
    practices: list[Any]


def gap_rows(gaps: Sequence[Gap], language: str, practices_per_gap: int = 3) -> list[GapRow]:
    vocabulary = default_vocabulary()
    return [
        GapRow(
            gap=gap,
            service=vocabulary.get("service", gap.service).label(language),
            group=vocabulary.get("group", gap.group).label(language),
            text=GAP_KIND_TEXT[gap.kind](),
            practices=practices_addressing(gap.service, gap.barrier, limit=practices_per_gap),
        )
        for gap in gaps
    ]


def summary_sentences(
    places: Sequence[Place], on: date, tree: PlaceTree, group: str, language: str
) -> list[dict[str, Any]]:
    """Sentences made from the data, each with the places behind it."""
    vocabulary = default_vocabulary()
    facts = maps.all_place_facts(places, on, tree)
    services = sorted(
        {service for resolved in facts.values() for (service, g) in resolved if g == group},
        key=lambda s: maps.service_order().get(s, 999),
    )
    names = {str(place.pk): place.label(language) for place in places}
    group_label = vocabulary.get("group", group).label(language)
    sentences = []
    for summary in summarise(facts, services=services, groups=[group]):
        values = {
            "mapped": len(summary.places_mapped),
            "yes": len(summary.places_yes),
            "group": group_label,
            "service": vocabulary.get("service", summary.service).label(language).lower(),
        }
        text = {
            "access-full": _(
                "Of %(mapped)s places mapped, %(yes)s give the group “%(group)s” full access in law "
                "to %(service)s."
            ),
            "access-at-least-partial": _(
                "Of %(mapped)s places mapped, %(yes)s give the group “%(group)s” at least partial "
                "access in law to %(service)s."
            ),
            "free": _(
                "Of %(mapped)s places where the cost is known, %(yes)s make %(service)s free "
                "for the group “%(group)s”."
            ),
            "firewall": _(
                "Of %(mapped)s places where it is known, %(yes)s forbid passing the data of the "
                "group “%(group)s” using %(service)s to immigration enforcement, by law or local "
                "policy."
            ),
        }[summary.question] % values
        sentences.append(
            {
                "summary": summary,
                "text": text,
                "places_yes": sorted(names[key] for key in summary.places_yes),
                "places_unclear": sorted(names[key] for key in summary.places_unclear),
            }
        )
    return sentences

