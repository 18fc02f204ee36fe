"""A small framework built in code, so the docstring examples of the engine do not depend
on the content of the shipped questionnaire.

>>> framework = example_framework()
>>> [question.slug for question in framework.questions]
['law-a', 'law-b', 'practice-a', 'rules-a', 'practice-b']
"""

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from atlas.core.diagnostic.framework import Area, Dimension, Framework, Option, Question
from atlas.core.languages import LANGUAGES


def example_framework() -> Framework:
    """Return a two-area framework built in code, for the examples of the docstrings.

    Area "health" (sector): dimension "health-law" with law-a and law-b (yes/partly/no),
    dimension "health-practice" with practice-a (pairs with law-a). Area "cost"
    (cross-cutting): dimension "cost-rules" with rules-a (not applicable allowed) and
    dimension "cost-practice" with practice-b. All weights 1; aggregation "dimension",
    weighting "plain".
    """

    def labels(text: str) -> Mapping[str, str]:
        return MappingProxyType(dict.fromkeys(LANGUAGES, text))

    options = tuple(
        Option(value=value, score=points, labels=labels(value))
        for value, points in (("yes", 100), ("partly", 50), ("no", 0))
    )

    def question(slug: str, area: str, dimension: str, asks_about: str, **extra: Any) -> Question:
        return Question(
            slug=slug,
            area=area,
            dimension=dimension,
            asks_about=asks_about,
            services=(area,) if area == "health" else (),
            groups=(),
            barriers=(),
            scale="yes-partly-no",
            options=options,
            allow_not_applicable=extra.get("allow_not_applicable", False),
            weight=1.0,
            text=labels(slug),
            guidance=labels(slug),
            evidence=labels(slug),
            source="Example.",
            pairs_with=extra.get("pairs_with"),
        )

    def dimension(slug: str, area: str, *questions: Question) -> Dimension:
        return Dimension(slug=slug, area=area, weight=1.0, labels=labels(slug), questions=questions)

    areas = (
        Area(
            slug="health",
            kind="sector",
            weight=1.0,
            labels=labels("Health"),
            dimensions=(
                dimension(
                    "health-law",
                    "health",
                    question("law-a", "health", "health-law", "law"),
                    question("law-b", "health", "health-law", "law"),
                ),
                dimension(
                    "health-practice",
                    "health",
                    question(
                        "practice-a", "health", "health-practice", "practice", pairs_with="law-a"
                    ),
                ),
            ),
        ),
        Area(
            slug="cost",
            kind="cross-cutting",
            weight=1.0,
            labels=labels("Cost"),
            dimensions=(
                dimension(
                    "cost-rules",
                    "cost",
                    question("rules-a", "cost", "cost-rules", "law", allow_not_applicable=True),
                ),
                dimension(
                    "cost-practice",
                    "cost",
                    question("practice-b", "cost", "cost-practice", "practice"),
                ),
            ),
        ),
    )
    return Framework(
        slug="example",
        version="1",
        title=labels("Example"),
        aggregation="dimension",
        weighting="plain",
        source="Example.",
        areas=areas,
        scales=(),
        fingerprint="0" * 64,
        directory=Path("."),
    )
