"""The WSGI micro-cache in front of Django (atlas/finder/front.py), around the real
application: the same status, headers and body without entering Django, for finder pages
only, never a cookie, for its time only, emptied by a POST."""

from collections.abc import Iterable, Iterator
from io import BytesIO
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from atlas.directory.models import Service
from atlas.finder import front
from atlas.places.models import Place

pytestmark = pytest.mark.django_db


class Counted:
    """The real Django application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.django = WSGIHandler()
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls += 1
        return self.django(environ, start_response)


def call(
    app: front.FrontCache, path: str, method: str = "GET", query: str = "", **extra: str
) -> tuple[str, list[tuple[str, str]], bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_HOST": "localhost",
        "wsgi.input": BytesIO(b""),
        **extra,
    }
    setup_testing_defaults(environ)
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen["status"], seen["headers"] = status, headers
        return lambda data: None

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


@pytest.fixture(autouse=True)
def keep_the_connection() -> Iterator[None]:
    """As Django's test client does: a request through the handler must not close the
    database connection the test's transaction holds."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def app() -> front.FrontCache:
    return front.FrontCache(Counted(), seconds=60.0)


def calls(app: front.FrontCache) -> int:
    inner = app.app
    assert isinstance(inner, Counted)
    return inner.calls


def test_a_finder_page_is_answered_again_byte_for_byte_without_django(
    app: front.FrontCache, services: dict[str, Service], barcelona: Place
) -> None:
    path = f"/en/finder/places/{barcelona.pk}/health/"
    first = call(app, path, query="free=1")
    assert first[0].startswith("200") and b"Test clinic" in first[2]
    again = call(app, path, query="free=1")
    assert calls(app) == 1
    assert again == first
    headers = dict(again[1])
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in headers
    # Another query string is another page.
    call(app, path, query="free=1&anonymous=1")
    assert calls(app) == 2
    # HEAD is answered with the headers and no body.
    head = call(app, path, method="HEAD", query="free=1")
    assert head[:2] == first[:2] and head[2] == b"" and calls(app) == 2


def test_its_time_runs_out_and_a_post_empties_it(
    app: front.FrontCache,
    services: dict[str, Service],
    barcelona: Place,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = f"/en/finder/places/{barcelona.pk}/health/"
    call(app, path)
    now = front.time.monotonic()
    monkeypatch.setattr(front.time, "monotonic", lambda: now + 61.0)
    call(app, path)
    assert calls(app) == 2
    call(app, "/en/accounts/sign-in/", method="POST")
    call(app, path)
    assert calls(app) == 4


def test_other_pages_and_answers_with_cookies_are_never_kept(
    app: front.FrontCache, services: dict[str, Service]
) -> None:
    for _ in range(2):
        call(app, "/en/practices/")
        call(app, "/en/finder/places/999999/health/")  # 404
    assert calls(app) == 4
    assert not front._cacheable("200 OK", [("Set-Cookie", "sessionid=x")])
    assert not front._cacheable("200 OK", [("Vary", "Accept-Language, Cookie")])
    assert not front._cacheable("200 OK", [("Vary", "Accept-Encoding")])
    assert front._cacheable("200 OK", [("Vary", "Accept-Language")])
    assert front._cacheable("200 OK", [("Content-Type", "text/html")])


def test_zero_seconds_turns_it_off(services: dict[str, Service], barcelona: Place) -> None:
    app = front.FrontCache(Counted(), seconds=0)
    for _ in range(2):
        call(app, f"/en/finder/places/{barcelona.pk}/health/")
    assert calls(app) == 2


def test_the_served_application_is_wrapped() -> None:
    from atlas import wsgi

    assert isinstance(wsgi.application, front.FrontCache)
    assert wsgi.application.seconds == 1.0
