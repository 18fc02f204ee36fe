"""A city is found by its name in any of the eight languages, and shown in the page's
language (its own name where the city names file gives none)."""

import pytest
from django.test import Client

from atlas.places.models import Place

pytestmark = pytest.mark.django_db


def offered(client: Client, query: str, language: str) -> list[Place]:
    response = client.get(f"/{language}/finder/", {"q": query})
    assert response.status_code == 200
    return [choice.place for choice in response.context["choices"]]


@pytest.fixture
def utrecht(db: None) -> Place:
    return Place.objects.get(kind="city", country_code="NL", name="Utrecht")


@pytest.mark.parametrize(
    ("query", "language"),
    [("أوتريخت", "ar"), ("اوتريخت", "ar"), ("Утрехт", "ru"), ("утрехт", "en"), ("اوترخت", "fa")],
)
def test_a_city_is_found_by_its_name_in_another_script(
    anonymous_visitor: Client, utrecht: Place, query: str, language: str
) -> None:
    assert offered(anonymous_visitor, query, language) == [utrecht]


def test_a_city_is_found_by_its_russian_name(anonymous_visitor: Client) -> None:
    barcelona = Place.objects.get(kind="city", country_code="ES", name="Barcelona")
    assert offered(anonymous_visitor, "Барселона", "ru") == [barcelona]


def test_the_arabic_finder_shows_the_city_in_arabic(
    anonymous_visitor: Client, utrecht: Place
) -> None:
    search = anonymous_visitor.get("/ar/finder/", {"q": "Utrecht"}).content.decode()
    assert "أوتريخت" in search
    page = anonymous_visitor.get(f"/ar/finder/places/{utrecht.pk}/").content.decode()
    assert "أوتريخت" in page
    assert "Utrecht" not in page


def test_a_city_without_a_translation_shows_its_own_name(anonymous_visitor: Client) -> None:
    trollhattan = Place.objects.get(kind="city", country_code="SE", name="Trollhättan")
    assert offered(anonymous_visitor, "trollhattan", "ar") == [trollhattan]
    page = anonymous_visitor.get(f"/ar/finder/places/{trollhattan.pk}/").content.decode()
    assert "Trollhättan" in page
