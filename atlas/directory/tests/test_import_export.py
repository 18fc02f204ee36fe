"""HSDS 3.1 import (all or nothing, errors naming record and field; the upstream examples)
and export (JSON valid against the compiled schemas; the tabular package valid for
frictionless), through the commands."""

import dataclasses
import json
from pathlib import Path

import frictionless
import pytest
from django.core.management import CommandError, call_command

from atlas.core.hsds import from_hsds, to_hsds
from atlas.core.hsds.schemas import HSDS_DIRECTORY, problems
from atlas.directory import actions
from atlas.directory.models import Event, Location, Service
from atlas.directory.tests.conftest import entry, save
from atlas.places.models import Place

pytestmark = pytest.mark.django_db

EXAMPLES = HSDS_DIRECTORY / "examples"


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_the_upstream_service_examples_import(tmp_path: Path, barcelona: Place) -> None:
    # The example's address city ("A City") is no known place: --place attaches it.
    with pytest.raises(CommandError) as raised:
        call_command("import_directory", str(EXAMPLES / "service_full.json"))
    assert "record 0 (id ac148810-d857-441c-9679-408f346de14b), field 'service_at_locations'" in (
        str(raised.value)
    )
    assert Service.objects.count() == 0
    call_command("import_directory", str(EXAMPLES / "service_full.json"), "--place", "ES:Barcelona")
    service = Service.objects.get(uuid="ac148810-d857-441c-9679-408f346de14b")
    assert service.name == "Community Counselling"
    assert service.organization.name == "Example Organization Inc."
    assert service.place == barcelona
    assert service.languages == ["ur"]
    # No sources nor keeper in the example: kept as a draft for editors, never published.
    assert service.status == Service.Status.DRAFT
    [location] = service.locations.all()
    assert location.postal_code == "ABC 1234"
    call_command("import_directory", str(EXAMPLES / "service_list.json"), "--place", "ES")
    assert Service.objects.count() == 1  # the same service, by id
    assert Event.objects.filter(service=service).count() == 2


def test_an_import_is_all_or_nothing_and_names_record_and_field(
    tmp_path: Path, barcelona: Place
) -> None:
    services = to_hsds([entry(n, f"Service {n}") for n in range(1, 4)])
    services[2]["status"] = "open"
    with pytest.raises(CommandError) as raised:
        call_command("import_directory", write(tmp_path, services), "--place", "ES:Barcelona")
    message = str(raised.value)
    assert "1 problem in the HSDS data; nothing was imported" in message
    assert "record 2 (id 00000000-0000-4000-8000-000000000003), field 'status'" in message
    assert Service.objects.count() == 0
    services[2]["status"] = "active"
    call_command(
        "import_directory", write(tmp_path, {"contents": services}), "--place", "ES:Barcelona"
    )
    assert Service.objects.published().count() == 3  # complete provenance: published


def test_an_address_city_places_the_service(tmp_path: Path, barcelona: Place) -> None:
    data = to_hsds([entry(5, "Clinic with an address")])[0]
    data["service_at_locations"] = [
        {
            "id": "11111111-1111-4111-8111-111111111111",
            "location": {
                "id": "22222222-2222-4222-8222-222222222222",
                "location_type": "physical",
                "addresses": [
                    {
                        "id": "33333333-3333-4333-8333-333333333333",
                        "address_1": "1 Carrer Obert",
                        "city": "barcelona",
                        "state_province": "Catalonia",
                        "postal_code": "08001",
                        "country": "ES",
                        "address_type": "physical",
                    }
                ],
            },
        }
    ]
    result = actions.import_hsds(data)
    assert [s.place for s in result.services] == [barcelona]
    assert result.services[0].locations.get().city == "barcelona"


def test_a_round_trip_through_the_database_gives_back_the_entry(barcelona: Place) -> None:
    original = entry(7, "Round trip", languages=("es", "fa"))
    service = save(original, barcelona)
    back = actions.to_entry(Service.objects.get(pk=service.pk))
    assert back.last_modified is not None
    assert dataclasses.replace(back, last_modified=None) == dataclasses.replace(
        original, schedules=back.schedules
    )
    # Monday and Tuesday from one HSDS schedule: one row per weekday.
    assert [(s.byday, str(s.opens_at)) for s in back.schedules] == [
        ("MO", "09:00:00"),
        ("TU", "09:00:00"),
    ]
    assert list(service.schedules.values_list("weekday", flat=True)) == [1, 2]


def test_the_json_export_validates_and_holds_only_published_services(
    tmp_path: Path, barcelona: Place
) -> None:
    save(entry(1, "Published one"), barcelona)
    save(entry(2, "Draft one"), barcelona, status=Service.Status.DRAFT)
    out = tmp_path / "export.json"
    call_command("export_directory", "-o", str(out))
    services = json.loads(out.read_text(encoding="utf-8"))
    assert [s["name"] for s in services] == ["Published one"]
    for service in services:
        assert problems("service", service) == []
    for organization in actions.export_organizations():
        assert problems("organization", organization) == []
    assert [e.name for e in from_hsds(services)] == ["Published one"]


def test_the_tabular_package_is_valid(tmp_path: Path, shelter: Service, clinic: Service) -> None:
    call_command("export_directory", "--format", "tabular", "-o", str(tmp_path / "package"))
    report = frictionless.validate(str(tmp_path / "package" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    services = (tmp_path / "package" / "services.csv").read_text(encoding="utf-8").splitlines()
    assert len(services) == 3  # header and two services
    with pytest.raises(CommandError):
        call_command("export_directory", "--format", "tabular")


def test_a_confidential_address_copied_into_a_description_stops_the_export(
    shelter: Service,
) -> None:
    shelter.description = f"Come to {Location.objects.get(service=shelter).address_1}."
    shelter.save()
    with pytest.raises(CommandError) as raised:
        call_command("export_directory")
    assert "appears in the export" in str(raised.value)
