"""Services for the directory tests, built through core entries as every writer builds them."""

from datetime import date
from typing import Any

import pytest

from atlas.core.hsds import (
    Address,
    Cost,
    DataSharing,
    Documents,
    Entry,
    Keeper,
    Location,
    Organization,
    Phone,
    Schedule,
    Source,
    StatusSafety,
    Tristate,
)
from atlas.core.places import PlaceRef
from atlas.directory import actions
from atlas.directory.models import Service
from atlas.places.actions import resolve_place
from atlas.places.models import Place

ORG = Organization(
    id="2b9b4f36-2f0c-4b2b-8a36-1b9c3f6a9e10", name="Test clinics", description="Test."
)
SOURCE = Source(title="Test source", url="https://example.org/source", accessed=date(2026, 11, 1))

# The confidential service's secrets: none of them may appear in any response or export.
HIDDEN_ADDRESS = "17 Quillwort Passage"
HIDDEN_POSTCODE = "QX9 7ZZ"
HIDDEN_LATITUDE = 41.398765
HIDDEN_LONGITUDE = 2.187654
HIDDEN = (HIDDEN_ADDRESS, HIDDEN_POSTCODE, "41.398765", "2.187654", "Quillwort")


def entry(
    number: int,
    name: str,
    *,
    services: tuple[str, ...] = ("health-primary",),
    languages: tuple[str, ...] = (),
    safety: StatusSafety | None = None,
    locations: tuple[Location, ...] = (),
    last_verified: date | None = date(2026, 11, 1),
) -> Entry:
    return Entry(
        id=f"00000000-0000-4000-8000-{number:012d}",
        name=name,
        organization=ORG,
        description=f"{name}: a test service.",
        services=services,
        languages=languages,
        safety=safety or StatusSafety(),
        locations=locations,
        phones=(Phone(number="+00 000 000 000"),),
        schedules=(
            Schedule(freq="WEEKLY", byday="MO,TU", opens_at=_t("09:00"), closes_at=_t("17:00")),
        ),
        sources=(SOURCE,),
        last_verified=last_verified,
        kept_by=Keeper(name="Test keepers"),
    )


def _t(text: str) -> Any:
    from datetime import time

    return time.fromisoformat(text)


def city(name: str, country: str) -> Place:
    return resolve_place(PlaceRef(kind="city", code=None, country=country, city=name))


def save(item: Entry, place: Place, *, status: str = Service.Status.PUBLISHED) -> Service:
    return actions.from_entry(item, place, status=status)


@pytest.fixture
def barcelona(db: None) -> Place:
    return city("Barcelona", "ES")


@pytest.fixture
def shelter(barcelona: Place) -> Service:
    """A confidential shelter in Barcelona with a distinctive address and position."""
    return save(
        entry(
            900,
            "Safe house for women",
            services=("housing-shelter", "justice-victim-support"),
            safety=StatusSafety(
                confidential=True, for_women=True, cost=Cost.FREE, documents=Documents.NONE
            ),
            locations=(
                Location(
                    id="5f0e3f5c-63a5-4a67-9f0e-0c7e8e4b2a11",
                    name="Quillwort house",
                    area="Barcelona",
                    description="Behind the Quillwort garden gate, second door.",
                    transportation="Metro to the Quillwort stop, then 3 minutes on foot.",
                    address=Address(
                        address_1=HIDDEN_ADDRESS,
                        city="Barcelona",
                        state_province="Catalonia",
                        postal_code=HIDDEN_POSTCODE,
                        country="ES",
                    ),
                    latitude=HIDDEN_LATITUDE,
                    longitude=HIDDEN_LONGITUDE,
                ),
            ),
        ),
        barcelona,
    )


@pytest.fixture
def clinic(barcelona: Place) -> Service:
    return save(
        entry(
            901,
            "Open clinic",
            languages=("es", "ar"),
            safety=StatusSafety(
                cost=Cost.FREE,
                documents=Documents.NONE,
                anonymous=Tristate.YES,
                data_not_passed_to_immigration=DataSharing.BY_POLICY,
            ),
            locations=(
                Location(
                    id="6a1e3f5c-63a5-4a67-9f0e-0c7e8e4b2a12",
                    name="Clinic",
                    area="Barcelona",
                    address=Address("1 Carrer Obert", "Barcelona", "Catalonia", "08001", "ES"),
                    latitude=41.38,
                    longitude=2.17,
                ),
            ),
        ),
        barcelona,
    )
