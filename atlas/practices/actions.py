"""Writes to the practice library. Views, the API and the CLI all call these."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from atlas.accounts.models import User
from atlas.core.places import PlaceError
from atlas.core.practice_format import (
    FieldError,
    PracticeRecord,
    RecordError,
    parse_record,
    read_jsonl,
)
from atlas.core.records import ImportRefused, check_records
from atlas.core.vocabulary import default_vocabulary
from atlas.places.actions import resolve_place
from atlas.practices import search
from atlas.practices.models import (
    Actor,
    Event,
    Outcome,
    Practice,
    Replication,
    Source,
    Tag,
    Translation,
)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def import_practices(
    *, rows: Iterable[tuple[int, dict[str, Any]]], user: User | None = None, unit: str = "line"
) -> ImportResult:
    """Import raw records (from read_jsonl or read_csv) all-or-nothing.

    Every record is checked first; any error refuses the whole file with
    ImportRefused listing each bad line (or CSV row: `unit`) and field. Records are matched to
    existing practices by slug and replace them.
    """
    vocabulary = default_vocabulary()
    records, errors = check_records(
        rows,
        lambda raw: parse_record(raw, vocabulary=vocabulary),
        key=lambda record: record.slug,
        key_field="slug",
        unit=unit,
    )
    in_file = {record.slug for _line, record in records}
    known = in_file | set(Practice.objects.values_list("slug", flat=True))
    for line, record in records:
        for index, replication in enumerate(record.replications):
            if replication.practice and replication.practice not in known:
                errors.append(
                    RecordError(
                        line,
                        f"replications[{index}].practice",
                        f"no practice has the slug {replication.practice!r}",
                        unit,
                    )
                )
    if errors:
        raise ImportRefused(errors)
    created = updated = 0
    with transaction.atomic():
        saved: list[tuple[Practice, PracticeRecord]] = []
        for line, record in records:
            try:
                practice, is_new = save_record(record=record, user=user, verb=Event.Verb.IMPORTED)
            except PlaceError as error:
                raise ImportRefused([RecordError(line, "places", str(error), unit)]) from None
            saved.append((practice, record))
            created += is_new
            updated += not is_new
        # Replications may point at practices later in the same file.
        for practice, record in saved:
            save_replications(practice=practice, record=record)
            search.index_practice(practice)
    return ImportResult(created=created, updated=updated)


def save_record(*, record: PracticeRecord, user: User | None, verb: str) -> tuple[Practice, bool]:
    """Create or replace one practice and its parts from a checked record.

    Replications and the search index are left to the caller, which may
    need every practice of a batch saved first.
    """
    practice = Practice.objects.filter(slug=record.slug).first()
    is_new = practice is None
    if practice is None:
        practice = Practice(slug=record.slug)
    practice.title = record.title
    practice.summary = record.summary
    practice.description = record.description
    practice.language = record.language
    practice.year_started = record.year_started
    practice.year_ended = record.year_ended
    practice.year_note = record.year_note
    practice.evidence_level = record.evidence_level
    practice.source_notes = record.source_notes
    practice.last_verified = record.last_verified
    practice.status = record.status
    if record.status == Practice.Status.PUBLISHED and practice.published_at is None:
        practice.published_at = timezone.now()
    practice.save()
    if not is_new:
        for related in (
            practice.tag_set,
            practice.actors,
            practice.outcomes,
            practice.translations,
        ):
            related.all().delete()
        practice.sources.all().delete()
    practice.places.set([resolve_place(ref) for ref in record.places])
    Tag.objects.bulk_create(
        Tag(practice=practice, kind=kind, slug=slug)
        for kind, slugs in record.tags().items()
        for slug in slugs
    )
    Actor.objects.bulk_create(
        Actor(practice=practice, name=a.name, actor_type=a.type, role=a.role, position=i)
        for i, a in enumerate(record.actors)
    )
    sources = Source.objects.bulk_create(
        Source(
            practice=practice,
            title=s.title,
            url=s.url,
            year=s.year,
            accessed=s.accessed,
            position=i,
        )
        for i, s in enumerate(record.sources)
    )
    by_url = {source.url: source for source in sources}
    Outcome.objects.bulk_create(
        Outcome(
            practice=practice,
            text=o.text,
            figure=o.figure,
            unit=o.unit,
            year=o.year,
            source=by_url.get(o.source) if o.source else None,
            position=i,
        )
        for i, o in enumerate(record.outcomes)
    )
    Translation.objects.bulk_create(
        Translation(
            practice=practice,
            language=code,
            title=t.title,
            summary=t.summary,
            description=t.description,
        )
        for code, t in record.translations.items()
    )
    Event.objects.create(practice=practice, verb=verb, user=user)
    return practice, is_new


def save_replications(*, practice: Practice, record: PracticeRecord) -> None:
    practice.replications.all().delete()
    targets = dict(
        Practice.objects.filter(
            slug__in=[r.practice for r in record.replications if r.practice]
        ).values_list("slug", "id")
    )
    Replication.objects.bulk_create(
        Replication(
            practice=practice,
            target_id=targets.get(r.practice) if r.practice else None,
            place=resolve_place(r.place) if r.place else None,
            note=r.note,
            position=i,
        )
        for i, r in enumerate(record.replications)
    )


@transaction.atomic
def submit_practice(
    *, record: PracticeRecord, user: User | None, submitter_name: str, submitter_contact: str
) -> Practice:
    """Store a public submission for review. It is never published by this step."""
    if Practice.objects.filter(slug=record.slug).exists():
        raise FieldError("slug", "a practice with this slug already exists")
    practice, _is_new = save_record(
        record=record_with_status(record, Practice.Status.SUBMITTED),
        user=user,
        verb=Event.Verb.SUBMITTED,
    )
    practice.submitted_by = user
    practice.submitter_name = submitter_name
    practice.submitter_contact = submitter_contact
    practice.save(update_fields=["submitted_by", "submitter_name", "submitter_contact"])
    save_replications(practice=practice, record=record)
    return practice


def record_with_status(record: PracticeRecord, status: str) -> PracticeRecord:
    return replace(record, status=status, last_verified=None)


@transaction.atomic
def publish_practice(*, practice: Practice, user: User, note: str = "") -> Practice:
    """Publish a practice after review: it becomes public, searchable and enters the feed."""
    practice.status = Practice.Status.PUBLISHED
    practice.published_at = practice.published_at or timezone.now()
    practice.save(update_fields=["status", "published_at", "updated_at"])
    Event.objects.create(practice=practice, verb=Event.Verb.PUBLISHED, user=user, note=note)
    search.index_practice(practice)
    return practice


@transaction.atomic
def archive_practice(*, practice: Practice, user: User, note: str = "") -> Practice:
    """Withdraw a practice from public view, keeping it and its history."""
    practice.status = Practice.Status.ARCHIVED
    practice.save(update_fields=["status", "updated_at"])
    Event.objects.create(practice=practice, verb=Event.Verb.ARCHIVED, user=user, note=note)
    search.index_practice(practice)
    return practice


@transaction.atomic
def record_change(*, practice: Practice, user: User | None, note: str = "") -> None:
    """Note an editor's change in the history and refresh the search index."""
    Event.objects.create(practice=practice, verb=Event.Verb.CHANGED, user=user, note=note)
    search.index_practice(practice)


def export_record(practice: Practice) -> dict[str, Any]:
    """One practice in the interchange format (docs/formats.md), fields listed explicitly."""
    return {
        "slug": practice.slug,
        "title": practice.title,
        "summary": practice.summary,
        "description": practice.description,
        "language": practice.language,
        "places": [place.as_reference() for place in practice.places.all()],
        "year_started": practice.year_started,
        "year_ended": practice.year_ended,
        "year_note": practice.year_note or None,
        "actors": [
            {"name": a.name, "type": a.actor_type, "role": a.role} for a in practice.actors.all()
        ],
        "services": practice.tags("service"),
        "groups": practice.tags("group"),
        "barriers": practice.tags("barrier"),
        "measures": practice.tags("measure"),
        "outcomes": [
            {
                "text": o.text,
                "figure": figure_value(o),
                "unit": o.unit,
                "year": o.year,
                "source": o.source.url if o.source else None,
            }
            for o in practice.outcomes.all()
        ],
        "evidence_level": practice.evidence_level,
        "replications": [
            {
                "practice": r.target.slug if r.target else None,
                "place": r.place.as_reference() if r.place else None,
                "note": r.note,
            }
            for r in practice.replications.all()
        ],
        "source_notes": practice.source_notes or None,
        "sources": [
            {
                "title": s.title,
                "url": s.url,
                "year": s.year,
                "accessed": s.accessed.isoformat() if s.accessed else None,
            }
            for s in practice.sources.all()
        ],
        "last_verified": practice.last_verified.isoformat() if practice.last_verified else None,
        "status": practice.status,
        "translations": {
            t.language: {"title": t.title, "summary": t.summary, "description": t.description}
            for t in practice.translations.all()
        },
    }


def figure_value(outcome: Outcome) -> int | float | None:
    if outcome.figure is None:
        return None
    value = outcome.figure.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def export_queryset() -> Any:
    return Practice.objects.prefetch_related(
        "places__parent",
        "actors",
        "tag_set",
        "outcomes__source",
        "sources",
        "translations",
        "replications__target",
        "replications__place__parent",
    ).order_by("slug")


STARTER_DIR = Path(__file__).resolve().parent / "starter"


def import_starter_practices() -> ImportResult:
    """Import the starter library, skipping practices already present (safe to run again)."""
    existing = set(Practice.objects.values_list("slug", flat=True))
    rows: list[tuple[int, dict[str, Any]]] = []
    for path in sorted(STARTER_DIR.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line, raw in read_jsonl(handle):
                if raw.get("slug") not in existing:
                    rows.append((line, raw))
    if not rows:
        return ImportResult(created=0, updated=0)
    return import_practices(rows=rows)


def submission_slug(title: str) -> str:
    """A new, unguessable slug for a proposed practice."""
    return f"{slugify(title)[:80] or 'practice'}-{secrets.token_hex(3)}"
