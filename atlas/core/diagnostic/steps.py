"""The operational framework: the steps a government takes to open its services to everyone.

The steps live in one versioned TOML file, ``data/diagnostic/steps.toml``: a [meta] table
with the version, then one ``[[step]]`` table per step with its slug, order, labels and
summaries in the eight interface languages, two to four ``[[step.substep]]`` tables (each a
sentence in the eight languages), the actor types responsible, the measures it puts in place,
the barriers it removes, the diagnostic areas it addresses, example practices from the
starter library and the source it rests on. `load_steps` reads and checks it against the
shared vocabulary, the diagnostic framework's areas and the starter practice library; the
first rule broken raises a `StepsError` naming the file and the key.

A gap of a diagnostic result (`atlas.core.diagnostic.gaps.Gap`) leads to the steps that
address it: those whose areas include the gap's area, or whose barriers meet the barriers
its question probes (`Steps.for_gap`).

>>> steps = default_steps()
>>> [step.slug for step in steps.all][:3]
['assess', 'review-laws', 'id-alternatives']
>>> steps.get("firewall").label("es")
'Establecer un cortafuegos'
>>> "municipal-id" in steps.get("id-alternatives").measures
True
"""

import dataclasses
import functools
import json
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from atlas.core.datafiles import DataFileError
from atlas.core.languages import LANGUAGES
from atlas.core.vocabulary import SLUG_PATTERN, Vocabulary, default_vocabulary

if TYPE_CHECKING:  # pragma: no cover
    from atlas.core.diagnostic.framework import Framework
    from atlas.core.diagnostic.gaps import Gap

DEFAULT_STEPS_PATH = Path(__file__).parent.parent / "data" / "diagnostic" / "steps.toml"
# The starter practice library, whose slugs a step may give as examples.
STARTER_PRACTICES_DIRECTORY = Path(__file__).parent.parent.parent / "practices" / "starter"

_FILE_KEYS = frozenset({"meta", "step"})
_META_KEYS = frozenset({"version"})
_STEP_KEYS = frozenset(
    {
        "slug",
        "order",
        "labels",
        "summaries",
        "substep",
        "actor_types",
        "measures",
        "barriers",
        "areas",
        "example_practices",
        "source",
    }
)
# Step field → vocabulary kind of its slugs.
_VOCABULARY_FIELDS: tuple[tuple[str, str], ...] = (
    ("actor_types", "actor-type"),
    ("measures", "measure"),
    ("barriers", "barrier"),
)


class StepsError(DataFileError):
    """A steps file that breaks a rule; the message names the file and the key.

    >>> str(StepsError("unknown measure 'walls'", file=Path("steps.toml"),
    ...                key="step.firewall.measures"))
    "steps.toml, key 'step.firewall.measures': unknown measure 'walls'"
    """


def _label(labels: Mapping[str, str], language: str) -> str:
    return labels.get(language) or labels["en"]


@dataclass(frozen=True)
class Step:
    """One step of the operational framework: what to do, who does it, what it fixes."""

    slug: str
    order: int
    labels: Mapping[str, str] = dataclasses.field(hash=False)
    summaries: Mapping[str, str] = dataclasses.field(hash=False)
    # Each sub-step is one sentence, in every language.
    substeps: tuple[Mapping[str, str], ...] = dataclasses.field(hash=False)
    actor_types: tuple[str, ...]
    measures: tuple[str, ...]
    barriers: tuple[str, ...]
    areas: tuple[str, ...]
    example_practices: tuple[str, ...]
    source: str

    def label(self, language: str) -> str:
        """Return the step's name in ``language``, or in English for one it lacks."""
        return _label(self.labels, language)

    def summary(self, language: str) -> str:
        """Return the step's summary in ``language``, or in English for one it lacks."""
        return _label(self.summaries, language)

    def substep_texts(self, language: str) -> tuple[str, ...]:
        """Return the sub-steps in ``language`` (English for one a sub-step lacks).

        >>> default_steps().get("assess").substep_texts("en")[0][:40]
        'Map which services people without a regu'
        """
        return tuple(_label(substep, language) for substep in self.substeps)


@dataclass(frozen=True)
class Steps:
    """The steps of one version of the operational framework, in order."""

    version: str
    all: tuple[Step, ...]

    def get(self, slug: str) -> Step:
        """Return the step ``slug``; raise KeyError naming it if there is none.

        >>> default_steps().get("no-such-step")
        Traceback (most recent call last):
        ...
        KeyError: "no step 'no-such-step' in the steps 2026.1"
        """
        for step in self.all:
            if step.slug == slug:
                return step
        raise KeyError(f"no step {slug!r} in the steps {self.version}")

    def for_area(self, area: str) -> tuple[Step, ...]:
        """Return the steps that address the diagnostic area ``area``, in step order.

        >>> [step.slug for step in default_steps().for_area("firewall")]
        ['firewall']
        """
        return tuple(step for step in self.all if area in step.areas)

    def for_gap(self, gap: "Gap") -> tuple[Step, ...]:
        """Return the steps that address ``gap``, in step order: those whose areas include
        the gap's area, or whose barriers meet the barriers of the gap's question.

        >>> from atlas.core.diagnostic.gaps import Gap
        >>> gap = Gap(question="q", area="information-languages", dimension="d",
        ...           asks_about="practice", score=0.0, severity=50.0, services=(), groups=(),
        ...           barriers=("fear-of-detection",), practice_below_law=False,
        ...           law_question=None, law_score=None)
        >>> [step.slug for step in default_steps().for_gap(gap)]
        ['firewall', 'inform']
        """
        barriers = set(gap.barriers)
        return tuple(
            step
            for step in self.all
            if gap.area in step.areas or barriers.intersection(step.barriers)
        )


def starter_practice_slugs(directory: Path | str | None = None) -> frozenset[str]:
    """Return the slugs of the practices in the starter library's JSONL files.

    >>> "barcelona-padron" in starter_practice_slugs()
    True
    """
    directory = STARTER_PRACTICES_DIRECTORY if directory is None else Path(directory)
    slugs: set[str] = set()
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as stream:
            for line in stream:
                if not line.strip():
                    continue
                record = json.loads(line)
                slug = record.get("slug") if isinstance(record, dict) else None
                if isinstance(slug, str):
                    slugs.add(slug)
    return frozenset(slugs)


def load_steps(
    path: Path | str | None = None,
    *,
    vocabulary: Vocabulary | None = None,
    areas: Collection[str] | None = None,
    practices: Collection[str] | None = None,
) -> Steps:
    """Read and check a steps file (default: the shipped ``data/diagnostic/steps.toml``).

    ``vocabulary`` defaults to the shipped one; ``areas`` to the area slugs of the default
    diagnostic framework; ``practices`` to the slugs of the starter practice library
    (`starter_practice_slugs`). Raise `StepsError` naming the file and the key at the first
    broken rule: a file that is not TOML; an unknown table or field; a missing version; a bad
    or duplicate slug; an order that is not a whole number above 0, or repeats; a label,
    summary or sub-step missing a language of `LANGUAGES` or empty; no sub-step; an unknown
    actor type, measure or barrier of the vocabulary; an unknown area; an unknown practice;
    a slug listed twice; no area and no barrier (a step no gap would lead to); or a missing
    source.
    """
    file = DEFAULT_STEPS_PATH if path is None else Path(path)
    vocabulary = default_vocabulary() if vocabulary is None else vocabulary
    if areas is None:
        areas = [area.slug for area in _default_framework().areas]
    practices = starter_practice_slugs() if practices is None else practices
    known = {"area": frozenset(areas), "practice": frozenset(practices)}

    try:
        with file.open("rb") as stream:
            data = tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise StepsError(f"not valid TOML: {error}", file=file) from error
    except OSError as error:
        raise StepsError(f"cannot read the file: {error.strerror}", file=file) from error

    _check_keys(data, _FILE_KEYS, file, "", "unknown table; expected [meta] and [[step]]")
    meta = data.get("meta")
    if not isinstance(meta, dict):
        raise StepsError("missing [meta] table", file=file, key="meta")
    _check_keys(meta, _META_KEYS, file, "meta", "unknown field in [meta]; expected version")
    version = _text(meta, "version", file, "meta")

    raw_steps = data.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise StepsError("missing [[step]] tables", file=file, key="step")
    steps: list[Step] = []
    for position, raw in enumerate(raw_steps, start=1):
        if not isinstance(raw, dict):
            raise StepsError("must be a table", file=file, key=f"step[{position}]")
        step = _parse_step(raw, file, position, vocabulary, known)
        if any(other.slug == step.slug for other in steps):
            raise StepsError("duplicate step slug", file=file, key=f"step.{step.slug}.slug")
        if any(other.order == step.order for other in steps):
            raise StepsError(
                f"order {step.order} is already taken", file=file, key=f"step.{step.slug}.order"
            )
        steps.append(step)
    return Steps(version=version, all=tuple(sorted(steps, key=lambda step: step.order)))


@functools.cache
def default_steps() -> Steps:
    """Return the shipped steps, loaded and checked once per process."""
    return load_steps()


def _default_framework() -> "Framework":
    # Imported here: the framework package imports nothing from this module, but keeping the
    # import local lets load_steps run with explicit areas without loading the framework.
    from atlas.core.diagnostic.loading import default_framework

    return default_framework()


def _parse_step(
    raw: Mapping[str, Any],
    file: Path,
    position: int,
    vocabulary: Vocabulary,
    known: Mapping[str, frozenset[str]],
) -> Step:
    slug = _text(raw, "slug", file, f"step[{position}]")
    if not SLUG_PATTERN.fullmatch(slug):
        raise StepsError(
            f"bad slug {slug!r}: use lower-case letters and digits in words joined by single "
            "hyphens",
            file=file,
            key=f"step[{position}].slug",
        )
    prefix = f"step.{slug}"
    _check_keys(
        raw, _STEP_KEYS, file, prefix, f"unknown field; expected {', '.join(sorted(_STEP_KEYS))}"
    )
    order = raw.get("order")
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise StepsError(
            f"order must be a whole number above 0, not {order!r}", file=file, key=f"{prefix}.order"
        )

    raw_substeps = raw.get("substep")
    if not isinstance(raw_substeps, list) or not raw_substeps:
        raise StepsError(
            "missing [[step.substep]] tables; a step has at least one sub-step",
            file=file,
            key=f"{prefix}.substep",
        )
    substeps = tuple(
        _languages(substep, file, f"{prefix}.substep[{number}]")
        for number, substep in enumerate(raw_substeps, start=1)
    )

    tags: dict[str, tuple[str, ...]] = {}
    for field, kind in _VOCABULARY_FIELDS:
        tags[field] = _slug_list(raw, field, file, prefix)
        for tag in tags[field]:
            if not vocabulary.has(kind, tag):
                raise StepsError(
                    f"unknown {kind} {tag!r} in vocabulary {vocabulary.version}",
                    file=file,
                    key=f"{prefix}.{field}",
                )
    step_areas = _slug_list(raw, "areas", file, prefix)
    for area in step_areas:
        if area not in known["area"]:
            raise StepsError(
                f"unknown area {area!r}; the diagnostic framework's areas are "
                f"{', '.join(sorted(known['area']))}",
                file=file,
                key=f"{prefix}.areas",
            )
    if not step_areas and not tags["barriers"]:
        raise StepsError(
            "a step needs at least one area or barrier, or no gap leads to it",
            file=file,
            key=f"{prefix}.areas",
        )
    example_practices = _slug_list(raw, "example_practices", file, prefix)
    for practice in example_practices:
        if practice not in known["practice"]:
            raise StepsError(
                f"unknown practice {practice!r}: not in the starter practice library "
                f"({STARTER_PRACTICES_DIRECTORY.name}/*.jsonl)",
                file=file,
                key=f"{prefix}.example_practices",
            )

    return Step(
        slug=slug,
        order=order,
        labels=_languages(raw.get("labels"), file, f"{prefix}.labels"),
        summaries=_languages(raw.get("summaries"), file, f"{prefix}.summaries"),
        substeps=substeps,
        actor_types=tags["actor_types"],
        measures=tags["measures"],
        barriers=tags["barriers"],
        areas=step_areas,
        example_practices=example_practices,
        source=_text(raw, "source", file, prefix),
    )


def _check_keys(
    raw: Mapping[str, Any], allowed: frozenset[str], file: Path, prefix: str, problem: str
) -> None:
    unknown = sorted(raw.keys() - allowed)
    if unknown:
        key = f"{prefix}.{unknown[0]}" if prefix else unknown[0]
        raise StepsError(problem, file=file, key=key)


def _text(raw: Mapping[str, Any], field: str, file: Path, prefix: str) -> str:
    value = raw.get(field)
    key = f"{prefix}.{field}"
    if value is None:
        raise StepsError(f"missing {field}", file=file, key=key)
    if not isinstance(value, str) or not value.strip():
        raise StepsError(f"{field} must be non-empty text", file=file, key=key)
    return " ".join(value.split())


def _languages(raw: Any, file: Path, key: str) -> Mapping[str, str]:
    """Check a table with non-empty text in each of the eight languages, and no other."""
    if not isinstance(raw, dict):
        raise StepsError(
            f"missing or not a table; one text is needed in each of {', '.join(LANGUAGES)}",
            file=file,
            key=key,
        )
    for language in LANGUAGES:
        if language not in raw:
            raise StepsError("missing language", file=file, key=f"{key}.{language}")
        value = raw[language]
        if not isinstance(value, str) or not value.strip():
            raise StepsError("must be non-empty text", file=file, key=f"{key}.{language}")
    unknown = sorted(raw.keys() - set(LANGUAGES))
    if unknown:
        raise StepsError(
            f"unknown language; expected {', '.join(LANGUAGES)}",
            file=file,
            key=f"{key}.{unknown[0]}",
        )
    return MappingProxyType({language: " ".join(raw[language].split()) for language in LANGUAGES})


def _slug_list(raw: Mapping[str, Any], field: str, file: Path, prefix: str) -> tuple[str, ...]:
    """Check a required list of slugs (may be empty), none listed twice."""
    key = f"{prefix}.{field}"
    value = raw.get(field)
    if value is None:
        raise StepsError(f"missing {field}; write {field} = [] for none", file=file, key=key)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise StepsError(f"{field} must be a list of slugs", file=file, key=key)
    duplicates: Iterable[str] = (item for item in value if value.count(item) > 1)
    duplicate = next(iter(duplicates), None)
    if duplicate is not None:
        raise StepsError(f"{duplicate!r} is listed twice", file=file, key=key)
    return tuple(value)
