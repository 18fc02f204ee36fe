"""HSDS 3.1: our record model, export (JSON and tabular), import, confidential locations.

The entries below are demo records made for these tests, not real services: names say
"Demo", web and e-mail addresses use example.org (RFC 2606), the phone numbers are in the
range Ofcom keeps for drama (020 7946 0000–0999), and the addresses and coordinates are
made up. The one source cited is a real document cited in docs/sources.md.
"""

import copy
import csv
import dataclasses
import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from datetime import time as clock
from pathlib import Path
from typing import Any

import frictionless
import pytest
from jsonschema import Draft202012Validator

from atlas.core.hsds import (
    Accessibility,
    Address,
    ConfidentialLocationError,
    Contact,
    Cost,
    CostOption,
    DataSharing,
    Documents,
    Entry,
    HsdsImportError,
    Keeper,
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Schedule,
    Source,
    StatusSafety,
    Tristate,
    from_hsds,
    provenance_problems,
    published,
    to_hsds,
    to_hsds_organizations,
    to_tabular,
)
from atlas.core.hsds.importer import MAX_TEXT_LENGTH
from atlas.core.hsds.schemas import (
    COMPILED_DIRECTORY,
    FORMAT_CHECKER,
    HSDS_DIRECTORY,
    compiled_schema,
    problems,
)
from atlas.core.hsds.schemas import quick_check as hsds_quick_check
from atlas.core.hsds.tabular import LEFT_OUT_RESOURCES, package_descriptor
from atlas.core.hsds.taxonomy import (
    DEFAULT_STATUS_SAFETY_PATH,
    TaxonomyError,
    default_status_safety,
    load_status_safety,
)
from atlas.core.languages import LANGUAGES

SHARED_HSDS = Path("/work/shared/standards/hsds/3.1")
# Written out here rather than imported, so a changed namespace fails the tests: every id
# we ever published would change with it.
NAMESPACE = uuid.UUID("6b1f0c55-3d2e-4f4a-9a63-2f7d8e5c9b10")

GCM = Source(
    title="Global Compact for Safe, Orderly and Regular Migration (A/RES/73/195)",
    url="https://www.un.org/en/ga/search/view_doc.asp?symbol=A/RES/73/195",
    accessed=date(2026, 11, 2),
)
ORGANIZATION = Organization(
    id="2b9b4f36-2f0c-4b2b-8a36-1b9c3f6a9e10",
    name="Demo organisation (not a real provider)",
    description="An organisation made up for tests.",
    alternate_name="Demo org",
    website="https://example.org/",
    email="contact@example.org",
)
PUBLIC_LOCATION = Location(
    id="0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5",
    name="Demo health centre",
    area="Exampleton",
    description="Ground floor of the demo civic building.",
    transportation="Demo tram line 4, stop Demo Square.",
    address=Address(
        address_1="1 Example Street",
        address_2="Unit 2",
        city="Exampleton",
        region="Demo Region",
        state_province="Demo County",
        postal_code="EX1 2MP",
        country="GB",
    ),
    latitude=51.123456,
    longitude=-0.654321,
    accessibility=(
        Accessibility(
            description="Step-free entrance",
            details="Lift to every floor",
            url="https://example.org/access",
        ),
    ),
)
# Every field of the model set, every status-safety fact away from its default.
FULL = Entry(
    id="7d4c1a43-6f7e-4d85-9d1f-0b2f3c5e6a70",
    name="Demo health drop-in",
    organization=ORGANIZATION,
    description="A demo record for tests: a health drop-in open to everyone.",
    status="active",
    url="https://example.org/drop-in",
    email="drop-in@example.org",
    services=("health-primary", "health-medicines"),
    languages=("en", "ar", "fa", "uk"),
    interpretation_services="Phone interpreters for any language.",
    application_process="Walk in during opening hours.",
    eligibility_description="Anyone living in the demo city.",
    fees_description="No charge.",
    cost_options=(CostOption("Consultation", 0.0, "EUR", "per visit"),),
    required_documents=(RequiredDocument("Any paper with your name", "https://example.org/docs"),),
    schedules=(
        Schedule(
            freq="WEEKLY",
            byday="MO,WE",
            opens_at=clock(9, 0),
            closes_at=clock(13, 30, tzinfo=timezone(timedelta(hours=1))),
            valid_from=date(2026, 1, 1),
            valid_to=date(2026, 12, 31),
            description="Monday and Wednesday mornings.",
        ),
    ),
    phones=(Phone("+44 20 7946 0100", 12, "voice", "Reception"),),
    contacts=(
        Contact(
            name="Demo desk",
            title="Reception",
            department="Front desk",
            email="desk@example.org",
            phones=(Phone("+44 20 7946 0101"),),
        ),
    ),
    locations=(PUBLIC_LOCATION,),
    safety=StatusSafety(
        open_to_all=Tristate.YES,
        status_not_asked=Tristate.YES,
        documents=Documents.ALTERNATIVES_ACCEPTED,
        cost=Cost.REDUCED,
        anonymous=Tristate.NO,
        data_not_passed_to_immigration=DataSharing.BY_POLICY,
        for_women=True,
        for_children=True,
        interpreters=Tristate.YES,
        confidential=False,
    ),
    sources=(GCM, Source("Demo leaflet", "https://example.org/leaflet.pdf")),
    last_verified=date(2026, 11, 20),
    kept_by=Keeper("Demo keeping organisation", "keeper@example.org"),
    last_modified=datetime(2026, 11, 20, 10, 30, 45, 123000, tzinfo=UTC),
)

SHELTER_ADDRESS = Address(
    address_1="17 Hidden Lane",
    city="Exampleton",
    state_province="Demo County",
    postal_code="EX9 7QZ",
    country="GB",
    address_2="Back building",
)
SHELTER_LOCATION = Location(
    id="5f0e3f5c-63a5-4a67-9f0e-0c7e8e4b2a11",
    name="Demo refuge house",
    area="Exampleton",
    description="Blue door beside the demo bakery, second floor.",
    transportation="Bus 99 to the Demo Bakery stop.",
    address=SHELTER_ADDRESS,
    latitude=12.345678,
    longitude=-98.765432,
    accessibility=(Accessibility(description="Stairs only", details="Entrance round the back"),),
)
# Confidential as a service: all its locations are redacted.
SHELTER = Entry(
    id="3e8a9b7c-1d2e-4f30-8a41-5b6c7d8e9f01",
    name="Demo women's refuge",
    organization=ORGANIZATION,
    description="A demo record for tests: a refuge reached by phone.",
    services=("housing-shelter", "justice-victim-support"),
    languages=("es",),
    phones=(Phone("+44 20 7946 0200", type="voice", description="Call first, day and night"),),
    contacts=(Contact(name="Demo helpline", email="help@example.org"),),
    locations=(SHELTER_LOCATION,),
    safety=StatusSafety(
        open_to_all=Tristate.YES, cost=Cost.FREE, for_women=True, confidential=True
    ),
    sources=(GCM,),
    last_verified=date(2026, 11, 21),
    kept_by=Keeper("Demo keeping organisation"),
)
# Confidential as a location only: one public office, one safe house.
SAFE_HOUSE = Location(
    id="9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
    name="Demo safe house",
    area="Exampleton North",
    confidential=True,
    description="Flat above the demo launderette on the corner.",
    address=Address("42 Quiet Row", "Exampleton", "Demo County", "EX4 4QR", "GB"),
    latitude=23.456789,
    longitude=-87.654321,
)
MIXED = Entry(
    id="b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e",
    name="Demo support for victims of trafficking",
    organization=ORGANIZATION,
    services=("justice-victim-support",),
    phones=(Phone("+44 20 7946 0300"),),
    locations=(PUBLIC_LOCATION, SAFE_HOUSE),
    safety=StatusSafety(anonymous=Tristate.YES),
    sources=(GCM,),
    last_verified=date(2026, 11, 22),
    kept_by=Keeper("Demo keeping organisation"),
)
ENTRIES = [FULL, SHELTER, MIXED]

# What must never leave the platform, as text a reader could search for.
SECRETS = [
    "17 Hidden Lane",
    "Back building",
    "EX9 7QZ",
    "12.345678",
    "98.765432",
    "Blue door",
    "demo bakery",
    "Bus 99",
    "Entrance round the back",
    "Demo refuge house",
    "42 Quiet Row",
    "EX4 4QR",
    "23.456789",
    "87.654321",
    "launderette",
    "Demo safe house",
]


def term_id(taxonomy: str, code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy/{taxonomy}/term/{code}"))


def attribute_values(item: dict[str, Any]) -> dict[str, str | None]:
    return {
        attribute["taxonomy_term"]["code"]: attribute.get("value")
        for attribute in item["attributes"]
    }


def upstream_example(name: str) -> Any:
    return json.loads((HSDS_DIRECTORY / "examples" / name).read_text(encoding="utf-8"))


# The shipped copy of the standard -----------------------------------------------------------


def test_the_shipped_hsds_files_are_byte_identical_to_the_shared_copy() -> None:
    if not SHARED_HSDS.is_dir():
        pytest.skip("the shared standards folder is not mounted")
    shipped = [
        path for path in HSDS_DIRECTORY.rglob("*") if path.is_file() and path.name != "README.md"
    ]
    assert len(shipped) == 7 + 1 + 1 + 13 + 25  # compiled, descriptor, licence, JSON, csv
    for path in shipped:
        original = SHARED_HSDS / path.relative_to(HSDS_DIRECTORY)
        assert path.read_bytes() == original.read_bytes(), path


def test_the_compiled_schemas_declare_no_dialect_so_we_choose_draft_2020_12() -> None:
    assert "$schema" not in compiled_schema("service")
    if not SHARED_HSDS.is_dir():
        pytest.skip("the shared standards folder is not mounted")
    modular = json.loads((SHARED_HSDS / "schema" / "openapi.json").read_text())
    assert modular["openapi"].startswith("3.1")  # OpenAPI 3.1 means JSON Schema 2020-12


# Export -------------------------------------------------------------------------------------


def test_every_exported_service_and_organization_validates_against_the_compiled_schemas() -> None:
    services = to_hsds(ENTRIES)
    assert len(services) == 3
    for service in services:
        assert problems("service", service) == []
        # The same verdict from a bare Draft 2020-12 validator, as upstream CI would run it.
        validator = Draft202012Validator(
            compiled_schema("service"), format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        assert list(validator.iter_errors(service)) == []
    organizations = to_hsds_organizations(ENTRIES)
    assert [o["id"] for o in organizations] == [ORGANIZATION.id]  # shared by all three
    for organization in organizations:
        assert problems("organization", organization) == []


def test_the_validator_rejects_what_the_compiled_schema_forbids() -> None:
    [service] = to_hsds([FULL])
    broken = copy.deepcopy(service)
    broken["service_at_locations"][0]["location"]["latitude"] = "north"
    broken["last_modified"] = "2026-11-20 10:30"  # no T, no offset: not RFC 3339
    broken["url"] = "example.org/no-scheme"
    assert problems("service", broken) == [
        "field 'last_modified': '2026-11-20 10:30' is not a 'date-time'",
        "field 'service_at_locations[0].location.latitude': 'north' is not of type 'number'",
        "field 'url': 'example.org/no-scheme' is not a 'uri'",
    ]


def test_the_status_safety_facts_are_attributes_under_our_taxonomy() -> None:
    [service] = to_hsds([FULL])
    safety = {
        a["taxonomy_term"]["code"]: a
        for a in service["attributes"]
        if a["taxonomy_term"]["taxonomy"] == "access-atlas-status-safety"
    }
    assert {code: a["value"] for code, a in safety.items()} == {
        "open-to-all": "yes",
        "status-not-asked": "yes",
        "documents": "alternatives-accepted",
        "cost": "reduced",
        "anonymous": "no",
        "data-not-passed-to-immigration": "by-policy",
        "for-women": "yes",
        "for-children": "yes",
        "interpreters": "yes",
        "confidential": "no",
    }
    cost = safety["cost"]
    assert cost["label"] == "Cost: Reduced cost"
    assert cost["link_id"] == FULL.id and cost["link_entity"] == "service"
    # Ids are UUID 5 of the fixed namespace and the term code, computed here independently.
    assert cost["taxonomy_term_id"] == term_id("access-atlas-status-safety", "cost")
    assert cost["taxonomy_term"]["taxonomy_id"] == str(
        uuid.uuid5(NAMESPACE, "taxonomy/access-atlas-status-safety")
    )
    services = [
        a["taxonomy_term"]
        for a in service["attributes"]
        if a["taxonomy_term"]["taxonomy"] == "access-atlas-services"
    ]
    assert [(t["code"], t["name"]) for t in services] == [
        ("health-primary", "Primary care"),
        ("health-medicines", "Medicines"),
    ]
    assert services[0]["parent_id"] == term_id("access-atlas-services", "health")
    assert attribute_values(service)["kept-by"] == "Demo keeping organisation"


def test_each_fact_goes_to_its_hsds_field() -> None:
    [service] = to_hsds([FULL])
    assert service["assured_date"] == "2026-11-20"
    assert service["assurer_email"] == "keeper@example.org"
    assert service["last_modified"] == "2026-11-20T10:30:45.123000+00:00"
    assert service["organization_id"] == ORGANIZATION.id
    assert service["organization"]["website"] == "https://example.org/"
    assert [(language["code"], language["name"]) for language in service["languages"]] == [
        ("en", "English"),
        ("ar", "Arabic"),
        ("fa", "Persian"),
        ("uk", "Ukrainian"),
    ]
    [schedule] = service["schedules"]
    assert (schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "MO,WE",
        "09:00:00",
        "13:30:00+01:00",
    )
    assert service["cost_options"][0]["amount"] == 0.0
    assert service["required_documents"][0]["document"] == "Any paper with your name"
    assert service["phones"][0]["extension"] == 12
    assert service["contacts"][0]["phones"][0]["number"] == "+44 20 7946 0101"
    [link] = service["service_at_locations"]
    location = link["location"]
    assert link["location_id"] == location["id"] == PUBLIC_LOCATION.id
    assert (location["latitude"], location["longitude"]) == (51.123456, -0.654321)
    assert location["addresses"][0]["postal_code"] == "EX1 2MP"
    assert location["accessibility"][0]["description"] == "Step-free entrance"
    assert attribute_values(location) == {"area": "Exampleton"}
    sources = service["additional_urls"]
    assert [(s["label"], s["url"], attribute_values(s)["source"]) for s in sources] == [
        (GCM.title, GCM.url, "2026-11-02"),
        ("Demo leaflet", "https://example.org/leaflet.pdf", None),
    ]


def test_a_free_service_without_cost_options_gets_one_free_option() -> None:
    [service] = to_hsds([SHELTER])
    [option] = service["cost_options"]
    assert (option["option"], option["amount"]) == ("Free", 0)
    assert from_hsds([service])[0].cost_options == ()


def test_ids_are_the_same_in_every_export() -> None:
    assert to_hsds(ENTRIES) == to_hsds(ENTRIES)
    ids = [a["id"] for a in to_hsds([FULL])[0]["attributes"]]
    assert len(ids) == len(set(ids)) == 10 + 2 + 1


def test_an_unknown_service_slug_is_named() -> None:
    with pytest.raises(KeyError, match="no service term 'health-dentistry'"):
        to_hsds([dataclasses.replace(FULL, services=("health-dentistry",))])


def test_a_last_modified_time_without_a_zone_is_refused() -> None:
    naive = dataclasses.replace(FULL, last_modified=datetime(2026, 11, 20, 10, 30))  # noqa: DTZ001
    with pytest.raises(ValueError, match="last_modified needs a time zone"):
        to_hsds([naive])


# Round trip ---------------------------------------------------------------------------------


def test_an_entry_with_every_field_survives_a_round_trip() -> None:
    text = json.dumps(to_hsds([FULL]))
    assert from_hsds(json.loads(text)) == [FULL]


def test_a_round_trip_gives_back_what_was_published() -> None:
    back = from_hsds(json.loads(json.dumps(to_hsds(ENTRIES))))
    assert back == [published(entry) for entry in ENTRIES]
    assert back[0] == FULL
    shelter_location = back[1].locations[0]
    assert shelter_location == Location(
        id=SHELTER_LOCATION.id, name="Exampleton", area="Exampleton", confidential=True
    )
    assert back[2].locations == (
        PUBLIC_LOCATION,
        Location(
            id=SAFE_HOUSE.id, name="Exampleton North", area="Exampleton North", confidential=True
        ),
    )


def test_html_in_names_is_kept_as_text() -> None:
    name = '<script>alert("x")</script> & <b>Demo</b>'
    entry = dataclasses.replace(FULL, name=name, description="<img src=x onerror=alert(1)>")
    [service] = to_hsds([entry])
    assert service["name"] == name
    assert from_hsds([service])[0].name == name


# Confidential locations ---------------------------------------------------------------------


def test_no_export_shows_anything_of_a_confidential_location(tmp_path: Path) -> None:
    outputs = {
        "to_hsds": json.dumps(to_hsds(ENTRIES), ensure_ascii=False),
        "to_hsds_organizations": json.dumps(to_hsds_organizations(ENTRIES), ensure_ascii=False),
    }
    to_tabular(ENTRIES, tmp_path)
    written = sorted(tmp_path.iterdir())
    assert len(written) == 23  # 22 tables and the descriptor
    outputs["to_tabular"] = "\n".join(path.read_text(encoding="utf-8") for path in written)
    for name, text in outputs.items():
        for secret in SECRETS:
            assert secret.lower() not in text.lower(), (name, secret)
    hsds = outputs["to_hsds"]
    # Still there: the way to make contact, and the coarse area.
    assert "+44 20 7946 0200" in hsds and "help@example.org" in hsds
    assert '"name": "Exampleton North"' in hsds
    # The public location of the mixed entry is published in full.
    assert "1 Example Street" in hsds and "51.123456" in hsds
    assert "1 Example Street" in outputs["to_tabular"]


def test_a_location_confidential_for_one_service_is_redacted_for_every_service() -> None:
    public_use = dataclasses.replace(
        FULL, id="c0ffee00-0000-4000-8000-000000000001", locations=(SAFE_HOUSE,)
    )
    public_use = dataclasses.replace(
        public_use,
        locations=(dataclasses.replace(SAFE_HOUSE, confidential=False),),
    )
    text = json.dumps(to_hsds([MIXED, public_use]))
    assert "42 Quiet Row" not in text and "23.456789" not in text


def test_a_confidential_address_copied_into_a_text_stops_the_export(tmp_path: Path) -> None:
    slip = dataclasses.replace(SHELTER, description="Come to 17 Hidden Lane, ring twice.")
    with pytest.raises(ConfidentialLocationError) as raised:
        to_hsds([slip])
    message = str(raised.value)
    assert message == (
        f"entry {SHELTER.id}: the address line 1 of confidential location "
        f"{SHELTER_LOCATION.id} appears in the export; remove it from the entry's other texts"
    )
    assert "Hidden" not in message
    with pytest.raises(ConfidentialLocationError):
        to_tabular([slip], tmp_path / "package")
    assert not (tmp_path / "package").exists()


# Tabular data package -----------------------------------------------------------------------


def test_the_tabular_package_is_valid_and_has_the_upstream_columns(tmp_path: Path) -> None:
    path = to_tabular(ENTRIES, tmp_path / "package")
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    upstream = json.loads((HSDS_DIRECTORY / "datapackage.json").read_text())
    ours = json.loads(path.read_text())
    kept = [r for r in upstream["resources"] if r["name"] not in LEFT_OUT_RESOURCES]
    assert ours["resources"] == kept
    assert [r["name"] for r in upstream["resources"] if r not in kept] == [
        "service_capacity",
        "unit",
    ]
    for resource in kept:
        with (path.parent / resource["path"]).open(encoding="utf-8", newline="") as file:
            header = next(csv.reader(file))
        assert header == [field["name"] for field in resource["schema"]["fields"]]


def test_the_tabular_package_has_one_row_per_object(tmp_path: Path) -> None:
    path = to_tabular(ENTRIES, tmp_path)

    def rows(name: str) -> list[dict[str, str]]:
        with (path.parent / name).open(encoding="utf-8", newline="") as file:
            return list(csv.DictReader(file))

    assert len(rows("services.csv")) == 3
    assert len(rows("organizations.csv")) == 1
    # FULL and MIXED share PUBLIC_LOCATION: three locations, four links.
    assert len(rows("locations.csv")) == 3
    assert len(rows("service_at_location.csv")) == 4
    assert len(rows("addresses.csv")) == 1  # the shelter and the safe house have none
    # Phones: FULL 1 + its contact's 1, SHELTER 1, MIXED 1.
    assert len(rows("phones.csv")) == 4
    # Attributes by hand: per service 10 facts + its slugs + kept-by (FULL 2, SHELTER 2,
    # MIXED 1 slugs) = 13 + 13 + 12; sources FULL 2, SHELTER 1, MIXED 1; location areas 3
    # (public, shelter, safe house) and confidential marks 2.
    assert len(rows("attributes.csv")) == 38 + 4 + 3 + 2
    assert len(rows("taxonomies.csv")) == 3
    # Terms: 10 facts, 4 distinct slugs, kept-by, source, area.
    assert len(rows("taxonomy_terms.csv")) == 10 + 4 + 3
    assert rows("programs.csv") == []
    [cost] = [
        r
        for r in rows("attributes.csv")
        if r["link_id"] == FULL.id
        and r["taxonomy_term_id"] == term_id("access-atlas-status-safety", "cost")
    ]
    assert cost["value"] == "reduced"


# Import -------------------------------------------------------------------------------------


def test_the_upstream_service_examples_import() -> None:
    [full] = from_hsds(upstream_example("service_full.json"))
    assert full.id == "ac148810-d857-441c-9679-408f346de14b"
    assert full.name == "Community Counselling"
    assert full.organization.name == "Example Organization Inc."
    assert full.languages == ("ur",)
    assert full.last_verified == date(2005, 1, 1)
    assert full.last_modified == datetime(2023, 3, 15, 10, 30, 45, 123000, tzinfo=UTC)
    assert full.schedules[0].opens_at == clock(10, 0)
    assert full.phones[0].extension == 100
    [location] = full.locations
    assert location.address is not None and location.address.postal_code == "ABC 1234"
    # The upstream example's coordinates are out of range (100, 101); HSDS sets no range.
    assert (location.latitude, location.longitude) == (100.0, 101.0)
    # Its one attribute is of another taxonomy: ignored, so every fact is unknown.
    assert full.safety == StatusSafety()
    assert full.sources == () and full.kept_by is None
    assert provenance_problems(full) == ["no sources", "no keeping organisation"]
    [listed] = from_hsds(upstream_example("service_list.json"))
    assert listed.id == full.id and listed.locations == ()


@pytest.mark.parametrize("name", ["service_full.json", "service_list.json"])
def test_each_upstream_service_example_is_valid_against_the_compiled_schema(name: str) -> None:
    data = upstream_example(name)
    for record in data.get("contents", [data]):
        assert problems("service", record) == []


@pytest.mark.parametrize(
    "name",
    sorted(
        path.name
        for path in (HSDS_DIRECTORY / "examples").glob("*.json")
        if not path.name.startswith("service_") or path.name.startswith("service_at_location")
    ),
)
def test_the_upstream_examples_that_are_not_services_are_refused_by_name(name: str) -> None:
    with pytest.raises(HsdsImportError) as raised:
        from_hsds(upstream_example(name))
    fields = {problem.field for problem in raised.value.problems}
    assert fields & {"status", "name", "id", "organization"}


def test_a_page_a_list_and_a_single_object_all_import() -> None:
    services = to_hsds(ENTRIES)
    page = {"total_items": 3, "page_number": 1, "contents": services}
    assert from_hsds(page) == from_hsds(services) == [published(e) for e in ENTRIES]
    assert from_hsds(services[0]) == [FULL]


def test_an_import_names_the_record_and_the_field_and_imports_nothing() -> None:
    services = to_hsds([dataclasses.replace(FULL, id=str(uuid.UUID(int=n + 1))) for n in range(5)])
    services[3]["service_at_locations"][0]["location"]["latitude"] = "north"
    services[1]["status"] = "open"
    with pytest.raises(HsdsImportError) as raised:
        from_hsds(services)
    assert [str(problem) for problem in raised.value.problems] == [
        "record 1 (id 00000000-0000-0000-0000-000000000002), field 'status': 'open' is not one "
        "of ['active', 'inactive', 'defunct', 'temporarily closed']",
        "record 3 (id 00000000-0000-0000-0000-000000000004), field "
        "'service_at_locations[0].location.latitude': 'north' is not of type 'number'",
    ]
    assert str(raised.value).startswith("2 problems in the HSDS data; nothing was imported:\n")


def test_our_attributes_are_checked_after_the_schema() -> None:
    [service] = to_hsds([FULL])
    [cost] = [a for a in service["attributes"] if a["taxonomy_term"]["code"] == "cost"]
    cost["value"] = "cheap"
    service["languages"][1]["code"] = "arabic"
    with pytest.raises(HsdsImportError) as raised:
        from_hsds([service])
    position = service["attributes"].index(cost)
    # One problem per record: reading stops at the first fact that cannot be read.
    assert [str(problem) for problem in raised.value.problems] == [
        f"record 0 (id {FULL.id}), field 'attributes[{position}].value': 'cheap' is not a value "
        "of 'cost'; expected one of free, reduced, paid, unknown"
    ]
    cost["value"] = "free"
    with pytest.raises(HsdsImportError, match=r"'languages\[1\].code': 'arabic' is not an ISO 639"):
        from_hsds([service])


def test_wrong_types_are_refused_with_a_clear_message() -> None:
    with pytest.raises(
        HsdsImportError,
        match="expected a service object, a list of them or a page with contents, got str",
    ):
        from_hsds("services")
    with pytest.raises(HsdsImportError, match="a page's contents must be a list"):
        from_hsds({"contents": {"id": "x"}})
    with pytest.raises(HsdsImportError) as raised:
        from_hsds([1, None])
    assert [str(problem) for problem in raised.value.problems] == [
        "record 0 (no id), field '(the object)': 1 is not of type 'object'",
        "record 1 (no id), field '(the object)': None is not of type 'object'",
    ]


def test_a_huge_string_is_refused_without_being_quoted_whole() -> None:
    [service] = to_hsds([FULL])
    service["name"] = "x" * 5_000_000
    service["phones"][0]["extension"] = "y" * 1_000_000
    with pytest.raises(HsdsImportError) as raised:
        from_hsds([service])
    found = {problem.field: problem.message for problem in raised.value.problems}
    assert found["name"] == (
        f"text of 5,000,000 characters is longer than the {MAX_TEXT_LENGTH:,} allowed"
    )
    assert "phones[0].extension" in found
    assert len(str(raised.value)) < 1_500


def test_the_quick_check_agrees_with_jsonschema() -> None:
    quick = hsds_quick_check("service")
    assert quick is not None
    validator = Draft202012Validator(compiled_schema("service"), format_checker=FORMAT_CHECKER)
    [service] = to_hsds([FULL])
    cases: list[Any] = [service, upstream_example("service_full.json"), 1, [], {}]
    mutations: list[tuple[list[Any], Any]] = [
        (["id"], "not-a-uuid"),
        (["id"], "{7d4c1a43-6f7e-4d85-9d1f-0b2f3c5e6a70}"),
        (["id"], "7D4C1A43-6F7E-4D85-9D1F-0B2F3C5E6A70"),
        (["status"], "open"),
        (["name"], 3),
        (["email"], "no-at-sign"),
        (["minimum_age"], True),
        (["minimum_age"], 4.5),
        (["phones", 0, "extension"], "12"),
        (["schedules", 0, "freq"], "DAILY"),
        (["service_at_locations", 0, "location", "addresses", 0, "country"], None),
        (["attributes", 0, "taxonomy_term", "id"], "x"),
        (["last_modified"], "2026-11-20T10:30:45"),
        (["organization"], []),
        (["unknown_extra_field"], {"any": "thing"}),
    ]
    for path, value in mutations:
        case = copy.deepcopy(service)
        target = case
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        cases.append(case)
    missing = copy.deepcopy(service)
    del missing["service_at_locations"][0]["location"]["location_type"]
    cases.append(missing)
    verdicts = [(quick(case), not list(validator.iter_errors(case))) for case in cases]
    assert all(fast == slow for fast, slow in verdicts), verdicts
    # Valid: our record, the upstream example, and three mutations (an upper-case UUID, a
    # fractional age, an extra field, which HSDS allows).
    assert sum(slow for _fast, slow in verdicts) == 5


def test_a_thousand_full_records_import_whole() -> None:
    # Import speed is measured by benchmarks, not here; this checks that a large batch
    # comes back whole and in order.
    entries = [dataclasses.replace(FULL, id=str(uuid.UUID(int=n + 1))) for n in range(1_000)]
    imported = from_hsds(json.loads(json.dumps(to_hsds(entries))))
    assert imported == [published(entry) for entry in entries]


# The status-safety taxonomy file ------------------------------------------------------------


def test_the_status_safety_taxonomy_is_labelled_in_every_language() -> None:
    taxonomy = default_status_safety()
    assert taxonomy.version == "2026.11"
    assert list(taxonomy.terms) == [
        "open-to-all",
        "status-not-asked",
        "documents",
        "cost",
        "anonymous",
        "data-not-passed-to-immigration",
        "for-women",
        "for-children",
        "interpreters",
        "confidential",
    ]
    for term in taxonomy.terms.values():
        assert list(term.labels) == list(LANGUAGES)
        for value in term.values:
            assert list(taxonomy.value_labels[value]) == list(LANGUAGES)
    assert taxonomy.term("documents").label("ar") == "الوثائق المطلوبة"
    assert taxonomy.value_label("none", "fa") == "مدرکی لازم نیست"


def test_the_model_enums_match_the_taxonomy_values() -> None:
    taxonomy = default_status_safety()
    assert taxonomy.term("documents").values == tuple(Documents)
    assert taxonomy.term("cost").values == tuple(Cost)
    assert taxonomy.term("data-not-passed-to-immigration").values == tuple(DataSharing)
    assert taxonomy.term("anonymous").values == tuple(Tristate)


def test_a_taxonomy_file_missing_a_label_is_refused_by_key(tmp_path: Path) -> None:
    broken = DEFAULT_STATUS_SAFETY_PATH.read_text(encoding="utf-8").replace(
        ', fa = "هزینه" }', " }"
    )
    path = tmp_path / "status-safety.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(TaxonomyError) as raised:
        load_status_safety(path)
    assert str(raised.value) == f"{path}, key 'term.cost.labels.fa': missing label"


def test_the_compiled_schemas_are_all_shipped() -> None:
    assert sorted(path.stem for path in COMPILED_DIRECTORY.glob("*.json")) == [
        "organization",
        "organization_list",
        "service",
        "service_at_location",
        "service_at_location_list",
        "service_list",
        "tabular",
    ]
    assert package_descriptor()["resources"][2]["name"] == "service"
