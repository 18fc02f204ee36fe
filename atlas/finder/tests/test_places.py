import pytest
from django.test import Client

from atlas.diagnostics.demo import demo_place
from atlas.directory.models import Organization, Service
from atlas.places.models import Place

pytestmark = pytest.mark.django_db


def offered(client: Client, query: str, language: str = "en") -> list[str]:
    """The place links the search page lists, as their paths."""
    response = client.get(f"/{language}/finder/", {"q": query})
    assert response.status_code == 200
    return [
        f"/{language}/finder/places/{choice.place.pk}/" for choice in response.context["choices"]
    ]


def test_a_country_is_found_by_its_name_in_arabic_and_brings_its_cities(
    anonymous_visitor: Client, barcelona: Place, spain: Place
) -> None:
    found = offered(anonymous_visitor, "إسبانيا", "ar")
    assert f"/ar/finder/places/{spain.pk}/" in found
    # Barcelona inherits Spain's entitlement facts, so it is offered with its country.
    assert f"/ar/finder/places/{barcelona.pk}/" in found
    assert all("/places/" in path for path in found)
    assert len(found) == 2


@pytest.mark.parametrize(
    "query", ["Испания", "Іспанія", "اسپانیا", "espana", "ESPAÑA", "Spain", "Espagne"]
)
def test_spain_is_found_in_every_script(
    anonymous_visitor: Client, spain: Place, query: str
) -> None:
    assert f"/en/finder/places/{spain.pk}/" in offered(anonymous_visitor, query)


def test_a_city_is_found_by_its_name_with_accents_folded(anonymous_visitor: Client) -> None:
    zurich = Place.objects.get(kind="city", name="Zurich")
    assert offered(anonymous_visitor, "zürich") == [f"/en/finder/places/{zurich.pk}/"]
    barcelona = Place.objects.get(kind="city", name="Barcelona")
    assert offered(anonymous_visitor, "barc") == [f"/en/finder/places/{barcelona.pk}/"]


def test_an_unknown_name_finds_nothing_and_says_so(anonymous_visitor: Client) -> None:
    response = anonymous_visitor.get("/en/finder/", {"q": "Atlantis"})
    assert response.context["choices"] == []
    assert "No place found" in response.content.decode()


def test_places_without_services_or_facts_are_not_offered(anonymous_visitor: Client) -> None:
    iceland = Place.objects.get(kind="country", code="IS")
    assert offered(anonymous_visitor, "Iceland") == []
    assert anonymous_visitor.get(f"/en/finder/places/{iceland.pk}/").status_code == 404
    assert anonymous_visitor.get(f"/en/finder/places/{iceland.pk}/rights/").status_code == 404
    region = Place.objects.get(kind="region", code="150")
    assert anonymous_visitor.get(f"/en/finder/places/{region.pk}/").status_code == 404


def test_a_place_with_a_published_service_and_no_facts_is_offered(
    anonymous_visitor: Client,
) -> None:
    demo_city = demo_place()
    assert offered(anonymous_visitor, "Demo City") == []
    organization = Organization.objects.create(name="Demo organisation")
    Service.objects.create(
        place=demo_city,
        organization=organization,
        name="Demo kitchen",
        sector="food",
        status=Service.Status.PUBLISHED,
    )
    assert offered(anonymous_visitor, "demo") == [f"/en/finder/places/{demo_city.pk}/"]
    # Its rights page says nothing is recorded rather than guessing.
    page = anonymous_visitor.get(f"/en/finder/places/{demo_city.pk}/rights/").content.decode()
    assert "Nothing is recorded for this place yet." in page


def test_the_need_page_lists_every_sector_with_its_icon_and_counts_the_services(
    anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    response = anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/")
    needs = {need.slug: need for need in response.context["needs"]}
    assert len(needs) == 13
    # Clinic, legal desk and the Spain-wide helpline; the shelter is housing.
    assert needs["health"].count == 3
    assert needs["housing"].count == 1
    assert needs["food"].count == 0
    page = response.content.decode()
    assert page.count('<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"') == 13
    assert f'href="/en/finder/places/{barcelona.pk}/rights/"' in page
    assert f'href="/en/finder/places/{barcelona.pk}/health/"' in page
