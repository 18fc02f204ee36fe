from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from atlas.core.vocabulary import default_vocabulary
from atlas.entitlements import maps
from atlas.entitlements.models import Entitlement
from atlas.entitlements.presentation import (
    gap_rows,
    level_label,
    matrix_rows,
    profile_rows,
    summary_sentences,
)
from atlas.places.models import Place
from atlas.places.tree import PlaceTree

PLACES_PER_PAGE = 50
MAX_COMPARED = 5


def date_param(request: HttpRequest) -> date:
    """The date the map is viewed at (?on=YYYY-MM-DD), today by default."""
    raw = request.GET.get("on", "")
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def group_param(request: HttpRequest) -> str:
    group = request.GET.get("group", "irregular-migrant")
    return group if default_vocabulary().has("group", group) else "irregular-migrant"


def entitlement_matrix(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or "en"
    group = group_param(request)
    view = "practice" if request.GET.get("view") == "practice" else "law"
    on = date_param(request)
    per_page = PLACES_PER_PAGE
    if request.GET.get("per_page") == "all":
        per_page = 10_000
    paginator = Paginator(maps.mapped_places(), per_page)
    page = paginator.get_page(request.GET.get("page"))
    tree = PlaceTree.load()
    result = maps.matrix(group=group, on=on, view=view, places=list(page), tree=tree)
    vocabulary = default_vocabulary()
    present = set(maps.groups_present())  # Once, not once per vocabulary term.
    context = {
        "group": group,
        "groups": [
            (t.slug, t.label(language)) for t in vocabulary.terms("group") if t.slug in present
        ],
        "view": view,
        "on": on,
        "page": page,
        "services": [(s, vocabulary.get("service", s).label(language)) for s in result.services],
        "rows": matrix_rows(result, language),
        "levels": [
            (level, level_label(level))
            for level in ("full", "partial", "emergency-only", "none", "unclear")
        ],
        "query": request.GET.urlencode(),
    }
    return render(request, "entitlements/matrix.html", context)


def place_profile(request: HttpRequest, place_id: int) -> HttpResponse:
    language = translation.get_language() or "en"
    place = get_object_or_404(Place, pk=place_id)
    on = date_param(request)
    tree = PlaceTree.load()
    rows = maps.profile(place, on, tree)
    if not rows and not Entitlement.objects.filter(place_id__in=tree.chain(place.pk)).exists():
        raise Http404
    context = {
        "place": place,
        "place_name": place.label(language),
        "on": on,
        "rows": profile_rows(rows, language),
        "gaps": gap_rows(maps.gaps_for(place, on, tree), language),
    }
    return render(request, "entitlements/place.html", context)


def place_timeline(request: HttpRequest, place_id: int) -> HttpResponse:
    language = translation.get_language() or "en"
    place = get_object_or_404(Place, pk=place_id)
    history = maps.history(place)
    if not history:
        raise Http404
    vocabulary = default_vocabulary()
    periods = [
        {
            "entitlement": e,
            "service": vocabulary.get("service", e.service).label(language),
            "group": vocabulary.get("group", e.group).label(language),
            "recorded_at": e.place.label(language),
        }
        for e in history
    ]
    return render(
        request,
        "entitlements/timeline.html",
        {"place": place, "place_name": place.label(language), "periods": periods},
    )


def compare(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or "en"
    ids = [pk for pk in request.GET.getlist("place") if pk.isdigit()][:MAX_COMPARED]
    places = list(Place.objects.filter(pk__in=ids))
    on = date_param(request)
    group = group_param(request)
    tree = PlaceTree.load()
    columns: list[dict[str, Any]] = []
    services: list[str] = []
    for place in places:
        facts = maps.facts_for(place, on, tree)
        cells = {
            service: fact for (service, fact_group), fact in facts.items() if fact_group == group
        }
        services += [s for s in cells if s not in services]
        columns.append({"place": place, "name": place.label(language), "cells": cells})
    order = maps.service_order()
    services.sort(key=lambda s: order.get(s, 999))
    vocabulary = default_vocabulary()
    table = [
        {
            "service": vocabulary.get("service", s).label(language),
            "cells": [column["cells"].get(s) for column in columns],
        }
        for s in services
    ]
    context = {
        "places": places,
        "columns": columns,
        "table": table,
        "on": on,
        "group": group,
        "group_label": vocabulary.get("group", group).label(language),
        "choices": [(p.pk, p.label(language)) for p in maps.mapped_places()],
        "selected": {p.pk for p in places},
        "too_few": len(places) < 2,
    }
    return render(request, "entitlements/compare.html", context)


def entitlement_detail(request: HttpRequest, entitlement_id: int) -> HttpResponse:
    language = translation.get_language() or "en"
    entitlement = get_object_or_404(
        Entitlement.objects.select_related("place").prefetch_related("sources"), pk=entitlement_id
    )
    vocabulary = default_vocabulary()
    later = (
        Entitlement.objects.filter(
            place=entitlement.place,
            service=entitlement.service,
            group=entitlement.group,
            effective_from=entitlement.effective_to,
        ).first()
        if entitlement.effective_to
        else None
    )
    context = {
        "entitlement": entitlement,
        "place_name": entitlement.place.label(language),
        "service": vocabulary.get("service", entitlement.service).label(language),
        "group": vocabulary.get("group", entitlement.group).label(language),
        "later": later,
    }
    return render(request, "entitlements/detail.html", context)


def summaries(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or "en"
    group = group_param(request)
    on = date_param(request)
    tree = PlaceTree.load()
    places = maps.mapped_places()
    context = {
        "group": group,
        "group_label": default_vocabulary().get("group", group).label(language),
        "on": on,
        "sentences": summary_sentences(places, on, tree, group, language),
        "place_count": len(places),
        "title": _("Gaps and priorities"),
    }
    return render(request, "entitlements/summaries.html", context)
