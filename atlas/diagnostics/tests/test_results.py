"""The results page and the printable report of an assessment round: the scores the engine
gives, the peers' median and range, the change since the last round, the ranked gaps with
their steps, practices and entitlement facts, and who may see them."""

import doctest
import re
import xml.etree.ElementTree as ET
from datetime import date
from typing import Any

import pytest
from django.test import Client

from atlas.accounts.models import User
from atlas.core.diagnostic import Framework, Question, default_framework, score
from atlas.core.places import PlaceRef
from atlas.diagnostics import actions
from atlas.diagnostics import results as assembly
from atlas.diagnostics.models import Assessment
from atlas.places.actions import resolve_place
from atlas.places.models import Place

pytestmark = pytest.mark.django_db

# Marta's current round, chosen so every number below can be worked out by hand.
CURRENT = {
    "health-emergency-law": "no",  # 0
    "health-primary-law": "partly",  # 50
    "health-children-law": "yes",  # 100
    "health-maternity-practice": 100,  # five-point scale, by score
    "health-primary-practice": 25,  # checks health-primary-law (50): practice below law
    "education-school-law": "partly",  # 50
}
# Her previous round (submitted): emergency law "partly" and school law "yes".
PREVIOUS = CURRENT | {"health-emergency-law": "partly", "education-school-law": "yes"}


def option_scoring(question: Question, points: int) -> str:
    return next(option.value for option in question.options if option.score == points)


def answers_for(framework: Framework, spec: dict[str, Any]) -> dict[str, str]:
    """Option values from a spec that gives either the value or, for finer scales, the score."""
    return {
        slug: value if isinstance(value, str) else option_scoring(framework.question(slug), value)
        for slug, value in spec.items()
    }


def uniform(framework: Framework, areas: list[str], points: int) -> dict[str, str]:
    """Every question of the areas answered with the option scoring ``points``."""
    return {
        question.slug: option_scoring(question, points)
        for area in areas
        for question in framework.area(area).questions
    }


def make_round(
    place: Place,
    answers: dict[str, str],
    *,
    period: date,
    status: str,
    title: str = "Round",
) -> Assessment:
    assessment = actions.open_assessment(place=place, user=None, title=title, period=period)
    actions.save_answers(
        assessment=assessment,
        user=None,
        answers={slug: actions.AnswerInput(value=value) for slug, value in answers.items()},
    )
    if status in (Assessment.Status.SUBMITTED, Assessment.Status.PUBLISHED):
        actions.submit(assessment=assessment, user=None)
    if status == Assessment.Status.PUBLISHED:
        actions.publish(assessment=assessment, user=None)
    assessment.refresh_from_db()
    return assessment


def city(name: str, country: str) -> Place:
    return resolve_place(PlaceRef(kind="city", code=None, country=country, city=name))


@pytest.fixture
def framework() -> Framework:
    return default_framework()


@pytest.fixture
def barcelona(city_officer: User) -> Place:
    place: Place = city_officer.place_memberships.get().place
    return place


@pytest.fixture
def current(barcelona: Place, framework: Framework) -> Assessment:
    return make_round(
        barcelona,
        answers_for(framework, CURRENT),
        period=date(2026, 6, 30),
        status=Assessment.Status.DRAFT,
        title="2026 round",
    )


@pytest.fixture
def marta_client(city_officer: User) -> Client:
    client = Client()
    client.force_login(city_officer)
    return client


@pytest.fixture
def peers(framework: Framework) -> dict[str, Assessment]:
    """Three other places' published rounds, an older published round of one of them, and a
    draft that must never count."""
    lyon, ghent, porto, turin = (
        city("Lyon", "FR"),
        city("Ghent", "BE"),
        city("Porto", "PT"),
        city("Turin", "IT"),
    )
    published = Assessment.Status.PUBLISHED
    return {
        # Health 100, education 100: overall 100.
        "lyon": make_round(
            lyon,
            uniform(framework, ["health", "education"], 100),
            period=date(2026, 3, 31),
            status=published,
        ),
        # Lyon's earlier round (health 0): only a place's latest round counts.
        "lyon-earlier": make_round(
            lyon, uniform(framework, ["health"], 0), period=date(2025, 3, 31), status=published
        ),
        # Health 0, education 0: overall 0.
        "ghent": make_round(
            ghent,
            uniform(framework, ["health", "education"], 0),
            period=date(2026, 1, 31),
            status=published,
        ),
        # Health 50 only: overall 50.
        "porto": make_round(
            porto, uniform(framework, ["health"], 50), period=date(2026, 2, 28), status=published
        ),
        # A draft with health 100: were it counted, the health median would be 75.
        "turin-draft": make_round(
            turin,
            uniform(framework, ["health", "education"], 100),
            period=date(2026, 2, 28),
            status=Assessment.Status.DRAFT,
        ),
    }


def results_url(assessment: Assessment, language: str = "en") -> str:
    return f"/{language}/diagnostics/{assessment.pk}/results/"


def report_url(assessment: Assessment, language: str = "en") -> str:
    return f"/{language}/diagnostics/{assessment.pk}/report/"


def area_row(context: Any, slug: str) -> dict[str, Any]:
    return next(row for row in context["areas"] if row["slug"] == slug)


def test_the_results_page_shows_the_scores_the_engine_gives(
    marta_client: Client, current: Assessment, framework: Framework
) -> None:
    expected = score(framework, answers_for(framework, CURRENT))
    response = marta_client.get(results_url(current))
    assert response.status_code == 200
    context = response.context
    assert context["overall"]["score"] == expected.overall.score
    for area in framework.areas:
        assert area_row(context, area.slug)["score"] == expected.areas[area.slug].score
    # By hand: health = mean(mean(0, 50, 100), mean(100, 25)) = (50 + 62.5) / 2 = 56.25 → 56.3;
    # education = 50; overall = (56.25 + 50) / 2 = 53.125 → 53.1.
    assert area_row(context, "health")["score"] == 56.3
    assert area_row(context, "education")["score"] == 50.0
    assert context["overall"]["score"] == 53.1
    health = area_row(context, "health")
    assert [(d["slug"], d["score"]) for d in health["dimensions"]] == [
        ("health-entitlement", 50.0),
        ("health-access", 62.5),
    ]
    assert (health["answered"], health["total"]) == (5, len(framework.area("health").questions))
    html = response.content.decode()
    assert "56.3" in html and "53.1" in html
    assert framework.version in html
    assert "This round is a draft" in html


def test_peers_are_the_latest_published_round_of_each_other_place(
    marta_client: Client, current: Assessment, peers: dict[str, Assessment]
) -> None:
    context = marta_client.get(results_url(current)).context
    # Lyon (latest: 100), Ghent (0), Porto (50); not Lyon's earlier round, not Turin's draft.
    assert context["peers"].peers == 3
    health = area_row(context, "health")["peers"]
    assert (health["median"], health["low"], health["high"], health["count"]) == (
        "50.0",
        "0.0",
        "100.0",
        3,
    )
    # Education: Lyon 100 and Ghent 0 only → median (0 + 100) / 2 = 50, two peers.
    education = area_row(context, "education")["peers"]
    assert (education["median"], education["low"], education["high"], education["count"]) == (
        "50.0",
        "0.0",
        "100.0",
        2,
    )
    # Overall: Lyon 100, Ghent 0, Porto 50 → median 50.
    assert context["overall_peers"]["median"] == "50.0"
    # An area no peer answered has no benchmark.
    assert area_row(context, "housing")["peers"] is None


def test_the_median_of_an_even_number_of_peers_is_the_mean_of_the_middle_two() -> None:
    # 40, 55.5, 61, 70: (55.5 + 61) / 2 = 58.25, rounded half up to 58.3.
    assert assembly.spread([70.0, None, 40.0, 61.0, 55.5]) == assembly.Spread(
        median=58.3, low=40.0, high=70.0, count=4
    )
    assert assembly.spread([None, None]) is None
    assert doctest.testmod(assembly).failed == 0


def test_a_round_without_peers_says_so(marta_client: Client, current: Assessment) -> None:
    response = marta_client.get(results_url(current))
    assert response.context["peers"].peers == 0
    assert "No peers yet" in response.content.decode()


def test_the_change_since_the_last_round_that_was_submitted(
    marta_client: Client, current: Assessment, barcelona: Place, framework: Framework
) -> None:
    make_round(
        barcelona,
        answers_for(framework, PREVIOUS),
        period=date(2025, 6, 30),
        status=Assessment.Status.SUBMITTED,
        title="2025 round",
    )
    # A later draft of the previous year, and a later round: neither is "the last round".
    make_round(
        barcelona,
        uniform(framework, ["health"], 0),
        period=date(2025, 12, 31),
        status=Assessment.Status.DRAFT,
    )
    make_round(
        barcelona,
        uniform(framework, ["health"], 0),
        period=date(2027, 6, 30),
        status=Assessment.Status.SUBMITTED,
    )
    context = marta_client.get(results_url(current)).context
    assert context["previous"].title == "2025 round"
    # Previous health: (mean(50, 50, 100) + 62.5) / 2 = 64.583…; now 56.25: change −8.333… → −8.3.
    # Previous education 100, now 50: −50. Overall: 82.291… → 53.125: −29.166… → −29.2.
    health = area_row(context, "health")["change"]
    assert (health["previous"], health["current"], health["change"]) == ("64.6", "56.3", "−8.3")
    assert area_row(context, "education")["change"]["change"] == "−50.0"
    assert context["overall_change"]["change"] == "−29.2"
    assert [change["slug"] for change in context["went_down"]] == [
        "health-emergency-law",
        "education-school-law",
    ]
    assert context["went_up"] == []


def test_an_outsider_does_not_see_the_teams_earlier_draft_as_the_last_round(
    editor_client: Client, barcelona: Place, framework: Framework
) -> None:
    # A submitted round (editors may review it) whose only earlier round is a draft.
    make_round(
        barcelona,
        answers_for(framework, PREVIOUS),
        period=date(2025, 6, 30),
        status=Assessment.Status.DRAFT,
    )
    submitted = make_round(
        barcelona,
        answers_for(framework, CURRENT),
        period=date(2026, 6, 30),
        status=Assessment.Status.SUBMITTED,
    )
    context = editor_client.get(results_url(submitted)).context
    assert context["previous"] is None and context["comparison"] is None


def test_the_gaps_are_ranked_by_severity_with_practice_below_law_flagged(
    marta_client: Client, current: Assessment
) -> None:
    response = marta_client.get(results_url(current))
    gaps = response.context["gaps"]
    # By hand, severity = (100 − score) × the heaviest weight of the question's services
    # (core/data/gap_weights.toml): emergency law 100 × 1.0 = 100; primary practice
    # 75 × (0.9 + 0.1 × 0.6) = 72, below its law question's 50; school law 50 × 1.0 = 50;
    # primary law 50 × 0.9 = 45.
    assert [(row["gap"].question, row["severity"]) for row in gaps] == [
        ("health-emergency-law", "100.0"),
        ("health-primary-practice", "72.0"),
        ("education-school-law", "50.0"),
        ("health-primary-law", "45.0"),
    ]
    flagged = [row for row in gaps if row["gap"].practice_below_law]
    assert [(row["gap"].question, row["law_score"]) for row in flagged] == [
        ("health-primary-practice", "50.0")
    ]
    html = response.content.decode()
    assert "Practice below law" in html
    assert response.context["more_gaps"] == 0


def test_each_gap_has_its_steps_practices_and_the_places_entitlements(
    marta_client: Client, current: Assessment
) -> None:
    from atlas.core.diagnostic.steps import default_steps
    from atlas.entitlements.models import Entitlement

    gaps = marta_client.get(results_url(current)).context["gaps"]
    emergency = gaps[0]
    assert emergency["gap"].question == "health-emergency-law"
    assert [step["slug"] for step in emergency["steps"]] == [
        step.slug for step in default_steps().for_gap(emergency["gap"])
    ]
    assert all(practice.is_published for row in gaps for practice in row["practices"])
    assert all(len(row["practices"]) <= 3 for row in gaps)
    # Barcelona records none of its own: Spain's fact for emergency care, in force on the
    # round's period, is inherited.
    spain = Entitlement.objects.in_force(date(2026, 6, 30)).get(
        place__code="ES", service="health-emergency", group="irregular-migrant"
    )
    facts = [fact for fact in emergency["facts"] if fact["entitlement"].pk == spain.pk]
    assert len(facts) == 1 and facts[0]["is_inherited"]


def test_outsiders_get_404_for_a_drafts_results_and_report(
    anonymous_visitor: Client, editor_client: Client, current: Assessment
) -> None:
    for client in (anonymous_visitor, editor_client):
        assert client.get(results_url(current)).status_code == 404
        assert client.get(report_url(current)).status_code == 404


def test_a_published_round_is_public_and_may_be_cached(
    anonymous_visitor: Client, peers: dict[str, Assessment]
) -> None:
    response = anonymous_visitor.get(results_url(peers["porto"]))
    assert response.status_code == 200
    assert "private" not in response.get("Cache-Control", "")


def test_a_drafts_pages_are_not_stored_by_caches(marta_client: Client, current: Assessment) -> None:
    assert "no-store" in marta_client.get(results_url(current))["Cache-Control"]


def test_the_chart_is_an_accessible_svg_with_the_same_numbers(
    marta_client: Client, current: Assessment
) -> None:
    html = marta_client.get(results_url(current)).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.DOTALL)
    assert svg is not None
    root = ET.fromstring(svg.group(0))  # noqa: S314 (the page this test just rendered)
    assert root.get("role") == "img"
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == "Scores by area, out of 100"
    texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "56.3" in texts and "Health" in texts


def test_the_arabic_results_page_runs_right_to_left(
    marta_client: Client, current: Assessment
) -> None:
    for url in (results_url(current, "ar"), report_url(current, "ar")):
        assert '<html lang="ar" dir="rtl">' in marta_client.get(url).content.decode()
    html = marta_client.get(results_url(current, "ar")).content.decode()
    assert 'direction="rtl"' in html
    # Area labels come from the framework in Arabic.
    assert "الصحة" in html


def test_the_report_holds_the_same_content_in_order_with_sources_and_date(
    marta_client: Client, current: Assessment, framework: Framework
) -> None:
    response = marta_client.get(report_url(current))
    assert response.status_code == 200
    html = response.content.decode()
    headings = [
        "scores-heading",
        "peers-heading",
        "change-heading",
        "gaps-heading",
        "sources-heading",
    ]
    positions = [html.index(f'id="{heading}"') for heading in headings]
    assert positions == sorted(positions)
    assert "2026 round" in html and "Barcelona" in html and "2026-06-30" in html
    assert "Generated on" in html
    # The framework's source is cited, escaped as text.
    assert "MIPEX" in html
    # Nothing from another site: the only stylesheet is the site's own.
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == ["/static/atlas/site.css"]
    assert "<script" not in html
