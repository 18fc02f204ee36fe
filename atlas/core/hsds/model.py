"""Our record model for a directory entry: a service, its organisation and its locations,
with the status-safety facts and the provenance every record carries.

The model is ours, not HSDS's: it holds what the finder shows and nothing more, with typed
values (dates, times, enums) where HSDS has strings. `atlas.core.hsds.export` maps it to
HSDS 3.1 and `atlas.core.hsds.importer` maps HSDS 3.1 back to it. The ids of the service,
the organisation and the locations are HSDS ids (UUIDs); the ids of the smaller objects
(phones, schedules, …) are derived from them when exporting, so they are not kept here.

>>> entry = Entry(id="7d4c1a43-6f7e-4d85-9d1f-0b2f3c5e6a70", name="Demo clinic",
...               organization=Organization(id="2b9b4f36-2f0c-4b2b-8a36-1b9c3f6a9e10",
...                                         name="Demo organisation", description="Demo."))
>>> entry.safety.cost, entry.safety.cost == "unknown"
(<Cost.UNKNOWN: 'unknown'>, True)
>>> entry.has_confidential_location
False
"""

import dataclasses
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

SERVICE_STATUSES: tuple[str, ...] = ("active", "inactive", "defunct", "temporarily closed")
SCHEDULE_FREQUENCIES: tuple[str, ...] = ("WEEKLY", "MONTHLY")


class Tristate(StrEnum):
    """A fact that may be true, false, or not known (never guessed)."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Documents(StrEnum):
    """What a person must show to use the service."""

    NONE = "none"
    ALTERNATIVES_ACCEPTED = "alternatives-accepted"
    ID_REQUIRED = "id-required"
    UNKNOWN = "unknown"


class Cost(StrEnum):
    """What using the service costs."""

    FREE = "free"
    REDUCED = "reduced"
    PAID = "paid"
    UNKNOWN = "unknown"


class DataSharing(StrEnum):
    """Whether personal data is kept from immigration enforcement, and on what ground.

    ``NO`` means the data may be passed on: the provider has no rule against it.
    """

    BY_LAW = "by-law"
    BY_POLICY = "by-policy"
    UNKNOWN = "unknown"
    NO = "no"


@dataclass(frozen=True)
class StatusSafety:
    """The facts a person without papers needs before using a service.

    ``confidential`` marks every location of the service as confidential (a shelter, a service
    for victims of violence or trafficking): no export ever carries their address or position.
    A single location can also be marked with `Location.confidential`.
    """

    open_to_all: Tristate = Tristate.UNKNOWN
    status_not_asked: Tristate = Tristate.UNKNOWN
    documents: Documents = Documents.UNKNOWN
    cost: Cost = Cost.UNKNOWN
    anonymous: Tristate = Tristate.UNKNOWN
    data_not_passed_to_immigration: DataSharing = DataSharing.UNKNOWN
    for_women: bool = False
    for_children: bool = False
    interpreters: Tristate = Tristate.UNKNOWN
    confidential: bool = False


@dataclass(frozen=True)
class Source:
    """A document the record's facts come from."""

    title: str
    url: str
    accessed: date | None = None


@dataclass(frozen=True)
class Keeper:
    """The organisation that keeps the record up to date (not necessarily the provider)."""

    name: str
    email: str | None = None


@dataclass(frozen=True)
class Organization:
    """The organisation that provides the service."""

    id: str
    name: str
    description: str
    alternate_name: str | None = None
    website: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Phone:
    number: str
    extension: int | None = None
    type: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Contact:
    """A way to reach the service through a named person or desk."""

    name: str | None = None
    title: str | None = None
    department: str | None = None
    email: str | None = None
    phones: tuple[Phone, ...] = ()


@dataclass(frozen=True)
class Schedule:
    """A regular opening time, in the iCalendar terms HSDS uses (``byday`` is ``"MO,TU"``)."""

    freq: str | None = None
    byday: str | None = None
    opens_at: time | None = None
    closes_at: time | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    description: str | None = None


@dataclass(frozen=True)
class CostOption:
    option: str | None = None
    amount: float | None = None
    currency: str | None = None
    amount_description: str | None = None


@dataclass(frozen=True)
class RequiredDocument:
    document: str
    uri: str | None = None


@dataclass(frozen=True)
class Accessibility:
    description: str | None = None
    details: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Address:
    address_1: str
    city: str
    state_province: str
    postal_code: str
    country: str
    address_2: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Location:
    """A place where the service is given.

    ``area`` is the coarse area (a city or district) that is all an export says of a
    confidential location; everything else about such a location stays inside the platform.
    """

    id: str
    name: str | None = None
    area: str | None = None
    confidential: bool = False
    description: str | None = None
    transportation: str | None = None
    address: Address | None = None
    latitude: float | None = None
    longitude: float | None = None
    accessibility: tuple[Accessibility, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One service of the directory, with everything the finder shows about it.

    ``services`` are slugs of the shared vocabulary (``atlas/core/data/vocabulary/
    services.toml``); ``languages`` are ISO 639 codes of the languages staff speak.
    ``last_verified`` is the date a person last checked the facts against ``sources``;
    ``kept_by`` is the organisation that keeps the record. A record read from another HSDS
    feed may lack them: `provenance_problems` says what is missing before it is published.
    """

    id: str
    name: str
    organization: Organization
    description: str | None = None
    status: str = "active"
    url: str | None = None
    email: str | None = None
    services: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    interpretation_services: str | None = None
    application_process: str | None = None
    eligibility_description: str | None = None
    fees_description: str | None = None
    cost_options: tuple[CostOption, ...] = ()
    required_documents: tuple[RequiredDocument, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    phones: tuple[Phone, ...] = ()
    contacts: tuple[Contact, ...] = ()
    locations: tuple[Location, ...] = ()
    safety: StatusSafety = dataclasses.field(default_factory=StatusSafety)
    sources: tuple[Source, ...] = ()
    last_verified: date | None = None
    kept_by: Keeper | None = None
    last_modified: datetime | None = None

    @property
    def has_confidential_location(self) -> bool:
        """Say whether any location of the entry must be redacted in exports."""
        return self.safety.confidential or any(loc.confidential for loc in self.locations)


def provenance_problems(entry: Entry) -> list[str]:
    """Return what the entry lacks before it may be published: sources, a last verified
    date, the keeping organisation. An empty list means nothing is missing.

    >>> entry = Entry(id="7d4c1a43-6f7e-4d85-9d1f-0b2f3c5e6a70", name="Demo clinic",
    ...               organization=Organization(id="2b9b4f36-2f0c-4b2b-8a36-1b9c3f6a9e10",
    ...                                         name="Demo organisation", description="Demo."),
    ...               last_verified=date(2026, 11, 1))
    >>> provenance_problems(entry)
    ['no sources', 'no keeping organisation']
    """
    problems = []
    if not entry.sources:
        problems.append("no sources")
    if entry.last_verified is None:
        problems.append("no last verified date")
    if entry.kept_by is None:
        problems.append("no keeping organisation")
    return problems


def redact_location(location: Location) -> Location:
    """Return what may be published of a confidential location: its id and coarse area.

    The name is replaced by the area, since a shelter's own name can give it away.

    >>> shelter = Location(id="5f0e3f5c-63a5-4a67-9f0e-0c7e8e4b2a11", name="Demo house",
    ...                    area="Exampleton", latitude=12.345678, longitude=-98.765432,
    ...                    address=Address("1 Example Street", "Exampleton", "Demo County",
    ...                                    "EX1 2MP", "GB"))
    >>> redact_location(shelter)  # doctest: +NORMALIZE_WHITESPACE
    Location(id='5f0e3f5c-63a5-4a67-9f0e-0c7e8e4b2a11', name='Exampleton', area='Exampleton',
             confidential=True, description=None, transportation=None, address=None,
             latitude=None, longitude=None, accessibility=())
    """
    return Location(id=location.id, name=location.area, area=location.area, confidential=True)


def confidential_location_ids(entries: Iterable[Entry]) -> frozenset[str]:
    """Return the ids of the locations that are confidential in any of the entries.

    A location shared by two services is confidential for both if it is for one: an export
    of the other must not publish the address either.
    """
    return frozenset(
        location.id
        for entry in entries
        for location in entry.locations
        if location.confidential or entry.safety.confidential
    )


def published(entry: Entry, confidential: Collection[str] = frozenset()) -> Entry:
    """Return the entry as every export publishes it: confidential locations redacted.

    A location is confidential when it says so, when the service says all its locations
    are (`StatusSafety.confidential`), or when its id is in ``confidential`` (see
    `confidential_location_ids`). An entry without one is returned unchanged.
    """
    if not (
        entry.has_confidential_location or any(loc.id in confidential for loc in entry.locations)
    ):
        return entry
    locations = tuple(
        redact_location(loc)
        if (loc.confidential or entry.safety.confidential or loc.id in confidential)
        else loc
        for loc in entry.locations
    )
    return dataclasses.replace(entry, locations=locations)
