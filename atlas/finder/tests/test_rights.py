import re

import pytest
from django.test import Client
from django.utils import timezone

from atlas.entitlements.models import Entitlement
from atlas.places.models import Place

pytestmark = pytest.mark.django_db


def test_the_rights_page_gives_each_fact_with_its_sources_and_dates(
    anonymous_visitor: Client, barcelona: Place, spain: Place
) -> None:
    response = anonymous_visitor.get(f"/en/finder/places/{barcelona.pk}/rights/")
    page = response.content.decode()
    facts = Entitlement.objects.filter(place=spain, group="irregular-migrant").in_force(
        timezone.localdate()
    )
    rows = [row for section in response.context["sections"] for row in section.rows]
    # Barcelona records nothing of its own: every fact is Spain's, inherited.
    assert len(rows) == facts.count() == 6
    assert all(row.is_inherited and row.recorded_at == "Spain" for row in rows)
    assert page.count("Recorded for Spain") == 6
    for fact in facts:
        assert f"Checked on {fact.last_verified:%Y-%m-%d}" in page
        for source in fact.sources.all():
            assert f'href="{source.url}"' in page
            assert f"({source.year})" in page
    assert "Real Decreto-ley 7/2018 – Osservatorio sulle fonti" in page
    assert (
        page.count("This page informs; it does not give legal advice. Ask a legal advice service.")
        == 2
    )


def test_the_rights_page_goes_by_sector_in_plain_words(
    anonymous_visitor: Client, spain: Place
) -> None:
    response = anonymous_visitor.get(f"/en/finder/places/{spain.pk}/rights/")
    sections = [section.slug for section in response.context["sections"]]
    assert sections[0] == "health"
    assert len(sections) == len(set(sections))
    page = response.content.decode()
    # Emergency care in Spain: full access in law (Royal Decree-Law 7/2018).
    emergency = page.index("<h3>Emergency care</h3>")
    assert page.index("The law gives access.", emergency) < page.index("<h3>", emergency + 5)
    assert re.search(r"<h2><svg class=\"icon\"[^>]*aria-hidden=\"true\"", page)


def test_the_rights_page_is_in_the_readers_language(
    anonymous_visitor: Client, spain: Place
) -> None:
    page = anonymous_visitor.get(f"/ar/finder/places/{spain.pk}/rights/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    # Sector and service names come from the vocabulary in Arabic.
    assert "الصحة" in page
    assert "إسبانيا" in page
