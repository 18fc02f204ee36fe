"""The plans API: plans the caller may see, one plan with its actions, progress and overdue
flags, its versions; building a plan and editing an action for the place team.

Who may see or change a plan is decided by `permissions.py` alone: a plan the caller may
not see answers 404, like one that does not exist; one the caller sees but may not change
answers 403. Writes need a signed-in session and Django's CSRF token (``django_auth``);
without a session they answer 401. Nothing names a team member to anyone outside the team.
"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from atlas.accounts.models import User
from atlas.core.languages import LANGUAGES
from atlas.diagnostics import permissions as rounds
from atlas.diagnostics.models import Assessment
from atlas.plans import actions, permissions
from atlas.plans.actions import PlanError
from atlas.plans.models import Plan, PlanAction

router = Router(tags=["plans"])

NOT_FOUND = "no such plan"


class ErrorOut(Schema):
    detail: str
    field: str | None = Field(None, description="The field at fault.")


class ProgressOut(Schema):
    planned: int
    under_way: int
    done: int
    dropped: int
    total: int
    share_done: float | None = Field(
        description="Per cent of the actions not dropped that are done (one decimal)."
    )


class NoteOut(Schema):
    text: str
    at: datetime


class ActionOut(Schema):
    id: int
    position: int
    gap_question: str = Field(description="The question whose gap it addresses; '' if none.")
    step: str
    measures: list[str]
    title: str
    description: str
    owner: str
    partners: str
    deadline: date | None
    budget: str | None = Field(description="A decimal amount, as a string.")
    currency: str
    indicator: str
    status: str = Field(description="planned, under-way, done or dropped.")
    overdue: bool = Field(description="Deadline passed and neither done nor dropped.")
    notes: list[NoteOut]


class PlanSummaryOut(Schema):
    id: int
    title: str
    place_id: int
    place: str
    assessment_id: int
    published: bool
    created_at: datetime
    progress: ProgressOut


class PlanOut(PlanSummaryOut):
    actions: list[ActionOut]


class PlanIn(Schema):
    assessment: int = Field(description="The id of the (submitted) round the plan answers.")
    title: str = Field(max_length=200)
    gaps: list[str] = Field(description="Question slugs of the round's gaps to act on.")
    language: str = Field("en", description="Language of the proposed titles.")


class ActionPatch(Schema):
    title: str | None = None
    description: str | None = None
    owner: str | None = None
    partners: str | None = None
    deadline: date | None = None
    budget: str | None = None
    currency: str | None = None
    indicator: str | None = None
    status: str | None = None
    step: str | None = None
    measures: list[str] | None = None


class VersionOut(Schema):
    number: int
    change: str
    saved_at: datetime
    snapshot: dict[str, Any]


def progress_out(plan: Plan) -> ProgressOut:
    progress = actions.progress(plan)
    counts = progress.counts
    return ProgressOut(
        planned=counts.get(PlanAction.Status.PLANNED, 0),
        under_way=counts.get(PlanAction.Status.UNDER_WAY, 0),
        done=counts.get(PlanAction.Status.DONE, 0),
        dropped=counts.get(PlanAction.Status.DROPPED, 0),
        total=progress.total,
        share_done=progress.share_done,
    )


def action_out(action: PlanAction, today: date) -> ActionOut:
    return ActionOut(
        id=action.pk,
        position=action.position,
        gap_question=action.gap_question,
        step=action.step,
        measures=list(action.measures),
        title=action.title,
        description=action.description,
        owner=action.owner,
        partners=action.partners,
        deadline=action.deadline,
        budget=None if action.budget is None else str(action.budget),
        currency=action.currency,
        indicator=action.indicator,
        status=action.status,
        overdue=actions.overdue(action, today),
        notes=[NoteOut(text=note.text, at=note.at) for note in action.notes.all()],
    )


def summary_fields(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "title": plan.title,
        "place_id": plan.place_id,
        "place": plan.place.name,
        "assessment_id": plan.assessment_id,
        "published": plan.published,
        "created_at": plan.created_at,
        "progress": progress_out(plan),
    }


def plan_out(plan: Plan) -> PlanOut:
    today = timezone.localdate()
    return PlanOut(
        **summary_fields(plan),
        actions=[action_out(a, today) for a in plan.actions.prefetch_related("notes")],
    )


def visible_plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = Plan.objects.select_related("place").filter(pk=plan_id).first()
    if plan is None or not permissions.can_view(request.user, plan):
        raise HttpError(404, NOT_FOUND)
    return plan


@router.get("", response=list[PlanSummaryOut], summary="Plans the caller may see")
def list_plans(request: HttpRequest) -> list[PlanSummaryOut]:
    plans = permissions.visible_plans(request.user).select_related("place")
    return [PlanSummaryOut(**summary_fields(plan)) for plan in plans]


@router.post(
    "",
    auth=django_auth,
    response={201: PlanOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Build a plan from a round's gaps (place team only)",
)
def create_plan(request: HttpRequest, payload: PlanIn) -> Status[Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    assessment = Assessment.objects.select_related("place").filter(pk=payload.assessment).first()
    if assessment is None or not rounds.can_view(user, assessment):
        return Status(404, ErrorOut(detail="no such assessment round", field="assessment"))
    if not permissions.can_build(user, assessment):
        return Status(403, ErrorOut(detail="only the place team builds its plans", field=None))
    language = payload.language if payload.language in LANGUAGES else "en"
    try:
        proposals = actions.propose_actions(assessment, payload.gaps, language=language)
        plan = actions.create_plan(
            assessment=assessment, user=user, title=payload.title, proposals=proposals
        )
    except PlanError as error:
        return Status(400, ErrorOut(detail=error.problem, field=error.field))
    return Status(201, plan_out(plan))


@router.get(
    "/{plan_id}",
    response={200: PlanOut, 404: ErrorOut},
    summary="One plan: its actions with overdue flags, and its progress",
)
def get_plan(request: HttpRequest, plan_id: int) -> PlanOut:
    return plan_out(visible_plan(request, plan_id))


@router.patch(
    "/{plan_id}/actions/{action_id}",
    auth=django_auth,
    response={200: ActionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Edit an action of a plan (place team only)",
)
def patch_action(
    request: HttpRequest, plan_id: int, action_id: int, payload: ActionPatch
) -> Status[Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    plan = visible_plan(request, plan_id)
    if not permissions.can_change(user, plan):
        return Status(403, ErrorOut(detail="only the place team edits its plan", field=None))
    action = get_object_or_404(PlanAction, pk=action_id, plan=plan)
    action.plan = plan
    try:
        actions.update_action(
            action=action, user=user, changes=payload.model_dump(exclude_unset=True)
        )
    except PlanError as error:
        return Status(400, ErrorOut(detail=error.problem, field=error.field))
    return Status(200, action_out(action, timezone.localdate()))


@router.get(
    "/{plan_id}/versions",
    response={200: list[VersionOut], 404: ErrorOut},
    summary="Every saved version of a plan, newest first",
)
def list_versions(request: HttpRequest, plan_id: int) -> list[VersionOut]:
    plan = visible_plan(request, plan_id)
    return [
        VersionOut(number=v.number, change=v.change, saved_at=v.saved_at, snapshot=v.snapshot)
        for v in plan.versions.all()
    ]
