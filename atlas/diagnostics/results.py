"""What the results page and the printable report of an assessment round show.

Everything is assembled here, once, for both pages: the round's scores (recomputed from its
answers with the settings it was opened on, so a draft shows its scores too), the benchmark
against peers, the change since the place's previous round, and the ranked gaps with the
steps, measures, practices and entitlement facts that go with each. The views only render.

Who may see what is decided by `atlas.diagnostics.permissions`: the previous round is looked
for among the rounds the visitor may see, and peers are published rounds only.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from statistics import median
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from atlas.core.charts import Bar, bar_chart
from atlas.core.diagnostic import (
    AreaChange,
    Comparison,
    Coverage,
    Framework,
    LevelScore,
    Result,
    compare,
    round_score,
)
from atlas.core.diagnostic.gaps import Gap, rank_gaps
from atlas.core.diagnostic.steps import Step, default_steps
from atlas.core.entitlements import Fact
from atlas.core.languages import is_rtl
from atlas.core.vocabulary import default_vocabulary
from atlas.diagnostics import actions, permissions
from atlas.diagnostics.models import Assessment
from atlas.entitlements import maps
from atlas.places.tree import PlaceTree
from atlas.practices.matching import practices_addressing
from atlas.practices.models import Practice

# The gap list shows the worst gaps; the rest are counted.
GAPS_SHOWN = 15
PRACTICES_PER_GAP = 3
FACTS_PER_GAP = 6


# --- benchmark against peers -----------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """The peers' scores for one area (or overall): median, lowest, highest, how many."""

    median: float
    low: float
    high: float
    count: int


@dataclass(frozen=True)
class Benchmark:
    """The published rounds of other places on the same framework version, summarised."""

    peers: int
    overall: Spread | None
    areas: Mapping[str, Spread]


def spread(scores: Iterable[float | None]) -> Spread | None:
    """Median and range of the scores that exist; None when there is none.

    Taken exactly from the one-decimal scores and rounded once, half up, as scores are.

    >>> spread([40.0, None, 70.0, 55.5, 61.0])
    Spread(median=58.3, low=40.0, high=70.0, count=4)
    >>> spread([None]) is None
    True
    """
    values = sorted(Fraction(str(value)) for value in scores if value is not None)
    if not values:
        return None
    return Spread(
        median=round_score(median(values)),
        low=round_score(values[0]),
        high=round_score(values[-1]),
        count=len(values),
    )


def peer_rounds(assessment: Assessment) -> list[Assessment]:
    """Each other place's latest published round on the same framework version and settings.

    Drafts and submitted rounds never count, nor do fictional places; a place with several
    published rounds counts
    once, by its latest period. Rounds scored another way (aggregation, weighting) do not
    compare and are left out.
    """
    rounds = (
        Assessment.objects.filter(
            status=Assessment.Status.PUBLISHED,
            framework=assessment.framework,
            framework_version=assessment.framework_version,
            aggregation=assessment.aggregation,
            weighting=assessment.weighting,
            result__isnull=False,
        )
        .exclude(place_id=assessment.place_id)
        # Demo City's made-up answers are never a real place's benchmark.
        .exclude(place__fictional=True)
        .order_by("place_id", "-period", "-id")
    )
    latest: dict[int, Assessment] = {}
    for peer in rounds:
        latest.setdefault(peer.place_id, peer)
    return list(latest.values())


def benchmark(assessment: Assessment, framework: Framework) -> Benchmark:
    """Median and range of the peers' published scores, per area and overall."""
    peers = peer_rounds(assessment)
    results = [peer.result or {} for peer in peers]
    areas: dict[str, Spread] = {}
    for area in framework.areas:
        area_spread = spread(
            (result.get("areas", {}).get(area.slug) or {}).get("score") for result in results
        )
        if area_spread is not None:
            areas[area.slug] = area_spread
    overall = spread((result.get("overall") or {}).get("score") for result in results)
    return Benchmark(peers=len(peers), overall=overall, areas=areas)


# --- change since the last round -------------------------------------------------------------


def previous_round(assessment: Assessment, user: permissions.Visitor) -> Assessment | None:
    """The same place's latest earlier round on the same framework version that the visitor
    may see and that was submitted or published."""
    return (
        permissions.visible_assessments(user)
        .filter(
            place_id=assessment.place_id,
            framework=assessment.framework,
            framework_version=assessment.framework_version,
            status__in=[Assessment.Status.SUBMITTED, Assessment.Status.PUBLISHED],
            period__lt=assessment.period,
        )
        .exclude(pk=assessment.pk)
        .order_by("-period", "-id")
        .first()
    )


# --- the page --------------------------------------------------------------------------------


def number(value: float | None) -> str:
    """A score as the page writes it: one decimal, in the reader's locale; a dash for none."""
    return "–" if value is None else formats.number_format(value, 1)


def signed(value: float | None) -> str:
    """A change of score with its sign: +2.5, −1.0, 0.0."""
    if value is None:
        return "–"
    if value > 0:
        return "+" + number(value)
    if value < 0:
        return "−" + number(-value)
    return number(0.0)


def settings_text(aggregation: str, weighting: str) -> tuple[str, str]:
    """How the round's scores were averaged and weighted, in words."""
    aggregations = {
        "dimension": _(
            "Questions are averaged into dimensions, dimensions into areas, and areas into "
            "the overall score."
        ),
        "area": _(
            "Questions are averaged straight into areas, whatever their dimension, and areas "
            "into the overall score; dimension scores are shown for information."
        ),
    }
    weightings = {
        "plain": _("Plain averages: every question, dimension and area counts the same."),
        "weighted": _(
            "Weighted averages, with the weights of the framework version's questions, "
            "dimensions and areas."
        ),
    }
    return aggregations.get(aggregation, aggregation), weightings.get(weighting, weighting)


def coverage_row(coverage: Coverage) -> dict[str, Any]:
    return {
        "answered": coverage.answered,
        "not_applicable": coverage.not_applicable,
        "total": coverage.total,
        "applicable": coverage.applicable,
        "share": coverage.share,
    }


def level_row(level: LevelScore) -> dict[str, Any]:
    return {"score": level.score, "text": number(level.score), **coverage_row(level.coverage)}


def spread_row(value: Spread | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "median": number(value.median),
        "low": number(value.low),
        "high": number(value.high),
        "count": value.count,
    }


def change_row(change: AreaChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "previous": number(change.previous),
        "current": number(change.current),
        "change": signed(change.change),
        "direction": ("" if not change.change else "up" if change.change > 0 else "down"),
    }


def score_rows(
    framework: Framework,
    result: Result,
    peers: Benchmark,
    comparison: Comparison | None,
    language: str,
) -> list[dict[str, Any]]:
    """One row per area: its score and coverage, its dimensions, its peers and its change."""
    changes = {} if comparison is None else {change.slug: change for change in comparison.areas}
    rows = []
    for area in framework.areas:
        rows.append(
            {
                "slug": area.slug,
                "label": area.label(language),
                "kind": area.kind,
                **level_row(result.areas[area.slug]),
                "dimensions": [
                    {
                        "slug": dimension.slug,
                        "label": dimension.label(language),
                        **level_row(result.dimensions[dimension.slug]),
                    }
                    for dimension in area.dimensions
                ],
                "peers": spread_row(peers.areas.get(area.slug)),
                "change": change_row(changes.get(area.slug)),
            }
        )
    return rows


def chart(
    framework: Framework, result: Result, peers: Benchmark, language: str, id_prefix: str
) -> str:
    """The SVG bar chart of the area scores, with the peers' median and range marked."""
    bars = [
        Bar(
            label=area.label(language),
            value=result.areas[area.slug].score,
            value_text=number(result.areas[area.slug].score)
            if result.areas[area.slug].score is not None
            else None,
            median=None if (peer := peers.areas.get(area.slug)) is None else peer.median,
            low=None if peer is None else peer.low,
            high=None if peer is None else peer.high,
        )
        for area in framework.areas
    ]
    if peers.peers:
        description = _(
            "A bar for each area's score out of 100, the score written beside it. A thick "
            "line marks the median of %(count)s peers and a dashed line their range. The "
            "table below gives the same numbers."
        ) % {"count": peers.peers}
    else:
        description = _(
            "A bar for each area's score out of 100, the score written beside it. The table "
            "below gives the same numbers."
        )
    return bar_chart(
        bars,
        title=_("Scores by area, out of 100"),
        description=description,
        missing_text=_("no score: nothing answered"),
        median_text=_("peer median"),
        range_text=_("peer range (lowest to highest)"),
        direction="rtl" if is_rtl(language) else "ltr",
        id_prefix=id_prefix,
    )


@dataclass
class Lookups:
    """Per-page caches: practices by (service, barrier), and the place's entitlement facts."""

    facts: dict[tuple[str, str], Fact]
    practices: dict[tuple[str, str], list[Practice]] = field(default_factory=dict)

    def addressing(self, service: str, barrier: str) -> list[Practice]:
        key = (service, barrier)
        if key not in self.practices:
            self.practices[key] = practices_addressing(service, barrier, limit=PRACTICES_PER_GAP)
        return self.practices[key]


def gap_practices(gap: Gap, steps: Sequence[Step], lookups: Lookups) -> list[Practice]:
    """Up to three published practices for a gap: those that addressed its barriers to its
    services elsewhere, then the steps' example practices."""
    chosen: list[Practice] = []
    seen: set[int] = set()
    for service in gap.services:
        for barrier in gap.barriers:
            for practice in lookups.addressing(service, barrier):
                if practice.pk not in seen:
                    seen.add(practice.pk)
                    chosen.append(practice)
    examples = [slug for step in steps for slug in step.example_practices]
    if len(chosen) < PRACTICES_PER_GAP and examples:
        by_slug = {p.slug: p for p in Practice.objects.published().filter(slug__in=examples)}
        for slug in examples:
            example = by_slug.get(slug)
            if example is not None and example.pk not in seen:
                seen.add(example.pk)
                chosen.append(example)
    return chosen[:PRACTICES_PER_GAP]


def gap_facts(gap: Gap, lookups: Lookups, place_pk: int, language: str) -> list[dict[str, Any]]:
    """The place's entitlement facts (own or inherited) for the gap's services and groups."""
    vocabulary = default_vocabulary()
    if not gap.services:
        return []
    services = vocabulary.expand("service", gap.services)
    groups = set(gap.groups)
    order = maps.service_order()
    facts = sorted(
        (
            fact
            for (service, group), fact in lookups.facts.items()
            if service in services and (not groups or group in groups)
        ),
        key=lambda fact: (order.get(fact.service, 999), fact.group),
    )
    rows = []
    for fact in facts[:FACTS_PER_GAP]:
        entitlement = fact.ref
        sources = list(entitlement.sources.all())  # type: ignore[attr-defined]
        rows.append(
            {
                "entitlement": entitlement,
                "service": vocabulary.get("service", fact.service).label(language),
                "group": vocabulary.get("group", fact.group).label(language),
                "is_inherited": entitlement.place_id != place_pk,  # type: ignore[attr-defined]
                "recorded_at": entitlement.place.label(language),  # type: ignore[attr-defined]
                "sources": sources,
                "more_sources": max(0, len(sources) - 1),
            }
        )
    return rows


def step_rows(steps: Sequence[Step], language: str) -> list[dict[str, Any]]:
    vocabulary = default_vocabulary()

    def labels(kind: str, slugs: Iterable[str]) -> list[str]:
        return [vocabulary.get(kind, slug).label(language) for slug in slugs]

    return [
        {
            "slug": step.slug,
            "order": step.order,
            "label": step.label(language),
            "summary": step.summary(language),
            "substeps": step.substep_texts(language),
            "actor_types": labels("actor-type", step.actor_types),
            "measures": labels("measure", step.measures),
        }
        for step in steps
    ]


def gap_rows(
    framework: Framework,
    result: Result,
    gaps: Sequence[Gap],
    lookups: Lookups,
    place_pk: int,
    language: str,
) -> list[dict[str, Any]]:
    steps_of = default_steps()
    rows = []
    for rank, gap in enumerate(gaps, start=1):
        question = framework.question(gap.question)
        steps = steps_of.for_gap(gap)
        law = None if gap.law_question is None else framework.question(gap.law_question)
        value = result.questions[gap.question].answer
        answer = None
        if value:
            try:
                answer = question.option(value).label(language)
            except KeyError:
                answer = None
        rows.append(
            {
                "rank": rank,
                "gap": gap,
                "text": question.text.get(language) or question.text["en"],
                "answer": answer,
                "area": framework.area(gap.area).label(language),
                "dimension": framework.dimension(gap.dimension).label(language),
                "score": number(gap.score),
                "severity": number(gap.severity),
                "law_text": None if law is None else (law.text.get(language) or law.text["en"]),
                "law_score": number(gap.law_score),
                "steps": step_rows(steps, language),
                "practices": gap_practices(gap, steps, lookups),
                "facts": gap_facts(gap, lookups, place_pk, language),
                "source": question.source,
                "step_sources": [step.source for step in steps],
            }
        )
    return rows


def build(assessment: Assessment, *, user: permissions.Visitor, language: str) -> dict[str, Any]:
    """Everything both pages show, in the reader's language.

    Raise `actions.AssessmentError` when the round's framework version is not installed.
    """
    framework = actions.framework_of(assessment)
    result = actions.result_of(assessment)
    peers = benchmark(assessment, framework)

    previous = previous_round(assessment, user)
    comparison: Comparison | None = None
    if previous is not None:
        try:
            comparison = compare(actions.result_of(previous), result)
        except (ValueError, actions.AssessmentError):
            comparison = None

    def question_text(slug: str) -> str:
        question = framework.question(slug)
        return question.text.get(language) or question.text["en"]

    moved: dict[str, list[dict[str, Any]]] = {"up": [], "down": []}
    if comparison is not None:
        for key, changes in (("up", comparison.went_up), ("down", comparison.went_down)):
            moved[key] = [
                {
                    "slug": change.slug,
                    "text": question_text(change.slug),
                    "previous": change.previous,
                    "current": change.current,
                }
                for change in changes
            ]

    gaps = rank_gaps(framework, result)
    shown = gaps[:GAPS_SHOWN]
    tree = PlaceTree.load()
    on = assessment.period
    lookups = Lookups(facts=maps.facts_for(assessment.place, on, tree) if shown else {})
    rows = gap_rows(framework, result, shown, lookups, assessment.place_id, language)
    # A step shared by several gaps is described in full at its first gap only.
    described: set[str] = set()
    for row in rows:
        for step in row["steps"]:
            step["is_first"] = step["slug"] not in described
            described.add(step["slug"])

    sources = [framework.source]
    for row in rows:
        for source in (row["source"], *row["step_sources"]):
            if source not in sources:
                sources.append(source)
    entitlement_sources: dict[str, Any] = {}
    for row in rows:
        for fact in row["facts"]:
            for source in fact["sources"]:
                entitlement_sources.setdefault(source.url, source)

    return {
        "assessment": assessment,
        "place_name": assessment.place.label(language),
        "framework": framework,
        "framework_title": framework.label(language),
        "result": result,
        "overall": level_row(result.overall),
        "overall_peers": spread_row(peers.overall),
        "overall_change": None if comparison is None else change_row(comparison.overall),
        "areas": score_rows(framework, result, peers, comparison, language),
        "peers": peers,
        "previous": previous,
        "comparison": comparison,
        "went_up": moved["up"],
        "went_down": moved["down"],
        "gaps": rows,
        "gap_count": len(gaps),
        "more_gaps": max(0, len(gaps) - len(shown)),
        "facts_on": on,
        "sources": sources,
        "entitlement_sources": list(entitlement_sources.values()),
        "is_draft": assessment.status == Assessment.Status.DRAFT,
        "settings_text": settings_text(assessment.aggregation, assessment.weighting),
    }


def chart_for(context: Mapping[str, Any], language: str, id_prefix: str) -> str:
    """The chart of a context made by `build` (the views mark it safe: every text in it is
    escaped by `atlas.core.charts`)."""
    return chart(context["framework"], context["result"], context["peers"], language, id_prefix)
