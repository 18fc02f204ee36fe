"""Per-process caches for the finder: the index of its places, and its rendered pages.

Every finder page is the same for everyone (no cookie, no session, no user, no CSP nonce),
so a page once rendered can be served again until the data under it changes. Two caches,
both per process and both tied to the same *data token*:

- `index()`: the place tree, the places the finder offers, and the places' titles in each
  language: what `PlaceTree.load()` and `presentation.finder_place_ids` computed on every
  request (a walk of every place's chain).
- `cached_page`: a view decorator that keeps the body of a page with the headers the view
  set, keyed by (host, language, path, sorted query string, minute), at most
  `MAX_PAGES` pages, least recently used first out. The middleware runs on a cached page as
  on a fresh one, so the security headers (CSP, Referrer-Policy, …) are the same.

The data token is one query reading, for each table a finder page shows, its row count and
its largest id (and the services' latest `updated_at`): every write of the directory goes
through `directory.actions`, which saves the service (`updated_at`) and appends an `Event`;
every write of the entitlement map adds a period or replaces its sources (new ids); places
are only added. A write made around those paths (a bulk `UPDATE`, an organisation renamed
in the admin) is not seen by the token, but no page outlives its minute, nor the place index
`INDEX_SECONDS`: the minute is part of a page's key, because a results page says whether each
service is open now, and the rights and service pages say what is due for review today.
A token row bumped by every write path would need a model and a migration in each of those
apps; the counts cost 0.03 ms on SQLite with the starter data (20 services, 189 entitlement
periods, 324 places).

Nothing is shared from inside a transaction: a page or an index built there may hold rows
that are rolled back, or miss rows another request committed (tests run each in a
transaction, so they see the finder exactly as without the cache; `atlas/finder/tests/
test_cache.py` tests the cache itself).
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone, translation

from atlas.directory import models as directory
from atlas.entitlements import models as entitlements
from atlas.places.models import Place
from atlas.places.tree import PlaceTree

# Pages kept per process: the results of 13 needs in 8 languages for ~20 places, with room.
MAX_PAGES = 2000
# The place index is read again after this long even if the token has not changed, as a
# page is after its minute (see the module docstring).
INDEX_SECONDS = 60.0

# (model, columns beyond COUNT(*) whose largest value changes when its rows do)
WATCHED: tuple[tuple[type[Any], tuple[str, ...]], ...] = (
    (directory.Service, ("id", "updated_at")),
    (directory.Event, ("id",)),
    (directory.Organization, ("id",)),
    (directory.Location, ("id",)),
    (directory.Schedule, ("id",)),
    (directory.Phone, ("id",)),
    (directory.ServiceSource, ("id",)),
    (entitlements.Entitlement, ("id",)),
    (entitlements.EntitlementSource, ("id",)),
    (Place, ("id",)),
)


def token_sql() -> str:
    """One SELECT of scalar subqueries: COUNT(*) and MAX(column) for each watched table.

    >>> sql = token_sql()
    >>> sql.startswith("SELECT (SELECT COUNT(*) FROM directory_service)")
    True
    >>> "(SELECT MAX(updated_at) FROM directory_service)" in sql
    True
    """
    parts = []
    for model, columns in WATCHED:
        table = model._meta.db_table
        # Table and column names from the models, never from input.
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
        parts += [f"(SELECT MAX({column}) FROM {table})" for column in columns]  # noqa: S608
    return "SELECT " + ", ".join(parts)


TOKEN_SQL = token_sql()


def data_token() -> str:
    """What the finder's data looks like now, as a string that changes when it does."""
    with connection.cursor() as cursor:
        cursor.execute(TOKEN_SQL)
        row = cursor.fetchone()
    return "|".join(str(value) for value in row)


def shareable() -> bool:
    """Whether what this request reads may be shared with other requests: not inside a
    transaction (see the module docstring)."""
    return not connection.in_atomic_block


# The place index ---------------------------------------------------------------------------


@dataclass
class FinderIndex:
    """The places of the finder at one state of the data."""

    token: str
    tree: PlaceTree
    place_ids: frozenset[int]
    # The places of the finder and every place above them, by id.
    places: dict[int, Place]
    titles: dict[tuple[int, str], str] = field(default_factory=dict)
    built_at: float = field(default_factory=time.monotonic)

    def is_current(self, token: str) -> bool:
        return self.token == token and time.monotonic() - self.built_at < INDEX_SECONDS

    def title(self, place: Place, language: str) -> str:
        """`presentation.place_title`, computed once per place and language."""
        from atlas.finder import presentation

        key = (place.pk, language)
        title = self.titles.get(key)
        if title is None:
            with translation.override(language):
                title = presentation.place_title(place, language, self.tree, self.places)
            self.titles[key] = title
        return title


def build_index(token: str) -> FinderIndex:
    from atlas.finder import presentation

    tree = PlaceTree.load()
    ids = frozenset(presentation.finder_place_ids(tree))
    wanted = {pk for place_id in ids for pk in tree.chain(place_id)}
    return FinderIndex(token, tree, ids, Place.objects.in_bulk(wanted))


_index: dict[str, FinderIndex] = {}
_lock = threading.Lock()


def database_key() -> str:
    """Which database the data comes from (tests and exports may switch it)."""
    return f"{connection.alias}:{connection.settings_dict['NAME']!s}"


def index(token: str | None = None) -> FinderIndex:
    """The finder's places as the data stands, rebuilt when the data token changes; built
    afresh, and not kept, inside a transaction."""
    if not shareable():
        return build_index("")
    token = data_token() if token is None else token
    key = database_key()
    built = _index.get(key)
    if built is not None and built.is_current(token):
        return built
    with _lock:
        built = _index.get(key)
        if built is None or not built.is_current(token):
            built = build_index(token)
            _index[key] = built
    return built


# Rendered pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedPage:
    """A response as the view returned it, before any middleware."""

    status: int
    content: bytes
    headers: tuple[tuple[str, str], ...]

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        return response


class PageCache:
    """At most `size` pages, for one data token at a time, least recently used out first."""

    def __init__(self, size: int = MAX_PAGES) -> None:
        self.size = size
        self.token = ""
        self.pages: OrderedDict[tuple[str, ...], CachedPage] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, token: str, key: tuple[str, ...]) -> CachedPage | None:
        with self.lock:
            if token != self.token:
                self.pages.clear()
                self.token = token
            page = self.pages.get(key)
            if page is None:
                self.misses += 1
                return None
            self.pages.move_to_end(key)
            self.hits += 1
            return page

    def put(self, token: str, key: tuple[str, ...], page: CachedPage) -> None:
        with self.lock:
            if token != self.token:
                return
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.token = ""
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self.pages)


pages = PageCache()


def page_key(request: HttpRequest) -> tuple[str, ...]:
    """Host, language, path, the query's parameters by name, and the minute.

    The names are sorted; the values of a repeated name keep their order (a page reads the
    last one)."""
    query = repr(sorted((name, tuple(values)) for name, values in request.GET.lists()))
    minute = str(int(timezone.now().timestamp()) // 60)
    return (
        database_key(),
        request.get_host(),
        translation.get_language() or "",
        request.path,
        query,
        minute,
    )


def personal(request: HttpRequest) -> bool:
    """Whether the view read anything of the visitor: the session (and with it the user) or
    a CSP nonce (which differs on every response)."""
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        return True
    return isinstance(getattr(request, "_csp_nonce", None), str)


def keepable(request: HttpRequest, response: HttpResponseBase) -> bool:
    return (
        isinstance(response, HttpResponse)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Set-Cookie")
        and not response.has_header("Vary")
        and not personal(request)
    )


def cached_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Serve the view's page from the cache while the data and the minute are the same."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "GET" or not shareable():
            return view(request, *args, **kwargs)
        token = data_token()
        key = page_key(request)
        page = pages.get(token, key)
        if page is not None:
            return page.response()
        request.finder_token = token  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        if keepable(request, response):
            assert isinstance(response, HttpResponse)
            pages.put(
                token,
                key,
                CachedPage(response.status_code, response.content, tuple(response.items())),
            )
        return response

    return wrapped


def clear() -> None:
    """Forget every page and index (for tests)."""
    pages.clear()
    with _lock:
        _index.clear()
