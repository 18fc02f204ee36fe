"""The entitlement interchange format: JSON Lines and CSV with the same fields.

One record is one fact about (place, service, group) over a period, as
docs/formats.md describes. `parse_entitlement` checks a raw record against
the format, the scales and the shared vocabulary, and raises FieldError
naming the field.
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from atlas.core import records
from atlas.core.entitlements import COSTS, DOCUMENTS, FIREWALLS, LAW_LEVELS
from atlas.core.places import PlaceRef
from atlas.core.records import (
    URL,
    FieldError,
    SourceRecord,
    date_value,
    list_value,
    parse_place,
    parse_source,
    text_value,
    year_value,
)
from atlas.core.vocabulary import Vocabulary

FIELDS: tuple[str, ...] = (
    "place",
    "service",
    "group",
    "effective_from",
    "effective_to",
    "law_level",
    "practice_level",
    "practice_evidence",
    "cost",
    "documents",
    "firewall",
    "firewall_detail",
    "conditions",
    "legal_basis",
    "legal_basis_url",
    "notes",
    "source_notes",
    "source_year",
    "sources",
    "last_verified",
    "verified_by",
)
REQUIRED = frozenset({"place", "service", "group", "law_level", "sources"})
JSON_FIELDS = frozenset({"place", "sources"})
SCALES: dict[str, tuple[str, ...]] = {
    "law_level": LAW_LEVELS,
    "practice_level": LAW_LEVELS,
    "cost": COSTS,
    "documents": DOCUMENTS,
    "firewall": FIREWALLS,
}


@dataclass(frozen=True)
class EntitlementRecord:
    place: PlaceRef
    service: str
    group: str
    effective_from: date | None
    effective_to: date | None
    law_level: str
    practice_level: str
    practice_evidence: str
    cost: str
    documents: str
    firewall: str
    firewall_detail: str
    conditions: str
    legal_basis: str
    legal_basis_url: str
    notes: str
    source_notes: str
    source_year: int | None
    sources: tuple[SourceRecord, ...]
    last_verified: date | None
    verified_by: str

    @property
    def key(self) -> tuple[PlaceRef, str, str, date | None]:
        return (self.place, self.service, self.group, self.effective_from)


def parse_entitlement(raw: Mapping[str, Any], *, vocabulary: Vocabulary) -> EntitlementRecord:
    """Check one raw entitlement record and return it typed."""
    unknown = [key for key in raw if key not in FIELDS]
    if unknown:
        raise FieldError(unknown[0], "unknown field")
    for name in sorted(REQUIRED):
        if raw.get(name) in (None, "", []):
            raise FieldError(name, "is required")
    service = text_value(raw, "service", 60)
    if not vocabulary.has("service", service):
        raise FieldError("service", f"unknown service {service!r}")
    group = text_value(raw, "group", 60)
    if not vocabulary.has("group", group):
        raise FieldError("group", f"unknown group {group!r}")
    scales = {
        name: scale_value(raw, name, allowed, default=None if name == "law_level" else "unclear")
        for name, allowed in SCALES.items()
    }
    effective_from = date_value(raw, "effective_from")
    effective_to = date_value(raw, "effective_to")
    if effective_from and effective_to and effective_to <= effective_from:
        raise FieldError("effective_to", "must be after effective_from")
    legal_basis_url = text_value(raw, "legal_basis_url", 500, default="")
    if legal_basis_url and not URL.match(legal_basis_url):
        raise FieldError("legal_basis_url", "must be an http or https address")
    return EntitlementRecord(
        place=parse_place(raw["place"], "place"),
        service=service,
        group=group,
        effective_from=effective_from,
        effective_to=effective_to,
        law_level=scales["law_level"],
        practice_level=scales["practice_level"],
        practice_evidence=text_value(raw, "practice_evidence", 5000, default=""),
        cost=scales["cost"],
        documents=scales["documents"],
        firewall=scales["firewall"],
        firewall_detail=text_value(raw, "firewall_detail", 5000, default=""),
        conditions=text_value(raw, "conditions", 5000, default=""),
        legal_basis=text_value(raw, "legal_basis", 1000, default=""),
        legal_basis_url=legal_basis_url,
        notes=text_value(raw, "notes", 5000, default=""),
        source_notes=text_value(raw, "source_notes", 5000, default=""),
        source_year=year_value(raw, "source_year"),
        sources=tuple(
            parse_source(item, f"sources[{i}]") for i, item in enumerate(list_value(raw, "sources"))
        ),
        last_verified=date_value(raw, "last_verified"),
        verified_by=text_value(raw, "verified_by", 200, default=""),
    )


def scale_value(
    raw: Mapping[str, Any], name: str, allowed: tuple[str, ...], *, default: str | None
) -> str:
    value = raw.get(name)
    if value in (None, "") and default is not None:
        return default
    if value not in allowed:
        raise FieldError(name, f"must be one of {', '.join(allowed)}, not {value!r}")
    return str(value)


def read_csv(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    return records.read_csv(text, fields=FIELDS, required=REQUIRED, json_fields=JSON_FIELDS)


def write_jsonl(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    return records.write_jsonl(rows, fields=FIELDS)


def write_csv(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    return records.write_csv(rows, fields=FIELDS, json_fields=JSON_FIELDS)
