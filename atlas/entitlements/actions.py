"""Writes to the entitlements map. Views, the admin, the API and the CLI call these."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from atlas.accounts.models import User
from atlas.core.entitlement_format import FIELDS, EntitlementRecord, parse_entitlement
from atlas.core.places import PlaceError
from atlas.core.records import ImportRefused, RecordError, SourceRecord, check_records, read_jsonl
from atlas.core.vocabulary import default_vocabulary
from atlas.entitlements.models import Entitlement, EntitlementSource
from atlas.places.actions import resolve_place

STARTER_FILE = Path(__file__).resolve().parent / "starter" / "entitlements.jsonl"
# The fields a change may touch: place, service and group identify the fact, the
# period is what a change opens and closes, and sources are kept in their own rows.
AMENDABLE = tuple(
    name
    for name in FIELDS
    if name not in {"place", "service", "group", "effective_from", "effective_to", "sources"}
)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    closed: int


def import_entitlements(
    *, rows: Iterable[tuple[int, dict[str, Any]]], user: User | None = None, unit: str = "line"
) -> ImportResult:
    """Import raw entitlement records all-or-nothing.

    A record whose (place, service, group, effective_from) exists replaces that
    period's values; a record starting later than the period in force closes
    that period on its start date, so the history is kept.
    """
    vocabulary = default_vocabulary()
    records, errors = check_records(
        rows,
        lambda raw: parse_entitlement(raw, vocabulary=vocabulary),
        key=lambda record: record.key,
        key_field="effective_from",
        unit=unit,
    )
    if errors:
        raise ImportRefused(errors)
    created = updated = closed = 0
    with transaction.atomic():
        # Earlier periods first, so a later one closes them.
        ordered = sorted(records, key=lambda item: item[1].effective_from or date.min)
        for line, record in ordered:
            try:
                place = resolve_place(record.place)
            except PlaceError as error:
                raise ImportRefused([RecordError(line, "place", str(error), unit)]) from None
            outcome = save_record(record=record, place_id=place.pk, user=user)
            created += outcome == "created"
            updated += outcome == "updated"
            closed += outcome == "closed-previous"
    return ImportResult(created=created + closed, updated=updated, closed=closed)


def save_record(*, record: EntitlementRecord, place_id: int, user: User | None) -> str:
    values = {name: getattr(record, name) for name in AMENDABLE}
    values["effective_to"] = record.effective_to
    existing = Entitlement.objects.filter(
        place_id=place_id,
        service=record.service,
        group=record.group,
        effective_from=record.effective_from,
    ).first()
    if existing is not None:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        replace_sources(existing, record.sources)
        return "updated"
    outcome = "created"
    if record.effective_from is not None:
        previous = (
            Entitlement.objects.filter(
                place_id=place_id, service=record.service, group=record.group
            )
            .in_force(record.effective_from)
            .first()
        )
        if previous is not None and (
            previous.effective_from is None or previous.effective_from < record.effective_from
        ):
            previous.effective_to = record.effective_from
            previous.save(update_fields=["effective_to"])
            outcome = "closed-previous"
    entitlement = Entitlement.objects.create(
        place_id=place_id,
        service=record.service,
        group=record.group,
        effective_from=record.effective_from,
        recorded_by=user,
        **values,
    )
    replace_sources(entitlement, record.sources)
    return outcome


def replace_sources(entitlement: Entitlement, sources: Iterable[SourceRecord]) -> None:
    entitlement.sources.all().delete()
    EntitlementSource.objects.bulk_create(
        EntitlementSource(
            entitlement=entitlement,
            title=s.title,
            url=s.url,
            year=s.year,
            accessed=s.accessed,
            position=i,
        )
        for i, s in enumerate(sources)
    )


class AmendmentRefused(ValueError):
    pass


@transaction.atomic
def amend_entitlement(
    *,
    entitlement: Entitlement,
    changes: Mapping[str, Any],
    effective_from: date,
    sources: Sequence[SourceRecord] = (),
    user: User | None,
) -> Entitlement:
    """Record a change: close the period in force and open a new one from `effective_from`.

    The old row is kept unchanged apart from its end date, so the map for an
    earlier date still shows the earlier value. Without new sources the new
    period keeps the old period's sources.
    """
    unknown = set(changes) - set(AMENDABLE)
    if unknown:
        raise AmendmentRefused(f"these fields cannot change: {', '.join(sorted(unknown))}")
    current = Entitlement.objects.select_for_update().get(pk=entitlement.pk)
    if current.effective_to is not None:
        raise AmendmentRefused("only the period in force can change; this one has ended")
    if current.effective_from is not None and effective_from <= current.effective_from:
        raise AmendmentRefused("a change must take effect after the period it replaces began")
    old_sources = [
        SourceRecord(title=s.title, url=s.url, year=s.year, accessed=s.accessed)
        for s in current.sources.all()
    ]
    current.effective_to = effective_from
    current.save(update_fields=["effective_to"])
    values = {name: getattr(current, name) for name in AMENDABLE}
    values.update(changes)
    new = Entitlement.objects.create(
        place_id=current.place_id,
        service=current.service,
        group=current.group,
        effective_from=effective_from,
        recorded_by=user,
        recorded_at=timezone.now(),
        **values,
    )
    replace_sources(new, sources or old_sources)
    return new


def import_starter_entitlements() -> ImportResult:
    """Load the starter map unless entitlements are already recorded (safe to run again)."""
    if Entitlement.objects.exists() or not STARTER_FILE.exists():
        return ImportResult(created=0, updated=0, closed=0)
    with STARTER_FILE.open(encoding="utf-8") as handle:
        return import_entitlements(rows=list(read_jsonl(handle)))


def export_record(entitlement: Entitlement) -> dict[str, Any]:
    """One entitlement in the interchange format, fields listed explicitly."""
    return {
        "place": entitlement.place.as_reference(),
        "service": entitlement.service,
        "group": entitlement.group,
        "effective_from": iso(entitlement.effective_from),
        "effective_to": iso(entitlement.effective_to),
        "law_level": entitlement.law_level,
        "practice_level": entitlement.practice_level,
        "practice_evidence": entitlement.practice_evidence or None,
        "cost": entitlement.cost,
        "documents": entitlement.documents,
        "firewall": entitlement.firewall,
        "firewall_detail": entitlement.firewall_detail or None,
        "conditions": entitlement.conditions or None,
        "legal_basis": entitlement.legal_basis or None,
        "legal_basis_url": entitlement.legal_basis_url or None,
        "notes": entitlement.notes or None,
        "source_notes": entitlement.source_notes or None,
        "source_year": entitlement.source_year,
        "sources": [
            {"title": s.title, "url": s.url, "year": s.year, "accessed": iso(s.accessed)}
            for s in entitlement.sources.all()
        ],
        "last_verified": iso(entitlement.last_verified),
        "verified_by": entitlement.verified_by or None,
    }


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def export_queryset() -> Any:
    return (
        Entitlement.objects.select_related("place__parent")
        .prefetch_related("sources")
        .order_by("place__kind", "place__name", "service", "group", "effective_from")
    )
