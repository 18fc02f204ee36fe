"""Comparing two results of one framework: what changed between two assessment rounds.

Changes are taken between the exact scores and rounded once, half up, like the scores
themselves (`atlas.core.diagnostic.scoring`); so a change may differ by 0.1 from the
difference of the two rounded scores shown beside it.
"""

from dataclasses import dataclass

from atlas.core.diagnostic.scoring import LevelScore, Result, round_score


@dataclass(frozen=True)
class AreaChange:
    """An area's (or the overall) score in two results and the change; None where missing."""

    slug: str
    previous: float | None
    current: float | None
    # Rounded from the exact difference, so it may differ by 0.1 from current − previous.
    change: float | None


@dataclass(frozen=True)
class QuestionChange:
    """A question whose score went up or down between two results."""

    slug: str
    previous: int
    current: int


@dataclass(frozen=True)
class Comparison:
    """What changed between two results of the same framework and settings."""

    same_version: bool
    # False when the framework's content changed between the two results (other fingerprint).
    same_content: bool
    overall: AreaChange
    areas: tuple[AreaChange, ...]
    went_up: tuple[QuestionChange, ...]
    went_down: tuple[QuestionChange, ...]


def compare(previous: Result, current: Result) -> Comparison:
    """Compare two results: the change per area and overall, and the questions that moved.

    Areas and questions are matched by slug, so two versions of one framework compare on
    what they share; an area missing from either result, or without a score in either, has
    change None. Raise ValueError for results of different frameworks, or scored with
    different aggregation or weighting (their numbers do not compare: re-score one).

    >>> from atlas.core.diagnostic import score
    >>> from atlas.core.diagnostic.example import example_framework
    >>> framework = example_framework()
    >>> before = score(framework, {"law-a": "partly", "practice-a": "no"})
    >>> after = score(framework, {"law-a": "yes", "practice-a": "no", "rules-a": "yes"})
    >>> comparison = compare(before, after)
    >>> comparison.overall
    AreaChange(slug='example', previous=25.0, current=75.0, change=50.0)
    >>> [(change.slug, change.change) for change in comparison.areas]
    [('health', 25.0), ('cost', None)]
    >>> [change.slug for change in comparison.went_up], comparison.went_down
    (['law-a'], ())
    """
    if previous.framework_slug != current.framework_slug:
        raise ValueError(
            f"results of different frameworks ({previous.framework_slug!r}, "
            f"{current.framework_slug!r}) do not compare"
        )
    for setting in ("aggregation", "weighting"):
        if getattr(previous, setting) != getattr(current, setting):
            raise ValueError(
                f"results scored with different {setting} ({getattr(previous, setting)!r}, "
                f"{getattr(current, setting)!r}) do not compare; score both the same way"
            )

    def change(slug: str, before: LevelScore | None, after: LevelScore | None) -> AreaChange:
        old = None if before is None else before.exact
        new = None if after is None else after.exact
        return AreaChange(
            slug=slug,
            previous=None if old is None else round_score(old),
            current=None if new is None else round_score(new),
            change=None if old is None or new is None else round_score(new - old),
        )

    slugs = list(current.areas) + [slug for slug in previous.areas if slug not in current.areas]
    went_up: list[QuestionChange] = []
    went_down: list[QuestionChange] = []
    for slug, now in current.questions.items():
        before = previous.questions.get(slug)
        if before is None or before.score is None or now.score is None:
            continue
        if now.score != before.score:
            moved = QuestionChange(slug=slug, previous=before.score, current=now.score)
            (went_up if now.score > before.score else went_down).append(moved)
    return Comparison(
        same_version=previous.framework_version == current.framework_version,
        same_content=previous.fingerprint == current.fingerprint,
        overall=change(current.overall.slug, previous.overall, current.overall),
        areas=tuple(
            change(slug, previous.areas.get(slug), current.areas.get(slug)) for slug in slugs
        ),
        went_up=tuple(went_up),
        went_down=tuple(went_down),
    )
