"""The finder as static files: pages and leaflets that work with no back end.

`export_finder(directory, places=…, languages=…)` renders, in-process through Django's test
`Client` (no server, the full middleware stack), for every chosen place and language: the
finder's home, the place page, the results for each need (no filters), every service's
page, the rights page, and the leaflet as HTML and PDF. Each page is written where its URL
points, as `index.html` in a folder (`/en/finder/places/12/` → `en/finder/places/12/index.html`),
with its links rewritten:

- a link to another exported page becomes a relative path to its file, naming
  `index.html` so that it opens from a USB stick (`file://` shows no folder's index);
- a link to a page that was not exported (the rest of the site, a filter) loses its `href`
  and stays as plain text: the copy never points at a server that may not exist;
- the site's static files (the stylesheets) are copied under `static/` and linked relatively;
- a form (choosing a place by name, the filters) cannot work without a server: it is
  replaced by a note with links to what the copy holds.

Links to other sites (the sources of a fact) stay as they are: they are links a reader may
follow, not resources a page loads.
"""

import html
import posixpath
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from atlas.lib.pdf import StaticOnlyFetcher

# The host the in-process client names; added to ALLOWED_HOSTS while exporting.
EXPORT_HOST = "export.invalid"

LINK_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.DOTALL | re.IGNORECASE)
# Pages the export follows links to, beyond the ones it lists (a service named on a page).
FOLLOWED_VIEWS = frozenset({"finder:service"})
FORM = re.compile(r"<form\b.*?</form>", re.DOTALL | re.IGNORECASE)


class ExportError(RuntimeError):
    """A page could not be exported; the message names its URL."""


@dataclass(frozen=True)
class Page:
    """One exported file: the site URL it comes from and where it is written."""

    url: str
    kind: str = "html"  # "html" or "pdf"

    @property
    def file(self) -> str:
        return file_for(self.url)


@dataclass
class ExportResult:
    directory: Path
    pages: list[Page] = field(default_factory=list)
    static_files: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return [page.file for page in self.pages] + self.static_files


def file_for(url: str) -> str:
    """The file, relative to the export's root, that holds the page at a site URL.

    >>> file_for("/en/finder/places/12/")
    'en/finder/places/12/index.html'
    >>> file_for("/ar/leaflets/12/leaflet.pdf")
    'ar/leaflets/12/leaflet.pdf'
    >>> file_for("/")
    'index.html'
    """
    path = urlsplit(url).path.lstrip("/")
    if not path or path.endswith("/"):
        return f"{path}index.html"
    return path


def relative_link(from_file: str, to_file: str, fragment: str = "") -> str:
    """The link from one exported file to another, relative, so the copy works anywhere.

    >>> relative_link("en/finder/places/12/index.html", "en/finder/places/12/health/index.html")
    'health/index.html'
    >>> relative_link("en/finder/places/12/health/index.html", "static/atlas/site.css")
    '../../../../../static/atlas/site.css'
    >>> relative_link("index.html", "en/finder/index.html", "main")
    'en/finder/index.html#main'
    """
    start = posixpath.dirname(from_file) or "."
    link = posixpath.relpath(to_file, start)
    return f"{link}#{fragment}" if fragment else link


def is_site_link(url: str) -> bool:
    """A link to this site (`/en/…`, `/static/…`), not to another site or a fragment."""
    return url.startswith("/") and not url.startswith("//")


def pages_for(
    place_ids: Sequence[int], languages: Sequence[str], services: dict[int, list[str]]
) -> list[Page]:
    """Every page the export writes, in order: the finder, then the leaflets.

    `services` maps a place to the ids of its published services; the needs are the
    service sectors of the vocabulary, as on the place page.
    """
    from atlas.core.vocabulary import default_vocabulary

    sectors = [term.slug for term in default_vocabulary().sectors()]
    pages: list[Page] = []
    for language in languages:
        with translation.override(language):
            pages.append(Page(reverse("finder:home")))
            for place_id in place_ids:
                pages.append(Page(reverse("finder:place", args=[place_id])))
                pages += [
                    Page(reverse("finder:results", args=[place_id, sector])) for sector in sectors
                ]
                pages.append(Page(reverse("finder:rights", args=[place_id])))
                pages += [
                    Page(reverse("finder:service", args=[service_id]))
                    for service_id in services.get(place_id, [])
                ]
                pages.append(Page(reverse("leaflets:leaflet", args=[place_id])))
                pages.append(Page(reverse("leaflets:leaflet_pdf", args=[place_id]), kind="pdf"))
    # A service offered in two places is one page.
    return list(dict.fromkeys(pages))


def rewrite(
    document: str,
    *,
    page: Page,
    exported: dict[str, Page],
    static: dict[str, str],
    note: str,
) -> str:
    """A rendered page with its forms replaced by `note` and its links made relative.

    `exported` maps a site path to its page; `static` collects the static files the page
    uses (site URL → file in the export) for the caller to copy.
    """
    document = FORM.sub(lambda _match: note, document)

    def unlink(match: re.Match[str]) -> str:
        attributes, text = match.group(1), match.group(2)
        href = re.search(r'\bhref="([^"]*)"', attributes)
        if href is None:
            return match.group(0)
        target = html.unescape(href.group(1))
        if not is_site_link(target) or urlsplit(target).path in exported:
            return match.group(0)
        if urlsplit(target).path.startswith(str(settings.STATIC_URL)):
            return match.group(0)
        # A page this copy does not hold: keep the words, drop the link.
        kept = re.sub(r'\s(href|hreflang|rel|target)="[^"]*"', "", attributes)
        return f"<span{kept}>{text}</span>"

    document = ANCHOR.sub(unlink, document)

    def relink(match: re.Match[str]) -> str:
        attribute, raw = match.group(1), match.group(2)
        target = html.unescape(raw)
        if not is_site_link(target):
            return match.group(0)
        parts = urlsplit(target)
        if parts.path.startswith(str(settings.STATIC_URL)):
            to_file = "static/" + parts.path[len(str(settings.STATIC_URL)) :]
            static[parts.path] = to_file
        elif parts.path in exported:
            to_file = exported[parts.path].file
        else:
            # A `<link>` to a page not exported (alternate languages, say): point nowhere.
            return f'{attribute}="#"'
        return f'{attribute}="{html.escape(relative_link(page.file, to_file, parts.fragment))}"'

    return LINK_ATTRIBUTE.sub(relink, document)


def export_note(places: Sequence[dict[str, str]], language: str) -> str:
    """What stands where a form was: why it is gone, and links to the places the copy holds."""
    with translation.override(language):
        return render_to_string("leaflets/_export_note.html", {"places": places})


def place_links(place_ids: Sequence[int], language: str) -> list[dict[str, str]]:
    """Each exported place's page and rights, leaflet and PDF, named in the language."""
    from atlas.places.models import Place

    names = {place.pk: place.label(language) for place in Place.objects.filter(pk__in=place_ids)}
    with translation.override(language):
        return [
            {
                "name": names.get(place_id, str(place_id)),
                "url": reverse("finder:place", args=[place_id]),
                "rights": reverse("finder:rights", args=[place_id]),
                "leaflet": reverse("leaflets:leaflet", args=[place_id]),
                "leaflet_pdf": reverse("leaflets:leaflet_pdf", args=[place_id]),
            }
            for place_id in place_ids
        ]


def copy_static(static: dict[str, str], directory: Path) -> list[str]:
    """Copy the static files pages use, read from disk as the PDF renderer reads them."""
    fetcher = StaticOnlyFetcher(f"http://{EXPORT_HOST}/")
    written = []
    for url, to_file in sorted(static.items()):
        source = fetcher.static_path(f"http://{EXPORT_HOST}{url}")
        if source is None:
            raise ExportError(f"static file not found: {url}")
        target = directory / to_file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(to_file)
    return written


def fetch(client: Client, url: str) -> bytes:
    response = client.get(url, HTTP_HOST=EXPORT_HOST)
    if response.status_code != 200:
        raise ExportError(f"{url}: the site answered {response.status_code}")
    return bytes(response.content)


def choose_places(values: Sequence[str]) -> list[int]:
    """Place ids from ids or names; none given: every place with published services."""
    from atlas.core.places import normalize_name
    from atlas.directory.models import Service
    from atlas.places.models import Place

    if not values:
        ids = Service.objects.published().values_list("place_id", flat=True).distinct()
        return list(Place.objects.filter(pk__in=ids).order_by("name").values_list("pk", flat=True))
    chosen: list[int] = []
    for value in values:
        if value.isdigit():
            matches = list(Place.objects.filter(pk=int(value)).values_list("pk", flat=True))
        else:
            matches = list(
                Place.objects.filter(normalized_name=normalize_name(value)).values_list(
                    "pk", flat=True
                )
            )
        if not matches:
            raise LookupError(f"no place {value!r}")
        if len(matches) > 1:
            raise LookupError(f"{len(matches)} places are called {value!r}; give an id: {matches}")
        chosen += [pk for pk in matches if pk not in chosen]
    return chosen


def published_services(place_ids: Sequence[int]) -> dict[int, list[str]]:
    """The services each place's leaflet and results show: its own and its country's."""
    from atlas.leaflets.presentation import services_for
    from atlas.places.models import Place
    from atlas.places.tree import PlaceTree

    tree = PlaceTree.load()
    places = Place.objects.in_bulk(place_ids)
    return {pk: [str(s.uuid) for s in services_for(places[pk], tree)] for pk in place_ids}


def linked_pages(document: str, known: set[str], languages: Sequence[str]) -> list[Page]:
    """Pages of a view in `FOLLOWED_VIEWS`, in an exported language, that the document
    links to and the export lacks."""
    found = []
    for match in LINK_ATTRIBUTE.finditer(document):
        target = html.unescape(match.group(2))
        if not is_site_link(target):
            continue
        path = urlsplit(target).path
        if path in known or path.split("/")[1] not in languages:
            continue
        try:
            # The language prefix resolves only while its language is active.
            with translation.override(path.split("/")[1]):
                view = resolve(path).view_name
        except Resolver404:
            continue
        if view in FOLLOWED_VIEWS:
            known.add(path)
            found.append(Page(path))
    return found


def export_finder(
    directory: Path,
    *,
    place_ids: Sequence[int],
    languages: Sequence[str],
    services: dict[int, list[str]],
) -> ExportResult:
    """Write the finder and the leaflets for the places and languages under `directory`."""
    pages = pages_for(place_ids, languages, services)
    known = {urlsplit(page.url).path for page in pages}
    places = {language: place_links(place_ids, language) for language in languages}
    hosts = [*settings.ALLOWED_HOSTS, EXPORT_HOST]
    bodies: dict[Page, bytes] = {}
    with override_settings(ALLOWED_HOSTS=hosts):
        client = Client()
        # Render every page first: a results page may link to a service the list missed.
        queue = list(pages)
        while queue:
            page = queue.pop(0)
            bodies[page] = fetch(client, page.url)
            if page.kind == "html":
                extra = linked_pages(bodies[page].decode("utf-8"), known, languages)
                pages += extra
                queue += extra
    exported = {urlsplit(page.url).path: page for page in pages}
    static: dict[str, str] = {}
    notes = {language: export_note(places[language], language) for language in languages}
    for page, body in bodies.items():
        target = directory / page.file
        target.parent.mkdir(parents=True, exist_ok=True)
        if page.kind == "pdf":
            target.write_bytes(body)
            continue
        note = notes[page.url.split("/")[1]]
        text = rewrite(body.decode("utf-8"), page=page, exported=exported, static=static, note=note)
        target.write_text(text, encoding="utf-8")
    index = Page("/")
    (directory / index.file).write_text(
        rewrite(
            root_index(places, languages), page=index, exported=exported, static=static, note=""
        ),
        encoding="utf-8",
    )
    return ExportResult(
        directory=directory, pages=[*pages, index], static_files=copy_static(static, directory)
    )


def root_index(places: dict[str, list[dict[str, str]]], languages: Sequence[str]) -> str:
    """The page at the copy's root: each language, its places, rights and leaflets."""
    sections = []
    for language in languages:
        info = translation.get_language_info(language)
        with translation.override(language):
            home = reverse("finder:home")
            body = render_to_string(
                "leaflets/_export_language.html", {"home": home, "places": places[language]}
            )
        sections.append(
            {"code": language, "name": info["name_local"], "bidi": info["bidi"], "body": body}
        )
    with translation.override(languages[0] if languages else "en"):
        return render_to_string("leaflets/export_index.html", {"sections": sections})
