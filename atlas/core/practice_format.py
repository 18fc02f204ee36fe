"""The practice interchange format: JSON Lines and CSV with the same fields.

`read_jsonl` and `read_csv` (atlas.core.records) turn a file into raw
records; `parse_record` checks one raw record against the format and the
shared vocabulary and returns a `PracticeRecord`. Every error names the line (or CSV row) and the
field, e.g. ``line 3, field services[1]: unknown service 'helth'``. The
format is documented in docs/formats.md.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from atlas.core import records
from atlas.core.languages import LANGUAGES
from atlas.core.places import PlaceRef
from atlas.core.records import (
    SLUG,
    FieldError,
    RecordError,
    SourceRecord,
    date_value,
    list_value,
    object_value,
    parse_place,
    parse_source,
    read_jsonl,
    text_value,
    year_value,
)
from atlas.core.vocabulary import Vocabulary

__all__ = [
    "FIELDS",
    "FieldError",
    "PracticeRecord",
    "RecordError",
    "parse_record",
    "read_csv",
    "read_jsonl",
    "write_csv",
    "write_jsonl",
]

FIELDS: tuple[str, ...] = (
    "slug",
    "title",
    "summary",
    "description",
    "language",
    "places",
    "year_started",
    "year_ended",
    "year_note",
    "actors",
    "services",
    "groups",
    "barriers",
    "measures",
    "outcomes",
    "evidence_level",
    "replications",
    "source_notes",
    "sources",
    "last_verified",
    "status",
    "translations",
)
REQUIRED: frozenset[str] = frozenset(
    {"slug", "title", "summary", "description", "places", "actors", "sources"}
)
# CSV cells holding a list of vocabulary slugs separate them with this.
SLUG_SEPARATOR = ";"
TAG_FIELDS: dict[str, str] = {
    "services": "service",
    "groups": "group",
    "barriers": "barrier",
    "measures": "measure",
}
# CSV cells holding structured values carry them as JSON.
JSON_FIELDS = frozenset({"places", "actors", "outcomes", "replications", "sources", "translations"})
EVIDENCE_LEVELS = ("evaluated", "outcomes-reported", "described")
STATUSES = ("draft", "submitted", "published", "archived")
ACTOR_ROLES = ("lead", "partner")


@dataclass(frozen=True)
class ActorRecord:
    name: str
    type: str
    role: str


@dataclass(frozen=True)
class OutcomeRecord:
    text: str
    figure: Decimal | None
    unit: str
    year: int | None
    source: str | None


@dataclass(frozen=True)
class ReplicationRecord:
    practice: str | None
    place: PlaceRef | None
    note: str


@dataclass(frozen=True)
class TranslationRecord:
    title: str
    summary: str
    description: str


@dataclass(frozen=True)
class PracticeRecord:
    slug: str
    title: str
    summary: str
    description: str
    language: str
    places: tuple[PlaceRef, ...]
    year_started: int | None
    year_ended: int | None
    year_note: str
    actors: tuple[ActorRecord, ...]
    services: tuple[str, ...]
    groups: tuple[str, ...]
    barriers: tuple[str, ...]
    measures: tuple[str, ...]
    outcomes: tuple[OutcomeRecord, ...]
    evidence_level: str
    replications: tuple[ReplicationRecord, ...]
    source_notes: str
    sources: tuple[SourceRecord, ...]
    last_verified: date | None
    status: str
    translations: Mapping[str, TranslationRecord] = field(default_factory=dict)

    def tags(self) -> dict[str, tuple[str, ...]]:
        return {kind: getattr(self, name) for name, kind in TAG_FIELDS.items()}


def parse_record(raw: Mapping[str, Any], *, vocabulary: Vocabulary) -> PracticeRecord:
    """Check one raw record and return it typed; raise FieldError naming the field."""
    unknown = [key for key in raw if key not in FIELDS]
    if unknown:
        raise FieldError(unknown[0], "unknown field")
    for name in FIELDS:
        if name in REQUIRED and (name not in raw or raw[name] in (None, "", [])):
            raise FieldError(name, "is required")
    slug = text_value(raw, "slug", 120)
    if not SLUG.match(slug):
        raise FieldError("slug", "use lower-case letters, digits and single hyphens")
    language = text_value(raw, "language", 5, default="en")
    if language not in LANGUAGES:
        raise FieldError("language", f"must be one of {', '.join(LANGUAGES)}")
    tags: dict[str, tuple[str, ...]] = {}
    for name, kind in TAG_FIELDS.items():
        values = list_value(raw, name)
        slugs = []
        for index, value in enumerate(values):
            if not isinstance(value, str) or not vocabulary.has(kind, value):
                raise FieldError(f"{name}[{index}]", f"unknown {kind} {value!r}")
            slugs.append(value)
        tags[name] = tuple(dict.fromkeys(slugs))
    sources = tuple(
        parse_source(item, f"sources[{i}]") for i, item in enumerate(list_value(raw, "sources"))
    )
    source_urls = {source.url for source in sources}
    year_started = year_value(raw, "year_started")
    year_ended = year_value(raw, "year_ended")
    if year_started and year_ended and year_ended < year_started:
        raise FieldError("year_ended", "is before year_started")
    evidence = text_value(raw, "evidence_level", 20, default="described")
    if evidence not in EVIDENCE_LEVELS:
        raise FieldError("evidence_level", f"must be one of {', '.join(EVIDENCE_LEVELS)}")
    status = text_value(raw, "status", 12, default="draft")
    if status not in STATUSES:
        raise FieldError("status", f"must be one of {', '.join(STATUSES)}")
    return PracticeRecord(
        slug=slug,
        title=text_value(raw, "title", 200),
        summary=text_value(raw, "summary", 600),
        description=text_value(raw, "description", 20_000),
        language=language,
        places=tuple(
            parse_place(item, f"places[{i}]") for i, item in enumerate(list_value(raw, "places"))
        ),
        year_started=year_started,
        year_ended=year_ended,
        year_note=text_value(raw, "year_note", 2000, default=""),
        actors=tuple(
            parse_actor(item, f"actors[{i}]", vocabulary)
            for i, item in enumerate(list_value(raw, "actors"))
        ),
        services=tags["services"],
        groups=tags["groups"],
        barriers=tags["barriers"],
        measures=tags["measures"],
        outcomes=tuple(
            parse_outcome(item, f"outcomes[{i}]", source_urls)
            for i, item in enumerate(list_value(raw, "outcomes"))
        ),
        evidence_level=evidence,
        replications=tuple(
            parse_replication(item, f"replications[{i}]")
            for i, item in enumerate(list_value(raw, "replications"))
        ),
        source_notes=text_value(raw, "source_notes", 5000, default=""),
        sources=sources,
        last_verified=date_value(raw, "last_verified"),
        status=status,
        translations=parse_translations(raw.get("translations") or {}, language),
    )


def parse_actor(item: Any, path: str, vocabulary: Vocabulary) -> ActorRecord:
    obj = object_value(item, path, ("name", "type", "role"))
    actor_type = text_value(obj, "type", 40) if obj.get("type") else ""
    if not vocabulary.has("actor-type", actor_type):
        raise FieldError(f"{path}.type", f"unknown actor type {actor_type!r}")
    role = obj.get("role") or "lead"
    if role not in ACTOR_ROLES:
        raise FieldError(f"{path}.role", "must be lead or partner")
    try:
        name = text_value(obj, "name", 200)
    except FieldError as error:
        raise FieldError(f"{path}.name", error.message) from None
    return ActorRecord(name=name, type=actor_type, role=role)


def parse_outcome(item: Any, path: str, source_urls: set[str]) -> OutcomeRecord:
    obj = object_value(item, path, ("text", "figure", "unit", "year", "source"))
    try:
        text = text_value(obj, "text", 2000)
        unit = text_value(obj, "unit", 60, default="")
        year = year_value(obj, "year")
    except FieldError as error:
        raise FieldError(f"{path}.{error.field}", error.message) from None
    figure_raw = obj.get("figure")
    figure: Decimal | None = None
    if figure_raw not in (None, ""):
        if isinstance(figure_raw, bool):
            raise FieldError(f"{path}.figure", "must be a number")
        try:
            figure = Decimal(str(figure_raw))
        except InvalidOperation:
            raise FieldError(f"{path}.figure", f"must be a number, not {figure_raw!r}") from None
        if not figure.is_finite() or abs(figure) >= Decimal("1e12"):
            raise FieldError(f"{path}.figure", "must be a finite number below 10^12")
    source = obj.get("source") or None
    if source is not None and source not in source_urls:
        raise FieldError(f"{path}.source", "must be the url of one of the record's sources")
    return OutcomeRecord(text=text, figure=figure, unit=unit, year=year, source=source)


def parse_replication(item: Any, path: str) -> ReplicationRecord:
    obj = object_value(item, path, ("practice", "place", "note"))
    practice = obj.get("practice") or None
    if practice is not None and (not isinstance(practice, str) or not SLUG.match(practice)):
        raise FieldError(f"{path}.practice", "must be the slug of a practice")
    place = parse_place(obj["place"], f"{path}.place") if obj.get("place") else None
    if practice is None and place is None:
        raise FieldError(path, "needs a practice or a place")
    try:
        note = text_value(obj, "note", 2000, default="")
    except FieldError as error:
        raise FieldError(f"{path}.note", error.message) from None
    return ReplicationRecord(practice=practice, place=place, note=note)


def parse_translations(value: Any, language: str) -> dict[str, TranslationRecord]:
    if not isinstance(value, dict):
        raise FieldError("translations", "must be an object keyed by language")
    translations = {}
    for code, item in value.items():
        path = f"translations.{code}"
        if code not in LANGUAGES or code == language:
            raise FieldError(path, "must be another of the eight interface languages")
        obj = object_value(item, path, ("title", "summary", "description"))
        try:
            translations[code] = TranslationRecord(
                title=text_value(obj, "title", 200),
                summary=text_value(obj, "summary", 600),
                description=text_value(obj, "description", 20_000),
            )
        except FieldError as error:
            raise FieldError(f"{path}.{error.field}", error.message) from None
    return translations


def read_csv(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Raw practice records from CSV (see atlas.core.records.read_csv)."""
    return records.read_csv(
        text,
        fields=FIELDS,
        required=REQUIRED,
        json_fields=JSON_FIELDS,
        list_fields=TAG_FIELDS,
        separator=SLUG_SEPARATOR,
    )


def write_jsonl(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    return records.write_jsonl(rows, fields=FIELDS)


def write_csv(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    return records.write_csv(
        rows,
        fields=FIELDS,
        json_fields=JSON_FIELDS,
        list_fields=TAG_FIELDS,
        separator=SLUG_SEPARATOR,
    )
