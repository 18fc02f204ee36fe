"""What the entitlement pages show: labels in words, matrix rows, gaps with practices, sentences."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
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
    """The matrix rows, each row's cells already rendered to HTML.

    A page of every place holds thousands of cells, and looping over them in the
    template took most of the request (benchmarks/entitlements.md). The markup is
    what that loop wrote: each value escaped as `{{ }}` escapes it, the parts
    shared by many cells (a level's class and label, an "inherited from" mark)
    made once, and the links built from one reversed pattern.
    """
    detail_prefix, detail_suffix = (escape(part) for part in id_url_parts("entitlements:detail"))
    place_prefix, place_suffix = id_url_parts("entitlements:place")
    heads: dict[str, str] = {}
    tails: dict[str, str] = {}
    marks: dict[int, str] = {}
    # The places facts are inherited from, named in the reader's language.
    sources = {cell[3] for cell in result.cells.values() if cell[2]}
    names = {pk: place.label(language) for pk, place in Place.objects.in_bulk(sources).items()}
    rows = []
    for place in result.places:
        cells = []
        for service in result.services:
            cell = result.cells.get((place.pk, service))
            if cell is None:
                cells.append('<td class="empty">–</td>')
                continue
            entitlement_id, level, is_inherited, recorded_at = cell
            if level not in heads:
                heads[level] = f'<td class="level-{escape(level)}"><a href="{detail_prefix}'
                tails[level] = f'{detail_suffix}">{escape(level_label(level))}</a>'
            mark = ""
            if is_inherited:
                mark = marks.get(recorded_at, "")
                if not mark:
                    mark = marks[recorded_at] = inherited_mark(names.get(recorded_at, ""))
            cells.append(f"{heads[level]}{int(entitlement_id)}{tails[level]}{mark}</td>")
        rows.append(
            {
                "name": place.label(language),
                "url": f"{place_prefix}{int(place.pk)}{place_suffix}",
                # Safe: fixed markup and values escaped above.
                "cells": mark_safe("".join(cells)),  # noqa: S308
            }
        )
    return rows


def id_url_parts(viewname: str) -> tuple[str, str]:
    """What `reverse(viewname, args=[pk])` puts before and after the id.

    The id is the view's only argument, an `<int:…>` segment: only its digits change,
    so the pattern is resolved once rather than once per link.
    """
    sentinel = 9876543210
    prefix, suffix = reverse(viewname, args=[sentinel]).split(str(sentinel))
    return prefix, suffix


def inherited_mark(place: str) -> str:
    """The ↑ after a cell recorded for a larger place, with the place named for screen readers."""
    text = _("Recorded for %(place)s") % {"place": escape(place)}
    return (
        f' <span class="inherited-mark" title="{text}">↑'
        f'<span class="visually-hidden">{text}</span></span>'
    )


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
                "Of %(mapped)s places mapped, %(yes)s give the group “%(group)s” full access "
                "in law to %(service)s."
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
                "service": vocabulary.get("service", summary.service).label(language),
                "text": text,
                "places_yes": sorted(names[key] for key in summary.places_yes),
                "places_unclear": sorted(names[key] for key in summary.places_unclear),
            }
        )
    return sentences
