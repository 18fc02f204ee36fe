"""Writes to assessment rounds. Views, the API, the admin and the CLI call these, and only
after asking permissions.py whether the user may."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from atlas.accounts.actions import grant_role
from atlas.accounts.models import PlaceMembership, Role, User
from atlas.core.diagnostic import (
    NOT_APPLICABLE,
    Framework,
    Result,
    default_framework,
    score,
)
from atlas.core.diagnostic.kobo import read_kobo_export
from atlas.diagnostics.models import Answer, Assessment
from atlas.places.models import Place


class AssessmentError(ValueError):
    """A change refused: the message says why, and names the question where there is one."""


@dataclass(frozen=True)
class AnswerInput:
    value: str = ""
    evidence: str = ""
    comment: str = ""


def framework_of(assessment: Assessment) -> Framework:
    """The framework version a round was opened on; refused if it is not the one shipped."""
    framework = default_framework()
    if (framework.slug, framework.version) != (
        assessment.framework,
        assessment.framework_version,
    ):
        raise AssessmentError(
            f"this round uses {assessment.framework} {assessment.framework_version}, "
            f"which this installation does not have"
        )
    return framework


@transaction.atomic
def open_assessment(*, place: Place, user: User | None, title: str, period: date) -> Assessment:
    framework = default_framework()
    return Assessment.objects.create(
        place=place,
        title=title.strip()[:200],
        period=period,
        framework=framework.slug,
        framework_version=framework.version,
        framework_fingerprint=framework.fingerprint,
        aggregation=framework.aggregation,
        weighting=framework.weighting,
        opened_by=user,
    )


def check_answer(framework: Framework, question: str, value: str) -> None:
    try:
        q = framework.question(question)
    except KeyError:
        raise AssessmentError(f"question {question!r}: not a question of this framework") from None
    if not value:
        return
    if value == NOT_APPLICABLE:
        if not q.allow_not_applicable:
            raise AssessmentError(f"question {question!r}: it may not be marked not applicable")
        return
    if value not in {option.value for option in q.options}:
        raise AssessmentError(f"question {question!r}: {value!r} is not one of its answers")


@transaction.atomic
def save_answers(
    *, assessment: Assessment, user: User | None, answers: Mapping[str, AnswerInput]
) -> int:
    """Save a draft's answers, all or none; returns how many changed."""
    if assessment.status != Assessment.Status.DRAFT:
        raise AssessmentError("only a draft's answers can change; reopen the round first")
    framework = framework_of(assessment)
    for question, answer in answers.items():
        check_answer(framework, question, answer.value)
    existing = {a.question: a for a in assessment.answers.all()}
    changed = 0
    for question, answer in answers.items():
        row = existing.get(question)
        fields = {
            "value": answer.value,
            "evidence": answer.evidence.strip(),
            "comment": answer.comment.strip(),
        }
        if row is None:
            if not any(fields.values()):
                continue
            Answer.objects.create(
                assessment=assessment, question=question, updated_by=user, **fields
            )
            changed += 1
        elif any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            row.updated_by = user
            row.save()
            changed += 1
    return changed


def answers_of(assessment: Assessment) -> dict[str, str]:
    return {a.question: a.value for a in assessment.answers.all() if a.value}


def result_of(assessment: Assessment) -> Result:
    """The round's scores, computed from its answers with the settings it was opened on."""
    return score(
        framework_of(assessment),
        answers_of(assessment),
        aggregation=assessment.aggregation,
        weighting=assessment.weighting,
    )


@transaction.atomic
def submit(*, assessment: Assessment, user: User | None) -> Assessment:
    if assessment.status != Assessment.Status.DRAFT:
        raise AssessmentError("only a draft can be submitted")
    assessment.result = result_of(assessment).as_dict()
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save()
    return assessment


@transaction.atomic
def reopen(*, assessment: Assessment, user: User | None) -> Assessment:
    """Back to draft: unpublished and unscored until submitted again."""
    if assessment.status == Assessment.Status.DRAFT:
        raise AssessmentError("this round is already a draft")
    assessment.status = Assessment.Status.DRAFT
    assessment.result = None
    assessment.submitted_at = None
    assessment.published_at = None
    assessment.save()
    return assessment


@transaction.atomic
def publish(*, assessment: Assessment, user: User | None) -> Assessment:
    if assessment.status != Assessment.Status.SUBMITTED:
        raise AssessmentError("only a submitted round can be published")
    assessment.status = Assessment.Status.PUBLISHED
    assessment.published_at = timezone.now()
    assessment.save()
    return assessment


@transaction.atomic
def unpublish(*, assessment: Assessment, user: User | None) -> Assessment:
    if assessment.status != Assessment.Status.PUBLISHED:
        raise AssessmentError("only a published round can be withdrawn")
    assessment.status = Assessment.Status.SUBMITTED
    assessment.published_at = None
    assessment.save()
    return assessment


@transaction.atomic
def invite(*, place: Place, inviter: User, username: str) -> User:
    """Add a registered user to a place's team (they then see its drafts)."""
    try:
        colleague = User.objects.get(username=username.strip())
    except User.DoesNotExist:
        raise AssessmentError(f"no user is called {username.strip()!r}") from None
    PlaceMembership.objects.get_or_create(user=colleague, place=place)
    grant_role(user=colleague, role=Role.PLACE_TEAM)
    return colleague


def import_kobo(
    *, assessment: Assessment, user: User | None, path: Path, row: int | None = None
) -> int:
    """Answers from a KoboToolbox export of the framework's XLSForm, all or nothing.

    A file with one submission gives its answers; with several, `row` (its row in the
    file, as a spreadsheet shows it) chooses one. Returns how many answers changed.
    """
    framework = framework_of(assessment)
    submissions = read_kobo_export(path, framework)
    if not submissions:
        raise AssessmentError("the file holds no submission")
    if row is None:
        if len(submissions) > 1:
            rows = ", ".join(str(s.row) for s in submissions)
            raise AssessmentError(f"the file holds several submissions (rows {rows}); choose one")
        chosen = submissions[0]
    else:
        matching = [s for s in submissions if s.row == row]
        if not matching:
            raise AssessmentError(f"row {row} holds no submission")
        chosen = matching[0]
    # The file gives answers and comments; evidence is not in a field form, so the
    # evidence already written for a question is kept, and so is a comment the file lacks.
    existing = {a.question: a for a in assessment.answers.all()}
    answers = {}
    for question in {*chosen.answers, *chosen.comments}:
        before = existing.get(question)
        answers[question] = AnswerInput(
            value=chosen.answers.get(question, ""),
            evidence=before.evidence if before else "",
            comment=chosen.comments.get(question, before.comment if before else ""),
        )
    return save_answers(assessment=assessment, user=user, answers=answers)
