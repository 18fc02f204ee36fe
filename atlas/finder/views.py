"""The public finder: choose a place, choose a need, see services, read one, know your rights.

Every page is anonymous and the same for everyone: GET only, no form that posts, no session
or CSRF token, so no cookie is ever set; no script; its own small stylesheet (finder.css).
"""

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation

from atlas.directory.models import Service
from atlas.entitlements.models import Entitlement
from atlas.finder import cache, presentation
from atlas.finder.cache import FinderIndex, cached_page
from atlas.places.models import Place

MAX_QUERY_LENGTH = 100


def render_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    context["quick_exit_url"] = settings.ATLAS_QUICK_EXIT_URL
    return render(request, template, context)


def finder_index(request: HttpRequest) -> FinderIndex:
    """The finder's places, for the data token `cached_page` read (if it did)."""
    return cache.index(getattr(request, "finder_token", None))


def finder_place(place_id: int, index: FinderIndex) -> Place:
    """The place, if the finder offers it (404 otherwise)."""
    if place_id not in index.place_ids:
        raise Http404
    return index.places[place_id]


@cached_page
def choose_place(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or "en"
    query = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
    choices = presentation.place_choices(query, language)
    return render_page(request, "finder/home.html", {"query": query, "choices": choices})


@cached_page
def choose_need(request: HttpRequest, place_id: int) -> HttpResponse:
    language = translation.get_language() or "en"
    index = finder_index(request)
    tree = index.tree
    place = finder_place(place_id, index)
    context = {
        "place": place,
        "place_name": index.title(place, language),
        "needs": presentation.needs(place, language, tree),
        "has_rights": Entitlement.objects.filter(place_id__in=tree.chain(place.pk)).exists(),
    }
    return render_page(request, "finder/place.html", context)


@cached_page
def results(request: HttpRequest, place_id: int, sector: str) -> HttpResponse:
    language = translation.get_language() or "en"
    index = finder_index(request)
    place = finder_place(place_id, index)
    term = presentation.sector_term(sector)
    if term is None:
        raise Http404
    filters = presentation.Filters.from_query(request.GET)
    now = timezone.now()
    in_need = presentation.with_cards(
        presentation.in_sector(presentation.services_for(place, index.tree), sector)
    )
    found = presentation.apply_filters(in_need, filters, now)
    context = {
        "place": place,
        "place_name": index.title(place, language),
        "sector": term.slug,
        "sector_label": term.label(language),
        "filters": filters,
        "languages": presentation.language_options(in_need),
        "cards": presentation.service_cards(found, now),
    }
    return render_page(request, "finder/results.html", context)


@cached_page
def service_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    language = translation.get_language() or "en"
    service = get_object_or_404(
        Service.objects.published()
        .select_related("organization", "place")
        .prefetch_related("locations", "schedules", "phones", "sources"),
        uuid=service_id,
    )
    index = finder_index(request)
    now = timezone.now()
    context = {
        "service": service,
        "place_name": presentation.place_title(service.place, language, index.tree, index.places),
        "badges": presentation.badges(service, full=True),
        "locations": service.public_locations(),
        "has_hidden_address": service.has_confidential_location,
        "is_open": service.is_open_at(now),
        "sectors": presentation.service_sectors(service, language),
        "languages": [(code, presentation.language_name(code)) for code in service.languages or ()],
    }
    return render_page(request, "finder/service.html", context)


@cached_page
def rights(request: HttpRequest, place_id: int) -> HttpResponse:
    language = translation.get_language() or "en"
    index = finder_index(request)
    place = finder_place(place_id, index)
    today = timezone.localdate()
    sections = presentation.rights_sections(place, today, language, index.tree)
    context = {
        "place": place,
        "place_name": index.title(place, language),
        "on": today,
        "sections": sections,
        # The leaflet has the same rights and the place's services (404 with neither).
        "has_leaflet": bool(sections) or presentation.services_for(place, index.tree).exists(),
    }
    return render_page(request, "finder/rights.html", context)
