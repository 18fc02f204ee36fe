"""A WSGI micro-cache in front of Django for the finder's pages.

The finder's pages are the same for everyone (no cookie, no session, no user, no CSP
nonce), and `cache.cached_page` already keeps their bodies per process. What a cached page
still costs is Django's request cycle: the middleware stack, URL resolution, and the data
token's query. Under load that cycle, not the page, sets the tail latency (see the finder
section of docs/benchmarks.md). `FrontCache` wraps the WSGI application (in atlas/wsgi.py)
and, for ``ATLAS_FINDER_FRONT_MS`` milliseconds (1000 by default; 0 turns it off), answers a
repeated GET or HEAD of the same finder URL with the status, headers and body Django gave
the first time, byte for byte, without entering Django.

What it keeps and for how long:

- only finder URLs (``/<language>/finder/…``), only ``200`` answers, and never one that
  sets a cookie or varies on a request header other than the language (which the URL holds);
- the key is the host, scheme, path and query string exactly as sent; nothing else of the
  request (no address, no other header) is read or kept;
- an answer is served for ``seconds`` after Django made it, so an edit shows on the finder
  at most that much later (the per-view cache behind it checks the data on every request
  that reaches Django); any other method (a POST) handled by the process empties it at once;
- at most ``max_pages`` answers per process, least recently used first out.
"""

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

FINDER_PATH = re.compile(r"^/[a-z]{2}(?:-[a-z]+)?/finder/")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class _Answer:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    made: float


class FrontCache:
    """WSGI middleware: see the module docstring."""

    def __init__(self, app: WSGIApp, seconds: float = 1.0, max_pages: int = 2000) -> None:
        self.app = app
        self.seconds = seconds
        self.max_pages = max_pages
        self._answers: OrderedDict[tuple[str, ...], _Answer] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            with self._lock:
                self._answers.clear()
            return self.app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        if self.seconds <= 0 or not FINDER_PATH.match(path):
            return self.app(environ, start_response)
        key = (
            environ.get("wsgi.url_scheme", "http"),
            environ.get("HTTP_HOST", ""),
            path,
            environ.get("QUERY_STRING", ""),
        )
        now = time.monotonic()
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None and now - answer.made < self.seconds:
                self._answers.move_to_end(key)
            else:
                answer = None
        if answer is not None:
            start_response(answer.status, list(answer.headers))
            return [b""] if method == "HEAD" else [answer.body]
        return self._through(environ, start_response, key, method, now)

    def _through(
        self,
        environ: dict[str, Any],
        start_response: StartResponse,
        key: tuple[str, ...],
        method: str,
        now: float,
    ) -> Iterable[bytes]:
        seen: dict[str, Any] = {}

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, keep)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if method == "GET" and _cacheable(seen.get("status", ""), seen.get("headers", [])):
            answer = _Answer(seen["status"], tuple(seen["headers"]), body, now)
            with self._lock:
                self._answers[key] = answer
                self._answers.move_to_end(key)
                while len(self._answers) > self.max_pages:
                    self._answers.popitem(last=False)
        return [body]


def _cacheable(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200"):
        return False
    for name, value in headers:
        lowered = name.lower()
        if lowered == "set-cookie":
            return False
        if lowered == "vary" and any(
            part.strip().lower() not in ("accept-language", "") for part in value.split(",")
        ):
            return False  # the language is in the URL; anything else would need a key
        if lowered == "cache-control" and ("private" in value or "no-store" in value):
            return False
    return True
