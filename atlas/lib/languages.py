"""Language helpers for templates: direction, and the same page in every language."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation

from atlas.core.languages import LANGUAGE_NAMES, is_rtl


def language_context(request: HttpRequest) -> dict[str, Any]:
    """Give every template its text direction and links to the page in each language."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    return {
        "text_direction": "rtl" if is_rtl(current) else "ltr",
        "language_links": [
            {
                "code": code,
                "name": LANGUAGE_NAMES[code],
                "url": translate_url(path, code),
                "is_current": code == current,
            }
            for code, _name in settings.LANGUAGES
        ],
    }
