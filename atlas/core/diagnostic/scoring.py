"""Scoring a diagnostic: answers → question, dimension, area and overall scores.

A question scores its chosen option's score (0–100). Questions answered "not applicable" and
questions not answered are left out of every average, and each level reports its coverage
(answered, not applicable, total) so a high score on few answers reads as what it is. A level
with nothing answered has no score (None), never 0.

How the averages are taken is a setting of the framework version, stored with every result:

- aggregation ``"dimension"``: a dimension is the mean of its answered questions, an area the
  mean of its dimensions that have a score, the overall score the mean of the areas that have
  one (MIPEX's indicators → dimensions → areas);
- aggregation ``"area"``: an area is the mean of its answered questions directly, whatever
  their dimension (MIPEX 2020); dimensions are still scored, for information;
- weighting ``"plain"``: every mean is a plain mean; ``"weighted"``: a weighted arithmetic
  mean with the question, dimension and area weights of the files (with aggregation "area",
  an area's mean weighs its questions only).

The two aggregations give different numbers when dimensions hold different numbers of answered
questions. In the example framework, area "health" has a law dimension of two questions and
a practice dimension of one:

>>> from atlas.core.diagnostic.example import example_framework
>>> framework = example_framework()
>>> answers = {"law-a": "yes", "law-b": "yes", "practice-a": "no"}
>>> score(framework, answers).areas["health"].score  # (mean(100, 100) + 0) / 2
50.0
>>> score(framework, answers, aggregation="area").areas["health"].score  # (100 + 100 + 0) / 3
66.7

Exact arithmetic, rounded once: every mean is kept as a `fractions.Fraction` and rounded to one
decimal, half up (away from zero), only when a score is read. Binary floating point would make
a score depend on the order of the additions and drift off the half it should round up from,
and Python's `round` rounds halves to even: a mean of 56.25 is 56.3 here where ``round(56.25,
1)`` gives 56.2. The same answers always give the same result, on any machine.
"""

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from atlas.core.diagnostic.framework import (
    AGGREGATIONS,
    NOT_APPLICABLE,
    WEIGHTINGS,
    Framework,
    Question,
)

ANSWERED, NOT_APPLICABLE_STATUS, UNANSWERED = "answered", "not-applicable", "unanswered"


class AnswerError(ValueError):
    """An answer that the framework cannot score; the message names the question.

    >>> str(AnswerError("no option 'maybe'", question="law-a"))
    "question 'law-a': no option 'maybe'"
    """

    def __init__(self, problem: str, *, question: str) -> None:
        self.problem = problem
        self.question = question
        super().__init__(f"question {question!r}: {problem}")


def round_score(value: Fraction) -> float:
    """Round an exact score (or change of score) to one decimal, halves away from zero.

    This is `decimal.ROUND_HALF_UP`, the rounding a reader does by hand.

    >>> round_score(Fraction(225, 4)), round_score(Fraction(200, 3)), round_score(Fraction(-1, 4))
    (56.3, 66.7, -0.3)
    """
    tenths = math.floor(abs(value) * 10 + Fraction(1, 2))
    if tenths == 0:
        return 0.0
    return float(Decimal(tenths if value > 0 else -tenths).scaleb(-1))


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else round_score(Fraction(100 * part, whole))


@dataclass(frozen=True)
class Coverage:
    """How many of a level's questions were answered.

    ``applicable`` leaves out the questions answered "not applicable"; ``share`` is the per
    cent of applicable questions that were answered (None when none applies).

    >>> coverage = Coverage(answered=2, not_applicable=1, total=4)
    >>> coverage.applicable, coverage.unanswered, coverage.share
    (3, 1, 66.7)
    """

    answered: int
    not_applicable: int
    total: int

    @property
    def applicable(self) -> int:
        """Questions not answered "not applicable": answered or still open."""
        return self.total - self.not_applicable

    @property
    def unanswered(self) -> int:
        """Applicable questions with no answer."""
        return self.applicable - self.answered

    @property
    def share(self) -> float | None:
        """Per cent of the applicable questions answered, to one decimal; None if none."""
        return _percent(self.answered, self.applicable)

    def __add__(self, other: "Coverage") -> "Coverage":
        return Coverage(
            answered=self.answered + other.answered,
            not_applicable=self.not_applicable + other.not_applicable,
            total=self.total + other.total,
        )


_NO_COVERAGE = Coverage(answered=0, not_applicable=0, total=0)


@dataclass(frozen=True)
class LevelScore:
    """The score of a dimension, an area or the whole framework, with its coverage."""

    slug: str
    # The exact mean; None when nothing below was answered.
    exact: Fraction | None
    coverage: Coverage

    @property
    def score(self) -> float | None:
        """The score rounded to one decimal, half up; None when nothing was answered."""
        return None if self.exact is None else round_score(self.exact)


@dataclass(frozen=True)
class QuestionScore:
    """One question's answer and score; ``status`` is answered, not-applicable or unanswered."""

    slug: str
    area: str
    dimension: str
    answer: str | None
    score: int | None
    status: str


@dataclass(frozen=True)
class Result:
    """The scores of one set of answers, and the framework and settings that produced them."""

    framework_slug: str
    framework_version: str
    fingerprint: str
    aggregation: str
    weighting: str
    overall: LevelScore
    areas: Mapping[str, LevelScore] = dataclasses.field(hash=False)
    dimensions: Mapping[str, LevelScore] = dataclasses.field(hash=False)
    questions: Mapping[str, QuestionScore] = dataclasses.field(hash=False)

    def as_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-ready data: rounded scores, coverage, answers.

        >>> from atlas.core.diagnostic.example import example_framework
        >>> data = score(example_framework(), {"law-a": "yes"}).as_dict()
        >>> data["overall"]
        {'score': 100.0, 'answered': 1, 'not_applicable': 0, 'total': 5, 'share': 20.0}
        >>> data["questions"]["law-b"]
        {'answer': None, 'score': None, 'status': 'unanswered'}
        """

        def level(value: LevelScore) -> dict[str, Any]:
            return {
                "score": value.score,
                "answered": value.coverage.answered,
                "not_applicable": value.coverage.not_applicable,
                "total": value.coverage.total,
                "share": value.coverage.share,
            }

        return {
            "framework": self.framework_slug,
            "version": self.framework_version,
            "fingerprint": self.fingerprint,
            "aggregation": self.aggregation,
            "weighting": self.weighting,
            "overall": level(self.overall),
            "areas": {slug: level(value) for slug, value in self.areas.items()},
            "dimensions": {slug: level(value) for slug, value in self.dimensions.items()},
            "questions": {
                slug: {"answer": value.answer, "score": value.score, "status": value.status}
                for slug, value in self.questions.items()
            },
        }


def score(
    framework: Framework,
    answers: Mapping[str, str | None],
    *,
    aggregation: str | None = None,
    weighting: str | None = None,
) -> Result:
    """Score ``answers`` (question slug → option value, "not-applicable" or None).

    ``aggregation`` and ``weighting`` default to the framework's own settings; give them to
    score the same answers another way (the result records which was used). A question left
    out of ``answers`` is unanswered. Raise `AnswerError` for an unknown question, an option
    the question does not offer, or "not-applicable" where the question does not allow it;
    raise ValueError for an unknown aggregation or weighting.

    >>> from atlas.core.diagnostic.example import example_framework
    >>> framework = example_framework()
    >>> result = score(framework, {"law-a": "yes", "law-b": "partly", "practice-a": "no",
    ...                            "rules-a": "not-applicable"})
    >>> result.dimensions["health-law"].score, result.dimensions["health-practice"].score
    (75.0, 0.0)
    >>> result.areas["health"].score, result.areas["cost"].score, result.overall.score
    (37.5, None, 37.5)
    >>> result.overall.coverage
    Coverage(answered=3, not_applicable=1, total=5)
    """
    aggregation = framework.aggregation if aggregation is None else aggregation
    weighting = framework.weighting if weighting is None else weighting
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"unknown aggregation {aggregation!r}; expected {', '.join(AGGREGATIONS)}")
    if weighting not in WEIGHTINGS:
        raise ValueError(f"unknown weighting {weighting!r}; expected {', '.join(WEIGHTINGS)}")

    question_scores = _read_answers(framework, answers)

    def weight(value: float) -> Fraction:
        # repr gives the shortest decimal that reads back as the float, so 0.1 is 1/10.
        return Fraction(1) if weighting == "plain" else Fraction(repr(value))

    def answered(questions: Iterable[Question]) -> list[tuple[Fraction, Fraction]]:
        return [
            (weight(question.weight), Fraction(scored))
            for question in questions
            if (scored := question_scores[question.slug].score) is not None
        ]

    def coverage(questions: Iterable[Question]) -> Coverage:
        statuses = [question_scores[question.slug].status for question in questions]
        return Coverage(
            answered=statuses.count(ANSWERED),
            not_applicable=statuses.count(NOT_APPLICABLE_STATUS),
            total=len(statuses),
        )

    dimensions: dict[str, LevelScore] = {}
    areas: dict[str, LevelScore] = {}
    for area in framework.areas:
        for dimension in area.dimensions:
            dimensions[dimension.slug] = LevelScore(
                slug=dimension.slug,
                exact=_mean(answered(dimension.questions)),
                coverage=coverage(dimension.questions),
            )
        if aggregation == "dimension":
            area_exact = _mean(
                (weight(dimension.weight), exact)
                for dimension in area.dimensions
                if (exact := dimensions[dimension.slug].exact) is not None
            )
        else:
            area_exact = _mean(answered(area.questions))
        areas[area.slug] = LevelScore(
            slug=area.slug,
            exact=area_exact,
            coverage=sum(
                (dimensions[dimension.slug].coverage for dimension in area.dimensions),
                _NO_COVERAGE,
            ),
        )
    overall = LevelScore(
        slug=framework.slug,
        exact=_mean(
            (weight(area.weight), exact)
            for area in framework.areas
            if (exact := areas[area.slug].exact) is not None
        ),
        coverage=sum((level.coverage for level in areas.values()), _NO_COVERAGE),
    )
    return Result(
        framework_slug=framework.slug,
        framework_version=framework.version,
        fingerprint=framework.fingerprint,
        aggregation=aggregation,
        weighting=weighting,
        overall=overall,
        areas=MappingProxyType(areas),
        dimensions=MappingProxyType(dimensions),
        questions=MappingProxyType(question_scores),
    )


def _mean(pairs: Iterable[tuple[Fraction, Fraction]]) -> Fraction | None:
    """The weighted arithmetic mean of (weight, value) pairs; None for no pairs."""
    total_weight, total = Fraction(0), Fraction(0)
    for weight, value in pairs:
        total_weight += weight
        total += weight * value
    return None if total_weight == 0 else total / total_weight


def _read_answers(
    framework: Framework, answers: Mapping[str, str | None]
) -> dict[str, QuestionScore]:
    """Check the answers against the framework and score each question, in framework order."""
    known = {question.slug for question in framework.questions}
    for slug in answers:
        if slug not in known:
            raise AnswerError(
                f"unknown question in framework {framework.slug} {framework.version}",
                question=slug,
            )
    scores: dict[str, QuestionScore] = {}
    for question in framework.questions:
        answer = answers.get(question.slug)
        value: int | None = None
        if answer is None:
            status = UNANSWERED
        elif answer == NOT_APPLICABLE:
            if not question.allow_not_applicable:
                raise AnswerError(
                    "this question cannot be answered 'not-applicable'", question=question.slug
                )
            status = NOT_APPLICABLE_STATUS
        else:
            if not isinstance(answer, str):
                raise AnswerError(
                    f"an answer is an option value, not {answer!r}", question=question.slug
                )
            try:
                value = question.option(answer).score
            except KeyError:
                values = ", ".join(option.value for option in question.options)
                raise AnswerError(
                    f"no option {answer!r}; expected one of {values}"
                    + (f" or {NOT_APPLICABLE}" if question.allow_not_applicable else ""),
                    question=question.slug,
                ) from None
            status = ANSWERED
        scores[question.slug] = QuestionScore(
            slug=question.slug,
            area=question.area,
            dimension=question.dimension,
            answer=answer,
            score=value,
            status=status,
        )
    return scores


# --- practice below law ---------------------------------------------------------------------


@dataclass(frozen=True)
class LawPracticeGap:
    """A practice question that scores below the law question it checks (``pairs_with``)."""

    area: str
    law_question: str
    practice_question: str
    law_score: int
    practice_score: int
    # The practice question's services: where the promise of the law is not kept.
    services: tuple[str, ...]

    @property
    def difference(self) -> int:
        """How far practice falls below the law, in score points."""
        return self.law_score - self.practice_score


def law_practice_gaps(
    framework: Framework, answers: Mapping[str, str | None]
) -> list[LawPracticeGap]:
    """Return every "practice below law" gap: a practice question scoring below its law question.

    A practice question names the law question whose promise it checks with ``pairs_with``;
    pairs with either question unanswered or not applicable are left out. The largest gaps
    come first, ties in framework order. Raise `AnswerError` as `score` does.

    >>> from atlas.core.diagnostic.example import example_framework
    >>> gaps = law_practice_gaps(example_framework(), {"law-a": "yes", "practice-a": "partly"})
    >>> [(gap.law_question, gap.practice_question, gap.difference) for gap in gaps]
    [('law-a', 'practice-a', 50)]
    >>> law_practice_gaps(example_framework(), {"law-a": "partly", "practice-a": "yes"})
    []
    """
    question_scores = _read_answers(framework, answers)
    gaps: list[LawPracticeGap] = []
    for question in framework.questions:
        if question.pairs_with is None:
            continue
        law_score = question_scores[question.pairs_with].score
        practice_score = question_scores[question.slug].score
        if law_score is None or practice_score is None or practice_score >= law_score:
            continue
        gaps.append(
            LawPracticeGap(
                area=question.area,
                law_question=question.pairs_with,
                practice_question=question.slug,
                law_score=law_score,
                practice_score=practice_score,
                services=question.services,
            )
        )
    # sorted() is stable, so equal gaps keep the framework's order.
    return sorted(gaps, key=lambda gap: -gap.difference)
