from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from atlas.core.languages import is_rtl
from atlas.core.practice_format import FieldError
from atlas.core.vocabulary import default_vocabulary
from atlas.entitlements.models import Entitlement
from atlas.lib.headers import form_page
from atlas.places.tree import PlaceTree
from atlas.practices import actions, search
from atlas.practices.forms import SubmissionForm
from atlas.practices.models import Practice
from atlas.practices.presentation import facet_groups, filters_from, practice_snippet
from atlas.practices.submissions import SubmissionThrottled, check_submission_rate

PAGE_SIZE = 20


def practice_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    filters = filters_from(request.GET)
    sort = request.GET.get("sort", "relevance")
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    result = search.search_practices(
        query=query,
        filters=filters,
        sort=sort,
        offset=(page_number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    language = translation.get_language() or "en"
    practices = Practice.objects.prefetch_related("translations").in_bulk(result.ids)
    hits = []
    for pk in result.ids:
        if pk not in practices:
            continue
        title, _summary, _description, text_language = practices[pk].text_in(language)
        hits.append(
            {
                "practice": practices[pk],
                "title": title,
                "language": text_language,
                "snippet": practice_snippet(practices[pk], result.terms, language),
            }
        )
    page_count = max(1, -(-result.total // PAGE_SIZE))
    context = {
        "query": query,
        "sort": sort if sort in search.SORTS else "relevance",
        "sorts": sort_choices(),
        "result": result,
        "hits": hits,
        "facet_groups": facet_groups(result, request.GET, language),
        "page_number": page_number,
        "page_count": page_count,
        "previous_url": page_url(request.GET, page_number - 1) if page_number > 1 else None,
        "next_url": page_url(request.GET, page_number + 1) if page_number < page_count else None,
    }
    return render(request, "practices/list.html", context)


def sort_choices() -> list[tuple[str, str]]:
    return [
        ("relevance", _("Relevance")),
        ("newest", _("Newest first")),
        ("oldest", _("Oldest first")),
        ("title", _("Title")),
    ]


def page_url(params: QueryDict, page: int) -> str:
    query = params.copy()
    query["page"] = str(page)
    return "?" + query.urlencode()


def practice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    practice = get_object_or_404(
        Practice.objects.prefetch_related(
            "places__parent",
            "tag_set",
            "actors",
            "outcomes__source",
            "sources",
            "translations",
            "replications__target",
            "replications__place",
        ),
        slug=slug,
    )
    user = request.user
    if not practice.is_published and not (user.is_authenticated and user.is_editor):
        raise Http404
    language = translation.get_language() or "en"
    title, summary, description, text_language = practice.text_in(language)
    context = {
        "practice": practice,
        "title": title,
        "summary": summary,
        "paragraphs": [p for p in description.split("\n\n") if p.strip()],
        "text_language": text_language,
        "text_dir": "rtl" if is_rtl(text_language) else "ltr",
        "source_dir": "rtl" if is_rtl(practice.language) else "ltr",
        "tags": tag_labels(practice, language),
        "places": place_links(practice, language),
        "similar": search.similar_practices(practice) if practice.is_published else [],
    }
    return render(request, "practices/detail.html", context)


def place_links(practice: Practice, language: str) -> list[tuple[str, str | None]]:
    """Each place's name, linked to its entitlements where the map covers it."""
    tree = PlaceTree.load()
    mapped = set(Entitlement.objects.values_list("place_id", flat=True).distinct())
    links = []
    for place in practice.places.all():
        covered = any(pk in mapped for pk in tree.chain(place.pk))
        url = reverse("entitlements:place", args=[place.pk]) if covered else None
        links.append((place.label(language), url))
    return links


def tag_labels(practice: Practice, language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    vocabulary = default_vocabulary()
    headings = {
        "service": _("Services"),
        "group": _("Groups"),
        "barrier": _("Barriers addressed"),
        "measure": _("Measures"),
    }
    return [
        (
            heading,
            [
                (slug, vocabulary.get(kind, slug).label(language))
                for slug in practice.tags(kind)
                if vocabulary.has(kind, slug)
            ],
        )
        for kind, heading in headings.items()
    ]


@form_page
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or "en"
    form = SubmissionForm(request.POST or None, language=language)
    if request.method == "POST" and form.is_valid():
        if form.is_spam():
            # Answer a bot as if it had succeeded, and keep nothing.
            return redirect("practices:submitted")
        try:
            check_submission_rate(request)
            actions.submit_practice(
                record=form.record(),
                user=request.user if request.user.is_authenticated else None,
                submitter_name=form.cleaned_data["submitter_name"],
                submitter_contact=form.cleaned_data["submitter_contact"],
            )
        except SubmissionThrottled:
            form.add_error(None, _("Too many submissions from here. Please try again in an hour."))
        except FieldError as error:
            form.add_error(None, error.message)
        else:
            return redirect("practices:submitted")
    return render(request, "practices/submit.html", {"form": form})


def submitted(request: HttpRequest) -> HttpResponse:
    return render(request, "practices/submitted.html")


class LatestPracticesFeed(Feed):
    feed_type = Atom1Feed
    limit = 50

    def title(self) -> str:
        return _("Access Atlas: newly published practices")

    def subtitle(self) -> str:
        return _("Good practices in access to services whatever a person's migration status.")

    def link(self) -> str:
        return reverse("practices:list")

    def items(self) -> QuerySet[Practice]:
        return (
            Practice.objects.published()
            .exclude(published_at=None)
            .order_by("-published_at", "-id")[: self.limit]
        )

    def item_title(self, item: Practice) -> str:
        return item.title

    def item_description(self, item: Practice) -> str:
        return item.summary

    def item_link(self, item: Practice) -> str:
        return reverse("practices:detail", args=[item.slug])

    def item_pubdate(self, item: Practice) -> Any:
        return item.published_at

    def item_updateddate(self, item: Practice) -> Any:
        return item.updated_at
