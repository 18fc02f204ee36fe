"""Entitlements: which fact is in force, where access fails, and how places compare.

An entitlement is a fact about a (place, service, group) over a period, recorded in law and,
separately, in practice (DESIGN.md, part 2; the scales are those of the brief "Entitlements
map"). This module is the pure half of the map; the ``entitlements`` app stores the rows and
renders the sentences.

- `resolve` picks, for one place, the fact in force on a date for each (service, group),
  taking the place's own record before its subdivision's, country's or region's.
- `find_gaps` turns the resolved facts into gaps, each tied to a barrier of the shared
  vocabulary and weighted by the versioned file ``data/gap_weights.toml``, in which every
  weight says where its importance comes from.
- `summarise` counts, across places, how many are mapped and how many say yes to a question
  such as "is primary care free for irregular migrants?".

>>> country = Fact("country:XA", 1, "health-primary", "irregular-migrant", law_level="none",
...                practice_level="unclear", cost="unclear", documents="unclear",
...                firewall="unclear", effective_from=None, effective_to=None)
>>> resolved = resolve([country], date(2026, 1, 1))
>>> [(gap.kind, gap.barrier) for gap in find_gaps(resolved, default_gap_weights())]
[('access-none', 'legal-status'), ('firewall-unclear', 'fear-of-detection')]
"""

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from atlas.core.gap_weights import (
    GAP_KINDS,
    GapWeights,
    GapWeightsError,
    Weight,
    default_gap_weights,
    load_gap_weights,
)

__all__ = [
    "GAP_KINDS",
    "Fact",
    "Gap",
    "GapWeights",
    "GapWeightsError",
    "Summary",
    "Weight",
    "default_gap_weights",
    "find_gaps",
    "in_force",
    "level_rank",
    "load_gap_weights",
    "resolve",
    "summarise",
]

# The scales, best first where an order applies (brief "Entitlements map").
LAW_LEVELS: tuple[str, ...] = ("full", "partial", "emergency-only", "none", "unclear")
# Practice is measured on the same scale as law, so the two can be compared.
PRACTICE_LEVELS = LAW_LEVELS
COSTS: tuple[str, ...] = ("free", "reduced", "full-payment", "unclear")
DOCUMENTS: tuple[str, ...] = ("none", "alternatives-accepted", "valid-permit", "unclear")
FIREWALLS: tuple[str, ...] = (
    "legal-prohibition",
    "local-policy",
    "no-rule",
    "duty-to-report",
    "unclear",
)
# 0 region, 1 country, 2 subdivision, 3 city: a deeper place's own record wins.
PLACE_DEPTHS: tuple[int, ...] = (0, 1, 2, 3)

# The barrier of the shared vocabulary each family of gaps is about, so a gap leads to the
# practices and measures that removed that barrier elsewhere.
BARRIER_OF_FAMILY: Mapping[str, str] = MappingProxyType(
    {
        "access": "legal-status",
        "cost": "cost",
        "documents": "documents-id",
        "firewall": "fear-of-detection",
        "practice": "capacity-resources",
    }
)
# A group that holds a residence permit by its vocabulary definition ("a migrant with a valid
# residence permit or another lawful right to stay") meets a valid-permit requirement, so for
# it that requirement is no gap. Every other group may lack one.
GROUPS_WITH_A_PERMIT: frozenset[str] = frozenset({"regular-migrant"})

QUESTIONS: tuple[str, ...] = ("access-full", "access-at-least-partial", "free", "firewall")
# question → (the Fact field it reads, the values that answer yes).
_QUESTION_MEASURES: Mapping[str, tuple[str, frozenset[str]]] = MappingProxyType(
    {
        "access-full": ("law_level", frozenset({"full"})),
        "access-at-least-partial": ("law_level", frozenset({"full", "partial"})),
        "free": ("cost", frozenset({"free"})),
        "firewall": ("firewall", frozenset({"legal-prohibition", "local-policy"})),
    }
)

UNCLEAR = "unclear"

_SCALES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "law_level": LAW_LEVELS,
        "practice_level": PRACTICE_LEVELS,
        "cost": COSTS,
        "documents": DOCUMENTS,
        "firewall": FIREWALLS,
    }
)
_ACCESS_GAP: Mapping[str, str] = MappingProxyType(
    {
        "partial": "access-partial",
        "emergency-only": "access-emergency-only",
        "none": "access-none",
        "unclear": "access-unclear",
    }
)
_COST_GAP: Mapping[str, str] = MappingProxyType(
    {"full-payment": "cost-full-payment", "reduced": "cost-reduced"}
)
_FIREWALL_GAP: Mapping[str, str] = MappingProxyType(
    {
        "duty-to-report": "firewall-duty-to-report",
        "no-rule": "firewall-no-rule",
        "unclear": "firewall-unclear",
    }
)


def level_rank(level: str) -> int | None:
    """Return the order of an access level, best first; ``unclear`` has no rank.

    >>> [level_rank(level) for level in LAW_LEVELS]
    [0, 1, 2, 3, None]
    """
    if level == UNCLEAR:
        return None
    try:
        return LAW_LEVELS.index(level)
    except ValueError:
        raise ValueError(
            f"unknown access level {level!r}; expected one of {', '.join(LAW_LEVELS)}"
        ) from None


class FactError(ValueError):
    """A fact with a value off its scale; `field` names the attribute at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"field {field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Fact:
    """What one place's record says about one (service, group) over one period.

    ``place_key`` is opaque here (e.g. ``"country:ES"``): `resolve` needs only the depth.
    The period is half-open, [effective_from, effective_to); a None bound is open. ``ref``
    carries the caller's row through untouched, so a gap can link back to its source.
    """

    place_key: str
    place_depth: int
    service: str
    group: str
    law_level: str
    practice_level: str
    cost: str
    documents: str
    firewall: str
    effective_from: date | None
    effective_to: date | None
    ref: object = dataclasses.field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.place_depth not in PLACE_DEPTHS:
            raise FactError(
                "place_depth",
                f"must be 0 (region), 1 (country), 2 (subdivision) or 3 (city), "
                f"not {self.place_depth!r}",
            )
        for name, scale in _SCALES.items():
            value = getattr(self, name)
            if value not in scale:
                raise FactError(
                    name, f"unknown value {value!r}; expected one of {', '.join(scale)}"
                )
        if (
            self.effective_from is not None
            and self.effective_to is not None
            and self.effective_to <= self.effective_from
        ):
            raise FactError(
                "effective_to",
                f"{self.effective_to} must be after effective_from {self.effective_from}",
            )


def in_force(fact: Fact, on: date) -> bool:
    """Say whether ``fact`` is in force on ``on``: effective_from <= on < effective_to.

    >>> fact = Fact("country:XA", 1, "education-school", "child", "full", "unclear",
    ...             "free", "none", "unclear", date(2018, 7, 31), date(2020, 1, 1))
    >>> in_force(fact, date(2018, 7, 31)), in_force(fact, date(2020, 1, 1))
    (True, False)
    """
    if fact.effective_from is not None and on < fact.effective_from:
        return False
    return fact.effective_to is None or on < fact.effective_to


def resolve(facts: Iterable[Fact], on: date) -> dict[tuple[str, str], Fact]:
    """Return, for each (service, group), the fact that applies to a place on ``on``.

    ``facts`` are the records of the place and of all its ancestors. Of those in force on the
    date, the deepest place wins: a city's own record beats its subdivision's, which beats its
    country's, which beats its region's. Between facts of the same depth whose periods both
    cover the date (overlapping records, or nested subdivisions), the later
    ``effective_from`` wins, an open start counting as the earliest: the newer record is taken
    to restate the older. If even that ties, the fact given first wins, so the result never
    depends on anything but the input order.

    >>> def fact(key, depth, law, start=None):
    ...     return Fact(key, depth, "health-primary", "irregular-migrant", law, "unclear",
    ...                 "unclear", "unclear", "unclear", start, None)
    >>> facts = [fact("country:XA", 1, "emergency-only"), fact("city:XA/Town", 3, "full"),
    ...          fact("country:XA", 1, "full", date(2030, 1, 1))]
    >>> resolve(facts, date(2026, 1, 1))[("health-primary", "irregular-migrant")].place_key
    'city:XA/Town'
    >>> resolve(facts[:1] + facts[2:], date(2031, 1, 1))[
    ...     ("health-primary", "irregular-migrant")].law_level
    'full'
    """
    chosen: dict[tuple[str, str], Fact] = {}
    for fact in facts:
        if not in_force(fact, on):
            continue
        key = (fact.service, fact.group)
        current = chosen.get(key)
        if current is None or _precedence(fact) > _precedence(current):
            chosen[key] = fact
    return chosen


def _precedence(fact: Fact) -> tuple[int, date]:
    return (fact.place_depth, fact.effective_from or date.min)


@dataclass(frozen=True)
class Gap:
    """One way a resolved fact falls short, with its weight and the barrier it is about."""

    service: str
    group: str
    kind: str
    severity: float
    barrier: str
    fact: Fact


def find_gaps(resolved: Mapping[tuple[str, str], Fact], weights: GapWeights) -> list[Gap]:
    """Return every gap in the resolved facts, most severe first.

    For each fact:

    - law below ``full`` → ``access-partial``, ``access-emergency-only`` or ``access-none``;
      law ``unclear`` → ``access-unclear`` (barrier ``legal-status``);
    - cost ``full-payment`` or ``reduced`` → ``cost-full-payment`` or ``cost-reduced``
      (barrier ``cost``);
    - documents ``valid-permit`` → ``documents-valid-permit`` (barrier ``documents-id``), as
      the group cannot have a permit; not for a group in `GROUPS_WITH_A_PERMIT`;
    - firewall ``duty-to-report``, ``no-rule`` or ``unclear`` → ``firewall-*`` (barrier
      ``fear-of-detection``);
    - practice ranked worse than law, both ranked → ``practice-below-law`` (barrier
      ``capacity-resources``).

    Severity is the service weight × the kind weight (`GapWeights.severity`). Gaps are
    sorted by severity descending, then service, group and kind.

    >>> fact = Fact("country:XA", 1, "health-primary", "irregular-migrant", "full",
    ...             "partial", "free", "valid-permit", "legal-prohibition", None, None)
    >>> [(gap.kind, gap.barrier) for gap in find_gaps({("health-primary",
    ...     "irregular-migrant"): fact}, default_gap_weights())]
    [('documents-valid-permit', 'documents-id'), ('practice-below-law', 'capacity-resources')]
    """
    gaps: list[Gap] = []
    for fact in resolved.values():
        for kind in _gap_kinds(fact):
            gaps.append(
                Gap(
                    service=fact.service,
                    group=fact.group,
                    kind=kind,
                    severity=weights.severity(fact.service, kind),
                    barrier=BARRIER_OF_FAMILY[kind.split("-", 1)[0]],
                    fact=fact,
                )
            )
    gaps.sort(key=lambda gap: (-gap.severity, gap.service, gap.group, gap.kind))
    return gaps


def _gap_kinds(fact: Fact) -> list[str]:
    kinds: list[str] = []
    if fact.law_level in _ACCESS_GAP:
        kinds.append(_ACCESS_GAP[fact.law_level])
    if fact.cost in _COST_GAP:
        kinds.append(_COST_GAP[fact.cost])
    if fact.documents == "valid-permit" and fact.group not in GROUPS_WITH_A_PERMIT:
        kinds.append("documents-valid-permit")
    if fact.firewall in _FIREWALL_GAP:
        kinds.append(_FIREWALL_GAP[fact.firewall])
    law, practice = level_rank(fact.law_level), level_rank(fact.practice_level)
    if law is not None and practice is not None and practice > law:
        kinds.append("practice-below-law")
    return kinds


@dataclass(frozen=True)
class Summary:
    """How places answer one question about one (service, group); see `summarise`."""

    service: str
    group: str
    question: str
    # Lists, in the order of the places given; not hashable, so left out of the hash.
    places_mapped: list[str] = dataclasses.field(hash=False)
    places_yes: list[str] = dataclasses.field(hash=False)
    places_unclear: list[str] = dataclasses.field(hash=False)


def summarise(
    resolved_by_place: Mapping[str, Mapping[tuple[str, str], Fact]],
    *,
    services: Iterable[str],
    groups: Iterable[str],
) -> list[Summary]:
    """Answer each question in `QUESTIONS` for each service and group across the places.

    ``resolved_by_place`` maps a place key to that place's `resolve` result. A Summary gives
    the numbers for a sentence such as "of 12 places mapped, 5 allow full primary care to
    irregular migrants"; the app renders and translates it. The questions and what counts as
    yes:

    - ``access-full``: law_level is ``full``;
    - ``access-at-least-partial``: law_level is ``full`` or ``partial``;
    - ``free``: cost is ``free``;
    - ``firewall``: firewall is ``legal-prohibition`` or ``local-policy``.

    A place is *mapped* for a question when the value the question reads (law_level, cost or
    firewall) is not ``unclear``; ``places_yes`` is the part of ``places_mapped`` that says
    yes. A place whose value is ``unclear``, or that has no fact in force for the (service,
    group) at all, is not mapped: it is listed in ``places_unclear``, because the atlas does
    not know its answer. Every place given is in exactly one of ``places_mapped`` and
    ``places_unclear``. Summaries come in the order services × groups × `QUESTIONS`; place
    lists keep the order of ``resolved_by_place``.

    >>> def fact(law, cost):
    ...     return Fact("country:XA", 1, "health-primary", "irregular-migrant", law, "unclear",
    ...                 cost, "unclear", "unclear", None, None)
    >>> key = ("health-primary", "irregular-migrant")
    >>> places = {"country:XA": {key: fact("full", "reduced")},
    ...           "country:XB": {key: fact("none", "unclear")}, "country:XC": {}}
    >>> first = summarise(places, services=["health-primary"], groups=["irregular-migrant"])[0]
    >>> first.question, len(first.places_mapped), first.places_yes, first.places_unclear
    ('access-full', 2, ['country:XA'], ['country:XC'])
    """
    place_keys = list(resolved_by_place)
    groups = list(groups)
    summaries: list[Summary] = []
    for service in services:
        for group in groups:
            for question in QUESTIONS:
                field, yes_values = _QUESTION_MEASURES[question]
                mapped: list[str] = []
                yes: list[str] = []
                unclear: list[str] = []
                for place in place_keys:
                    fact = resolved_by_place[place].get((service, group))
                    value = UNCLEAR if fact is None else getattr(fact, field)
                    if value == UNCLEAR:
                        unclear.append(place)
                        continue
                    mapped.append(place)
                    if value in yes_values:
                        yes.append(place)
                summaries.append(Summary(service, group, question, mapped, yes, unclear))
    return summaries
