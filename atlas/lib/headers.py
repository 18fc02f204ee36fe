"""Response headers that differ from the site-wide defaults, and why.

Public pages send `Referrer-Policy: no-referrer`. Browsers then post forms with
`Origin: null`, which Django's CSRF check must refuse. Pages that hold a form
therefore send `same-origin` instead: the referrer still never leaves the site.
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseBase

FORM_REFERRER_POLICY = "same-origin"


def form_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Mark a view whose page posts a form (see the module docstring)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = FORM_REFERRER_POLICY
        return response

    return wrapped


class AdminReferrerPolicyMiddleware:
    """Every admin page is a form page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response["Referrer-Policy"] = FORM_REFERRER_POLICY
        return response
