"""Reading and checking a diagnostic framework directory.

The framework lives in a directory of TOML files: ``framework.toml`` holds the [meta] table
(slug, version, title, aggregation, weighting, source), the ``[[area]]`` tables with their
``[[area.dimension]]`` tables, and the ``[[scale]]`` answer scales; each ``q-<area>.toml``
holds the ``[[question]]`` tables of one area (the keys are listed in the shipped
``framework.toml``). `load_framework` reads and checks them all against the shared
vocabulary; the first rule broken raises a `FrameworkError` naming the file and the key, and
no framework is returned.

Every result stores the framework's slug, version and `Framework.fingerprint`, a SHA-256 of
its canonical content, so a result can always be traced to the exact questions, scores and
weights that produced it, even if someone edits the files without changing the version.

>>> framework = default_framework()
>>> framework.slug, framework.version, len(framework.fingerprint)
('objective-15', '2026.1', 64)
"""

import dataclasses
import functools
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from atlas.core.diagnostic.framework import (
    AGGREGATIONS,
    AREA_KINDS,
    ASKS_ABOUT,
    DEFAULT_DIRECTORY,
    FRAMEWORK_FILE,
    MAX_SCORE,
    MIN_SCORE,
    NOT_APPLICABLE,
    QUESTION_SLUG_MAX_LENGTH,
    WEIGHTINGS,
    Area,
    Dimension,
    Framework,
    FrameworkError,
    Option,
    Question,
    Scale,
)
from atlas.core.languages import LANGUAGES
from atlas.core.vocabulary import SLUG_PATTERN, Vocabulary, default_vocabulary

_FILE_KEYS = frozenset({"meta", "area", "scale"})
_META_KEYS = frozenset({"slug", "version", "title", "aggregation", "weighting", "source"})
_AREA_KEYS = frozenset({"slug", "kind", "weight", "labels", "dimension"})
_DIMENSION_KEYS = frozenset({"slug", "weight", "labels"})
_SCALE_KEYS = frozenset({"slug", "note", "options"})
_OPTION_KEYS = frozenset({"value", "score", "labels"})
_QUESTION_FILE_KEYS = frozenset({"meta", "question"})
_QUESTION_META_KEYS = frozenset({"area"})
_QUESTION_KEYS = frozenset(
    {
        "slug",
        "dimension",
        "asks_about",
        "services",
        "groups",
        "barriers",
        "scale",
        "options",
        "allow_not_applicable",
        "weight",
        "text",
        "guidance",
        "evidence",
        "source",
        "pairs_with",
    }
)
_QUESTION_LABEL_FIELDS: tuple[str, ...] = ("text", "guidance", "evidence")
# Question field → vocabulary kind of its slugs.
_QUESTION_TAGS: tuple[tuple[str, str], ...] = (
    ("services", "service"),
    ("groups", "group"),
    ("barriers", "barrier"),
)
_QUESTION_FILE_NAME = re.compile(r"^q-(?P<area>.+)\.toml$")


def load_framework(
    path: Path | str | None = None, *, vocabulary: Vocabulary | None = None
) -> Framework:
    """Read and check a framework directory (default: the shipped ``objective-15``).

    Raise `FrameworkError` naming the file and the key at the first broken rule: a file that
    is not TOML; an unknown table, field or file; a missing or unknown meta value, or an
    ``aggregation`` or ``weighting`` other than those of `AGGREGATIONS` and `WEIGHTINGS`; a bad
    or duplicate slug (area, dimension, scale, question, or option value within a question or
    scale); a sector area that is not a sector of ``vocabulary`` (default: the shipped one); a
    missing or empty label in any language of `LANGUAGES`; a weight that is not a number
    above 0; an option score that is not a whole number in 0–100; fewer than two options; a
    question in a file whose ``meta.area`` differs from its dimension's area; an unknown
    dimension or scale; a question with both or neither of ``scale`` and ``options``; an
    unknown service, group or barrier slug; a missing source; or a ``pairs_with`` that is not
    a law question of the same area, or sits on a law question.
    """
    directory = DEFAULT_DIRECTORY if path is None else Path(path)
    vocabulary = default_vocabulary() if vocabulary is None else vocabulary
    framework_file = directory / FRAMEWORK_FILE
    if not framework_file.is_file():
        raise FrameworkError(f"missing {FRAMEWORK_FILE}", file=directory)

    data = _read_toml(framework_file)
    _check_keys(data, _FILE_KEYS, framework_file, "", "unknown table; expected [meta], [[area]]")
    meta = _parse_meta(framework_file, data.get("meta"))
    scales = _parse_scales(framework_file, data.get("scale"))
    areas = _parse_areas(framework_file, data.get("area"), vocabulary)

    dimension_area = {dimension.slug: area.slug for area in areas for dimension in area.dimensions}
    questions_by_dimension: dict[str, list[Question]] = {slug: [] for slug in dimension_area}
    defined_in: dict[str, Path] = {}
    for question_file in sorted(directory.glob("*.toml")):
        if question_file.name == FRAMEWORK_FILE:
            continue
        for question in _parse_question_file(
            question_file, vocabulary, scales, dimension_area, defined_in
        ):
            questions_by_dimension[question.dimension].append(question)

    all_questions = {
        question.slug: question
        for questions in questions_by_dimension.values()
        for question in questions
    }
    for question in all_questions.values():
        _check_pair(question, all_questions, defined_in[question.slug])

    areas = tuple(
        dataclasses.replace(
            area,
            dimensions=tuple(
                dataclasses.replace(
                    dimension, questions=tuple(questions_by_dimension[dimension.slug])
                )
                for dimension in area.dimensions
            ),
        )
        for area in areas
    )
    fields = {**meta, "areas": areas, "scales": tuple(scales.values())}
    return Framework(
        **fields,
        fingerprint=hashlib.sha256(_canonical_content(fields)).hexdigest(),
        directory=directory,
    )


@functools.cache
def default_framework() -> Framework:
    """Return the shipped framework, loaded and checked once per process."""
    return load_framework(DEFAULT_DIRECTORY)


# --- canonical content ----------------------------------------------------------------------


def _canonical_content(fields: Mapping[str, Any]) -> bytes:
    """Return the framework as canonical JSON: what it says, not how the files are written.

    Comments, whitespace, key order and the spelling of numbers (1 or 1.0) do not change it;
    any question, label, score, weight, setting or order does. Weights are written with
    ``repr`` of their float, so 0.1 is "0.1".
    """

    def plain(value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {
                field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)
            }
        if isinstance(value, Mapping):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, tuple | list):
            return [plain(item) for item in value]
        if isinstance(value, float):
            return repr(value)
        return value

    return json.dumps(
        plain(fields), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")


# --- reading and checking -------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except tomllib.TOMLDecodeError as error:
        raise FrameworkError(f"not valid TOML: {error}", file=path) from error


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _check_keys(
    raw: Mapping[str, Any], allowed: frozenset[str], file: Path, prefix: str, problem: str
) -> None:
    unknown = sorted(raw.keys() - allowed)
    if unknown:
        raise FrameworkError(problem, file=file, key=_join(prefix, unknown[0]))


def _table(raw: Any, file: Path, key: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise FrameworkError("must be a table", file=file, key=key)
    return raw


def _array_of_tables(raw: Any, file: Path, key: str, name: str) -> list[Any]:
    if raw is None:
        raise FrameworkError(f"missing [[{name}]] entries", file=file, key=key)
    if not isinstance(raw, list) or not raw:
        raise FrameworkError(f"must be a non-empty list of [[{name}]] tables", file=file, key=key)
    return raw


def _text(raw: Mapping[str, Any], field: str, file: Path, prefix: str) -> str:
    value = raw.get(field)
    key = _join(prefix, field)
    if value is None:
        raise FrameworkError(f"missing {field}", file=file, key=key)
    if not isinstance(value, str) or not value.strip():
        raise FrameworkError(f"{field} must be non-empty text", file=file, key=key)
    return value.strip()


def _slug(raw: Mapping[str, Any], file: Path, prefix: str, field: str = "slug") -> str:
    slug = _text(raw, field, file, prefix)
    if not SLUG_PATTERN.fullmatch(slug):
        raise FrameworkError(
            f"bad {field} {slug!r}: use lower-case letters and digits in words joined by "
            "single hyphens",
            file=file,
            key=_join(prefix, field),
        )
    return slug


def _choice(
    raw: Mapping[str, Any], field: str, choices: tuple[str, ...], file: Path, prefix: str
) -> str:
    value = raw.get(field)
    if value not in choices:
        raise FrameworkError(
            f"{field} {value!r} is not one of {', '.join(choices)}",
            file=file,
            key=_join(prefix, field),
        )
    return str(value)


def _labels(raw: Mapping[str, Any], field: str, file: Path, prefix: str) -> Mapping[str, str]:
    """Check a label-like field: a table with non-empty text in each of the eight languages."""
    key = _join(prefix, field)
    labels = raw.get(field)
    if not isinstance(labels, dict):
        raise FrameworkError(
            f"missing {field}; one text is needed in each of {', '.join(LANGUAGES)}",
            file=file,
            key=key,
        )
    for language in LANGUAGES:
        if language not in labels:
            raise FrameworkError("missing language", file=file, key=f"{key}.{language}")
        value = labels[language]
        if not isinstance(value, str) or not value.strip():
            raise FrameworkError("must be non-empty text", file=file, key=f"{key}.{language}")
    unknown = sorted(labels.keys() - set(LANGUAGES))
    if unknown:
        raise FrameworkError(
            f"unknown language; expected {', '.join(LANGUAGES)}",
            file=file,
            key=f"{key}.{unknown[0]}",
        )
    return MappingProxyType({language: labels[language].strip() for language in LANGUAGES})


def _weight(raw: Mapping[str, Any], file: Path, prefix: str) -> float:
    """Check an optional weight (default 1): a number above 0."""
    value = raw.get("weight", 1.0)
    key = _join(prefix, "weight")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FrameworkError(f"weight must be a number, not {value!r}", file=file, key=key)
    if not value > 0 or value == float("inf"):
        raise FrameworkError(
            f"weight {value!r} must be a finite number above 0", file=file, key=key
        )
    return float(value)


def _parse_meta(file: Path, raw: Any) -> dict[str, Any]:
    if raw is None:
        raise FrameworkError("missing [meta] table", file=file, key="meta")
    meta = _table(raw, file, "meta")
    _check_keys(meta, _META_KEYS, file, "meta", "unknown field in [meta]")
    return {
        "slug": _slug(meta, file, "meta"),
        "version": _text(meta, "version", file, "meta"),
        "title": _labels(meta, "title", file, "meta"),
        "aggregation": _choice(meta, "aggregation", AGGREGATIONS, file, "meta"),
        "weighting": _choice(meta, "weighting", WEIGHTINGS, file, "meta"),
        "source": _text(meta, "source", file, "meta"),
    }


def _parse_options(raw: Any, file: Path, prefix: str) -> tuple[Option, ...]:
    key = _join(prefix, "options")
    if raw is None:
        raise FrameworkError("missing options", file=file, key=key)
    if not isinstance(raw, list) or len(raw) < 2:
        raise FrameworkError("options must be a list of at least two options", file=file, key=key)
    options: list[Option] = []
    for position, raw_option in enumerate(raw, start=1):
        option_table = _table(raw_option, file, f"{key}[{position}]")
        value = _slug(option_table, file, f"{key}[{position}]", "value")
        option_key = f"{key}.{value}"
        _check_keys(
            option_table,
            _OPTION_KEYS,
            file,
            option_key,
            "unknown field; expected value, score, labels",
        )
        if value == NOT_APPLICABLE:
            raise FrameworkError(
                f"{NOT_APPLICABLE!r} is reserved: use allow_not_applicable on the question",
                file=file,
                key=f"{option_key}.value",
            )
        if any(option.value == value for option in options):
            raise FrameworkError("duplicate option value", file=file, key=f"{option_key}.value")
        score = option_table.get("score")
        if isinstance(score, bool) or not isinstance(score, int):
            raise FrameworkError(
                f"score must be a whole number, not {score!r}", file=file, key=f"{option_key}.score"
            )
        if not MIN_SCORE <= score <= MAX_SCORE:
            raise FrameworkError(
                f"score {score} is outside {MIN_SCORE}–{MAX_SCORE}",
                file=file,
                key=f"{option_key}.score",
            )
        labels = _labels(option_table, "labels", file, option_key)
        options.append(Option(value=value, score=score, labels=labels))
    return tuple(options)


def _parse_scales(file: Path, raw: Any) -> dict[str, Scale]:
    scales: dict[str, Scale] = {}
    if raw is None:
        return scales
    for position, raw_scale in enumerate(_array_of_tables(raw, file, "scale", "scale"), start=1):
        table = _table(raw_scale, file, f"scale[{position}]")
        slug = _slug(table, file, f"scale[{position}]")
        prefix = f"scale.{slug}"
        _check_keys(table, _SCALE_KEYS, file, prefix, "unknown field; expected slug, note, options")
        if slug in scales:
            raise FrameworkError("duplicate scale slug", file=file, key=f"{prefix}.slug")
        note = _text(table, "note", file, prefix) if "note" in table else None
        scales[slug] = Scale(
            slug=slug, options=_parse_options(table.get("options"), file, prefix), note=note
        )
    return scales


def _parse_areas(file: Path, raw: Any, vocabulary: Vocabulary) -> tuple[Area, ...]:
    areas: dict[str, Area] = {}
    dimension_slugs: set[str] = set()
    sectors = {term.slug for term in vocabulary.sectors()}
    for position, raw_area in enumerate(_array_of_tables(raw, file, "area", "area"), start=1):
        table = _table(raw_area, file, f"area[{position}]")
        slug = _slug(table, file, f"area[{position}]")
        prefix = f"area.{slug}"
        _check_keys(
            table, _AREA_KEYS, file, prefix, "unknown field; expected slug, kind, weight, labels"
        )
        if slug in areas:
            raise FrameworkError("duplicate area slug", file=file, key=f"{prefix}.slug")
        kind = _choice(table, "kind", AREA_KINDS, file, prefix)
        if kind == "sector" and slug not in sectors:
            raise FrameworkError(
                f"a sector area must be a service sector of vocabulary {vocabulary.version}: "
                f"{', '.join(sorted(sectors))}",
                file=file,
                key=f"{prefix}.slug",
            )
        weight = _weight(table, file, prefix)
        labels = _labels(table, "labels", file, prefix)
        dimensions: list[Dimension] = []
        raw_dimensions = _array_of_tables(
            table.get("dimension"), file, f"{prefix}.dimension", "area.dimension"
        )
        for dimension_position, raw_dimension in enumerate(raw_dimensions, start=1):
            dimension_table = _table(
                raw_dimension, file, f"{prefix}.dimension[{dimension_position}]"
            )
            dimension_slug = _slug(
                dimension_table, file, f"{prefix}.dimension[{dimension_position}]"
            )
            dimension_prefix = f"{prefix}.dimension.{dimension_slug}"
            _check_keys(
                dimension_table,
                _DIMENSION_KEYS,
                file,
                dimension_prefix,
                "unknown field; expected slug, weight, labels",
            )
            if dimension_slug in dimension_slugs:
                raise FrameworkError(
                    "duplicate dimension slug; dimension slugs are unique across the framework",
                    file=file,
                    key=f"{dimension_prefix}.slug",
                )
            dimension_slugs.add(dimension_slug)
            dimensions.append(
                Dimension(
                    slug=dimension_slug,
                    area=slug,
                    weight=_weight(dimension_table, file, dimension_prefix),
                    labels=_labels(dimension_table, "labels", file, dimension_prefix),
                )
            )
        areas[slug] = Area(
            slug=slug, kind=kind, weight=weight, labels=labels, dimensions=tuple(dimensions)
        )
    return tuple(areas.values())


def _parse_question_file(
    file: Path,
    vocabulary: Vocabulary,
    scales: Mapping[str, Scale],
    dimension_area: Mapping[str, str],
    defined_in: dict[str, Path],
) -> list[Question]:
    """Check one q-<area>.toml file and return its questions; record where each is defined."""
    match = _QUESTION_FILE_NAME.fullmatch(file.name)
    if match is None:
        raise FrameworkError(
            f"unknown file; a framework holds {FRAMEWORK_FILE} and q-<area>.toml files", file=file
        )
    data = _read_toml(file)
    _check_keys(data, _QUESTION_FILE_KEYS, file, "", "unknown table; expected [meta], [[question]]")
    if data.get("meta") is None:
        raise FrameworkError("missing [meta] table", file=file, key="meta")
    meta = _table(data["meta"], file, "meta")
    _check_keys(meta, _QUESTION_META_KEYS, file, "meta", "unknown field in [meta]; expected area")
    area = _slug(meta, file, "meta", "area")
    if area not in set(dimension_area.values()):
        raise FrameworkError(f"unknown area {area!r}", file=file, key="meta.area")
    if match["area"] != area:
        raise FrameworkError(
            f"meta.area {area!r} differs from the file name; name the file q-{area}.toml",
            file=file,
            key="meta.area",
        )

    questions: list[Question] = []
    raw_questions = _array_of_tables(data.get("question"), file, "question", "question")
    for position, raw in enumerate(raw_questions, start=1):
        table = _table(raw, file, f"question[{position}]")
        slug = _slug(table, file, f"question[{position}]")
        prefix = f"question.{slug}"
        if len(slug) > QUESTION_SLUG_MAX_LENGTH or not slug[0].isalpha():
            raise FrameworkError(
                f"a question slug starts with a letter and has at most "
                f"{QUESTION_SLUG_MAX_LENGTH} characters (it becomes an XLSForm field name); "
                f"{slug!r} has {len(slug)}",
                file=file,
                key=f"{prefix}.slug",
            )
        _check_keys(
            table,
            _QUESTION_KEYS,
            file,
            prefix,
            f"unknown field; expected {', '.join(sorted(_QUESTION_KEYS))}",
        )
        if slug in defined_in:
            where = "earlier in this file" if defined_in[slug] == file else f"in {defined_in[slug]}"
            raise FrameworkError(
                f"duplicate question slug, already defined {where}", file=file, key=f"{prefix}.slug"
            )
        defined_in[slug] = file
        questions.append(
            _parse_question(file, table, slug, area, vocabulary, scales, dimension_area)
        )
    return questions


def _parse_question(
    file: Path,
    table: Mapping[str, Any],
    slug: str,
    area: str,
    vocabulary: Vocabulary,
    scales: Mapping[str, Scale],
    dimension_area: Mapping[str, str],
) -> Question:
    prefix = f"question.{slug}"
    dimension = _slug(table, file, prefix, "dimension")
    if dimension not in dimension_area:
        raise FrameworkError(
            f"unknown dimension {dimension!r}", file=file, key=f"{prefix}.dimension"
        )
    if dimension_area[dimension] != area:
        raise FrameworkError(
            f"dimension {dimension!r} belongs to area {dimension_area[dimension]!r}, "
            f"but this file's meta.area is {area!r}",
            file=file,
            key=f"{prefix}.dimension",
        )
    asks_about = _choice(table, "asks_about", ASKS_ABOUT, file, prefix)

    tags: dict[str, tuple[str, ...]] = {}
    for field, kind in _QUESTION_TAGS:
        tags[field] = _tag_list(table, field, kind, vocabulary, file, prefix)

    has_scale, has_options = "scale" in table, "options" in table
    if has_scale == has_options:
        raise FrameworkError(
            "give either scale (a [[scale]] of framework.toml) or inline options, not "
            + ("both" if has_scale else "neither"),
            file=file,
            key=f"{prefix}.scale",
        )
    scale: str | None = None
    if has_scale:
        scale = _slug(table, file, prefix, "scale")
        if scale not in scales:
            raise FrameworkError(
                f"unknown scale {scale!r}; framework.toml defines {', '.join(scales) or 'none'}",
                file=file,
                key=f"{prefix}.scale",
            )
        options = scales[scale].options
    else:
        options = _parse_options(table["options"], file, prefix)

    allow_not_applicable = table.get("allow_not_applicable", False)
    if not isinstance(allow_not_applicable, bool):
        raise FrameworkError(
            "allow_not_applicable must be true or false",
            file=file,
            key=f"{prefix}.allow_not_applicable",
        )
    pairs_with = _slug(table, file, prefix, "pairs_with") if "pairs_with" in table else None

    texts = {field: _labels(table, field, file, prefix) for field in _QUESTION_LABEL_FIELDS}
    return Question(
        slug=slug,
        area=area,
        dimension=dimension,
        asks_about=asks_about,
        services=tags["services"],
        groups=tags["groups"],
        barriers=tags["barriers"],
        scale=scale,
        options=options,
        allow_not_applicable=allow_not_applicable,
        weight=_weight(table, file, prefix),
        text=texts["text"],
        guidance=texts["guidance"],
        evidence=texts["evidence"],
        source=_text(table, "source", file, prefix),
        pairs_with=pairs_with,
    )


def _tag_list(
    table: Mapping[str, Any],
    field: str,
    kind: str,
    vocabulary: Vocabulary,
    file: Path,
    prefix: str,
) -> tuple[str, ...]:
    """Check a list of vocabulary slugs (required, may be empty)."""
    key = _join(prefix, field)
    raw = table.get(field)
    if raw is None:
        raise FrameworkError(f"missing {field}; write {field} = [] for none", file=file, key=key)
    if not isinstance(raw, list) or not all(isinstance(slug, str) for slug in raw):
        raise FrameworkError(f"{field} must be a list of {kind} slugs", file=file, key=key)
    unknown = vocabulary.validate_slugs(kind, raw)
    if unknown:
        raise FrameworkError(
            f"unknown {kind} {unknown[0]!r} in vocabulary {vocabulary.version}", file=file, key=key
        )
    if len(set(raw)) != len(raw):
        duplicate = next(slug for slug in raw if raw.count(slug) > 1)
        raise FrameworkError(f"{kind} {duplicate!r} is listed twice", file=file, key=key)
    return tuple(raw)


def _check_pair(question: Question, questions: Mapping[str, Question], file: Path) -> None:
    """A practice question may name the law question of its area whose promise it checks."""
    if question.pairs_with is None:
        return
    key = f"question.{question.slug}.pairs_with"
    if question.asks_about != "practice":
        raise FrameworkError(
            "only a practice question pairs with a law question", file=file, key=key
        )
    law = questions.get(question.pairs_with)
    if law is None:
        raise FrameworkError(f"unknown question {question.pairs_with!r}", file=file, key=key)
    if law.asks_about != "law":
        raise FrameworkError(
            f"{law.slug!r} asks about {law.asks_about}; pairs_with names a law question",
            file=file,
            key=key,
        )
    if law.area != question.area:
        raise FrameworkError(
            f"{law.slug!r} is in area {law.area!r}; pairs_with names a question of the same "
            f"area, {question.area!r}",
            file=file,
            key=key,
        )
