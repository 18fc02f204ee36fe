"""The results page of an assessment round and its printable report.

Both show what `atlas.diagnostics.results.build` assembles; a round the visitor may not see
is a 404, never a 403, so its existence is not revealed.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe

from atlas.diagnostics import actions, permissions
from atlas.diagnostics import results as assembly
from atlas.diagnostics.models import Assessment


def viewable(request: HttpRequest, pk: int) -> Assessment:
    assessment = get_object_or_404(Assessment.objects.select_related("place"), pk=pk)
    if not permissions.can_view(request.user, assessment):
        raise Http404
    return assessment


def page(request: HttpRequest, pk: int, template: str, chart_id: str) -> HttpResponse:
    language = translation.get_language() or "en"
    assessment = viewable(request, pk)
    try:
        context = assembly.build(assessment, user=request.user, language=language)
    except actions.AssessmentError:
        # A round on a framework version this installation does not ship.
        raise Http404 from None
    # Safe: every text in the chart is escaped by atlas.core.charts.
    context["chart"] = mark_safe(assembly.chart_for(context, language, chart_id))  # noqa: S308
    context["generated_at"] = timezone.now()
    response = render(request, template, context)
    if not assessment.is_published:
        # A draft or a submitted round is for its team and reviewers: no shared cache.
        patch_cache_control(response, private=True, no_store=True)
    return response


def results(request: HttpRequest, pk: int) -> HttpResponse:
    return page(request, pk, "diagnostics/results.html", "results-chart")


def report(request: HttpRequest, pk: int) -> HttpResponse:
    return page(request, pk, "diagnostics/report.html", "report-chart")
