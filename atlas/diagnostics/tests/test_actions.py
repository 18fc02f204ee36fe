"""Assessment rounds: answers are checked against the framework, scored on submission with
the settings the round was opened on, and seen only by those permissions.py allows."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from atlas.accounts.models import User
from atlas.core.diagnostic import default_framework, score
from atlas.diagnostics import actions, permissions
from atlas.diagnostics.models import Assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_of_marta(city_officer: User) -> Assessment:
    place = city_officer.place_memberships.get().place
    return actions.open_assessment(
        place=place, user=city_officer, title="2026 round", period=date(2026, 6, 30)
    )


def first_question_and_options() -> tuple[str, list[str]]:
    question = default_framework().questions[0]
    return question.slug, [option.value for option in question.options]


def test_a_round_records_the_framework_version_and_settings(round_of_marta: Assessment) -> None:
    framework = default_framework()
    assert round_of_marta.framework_version == framework.version
    assert round_of_marta.framework_fingerprint == framework.fingerprint
    assert round_of_marta.aggregation == framework.aggregation
    assert round_of_marta.status == Assessment.Status.DRAFT


def test_an_unknown_answer_is_refused_and_nothing_is_saved(round_of_marta: Assessment) -> None:
    slug, options = first_question_and_options()
    with pytest.raises(actions.AssessmentError, match=f"question '{slug}'"):
        actions.save_answers(
            assessment=round_of_marta,
            user=None,
            answers={
                default_framework().questions[1].slug: actions.AnswerInput(value=options[0]),
                slug: actions.AnswerInput(value="maybe"),
            },
        )
    assert round_of_marta.answers.count() == 0


def test_submission_stores_the_scores_the_engine_gives(round_of_marta: Assessment) -> None:
    framework = default_framework()
    answers = {
        q.slug: q.options[i % len(q.options)].value for i, q in enumerate(framework.questions)
    }
    actions.save_answers(
        assessment=round_of_marta,
        user=None,
        answers={slug: actions.AnswerInput(value=value) for slug, value in answers.items()},
    )
    actions.submit(assessment=round_of_marta, user=None)
    round_of_marta.refresh_from_db()
    assert round_of_marta.result == score(framework, answers).as_dict()
    with pytest.raises(actions.AssessmentError):
        actions.save_answers(
            assessment=round_of_marta,
            user=None,
            answers={framework.questions[0].slug: actions.AnswerInput(value="")},
        )


def test_only_the_team_sees_a_draft(
    round_of_marta: Assessment, city_officer: User, ngo_editor: User, data_steward: User
) -> None:
    assert permissions.can_view(city_officer, round_of_marta)
    for outsider in (AnonymousUser(), ngo_editor, data_steward):
        assert not permissions.can_view(outsider, round_of_marta)
        assert not permissions.can_change(outsider, round_of_marta)
        assert round_of_marta not in permissions.visible_assessments(outsider)
    actions.submit(assessment=round_of_marta, user=city_officer)
    assert permissions.can_view(ngo_editor, round_of_marta)
    assert not permissions.can_view(AnonymousUser(), round_of_marta)
    actions.publish(assessment=round_of_marta, user=city_officer)
    assert permissions.can_view(AnonymousUser(), round_of_marta)
    assert not permissions.can_change(ngo_editor, round_of_marta)


def test_an_invited_colleague_joins_the_team(
    round_of_marta: Assessment, city_officer: User, contributor: User
) -> None:
    assert not permissions.can_view(contributor, round_of_marta)
    actions.invite(place=round_of_marta.place, inviter=city_officer, username="kofi")
    assert permissions.can_view(contributor, round_of_marta)
    with pytest.raises(actions.AssessmentError, match="nobody"):
        actions.invite(place=round_of_marta.place, inviter=city_officer, username="nobody")
