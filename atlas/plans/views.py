"""The plan pages: build a plan from a round's gaps, read it, edit its actions, note progress,
publish it. Who may do what is decided in permissions.py; a plan the visitor may not see
answers 404, one they see but may not change 403."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods

from atlas.core.diagnostic import Framework
from atlas.diagnostics import permissions as rounds
from atlas.diagnostics.actions import AssessmentError, framework_of
from atlas.diagnostics.models import Assessment
from atlas.lib.headers import form_page
from atlas.plans import actions, permissions, presentation
from atlas.plans.actions import PlanError, Proposal
from atlas.plans.forms import ActionForm, NoteForm, PlanTitleForm
from atlas.plans.models import Plan, PlanAction, PlanVersion


def language_of() -> str:
    return translation.get_language() or "en"


def visible_plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("place", "assessment"), pk=plan_id)
    if not permissions.can_view(request.user, plan):
        raise Http404
    return plan


def editable_plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = visible_plan(request, plan_id)
    if not permissions.can_change(request.user, plan):
        raise PermissionDenied
    return plan


def editable_action(request: HttpRequest, plan_id: int, action_id: int) -> PlanAction:
    plan = editable_plan(request, plan_id)
    action = get_object_or_404(PlanAction, pk=action_id, plan=plan)
    action.plan = plan
    return action


def framework_or_none(assessment: Assessment) -> Framework | None:
    try:
        return framework_of(assessment)
    except AssessmentError:
        return None


def plan_list(request: HttpRequest) -> HttpResponse:
    language = language_of()
    plans = permissions.visible_plans(request.user).select_related("place")
    rows = [{"plan": plan, "place": plan.place.label(language)} for plan in plans]
    return render(request, "plans/list.html", {"rows": rows})


@form_page
@require_http_methods(["GET", "POST"])
def build_plan(request: HttpRequest, assessment_id: int) -> HttpResponseBase:
    """Pick gaps (GET), see the proposed actions and edit them (POST stage=propose), create
    the plan (POST stage=create)."""
    language = language_of()
    assessment = get_object_or_404(Assessment.objects.select_related("place"), pk=assessment_id)
    if not rounds.can_view(request.user, assessment):
        raise Http404
    if not permissions.can_build(request.user, assessment):
        raise PermissionDenied
    context: dict[str, Any] = {
        "assessment": assessment,
        "place": assessment.place.label(language),
    }
    if assessment.status == Assessment.Status.DRAFT:
        return render(request, "plans/build.html", context | {"is_draft": True})
    framework = framework_or_none(assessment)
    if framework is None:
        return render(request, "plans/build.html", context | {"is_unknown_version": True})
    gaps = actions.round_gaps(assessment)
    context["gaps"] = presentation.gap_rows(framework, gaps, language)
    if request.method == "GET":
        return render(request, "plans/build.html", context)

    chosen = request.POST.getlist("gaps")
    try:
        proposals = actions.propose_actions(assessment, chosen, language=language)
    except PlanError as error:
        return render(request, "plans/build.html", context | {"error": error.problem})
    if not proposals:
        return render(
            request, "plans/build.html", context | {"error_none": True, "chosen": set(chosen)}
        )
    stage = request.POST.get("stage", "propose")
    bound = stage == "create"
    title_form = PlanTitleForm(request.POST if bound else None)
    forms = [
        ActionForm(
            request.POST if bound else None,
            prefix=f"action-{index}",
            language=language,
            steps=[actions.known_steps()[slug] for slug in proposal.steps],
            initial=proposal.fields(),
        )
        for index, proposal in enumerate(proposals)
    ]
    errors: list[str] = []
    if bound and title_form.is_valid() and all(form.is_valid() for form in forms):
        edited: list[Proposal] = [
            actions.replace_proposal(proposal, **form.changes())
            for proposal, form in zip(proposals, forms, strict=True)
        ]
        try:
            plan = actions.create_plan(
                assessment=assessment,
                user=request.user,  # type: ignore[arg-type]
                title=title_form.cleaned_data["title"],
                proposals=edited,
            )
        except PlanError as error:
            errors.append(str(error))
        else:
            return redirect("plans:detail", plan.pk)
    context |= {
        "stage": "confirm",
        "title_form": title_form,
        "chosen": chosen,
        "errors": errors,
        "proposals": [
            {
                "proposal": proposal,
                "form": form,
                "gap": presentation.safe_question_text(framework, proposal.gap_question, language),
            }
            for proposal, form in zip(proposals, forms, strict=True)
        ],
    }
    return render(request, "plans/build.html", context)


def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    language = language_of()
    plan = visible_plan(request, plan_id)
    user = request.user
    can_change = permissions.can_change(user, plan)
    framework = framework_or_none(plan.assessment)
    today = timezone.localdate()
    plan_actions = list(plan.actions.prefetch_related("notes__author"))
    progress = actions.progress(plan)
    context: dict[str, Any] = {
        "plan": plan,
        "place": plan.place.label(language),
        "can_change": can_change,
        "can_view_round": rounds.can_view(user, plan.assessment),
        "today": today,
        "groups": presentation.grouped_actions(
            plan_actions, framework, language, today, show_authors=can_change
        ),
        "overdue_count": sum(action.is_overdue(today) for action in plan_actions),
        "progress": progress,
        "progress_rows": presentation.progress_rows(progress),
        "versions": presentation.version_rows(
            plan.versions.select_related("saved_by"), show_authors=can_change
        ),
    }
    # Scores of both rounds are shown only to a visitor who may see both.
    if context["can_view_round"] and framework is not None:
        visible = rounds.visible_assessments(user).values("pk")
        later = actions.later_rounds(plan).filter(pk__in=visible).first()
        if later is not None:
            context["later"] = later
            context["closures"] = presentation.closure_rows(
                actions.closed_gaps(plan, later), framework, language
            )
    return render(request, "plans/detail.html", context)


@form_page
@require_http_methods(["GET", "POST"])
def edit_action(request: HttpRequest, plan_id: int, action_id: int) -> HttpResponseBase:
    language = language_of()
    action = editable_action(request, plan_id, action_id)
    current = {name: getattr(action, name) for name in actions.EDITABLE_FIELDS}
    form = ActionForm(request.POST or None, language=language, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_action(
                action=action,
                user=request.user,  # type: ignore[arg-type]
                changes=form.changes(),
            )
        except PlanError as error:
            form.add_error(error.field if error.field in form.fields else None, error.problem)
        else:
            return redirect("plans:detail", action.plan_id)
    framework = framework_or_none(action.plan.assessment)
    return render(
        request,
        "plans/edit_action.html",
        {
            "plan": action.plan,
            "action": action,
            "form": form,
            "gap": presentation.safe_question_text(framework, action.gap_question, language),
        },
    )


@form_page
@require_http_methods(["GET", "POST"])
def add_note(request: HttpRequest, plan_id: int, action_id: int) -> HttpResponseBase:
    action = editable_action(request, plan_id, action_id)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_note(
                action=action,
                user=request.user,  # type: ignore[arg-type]
                text=form.cleaned_data["text"],
            )
        except PlanError as error:
            form.add_error("text", error.problem)
        else:
            return redirect("plans:detail", action.plan_id)
    notes = action.notes.select_related("author")
    return render(
        request,
        "plans/add_note.html",
        {"plan": action.plan, "action": action, "form": form, "notes": notes},
    )


@form_page
@require_http_methods(["GET", "POST"])
def publish_plan(request: HttpRequest, plan_id: int) -> HttpResponseBase:
    plan = editable_plan(request, plan_id)
    if request.method == "POST":
        actions.set_published(
            plan=plan,
            user=request.user,  # type: ignore[arg-type]
            published=request.POST.get("published") == "1",
        )
        return redirect("plans:detail", plan.pk)
    return render(request, "plans/publish.html", {"plan": plan})


def version_detail(request: HttpRequest, plan_id: int, number: int) -> HttpResponse:
    language = language_of()
    plan = visible_plan(request, plan_id)
    version = get_object_or_404(
        PlanVersion.objects.select_related("saved_by"), plan=plan, number=number
    )
    can_change = permissions.can_change(request.user, plan)
    framework = framework_or_none(plan.assessment)
    return render(
        request,
        "plans/version.html",
        {
            "plan": plan,
            "version": version,
            "saved_by": (
                version.saved_by.get_username() if can_change and version.saved_by else ""
            ),
            "snapshot": version.snapshot,
            "rows": presentation.snapshot_actions(version.snapshot, framework, language),
        },
    )
