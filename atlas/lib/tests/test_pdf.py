"""PDFs are laid out from the site's own files only, with fonts that carry Arabic script."""

import socket
import subprocess
from pathlib import Path

import pytest

from atlas.core.diagnostic import default_framework
from atlas.lib.pdf import DEFAULT_BASE_URL, StaticOnlyFetcher, render_pdf

# pdftotext marks right-to-left runs with Unicode embedding controls; the words stay in
# logical (reading) order between them.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return text.translate(BIDI_CONTROLS)


def pdf_fonts(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, text=True
    ).stdout


def page(body: str, *, language: str = "en", direction: str = "ltr") -> str:
    return (
        f'<!doctype html><html lang="{language}" dir="{direction}"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="/static/atlas/site.css"></head>'
        f"<body><main>{body}</main></body></html>"
    )


def test_an_english_page_becomes_a_pdf_with_its_text(tmp_path: Path) -> None:
    pdf = render_pdf(page("<h1>Diagnostic report</h1><p>Barcelona, 2026 round</p>"))
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    assert "Diagnostic report" in text
    assert "Barcelona, 2026 round" in text


def test_arabic_is_set_in_a_noto_arabic_font_and_read_back_in_logical_order(
    tmp_path: Path,
) -> None:
    framework = default_framework()
    legal = framework.area("legal-framework").label("ar")
    documents = framework.area("documents-id").label("ar")
    assert (legal, documents) == ("الإطار القانوني", "الوثائق وإثبات الهوية")
    html = page(f"<h1>{legal}</h1><p>{documents}</p>", language="ar", direction="rtl")
    pdf = render_pdf(html)
    text = pdf_text(pdf, tmp_path)
    assert legal in text
    assert documents in text
    fonts = pdf_fonts(pdf, tmp_path)
    assert "Noto-Naskh-Arabic" in fonts or "Noto-Sans-Arabic" in fonts


def test_the_site_stylesheet_is_read_from_disk_and_an_external_image_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    connections: list[object] = []

    def record(*args: object, **kwargs: object) -> None:
        connections.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "create_connection", record)
    monkeypatch.setattr(socket.socket, "connect", record)
    fetcher = StaticOnlyFetcher(DEFAULT_BASE_URL)
    html = page('<p>Logo</p><img src="https://example.org/x.png" alt="">')
    pdf = render_pdf(html, fetcher=fetcher)
    assert pdf.startswith(b"%PDF-")
    assert connections == []
    assert fetcher.refused == ["https://example.org/x.png"]
    assert fetcher.served == [f"{DEFAULT_BASE_URL}static/atlas/site.css"]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/atlas/site.css",  # our path, another site
        "http://atlas.invalid/static/atlas/site.css",  # another scheme
        "https://atlas.invalid/static/../settings.py",
        "https://atlas.invalid/static/atlas/missing.css",
        "https://atlas.invalid/en/about/",  # our site, but not a static file
        "file:///etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url: str) -> None:
    fetcher = StaticOnlyFetcher(DEFAULT_BASE_URL)
    with pytest.raises(ValueError, match="not fetched"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_a_static_file_and_a_data_url() -> None:
    fetcher = StaticOnlyFetcher(DEFAULT_BASE_URL)
    css = fetcher.fetch(f"{DEFAULT_BASE_URL}static/atlas/print.css")
    assert b"Noto Naskh Arabic" in css.read()
    assert css.content_type == "text/css"
    data = fetcher.fetch("data:text/plain;base64,aGk=")
    assert data.read() == b"hi"


def test_a_hashed_name_is_read_from_the_collected_tree(tmp_path: Path, settings: object) -> None:
    # After collectstatic, pages link names like site.<hash>.css that only STATIC_ROOT holds.
    (tmp_path / "atlas").mkdir()
    (tmp_path / "atlas" / "site.0123abcd.css").write_text("p { color: red }")
    (tmp_path / "secret.txt").write_text("not static")
    settings.STATIC_ROOT = str(tmp_path / "atlas")  # type: ignore[attr-defined]
    fetcher = StaticOnlyFetcher(DEFAULT_BASE_URL)
    assert fetcher.fetch(f"{DEFAULT_BASE_URL}static/site.0123abcd.css").read() == (
        b"p { color: red }"
    )
    with pytest.raises(ValueError, match="not fetched"):
        fetcher.fetch(f"{DEFAULT_BASE_URL}static/%2E%2E/secret.txt")
