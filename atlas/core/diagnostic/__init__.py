"""The self-diagnostic: a versioned questionnaire, and the engine that scores its answers.

A framework version is a directory of TOML files (``data/diagnostic/<slug>/``): the areas,
dimensions and answer scales in ``framework.toml``, and the questions of each area in
``q-<area>.toml``. `load_framework` reads and checks them (`loading.py`) into the frozen
dataclasses of `framework.py`; `score` turns a set of answers into scores by question,
dimension, area and overall, with their coverage, and `law_practice_gaps` flags practice that
falls below the law (`scoring.py`); `compare` sets two results side by side
(`comparison.py`).

>>> framework = default_framework()
>>> framework.slug, framework.aggregation
('objective-15', 'dimension')
"""

from atlas.core.diagnostic.comparison import AreaChange, Comparison, QuestionChange, compare
from atlas.core.diagnostic.framework import (
    AGGREGATIONS,
    AREA_KINDS,
    ASKS_ABOUT,
    DEFAULT_DIRECTORY,
    NOT_APPLICABLE,
    WEIGHTINGS,
    Area,
    Dimension,
    Framework,
    FrameworkError,
    Option,
    Question,
    Scale,
)
from atlas.core.diagnostic.loading import default_framework, load_framework
from atlas.core.diagnostic.scoring import (
    AnswerError,
    Coverage,
    LawPracticeGap,
    LevelScore,
    QuestionScore,
    Result,
    law_practice_gaps,
    round_score,
    score,
)

__all__ = [
    "AGGREGATIONS",
    "AREA_KINDS",
    "ASKS_ABOUT",
    "DEFAULT_DIRECTORY",
    "NOT_APPLICABLE",
    "WEIGHTINGS",
    "AnswerError",
    "Area",
    "AreaChange",
    "Comparison",
    "Coverage",
    "Dimension",
    "Framework",
    "FrameworkError",
    "LawPracticeGap",
    "LevelScore",
    "Option",
    "Question",
    "QuestionChange",
    "QuestionScore",
    "Result",
    "Scale",
    "compare",
    "default_framework",
    "law_practice_gaps",
    "load_framework",
    "round_score",
    "score",
]
