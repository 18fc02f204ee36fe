"""A diagnostic framework version: its areas, dimensions, answer scales and questions.

The dataclasses here are what `atlas.core.diagnostic.loading.load_framework` builds from
the TOML files of a framework directory, once every rule holds; they are frozen, and a
`Framework` carries the fingerprint of its content.

>>> from atlas.core.diagnostic import default_framework
>>> framework = default_framework()
>>> framework.area("health").dimensions[0].slug
'health-entitlement'
>>> [option.score for option in framework.scale("yes-partly-no").options]
[100, 50, 0]
"""

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atlas.core.datafiles import DataFileError

DEFAULT_DIRECTORY = Path(__file__).parent.parent / "data" / "diagnostic" / "objective-15"
FRAMEWORK_FILE = "framework.toml"

# "dimension": question → dimension → area → overall, as MIPEX averaged indicators into
# dimensions and dimensions into areas; "area": questions straight into areas, as MIPEX 2020.
AGGREGATIONS: tuple[str, ...] = ("dimension", "area")
# "plain": every weight counts as 1 whatever the files say; "weighted": the files' weights.
WEIGHTINGS: tuple[str, ...] = ("plain", "weighted")
AREA_KINDS: tuple[str, ...] = ("sector", "cross-cutting")
ASKS_ABOUT: tuple[str, ...] = ("law", "practice")
# The answer that takes a question out of every average, where the question allows it.
NOT_APPLICABLE = "not-applicable"
# Question slugs become XLSForm field names ('-' → '_'), which must start with a letter.
QUESTION_SLUG_MAX_LENGTH = 40
MIN_SCORE, MAX_SCORE = 0, 100


class FrameworkError(DataFileError):
    """A framework file that breaks a rule; the message names the file and the key.

    >>> str(FrameworkError("score 120 is outside 0–100", file=Path("framework.toml"),
    ...                    key="scale.yes-partly-no.options.yes.score"))
    "framework.toml, key 'scale.yes-partly-no.options.yes.score': score 120 is outside 0–100"
    """


def _label(labels: Mapping[str, str], language: str) -> str:
    return labels.get(language) or labels["en"]


@dataclass(frozen=True)
class Option:
    """One answer a question offers: its value (stored), its score (0–100) and its labels."""

    value: str
    score: int
    labels: Mapping[str, str] = dataclasses.field(hash=False)

    def label(self, language: str) -> str:
        """Return the option's label in ``language``, or in English for one it lacks."""
        return _label(self.labels, language)


@dataclass(frozen=True)
class Scale:
    """A named set of options that questions share (``scale = "yes-partly-no"``)."""

    slug: str
    options: tuple[Option, ...]
    note: str | None = None


@dataclass(frozen=True)
class Question:
    """One question: where it sits, what it probes, how it is answered and scored."""

    slug: str
    area: str
    dimension: str
    asks_about: str
    services: tuple[str, ...]
    groups: tuple[str, ...]
    barriers: tuple[str, ...]
    # The shared scale the options come from, or None for options written on the question.
    scale: str | None
    options: tuple[Option, ...]
    allow_not_applicable: bool
    weight: float
    text: Mapping[str, str] = dataclasses.field(hash=False)
    guidance: Mapping[str, str] = dataclasses.field(hash=False)
    evidence: Mapping[str, str] = dataclasses.field(hash=False)
    source: str
    # On a practice question: the law question of the same area whose promise it checks.
    pairs_with: str | None = None

    @property
    def field_name(self) -> str:
        """The question's name in an XLSForm: its slug with underscores (``a-b`` → ``a_b``)."""
        return self.slug.replace("-", "_")

    def option(self, value: str) -> Option:
        """Return the option ``value``; raise KeyError naming the question if there is none."""
        for option in self.options:
            if option.value == value:
                return option
        values = ", ".join(option.value for option in self.options)
        raise KeyError(f"question {self.slug!r} has no option {value!r}; expected one of {values}")


@dataclass(frozen=True)
class Dimension:
    """A part of an area (what the law grants, what happens in practice) and its questions."""

    slug: str
    area: str
    weight: float
    labels: Mapping[str, str] = dataclasses.field(hash=False)
    questions: tuple[Question, ...] = ()

    def label(self, language: str) -> str:
        """Return the dimension's label in ``language``, or in English for one it lacks."""
        return _label(self.labels, language)


@dataclass(frozen=True)
class Area:
    """A service area: a sector of the vocabulary, or a cross-cutting theme."""

    slug: str
    kind: str
    weight: float
    labels: Mapping[str, str] = dataclasses.field(hash=False)
    dimensions: tuple[Dimension, ...] = ()

    def label(self, language: str) -> str:
        """Return the area's label in ``language``, or in English for one it lacks."""
        return _label(self.labels, language)

    @property
    def questions(self) -> tuple[Question, ...]:
        """The area's questions, dimension by dimension, in file order."""
        return tuple(question for dimension in self.dimensions for question in dimension.questions)


@dataclass(frozen=True)
class Framework:
    """One checked version of a diagnostic framework; build it with `load_framework`."""

    slug: str
    version: str
    title: Mapping[str, str] = dataclasses.field(hash=False)
    aggregation: str
    weighting: str
    source: str
    areas: tuple[Area, ...]
    scales: tuple[Scale, ...]
    # SHA-256 of the canonical content (see `_canonical_content`), stored with every result.
    fingerprint: str
    directory: Path = dataclasses.field(compare=False)

    def __repr__(self) -> str:
        return (
            f"<Framework {self.slug} {self.version}: {len(self.areas)} areas, "
            f"{len(self.questions)} questions, {self.fingerprint[:12]}>"
        )

    @functools.cached_property
    def questions(self) -> tuple[Question, ...]:
        """Every question, area by area and dimension by dimension, in file order."""
        return tuple(question for area in self.areas for question in area.questions)

    @functools.cached_property
    def dimensions(self) -> tuple[Dimension, ...]:
        """Every dimension, area by area."""
        return tuple(dimension for area in self.areas for dimension in area.dimensions)

    @functools.cached_property
    def _index(self) -> Mapping[tuple[str, str], Any]:
        index: dict[tuple[str, str], Any] = {}
        for area in self.areas:
            index[("area", area.slug)] = area
        for dimension in self.dimensions:
            index[("dimension", dimension.slug)] = dimension
        for question in self.questions:
            index[("question", question.slug)] = question
        for scale in self.scales:
            index[("scale", scale.slug)] = scale
        return index

    def _get(self, kind: str, slug: str) -> Any:
        try:
            return self._index[(kind, slug)]
        except KeyError:
            raise KeyError(f"no {kind} {slug!r} in framework {self.slug} {self.version}") from None

    def area(self, slug: str) -> Area:
        """Return the area ``slug``; raise KeyError naming it if there is none."""
        area: Area = self._get("area", slug)
        return area

    def dimension(self, slug: str) -> Dimension:
        """Return the dimension ``slug``; raise KeyError naming it if there is none."""
        dimension: Dimension = self._get("dimension", slug)
        return dimension

    def question(self, slug: str) -> Question:
        """Return the question ``slug``; raise KeyError naming it if there is none.

        >>> from atlas.core.diagnostic import default_framework
        >>> default_framework().question("no-such-question")
        Traceback (most recent call last):
        ...
        KeyError: "no question 'no-such-question' in framework objective-15 2026.1"
        """
        question: Question = self._get("question", slug)
        return question

    def scale(self, slug: str) -> Scale:
        """Return the answer scale ``slug``; raise KeyError naming it if there is none."""
        scale: Scale = self._get("scale", slug)
        return scale

    def label(self, language: str) -> str:
        """Return the framework's title in ``language``, or in English for one it lacks.

        >>> from atlas.core.diagnostic import default_framework
        >>> default_framework().label("es")
        'Diagnóstico de servicios inclusivos del Objetivo 15'
        """
        return _label(self.title, language)
