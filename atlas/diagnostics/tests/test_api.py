"""The diagnostics API: the framework, rounds scoped to who may see them, results.

Every role is tried against every endpoint on a draft of Marta's (Barcelona's team): those
outside the team never learn that it exists and change nothing; on a submitted round editors
may read but not write; a published round is public to read and still the team's to change.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from atlas.accounts.actions import grant_role
from atlas.accounts.models import PlaceMembership, Role, User
from atlas.core.diagnostic import default_framework, score
from atlas.core.places import PlaceRef
from atlas.diagnostics import actions
from atlas.diagnostics.models import Answer, Assessment
from atlas.lib import testing
from atlas.places.actions import resolve_place

pytestmark = pytest.mark.django_db

BASE = "/api/diagnostics"

# The roles that are not on Barcelona's team. The superuser is not here: permissions.py lets
# admins see and change every round (tested below).
OUTSIDERS = ("anonymous", "contributor", "ngo_editor", "moderator", "data_steward", "other_team")
EDITORS = ("ngo_editor", "moderator")


# --- people and rounds -----------------------------------------------------------------------


@pytest.fixture
def other_team(db: None) -> User:
    """Jonas is on Frankfurt am Main's team: a place team, but not Barcelona's."""
    frankfurt = resolve_place(
        PlaceRef(kind="city", code=None, country="DE", city="Frankfurt am Main")
    )
    user = testing.make_user("jonas")
    grant_role(user=user, role=Role.PLACE_TEAM)
    PlaceMembership.objects.create(user=user, place=frankfurt)
    return user


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser(
        username="root", email="root@example.org", password=testing.PASSWORD
    )


def client_for(request: pytest.FixtureRequest, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def question_values(index: int) -> tuple[str, list[str]]:
    question = default_framework().questions[index]
    return question.slug, [option.value for option in question.options]


@pytest.fixture
def draft(city_officer: User) -> Assessment:
    """Marta's draft, with two answers already saved."""
    place = city_officer.place_memberships.get().place
    assessment = actions.open_assessment(
        place=place, user=city_officer, title="2026 round", period=date(2026, 6, 30)
    )
    (first, first_options), (second, second_options) = question_values(0), question_values(1)
    actions.save_answers(
        assessment=assessment,
        user=city_officer,
        answers={
            first: actions.AnswerInput(value=first_options[0], evidence="Health Act, art. 3"),
            second: actions.AnswerInput(value=second_options[1], comment="Varies by district"),
        },
    )
    return assessment


@pytest.fixture
def submitted(draft: Assessment, city_officer: User) -> Assessment:
    return actions.submit(assessment=draft, user=city_officer)


@pytest.fixture
def published(submitted: Assessment, city_officer: User) -> Assessment:
    return actions.publish(assessment=submitted, user=city_officer)


def database_state() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every round and every answer, every field: what no refused request may change."""
    rounds = list(Assessment.objects.order_by("pk").values())
    answers = list(Answer.objects.order_by("pk").values())
    return rounds, answers


# --- the table of endpoints on one round -----------------------------------------------------


def answers_body() -> dict[str, Any]:
    slug, options = question_values(0)
    return {slug: {"value": options[-1], "evidence": "changed", "comment": ""}}


# name → (method, path after /assessments/{id}, body)
READS: dict[str, tuple[str, str]] = {
    "detail": ("get", ""),
    "results": ("get", "/results"),
}
WRITES: dict[str, tuple[str, str, Callable[[], dict[str, Any]] | None]] = {
    "answers": ("put", "/answers", answers_body),
    "submit": ("post", "/submit", None),
    "publish": ("post", "/publish", None),
    "reopen": ("post", "/reopen", None),
}


def call(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    send = getattr(client, method)
    if body is None:
        return send(url)
    return send(url, body, content_type="application/json")


def round_url(assessment: Assessment, suffix: str = "") -> str:
    return f"{BASE}/assessments/{assessment.pk}{suffix}"


# --- outsiders and a draft -------------------------------------------------------------------


@pytest.mark.parametrize("role", OUTSIDERS)
@pytest.mark.parametrize("endpoint", sorted(READS))
def test_outsiders_cannot_read_a_draft(
    request: pytest.FixtureRequest, role: str, endpoint: str, draft: Assessment
) -> None:
    client = client_for(request, role)
    method, suffix = READS[endpoint]
    response = call(client, method, round_url(draft, suffix))
    assert response.status_code == 404
    # The same answer as for a round that does not exist: nothing leaks.
    missing = call(client, method, f"{BASE}/assessments/{draft.pk + 1000}{suffix}")
    assert (missing.status_code, missing.json()) == (404, response.json())
    listed = client.get(f"{BASE}/assessments").json()
    assert draft.pk not in [item["id"] for item in listed["items"]]


@pytest.mark.parametrize("role", OUTSIDERS)
@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_outsiders_cannot_change_a_draft_and_nothing_changes(
    request: pytest.FixtureRequest, role: str, endpoint: str, draft: Assessment
) -> None:
    client = client_for(request, role)
    method, suffix, body = WRITES[endpoint]
    before = database_state()
    response = call(client, method, round_url(draft, suffix), body() if body else None)
    missing = call(
        client, method, f"{BASE}/assessments/{draft.pk + 1000}{suffix}", body() if body else None
    )
    if role == "anonymous":
        # Writes need a session: refused before any round is looked up.
        assert response.status_code == 401
    else:
        assert response.status_code == 404
    assert (missing.status_code, missing.json()) == (response.status_code, response.json())
    assert database_state() == before
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    assert draft.answers.count() == 2


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_cannot_open_a_round_for_barcelona(
    request: pytest.FixtureRequest, role: str, draft: Assessment
) -> None:
    client = client_for(request, role)
    before = database_state()
    response = client.post(
        f"{BASE}/assessments",
        {"place": draft.place_id, "title": "Not ours", "period": "2026-12-31"},
        content_type="application/json",
    )
    assert response.status_code == (401 if role == "anonymous" else 403)
    assert database_state() == before


# --- the team ----------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", sorted(READS))
def test_marta_reads_her_draft(city_officer: User, endpoint: str, draft: Assessment) -> None:
    client = Client()
    client.force_login(city_officer)
    method, suffix = READS[endpoint]
    response = call(client, method, round_url(draft, suffix))
    assert response.status_code == 200
    listed = client.get(f"{BASE}/assessments").json()
    assert draft.pk in [item["id"] for item in listed["items"]]


# What Marta's round must be before each write, and what it is after.
WRITE_STATES = {
    "answers": (Assessment.Status.DRAFT, Assessment.Status.DRAFT),
    "submit": (Assessment.Status.DRAFT, Assessment.Status.SUBMITTED),
    "publish": (Assessment.Status.SUBMITTED, Assessment.Status.PUBLISHED),
    "reopen": (Assessment.Status.SUBMITTED, Assessment.Status.DRAFT),
}


@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_marta_changes_her_round(city_officer: User, endpoint: str, draft: Assessment) -> None:
    before, after = WRITE_STATES[endpoint]
    if before == Assessment.Status.SUBMITTED:
        actions.submit(assessment=draft, user=city_officer)
    client = Client()
    client.force_login(city_officer)
    method, suffix, body = WRITES[endpoint]
    response = call(client, method, round_url(draft, suffix), body() if body else None)
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert draft.status == after
    if endpoint == "answers":
        slug, options = question_values(0)
        answer = draft.answers.get(question=slug)
        assert (answer.value, answer.evidence) == (options[-1], "changed")
        assert response.json()["changed"] == 1


def test_marta_opens_a_round_for_her_place(city_officer: User) -> None:
    place = city_officer.place_memberships.get().place
    client = Client()
    client.force_login(city_officer)
    response = client.post(
        f"{BASE}/assessments",
        {"place": place.pk, "title": "2027 round", "period": "2027-06-30"},
        content_type="application/json",
    )
    assert response.status_code == 201
    data = response.json()
    framework = default_framework()
    assert data["status"] == "draft"
    reference = data["place"]["reference"]
    assert reference == place.as_reference()
    assert (reference["country"], reference["city"]) == ("ES", "Barcelona")
    assert (data["framework_version"], data["framework_fingerprint"]) == (
        framework.version,
        framework.fingerprint,
    )
    assert Assessment.objects.get(pk=data["id"]).place == place


def test_a_superuser_may_see_and_change_a_draft(superuser: User, draft: Assessment) -> None:
    client = Client()
    client.force_login(superuser)
    assert client.get(round_url(draft)).status_code == 200
    assert client.post(round_url(draft, "/submit")).status_code == 200
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED


# --- a submitted round: editors review, nobody else outside the team --------------------------


@pytest.mark.parametrize("role", EDITORS)
def test_editors_read_a_submitted_round_but_cannot_change_it(
    request: pytest.FixtureRequest, role: str, submitted: Assessment
) -> None:
    client = client_for(request, role)
    for method, suffix in READS.values():
        assert call(client, method, round_url(submitted, suffix)).status_code == 200
    listed = client.get(f"{BASE}/assessments", {"status": "submitted"}).json()
    assert submitted.pk in [item["id"] for item in listed["items"]]
    assert listed["items"][0]["can_change"] is False
    before = database_state()
    for method, suffix, body in WRITES.values():
        response = call(client, method, round_url(submitted, suffix), body() if body else None)
        assert response.status_code == 403, suffix
    assert database_state() == before


@pytest.mark.parametrize("role", sorted(set(OUTSIDERS) - set(EDITORS)))
def test_others_still_cannot_read_a_submitted_round(
    request: pytest.FixtureRequest, role: str, submitted: Assessment
) -> None:
    client = client_for(request, role)
    for method, suffix in READS.values():
        assert call(client, method, round_url(submitted, suffix)).status_code == 404


def test_a_submitted_rounds_answers_cannot_change(
    city_officer: User, submitted: Assessment
) -> None:
    client = Client()
    client.force_login(city_officer)
    before = database_state()
    response = client.put(
        round_url(submitted, "/answers"), answers_body(), content_type="application/json"
    )
    assert response.status_code == 409
    assert "reopen" in response.json()["detail"]
    assert client.post(round_url(submitted, "/submit")).status_code == 409
    assert database_state() == before


# --- a published round: public to read, still the team's to change ----------------------------


@pytest.mark.parametrize("role", OUTSIDERS)
def test_everyone_reads_a_published_round_and_only_the_team_changes_it(
    request: pytest.FixtureRequest, role: str, published: Assessment
) -> None:
    client = client_for(request, role)
    for method, suffix in READS.values():
        assert call(client, method, round_url(published, suffix)).status_code == 200
    before = database_state()
    for method, suffix, body in WRITES.values():
        response = call(client, method, round_url(published, suffix), body() if body else None)
        assert response.status_code == (401 if role == "anonymous" else 403), suffix
    assert database_state() == before


# --- answers -----------------------------------------------------------------------------------


def test_a_bad_answer_is_named_and_nothing_is_saved(city_officer: User, draft: Assessment) -> None:
    client = Client()
    client.force_login(city_officer)
    (first, first_options), (third, _) = question_values(0), question_values(2)
    before = database_state()
    response = client.put(
        round_url(draft, "/answers"),
        {
            first: {"value": first_options[-1], "evidence": "new evidence"},
            third: {"value": "maybe"},
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == third
    assert f"question '{third}'" in response.json()["detail"]
    assert database_state() == before


@pytest.mark.parametrize(
    ("question", "value"),
    [("no-such-question", "yes"), ("health-emergency-law", "not-applicable")],
)
def test_unknown_questions_and_forbidden_not_applicable_are_refused(
    city_officer: User, draft: Assessment, question: str, value: str
) -> None:
    client = Client()
    client.force_login(city_officer)
    before = database_state()
    response = client.put(
        round_url(draft, "/answers"), {question: {"value": value}}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == question
    assert database_state() == before


def test_a_write_without_the_csrf_token_is_refused(city_officer: User, draft: Assessment) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(city_officer)
    before = database_state()
    response = client.put(
        round_url(draft, "/answers"), answers_body(), content_type="application/json"
    )
    assert response.status_code == 403
    assert client.post(round_url(draft, "/submit")).status_code == 403
    assert database_state() == before


def test_the_detail_has_the_answers_and_no_personal_data(
    city_officer: User, draft: Assessment
) -> None:
    client = Client()
    client.force_login(city_officer)
    response = client.get(round_url(draft))
    data = response.json()
    (first, first_options), (second, _) = question_values(0), question_values(1)
    answers = {a["question"]: a for a in data["answers"]}
    assert answers[first]["value"] == first_options[0]
    assert answers[first]["evidence"] == "Health Act, art. 3"
    assert answers[second]["comment"] == "Varies by district"
    assert data["can_change"] is True
    assert data["place"]["reference"] == draft.place.as_reference()
    text = response.content.decode()
    assert "example.org" not in text
    assert "marta" not in text.lower()
    assert "opened_by" not in data and "updated_by" not in answers[first]


# --- listing ----------------------------------------------------------------------------------


def test_the_list_filters_by_place_and_status_and_pages(
    city_officer: User, other_team: User, published: Assessment
) -> None:
    barcelona = published.place
    for period in (date(2027, 6, 30), date(2028, 6, 30)):
        actions.open_assessment(
            place=barcelona, user=city_officer, title=f"{period.year}", period=period
        )
    frankfurt = other_team.place_memberships.get().place
    actions.open_assessment(place=frankfurt, user=other_team, title="FFM", period=date(2026, 1, 1))
    client = Client()
    client.force_login(city_officer)

    def ids(**params: Any) -> tuple[int, list[int]]:
        data = client.get(f"{BASE}/assessments", params).json()
        return data["total"], [item["id"] for item in data["items"]]

    total, all_ids = ids()
    assert total == 3  # Barcelona's three; Frankfurt's draft is not Marta's to see
    assert ids(place=str(barcelona.pk))[0] == 3
    assert ids(place="ES/Barcelona")[0] == 3
    assert ids(place="es/barcelona")[0] == 3
    assert ids(place=str(frankfurt.pk)) == (0, [])
    assert ids(place="ES")[0] == 0  # the country itself has no round
    assert ids(status="published") == (1, [published.pk])
    assert ids(status="draft")[0] == 2
    # Newest period first within a place, two to a page.
    first_page, second_page = ids(page_size=2, page=1), ids(page_size=2, page=2)
    assert first_page[0] == second_page[0] == 3
    assert first_page[1] + second_page[1] == all_ids
    assert second_page[1] == [published.pk]
    assert client.get(f"{BASE}/assessments", {"status": "lost"}).status_code == 422
    # A visitor with no account sees the published round only.
    assert Client().get(f"{BASE}/assessments").json()["total"] == 1


# --- results ----------------------------------------------------------------------------------


HAND_ANSWERS = {
    # health, dimension health-entitlement: 100, 100, 50 → 250/3
    "health-emergency-law": "yes",
    "health-primary-law": "yes",
    "health-children-law": "partly",
    # health, dimension health-access: 75, 25 → 50
    "health-maternity-practice": "largely",
    "health-primary-practice": "marginally",
    # left out of every average
    "water-supply-documents-law": "not-applicable",
}


def test_results_are_the_scores_of_the_engine(city_officer: User, draft: Assessment) -> None:
    Answer.objects.filter(assessment=draft).delete()
    actions.save_answers(
        assessment=draft,
        user=city_officer,
        answers={q: actions.AnswerInput(value=v) for q, v in HAND_ANSWERS.items()},
    )
    client = Client()
    client.force_login(city_officer)
    response = client.get(round_url(draft, "/results"), {"language": "es"})
    assert response.status_code == 200
    data = response.json()
    framework = default_framework()
    expected = score(framework, HAND_ANSWERS).as_dict()

    # By hand: dimensions 83.3 and 50.0; the area (aggregation "dimension") their mean.
    dimensions = {d["slug"]: d for d in data["dimensions"]}
    areas = {a["slug"]: a for a in data["areas"]}
    assert dimensions["health-entitlement"]["score"] == 83.3
    assert dimensions["health-access"]["score"] == 50.0
    assert areas["health"]["score"] == 66.7  # (250/3 + 50) / 2 = 66.67, not (350/5 = 70)
    assert data["overall"]["score"] == 66.7
    assert (data["overall"]["answered"], data["overall"]["not_applicable"]) == (5, 1)
    assert data["overall"]["total"] == len(framework.questions)
    assert areas["water-sanitation"]["score"] is None
    assert areas["water-sanitation"]["not_applicable"] == 1

    # And every number equals the engine's.
    assert data["overall"] == {k: v for k, v in expected["overall"].items()}
    for slug, level in expected["areas"].items():
        assert {k: areas[slug][k] for k in level} == level, slug
    for slug, level in expected["dimensions"].items():
        assert {k: dimensions[slug][k] for k in level} == level, slug
    questions = {q["slug"]: q for q in data["questions"]}
    for slug, question in expected["questions"].items():
        assert {k: questions[slug][k] for k in question} == question, slug
    assert (data["aggregation"], data["weighting"]) == ("dimension", "plain")
    assert (data["framework_version"], data["fingerprint"]) == (
        framework.version,
        framework.fingerprint,
    )
    assert areas["health"]["label"] == framework.area("health").label("es")
    # Practice below law: primary care promised (100) but marginal in practice (25).
    assert [
        (g["law_question"], g["practice_question"], g["difference"])
        for g in data["practice_below_law"]
    ] == [("health-primary-law", "health-primary-practice", 75)]


def test_results_refuse_an_unknown_language(city_officer: User, draft: Assessment) -> None:
    client = Client()
    client.force_login(city_officer)
    response = client.get(round_url(draft, "/results"), {"language": "xx"})
    assert response.status_code == 400


# --- the framework ---------------------------------------------------------------------------


def test_the_framework_list_names_the_version_and_its_settings(
    anonymous_visitor: Client,
) -> None:
    framework = default_framework()
    data = anonymous_visitor.get(f"{BASE}/frameworks", {"language": "es"}).json()
    assert [(f["slug"], f["version"], f["fingerprint"]) for f in data] == [
        (framework.slug, framework.version, framework.fingerprint)
    ]
    assert data[0]["title"] == "Diagnóstico de servicios inclusivos del Objetivo 15"
    assert (data[0]["aggregation"], data[0]["weighting"]) == ("dimension", "plain")
    assert data[0]["question_count"] == 76
    assert anonymous_visitor.get(f"{BASE}/frameworks", {"language": "xx"}).status_code == 400


def test_the_framework_detail_has_questions_options_and_scores(
    anonymous_visitor: Client,
) -> None:
    framework = default_framework()
    response = anonymous_visitor.get(f"{BASE}/frameworks/{framework.slug}", {"language": "ar"})
    assert response.status_code == 200
    data = response.json()
    assert data["language"] == "ar"
    questions = [q for a in data["areas"] for d in a["dimensions"] for q in d["questions"]]
    assert len(questions) == 76
    health = data["areas"][0]
    assert (health["slug"], health["kind"]) == ("health", "sector")
    emergency = health["dimensions"][0]["questions"][0]
    assert emergency["slug"] == "health-emergency-law"
    assert emergency["text"] == framework.question("health-emergency-law").text["ar"]
    assert [(o["value"], o["score"]) for o in emergency["options"]] == [
        ("yes", 100),
        ("partly", 50),
        ("no", 0),
    ]
    practice = health["dimensions"][1]["questions"][1]
    assert practice["pairs_with"] == "health-primary-law"
    assert [o["score"] for o in practice["options"]] == [100, 75, 50, 25, 0]
    assert anonymous_visitor.get(f"{BASE}/frameworks/no-such").status_code == 404
    assert (
        anonymous_visitor.get(f"{BASE}/frameworks/{framework.slug}", {"language": "de"}).status_code
        == 400
    )


def test_the_openapi_document_lists_the_endpoints(anonymous_visitor: Client) -> None:
    paths = anonymous_visitor.get("/api/openapi.json").json()["paths"]
    expected = {
        ("get", "/api/diagnostics/frameworks"),
        ("get", "/api/diagnostics/frameworks/{slug}"),
        ("get", "/api/diagnostics/assessments"),
        ("post", "/api/diagnostics/assessments"),
        ("get", "/api/diagnostics/assessments/{assessment_id}"),
        ("put", "/api/diagnostics/assessments/{assessment_id}/answers"),
        ("post", "/api/diagnostics/assessments/{assessment_id}/submit"),
        ("post", "/api/diagnostics/assessments/{assessment_id}/publish"),
        ("post", "/api/diagnostics/assessments/{assessment_id}/reopen"),
        ("get", "/api/diagnostics/assessments/{assessment_id}/results"),
    }
    listed = {
        (method, path)
        for path, operations in paths.items()
        if path.startswith("/api/diagnostics/")
        for method in operations
    }
    assert listed == expected
