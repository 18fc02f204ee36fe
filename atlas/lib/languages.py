"""Language helpers for templates: direction, and the same page in every language."""

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.urls import get_script_prefix, translate_url
from django.utils import translation
from ninja.errors import HttpError

from atlas.core.languages import LANGUAGE_NAMES, LANGUAGES, is_rtl


@lru_cache(maxsize=4096)
def language_links(current: str, path: str, prefix: str = "/") -> tuple[dict[str, Any], ...]:
    """The links to the page at ``path`` in each language, as seen in ``current``.

    `translate_url` resolves the path and reverses it once per language; a page's links
    are the same every time, so they are worked out once per (language, path, script
    prefix) in each process. ``path`` resolves in the language the request is in, which is
    ``current``; the prefix (`get_script_prefix`) is what the reversed URLs start with.
    """
    return tuple(
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "url": translate_url(path, code),
            "is_current": code == current,
        }
        for code, _name in settings.LANGUAGES
    )


def language_context(request: HttpRequest) -> dict[str, Any]:
    """Give every template its text direction and links to the page in each language."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "text_direction": "rtl" if is_rtl(current) else "ltr",
        "language_links": language_links(current, request.get_full_path(), get_script_prefix()),
    }


def forget_links(*, setting: str, **kwargs: Any) -> None:
    """Links depend on the languages and the URLs: work them out again if those change."""
    if setting in {"LANGUAGES", "ROOT_URLCONF", "LANGUAGE_CODE"}:
        language_links.cache_clear()


setting_changed.connect(forget_links)


def checked_language(language: str) -> str:
    """An API's ``language`` parameter: one of the interface languages, else a 400."""
    if language not in LANGUAGES:
        raise HttpError(400, f"language must be one of {', '.join(LANGUAGES)}")
    return language
