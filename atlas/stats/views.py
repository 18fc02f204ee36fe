"""Thin views: public pages of released tables, and the data steward's run flow."""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from atlas.accounts.models import Role
from atlas.core.languages import is_rtl
from atlas.core.stats.aggregate import StatsInputError
from atlas.core.stats.guard import IdentifierRefused
from atlas.core.stats.output import csv_text, datapackage, to_json
from atlas.core.stats.primary import TooSparse
from atlas.core.stats.spec import SpecError, default_codelists, default_specs, load_spec
from atlas.lib.headers import form_page
from atlas.stats import actions, presentation
from atlas.stats.forms import RunForm
from atlas.stats.models import StatsTable


def released_or_404(table_id: int) -> StatsTable:
    """The one door to a table for the public: published, and its stored audit passed."""
    row = StatsTable.objects.released().filter(pk=table_id).first()
    if row is None or not row.passed:
        raise Http404
    return row


def _steward(request: HttpRequest) -> None:
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    if not user.has_role(Role.DATA_STEWARD):
        raise PermissionDenied


def table_list(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or "en"
    rows = [r for r in StatsTable.objects.released().select_related("place") if r.passed]
    for row in rows:
        row.place_name = row.place.label(language)  # type: ignore[attr-defined]
        row.shown_title = row.title_in(language)  # type: ignore[attr-defined]
    return render(request, "stats/list.html", {"tables": rows})


def table_detail(request: HttpRequest, table_id: int) -> HttpResponse:
    row = released_or_404(table_id)
    table = row.table()
    language = translation.get_language() or "en"
    direction = "rtl" if is_rtl(language) else "ltr"
    context = {
        "row": row,
        "title": row.title_in(language),
        "place_name": row.place.label(language),
        "table": table,
        "breakdowns": presentation.breakdowns(table, direction, language),
        "note": presentation.suppression_note(table),
        "cells": presentation.cell_rows(table, language),
        "dimensions": [presentation.dimension_name(d.name) for d in table.dimensions],
    }
    return render(request, "stats/detail.html", context)


def table_download(request: HttpRequest, table_id: int, file_format: str) -> HttpResponse:
    row = released_or_404(table_id)
    table = row.table()
    if file_format == "csv":
        body, content_type, name = csv_text(table), "text/csv; charset=utf-8", f"{table.slug}.csv"
    elif file_format == "datapackage":
        body = json.dumps(datapackage([table]), indent=1)
        content_type, name = "application/json", "datapackage.json"
    elif file_format == "json":
        body, content_type = json.dumps(to_json(table), indent=1), "application/json"
        name = f"{table.slug}.json"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Stream an upload to a temporary file on disk, and stop past the size limit (the
    partial file is deleted at once)."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            self.file.close()  # a NamedTemporaryFile: closing deletes it
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


def max_upload_bytes() -> int:
    return int(float(settings.ATLAS_STATS_MAX_UPLOAD_MB) * 1024 * 1024)


@csrf_exempt
@form_page
def new_run(request: HttpRequest) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _steward(request)
    request.upload_handlers = [LimitedUploadHandler(request)]
    return _new_run(request)


@csrf_protect
def _new_run(request: HttpRequest) -> HttpResponseBase:
    error = ""
    log: list[tuple[str, float]] = []
    report: dict[str, Any] | None = None
    if request.method == "POST":
        too_large = (
            "records" not in request.FILES
            and int(request.META.get("CONTENT_LENGTH") or 0) > max_upload_bytes()
        )
        form = RunForm(request.POST, request.FILES)
        if too_large:
            error = _("The file is larger than the limit of %(mb)s MB.") % {
                "mb": settings.ATLAS_STATS_MAX_UPLOAD_MB
            }
        elif form.is_valid():
            records = request.FILES["records"]
            assert isinstance(records, TemporaryUploadedFile)  # the only upload handler
            path = Path(records.temporary_file_path())
            try:
                specs = _chosen_specs(form)
                outcome = actions.run(
                    path,
                    specs,
                    engine=form.cleaned_data["engine"],
                    place=form.cleaned_data["place"],
                )
                log = outcome.log
                run_id = actions.store_outcome(
                    outcome=outcome,
                    place=form.cleaned_data["place"],
                    specs=specs,
                    engine=form.cleaned_data["engine"],
                    user=request.user,
                )
                if outcome.passed:
                    return redirect("stats:preview", run_id=run_id)
                report = outcome.report
                error = _("The audit failed: nothing can be published from this run.")
            except IdentifierRefused as refused:
                error = _("Refused before any row was aggregated: %(why)s") % {"why": refused}
            except (StatsInputError, SpecError, TooSparse, actions.RunRefused) as refused:
                error = str(refused)
            finally:
                records.close()
                if path.exists():
                    os.unlink(path)
    else:
        form = RunForm()
    status = 200 if not error else 400
    context = {"form": form, "error": error, "log": log, "report": report}
    if report is not None:
        status = 200
    return render(request, "stats/new.html", context, status=status)


def _chosen_specs(form: RunForm) -> list[Any]:
    specs = [default_specs()[slug] for slug in form.cleaned_data.get("specs") or []]
    uploaded = form.cleaned_data.get("spec_file")
    if uploaded:
        with tempfile.NamedTemporaryFile(suffix=".toml") as handle:
            for chunk in uploaded.chunks():
                handle.write(chunk)
            handle.flush()
            specs.append(load_spec(Path(handle.name), default_codelists()))
    return specs


def _run_rows(request: HttpRequest, run_id: str) -> list[StatsTable]:
    _steward(request)
    rows = list(StatsTable.objects.filter(run=run_id).select_related("place"))
    if not rows:
        raise Http404
    return rows


@form_page
def run_preview(request: HttpRequest, run_id: str) -> HttpResponse:
    rows = _run_rows(request, run_id)
    report = rows[0].audit
    language = translation.get_language() or "en"
    previews = []
    for row in rows:
        if not row.passed:
            continue  # a refused run shows its report only, never a number
        table = row.table()
        previews.append(
            {
                "row": row,
                "title": row.title_in(language),
                "table": table,
                "note": presentation.suppression_note(table),
                "cells": presentation.cell_rows(table, language),
                "dimensions": [presentation.dimension_name(d.name) for d in table.dimensions],
            }
        )
    context = {"rows": rows, "previews": previews, "report": report, "run_id": run_id}
    return render(request, "stats/preview.html", context)


@require_POST
def run_publish(request: HttpRequest, run_id: str) -> HttpResponse:
    _run_rows(request, run_id)
    if not actions.publish_run(run_id=run_id):
        raise Http404
    return redirect("stats:list")
