"""The diagnostic pages: rounds, their areas' answers, invitations, the XLSForm and the
KoboToolbox import, and the steps from draft to published.

Who may see or change a round is asked of permissions.py, never decided here. A round the
visitor may not see is "not found" (404), so that a draft's existence does not leak; a change
by someone who may see the round but not change it (an editor reviewing a submitted round)
is refused with 403.
"""

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from atlas.accounts.models import User
from atlas.core.diagnostic import Framework, default_framework
from atlas.core.diagnostic.kobo import KoboImportError, Submission, read_kobo_export
from atlas.core.diagnostic.steps import default_steps
from atlas.core.diagnostic.xlsform import write_xlsform
from atlas.core.vocabulary import default_vocabulary
from atlas.diagnostics import actions, permissions
from atlas.diagnostics.forms import (
    KOBO_UPLOAD_MAX_BYTES,
    AreaAnswersForm,
    InviteForm,
    KoboImportForm,
    OpenRoundForm,
    value_field,
)
from atlas.diagnostics.models import Assessment
from atlas.diagnostics.presentation import (
    STEPS,
    area_rows,
    notice,
    question_of_error,
    question_rows,
    readonly_rows,
    round_rows,
)
from atlas.lib.headers import form_page
from atlas.places.models import Place
from atlas.plans import permissions as plan_permissions
from atlas.plans.actions import plans_for
from atlas.practices.models import Practice

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

STEP_ACTIONS: dict[str, Callable[..., Assessment]] = {
    "submit": actions.submit,
    "reopen": actions.reopen,
    "publish": actions.publish,
    "unpublish": actions.unpublish,
}


def visitor(request: HttpRequest) -> User | AnonymousUser:
    user = request.user
    assert isinstance(user, User | AnonymousUser)
    return user


def signed_in(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


def language_of(request: HttpRequest) -> str:
    return translation.get_language() or "en"


def get_round(request: HttpRequest, pk: int, *, change: bool = False) -> Assessment:
    """The round, if this visitor may see it (else 404) and, for a change, change it (else 403)."""
    assessment = get_object_or_404(Assessment.objects.select_related("place"), pk=pk)
    user = visitor(request)
    if not permissions.can_view(user, assessment):
        raise Http404
    if change and not permissions.can_change(user, assessment):
        raise PermissionDenied
    return assessment


def framework_or_404(assessment: Assessment) -> Framework:
    try:
        return actions.framework_of(assessment)
    except actions.AssessmentError:
        raise Http404 from None


def round_url(assessment: Assessment, done: str | None = None) -> str:
    url = reverse("diagnostics:round", args=[assessment.pk])
    return url if done is None else f"{url}?done={done}"


def index(request: HttpRequest) -> HttpResponse:
    language = language_of(request)
    user = visitor(request)
    visible = permissions.visible_assessments(user).select_related("place")
    published = visible.filter(status=Assessment.Status.PUBLISHED).order_by(
        "place__name", "-period", "-id"
    )
    context: dict[str, Any] = {"published": round_rows(published, language)}
    if user.is_authenticated:
        places = list(Place.objects.filter(team__user_id=user.pk).order_by("name"))
        team_rounds = visible.filter(place__in=places).order_by("place__name", "-period", "-id")
        for_review = (
            visible.filter(status=Assessment.Status.SUBMITTED)
            .exclude(place__in=places)
            .order_by("place__name", "-period", "-id")
        )
        context |= {
            "team_places": [
                {"place": place, "name": place.label(language)}
                for place in places
                if permissions.can_open(user, place)
            ],
            "team_rounds": round_rows(team_rounds, language),
            "for_review": round_rows(for_review, language),
        }
    return render(request, "diagnostics/index.html", context)


@form_page
@require_http_methods(["GET", "POST"])
def open_round(request: HttpRequest, place_id: int) -> HttpResponseBase:
    place = get_object_or_404(Place, pk=place_id)
    user = signed_in(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_open(user, place):
        raise PermissionDenied
    form = OpenRoundForm(
        request.POST if request.method == "POST" else None,
        initial={"period": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        assessment = actions.open_assessment(
            place=place,
            user=user,
            title=form.cleaned_data["title"],
            period=form.cleaned_data["period"],
        )
        return redirect(round_url(assessment, "opened"))
    context = {"form": form, "place": place, "place_name": place.label(language_of(request))}
    return render(request, "diagnostics/open.html", context)


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    language = language_of(request)
    assessment = get_round(request, pk)
    user = visitor(request)
    can_change = permissions.can_change(user, assessment)
    context: dict[str, Any] = {
        "assessment": assessment,
        "place_name": assessment.place.label(language),
        "can_change": can_change,
        "is_draft": assessment.status == Assessment.Status.DRAFT,
        "notice": notice(request.GET.get("done", "")),
        "steps": [
            step for step in STEPS.values() if can_change and assessment.status in step.allowed_from
        ],
        "plans": list(plans_for(assessment, user)),
        "can_build_plan": plan_permissions.can_build(user, assessment),
    }
    try:
        framework = actions.framework_of(assessment)
    except actions.AssessmentError as error:
        context["framework_error"] = str(error)
    else:
        result = actions.result_of(assessment)
        context |= {
            "framework_title": framework.label(language),
            "areas": area_rows(framework, result, language),
            "overall": result.overall,
        }
    return render(request, "diagnostics/round.html", context)


@form_page
@require_http_methods(["GET", "POST"])
def answer_area(request: HttpRequest, pk: int, area: str) -> HttpResponseBase:
    language = language_of(request)
    assessment = get_round(request, pk, change=request.method == "POST")
    framework = framework_or_404(assessment)
    try:
        the_area = framework.area(area)
    except KeyError:
        raise Http404 from None
    answers = {answer.question: answer for answer in assessment.answers.all()}
    form = AreaAnswersForm(
        request.POST if request.method == "POST" else None,
        area=the_area,
        language=language,
        initial_answers=answers,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.save_answers(
                assessment=assessment, user=signed_in(request), answers=form.answers()
            )
        except actions.AssessmentError as error:
            slug = question_of_error(str(error))
            if slug is not None and slug in {q.slug for q in the_area.questions}:
                form.add_error(value_field(framework.question(slug)), str(error))
            else:
                form.add_error(None, str(error))
        else:
            url = reverse("diagnostics:answer", args=[assessment.pk, the_area.slug])
            return redirect(f"{url}?saved={changed}")
    editable = assessment.status == Assessment.Status.DRAFT and permissions.can_change(
        visitor(request), assessment
    )
    saved = request.GET.get("saved", "")
    areas = list(framework.areas)
    position = areas.index(the_area)
    context = {
        "assessment": assessment,
        "place_name": assessment.place.label(language),
        "area": the_area,
        "area_label": the_area.label(language),
        "form": form,
        "editable": editable,
        "rows": (
            question_rows(form, the_area, language)
            if editable
            else readonly_rows(the_area, answers, language)
        ),
        "saved": int(saved) if saved.isdigit() else None,
        "previous": areas[position - 1] if position > 0 else None,
        "next": areas[position + 1] if position + 1 < len(areas) else None,
    }
    return render(request, "diagnostics/answer_area.html", context)


@form_page
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, pk: int) -> HttpResponseBase:
    assessment = get_round(request, pk, change=True)
    inviter = signed_in(request)
    assert inviter is not None  # can_change refuses anonymous visitors
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.invite(
                place=assessment.place, inviter=inviter, username=form.cleaned_data["username"]
            )
        except actions.AssessmentError as error:
            form.add_error("username", str(error))
        else:
            return redirect(round_url(assessment, "invited"))
    context = {
        "assessment": assessment,
        "place_name": assessment.place.label(language_of(request)),
        "form": form,
    }
    return render(request, "diagnostics/invite.html", context)


@require_GET
def xlsform(request: HttpRequest, pk: int) -> FileResponse:
    """The framework as an XLSForm workbook, for the team to deploy on KoboToolbox or ODK."""
    assessment = get_round(request, pk, change=True)
    framework = framework_or_404(assessment)
    with tempfile.TemporaryDirectory(prefix="atlas-xlsform-") as folder:
        path = write_xlsform(framework, Path(folder) / "form.xlsx")
        # Opened before the folder goes: the response reads the open file, which the system
        # keeps until the response closes it.
        stream = path.open("rb")
    filename = f"{framework.slug}-{framework.version}.xlsx"
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


@contextmanager
def uploaded_copy(upload: UploadedFile) -> Iterator[Path]:
    """The upload written to a temporary file, removed when the block ends."""
    with tempfile.TemporaryDirectory(prefix="atlas-kobo-") as folder:
        path = Path(folder) / "export"
        with path.open("wb") as stream:
            for chunk in upload.chunks():
                stream.write(chunk)
        yield path


@form_page
@require_http_methods(["GET", "POST"])
def import_kobo(request: HttpRequest, pk: int) -> HttpResponseBase:
    assessment = get_round(request, pk, change=True)
    form = KoboImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    problems: list[Any] = []
    submissions: list[Submission] = []
    if request.method == "POST" and form.is_valid():
        with uploaded_copy(form.cleaned_data["export"]) as path:
            try:
                framework = actions.framework_of(assessment)
                found = read_kobo_export(path, framework)
                row = form.cleaned_data["row"]
                if row is None and len(found) > 1:
                    submissions = found
                else:
                    actions.import_kobo(
                        assessment=assessment, user=signed_in(request), path=path, row=row
                    )
                    return redirect(round_url(assessment, "imported"))
            except KoboImportError as error:
                problems = list(error.problems)
            except actions.AssessmentError as error:
                form.add_error(None, str(error))
    context = {
        "assessment": assessment,
        "place_name": assessment.place.label(language_of(request)),
        "form": form,
        "problems": problems,
        "submissions": submissions,
        "is_draft": assessment.status == Assessment.Status.DRAFT,
        "limit_mb": KOBO_UPLOAD_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "diagnostics/import.html", context)


@form_page
@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, pk: int, step: str) -> HttpResponseBase:
    """Confirm a step (GET), then take it (POST): submit, reopen, publish or unpublish."""
    assessment = get_round(request, pk, change=True)
    the_step = STEPS[step]
    error = None
    if assessment.status not in the_step.allowed_from:
        error = _("This step is not possible for a round that is %(status)s.") % {
            "status": assessment.get_status_display()
        }
    elif request.method == "POST":
        try:
            STEP_ACTIONS[step](assessment=assessment, user=signed_in(request))
        except actions.AssessmentError as refused:
            error = str(refused)
        else:
            return redirect(round_url(assessment, step))
    context = {
        "assessment": assessment,
        "place_name": assessment.place.label(language_of(request)),
        "step": the_step,
        "error": error,
    }
    return render(request, "diagnostics/confirm.html", context)


def steps_page(request: HttpRequest) -> HttpResponse:
    """The operational framework: the steps a government takes, with their sub-steps, who
    acts, the measures and areas they address, and practices from the library as examples."""
    language = language_of(request)
    vocabulary = default_vocabulary()
    framework = default_framework()
    published = dict(Practice.objects.published().values_list("slug", "title"))
    steps = [
        {
            "slug": step.slug,
            "label": step.label(language),
            "summary": step.summary(language),
            "substeps": step.substep_texts(language),
            "actors": [vocabulary.get("actor-type", s).label(language) for s in step.actor_types],
            "measures": [vocabulary.get("measure", s).label(language) for s in step.measures],
            "areas": [framework.area(s).label(language) for s in step.areas],
            "practices": [
                {"slug": slug, "title": published[slug]}
                for slug in step.example_practices
                if slug in published
            ],
            "source": step.source,
        }
        for step in default_steps().all
    ]
    return render(request, "diagnostics/steps.html", {"steps": steps})
