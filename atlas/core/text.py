"""Text folding, query parsing and highlighting for search, the same on every database.

Search matches folded text: lower case (Unicode case folding) with accents
removed, so "padron" finds "padrón" and "ZÜRICH" finds "Zürich". Folding is
done here, in Python, before text reaches SQLite FTS5 or PostgreSQL, so both
engines see identical tokens.
"""

import re
import unicodedata
from collections.abc import Iterable

WORD = re.compile(r"\w+", re.UNICODE)
# Queries longer than this many words are cut: no one types more, and each
# word costs an index lookup.
MAX_QUERY_WORDS = 12


def fold_char(char: str) -> str:
    """Fold one character: case-fold, then drop combining accents.

    >>> fold_char("Ó"), fold_char("ß")
    ('o', 'ss')
    """
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Fold a whole text for matching.

    >>> fold("Padrón in Zürich")
    'padron in zurich'
    """
    return "".join(fold_char(c) for c in text)


def query_terms(query: str) -> list[str]:
    """The folded words of a user's query, in order, without duplicates.

    Everything but letters and digits is dropped, so no query syntax of
    either database can be injected.

    >>> query_terms('  "Padrón" OR padron* -- Zürich  ')
    ['padron', 'or', 'zurich']
    """
    terms: list[str] = []
    for word in WORD.findall(fold(query)):
        word = word.strip("_")
        if word and word not in terms:
            terms.append(word)
    return terms[:MAX_QUERY_WORDS]


def highlight(text: str, terms: Iterable[str]) -> list[tuple[str, bool]]:
    """Split `text` into segments, marking those that begin with a query term.

    Matching is done on folded text but the segments are the original text,
    accents and case intact.

    >>> highlight("El padrón de Barcelona", ["padron"])
    [('El ', False), ('padrón', True), (' de Barcelona', False)]
    """
    wanted = tuple(t for t in terms if t)
    if not wanted:
        return [(text, False)] if text else []
    segments: list[tuple[str, bool]] = []
    position = 0
    for match in WORD.finditer(text):
        if fold(match.group()).startswith(wanted):
            if match.start() > position:
                segments.append((text[position : match.start()], False))
            segments.append((match.group(), True))
            position = match.end()
    if position < len(text):
        segments.append((text[position:], False))
    return segments


def snippet(text: str, terms: Iterable[str], width: int = 240) -> list[tuple[str, bool]]:
    """A window of about `width` characters around the first match, highlighted.

    >>> segments = snippet("a " * 200 + "padrón here", ["padron"], width=20)
    >>> segments[0], ("padrón", True) in segments
    (('… ', False), True)
    """
    wanted = [t for t in terms if t]
    start = 0
    for match in WORD.finditer(text):
        if wanted and fold(match.group()).startswith(tuple(wanted)):
            start = max(0, match.start() - width // 3)
            break
    end = min(len(text), start + width)
    # Do not cut words in half at either edge.
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < end else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    window = text[start:end]
    segments = highlight(window, wanted)
    if start > 0:
        segments.insert(0, ("… ", False))
    if end < len(text):
        segments.append((" …", False))
    return segments
