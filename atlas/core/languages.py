"""The languages Access Atlas speaks, and which of them are written right to left.

Every vocabulary term carries a label in each of these languages, and every public page is
offered in each of them. Adding a language starts here (docs/recipes/ "add a language").

>>> LANGUAGES[0], LANGUAGE_NAMES["uk"]
('en', 'Українська')
"""

from collections.abc import Mapping
from types import MappingProxyType

# English first: it is the fallback wherever a translation is missing.
LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "ar", "pt", "ru", "uk", "fa")

RTL_LANGUAGES: frozenset[str] = frozenset({"ar", "fa"})

# Each language's name in that language, as a reader of it looks for it in a language menu.
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "en": "English",
        "es": "Español",
        "fr": "Français",
        "ar": "العربية",
        "pt": "Português",
        "ru": "Русский",
        "uk": "Українська",
        "fa": "فارسی",
    }
)


def is_rtl(code: str) -> bool:
    """Say whether text in the language ``code`` runs right to left.

    A regional variant follows its language, in either spelling Django or a browser uses.

    >>> is_rtl("ar"), is_rtl("fa-IR"), is_rtl("fa_AF"), is_rtl("en")
    (True, True, True, False)
    """
    return code.replace("_", "-").split("-")[0].lower() in RTL_LANGUAGES
