from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from atlas.directory.models import Service
from atlas.places.models import Place

pytestmark = pytest.mark.django_db

# Wednesday 25 November 2026: Madrid is on UTC+1.
WEDNESDAY_10_MADRID = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
WEDNESDAY_18_MADRID = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
SATURDAY_10_MADRID = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def names(client: Client, place: Place, sector: str = "health", **params: str) -> list[str]:
    response = client.get(f"/en/finder/places/{place.pk}/{sector}/", params)
    assert response.status_code == 200
    return sorted(card.service.name for card in response.context["cards"])


def test_results_hold_the_place_and_its_country_wide_services(
    anonymous_visitor: Client, services: dict[str, Service], barcelona: Place, spain: Place
) -> None:
    assert names(anonymous_visitor, barcelona) == [
        "Test clinic",
        "Test helpline",
        "Test legal desk",
    ]
    # A country's page does not take in its cities' services.
    assert names(anonymous_visitor, spain) == ["Test helpline"]
    assert names(anonymous_visitor, barcelona, "housing") == ["Test shelter"]


def test_drafts_are_never_listed(
    anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    Service.objects.filter(pk=services["legal"].pk).update(status=Service.Status.DRAFT)
    assert "Test legal desk" not in names(anonymous_visitor, barcelona)
    detail = anonymous_visitor.get(f"/en/finder/services/{services['legal'].uuid}/")
    assert detail.status_code == 404


def test_each_filter_alone(
    anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    assert names(anonymous_visitor, barcelona, free="1") == ["Test clinic", "Test helpline"]
    assert names(anonymous_visitor, barcelona, docs="none") == ["Test clinic"]
    assert names(anonymous_visitor, barcelona, anonymous="1") == ["Test clinic"]
    assert names(anonymous_visitor, barcelona, lang="en") == ["Test legal desk"]
    assert names(anonymous_visitor, barcelona, lang="ar") == ["Test clinic"]


def test_filters_combine_with_and(
    anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    assert names(anonymous_visitor, barcelona, free="1", lang="es") == ["Test clinic"]
    assert names(anonymous_visitor, barcelona, free="1", lang="en") == []
    assert names(anonymous_visitor, barcelona, docs="none", anonymous="1", free="1") == [
        "Test clinic"
    ]
    page = anonymous_visitor.get(
        f"/en/finder/places/{barcelona.pk}/health/", {"free": "1", "lang": "en"}
    ).content.decode()
    assert "No service matches all the filters you chose." in page


def test_the_language_select_offers_the_languages_spoken_here(
    anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    response = anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/health/", {"lang": "ar"})
    assert response.context["languages"] == [
        ("en", "English"),
        ("es", "Español"),
        ("ar", "العربية"),
    ]
    assert '<option value="ar" lang="ar" selected>' in response.content.decode()


def test_open_now_compares_the_hours_with_the_time_in_the_services_time_zone(
    anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    # The clinic opens 09:00–17:00 Madrid time on weekdays; the others record no hours.
    with time_machine.travel(WEDNESDAY_10_MADRID, tick=False):
        assert names(anonymous_visitor, barcelona, open="1") == ["Test clinic"]
        page = anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/health/").content
        assert b"Open now" in page
    with time_machine.travel(WEDNESDAY_18_MADRID, tick=False):
        # 17:00 UTC is 18:00 in Madrid: closed, although it is within the hours in UTC.
        assert names(anonymous_visitor, barcelona, open="1") == []
        assert (
            b"Closed now"
            in anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/health/").content
        )
    with time_machine.travel(SATURDAY_10_MADRID, tick=False):
        assert names(anonymous_visitor, barcelona, open="1") == []
        assert names(anonymous_visitor, barcelona, free="1") == ["Test clinic", "Test helpline"]


def test_badges_are_words_with_an_icon(
    anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    response = anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/health/")
    cards = {card.service.name: card for card in response.context["cards"]}
    clinic = [(b.kind, b.text) for b in cards["Test clinic"].badges]
    assert clinic == [
        ("yes", "Open to everyone, whatever their papers"),
        ("yes", "No documents needed"),
        ("yes", "Free"),
        ("yes", "You can use it without giving your name"),
        ("yes", "Your data is not passed to immigration: the law says so"),
        ("info", "Speaks Español"),
        ("info", "Speaks العربية"),
    ]
    legal = [(b.kind, b.text) for b in cards["Test legal desk"].badges]
    assert legal == [
        ("no", "An identity document is needed"),
        ("no", "You have to pay"),
        ("no", "You have to give your name"),
        ("unknown", "Not known whether your data is passed to immigration"),
        ("info", "Speaks English"),
    ]
    page = response.content.decode()
    assert '<li class="yes"><svg class="b" viewBox="0 0 24 24" aria-hidden="true"' in page
    assert '<span lang="ar">Speaks العربية</span>' in page


def test_a_stale_record_and_a_demo_record_are_marked(
    anonymous_visitor: Client, services: dict[str, Service], barcelona: Place
) -> None:
    page = anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/health/").content.decode()
    # Only the helpline was never verified, and only it is a demo record.
    assert page.count("Not checked for a long time") == 1
    assert page.count("Example only: this is not a real service.") == 1
    helpline = page.index("Test helpline")
    assert page.index("Example only", helpline) < page.index("Test legal desk")


def test_an_unknown_sector_is_not_found(anonymous_visitor: Client, barcelona: Place) -> None:
    assert anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/astrology/").status_code == 404
    # A service within a sector is not a need of its own.
    assert (
        anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/health-primary/").status_code
        == 404
    )
