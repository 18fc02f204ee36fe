import pytest
from django.test import Client

from atlas.directory.models import Location, Service
from atlas.finder.tests.conftest import SHELTER_ADDRESS, SHELTER_LATITUDE
from atlas.places.models import Place

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "es", "fr", "ar", "pt", "ru", "uk", "fa")


def test_the_detail_page_says_how_to_get_there_when_and_what_to_bring(
    anonymous_visitor: Client, services: dict[str, Service]
) -> None:
    page = anonymous_visitor.get(f"/en/finder/services/{services['clinic'].uuid}/").content.decode()
    for text in (
        "1 Carrer de Prova",
        'Monday: <span dir="ltr">09:00–17:00</span>',
        "What to bring",
        "Nothing.",
        "What happens to your data",
        "Not passed to immigration: by law",
        '<a href="https://example.org/clinic" rel="noreferrer" dir="auto">Test source</a>',
        "read on 2026-10-30",
        "Last checked on 2026-11-01.",
        "Kept up to date by Test keepers.",
        '<span lang="es">Español</span>, <span lang="ar">العربية</span>.',
    ):
        assert text in page, text
    assert "not a real service" not in page
    assert "address is not published" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_confidential_service_shows_a_way_to_make_contact_and_never_its_address(
    anonymous_visitor: Client, services: dict[str, Service], barcelona: Place, language: str
) -> None:
    shelter = services["shelter"]
    pages = [
        anonymous_visitor.get(f"/{language}/finder/services/{shelter.uuid}/"),
        anonymous_visitor.get(f"/{language}/finder/places/{barcelona.pk}/housing/"),
        anonymous_visitor.get(f"/{language}/finder/places/{barcelona.pk}/"),
    ]
    for response in pages:
        assert response.status_code == 200
        page = response.content.decode()
        assert SHELTER_ADDRESS not in page
        assert str(SHELTER_LATITUDE)[:6] not in page
        assert "2.123" not in page
        assert "Test house" not in page
        assert "bakery" not in page
    detail = pages[0].content.decode()
    assert 'href="tel:+34000000000"' in detail
    assert 'href="mailto:contact@example.org"' in detail
    if language == "en":
        assert (
            "This service's address is not published for the safety of the people it "
            "serves. Contact it first:" in detail
        )


def test_a_confidential_location_of_an_open_service_is_hidden_and_the_others_shown(
    anonymous_visitor: Client, services: dict[str, Service]
) -> None:
    clinic = services["clinic"]
    Location.objects.create(
        service=clinic, name="Hidden annex", address_1="99 Carrer Secret", confidential=True
    )
    page = anonymous_visitor.get(f"/en/finder/services/{clinic.uuid}/").content.decode()
    assert "1 Carrer de Prova" in page
    assert "99 Carrer Secret" not in page
    assert "Hidden annex" not in page
    assert "address is not published" in page


def test_a_demo_record_says_on_its_page_that_it_is_not_real(
    anonymous_visitor: Client, services: dict[str, Service]
) -> None:
    page = anonymous_visitor.get(
        f"/en/finder/services/{services['helpline'].uuid}/"
    ).content.decode()
    assert "Example only: this is not a real service." in page
    assert "Never checked." in page
    assert "Not checked for a long time" in page


def test_the_detail_page_lists_every_fact_including_those_not_known(
    anonymous_visitor: Client, services: dict[str, Service]
) -> None:
    response = anonymous_visitor.get(f"/en/finder/services/{services['legal'].uuid}/")
    texts = [badge.text for badge in response.context["badges"]]
    assert texts == [
        "Not known whether it is open to everyone",
        "Not known whether they ask about your papers",
        "An identity document is needed",
        "You have to pay",
        "You have to give your name",
        "Not known whether your data is passed to immigration",
        "Speaks English",
        "Not known whether there are interpreters",
    ]
