"""The HSDS-style read API: root, pagination, AND filters, and shapes valid against the
compiled HSDS 3.1 schemas."""

from datetime import date

import pytest
from django.test import Client

from atlas.core.hsds import Cost, Documents, StatusSafety, Tristate
from atlas.core.hsds.schemas import problems
from atlas.core.hsds.taxonomy import SERVICES, term_id
from atlas.directory.models import Service
from atlas.directory.tests.conftest import city, entry, save
from atlas.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(barcelona: Place) -> dict[str, Service]:
    """Seven published services and one draft, with facts chosen so each filter splits them."""
    paris = city("Paris", "FR")
    specs = {
        # name: (services, languages, cost, documents, anonymous, place)
        "A free clinic": (("health-primary",), ("es", "ar"), "free", "none", "yes", barcelona),
        "B paid clinic": (("health-primary",), ("es",), "paid", "none", "yes", barcelona),
        "C free shelter": (("housing-shelter",), ("ar",), "free", "none", "no", barcelona),
        "D free lawyer": (
            ("legal-advice-immigration",),
            ("fr",),
            "free",
            "id-required",
            "yes",
            barcelona,
        ),
        "E free clinic": (("health-primary",), ("ar",), "free", "none", "yes", paris),
        "F free dentist": (("health-dental",), ("ar",), "free", "none", "unknown", barcelona),
        "G reduced clinic": (("health-primary",), ("ar",), "reduced", "none", "yes", barcelona),
    }
    made = {}
    for number, (name, (slugs, languages, cost, documents, anonymous, place)) in enumerate(
        specs.items(), start=1
    ):
        made[name] = save(
            entry(
                number,
                name,
                services=slugs,
                languages=languages,
                safety=StatusSafety(
                    cost=Cost(cost), documents=Documents(documents), anonymous=Tristate(anonymous)
                ),
            ),
            place,
        )
    made["H draft"] = save(entry(99, "H draft"), barcelona, status=Service.Status.DRAFT)
    national = save(entry(98, "I national scheme"), Place.objects.get(kind="country", code="ES"))
    made["I national scheme"] = national
    return made


def names(response: object) -> list[str]:
    return [item["name"] for item in response.json()["contents"]]  # type: ignore[attr-defined]


def test_the_root_says_the_version_and_links_our_profile(client: Client) -> None:
    body = client.get("/api/hsds/").json()
    assert body["version"] == "3.1"
    assert body["profile"] == "http://testserver/api/hsds/profile"
    assert body["openapi_url"] == "http://testserver/api/openapi.json"
    profile = client.get("/api/hsds/profile").json()
    assert [t["name"] for t in profile["taxonomies"]][:1]
    assert len(profile["taxonomies"]) == 3


def test_pages_count_and_slice_only_published_services(
    client: Client, directory: dict[str, Service]
) -> None:
    first = client.get("/api/hsds/services?per_page=3").json()
    # 8 published (A–G and the national scheme); the draft is not counted.
    assert first["total_items"] == 8
    assert first["total_pages"] == 3
    assert (first["page_number"], first["size"], first["first_page"], first["last_page"]) == (
        1,
        3,
        True,
        False,
    )
    assert first["empty"] is False
    assert [s["name"] for s in first["contents"]] == [
        "A free clinic",
        "B paid clinic",
        "C free shelter",
    ]
    last = client.get("/api/hsds/services?per_page=3&page=3").json()
    assert (last["size"], last["last_page"], last["first_page"]) == (2, True, False)
    assert [s["name"] for s in last["contents"]] == ["G reduced clinic", "I national scheme"]
    beyond = client.get("/api/hsds/services?per_page=3&page=4").json()
    assert beyond["size"] == 0 and beyond["contents"] == []
    none = client.get("/api/hsds/services?search=nothing-matches").json()
    assert (none["total_items"], none["empty"], none["total_pages"]) == (0, True, 1)


def test_filters_combine_with_and(
    client: Client, directory: dict[str, Service], barcelona: Place
) -> None:
    base = "/api/hsds/services?per_page=50"
    assert names(client.get(f"{base}&free=true")) == [
        "A free clinic",
        "C free shelter",
        "D free lawyer",
        "E free clinic",
        "F free dentist",
    ]
    assert names(client.get(f"{base}&free=true&no_documents=true")) == [
        "A free clinic",
        "C free shelter",
        "E free clinic",
        "F free dentist",
    ]
    assert names(client.get(f"{base}&free=true&no_documents=true&anonymous=true")) == [
        "A free clinic",
        "E free clinic",
    ]
    # Barcelona: its own services and the national scheme of Spain, not Paris's clinic.
    assert names(
        client.get(f"{base}&free=true&no_documents=true&anonymous=true&place={barcelona.pk}")
    ) == ["A free clinic"]
    assert names(client.get(f"{base}&place=ES:Barcelona&search=scheme")) == ["I national scheme"]
    assert len(names(client.get(f"{base}&place=ES"))) == 7  # the country and its cities
    assert names(client.get(f"{base}&place=FR")) == ["E free clinic"]
    assert names(client.get(f"{base}&language=es")) == ["A free clinic", "B paid clinic"]
    assert names(client.get(f"{base}&language=ar&sector=health&free=true")) == [
        "A free clinic",
        "E free clinic",
        "F free dentist",
    ]
    dental = term_id(SERVICES, "health-dental")
    assert names(client.get(f"{base}&taxonomy_term_id={dental}")) == ["F free dentist"]
    housing = term_id(SERVICES, "housing")
    assert names(client.get(f"{base}&taxonomy_term_id={housing}")) == ["C free shelter"]
    assert names(client.get(f"{base}&taxonomy_term_id=not-a-term")) == []
    assert names(client.get(f"{base}&search=lawyer free")) == ["D free lawyer"]
    assert names(client.get(f"{base}&place=ES:Nowhere")) == []
    assert client.get(f"{base}&place=ZZ").status_code == 422


def test_every_object_is_valid_against_the_compiled_schemas(
    client: Client, directory: dict[str, Service]
) -> None:
    listed = client.get("/api/hsds/services?per_page=50").json()["contents"]
    assert len(listed) == 8
    for item in listed:
        assert problems("service_list", item) == []
        assert "service_at_locations" not in item
    full = client.get("/api/hsds/services?per_page=50&full=true").json()["contents"]
    for item in full:
        assert problems("service", item) == []
    service = directory["A free clinic"]
    detail = client.get(f"/api/hsds/services/{service.uuid}").json()
    assert problems("service", detail) == []
    assert detail["id"] == str(service.uuid)
    assert [lang["code"] for lang in detail["languages"]] == ["es", "ar"]
    assert detail["assured_date"] == "2026-11-01"
    assert detail["schedules"][0]["byday"] == "MO"
    assert detail["is_stale"] is False and detail["demo"] is False
    draft = directory["H draft"]
    assert client.get(f"/api/hsds/services/{draft.uuid}").status_code == 404
    assert client.get("/api/hsds/services/not-an-id").status_code == 404


def test_the_stale_flag_is_in_the_api(client: Client, directory: dict[str, Service]) -> None:
    import time_machine

    service = directory["A free clinic"]
    with time_machine.travel(date(2027, 11, 1)):  # 365 days after 2026-11-01: not yet
        assert client.get(f"/api/hsds/services/{service.uuid}").json()["is_stale"] is False
    with time_machine.travel(date(2027, 11, 2)):
        assert client.get(f"/api/hsds/services/{service.uuid}").json()["is_stale"] is True
