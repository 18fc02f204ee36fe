"""The starter library: enough practices, each cited, the seed practices all present."""

import pytest

from atlas.practices.models import Practice

pytestmark = pytest.mark.django_db

SEED_PRACTICES = {
    "barcelona-padron",
    "barcelona-action-plan",
    "frankfurt-humanitarian-consultation-hours",
    "new-haven-municipal-id",
    "idnyc",
    "bank-on-san-francisco",
    "toronto-access-without-fear",
    "turin-porta-palazzo",
    "utrecht-bed-bath-bread",
    "portugal-one-stop-shops",
    "sweden-2013-reform",
    "germany-anonymous-health-card",
}


def test_at_least_fifty_practices_are_published() -> None:
    assert Practice.objects.published().count() >= 50


def test_every_practice_in_the_seed_documents_is_there() -> None:
    assert set(Practice.objects.published().values_list("slug", flat=True)) >= SEED_PRACTICES


def test_every_published_practice_has_a_source_a_date_and_a_place() -> None:
    for practice in Practice.objects.published().prefetch_related("sources", "places"):
        assert practice.sources.exists(), practice.slug
        assert practice.places.exists(), practice.slug
        assert practice.last_verified is not None, practice.slug


def test_utrecht_keeps_its_figure_as_the_source_gives_it() -> None:
    outcomes = Practice.objects.get(slug="utrecht-bed-bath-bread").outcomes.all()
    assert any(o.figure == 94 and o.unit == "%" for o in outcomes)


def test_disagreements_between_sources_are_shown() -> None:
    zurich = Practice.objects.get(slug="zurich-city-card")
    assert "CHF" in zurich.source_notes and "euro" in zurich.source_notes


def test_frankfurt_spread_to_three_cities() -> None:
    frankfurt = Practice.objects.get(slug="frankfurt-humanitarian-consultation-hours")
    places = {r.place.name for r in frankfurt.replications.all() if r.place}
    assert {"Bremen", "Düsseldorf", "Munich"} <= places
