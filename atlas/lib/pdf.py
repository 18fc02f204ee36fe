"""HTML to PDF with WeasyPrint, fetching nothing but the project's own static files.

`render_pdf` lays out a page the site already renders (a report, say) as a PDF. Two rules:

- **No network, ever.** WeasyPrint would fetch any `<img>`, stylesheet or `url()` a page
  names. `StaticOnlyFetcher` serves `data:` URLs and the site's own static files (read from
  STATIC_ROOT or the staticfiles finders, never over HTTP) and refuses everything else, so
  a link to another site in a document's text cannot make the server call out.
- **Fonts that have the glyphs.** No web fonts: `atlas/print.css` names the families the
  project's setup installs (`make fonts`: Noto Sans, Noto Naskh Arabic, DejaVu Sans), so
  Arabic and Persian are shaped by Pango with a font that has their letters.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Where relative links resolve when the caller gives no base URL. The `.invalid` top-level
# domain never resolves (RFC 2606), and the fetcher below never opens a connection anyway.
DEFAULT_BASE_URL = "https://atlas.invalid/"
PRINT_STYLESHEET = "atlas/print.css"


class RefusedURL(ValueError):
    """A document named a resource the PDF renderer will not fetch."""


class StaticOnlyFetcher(URLFetcher):
    """Serves `data:` URLs and the site's static files under `base_url`; refuses the rest.

    Every URL asked for is kept in `refused` or `served`, so a caller (or a test) can see
    what a document tried to load.
    """

    def __init__(self, base_url: str) -> None:
        # No HTTP handler is ever reached: fetch() below answers or raises first.
        super().__init__(allowed_protocols=("data",), allow_redirects=False)
        parts = urlsplit(base_url)
        self.origin = (parts.scheme, parts.netloc)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            self.served.append(url[:40])
            # urllib's DataHandler decodes it in memory.
            return super().fetch(url, headers)
        path = self.static_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"not fetched (only the site's own static files are): {url}")
        self.served.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    def static_path(self, url: str) -> Path | None:
        """The file a static URL on our own origin names, or None."""
        parts = urlsplit(url)
        static_url = str(settings.STATIC_URL)
        if (parts.scheme, parts.netloc) != self.origin or not parts.path.startswith(static_url):
            return None
        relative = unquote(parts.path[len(static_url) :])
        if not relative or relative.startswith("/") or ".." in relative.split("/"):
            return None
        found = finders.find(relative)
        if isinstance(found, str):
            return Path(found)
        # Hashed names (ManifestStaticFilesStorage) exist only in the collected tree.
        if settings.STATIC_ROOT:
            root = Path(settings.STATIC_ROOT).resolve()
            collected = (root / relative).resolve()
            if collected.is_relative_to(root) and collected.is_file():
                return collected
        return None


def print_stylesheet(fetcher: StaticOnlyFetcher, font_config: FontConfiguration) -> CSS:
    found = finders.find(PRINT_STYLESHEET)
    if not isinstance(found, str):
        raise FileNotFoundError(f"static file {PRINT_STYLESHEET} is missing")
    return CSS(filename=found, url_fetcher=fetcher, font_config=font_config)


def render_pdf(
    html: str, *, base_url: str | None = None, fetcher: StaticOnlyFetcher | None = None
) -> bytes:
    """The PDF of an HTML page, with atlas/print.css applied on top of its own styles.

    `base_url` is where the page's relative links resolve (the site's own address, e.g.
    `request.build_absolute_uri("/")`); static files under it are read from disk. Pass a
    `fetcher` to see afterwards what the page asked for.
    """
    base = base_url or DEFAULT_BASE_URL
    if fetcher is None:
        fetcher = StaticOnlyFetcher(base)
    font_config = FontConfiguration()
    document = HTML(string=html, base_url=base, url_fetcher=fetcher)
    pdf = document.write_pdf(
        stylesheets=[print_stylesheet(fetcher, font_config)], font_config=font_config
    )
    assert isinstance(pdf, bytes)
    return pdf
