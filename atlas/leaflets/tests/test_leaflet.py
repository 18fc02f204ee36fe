import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from atlas.core.vocabulary import default_vocabulary
from atlas.leaflets.tests.conftest import (
    CONFIDENTIAL_ADDRESS,
    CONFIDENTIAL_PHONE,
    EMERGENCY_PHONE,
    PUBLIC_ADDRESS,
    Directory,
)
from atlas.places.models import Place

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


def leaflet_url(place: Place, language: str = "en", pdf: bool = False) -> str:
    with translation.override(language):
        return reverse("leaflets:leaflet_pdf" if pdf else "leaflets:leaflet", args=[place.pk])


def test_leaflet_shows_rights_services_and_contacts(
    anonymous_visitor: Client, directory: Directory
) -> None:
    response = anonymous_visitor.get(leaflet_url(directory.place))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Without papers, not without rights" in page
    assert "Barcelona" in page
    # Rights: Spain's starter entitlements, inherited by the city, with their sources.
    assert "Emergency health care" in page or "Emergency care" in page
    assert "recorded for Spain" in page
    assert "https://" in page.split('id="leaflet-sources"')[1]
    # Services: a public address, a confidential service's phone and e-mail but no address.
    assert PUBLIC_ADDRESS in page
    assert "Test women&#x27;s shelter" in page
    assert CONFIDENTIAL_PHONE in page
    assert "shelter@example.org" in page
    assert CONFIDENTIAL_ADDRESS not in page
    assert "shelter.example.org" not in page
    assert "The address is not published" in page
    # Drafts are not published; a demo record says it is not real.
    assert "Test draft service" not in page
    assert "DEMO: not a real service" in page
    # The only emergency number is the one the directory records.
    emergency = page.split('id="leaflet-emergency"')[1].split("</section>")[0]
    assert EMERGENCY_PHONE in emergency
    assert "112" not in emergency
    # A public page: no cookie, no script, the quick exit.
    assert not response.cookies
    assert "<script" not in page
    assert 'class="exit"' in page


def test_real_services_come_before_demo_records(
    anonymous_visitor: Client, directory: Directory
) -> None:
    page = anonymous_visitor.get(leaflet_url(directory.place)).content.decode()
    assert page.index("Test drop-in clinic") < page.index("Test demonstration service")


def test_no_emergency_section_without_recorded_numbers(
    anonymous_visitor: Client, directory: Directory
) -> None:
    directory.emergency.phones.all().delete()
    page = anonymous_visitor.get(leaflet_url(directory.place)).content.decode()
    assert 'id="leaflet-emergency"' not in page
    assert "112" not in page


@pytest.mark.django_db
def test_a_place_with_nothing_to_say_has_no_leaflet(anonymous_visitor: Client) -> None:
    # Antarctica: no entitlement recorded, no service.
    place = Place.objects.get(kind=Place.Kind.COUNTRY, code="AQ")
    assert anonymous_visitor.get(leaflet_url(place)).status_code == 404
    assert anonymous_visitor.get(leaflet_url(place, pdf=True)).status_code == 404


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "leaflet.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return out.stdout


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    line = next(line for line in out.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


@needs_poppler
def test_leaflet_pdf_in_english(
    anonymous_visitor: Client, directory: Directory, tmp_path: Path
) -> None:
    response = anonymous_visitor.get(leaflet_url(directory.place, pdf=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="barcelona-leaflet-en.pdf"' in response["Content-Disposition"]
    assert not response.cookies
    text = pdf_text(response.content, tmp_path)
    assert "Without papers, not without rights" in text
    assert CONFIDENTIAL_PHONE in text
    assert CONFIDENTIAL_ADDRESS not in text
    assert "Leaflet (PDF, for printing)" not in text
    assert pdf_pages(response.content, tmp_path) <= 2


@needs_poppler
@pytest.mark.parametrize("language", ["ar", "fa"])
def test_leaflet_pdf_in_arabic_script(
    anonymous_visitor: Client, directory: Directory, tmp_path: Path, language: str
) -> None:
    response = anonymous_visitor.get(leaflet_url(directory.place, language, pdf=True))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    # Labels from the vocabulary in the page's language, extracted back as the same letters
    # (a font without the glyphs would give none, or boxes).
    housing = default_vocabulary().get("service", "housing").label(language)
    emergency = default_vocabulary().get("service", "health-emergency").label(language)
    # pdftotext drops the zero-width non-joiner of Persian words such as «مراقبت‌های».
    letters = text.replace("\u200c", "")
    for label in (housing, emergency):
        assert label.replace("\u200c", "") in letters, label
    assert CONFIDENTIAL_ADDRESS not in text
    assert pdf_pages(response.content, tmp_path) <= 2
