"""The report of a round as a PDF: the printable page, in the reader's language, Arabic set
right to left in a Noto Arabic face; only those who may see the round get it."""

import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from atlas.accounts.models import User
from atlas.core.diagnostic import default_framework
from atlas.diagnostics import actions
from atlas.diagnostics.models import Assessment

pytestmark = pytest.mark.django_db

# pdftotext marks right-to-left runs with Unicode embedding controls; the words stay in
# logical (reading) order between them.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))


@pytest.fixture
def submitted_round(city_officer: User) -> Assessment:
    """Marta's Barcelona round with every question answered, submitted (not published)."""
    place = city_officer.place_memberships.get().place
    assessment = actions.open_assessment(
        place=place, user=city_officer, title="2026 round", period=date(2026, 6, 30)
    )
    framework = default_framework()
    actions.save_answers(
        assessment=assessment,
        user=city_officer,
        answers={
            q.slug: actions.AnswerInput(value=q.options[i % len(q.options)].value)
            for i, q in enumerate(framework.questions)
        },
    )
    return actions.submit(assessment=assessment, user=city_officer)


def get_pdf(user: User, assessment: Assessment, language: str, tmp_path: Path) -> Path:
    client = Client()
    client.force_login(user)
    response = client.get(f"/{language}/diagnostics/{assessment.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="barcelona-2026-06-30-report-{language}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    path = tmp_path / f"report-{language}.pdf"
    path.write_bytes(response.content)
    return path


def text_of(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    # One line per paragraph line: join wrapped words back with single spaces.
    return " ".join(out.translate(BIDI_CONTROLS).split())


def fonts_of(path: Path) -> str:
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, text=True
    ).stdout


def test_the_english_report_names_the_place_and_the_areas(
    city_officer: User, submitted_round: Assessment, tmp_path: Path
) -> None:
    path = get_pdf(city_officer, submitted_round, "en", tmp_path)
    text = text_of(path)
    framework = default_framework()
    assert "Barcelona" in text
    assert framework.label("en") in text
    for area in ("legal-framework", "documents-id", "health"):
        assert framework.area(area).label("en") in text


def test_the_arabic_report_reads_in_logical_order_in_a_noto_arabic_font(
    city_officer: User, submitted_round: Assessment, tmp_path: Path
) -> None:
    path = get_pdf(city_officer, submitted_round, "ar", tmp_path)
    text = text_of(path)
    framework = default_framework()
    assert "Barcelona" in text
    # Area labels in Arabic, e.g. "الإطار القانوني" (legal framework): a word order or
    # letter order reversed by the layout would not match.
    for area in ("legal-framework", "documents-id", "health"):
        label = framework.area(area).label("ar")
        assert label != framework.area(area).label("en")
        assert label in text
    # The framework's title, up to the number at its end ("… – الهدف 15"): pdftotext puts
    # a number that ends a right-to-left line at the line's visual start.
    title_words = framework.label("ar").rsplit(" – ", 1)[0]
    assert title_words == "تشخيص شمولية الخدمات"
    assert title_words in text
    fonts = fonts_of(path)
    assert "Noto-Naskh-Arabic" in fonts or "Noto-Sans-Arabic" in fonts
    # Every font is embedded: the PDF reads the same on a machine without Noto.
    rows = fonts.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)


def test_a_reviewing_editor_gets_the_report_of_a_submitted_round(
    ngo_editor: User, submitted_round: Assessment
) -> None:
    client = Client()
    client.force_login(ngo_editor)
    response = client.get(f"/en/diagnostics/{submitted_round.pk}/report.pdf")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_who_may_not_see_the_round_gets_a_404(
    submitted_round: Assessment, contributor: User, data_steward: User
) -> None:
    path = f"/en/diagnostics/{submitted_round.pk}/report.pdf"
    assert Client().get(path).status_code == 404
    for outsider in (contributor, data_steward):
        client = Client()
        client.force_login(outsider)
        assert client.get(path).status_code == 404, outsider.username
    assert Client().get("/en/diagnostics/999999/report.pdf").status_code == 404


def test_an_editor_does_not_get_the_report_of_a_draft(city_officer: User, ngo_editor: User) -> None:
    place = city_officer.place_memberships.get().place
    draft = actions.open_assessment(
        place=place, user=city_officer, title="draft", period=date(2026, 1, 31)
    )
    client = Client()
    client.force_login(ngo_editor)
    assert client.get(f"/en/diagnostics/{draft.pk}/report.pdf").status_code == 404
