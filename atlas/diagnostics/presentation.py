"""What the diagnostic pages show: rounds as rows, areas with their coverage, questions in
the page's language, and the words for the steps of a round."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from atlas.core.diagnostic import NOT_APPLICABLE, Area, Framework, Question, Result
from atlas.diagnostics.forms import comment_field, evidence_field, value_field
from atlas.diagnostics.models import Answer, Assessment


@dataclass(frozen=True)
class Step:
    """A change of a round's status: the page that confirms it and the button that makes it."""

    slug: str
    button: Any
    question: Any
    # The statuses from which the step may be taken.
    allowed_from: tuple[str, ...]

    @property
    def url_name(self) -> str:
        return f"diagnostics:{self.slug}"


DRAFT, SUBMITTED, PUBLISHED = (
    Assessment.Status.DRAFT,
    Assessment.Status.SUBMITTED,
    Assessment.Status.PUBLISHED,
)
STEPS: Mapping[str, Step] = {
    step.slug: step
    for step in (
        Step(
            "submit",
            gettext_lazy("Submit the round"),
            gettext_lazy(
                "Submit this round? Its answers are scored and can no longer change unless "
                "the team reopens it. Editors may then review it; it stays unpublished."
            ),
            (DRAFT,),
        ),
        Step(
            "reopen",
            gettext_lazy("Reopen as a draft"),
            gettext_lazy(
                "Reopen this round as a draft? It is withdrawn from publication and its "
                "scores are removed until it is submitted again."
            ),
            (SUBMITTED, PUBLISHED),
        ),
        Step(
            "publish",
            gettext_lazy("Publish the results"),
            gettext_lazy(
                "Publish this round? Its scores, answers, evidence and comments become public."
            ),
            (SUBMITTED,),
        ),
        Step(
            "unpublish",
            gettext_lazy("Withdraw from publication"),
            gettext_lazy("Withdraw this round from publication? It stays submitted."),
            (PUBLISHED,),
        ),
    )
}

NOTICES: Mapping[str, Any] = {
    "opened": gettext_lazy("The round is open. Answer its areas, then submit it."),
    "submit": gettext_lazy("The round was submitted and scored."),
    "reopen": gettext_lazy("The round is a draft again."),
    "publish": gettext_lazy("The round is published."),
    "unpublish": gettext_lazy("The round was withdrawn from publication."),
    "invited": gettext_lazy("Your colleague is now on the team of this place."),
    "imported": gettext_lazy("The answers of the file were saved in this round."),
}

_QUESTION_IN_ERROR = re.compile(r"^question '([^']+)'")


def notice(code: str) -> str | None:
    """The message shown after a change, from the ?done= code of the redirect."""
    text = NOTICES.get(code)
    return None if text is None else str(text)


def overall_score(assessment: Assessment) -> float | None:
    """The overall score stored on submission, or None before it (or with nothing answered)."""
    if not assessment.result:
        return None
    value = assessment.result.get("overall", {}).get("score")
    return value if isinstance(value, int | float) else None


def round_rows(assessments: Iterable[Assessment], language: str) -> list[dict[str, Any]]:
    return [
        {
            "assessment": assessment,
            "place": assessment.place.label(language),
            "status": assessment.get_status_display(),
            "score": overall_score(assessment),
        }
        for assessment in assessments
    ]


def area_rows(framework: Framework, result: Result, language: str) -> list[dict[str, Any]]:
    """Each area with its score and coverage, in framework order."""
    rows = []
    for area in framework.areas:
        level = result.areas[area.slug]
        rows.append(
            {
                "slug": area.slug,
                "label": area.label(language),
                "score": level.score,
                "answered": level.coverage.answered,
                "not_applicable": level.coverage.not_applicable,
                "total": level.coverage.total,
                "share": level.coverage.share,
            }
        )
    return rows


def _text(texts: Mapping[str, str], language: str) -> str:
    return texts.get(language) or texts.get("en", "")


def question_rows(form: forms.Form, area: Area, language: str) -> list[dict[str, Any]]:
    """The fields of each question of the answer form, with the question's own words."""
    return [
        {
            "slug": question.slug,
            "text": _text(question.text, language),
            "guidance": _text(question.guidance, language),
            "asks_about": asks_about_label(question),
            "value": form[value_field(question)],
            "evidence": form[evidence_field(question)],
            "comment": form[comment_field(question)],
        }
        for question in area.questions
    ]


def answer_label(question: Question, value: str, language: str) -> str:
    if not value:
        return _("Not answered")
    if value == NOT_APPLICABLE:
        return _("Not applicable")
    try:
        return question.option(value).label(language)
    except KeyError:
        return value


def readonly_rows(area: Area, answers: Mapping[str, Answer], language: str) -> list[dict[str, Any]]:
    """The answers of a round that cannot change (submitted or published), question by question."""
    rows = []
    for question in area.questions:
        answer = answers.get(question.slug)
        value = answer.value if answer else ""
        rows.append(
            {
                "slug": question.slug,
                "text": _text(question.text, language),
                "asks_about": asks_about_label(question),
                "answer": answer_label(question, value, language),
                "evidence": answer.evidence if answer else "",
                "comment": answer.comment if answer else "",
            }
        )
    return rows


def asks_about_label(question: Question) -> str:
    return _("Law") if question.asks_about == "law" else _("Practice")


def question_of_error(message: str) -> str | None:
    """The question an `AssessmentError` names ("question 'slug': ..."), if any.

    >>> question_of_error("question 'health-emergency-law': it may not be marked not applicable")
    'health-emergency-law'
    >>> question_of_error("only a draft's answers can change") is None
    True
    """
    match = _QUESTION_IN_ERROR.match(message)
    return match.group(1) if match else None
