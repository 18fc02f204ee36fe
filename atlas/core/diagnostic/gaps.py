"""The ranked gap list of a diagnostic result: where a place falls short, worst first.

Every question answered with a score below ``threshold`` (default 100) is a gap; questions
answered "not applicable" and questions not answered are not gaps, whatever their score would
be. A gap's severity, on a 0–100 scale, is

    severity = (100 − score) × weight

where ``weight`` (0–1) is the heaviest service weight of the question's services in the gap
weights of the entitlements map (``data/gap_weights.toml``: a service's own weight, else its
sector's, else the default), and the default service weight for a question that names no
service. A practice question that scores below the law question it checks (``pairs_with``) is
flagged ``practice_below_law``, and its weight is raised toward 1 by the gap kind weight
``practice-below-law`` (k):

    weight = w + (1 − w) × k

so a practice gap behind a promise the law already makes weighs more than the same score
elsewhere, and severity never leaves 0–100 (a service already weighted 1 stays at 1).

The list is ranked by severity, highest first, taken exactly (fractions, before rounding);
ties keep the framework's order, which is area order, then question order within the area.
Severities are rounded to one decimal, half up, as every score is (`round_score`).

With the shipped weights (health 0.7, default 0.5, practice-below-law 0.6) and the example
framework, whose health questions name the sector "health" and whose cost questions name no
service:

>>> from atlas.core.diagnostic.example import example_framework
>>> from atlas.core.diagnostic.scoring import score
>>> framework = example_framework()
>>> answers = {"law-a": "yes", "law-b": "partly", "practice-a": "partly",
...            "rules-a": "not-applicable", "practice-b": "no"}
>>> gaps = rank_gaps(framework, score(framework, answers))
>>> [(gap.question, gap.score, gap.severity, gap.practice_below_law) for gap in gaps]
[('practice-b', 0.0, 50.0, False), ('practice-a', 50.0, 44.0, True), ('law-b', 50.0, 35.0, False)]

practice-b: (100 − 0) × 0.5 = 50; practice-a: 0.7 + 0.3 × 0.6 = 0.88, (100 − 50) × 0.88 = 44;
law-b: (100 − 50) × 0.7 = 35. law-a scores 100 and rules-a is not applicable: no gaps.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from atlas.core.diagnostic.framework import MAX_SCORE, Framework, Question
from atlas.core.diagnostic.scoring import ANSWERED, Result, round_score
from atlas.core.gap_weights import DEFAULT_SERVICE_KEY, GapWeights, default_gap_weights

# The gap kind of gap_weights.toml whose weight raises a practice-below-law gap.
PRACTICE_BELOW_LAW = "practice-below-law"


@dataclass(frozen=True)
class Gap:
    """One question of a result that scores below the threshold, and how severe it is."""

    question: str
    area: str
    dimension: str
    asks_about: str
    # The question's score, 0–100.
    score: float
    # What the list is ranked by, 0–100: (100 − score) × weight (see the module docstring).
    severity: float
    services: tuple[str, ...]
    groups: tuple[str, ...]
    barriers: tuple[str, ...]
    # A practice question scoring below the law question it checks.
    practice_below_law: bool
    # For a practice question paired with a law question: that question and its score (None
    # when it is unanswered or not applicable).
    law_question: str | None
    law_score: float | None


def gap_weight(
    question: Question, *, weights: GapWeights, practice_below_law: bool = False
) -> Fraction:
    """Return the exact weight (0–1) of a gap on ``question``.

    The heaviest weight of its services (the default service weight when it names none),
    raised toward 1 by the practice-below-law kind weight when ``practice_below_law``.

    >>> from atlas.core.diagnostic.example import example_framework
    >>> question = example_framework().question("practice-a")  # services: ("health",)
    >>> weights = default_gap_weights()
    >>> gap_weight(question, weights=weights), gap_weight(
    ...     question, weights=weights, practice_below_law=True)
    (Fraction(7, 10), Fraction(22, 25))
    """
    if question.services:
        base = max(_exact(weights.service_weight(service).value) for service in question.services)
    else:
        base = _exact(weights.services[DEFAULT_SERVICE_KEY].value)
    if practice_below_law:
        raise_by = _exact(weights.kind_weight(PRACTICE_BELOW_LAW).value)
        base += (1 - base) * raise_by
    return base


def rank_gaps(
    framework: Framework,
    result: Result,
    *,
    weights: GapWeights | None = None,
    threshold: float = MAX_SCORE,
) -> list[Gap]:
    """Return the gaps of ``result`` (scored on ``framework``), most severe first.

    ``weights`` default to the shipped gap weights; ``threshold`` is the score a question
    must reach not to be a gap (default 100: every answer short of full marks). Raise
    ValueError when the result was scored on another framework or version.

    >>> from atlas.core.diagnostic.example import example_framework
    >>> from atlas.core.diagnostic.scoring import score
    >>> framework = example_framework()
    >>> result = score(framework, {"law-a": "partly", "law-b": "partly", "practice-a": "no"})
    >>> [(gap.question, gap.severity) for gap in rank_gaps(framework, result)]
    [('practice-a', 88.0), ('law-a', 35.0), ('law-b', 35.0)]
    >>> [gap.question for gap in rank_gaps(framework, result, threshold=50)]
    ['practice-a']
    """
    if (result.framework_slug, result.framework_version) != (framework.slug, framework.version):
        raise ValueError(
            f"the result was scored on framework {result.framework_slug} "
            f"{result.framework_version}, not {framework.slug} {framework.version}"
        )
    weights = default_gap_weights() if weights is None else weights
    ranked: list[tuple[Fraction, Gap]] = []
    for question in framework.questions:
        question_score = result.questions.get(question.slug)
        if question_score is None or question_score.status != ANSWERED:
            continue
        points = question_score.score
        if points is None or points >= threshold:
            continue
        law_score = _law_score(question, result)
        below_law = law_score is not None and points < law_score
        exact = (MAX_SCORE - Fraction(points)) * gap_weight(
            question, weights=weights, practice_below_law=below_law
        )
        ranked.append(
            (
                exact,
                Gap(
                    question=question.slug,
                    area=question.area,
                    dimension=question.dimension,
                    asks_about=question.asks_about,
                    score=float(points),
                    severity=round_score(exact),
                    services=question.services,
                    groups=question.groups,
                    barriers=question.barriers,
                    practice_below_law=below_law,
                    law_question=question.pairs_with,
                    law_score=None if law_score is None else float(law_score),
                ),
            )
        )
    # framework.questions runs area by area, question by question, and sorted() is stable,
    # so equal severities keep area order, then question order.
    ranked.sort(key=lambda pair: -pair[0])
    return [gap for _, gap in ranked]


def gaps_by_area(gaps: Sequence[Gap]) -> dict[str, list[Gap]]:
    """Group ranked gaps by area, keeping the ranking within each area and the order in
    which each area first appears.

    >>> from atlas.core.diagnostic.example import example_framework
    >>> from atlas.core.diagnostic.scoring import score
    >>> framework = example_framework()
    >>> result = score(framework, {"law-a": "no", "practice-b": "no", "law-b": "partly"})
    >>> {area: [gap.question for gap in gaps]
    ...  for area, gaps in gaps_by_area(rank_gaps(framework, result)).items()}
    {'health': ['law-a', 'law-b'], 'cost': ['practice-b']}
    """
    grouped: dict[str, list[Gap]] = {}
    for gap in gaps:
        grouped.setdefault(gap.area, []).append(gap)
    return grouped


def _law_score(question: Question, result: Result) -> int | None:
    """The score of the law question ``question`` checks, if it has one and it was answered."""
    if question.pairs_with is None:
        return None
    law = result.questions.get(question.pairs_with)
    if law is None or law.status != ANSWERED:
        return None
    return law.score


def _exact(value: float) -> Fraction:
    # repr gives the shortest decimal that reads back as the float, so 0.7 is 7/10.
    return Fraction(repr(value))
