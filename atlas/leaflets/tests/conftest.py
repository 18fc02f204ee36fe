"""A place with services of every kind a leaflet must treat differently.

The services are test records with made-up names, addresses and numbers: they describe no
real service.
"""

from dataclasses import dataclass
from typing import Any

import pytest

from atlas.core.places import parse_place_ref
from atlas.directory.models import Location, Organization, Phone, Service, ServiceSource
from atlas.places.actions import resolve_place
from atlas.places.models import Place

CONFIDENTIAL_ADDRESS = "Hidden Shelter Lane 99"
CONFIDENTIAL_PHONE = "+00 000 000 001"
PUBLIC_ADDRESS = "Test Clinic Street 1"
EMERGENCY_PHONE = "+00 000 000 777"


@dataclass
class Directory:
    place: Place
    clinic: Service
    shelter: Service
    emergency: Service
    draft: Service
    demo: Service


def service(place: Place, organization: Organization, **fields: Any) -> Service:
    defaults: dict[str, Any] = {"status": Service.Status.PUBLISHED, "sector": "health"}
    return Service.objects.create(place=place, organization=organization, **{**defaults, **fields})


@pytest.fixture
def directory(db: None) -> Directory:
    place = resolve_place(parse_place_ref({"country": "ES", "city": "Barcelona"}))
    org = Organization.objects.create(name="Test organisation", email="desk@example.org")
    clinic = service(
        place,
        org,
        name="Test drop-in clinic",
        cost="free",
        documents="none",
        data_sharing="by-policy",
        url="https://clinic.example.org/",
    )
    Location.objects.create(
        service=clinic, address_1=PUBLIC_ADDRESS, city="Barcelona", country="ES"
    )
    ServiceSource.objects.create(
        service=clinic, title="Test clinic source", url="https://example.org/clinic-source"
    )
    shelter = service(
        place,
        org,
        name="Test women's shelter",
        sector="housing",
        services=["housing-shelter"],
        confidential=True,
        email="shelter@example.org",
        url="https://shelter.example.org/",
        for_women=True,
    )
    Location.objects.create(
        service=shelter, address_1=CONFIDENTIAL_ADDRESS, city="Barcelona", country="ES"
    )
    Phone.objects.create(service=shelter, number=CONFIDENTIAL_PHONE, description="24 hours")
    emergency = service(place, org, name="Test emergency line", services=["health-emergency"])
    Phone.objects.create(service=emergency, number=EMERGENCY_PHONE)
    draft = service(place, org, name="Test draft service", status=Service.Status.DRAFT)
    demo = service(place, org, name="Test demonstration service", demo=True, sector="food")
    return Directory(place, clinic, shelter, emergency, draft, demo)
