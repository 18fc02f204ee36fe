"""Turning search results into what the pages show: facet labels, links and snippets."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from atlas.core import places as catalogue
from atlas.core.places import PlaceError
from atlas.core.text import snippet
from atlas.core.vocabulary import default_vocabulary
from atlas.practices.models import Practice
from atlas.practices.search import FACETS, SearchResult

# How many values of a facet the page lists before the rest are folded away.
FACET_SHOWN = 12


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    is_selected: bool
    url: str


def filters_from(params: Mapping[str, Any]) -> dict[str, list[str]]:
    """The facet filters in a query string (?service=health&country=DE)."""
    getlist = params.getlist if isinstance(params, QueryDict) else None
    filters: dict[str, list[str]] = {}
    for name in FACETS:
        values = getlist(name) if getlist else [params[name]] if name in params else []
        values = [v[:60] for v in values if v][:10]
        if values:
            filters[name] = values
    return filters


def facet_headings() -> dict[str, str]:
    return {
        "service": _("Service"),
        "group": _("Group"),
        "barrier": _("Barrier"),
        "measure": _("Measure"),
        "country": _("Country"),
        "region": _("Region"),
        "actor": _("Actor type"),
        "evidence": _("Evidence"),
        "decade": _("Decade started"),
    }


def facet_label(name: str, value: str, language: str) -> str:
    vocabulary = default_vocabulary()
    kind = "actor-type" if name == "actor" else name
    if name in {"service", "group", "barrier", "measure", "actor"}:
        if vocabulary.has(kind, value):
            return vocabulary.get(kind, value).label(language)
        return value
    try:
        if name == "country":
            return catalogue.country_name(value, language)
        if name == "region":
            return catalogue.region(value).labels.get(language, value)
    except (PlaceError, KeyError):
        return value
    if name == "evidence":
        return str(dict(Practice.EvidenceLevel.choices).get(value, value))
    if name == "decade":
        # Translators: a decade, e.g. "1990s" for decade=1990.
        return _("%(decade)ss") % {"decade": value}
    return value


def facet_groups(result: SearchResult, params: QueryDict, language: str) -> list[dict[str, Any]]:
    """Each facet with its values, counts and the link that adds or removes the value."""
    groups: list[dict[str, Any]] = []
    for name, heading in facet_headings().items():
        selected = set(result.filters.get(name, []))
        counts = result.facets.get(name, {})
        values: list[FacetValue] = []
        for value in set(counts) | selected:
            query = params.copy()
            query.pop("page", None)
            current = query.getlist(name)
            if value in selected:
                query.setlist(name, [v for v in current if v != value])
            else:
                query.setlist(name, [*current, value])
            values.append(
                FacetValue(
                    value=value,
                    label=facet_label(name, value, language),
                    count=counts.get(value, 0),
                    is_selected=value in selected,
                    url="?" + query.urlencode(),
                )
            )
        if name == "decade":
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: (not v.is_selected, -v.count, v.label))
        if values:
            groups.append(
                {
                    "name": name,
                    "heading": heading,
                    "shown": values[:FACET_SHOWN],
                    "more": values[FACET_SHOWN:],
                    "is_active": bool(selected),
                }
            )
    return groups


def practice_snippet(practice: Practice, terms: list[str], language: str) -> list[tuple[str, bool]]:
    """The part of a practice's summary or description that best shows why it matched."""
    _title, summary, description, _language = practice.text_in(language)
    for text in (summary, description):
        segments = snippet(text, terms)
        if not terms or any(is_match for _segment, is_match in segments):
            return segments
    return snippet(summary, terms)
