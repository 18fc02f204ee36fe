"""Writes to the service directory, and the conversion of its rows to and from core entries.

`to_entry` and `from_entry` are the only bridge between the rows and `atlas.core.hsds`:
HSDS export, import, validation and the redaction of confidential locations all happen in
core. Every write (import, proposal, publication, an editor's change in the admin) goes
through this module, which also records who did it and when (`Event`).
"""

import dataclasses
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from atlas.accounts.models import Role, User
from atlas.core import places as catalogue
from atlas.core.hsds import (
    Accessibility,
    Address,
    Contact,
    CostOption,
    Entry,
    HsdsImportError,
    Keeper,
    Phone,
    Problem,
    RequiredDocument,
    Schedule,
    Source,
    StatusSafety,
    from_hsds,
    to_hsds,
    to_hsds_organizations,
    to_tabular,
)
from atlas.core.hsds import Location as CoreLocation
from atlas.core.hsds import Organization as CoreOrganization
from atlas.core.hsds.model import Cost, DataSharing, Documents, Tristate, provenance_problems
from atlas.core.vocabulary import VocabularyError, default_vocabulary
from atlas.directory import models as m
from atlas.places.models import Place

# iCalendar day codes (HSDS ``byday``), Monday = 1.
DAY_CODES: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
STARTER_FILE = Path(__file__).parent / "starter" / "directory.json"


# Rows → core ----------------------------------------------------------------------------


def to_entry(service: m.Service) -> Entry:
    """The service as a core `Entry`, with everything HSDS carries of it.

    A location whose HSDS id is confidential in any service (or belongs to a confidential
    service) is marked confidential here too, so that an export of this service alone
    redacts it.
    """
    organization = service.organization
    locations = list(service.locations.all())
    shared_confidential = _confidential_uuids([loc.uuid for loc in locations])
    extra = service.hsds_extra or {}
    slugs = tuple(service.services) or ((service.sector,) if service.sector else ())
    return Entry(
        id=str(service.uuid),
        name=service.name,
        organization=CoreOrganization(
            id=str(organization.uuid),
            name=organization.name,
            description=organization.description,
            alternate_name=organization.alternate_name or None,
            website=organization.website or None,
            email=organization.email or None,
        ),
        description=service.description or None,
        status=service.hsds_status or "active",
        url=service.url or None,
        email=service.email or None,
        services=slugs,
        languages=tuple(service.languages),
        interpretation_services=extra.get("interpretation_services") or None,
        application_process=service.what_to_bring or None,
        eligibility_description=service.eligibility or None,
        fees_description=extra.get("fees_description") or None,
        cost_options=tuple(CostOption(**item) for item in extra.get("cost_options", [])),
        required_documents=tuple(
            RequiredDocument(**item) for item in extra.get("required_documents", [])
        ),
        schedules=tuple(_schedule(row) for row in service.schedules.all()),
        phones=tuple(
            Phone(number=phone.number, description=phone.description or None)
            for phone in service.phones.all()
        ),
        contacts=tuple(_contact(item) for item in extra.get("contacts", [])),
        locations=tuple(
            _location(loc, service.confidential or loc.uuid in shared_confidential)
            for loc in locations
        ),
        safety=StatusSafety(
            open_to_all=Tristate(service.open_to_all),
            status_not_asked=Tristate(service.status_not_asked),
            documents=Documents(service.documents),
            cost=Cost(service.cost),
            anonymous=Tristate(service.anonymous_use),
            data_not_passed_to_immigration=DataSharing(service.data_sharing),
            for_women=service.for_women,
            for_children=service.for_children,
            interpreters=Tristate(service.interpreters),
            confidential=service.confidential,
        ),
        sources=tuple(
            Source(title=source.title, url=source.url, accessed=source.accessed)
            for source in service.sources.all()
        ),
        last_verified=service.last_verified,
        kept_by=Keeper(name=service.kept_by, email=service.kept_by_email or None)
        if service.kept_by
        else None,
        last_modified=service.updated_at,
    )


def _confidential_uuids(uuids: Sequence[Any]) -> set[Any]:
    if not uuids:
        return set()
    return set(
        m.Location.objects.filter(uuid__in=uuids)
        .filter(models.Q(confidential=True) | models.Q(service__confidential=True))
        .values_list("uuid", flat=True)
    )


def _schedule(row: m.Schedule) -> Schedule:
    return Schedule(
        freq="WEEKLY" if row.weekday else None,
        byday=DAY_CODES[row.weekday - 1] if row.weekday else None,
        opens_at=row.opens,
        closes_at=row.closes,
        description=row.notes or None,
    )


def _contact(item: dict[str, Any]) -> Contact:
    phones = tuple(Phone(**phone) for phone in item.get("phones", []))
    return Contact(**{**item, "phones": phones})


def _location(location: m.Location, confidential: bool) -> CoreLocation:
    address = None
    if location.address_1 or location.city:
        address = Address(
            address_1=location.address_1,
            address_2=location.address_2 or None,
            city=location.city,
            state_province=location.state_province,
            postal_code=location.postal_code,
            country=location.country,
        )
    accessibility = (
        (Accessibility(description=location.accessibility_notes),)
        if location.accessibility_notes
        else ()
    )
    return CoreLocation(
        id=str(location.uuid),
        name=location.name or None,
        area=location.area or location.city or None,
        confidential=confidential or location.confidential,
        transportation=location.transport_notes or None,
        address=address,
        latitude=location.latitude,
        longitude=location.longitude,
        accessibility=accessibility,
    )


def services_for_export() -> models.QuerySet[m.Service]:
    """Published services with everything `to_entry` reads, in one query per table."""
    return (
        m.Service.objects.published()
        .select_related("organization", "place")
        .prefetch_related("locations", "phones", "schedules", "sources")
        .order_by("name", "id")
    )


def published_entries() -> list[Entry]:
    return [to_entry(service) for service in services_for_export()]


def export_json() -> list[dict[str, Any]]:
    """Every published service as an HSDS 3.1 service object; confidential locations
    redacted and checked by core."""
    return to_hsds(published_entries())


def export_organizations() -> list[dict[str, Any]]:
    return to_hsds_organizations(published_entries())


def export_tabular(directory: Path) -> Path:
    """Write the HSDS Tabular Data Package of the published services; return its descriptor."""
    return to_tabular(published_entries(), directory)


# Core → rows ----------------------------------------------------------------------------


def _sector_and_services(slugs: Iterable[str]) -> tuple[str, list[str]]:
    vocabulary = default_vocabulary()
    sectors = {term.slug for term in vocabulary.sectors()}
    slugs = list(slugs)
    sector = ""
    for slug in slugs:
        try:
            sector = vocabulary.sector_of(slug).slug
        except (KeyError, VocabularyError):
            continue
        break
    return sector, [slug for slug in slugs if slug not in sectors]


@transaction.atomic
def from_entry(
    entry: Entry,
    place: Place,
    *,
    status: str = m.Service.Status.DRAFT,
    user: User | None = None,
    verb: str = m.Event.Verb.IMPORTED,
    demo: bool = False,
    note: str = "",
) -> m.Service:
    """Create or update (by HSDS id) the service an entry describes, in ``place``.

    Its locations, phones, opening hours and sources are replaced by the entry's.
    """
    org = entry.organization
    organization, _created = m.Organization.objects.update_or_create(
        uuid=org.id,
        defaults={
            "name": org.name,
            "alternate_name": org.alternate_name or "",
            "description": org.description or "",
            "website": org.website or "",
            "email": org.email or "",
        },
    )
    sector, slugs = _sector_and_services(entry.services)
    safety = entry.safety
    extra: dict[str, Any] = {
        "interpretation_services": entry.interpretation_services,
        "fees_description": entry.fees_description,
        "cost_options": [dataclasses.asdict(item) for item in entry.cost_options],
        "required_documents": [dataclasses.asdict(item) for item in entry.required_documents],
        "contacts": [dataclasses.asdict(item) for item in entry.contacts],
    }
    extra = {key: value for key, value in extra.items() if value}
    service, created = m.Service.objects.update_or_create(
        uuid=entry.id,
        defaults={
            "organization": organization,
            "place": place,
            "name": entry.name,
            "description": entry.description or "",
            "url": entry.url or "",
            "email": entry.email or "",
            "sector": sector,
            "services": slugs,
            "eligibility": entry.eligibility_description or "",
            "what_to_bring": entry.application_process or "",
            "languages": list(dict.fromkeys(code.lower() for code in entry.languages)),
            "interpreters": safety.interpreters.value,
            "open_to_all": safety.open_to_all.value,
            "status_not_asked": safety.status_not_asked.value,
            "anonymous_use": safety.anonymous.value,
            "documents": safety.documents.value,
            "cost": safety.cost.value,
            "data_sharing": safety.data_not_passed_to_immigration.value,
            "for_women": safety.for_women,
            "for_children": safety.for_children,
            "confidential": safety.confidential,
            "demo": demo,
            "hsds_status": entry.status,
            "hsds_extra": extra,
            "status": status,
            "last_verified": entry.last_verified,
            "kept_by": entry.kept_by.name if entry.kept_by else "",
            "kept_by_email": (entry.kept_by.email or "") if entry.kept_by else "",
        },
    )
    if status == m.Service.Status.PUBLISHED and service.published_at is None:
        service.published_at = timezone.now()
        service.save(update_fields=["published_at"])
    service.locations.all().delete()
    service.phones.all().delete()
    service.schedules.all().delete()
    service.sources.all().delete()
    for position, location in enumerate(entry.locations):
        address = location.address
        m.Location.objects.create(
            service=service,
            uuid=location.id,
            name=location.name or "",
            area=location.area or "",
            address_1=address.address_1 if address else "",
            address_2=(address.address_2 or "") if address else "",
            city=address.city if address else "",
            state_province=address.state_province if address else "",
            postal_code=address.postal_code if address else "",
            country=address.country[:2].upper() if address else "",
            latitude=location.latitude,
            longitude=location.longitude,
            confidential=location.confidential,
            transport_notes=location.transportation or "",
            accessibility_notes="\n".join(
                item.description or item.details or "" for item in location.accessibility
            ).strip(),
            position=position,
        )
    for position, phone in enumerate(entry.phones):
        m.Phone.objects.create(
            service=service,
            number=phone.number,
            description=phone.description or "",
            position=position,
        )
    for schedule in entry.schedules:
        days = [code for code in (schedule.byday or "").split(",") if code.strip()]
        weekdays = [
            DAY_CODES.index(d.strip()[-2:]) + 1 for d in days if d.strip()[-2:] in DAY_CODES
        ]
        rows: list[int | None] = list(weekdays) or [None]
        for weekday in rows:
            m.Schedule.objects.create(
                service=service,
                weekday=weekday,
                opens=schedule.opens_at,
                closes=schedule.closes_at,
                notes=(schedule.description or "")[:300],
            )
    for position, source in enumerate(entry.sources):
        m.ServiceSource.objects.create(
            service=service,
            title=source.title[:300],
            url=source.url,
            accessed=source.accessed,
            position=position,
        )
    m.Event.objects.create(
        service=service, verb=m.Event.Verb.CREATED if created else verb, user=user, note=note
    )
    return service


# Import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    published: int
    drafts: int
    services: list[m.Service]


def place_of(entry: Entry) -> Place | None:
    """The city a service's first located address (or coarse area) names, if it is known."""
    for location in entry.locations:
        country = location.address.country[:2].upper() if location.address else ""
        for name in (location.address.city if location.address else None, location.area):
            if not name:
                continue
            cities = Place.objects.filter(
                kind=Place.Kind.CITY, normalized_name=catalogue.normalize_name(name)
            )
            if country:
                cities = cities.filter(country_code=country)
            found = list(cities[:2])
            if len(found) == 1:
                return found[0]
    return None


@transaction.atomic
def import_hsds(
    data: Any,
    *,
    place: Place | None = None,
    user: User | None = None,
    publish: bool = True,
) -> ImportResult:
    """Import HSDS 3.1 JSON (a list, a page or one service), all or nothing.

    Each service goes to the city its address names, else to ``place``; a service with
    neither is a problem naming its record. With ``publish``, a service with its sources,
    last verified date and keeper is published; the others are kept as drafts for editors.
    Raises `HsdsImportError` listing every problem; nothing is saved then.
    """
    entries = from_hsds(data)
    problems = []
    targets: list[Place] = []
    for index, entry in enumerate(entries):
        target = place_of(entry) or place
        if target is None:
            problems.append(
                Problem(
                    record=index,
                    record_id=entry.id,
                    field="service_at_locations",
                    message="no known city in its addresses; give a place (--place)",
                )
            )
            continue
        targets.append(target)
    if problems:
        raise HsdsImportError(problems)
    services = []
    published = 0
    for entry, target in zip(entries, targets, strict=True):
        complete = not provenance_problems(entry)
        status = m.Service.Status.PUBLISHED if publish and complete else m.Service.Status.DRAFT
        published += status == m.Service.Status.PUBLISHED
        services.append(from_entry(entry, target, status=status, user=user))
    return ImportResult(published=published, drafts=len(services) - published, services=services)


def import_file(path: Path, **kwargs: Any) -> ImportResult:
    with path.open(encoding="utf-8") as file:
        data = json.load(file)
    return import_hsds(data, **kwargs)


# Starter directory ----------------------------------------------------------------------


def starter_entry(record: dict[str, Any], meta: dict[str, Any]) -> Entry:
    """One record of ``starter/directory.json`` as a core entry (ids derived from its slug)."""
    from atlas.core.hsds.taxonomy import derived_id

    slug = record["slug"]
    org = record["organization"]
    safety = record.get("safety", {})
    verified = date.fromisoformat(record.get("last_verified", meta["last_verified"]))
    return Entry(
        id=derived_id("directory", "service", slug),
        name=record["name"],
        organization=CoreOrganization(
            id=derived_id("directory", "organization", org["name"]),
            name=org["name"],
            description=org.get("description", ""),
            website=org.get("website"),
        ),
        description=record.get("description"),
        services=tuple(record["services"]),
        languages=tuple(record.get("languages", ())),
        application_process=record.get("what_to_bring"),
        eligibility_description=record.get("eligibility"),
        fees_description=record.get("fees_description"),
        schedules=tuple(
            Schedule(
                freq="WEEKLY" if item.get("weekday") else None,
                byday=DAY_CODES[item["weekday"] - 1] if item.get("weekday") else None,
                opens_at=_clock(item.get("opens")),
                closes_at=_clock(item.get("closes")),
                description=item.get("notes"),
            )
            for item in record.get("schedules", [])
        ),
        phones=tuple(
            Phone(number=item["number"], description=item.get("description"))
            for item in record.get("phones", [])
        ),
        locations=tuple(
            CoreLocation(
                id=derived_id("directory", "location", slug, str(index)),
                name=item.get("name"),
                area=item.get("area"),
                confidential=bool(item.get("confidential")),
                transportation=item.get("transport_notes"),
                address=Address(
                    address_1=item["address_1"],
                    city=item.get("city", ""),
                    state_province=item.get("state_province", ""),
                    postal_code=item.get("postal_code", ""),
                    country=item.get("country", ""),
                )
                if item.get("address_1")
                else None,
                latitude=item.get("latitude"),
                longitude=item.get("longitude"),
            )
            for index, item in enumerate(record.get("locations", []))
        ),
        safety=StatusSafety(
            open_to_all=Tristate(safety.get("open_to_all", "unknown")),
            status_not_asked=Tristate(safety.get("status_not_asked", "unknown")),
            documents=Documents(safety.get("documents", "unknown")),
            cost=Cost(safety.get("cost", "unknown")),
            anonymous=Tristate(safety.get("anonymous", "unknown")),
            data_not_passed_to_immigration=DataSharing(
                safety.get("data_not_passed_to_immigration", "unknown")
            ),
            for_women=bool(safety.get("for_women")),
            for_children=bool(safety.get("for_children")),
            interpreters=Tristate(safety.get("interpreters", "unknown")),
            confidential=bool(safety.get("confidential")),
        ),
        sources=tuple(
            Source(
                title=item["title"],
                url=item["url"],
                accessed=date.fromisoformat(item["accessed"]) if item.get("accessed") else None,
            )
            for item in record.get("sources", [])
        ),
        last_verified=verified,
        kept_by=Keeper(name=meta["kept_by"]),
    )


def _clock(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None


def starter_records() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    with STARTER_FILE.open(encoding="utf-8") as file:
        data = json.load(file)
    return data["meta"], data["records"]


def import_starter_directory() -> int:
    """Load the starter directory (sourced services and the demo records); returns how many
    services were added. Safe to run again: a record already there (by its derived id) is
    left as it is, so an editor's later changes are kept.

    Real records go to the place their reference names; demo records to Demo City.
    Every entry goes through core's HSDS export and import first, so a starter record that
    would not survive a round trip (or would leak a confidential address) is refused.
    """
    from atlas.diagnostics.demo import demo_place
    from atlas.places.actions import resolve_place

    meta, records = starter_records()
    entries = [starter_entry(record, meta) for record in records]
    to_hsds(entries)  # validates the shapes and checks confidential locations
    existing = {str(value) for value in m.Service.objects.values_list("uuid", flat=True)}
    added = 0
    with transaction.atomic():
        for record, entry in zip(records, entries, strict=True):
            if entry.id in existing:
                continue
            added += 1
            is_demo = bool(record.get("demo"))
            if is_demo:
                place = demo_place()
            else:
                place = resolve_place(catalogue.parse_place_ref(record["place"]))
            service = from_entry(entry, place, status=m.Service.Status.PUBLISHED, demo=is_demo)
            service.how_to_get_there = record.get("how_to_get_there", "")
            service.what_happens_to_your_data = record.get("what_happens_to_your_data", "")
            service.time_zone = record.get("time_zone", "")
            service.kept_by = meta["kept_by"]
            service.save(
                update_fields=[
                    "how_to_get_there",
                    "what_happens_to_your_data",
                    "time_zone",
                    "kept_by",
                ]
            )
    return added


# Review and publication -----------------------------------------------------------------


class NotAllowed(PermissionError):
    pass


def can_publish(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and (user.has_role(Role.EDITOR) or user.has_perm("directory.publish_service"))
    )


def can_propose(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and (can_publish(user) or user.has_role(Role.CONTRIBUTOR))
    )


@transaction.atomic
def propose(
    *,
    user: User,
    payload: dict[str, Any],
    place: Place,
    service: m.Service | None = None,
    note: str = "",
) -> m.Proposal:
    """Store a contributor's proposed new service or change (an HSDS 3.1 service object)
    for review. It is checked as an import would be, and never published by this step."""
    if not can_propose(user):
        raise NotAllowed("only contributors and editors may propose services")
    [entry] = from_hsds([payload])
    if service is not None and entry.id != str(service.uuid):
        raise HsdsImportError(
            [Problem(record=0, record_id=entry.id, field="id", message="not the id of the service")]
        )
    if service is None and m.Service.objects.filter(uuid=entry.id).exists():
        raise HsdsImportError(
            [
                Problem(
                    record=0,
                    record_id=entry.id,
                    field="id",
                    message="a service has this id already",
                )
            ]
        )
    proposal = m.Proposal.objects.create(
        service=service, place=place, payload=payload, note=note, proposed_by=user
    )
    if service is not None:
        m.Event.objects.create(service=service, verb=m.Event.Verb.PROPOSED, user=user, note=note)
    return proposal


@transaction.atomic
def accept_proposal(*, proposal: m.Proposal, user: User, note: str = "") -> m.Service:
    """An editor accepts a proposal: the service is created or changed, and published."""
    if not can_publish(user):
        raise NotAllowed("only editors may publish services")
    if proposal.status != m.Proposal.Status.SUBMITTED:
        raise ValueError("this proposal was already reviewed")
    [entry] = from_hsds([proposal.payload])
    demo = proposal.service.demo if proposal.service else False
    service = from_entry(
        entry,
        proposal.place,
        status=m.Service.Status.SUBMITTED,
        user=proposal.proposed_by,
        verb=m.Event.Verb.CHANGED,
        demo=demo,
        note=proposal.note,
    )
    proposal.service = service
    proposal.status = m.Proposal.Status.ACCEPTED
    proposal.reviewed_by = user
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["service", "status", "reviewed_by", "reviewed_at"])
    return publish(service=service, user=user, note=note)


@transaction.atomic
def reject_proposal(*, proposal: m.Proposal, user: User, note: str = "") -> m.Proposal:
    if not can_publish(user):
        raise NotAllowed("only editors may review proposals")
    proposal.status = m.Proposal.Status.REJECTED
    proposal.reviewed_by = user
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return proposal


@transaction.atomic
def publish(*, service: m.Service, user: User, note: str = "") -> m.Service:
    """Publish a service after review: the finder, the API and exports show it."""
    if not can_publish(user):
        raise NotAllowed("only editors may publish services")
    service.status = m.Service.Status.PUBLISHED
    service.published_at = service.published_at or timezone.now()
    service.save(update_fields=["status", "published_at", "updated_at"])
    m.Event.objects.create(service=service, verb=m.Event.Verb.PUBLISHED, user=user, note=note)
    return service


@transaction.atomic
def archive(*, service: m.Service, user: User, note: str = "") -> m.Service:
    """Withdraw a service from public view, keeping it and its history."""
    if not can_publish(user):
        raise NotAllowed("only editors may archive services")
    service.status = m.Service.Status.ARCHIVED
    service.save(update_fields=["status", "updated_at"])
    m.Event.objects.create(service=service, verb=m.Event.Verb.ARCHIVED, user=user, note=note)
    return service


@transaction.atomic
def verify(*, service: m.Service, user: User, on: date | None = None, note: str = "") -> None:
    """Record that an editor checked the service's facts against its sources."""
    service.last_verified = on or timezone.localdate()
    service.save(update_fields=["last_verified", "updated_at"])
    m.Event.objects.create(service=service, verb=m.Event.Verb.VERIFIED, user=user, note=note)


def record_change(*, service: m.Service, user: User | None, note: str = "") -> None:
    """Note an editor's change (in the admin) in the history."""
    m.Event.objects.create(service=service, verb=m.Event.Verb.CHANGED, user=user, note=note)


def stale_days() -> int:
    return int(settings.ATLAS_DIRECTORY_STALE_DAYS)
