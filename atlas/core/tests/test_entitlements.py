"""Entitlements: the scales, which fact is in force, gaps, severities and summaries.

Places here are made up (the user-assigned ISO codes XA–XD) unless a test says where its
case comes from. Weight arithmetic uses ``scenarios/gap_weights_minimal.toml``, whose values
are chosen for hand calculation; the shipped ``gap_weights.toml`` is tested for coverage and
for its rules, not for its values, so that changing a weight does not mean changing a test.
"""

import doctest
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from atlas.core import entitlements as entitlements_module
from atlas.core.entitlements import (
    BARRIER_OF_FAMILY,
    COSTS,
    DOCUMENTS,
    FIREWALLS,
    GAP_KINDS,
    LAW_LEVELS,
    QUESTIONS,
    Fact,
    FactError,
    GapWeights,
    GapWeightsError,
    Summary,
    default_gap_weights,
    find_gaps,
    in_force,
    level_rank,
    load_gap_weights,
    resolve,
    summarise,
)
from atlas.core.vocabulary import default_vocabulary, load_vocabulary

SCENARIOS = Path(__file__).parent / "scenarios"
MINIMAL_WEIGHTS = SCENARIOS / "gap_weights_minimal.toml"
ON = date(2026, 11, 22)


def fact(
    place_key: str = "country:XA",
    place_depth: int = 1,
    service: str = "health-primary",
    group: str = "irregular-migrant",
    *,
    law_level: str = "full",
    practice_level: str = "unclear",
    cost: str = "free",
    documents: str = "none",
    firewall: str = "legal-prohibition",
    effective_from: date | None = None,
    effective_to: date | None = None,
    ref: object = None,
) -> Fact:
    """A fact with no gap unless a test says otherwise: full, free, no documents, firewall."""
    return Fact(
        place_key=place_key,
        place_depth=place_depth,
        service=service,
        group=group,
        law_level=law_level,
        practice_level=practice_level,
        cost=cost,
        documents=documents,
        firewall=firewall,
        effective_from=effective_from,
        effective_to=effective_to,
        ref=ref,
    )


@pytest.fixture(scope="module")
def weights() -> GapWeights:
    return load_gap_weights(MINIMAL_WEIGHTS)


# --- scales -----------------------------------------------------------------------------------


def test_the_scales_are_the_briefs_slugs_best_first() -> None:
    assert LAW_LEVELS == ("full", "partial", "emergency-only", "none", "unclear")
    assert COSTS == ("free", "reduced", "full-payment", "unclear")
    assert DOCUMENTS == ("none", "alternatives-accepted", "valid-permit", "unclear")
    assert FIREWALLS == (
        "legal-prohibition",
        "local-policy",
        "no-rule",
        "duty-to-report",
        "unclear",
    )


def test_level_rank_orders_full_partial_emergency_only_none() -> None:
    ranks = [level_rank(level) for level in ("full", "partial", "emergency-only", "none")]

    assert ranks == [0, 1, 2, 3]


def test_unclear_has_no_rank() -> None:
    assert level_rank("unclear") is None


def test_level_rank_refuses_an_unknown_level() -> None:
    with pytest.raises(ValueError, match="unknown access level 'ful'"):
        level_rank("ful")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("law_level", "ful"),
        ("practice_level", "emergency"),
        ("cost", "gratis"),
        ("documents", "passport"),
        ("firewall", "prohibited"),
        ("place_depth", 4),
    ],
)
def test_a_fact_off_its_scale_names_the_field(field: str, value: Any) -> None:
    with pytest.raises(FactError, match=f"^field {field}: ") as raised:
        fact(**{field: value})

    assert raised.value.field == field


def test_a_fact_whose_period_ends_where_it_starts_is_refused() -> None:
    with pytest.raises(FactError, match="^field effective_to: 2020-01-01 must be after"):
        fact(effective_from=date(2020, 1, 1), effective_to=date(2020, 1, 1))


def test_the_callers_row_passes_through_untouched() -> None:
    row = object()

    resolved = resolve([fact(ref=row)], ON)

    assert resolved[("health-primary", "irregular-migrant")].ref is row


# --- in force ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effective_from", "effective_to", "on", "expected"),
    [
        # The first day is in force, the end day is not: [from, to).
        (date(2018, 1, 1), date(2019, 1, 1), date(2018, 1, 1), True),
        (date(2018, 1, 1), date(2019, 1, 1), date(2018, 12, 31), True),
        (date(2018, 1, 1), date(2019, 1, 1), date(2019, 1, 1), False),
        (date(2018, 1, 1), date(2019, 1, 1), date(2017, 12, 31), False),
        # An open start has been in force since an unknown date; an open end still is.
        (None, date(2019, 1, 1), date(1900, 1, 1), True),
        (None, date(2019, 1, 1), date(2019, 1, 1), False),
        (date(2018, 1, 1), None, date(2100, 1, 1), True),
        (date(2018, 1, 1), None, date(2017, 12, 31), False),
        (None, None, ON, True),
    ],
)
def test_in_force_takes_the_period_as_half_open(
    effective_from: date | None, effective_to: date | None, on: date, expected: bool
) -> None:
    assert in_force(fact(effective_from=effective_from, effective_to=effective_to), on) is expected


# --- inheritance ------------------------------------------------------------------------------

KEY = ("health-primary", "irregular-migrant")


def test_a_citys_own_record_beats_its_countrys() -> None:
    country = fact("country:XA", 1, law_level="emergency-only")
    city = fact("city:XA/Sample", 3, law_level="full")

    # Whatever the order given, depth decides.
    assert resolve([country, city], ON)[KEY] is city
    assert resolve([city, country], ON)[KEY] is city


def test_a_subdivisions_record_beats_its_countrys_and_loses_to_its_citys() -> None:
    country = fact("country:XA", 1, law_level="none")
    subdivision = fact("subdivision:XA-01", 2, law_level="partial")
    city = fact("city:XA/Sample", 3, law_level="full")

    assert resolve([country, subdivision], ON)[KEY] is subdivision
    assert resolve([subdivision, city, country], ON)[KEY] is city


def test_a_country_row_applies_to_a_city_without_its_own() -> None:
    # The city records school only; for primary care it inherits the country's row.
    country_primary = fact("country:XA", 1, "health-primary", law_level="emergency-only")
    country_school = fact("country:XA", 1, "education-school", law_level="partial")
    city_school = fact("city:XA/Sample", 3, "education-school", law_level="full")

    resolved = resolve([country_primary, country_school, city_school], ON)

    assert resolved == {
        ("health-primary", "irregular-migrant"): country_primary,
        ("education-school", "irregular-migrant"): city_school,
    }


def test_a_date_before_effective_from_sees_the_earlier_period() -> None:
    # Spain, primary care for adults without residence (fact dossier, Spain row): RDL 16/2012
    # limited them to emergency care from 2012 until RDL 7/2018 gave care on the same terms
    # as nationals. The dossier gives the years only, so 1 January stands for each change.
    restricted = fact(
        "country:ES",
        1,
        law_level="emergency-only",
        effective_from=date(2012, 1, 1),
        effective_to=date(2018, 1, 1),
    )
    restored = fact("country:ES", 1, law_level="full", effective_from=date(2018, 1, 1))
    facts = [restricted, restored]

    assert resolve(facts, date(2015, 6, 1))[KEY] is restricted
    assert resolve(facts, date(2017, 12, 31))[KEY] is restricted
    assert resolve(facts, date(2018, 1, 1))[KEY] is restored
    assert resolve(facts, date(2011, 12, 31)) == {}


def test_a_citys_expired_record_gives_way_to_its_countrys() -> None:
    country = fact("country:XA", 1, law_level="partial")
    city = fact("city:XA/Sample", 3, law_level="full", effective_to=date(2020, 1, 1))

    assert resolve([country, city], date(2019, 12, 31))[KEY] is city
    assert resolve([country, city], date(2020, 1, 1))[KEY] is country


def test_at_the_same_depth_the_later_effective_from_wins() -> None:
    # Two overlapping records of one country: the newer restates the older.
    open_start = fact("country:XA", 1, law_level="none")
    older = fact("country:XA", 1, law_level="partial", effective_from=date(2015, 1, 1))
    newer = fact("country:XA", 1, law_level="full", effective_from=date(2020, 1, 1))

    assert resolve([newer, older, open_start], ON)[KEY] is newer
    assert resolve([open_start, older], ON)[KEY] is older


def test_at_the_same_depth_and_start_the_first_given_wins() -> None:
    first = fact("country:XA", 1, law_level="none", effective_from=date(2020, 1, 1))
    second = fact("country:XA", 1, law_level="full", effective_from=date(2020, 1, 1))

    assert resolve([first, second], ON)[KEY] is first
    assert resolve([second, first], ON)[KEY] is second


# --- gaps -------------------------------------------------------------------------------------


SHORTFALLS: list[tuple[dict[str, str], str, str]] = [
    ({"law_level": "partial"}, "access-partial", "legal-status"),
    ({"law_level": "emergency-only"}, "access-emergency-only", "legal-status"),
    ({"law_level": "none"}, "access-none", "legal-status"),
    ({"law_level": "unclear"}, "access-unclear", "legal-status"),
    ({"cost": "full-payment"}, "cost-full-payment", "cost"),
    ({"cost": "reduced"}, "cost-reduced", "cost"),
    ({"documents": "valid-permit"}, "documents-valid-permit", "documents-id"),
    ({"firewall": "duty-to-report"}, "firewall-duty-to-report", "fear-of-detection"),
    ({"firewall": "no-rule"}, "firewall-no-rule", "fear-of-detection"),
    ({"firewall": "unclear"}, "firewall-unclear", "fear-of-detection"),
    ({"practice_level": "partial"}, "practice-below-law", "capacity-resources"),
]


@pytest.mark.parametrize(("changes", "kind", "barrier"), SHORTFALLS)
def test_each_shortfall_gives_its_gap_and_barrier(
    changes: dict[str, str], kind: str, barrier: str, weights: GapWeights
) -> None:
    gap_fact = fact(**changes)  # type: ignore[arg-type]

    gaps = find_gaps({KEY: gap_fact}, weights)

    assert [(gap.kind, gap.barrier) for gap in gaps] == [(kind, barrier)]
    assert (gaps[0].service, gaps[0].group, gaps[0].fact) == (*KEY, gap_fact)


def test_every_gap_kind_has_a_case_and_a_vocabulary_barrier() -> None:
    vocabulary = default_vocabulary()
    families = {kind.split("-", 1)[0] for kind in GAP_KINDS}

    assert sorted(kind for _, kind, _ in SHORTFALLS) == sorted(GAP_KINDS)
    assert families == set(BARRIER_OF_FAMILY)
    assert all(vocabulary.has("barrier", slug) for slug in BARRIER_OF_FAMILY.values())


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"documents": "alternatives-accepted"},
        {"documents": "unclear"},
        {"cost": "unclear"},
        {"firewall": "local-policy"},
        # Practice no worse than law, or not known: no practice gap.
        {"practice_level": "full"},
        {"law_level": "none", "practice_level": "partial", "firewall": "local-policy"},
        {"law_level": "partial", "practice_level": "partial"},
    ],
)
def test_a_fact_without_a_shortfall_has_no_gap_beyond_its_law(
    changes: dict[str, str], weights: GapWeights
) -> None:
    gaps = find_gaps({KEY: fact(**changes)}, weights)  # type: ignore[arg-type]

    assert [gap.kind for gap in gaps if not gap.kind.startswith("access-")] == []


def test_practice_is_not_compared_with_unclear_law(weights: GapWeights) -> None:
    gaps = find_gaps({KEY: fact(law_level="unclear", practice_level="none")}, weights)

    assert [gap.kind for gap in gaps] == ["access-unclear"]


def test_a_valid_permit_is_no_gap_for_regular_migrants(weights: GapWeights) -> None:
    # The vocabulary defines a regular migrant as one with a valid residence permit.
    regular = fact(group="regular-migrant", documents="valid-permit")
    refugee = fact(group="refugee", documents="valid-permit")

    gaps = find_gaps({("health-primary", "regular-migrant"): regular, KEY: refugee}, weights)

    assert [(gap.group, gap.kind) for gap in gaps] == [("refugee", "documents-valid-permit")]


def test_one_fact_can_have_several_gaps(weights: GapWeights) -> None:
    # Austria, emergency care for irregular migrants (fact dossier, AT row): "emergency care
    # only in return for full payment of costs" -- recorded here as partial law at full cost,
    # the rest unclear as the dossier says. health-emergency weighs 1 in the minimal file.
    austria = fact(
        "country:AT",
        1,
        "health-emergency",
        law_level="partial",
        cost="full-payment",
        documents="unclear",
        firewall="unclear",
    )

    gaps = find_gaps({("health-emergency", "irregular-migrant"): austria}, weights)

    # 1.0 × 0.9 full payment, 1.0 × 0.5 partial, 1.0 × 0.3 firewall unclear.
    assert [(gap.kind, gap.severity) for gap in gaps] == [
        ("cost-full-payment", 0.9),
        ("access-partial", 0.5),
        ("firewall-unclear", 0.3),
    ]


# --- severity ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "kind", "expected"),
    [
        # health-emergency has its own weight 1 (written as an integer); access-none 1.0.
        # 1 × 1.0 = 1.0
        ("health-emergency", "access-none", 1.0),
        # health-mental has no entry, so its sector health's 0.7; cost-full-payment 0.9.
        # 0.7 × 0.9 = 0.63
        ("health-mental", "cost-full-payment", 0.63),
        # food-assistance falls back to its sector food, 0.35; cost-reduced 0.35.
        # 0.35 × 0.35 = 0.1225, a half at the fourth place, rounded up to 0.123 (the binary
        # float product, 0.12249999999999998, would round down to 0.122).
        ("food-assistance", "cost-reduced", 0.123),
        # housing-shelter: neither it nor its sector housing has an entry, so default 0.5;
        # firewall-no-rule 0.7. 0.5 × 0.7 = 0.35
        ("housing-shelter", "firewall-no-rule", 0.35),
    ],
)
def test_severity_is_service_weight_times_kind_weight_to_three_places(
    service: str, kind: str, expected: float, weights: GapWeights
) -> None:
    assert weights.severity(service, kind) == expected
    gaps = find_gaps({(service, "irregular-migrant"): _fact_with_only(service, kind)}, weights)
    assert [(gap.kind, gap.severity) for gap in gaps] == [(kind, expected)]


def _fact_with_only(service: str, kind: str) -> Fact:
    changes = {
        "access-none": {"law_level": "none"},
        "cost-full-payment": {"cost": "full-payment"},
        "cost-reduced": {"cost": "reduced"},
        "firewall-no-rule": {"firewall": "no-rule"},
    }[kind]
    return fact(service=service, **changes)  # type: ignore[arg-type]


def test_a_service_weight_says_where_it_came_from(weights: GapWeights) -> None:
    assert weights.service_weight("health-emergency").slug == "health-emergency"
    assert weights.service_weight("health-mental").slug == "health"
    assert weights.service_weight("health").slug == "health"
    assert weights.service_weight("housing-shelter").slug == "default"
    assert weights.service_weight("housing-shelter").why.startswith("Test weight")


def test_a_service_the_vocabulary_does_not_know_has_no_weight(weights: GapWeights) -> None:
    with pytest.raises(KeyError, match="unknown service 'helth-primary'"):
        weights.service_weight("helth-primary")


def test_an_unknown_gap_kind_has_no_weight(weights: GapWeights) -> None:
    with pytest.raises(KeyError, match="unknown gap kind 'access-maybe'"):
        weights.kind_weight("access-maybe")


# --- ranking ----------------------------------------------------------------------------------


def test_gaps_are_ranked_by_severity_then_service_group_and_kind(weights: GapWeights) -> None:
    facts = {
        # health-primary (sector health 0.7): none 1.0 → 0.7; no-rule 0.7 → 0.49
        ("health-primary", "irregular-migrant"): fact(law_level="none", firewall="no-rule"),
        # health-emergency (its own 1): none 1.0 → 1.0
        ("health-emergency", "irregular-migrant"): fact(
            service="health-emergency", law_level="none"
        ),
        # health-child (sector 0.7), two groups (the second below): partial 0.5 → 0.35 each
        ("health-child", "refugee"): fact(
            service="health-child", group="refugee", law_level="partial"
        ),
        # housing-shelter (default 0.5): none 1.0 → 0.5; valid permit 1.0 → 0.5
        ("housing-shelter", "irregular-migrant"): fact(
            service="housing-shelter", law_level="none", documents="valid-permit"
        ),
        # health-emergency for refugees: partial 0.5 → 1 × 0.5 = 0.5, a tie with housing-shelter
        # whose service comes first but whose kind comes after access-none.
        ("health-emergency", "refugee"): fact(
            service="health-emergency", group="refugee", law_level="partial"
        ),
        # health-child for children: no-rule 0.7 → 0.49, a tie with health-primary whose group
        # comes first but whose service comes after.
        ("health-child", "child"): fact(
            service="health-child", group="child", law_level="partial", firewall="no-rule"
        ),
    }

    ranked = [(gap.severity, gap.service, gap.group, gap.kind) for gap in find_gaps(facts, weights)]

    assert ranked == [
        (1.0, "health-emergency", "irregular-migrant", "access-none"),
        (0.7, "health-primary", "irregular-migrant", "access-none"),
        # Equal severity: by service, then group, then kind.
        (0.5, "health-emergency", "refugee", "access-partial"),
        (0.5, "housing-shelter", "irregular-migrant", "access-none"),
        (0.5, "housing-shelter", "irregular-migrant", "documents-valid-permit"),
        (0.49, "health-child", "child", "firewall-no-rule"),
        (0.49, "health-primary", "irregular-migrant", "firewall-no-rule"),
        (0.35, "health-child", "child", "access-partial"),
        (0.35, "health-child", "refugee", "access-partial"),
    ]


def test_the_shipped_weights_put_a_duty_to_report_on_emergency_care_at_the_top() -> None:
    # Whatever the exact values, a core service with a duty to report outranks a low-tier
    # service whose cost is reduced.
    facts = {
        ("health-emergency", "irregular-migrant"): fact(
            service="health-emergency", firewall="duty-to-report"
        ),
        ("financial-bank-account", "irregular-migrant"): fact(
            service="financial-bank-account", cost="reduced"
        ),
    }

    kinds = [gap.kind for gap in find_gaps(facts, default_gap_weights())]

    assert kinds == ["firewall-duty-to-report", "cost-reduced"]


# --- summaries --------------------------------------------------------------------------------

# Four made-up places and what each records for irregular migrants. XC is a city that has its
# own primary-care record and inherits school from its country; XB has no school record.
#   place             primary care: law / cost / firewall      school: law / cost / firewall
#   country:XA        full / free / legal-prohibition          full / free / no-rule
#   country:XB        partial / reduced / local-policy         (no record)
#   city:XC/Sample    none / unclear / duty-to-report          full / free / unclear  (country's)
#   country:XD        unclear / full-payment / unclear         partial / unclear / legal-prohibition
TABLE: dict[str, dict[str, tuple[str, str, str] | None]] = {
    "country:XA": {
        "health-primary": ("full", "free", "legal-prohibition"),
        "education-school": ("full", "free", "no-rule"),
    },
    "country:XB": {
        "health-primary": ("partial", "reduced", "local-policy"),
        "education-school": None,
    },
    "city:XC/Sample": {
        "health-primary": ("none", "unclear", "duty-to-report"),
        "education-school": ("full", "free", "unclear"),
    },
    "country:XD": {
        "health-primary": ("unclear", "full-payment", "unclear"),
        "education-school": ("partial", "unclear", "legal-prohibition"),
    },
}


def four_places() -> dict[str, dict[tuple[str, str], Fact]]:
    def row(place: str, depth: int, service: str, law: str, cost: str, firewall: str) -> Fact:
        return fact(place, depth, service, law_level=law, cost=cost, firewall=firewall)

    facts_of = {
        "country:XA": [
            row("country:XA", 1, "health-primary", "full", "free", "legal-prohibition"),
            row("country:XA", 1, "education-school", "full", "free", "no-rule"),
        ],
        "country:XB": [
            row("country:XB", 1, "health-primary", "partial", "reduced", "local-policy")
        ],
        # The city and its country: the city's primary care beats the country's; school is
        # the country's.
        "city:XC/Sample": [
            row("country:XC", 1, "health-primary", "full", "free", "legal-prohibition"),
            row("country:XC", 1, "education-school", "full", "free", "unclear"),
            row("city:XC/Sample", 3, "health-primary", "none", "unclear", "duty-to-report"),
        ],
        "country:XD": [
            row("country:XD", 1, "health-primary", "unclear", "full-payment", "unclear"),
            row("country:XD", 1, "education-school", "partial", "unclear", "legal-prohibition"),
        ],
    }
    return {place: resolve(facts, ON) for place, facts in facts_of.items()}


def test_summaries_count_mapped_yes_and_unclear_places_by_hand() -> None:
    summaries = summarise(
        four_places(), services=["health-primary", "education-school"], groups=["irregular-migrant"]
    )

    got = {
        (s.service, s.question): (s.places_mapped, s.places_yes, s.places_unclear)
        for s in summaries
    }
    xa, xb, xc, xd = "country:XA", "country:XB", "city:XC/Sample", "country:XD"
    # Read off the table above, column by column.
    assert got == {
        # law: full, partial, none, unclear
        ("health-primary", "access-full"): ([xa, xb, xc], [xa], [xd]),
        ("health-primary", "access-at-least-partial"): ([xa, xb, xc], [xa, xb], [xd]),
        # cost: free, reduced, unclear, full-payment
        ("health-primary", "free"): ([xa, xb, xd], [xa], [xc]),
        # firewall: legal-prohibition, local-policy, duty-to-report, unclear
        ("health-primary", "firewall"): ([xa, xb, xc], [xa, xb], [xd]),
        # school law: full, (none recorded), full, partial
        ("education-school", "access-full"): ([xa, xc, xd], [xa, xc], [xb]),
        ("education-school", "access-at-least-partial"): ([xa, xc, xd], [xa, xc, xd], [xb]),
        # school cost: free, (none), free, unclear
        ("education-school", "free"): ([xa, xc], [xa, xc], [xb, xd]),
        # school firewall: no-rule, (none), unclear, legal-prohibition
        ("education-school", "firewall"): ([xa, xd], [xd], [xb, xc]),
    }


def test_summaries_agree_with_an_independent_count_of_the_table() -> None:
    # Count the TABLE directly, without Fact, resolve or summarise.
    yes_values = {
        "access-full": (0, {"full"}),
        "access-at-least-partial": (0, {"full", "partial"}),
        "free": (1, {"free"}),
        "firewall": (2, {"legal-prohibition", "local-policy"}),
    }
    expected: Counter[tuple[str, str, str]] = Counter()
    for services in TABLE.values():
        for service, values in services.items():
            for question, (column, yes) in yes_values.items():
                value = "unclear" if values is None else values[column]
                if value == "unclear":
                    expected[(service, question, "unclear")] += 1
                else:
                    expected[(service, question, "mapped")] += 1
                    expected[(service, question, "yes")] += value in yes

    summaries = summarise(
        four_places(), services=["health-primary", "education-school"], groups=["irregular-migrant"]
    )

    got: Counter[tuple[str, str, str]] = Counter()
    for s in summaries:
        got[(s.service, s.question, "mapped")] += len(s.places_mapped)
        got[(s.service, s.question, "yes")] += len(s.places_yes)
        got[(s.service, s.question, "unclear")] += len(s.places_unclear)
    assert +got == +expected


def test_summaries_come_in_service_group_question_order() -> None:
    summaries = summarise(
        four_places(),
        services=["education-school", "health-primary"],
        groups=["irregular-migrant", "child"],
    )

    order = [(s.service, s.group, s.question) for s in summaries]
    assert order == [
        (service, group, question)
        for service in ("education-school", "health-primary")
        for group in ("irregular-migrant", "child")
        for question in QUESTIONS
    ]


def test_a_group_with_no_record_anywhere_is_unclear_everywhere() -> None:
    summaries = summarise(four_places(), services=["health-primary"], groups=["child"])

    assert summaries[0] == Summary(
        "health-primary", "child", "access-full", [], [], list(four_places())
    )


def test_no_places_give_empty_summaries() -> None:
    summaries = summarise({}, services=["health-primary"], groups=["irregular-migrant"])

    assert [(len(s.places_mapped), len(s.places_unclear)) for s in summaries] == [(0, 0)] * 4


# --- the weights file -------------------------------------------------------------------------


def write_weights(tmp_path: Path, old: str, new: str) -> Path:
    """Copy the minimal weights file with one piece of text replaced."""
    text = MINIMAL_WEIGHTS.read_text(encoding="utf-8")
    assert old in text, f"the minimal weights file has no {old!r}"
    path = tmp_path / "gap_weights.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


BLOCK_PRACTICE = '[kind.practice-below-law]\nweight = 0.6\nwhy = "Test weight."\n'
BLOCK_DEFAULT = (
    '[service.default]\nweight = 0.5\nwhy = "Test weight: for a service whose sector has no '
    'entry."\n'
)


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ("[service.food]", "[service.fod]", "service.fod", "unknown service or sector 'fod'"),
        (
            'why = "Test weight: a sector, for services without their own entry."\n',
            "",
            "service.health.why",
            "missing why",
        ),
        (
            'why = "Test weight: a sector, for services without their own entry."',
            'why = "  "',
            "service.health.why",
            "empty why",
        ),
        (
            'weight = 1.0\nwhy = "Test weight."\n\n[kind.access-unclear]',
            'weight = 1.5\nwhy = "Test weight."\n\n[kind.access-unclear]',
            "kind.access-none.weight",
            "weight 1.5 is outside [0, 1]",
        ),
        ("weight = 0.35", "weight = -0.1", "service.food.weight", "weight -0.1 is outside [0, 1]"),
        ("weight = 0.35", 'weight = "high"', "service.food.weight", "must be a number"),
        ("weight = 0.35", "weight = true", "service.food.weight", "must be a number"),
        ("weight = 0.35\n", "", "service.food.weight", "missing weight"),
        (
            "[kind.access-partial]",
            '[kind.access-maybe]\nweight = 0.1\nwhy = "x"\n\n[kind.access-partial]',
            "kind.access-maybe",
            "unknown gap kind 'access-maybe'",
        ),
        (BLOCK_PRACTICE, "", "kind.practice-below-law", "missing gap kind"),
        (BLOCK_DEFAULT, "", "service.default", "missing default weight"),
        ('version = "test.1"', "", "meta.version", "missing version"),
        ('version = "test.1"', 'version = "test.1"\nauthor = "x"', "meta.author", "unknown field"),
        (
            'why = "Test weight: a sector, for services without their own entry."',
            'why = "Test weight."\nsource = "FRA"',
            "service.health.source",
            "unknown field",
        ),
        ("[meta]", "[weights]\nx = 1\n\n[meta]", "weights", "unknown table"),
    ],
)
def test_a_broken_weights_file_names_the_key(
    tmp_path: Path, old: str, new: str, key: str, problem: str
) -> None:
    path = write_weights(tmp_path, old, new)

    with pytest.raises(GapWeightsError) as raised:
        load_gap_weights(path)

    assert raised.value.key == key
    assert problem in raised.value.problem
    assert str(raised.value).startswith(f"{path}, key {key!r}: ")


def test_a_weights_file_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    path = write_weights(tmp_path, "[meta]", "[meta")

    with pytest.raises(GapWeightsError, match="not valid TOML"):
        load_gap_weights(path)


def test_service_slugs_are_checked_against_the_vocabulary_given() -> None:
    # The minimal vocabulary has only health and health-primary.
    vocabulary = load_vocabulary(SCENARIOS / "minimal_vocabulary")

    with pytest.raises(GapWeightsError) as raised:
        load_gap_weights(MINIMAL_WEIGHTS, vocabulary=vocabulary)

    assert raised.value.key == "service.health-emergency"


def test_the_minimal_weights_file_loads_with_integer_weights_as_floats(weights: GapWeights) -> None:
    assert weights.version == "test.1"
    assert weights.services["health-emergency"].value == 1.0
    assert isinstance(weights.services["health-emergency"].value, float)
    assert list(weights.kinds) == list(GAP_KINDS)


def test_the_shipped_weights_load_and_cover_every_service_sector() -> None:
    weights = load_gap_weights()
    sectors = {term.slug for term in default_vocabulary().sectors()}

    assert weights.version
    assert sectors <= set(weights.services)
    assert "default" in weights.services
    assert set(weights.kinds) == set(GAP_KINDS)
    # Every service of the vocabulary gets a weight without falling through to the default.
    for term in default_vocabulary().terms("service"):
        assert weights.service_weight(term.slug).slug != "default", term.slug


def test_the_shipped_weights_cite_a_source_for_every_weight() -> None:
    weights = default_gap_weights()
    cited = ("FRA", "ECRI", "WG6", "Spencer", "fact dossier", "Cities of Migration")

    for entry in [*weights.services.values(), *weights.kinds.values()]:
        assert 0 <= entry.value <= 1, entry.slug
        assert any(name in entry.why for name in cited) or entry.slug == "default", entry.slug


def test_the_shipped_weights_rank_fras_core_services_highest() -> None:
    # FRA (2011): emergency and essential care, care in pregnancy, and children's health
    # care and education are the core every state must guarantee.
    weights = default_gap_weights()
    core = ["health-emergency", "health-maternity", "health-child", "education-school"]
    top = max(entry.value for entry in weights.services.values())

    assert [weights.service_weight(slug).value for slug in core] == [top] * 4
    assert weights.kind_weight("firewall-duty-to-report").value == top


def test_default_gap_weights_are_loaded_once() -> None:
    assert default_gap_weights() is default_gap_weights()


def test_the_docstring_examples_hold() -> None:
    result = doctest.testmod(entitlements_module)

    assert result.attempted > 0
    assert result.failed == 0
