"""The entitlements map over the starter data (28 jurisdictions)."""

import json
from datetime import date

import pytest
from django.test import Client

from atlas.entitlements.actions import amend_entitlement
from atlas.entitlements.models import Entitlement
from atlas.places.models import Place

pytestmark = pytest.mark.django_db

STARTER_JURISDICTIONS = 28


def place(**lookup: str) -> Place:
    return Place.objects.get(**lookup)


def test_all_starter_jurisdictions_appear_in_the_matrix(anonymous_visitor: Client) -> None:
    recorded = Place.objects.filter(entitlements__isnull=False).distinct()
    assert recorded.count() == STARTER_JURISDICTIONS
    body = anonymous_visitor.get("/en/entitlements/", {"per_page": "all"}).content.decode()
    for jurisdiction in recorded:
        assert f'/en/entitlements/places/{jurisdiction.pk}/"' in body, jurisdiction.name


def test_the_matrix_labels_every_cell_in_words(anonymous_visitor: Client) -> None:
    body = anonymous_visitor.get("/en/entitlements/").content.decode()
    assert 'class="level-full"><a href="/en/entitlements/' in body
    assert ">Full</a>" in body and ">Unclear</a>" in body


def test_a_city_page_marks_inherited_rows(anonymous_visitor: Client) -> None:
    # Barcelona records nothing of its own: every row comes from Spain.
    barcelona = place(kind="city", name="Barcelona")
    body = anonymous_visitor.get(f"/en/entitlements/places/{barcelona.pk}/").content.decode()
    assert "Inherited from Spain" in body
    assert "This place" not in body


def test_a_city_with_its_own_records_shows_them_as_its_own(anonymous_visitor: Client) -> None:
    nyc = place(kind="city", name="New York City")
    body = anonymous_visitor.get(f"/en/entitlements/places/{nyc.pk}/").content.decode()
    assert "This place" in body


def test_a_change_keeps_the_earlier_period(ngo_editor) -> None:  # type: ignore[no-untyped-def]
    austria = place(kind="country", code="AT")
    current = Entitlement.objects.get(place=austria, service="health-primary", effective_to=None)
    before = current.law_level
    new = amend_entitlement(
        entitlement=current,
        changes={"law_level": "full"},
        effective_from=date(2026, 1, 1),
        user=ngo_editor,
    )
    current.refresh_from_db()
    assert current.effective_to == date(2026, 1, 1)
    assert current.law_level == before
    assert new.law_level == "full"
    assert [s.url for s in new.sources.all()] == [s.url for s in current.sources.all()]


def test_the_matrix_for_an_earlier_date_shows_the_earlier_value(
    anonymous_visitor: Client,
    ngo_editor,  # type: ignore[no-untyped-def]
) -> None:
    austria = place(kind="country", code="AT")
    current = Entitlement.objects.get(place=austria, service="health-primary", effective_to=None)
    new = amend_entitlement(
        entitlement=current,
        changes={"law_level": "full"},
        effective_from=date(2026, 1, 1),
        user=ngo_editor,
    )
    earlier = anonymous_visitor.get("/en/entitlements/", {"on": "2025-06-01", "per_page": "all"})
    later = anonymous_visitor.get("/en/entitlements/", {"on": "2026-06-01", "per_page": "all"})
    assert f"/en/entitlements/{current.pk}/" in earlier.content.decode()
    assert f"/en/entitlements/{new.pk}/" not in earlier.content.decode()
    assert f"/en/entitlements/{new.pk}/" in later.content.decode()


def test_an_editor_change_in_the_admin_opens_a_new_period(editor_client: Client) -> None:
    austria = place(kind="country", code="AT")
    current = Entitlement.objects.get(place=austria, service="health-primary", effective_to=None)
    count_before = Entitlement.objects.count()
    form = {
        "law_level": "full",
        "practice_level": current.practice_level,
        "practice_evidence": current.practice_evidence,
        "cost": current.cost,
        "documents": current.documents,
        "firewall": current.firewall,
        "firewall_detail": current.firewall_detail,
        "conditions": current.conditions,
        "legal_basis": current.legal_basis,
        "legal_basis_url": current.legal_basis_url,
        "notes": current.notes,
        "source_notes": current.source_notes,
        "source_year": current.source_year or "",
        "last_verified": "2026-11-23",
        "verified_by": "Ewa",
        "takes_effect": "2026-02-01",
        "new_source_title": "",
        "new_source_url": "",
        "new_source_year": "",
    }
    response = editor_client.post(f"/admin/entitlements/entitlement/{current.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Entitlement.objects.count() == count_before + 1
    current.refresh_from_db()
    assert current.effective_to == date(2026, 2, 1)


def test_the_timeline_lists_every_period(anonymous_visitor: Client, ngo_editor) -> None:  # type: ignore[no-untyped-def]
    austria = place(kind="country", code="AT")
    current = Entitlement.objects.get(place=austria, service="health-primary", effective_to=None)
    amend_entitlement(
        entitlement=current,
        changes={"law_level": "full"},
        effective_from=date(2026, 1, 1),
        user=ngo_editor,
    )
    body = anonymous_visitor.get(f"/en/entitlements/places/{austria.pk}/timeline/").content.decode()
    assert "2026-01-01" in body


def test_comparison_shows_two_places_side_by_side(anonymous_visitor: Client) -> None:
    spain, italy = place(kind="country", code="ES"), place(kind="country", code="IT")
    body = anonymous_visitor.get(
        "/en/entitlements/compare/", {"place": [spain.pk, italy.pk]}
    ).content.decode()
    assert "Spain" in body and "Italy" in body
    assert "Primary care" in body


def test_a_gap_links_to_practices_that_addressed_it(anonymous_visitor: Client) -> None:
    # Greece gives no primary care in law; practices elsewhere removed that barrier.
    greece = place(kind="country", code="GR")
    body = anonymous_visitor.get(f"/en/entitlements/places/{greece.pk}/").content.decode()
    assert "No access in law" in body
    assert "Addressed elsewhere by:" in body


def independent_level(place: Place, service: str) -> str | None:
    """Walk up the parents with plain queries: the first place with a record in force wins."""
    current: Place | None = place
    while current is not None:
        row = Entitlement.objects.filter(
            place=current, service=service, group="irregular-migrant", effective_to=None
        ).first()
        if row is not None:
            return row.law_level
        current = current.parent
    return None


@pytest.mark.parametrize("service", ["health-emergency", "health-primary", "education-school"])
def test_summary_counts_equal_an_independent_count(anonymous_visitor: Client, service: str) -> None:
    mapped_places = Place.objects.filter(entitlements__isnull=False).distinct()
    levels = {p.pk: independent_level(p, service) for p in mapped_places}
    expected_mapped = {pk for pk, level in levels.items() if level not in (None, "unclear")}
    expected_full = {pk for pk, level in levels.items() if level == "full"}
    data = anonymous_visitor.get("/api/entitlements/summaries").json()
    summary = next(s for s in data if s["service"] == service and s["question"] == "access-full")
    assert set(summary["places_mapped"]) == expected_mapped
    assert set(summary["places_yes"]) == expected_full
    page = anonymous_visitor.get("/en/entitlements/gaps-and-priorities/").content.decode()
    assert f"Of {len(expected_mapped)} places mapped, {len(expected_full)} give the group" in page


def test_stale_records_are_flagged(anonymous_visitor: Client) -> None:
    entitlement = Entitlement.objects.filter(effective_to=None).first()
    assert entitlement is not None
    Entitlement.objects.filter(pk=entitlement.pk).update(last_verified=date(2015, 1, 1))
    body = anonymous_visitor.get(f"/en/entitlements/{entitlement.pk}/").content.decode()
    assert "due for review" in body


def test_the_api_filters_by_place_service_and_date(anonymous_visitor: Client) -> None:
    spain = place(kind="country", code="ES")
    data = anonymous_visitor.get(
        "/api/entitlements", {"place": spain.pk, "service": "health-primary"}
    ).json()
    assert data and all(item["service"] == "health-primary" for item in data)
    gaps = anonymous_visitor.get(
        f"/api/entitlements/places/{place(kind='country', code='GR').pk}/gaps"
    ).json()
    assert gaps[0]["severity"] >= gaps[-1]["severity"]


def test_export_imports_back_unchanged(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    out = tmp_path / "entitlements.jsonl"
    call_command("export_entitlements", output=str(out))
    before = out.read_text()
    call_command("import_entitlements", str(out))
    again = tmp_path / "again.jsonl"
    call_command("export_entitlements", output=str(again))
    assert again.read_text() == before
    assert len(before.splitlines()) == Entitlement.objects.count()
    json.loads(before.splitlines()[0])


def test_the_matrix_marks_inherited_cells_in_the_readers_language(
    anonymous_visitor: Client,
) -> None:
    # Barcelona records one fact of its own; its other cells come from Spain.
    barcelona = place(kind="city", name="Barcelona")
    spain_row = Entitlement.objects.filter(place__code="ES", effective_to=None).first()
    assert spain_row is not None
    own = Entitlement.objects.create(
        place=barcelona,
        service="education-school",
        group="irregular-migrant",
        law_level="full",
        last_verified=date(2026, 11, 22),
    )
    body = anonymous_visitor.get("/es/entitlements/", {"per_page": "all"}).content.decode()
    row = body[body.index(f"/es/entitlements/places/{barcelona.pk}/") :].split("</tr>")[0]
    assert f"/es/entitlements/{own.pk}/" in row
    assert "Registrado para España" in row
    assert "Spain" not in row
