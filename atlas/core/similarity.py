"""Similar practices from the shared vocabulary and the text.

Two practices are alike when they share vocabulary terms, rarer terms
counting more (inverse document frequency), and when their titles share
words. Pure functions, so the rule can be read and tested on its own.
"""

import math
from collections.abc import Iterable, Mapping

# Words too common in titles to say anything about similarity.
TITLE_STOPWORDS = frozenset(
    "a an and as at by for from in into of on or the to with without".split()  # noqa: SIM905
)
# How much one shared title word weighs against one shared vocabulary term.
TITLE_WORD_WEIGHT = 0.5


def term_weights(document_frequency: Mapping[str, int], total: int) -> dict[str, float]:
    """Inverse document frequency of each term among `total` practices.

    >>> weights = term_weights({"service:health": 50, "measure:municipal-id": 5}, 100)
    >>> round(weights["measure:municipal-id"], 3), round(weights["service:health"], 3)
    (3.823, 1.683)
    """
    return {
        term: math.log((total + 1) / (count + 1)) + 1 for term, count in document_frequency.items()
    }


def title_words(folded_title: str) -> set[str]:
    return {w for w in folded_title.split() if len(w) > 2 and w not in TITLE_STOPWORDS}


def similarity(
    terms: Iterable[str],
    other_terms: Iterable[str],
    weights: Mapping[str, float],
    title: frozenset[str] | set[str] = frozenset(),
    other_title: frozenset[str] | set[str] = frozenset(),
) -> float:
    """Weighted overlap of two practices' terms plus their shared title words.

    >>> similarity({"a", "b"}, {"b", "c"}, {"a": 1.0, "b": 2.0, "c": 1.0})
    2.0
    """
    shared = set(terms) & set(other_terms)
    score = sum(weights.get(term, 1.0) for term in shared)
    return score + TITLE_WORD_WEIGHT * len(title & other_title)
