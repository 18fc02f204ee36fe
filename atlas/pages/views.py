from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache

from atlas.core.vocabulary import KINDS, default_vocabulary
from atlas.practices.models import Practice


def choose_language(request: HttpRequest) -> HttpResponse:
    """Send / to the visitor's language from the browser's Accept-Language; no cookie."""
    language = translation.get_language_from_request(request, check_path=False)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    response = HttpResponseRedirect(f"/{language}/")
    response["Vary"] = "Accept-Language"
    return response


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request: HttpRequest) -> HttpResponse:
    latest = Practice.objects.published().order_by("-published_at", "-id")[:6]
    count = Practice.objects.published().count()
    return render(request, "pages/home.html", {"latest": latest, "practice_count": count})


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.html")


def vocabulary(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or "en"
    vocab = default_vocabulary()
    kinds = []
    for kind in KINDS:
        terms = [
            {
                "slug": term.slug,
                "label": term.label(language),
                "definition": term.definition,
                "source": term.source,
                "is_child": term.parent is not None,
            }
            for term in vocab.terms(kind)
        ]
        kinds.append({"kind": kind, "terms": terms})
    return render(request, "pages/vocabulary.html", {"kinds": kinds, "version": vocab.version})
