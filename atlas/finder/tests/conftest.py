"""Services for the finder tests, made here so each test knows every fact it checks.

Barcelona gets a clinic (free, no documents, anonymous, Spanish and Arabic, open on
weekdays 09:00–17:00 Madrid time), a legal desk (paid, ID required, English) and a shelter
(confidential); Spain gets a country-wide helpline (free, never verified). The addresses,
phone numbers and names are made up for the tests and appear nowhere else.
"""

from datetime import date, time
from typing import Any

import pytest

from atlas.directory.models import Location, Organization, Phone, Schedule, Service, ServiceSource
from atlas.places.models import Place

SHELTER_ADDRESS = "17 Carrer de Prova"
SHELTER_LATITUDE = 41.3999871


def make_service(place: Place, organization: Organization, **fields: Any) -> Service:
    defaults: dict[str, Any] = {
        "status": Service.Status.PUBLISHED,
        "last_verified": date(2026, 11, 1),
        "kept_by": "Test keepers",
        "time_zone": "Europe/Madrid",
    }
    return Service.objects.create(place=place, organization=organization, **(defaults | fields))


@pytest.fixture
def barcelona(db: None) -> Place:
    return Place.objects.get(kind="city", name="Barcelona")


@pytest.fixture
def spain(db: None) -> Place:
    return Place.objects.get(kind="country", code="ES")


@pytest.fixture
def services(barcelona: Place, spain: Place) -> dict[str, Service]:
    organization = Organization.objects.create(name="Test organisation", description="Tests.")
    clinic = make_service(
        barcelona,
        organization,
        name="Test clinic",
        sector="health",
        services=["health-primary"],
        cost="free",
        documents="none",
        anonymous_use="yes",
        open_to_all="yes",
        data_sharing="by-law",
        languages=["es", "ar"],
        what_to_bring="Nothing.",
    )
    for weekday in range(1, 6):
        Schedule.objects.create(
            service=clinic, weekday=weekday, opens=time(9, 0), closes=time(17, 0)
        )
    Location.objects.create(
        service=clinic, name="Test clinic", address_1="1 Carrer de Prova", city="Barcelona"
    )
    ServiceSource.objects.create(
        service=clinic,
        title="Test source",
        url="https://example.org/clinic",
        accessed=date(2026, 10, 30),
    )
    legal = make_service(
        barcelona,
        organization,
        name="Test legal desk",
        sector="health",
        cost="paid",
        documents="id-required",
        anonymous_use="no",
        languages=["en"],
    )
    shelter = make_service(
        barcelona,
        organization,
        name="Test shelter",
        sector="housing",
        services=["housing-shelter"],
        confidential=True,
        for_women=True,
        email="contact@example.org",
        how_to_get_there="Walk past the bakery on Carrer de Prova.",
    )
    Location.objects.create(
        service=shelter,
        name="Test house",
        area="Barcelona",
        address_1=SHELTER_ADDRESS,
        city="Barcelona",
        latitude=SHELTER_LATITUDE,
        longitude=2.1234567,
    )
    Phone.objects.create(service=shelter, number="+34 000 000 000")
    helpline = make_service(
        spain,
        organization,
        name="Test helpline",
        sector="health",
        cost="free",
        last_verified=None,
        demo=True,
    )
    return {"clinic": clinic, "legal": legal, "shelter": shelter, "helpline": helpline}
