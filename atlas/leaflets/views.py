"""The leaflet of a place, as a page and as a PDF (the same content laid out for A4).

Anonymous and the same for everyone, like the finder's pages: GET only, no form, no cookie.
"""

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from atlas.leaflets import presentation
from atlas.lib.pdf import render_pdf
from atlas.places.models import Place


def leaflet_context(place_id: int) -> dict[str, Any]:
    """The leaflet's content; 404 for a place with neither rights nor services to show."""
    place = get_object_or_404(Place, pk=place_id)
    language = translation.get_language() or "en"
    context = presentation.leaflet(place, timezone.localdate(), language)
    if not context["rights"] and not context["services"]:
        raise Http404
    return context


def leaflet(request: HttpRequest, place_id: int) -> HttpResponse:
    context = leaflet_context(place_id)
    context["quick_exit_url"] = settings.ATLAS_QUICK_EXIT_URL
    return render(request, "leaflets/leaflet.html", context)


def file_name(place: Place, language: str) -> str:
    """`<place>-leaflet-<language>.pdf`, in ASCII so every browser keeps it."""
    return f"{slugify(place.name) or f'place-{place.pk}'}-leaflet-{language}.pdf"


def leaflet_pdf(request: HttpRequest, place_id: int) -> HttpResponse:
    context = leaflet_context(place_id)
    context["for_print"] = True
    html = render_to_string("leaflets/leaflet_print.html", context, request=request)
    pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    language = translation.get_language() or "en"
    response = HttpResponse(pdf, content_type="application/pdf")
    name = file_name(context["place"], language)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
