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
import functools
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from atlas.core.vocabulary import Vocabulary, default_vocabulary

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

GAP_KINDS: tuple[str, ...] = (
    "access-emergency-only",
    "access-partial",
    "access-none",
    "access-unclear",
    "cost-full-payment",
    "cost-reduced",
    "documents-valid-permit",
    "firewall-duty-to-report",
    "firewall-no-rule",
    "firewall-unclear",
    "practice-below-law",
)
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
DEFAULT_WEIGHTS_PATH = Path(__file__).parent / "data" / "gap_weights.toml"
# The [service] key used for a service whose own and sector weights are both absent.
DEFAULT_SERVICE_KEY = "default"

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
_FILE_KEYS = frozenset({"meta", "service", "kind"})
_META_KEYS = frozenset({"version"})
_ENTRY_KEYS = frozenset({"weight", "why"})


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


class GapWeightsError(ValueError):
    """A gap weights file that breaks a rule; the message names the file and the key.

    >>> str(GapWeightsError("weight 1.5 is above 1", file=Path("gap_weights.toml"),
    ...                     key="kind.access-none.weight"))
    "gap_weights.toml, key 'kind.access-none.weight': weight 1.5 is above 1"
    """

    def __init__(self, problem: str, *, file: Path, key: str | None = None) -> None:
        self.problem = problem
        self.file = file
        self.key = key
        where = str(file) if key is None else f"{file}, key {key!r}"
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Weight:
    """One weight of the file: the slug it is written under, its value and why it is so."""

    slug: str
    value: float
    why: str


@dataclass(frozen=True)
class GapWeights:
    """The weights of one version of the gap weights file; build it with `load_gap_weights`.

    ``services`` holds the [service] entries as written (service or sector slugs, and
    ``default``); ``sectors`` maps every service of the vocabulary the file was checked
    against to its sector, for the fallback.
    """

    version: str
    services: Mapping[str, Weight] = dataclasses.field(hash=False, repr=False)
    kinds: Mapping[str, Weight] = dataclasses.field(hash=False, repr=False)
    sectors: Mapping[str, str] = dataclasses.field(hash=False, repr=False)

    def service_weight(self, service: str) -> Weight:
        """Return the weight that applies to ``service``: its own, else its sector's, else
        the default. Raise KeyError for a slug the vocabulary does not know.

        >>> weights = default_gap_weights()
        >>> weights.service_weight("health-emergency").slug
        'health-emergency'
        >>> weights.service_weight("health-dental").slug
        'health'
        """
        try:
            sector = self.sectors[service]
        except KeyError:
            raise KeyError(
                f"unknown service {service!r}; the gap weights {self.version} were checked "
                "against a vocabulary without it"
            ) from None
        for slug in (service, sector, DEFAULT_SERVICE_KEY):
            if slug in self.services:
                return self.services[slug]
        raise AssertionError("load_gap_weights requires a default")  # pragma: no cover

    def kind_weight(self, kind: str) -> Weight:
        """Return the weight of the gap kind ``kind``; raise KeyError naming an unknown one."""
        try:
            return self.kinds[kind]
        except KeyError:
            raise KeyError(
                f"unknown gap kind {kind!r}; expected one of {', '.join(GAP_KINDS)}"
            ) from None

    def severity(self, service: str, kind: str) -> float:
        """Return service weight × kind weight, rounded half up to 3 decimal places.

        The product is taken in decimal, so a weight written 0.35 is 0.35 exactly and a half
        rounds up as a reader would (0.35 × 0.35 = 0.1225 → 0.123; the binary float product,
        0.12249999999999998, would round to 0.122).

        >>> default_gap_weights().severity("health-emergency", "access-none")
        1.0
        """
        product = _decimal(self.service_weight(service).value) * _decimal(
            self.kind_weight(kind).value
        )
        return float(product.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


def load_gap_weights(
    path: Path | str | None = None, *, vocabulary: Vocabulary | None = None
) -> GapWeights:
    """Read and check a gap weights file (default: the shipped ``data/gap_weights.toml``).

    Raise `GapWeightsError` naming the key at the first broken rule: a file that is not
    TOML, an unknown table, a missing [meta] version, a [service] key that is neither
    ``default`` nor a service or sector slug of ``vocabulary`` (default: the shipped one), no
    ``default`` service weight, an unknown or missing gap kind, an entry with an unknown
    field, a missing or empty ``why``, or a weight that is missing, not a number or outside
    [0, 1].
    """
    file = DEFAULT_WEIGHTS_PATH if path is None else Path(path)
    vocabulary = default_vocabulary() if vocabulary is None else vocabulary
    try:
        with file.open("rb") as stream:
            data = tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise GapWeightsError(f"not valid TOML: {error}", file=file) from error

    unknown = sorted(data.keys() - _FILE_KEYS)
    if unknown:
        raise GapWeightsError(
            "unknown table; expected [meta], [service.<slug>] and [kind.<kind>]",
            file=file,
            key=unknown[0],
        )
    meta = data.get("meta")
    if not isinstance(meta, dict):
        raise GapWeightsError("missing [meta] table", file=file, key="meta")
    unknown = sorted(meta.keys() - _META_KEYS)
    if unknown:
        raise GapWeightsError("unknown field in [meta]", file=file, key=f"meta.{unknown[0]}")
    version = meta.get("version")
    if not isinstance(version, str) or not version.strip():
        raise GapWeightsError("missing version", file=file, key="meta.version")

    raw_services = _table(data, "service", file)
    services: dict[str, Weight] = {}
    for slug, raw in raw_services.items():
        if slug != DEFAULT_SERVICE_KEY and not vocabulary.has("service", slug):
            raise GapWeightsError(
                f"unknown service or sector {slug!r} in vocabulary {vocabulary.version}",
                file=file,
                key=f"service.{slug}",
            )
        services[slug] = _parse_entry(file, f"service.{slug}", slug, raw)
    if DEFAULT_SERVICE_KEY not in services:
        raise GapWeightsError(
            "missing default weight, used for a service whose sector has none",
            file=file,
            key=f"service.{DEFAULT_SERVICE_KEY}",
        )

    raw_kinds = _table(data, "kind", file)
    kinds: dict[str, Weight] = {}
    for kind, raw in raw_kinds.items():
        if kind not in GAP_KINDS:
            raise GapWeightsError(
                f"unknown gap kind {kind!r}; expected one of {', '.join(GAP_KINDS)}",
                file=file,
                key=f"kind.{kind}",
            )
        kinds[kind] = _parse_entry(file, f"kind.{kind}", kind, raw)
    for kind in GAP_KINDS:
        if kind not in kinds:
            raise GapWeightsError(
                "missing gap kind: every kind needs a weight", file=file, key=f"kind.{kind}"
            )

    sectors = {
        term.slug: vocabulary.sector_of(term.slug).slug for term in vocabulary.terms("service")
    }
    return GapWeights(
        version=version,
        services=MappingProxyType(services),
        kinds=MappingProxyType({kind: kinds[kind] for kind in GAP_KINDS}),
        sectors=MappingProxyType(sectors),
    )


@functools.cache
def default_gap_weights() -> GapWeights:
    """Return the shipped gap weights, loaded and checked once per process."""
    return load_gap_weights()


def _table(data: Mapping[str, Any], name: str, file: Path) -> Mapping[str, Any]:
    table = data.get(name)
    if not isinstance(table, dict) or not table:
        raise GapWeightsError(f"missing [{name}.<slug>] tables", file=file, key=name)
    return table


def _parse_entry(file: Path, key: str, slug: str, raw: Any) -> Weight:
    if not isinstance(raw, dict):
        raise GapWeightsError("must be a table with weight and why", file=file, key=key)
    unknown = sorted(raw.keys() - _ENTRY_KEYS)
    if unknown:
        raise GapWeightsError(
            "unknown field; expected weight and why", file=file, key=f"{key}.{unknown[0]}"
        )
    value = raw.get("weight")
    if value is None:
        raise GapWeightsError("missing weight", file=file, key=f"{key}.weight")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise GapWeightsError(
            f"weight must be a number, not {value!r}", file=file, key=f"{key}.weight"
        )
    if not 0 <= value <= 1:
        raise GapWeightsError(f"weight {value!r} is outside [0, 1]", file=file, key=f"{key}.weight")
    why = raw.get("why")
    if why is None:
        raise GapWeightsError(
            "missing why: every weight must say where its importance comes from",
            file=file,
            key=f"{key}.why",
        )
    if not isinstance(why, str) or not why.strip():
        raise GapWeightsError("empty why", file=file, key=f"{key}.why")
    return Weight(slug=slug, value=float(value), why=" ".join(why.split()))


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
