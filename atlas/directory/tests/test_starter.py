"""The starter directory: sourced records only, each with a source and a last verified date,
status-safety facts unknown unless stated, and fictional demo records in Demo City."""

import json

import pytest
from django.test import Client

from atlas.directory import actions
from atlas.directory.models import Service

pytestmark = pytest.mark.django_db


def test_the_starter_directory_loads_once_with_sources_and_dates() -> None:
    meta, records = actions.starter_records()
    added = actions.import_starter_directory()
    assert added == len(records) == Service.objects.count() == 20
    assert actions.import_starter_directory() == 0  # safe to run again
    for service in Service.objects.all():
        # A fictional record has no source to cite; every real one has its documents.
        assert service.sources.exists() != service.demo, service.name
        assert all(source.accessed for source in service.sources.all()), service.name
        assert service.last_verified is not None, service.name
        assert service.kept_by == "Access Atlas editors"
        assert service.status == Service.Status.PUBLISHED
        assert service.sector, service.name
    assert Service.objects.filter(demo=True).count() == 3
    for service in Service.objects.filter(demo=True):
        assert service.place.fictional
        assert "fictional" in service.name
        assert {p.number for p in service.phones.all()} == {"+00 000 000 000"}
    assert Service.objects.filter(demo=True, confidential=True).count() == 1


def test_real_records_carry_no_invented_contact_details() -> None:
    """No phone, address, position or opening time is given for a real service: the
    sources read do not state them."""
    actions.import_starter_directory()
    real = Service.objects.filter(demo=False)
    assert real.count() == 17
    for service in real:
        assert not service.phones.exists(), service.name
        assert not service.locations.exists(), service.name
        assert all(row.opens is None and row.weekday is None for row in service.schedules.all())
    oslo = Service.objects.get(place__name="Oslo")
    assert (oslo.cost, oslo.interpreters, oslo.data_sharing, oslo.documents) == (
        "free",
        "yes",
        "by-policy",
        "unknown",
    )
    stockholm = Service.objects.get(place__name="Stockholm")
    assert {stockholm.cost, stockholm.open_to_all, stockholm.documents} == {"unknown"}


def test_the_starter_records_are_valid_hsds_in_the_api() -> None:
    actions.import_starter_directory()
    body = Client().get("/api/hsds/services?per_page=50&full=true").json()
    assert body["total_items"] == 20
    shelter = next(s for s in body["contents"] if s["name"] == "Demo Women's Shelter (fictional)")
    text = json.dumps(shelter)
    assert "9 Hidden Demo Lane" not in text and "0.123456" not in text
    assert shelter["demo"] is True
