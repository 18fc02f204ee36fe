"""The report of an assessment round as a PDF, in the reader's language.

The PDF is the printable report page itself (`results_views.report`), laid out by
`atlas.lib.pdf.render_pdf`: one template, one set of figures, whichever way it is read. A
round the visitor may not see is a 404, as on the page.
"""

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.text import slugify

from atlas.diagnostics import results_views
from atlas.diagnostics.models import Assessment
from atlas.lib.pdf import render_pdf


def file_name(assessment: Assessment, language: str) -> str:
    """`<place>-<period>-report-<language>.pdf`, in ASCII so every browser keeps it."""
    place = slugify(assessment.place.name) or f"round-{assessment.pk}"
    return f"{place}-{assessment.period.isoformat()}-report-{language}.pdf"


def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    # The page's view asks permissions.can_view (404 otherwise) and builds the report.
    page = results_views.report(request, pk)
    assessment = results_views.viewable(request, pk)
    html = page.content.decode(page.charset or "utf-8")
    pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    language = translation.get_language() or "en"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name(assessment, language)}"'
    if page.has_header("Cache-Control"):
        # A draft's or a submitted round's report stays out of shared caches, as its page does.
        response["Cache-Control"] = page["Cache-Control"]
    return response
