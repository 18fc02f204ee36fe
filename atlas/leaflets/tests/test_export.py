import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.core.management import CommandError, call_command

from atlas.leaflets import export
from atlas.leaflets.tests.conftest import CONFIDENTIAL_ADDRESS, CONFIDENTIAL_PHONE, Directory

LINK = re.compile(r'\b(?:href|src)="([^"]*)"')
# Where a page would load something from: a stylesheet, an image, a script, a font.
RESOURCE = re.compile(
    r'<(?:link|img|script|source|iframe)\b[^>]*\b(?:href|src)="([^"]*)"|url\(([^)]*)\)',
    re.IGNORECASE,
)


def test_file_for_and_relative_links() -> None:
    assert export.file_for("/en/finder/") == "en/finder/index.html"
    assert export.file_for("/en/leaflets/3/leaflet.pdf") == "en/leaflets/3/leaflet.pdf"
    assert (
        export.relative_link("en/finder/places/3/health/index.html", "en/finder/index.html")
        == "../../../index.html"
    )


def test_rewrite_makes_links_relative_and_drops_the_rest() -> None:
    page = export.Page("/en/finder/places/3/")
    exported = {
        "/en/finder/places/3/": page,
        "/en/finder/places/3/health/": export.Page("/en/finder/places/3/health/"),
    }
    static: dict[str, str] = {}
    document = (
        '<link rel="stylesheet" href="/static/finder/finder.css">'
        '<a href="/en/finder/places/3/health/">Health</a>'
        '<a class="x" href="/en/practices/">Practices</a>'
        '<a href="/en/finder/places/3/health/?free=1&amp;docs=none">Free</a>'
        '<a href="https://example.org/source">Source</a>'
        '<a href="#main">Skip</a>'
        '<form method="get" action="/en/finder/"><input name="q"></form>'
    )
    out = export.rewrite(document, page=page, exported=exported, static=static, note="<p>N</p>")
    assert '<link rel="stylesheet" href="../../../../static/finder/finder.css">' in out
    assert '<a href="health/index.html">Health</a>' in out
    # A page the copy does not hold keeps its words, not its link; a filter is dropped too
    # (it would show the unfiltered page).
    assert '<span class="x">Practices</span>' in out
    assert '<a href="health/index.html">Free</a>' in out
    assert '<a href="https://example.org/source">Source</a>' in out
    assert '<a href="#main">Skip</a>' in out
    assert "<form" not in out
    assert "<p>N</p>" in out
    assert static == {"/static/finder/finder.css": "static/finder/finder.css"}


def test_unknown_place_or_language_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no place 'Atlantis'"):
        call_command("export_finder", str(tmp_path), "--place", "Atlantis")
    with pytest.raises(CommandError, match="unknown language xx"):
        call_command("export_finder", str(tmp_path), "--language", "xx")


def local_links(html_file: Path) -> list[str]:
    """The links of a page that point inside the copy (not to other sites, mail or phone)."""
    links = []
    for link in LINK.findall(html_file.read_text(encoding="utf-8")):
        if link.startswith("#") or re.match(r"^[a-z][a-z0-9+.-]*:", link):
            continue
        links.append(link)
    return links


def test_export_one_place_in_english_and_arabic(directory: Directory, tmp_path: Path) -> None:
    out = tmp_path / "copy"
    place = directory.place
    call_command(
        "export_finder", str(out), "--place", "Barcelona", "--language", "en", "--language", "ar"
    )
    pages = sorted(out.rglob("*.html"))
    pdfs = sorted(out.rglob("*.pdf"))
    # The finder's pages, the results for every need, the services, the leaflets.
    for language in ("en", "ar"):
        assert (out / language / "finder" / "index.html").is_file()
        base = out / language / "finder" / "places" / str(place.pk)
        assert (base / "index.html").is_file()
        assert (base / "rights" / "index.html").is_file()
        assert (base / "health" / "index.html").is_file()
        assert (base / "housing" / "index.html").is_file()
        for service in (directory.clinic, directory.shelter, directory.demo):
            assert (
                out / language / "finder" / "services" / str(service.uuid) / "index.html"
            ).is_file()
        assert not (out / language / "finder" / "services" / str(directory.draft.uuid)).exists()
        leaflet = out / language / "leaflets" / str(place.pk)
        assert (leaflet / "index.html").is_file()
        assert (leaflet / "leaflet.pdf").read_bytes().startswith(b"%PDF-")
    assert len(pdfs) == 2
    assert (out / "index.html").is_file()
    assert (out / "static" / "finder" / "finder.css").is_file()
    assert (out / "static" / "atlas" / "site.css").is_file()

    for page in [*pages]:
        text = page.read_text(encoding="utf-8")
        where = page.relative_to(out)
        # Every link inside the copy opens a file of the copy.
        for link in local_links(page):
            target = (page.parent / unquote(urlsplit(link).path)).resolve()
            assert target.is_file(), f"{where}: {link}"
            assert target.is_relative_to(out.resolve()), f"{where}: {link}"
        # No link to the site itself remains, and nothing is loaded from anywhere.
        assert not re.search(r'(?:href|src|action)="/', text), where
        for match in RESOURCE.finditer(text):
            resource = match.group(1) or match.group(2)
            assert resource.startswith("data:") or not re.match(
                r"^(?:[a-z]+:|//)", resource.strip("'\"")
            ), f"{where}: {resource}"
        # GET forms cannot work without a server: a note stands in their place.
        assert "<form" not in text, where
        assert CONFIDENTIAL_ADDRESS not in text, where
    home = (out / "en" / "finder" / "index.html").read_text(encoding="utf-8")
    assert "works without a connection" in home
    # The confidential service's page gives its phone, never its address.
    shelter = out / "en" / "finder" / "services" / str(directory.shelter.uuid) / "index.html"
    assert CONFIDENTIAL_PHONE in shelter.read_text(encoding="utf-8")
    for path in out.rglob("*"):
        if path.is_file():
            assert CONFIDENTIAL_ADDRESS.encode() not in path.read_bytes(), path
    if shutil.which("pdftotext"):
        for pdf in pdfs:
            text = subprocess.run(
                ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
            ).stdout
            assert CONFIDENTIAL_PHONE in text
            assert CONFIDENTIAL_ADDRESS not in text
