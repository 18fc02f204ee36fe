"""The diagnostic pages: a place team opens a round, answers it, imports a KoboToolbox export,
submits and publishes it; nobody outside the team reads or changes a draft through a page."""

import csv
import io
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape
from openpyxl import load_workbook

from atlas.accounts.actions import grant_role
from atlas.accounts.models import PlaceMembership, Role, User
from atlas.core.diagnostic import default_framework
from atlas.core.diagnostic.xlsform import framework_identity
from atlas.core.places import PlaceRef
from atlas.diagnostics import actions
from atlas.diagnostics.models import Answer, Assessment
from atlas.lib import testing
from atlas.places.actions import resolve_place

pytestmark = pytest.mark.django_db

HEALTH_LAW = "health-emergency-law"
# A question that allows "not applicable" (q-water-sanitation.toml).
NA_QUESTION = "water-supply-documents-law"


# --- people and rounds ------------------------------------------------------------------------


def make_other_team_member() -> User:
    """Olu is on the team of Lisbon: a place team, but not Barcelona's."""
    lisbon = resolve_place(PlaceRef(kind="city", code=None, country="PT", city="Lisboa"))
    user = testing.make_user("olu")
    grant_role(user=user, role=Role.PLACE_TEAM)
    PlaceMembership.objects.create(user=user, place=lisbon)
    return user


def make_superuser() -> User:
    return User.objects.create_superuser(
        username="root", email="root@example.org", password=testing.PASSWORD
    )


@pytest.fixture
def people(
    city_officer: User, ngo_editor: User, contributor: User, moderator: User, data_steward: User
) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "kofi (contributor)": contributor,
        "ewa (editor)": ngo_editor,
        "noor (moderator)": moderator,
        "tomas (data steward)": data_steward,
        "olu (another place's team)": make_other_team_member(),
        "marta (the team)": city_officer,
        "superuser": make_superuser(),
    }


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def draft(city_officer: User) -> Assessment:
    """Marta's draft with one answer, its evidence and a comment."""
    place = city_officer.place_memberships.get().place
    assessment = actions.open_assessment(
        place=place, user=city_officer, title="Round 2026", period=date(2026, 6, 30)
    )
    actions.save_answers(
        assessment=assessment,
        user=city_officer,
        answers={
            HEALTH_LAW: actions.AnswerInput(
                value="partly", evidence="Law 16/2003, art. 3", comment="Invoices follow."
            )
        },
    )
    return assessment


def snapshot(assessment: Assessment) -> tuple[Any, ...]:
    """Everything a page could change: answers, status, result and the place's team."""
    assessment.refresh_from_db()
    answers = sorted(
        Answer.objects.filter(assessment=assessment).values_list(
            "question", "value", "evidence", "comment"
        )
    )
    team = sorted(
        PlaceMembership.objects.filter(place=assessment.place).values_list("user_id", flat=True)
    )
    return (answers, assessment.status, assessment.result, team)


# --- a Kobo-style export of the downloaded XLSForm --------------------------------------------


def form_columns(workbook_bytes: bytes) -> dict[str, tuple[str, str]]:
    """Question field name → (answer column, comment column), from the XLSForm's survey sheet,
    with the group path as KoboToolbox writes it with "include groups in headers"."""
    sheet = load_workbook(io.BytesIO(workbook_bytes))["survey"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    kind, name = header.index("type"), header.index("name")
    group = ""
    columns: dict[str, tuple[str, str]] = {}
    for row in rows[1:]:
        if row[kind] == "begin_group":
            group = str(row[name])
        elif row[kind] == "end_group":
            group = ""
        elif str(row[kind]).startswith("select_one"):
            field = str(row[name])
            columns[field] = (f"{group}/{field}", f"{group}/{field}_comment")
    return columns


def kobo_csv(
    columns: dict[str, tuple[str, str]], submissions: list[dict[str, str]]
) -> SimpleUploadedFile:
    """A KoboToolbox CSV export (";", every cell quoted): metadata, every question's answer
    and comment column, the framework identity. Keys are field names; "x_comment" a comment."""
    header = ["start", "end"]
    for answer, comment in columns.values():
        header += [answer, comment]
    header += ["atlas_framework", "_id", "_uuid", "_submission_time"]
    rows = [header]
    for number, submission in enumerate(submissions, start=1):
        row = ["2026-05-01T10:00:00", "2026-05-01T10:30:00"]
        for field in columns:
            row += [submission.get(field, ""), submission.get(f"{field}_comment", "")]
        row += [framework_identity(default_framework()), str(number), f"uuid-{number}", ""]
        rows.append(row)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL).writerows(rows)
    return SimpleUploadedFile("export.csv", buffer.getvalue().encode(), "text/csv")


def download_xlsform(client: Client, assessment: Assessment) -> bytes:
    response = client.get(f"/en/diagnostics/{assessment.pk}/xlsform/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


# --- every role, every page and POST of a draft -----------------------------------------------


def requests_of(assessment: Assessment) -> list[tuple[str, str, Callable[[], dict[str, Any]]]]:
    """(method, path, data) for every page and POST of a round."""
    base = f"/en/diagnostics/{assessment.pk}"
    framework = default_framework()
    health = framework.area("health")

    def answers() -> dict[str, Any]:
        data = {f"{q.slug}__value": q.options[0].value for q in health.questions}
        data[f"{HEALTH_LAW}__evidence"] = "Overwritten"
        return data

    def upload() -> dict[str, Any]:
        columns = {q.field_name: (f"health/{q.field_name}", "") for q in framework.questions}
        return {"export": kobo_csv(columns, [{"health_emergency_law": "no"}])}

    nothing: Callable[[], dict[str, Any]] = dict
    return [
        ("get", f"{base}/", nothing),
        ("get", f"{base}/areas/health/", nothing),
        ("post", f"{base}/areas/health/", answers),
        ("get", f"{base}/areas/cost/", nothing),
        ("get", f"{base}/invite/", nothing),
        ("post", f"{base}/invite/", lambda: {"username": "kofi"}),
        ("get", f"{base}/xlsform/", nothing),
        ("get", f"{base}/import/", nothing),
        ("post", f"{base}/import/", upload),
        *[
            (method, f"{base}/{step}/", nothing)
            for step in ("submit", "reopen", "publish", "unpublish")
            for method in ("get", "post")
        ],
    ]


OUTSIDERS = (
    "anonymous",
    "kofi (contributor)",
    "ewa (editor)",
    "noor (moderator)",
    "tomas (data steward)",
    "olu (another place's team)",
)


@pytest.mark.parametrize("role", OUTSIDERS)
def test_nobody_outside_the_team_reads_or_changes_a_draft(
    role: str, people: dict[str, User | None], draft: Assessment
) -> None:
    client = client_for(people[role])
    before = snapshot(draft)
    for method, path, data in requests_of(draft):
        response = getattr(client, method)(path, data())
        assert response.status_code == 404, (role, method, path, response.status_code)
        assert b"Law 16/2003" not in response.content
    assert snapshot(draft) == before
    index = client.get("/en/diagnostics/")
    assert index.status_code == 200
    assert b"Round 2026" not in index.content


@pytest.mark.parametrize("role", ["marta (the team)", "superuser"])
def test_the_team_and_a_superuser_read_every_page_of_a_draft(
    role: str, people: dict[str, User | None], draft: Assessment
) -> None:
    client = client_for(people[role])
    for method, path, _data in requests_of(draft):
        if method == "get":
            response = client.get(path)
            assert response.status_code == 200, (role, path)
    page = client.get(f"/en/diagnostics/{draft.pk}/areas/health/")
    assert b"Law 16/2003, art. 3" in page.content
    assert page["Referrer-Policy"] == "same-origin"
    # A POST they may make changes the answers.
    response = client.post(
        f"/en/diagnostics/{draft.pk}/areas/health/", {f"{HEALTH_LAW}__value": "yes"}
    )
    assert response.status_code == 302
    assert Answer.objects.get(assessment=draft, question=HEALTH_LAW).value == "yes"


def test_an_editor_reviews_a_submitted_round_but_cannot_change_it(
    people: dict[str, User | None], draft: Assessment, city_officer: User
) -> None:
    actions.submit(assessment=draft, user=city_officer)
    before = snapshot(draft)
    expected = {
        ("get", "/"): 200,
        ("get", "/areas/health/"): 200,
        ("get", "/areas/cost/"): 200,
    }
    for role in ("ewa (editor)", "noor (moderator)"):
        client = client_for(people[role])
        for method, path, data in requests_of(draft):
            short = path.removeprefix(f"/en/diagnostics/{draft.pk}")
            response = getattr(client, method)(path, data())
            want = expected.get((method, short), 403)
            assert response.status_code == want, (role, method, path, response.status_code)
        review = client.get(f"/en/diagnostics/{draft.pk}/areas/health/")
        assert b"Law 16/2003, art. 3" in review.content
        assert b'<form method="post"' not in review.content  # read-only
    for role in ("anonymous", "kofi (contributor)", "olu (another place's team)"):
        client = client_for(people[role])
        for method, path, data in requests_of(draft):
            assert getattr(client, method)(path, data()).status_code == 404, (role, path)
    assert snapshot(draft) == before


def test_a_published_round_is_public_but_only_the_team_changes_it(
    anonymous_visitor: Client, draft: Assessment, city_officer: User
) -> None:
    actions.submit(assessment=draft, user=city_officer)
    actions.publish(assessment=draft, user=city_officer)
    before = snapshot(draft)
    base = f"/en/diagnostics/{draft.pk}"
    assert anonymous_visitor.get(f"{base}/").status_code == 200
    assert anonymous_visitor.get(f"{base}/areas/health/").status_code == 200
    for method, path in [
        ("post", f"{base}/areas/health/"),
        ("get", f"{base}/xlsform/"),
        ("get", f"{base}/import/"),
        ("post", f"{base}/unpublish/"),
        ("post", f"{base}/reopen/"),
    ]:
        assert getattr(anonymous_visitor, method)(path).status_code == 403, path
    assert snapshot(draft) == before


# --- the whole flow ---------------------------------------------------------------------------


def test_marta_opens_answers_submits_and_publishes_and_a_visitor_sees_it(
    city_officer: User, anonymous_visitor: Client
) -> None:
    marta = client_for(city_officer)
    barcelona = city_officer.place_memberships.get().place
    index = marta.get("/en/diagnostics/")
    assert f"/en/diagnostics/open/{barcelona.pk}/".encode() in index.content

    response = marta.post(
        f"/en/diagnostics/open/{barcelona.pk}/", {"title": "Spring 2026", "period": "2026-04-30"}
    )
    assessment = Assessment.objects.get(title="Spring 2026")
    assert response["Location"] == f"/en/diagnostics/{assessment.pk}/?done=opened"
    assert (assessment.place, assessment.period) == (barcelona, date(2026, 4, 30))
    assert assessment.status == Assessment.Status.DRAFT

    # Health: the law dimension yes (100), partly (50), no (0) → 50; the practice dimension
    # largely (75), not at all (0) → 37.5; the area (50 + 37.5) / 2 = 43.75 → 43.8.
    response = marta.post(
        f"/en/diagnostics/{assessment.pk}/areas/health/",
        {
            "health-emergency-law__value": "yes",
            "health-emergency-law__evidence": "Decree 12/2024, art. 3",
            "health-emergency-law__comment": "Checked with the health department.",
            "health-primary-law__value": "partly",
            "health-children-law__value": "no",
            "health-maternity-practice__value": "largely",
            "health-primary-practice__value": "not-at-all",
            "health-primary-practice__comment": "Clinics ask for a residence card.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/en/diagnostics/{assessment.pk}/areas/health/?saved=5"
    rows = sorted(
        assessment.answers.values_list("question", "value", "evidence", "comment", "updated_by")
    )
    assert rows == [
        ("health-children-law", "no", "", "", city_officer.pk),
        (
            "health-emergency-law",
            "yes",
            "Decree 12/2024, art. 3",
            "Checked with the health department.",
            city_officer.pk,
        ),
        ("health-maternity-practice", "largely", "", "", city_officer.pk),
        ("health-primary-law", "partly", "", "", city_officer.pk),
        (
            "health-primary-practice",
            "not-at-all",
            "",
            "Clinics ask for a residence card.",
            city_officer.pk,
        ),
    ]
    round_page = marta.get(f"/en/diagnostics/{assessment.pk}/").content.decode()
    assert "43.8" in round_page

    confirm = marta.get(f"/en/diagnostics/{assessment.pk}/submit/")
    assert confirm.status_code == 200 and b'method="post"' in confirm.content
    assert marta.post(f"/en/diagnostics/{assessment.pk}/submit/").status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert assessment.result is not None
    assert assessment.result["overall"]["score"] == 43.8
    assert assessment.result["areas"]["health"]["answered"] == 5

    # Submitted: the answers no longer change, and the page says why.
    refused = marta.post(
        f"/en/diagnostics/{assessment.pk}/areas/health/", {"health-emergency-law__value": "no"}
    )
    assert refused.status_code == 200
    assert b"only a draft" in refused.content
    assert assessment.answers.get(question="health-emergency-law").value == "yes"

    assert b"Spring 2026" not in anonymous_visitor.get("/en/diagnostics/").content
    assert marta.post(f"/en/diagnostics/{assessment.pk}/publish/").status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.PUBLISHED

    public = anonymous_visitor.get("/en/diagnostics/").content.decode()
    assert "Spring 2026" in public
    assert "Barcelona" in public
    assert "2026-04-30" in public
    assert "43.8" in public


def test_a_step_not_possible_from_the_status_is_refused_and_changes_nothing(
    city_officer: User, draft: Assessment
) -> None:
    marta = client_for(city_officer)
    before = snapshot(draft)
    response = marta.post(f"/en/diagnostics/{draft.pk}/publish/")
    assert response.status_code == 200
    assert b"not possible" in response.content
    assert snapshot(draft) == before


def test_a_colleague_is_invited_by_username(
    city_officer: User, contributor: User, draft: Assessment
) -> None:
    marta = client_for(city_officer)
    unknown = marta.post(f"/en/diagnostics/{draft.pk}/invite/", {"username": "nobody"})
    assert unknown.status_code == 200
    assert b"no user is called" in unknown.content
    response = marta.post(f"/en/diagnostics/{draft.pk}/invite/", {"username": "kofi"})
    assert response.status_code == 302
    assert PlaceMembership.objects.filter(user=contributor, place=draft.place).exists()
    assert client_for(contributor).get(f"/en/diagnostics/{draft.pk}/").status_code == 200


def test_the_answer_form_offers_not_answered_and_not_applicable_where_allowed(
    city_officer: User, draft: Assessment
) -> None:
    marta = client_for(city_officer)
    water = marta.get(f"/en/diagnostics/{draft.pk}/areas/water-sanitation/").content.decode()
    assert "Not answered" in water
    assert f'name="{NA_QUESTION}__value" value="not-applicable"' in water
    health = marta.get(f"/en/diagnostics/{draft.pk}/areas/health/").content.decode()
    assert "not-applicable" not in health
    # The saved answer is the checked one.
    assert f'name="{HEALTH_LAW}__value" value="partly"' in health
    checked = health.split('value="partly"', 1)[1].split(">", 1)[0]
    assert "checked" in checked


def test_an_invalid_choice_is_shown_beside_its_question_and_nothing_is_saved(
    city_officer: User, draft: Assessment
) -> None:
    marta = client_for(city_officer)
    before = snapshot(draft)
    response = marta.post(
        f"/en/diagnostics/{draft.pk}/areas/health/",
        {"health-primary-law__value": "yes", HEALTH_LAW + "__value": "not-applicable"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    fieldset = page.split(f'id="q-{HEALTH_LAW}"', 1)[1].split("</fieldset>", 1)[0]
    assert 'class="errors"' in fieldset
    assert snapshot(draft) == before


def test_the_answer_page_in_arabic_is_right_to_left_with_the_arabic_questions(
    city_officer: User, draft: Assessment
) -> None:
    response = client_for(city_officer).get(f"/ar/diagnostics/{draft.pk}/areas/health/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'dir="rtl"' in page
    health = default_framework().area("health")
    assert escape(health.label("ar")) in page
    for question in health.questions:
        assert escape(question.text["ar"]) in page
        assert question.text["en"] not in page


# --- XLSForm and KoboToolbox ------------------------------------------------------------------


def test_the_xlsform_download_is_a_workbook_named_after_the_framework_version(
    city_officer: User, draft: Assessment
) -> None:
    marta = client_for(city_officer)
    response = marta.get(f"/en/diagnostics/{draft.pk}/xlsform/")
    assert response.status_code == 200
    assert 'filename="objective-15-2026.1.xlsx"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["survey", "choices", "settings"]
    # One select_one per question of the framework (76 in 2026.1).
    assert len(form_columns(download_xlsform(marta, draft))) == 76


def test_a_kobo_export_of_the_downloaded_form_imports_its_answers(
    city_officer: User, draft: Assessment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marta = client_for(city_officer)
    columns = form_columns(download_xlsform(marta, draft))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    upload = kobo_csv(
        columns,
        [
            {
                "health_emergency_law": "yes",
                "health_emergency_law_comment": "Decree 12/2024",
                "water_supply_documents_law": "not_applicable",
                "health_primary_practice": "marginally",
            }
        ],
    )
    response = marta.post(f"/en/diagnostics/{draft.pk}/import/", {"export": upload})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert list(tmp_path.iterdir()) == []  # the uploaded copy is gone
    assert response["Location"] == f"/en/diagnostics/{draft.pk}/?done=imported"
    rows = sorted(draft.answers.values_list("question", "value", "evidence", "comment"))
    # The file's answers replace the saved one; the evidence is not in a Kobo export, so
    # the evidence already written is kept.
    assert rows == [
        ("health-emergency-law", "yes", "Law 16/2003, art. 3", "Decree 12/2024"),
        ("health-primary-practice", "marginally", "", ""),
        ("water-supply-documents-law", "not-applicable", "", ""),
    ]


def test_a_file_with_several_submissions_lets_the_team_choose_one(
    city_officer: User, draft: Assessment
) -> None:
    marta = client_for(city_officer)
    columns = form_columns(download_xlsform(marta, draft))
    submissions = [{"health_primary_law": "yes"}, {"health_primary_law": "no"}]
    before = snapshot(draft)
    first = marta.post(
        f"/en/diagnostics/{draft.pk}/import/", {"export": kobo_csv(columns, submissions)}
    )
    assert first.status_code == 200
    page = first.content.decode()
    assert 'name="row" value="2"' in page and 'name="row" value="3"' in page
    assert "uuid-2" in page
    assert snapshot(draft) == before
    chosen = marta.post(
        f"/en/diagnostics/{draft.pk}/import/",
        {"export": kobo_csv(columns, submissions), "row": "3"},
    )
    assert chosen.status_code == 302
    assert draft.answers.get(question="health-primary-law").value == "no"


def test_a_bad_kobo_file_names_the_row_and_column_and_saves_nothing(
    city_officer: User, draft: Assessment
) -> None:
    marta = client_for(city_officer)
    columns = form_columns(download_xlsform(marta, draft))
    before = snapshot(draft)
    upload = kobo_csv(
        columns,
        [
            {"health_primary_law": "yes"},
            {"health_primary_law": "yes", "health_children_law": "maybe"},
        ],
    )
    response = marta.post(f"/en/diagnostics/{draft.pk}/import/", {"export": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "nothing was imported" in page
    problem = page.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert "<td>3</td>" in problem
    assert "health/health_children_law" in problem
    assert "&#x27;maybe&#x27; is not a choice of this question" in problem
    assert snapshot(draft) == before


def test_a_file_that_is_not_an_export_is_refused_with_its_reason(
    city_officer: User, draft: Assessment
) -> None:
    marta = client_for(city_officer)
    before = snapshot(draft)
    upload = SimpleUploadedFile("notes.csv", b"name;age\nAna;34\n", "text/csv")
    response = marta.post(f"/en/diagnostics/{draft.pk}/import/", {"export": upload})
    assert response.status_code == 200
    assert b"not a field of this form" in response.content
    assert snapshot(draft) == before


def test_a_file_over_the_size_limit_is_refused_unread(
    city_officer: User, draft: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("atlas.diagnostics.forms.KOBO_UPLOAD_MAX_BYTES", 1024 * 1024)
    marta = client_for(city_officer)
    before = snapshot(draft)
    upload = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1), "text/csv")
    response = marta.post(f"/en/diagnostics/{draft.pk}/import/", {"export": upload})
    assert response.status_code == 200
    assert b"larger than 1 MB" in response.content
    assert snapshot(draft) == before


def test_only_a_places_team_opens_a_round_for_it(
    people: dict[str, User | None], city_officer: User
) -> None:
    barcelona = city_officer.place_memberships.get().place
    path = f"/en/diagnostics/open/{barcelona.pk}/"
    data = {"title": "Not theirs", "period": "2026-01-31"}
    anonymous = client_for(None).post(path, data)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/en/accounts/login/")
    for role in OUTSIDERS[1:]:
        client = client_for(people[role])
        assert client.get(path).status_code == 403, role
        assert client.post(path, data).status_code == 403, role
        assert (
            f"/en/diagnostics/open/{barcelona.pk}/".encode()
            not in client.get("/en/diagnostics/").content
        )
    assert not Assessment.objects.filter(title="Not theirs").exists()
    assert client_for(city_officer).get(path)["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_steps_for_governments_are_public_with_their_examples(
    client: Client, language: str
) -> None:
    from atlas.core.diagnostic.steps import default_steps

    response = client.get(f"/{language}/diagnostics/steps/")
    assert response.status_code == 200
    page = response.content.decode()
    for step in default_steps().all:
        assert step.label(language) in page
    assert "/practices/barcelona-padron/" in page
