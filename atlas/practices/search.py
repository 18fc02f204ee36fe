"""Full-text and faceted search over published practices, on SQLite and PostgreSQL.

One function, `search_practices`, serves the HTML page, the API and the
benchmark. Text is folded in Python (atlas.core.text) before it is stored or
queried, so "padron" finds "padrón" on both databases. The engine-specific
part is only the text match:

- SQLite: an FTS5 table (`practices_fts`) kept in step with
  `practices_searchdocument` by triggers (migration 0002), ranked by bm25.
- PostgreSQL: a stored tsvector column with a GIN index (migration 0002),
  ranked by ts_rank_cd.

Facet counts come from `practices_facet`, one row per (practice, facet, value),
written when a practice is indexed, read into per-process bitmaps
(facet_index.py) that filter, count and sort the hits.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction

from atlas.core.languages import LANGUAGES
from atlas.core.similarity import similarity, term_weights, title_words
from atlas.core.text import fold, query_terms
from atlas.core.vocabulary import default_vocabulary
from atlas.places.models import Place
from atlas.practices import facet_index
from atlas.practices.models import Facet, Practice, SearchDocument

FACETS: tuple[str, ...] = (
    "service",
    "group",
    "barrier",
    "measure",
    "country",
    "region",
    "actor",
    "evidence",
    "decade",
)
SORTS = ("relevance", "newest", "oldest", "title")
MAX_PAGE_SIZE = 100
# Deep pages cost a sort over every hit and help no reader.
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class SearchResult:
    total: int
    ids: list[int]
    facets: dict[str, dict[str, int]]
    terms: list[str]
    filters: dict[str, list[str]] = field(default_factory=dict)


def search_practices(
    *,
    query: str = "",
    filters: Mapping[str, Sequence[str]] | None = None,
    sort: str = "relevance",
    offset: int = 0,
    limit: int = 20,
    with_facets: bool = True,
) -> SearchResult:
    """Published practices matching every query word and every filter (AND).

    `filters` maps a facet name to the values required; several values of one
    facet must all hold too. Returns one page of ids in order, the total, and
    the count of each facet value among all matches.

    The database finds the text matches (ids only); filters, the total, the
    facet counts and the date and title orders come from the in-memory bitmaps
    of facet_index.py. Relevance puts the practices whose title holds every
    word first, ranked on the title, then the rest, ranked on title and body
    (title ten times the weight): only the page needs ranks, and the first
    group is small and cheap to rank (docs/benchmarks.md).
    """
    terms = query_terms(query)
    clean = {
        name: [v for v in dict.fromkeys(values) if v]
        for name, values in (filters or {}).items()
        if name in FACETS
    }
    clean = {name: values for name, values in clean.items() if values}
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    offset = max(0, min(offset, MAX_OFFSET))
    if sort not in SORTS:
        sort = "relevance"
    if sort == "relevance" and not terms:
        sort = "newest"

    index = facet_index.current()
    hits = index.of(text_matches(terms)) if terms else index.everything()
    for name, values in clean.items():
        for value in values:
            hits = hits & index.having(name, value)
    total = index.count(hits)
    if with_facets and total:
        facets = index.facet_counts(hits, FACETS)
    else:
        facets = {name: {} for name in FACETS}
    if sort == "relevance":
        ids = relevance_page(index, terms, hits, offset, limit)
    else:
        ids = index.ordered(hits, sort, offset, limit)
    return SearchResult(total=total, ids=ids, facets=facets, terms=terms, filters=clean)


def text_query(terms: list[str], *, title_only: bool = False) -> str:
    """The engine's query for practices holding every term as a word prefix (in the
    title only, if asked: on PostgreSQL the caller chooses the title's own vector).

    Each term is \\w+ only (query_terms), so it is safe inside either syntax.
    """
    if connection.vendor == "postgresql":
        return " & ".join(f"{term}:*" for term in terms)
    match = " ".join(f'"{term}"*' for term in terms)
    return f"{{title}} : ({match})" if title_only else match


def text_matches(terms: list[str]) -> facet_index.Ids:
    """Ids of the published practices holding every term, in one row from the database."""
    if connection.vendor == "postgresql":
        sql = (
            "SELECT string_agg(practice_id::text, ',') FROM practices_searchdocument "
            "WHERE vector @@ to_tsquery('simple', %s)"
        )
    else:
        sql = "SELECT group_concat(rowid) FROM practices_fts WHERE practices_fts MATCH %s"
    return facet_index.parse_ids(fetch_through_index(sql, [text_query(terms)])[0][0])


def ranked(
    terms: list[str], *, title_only: bool
) -> tuple[facet_index.Ids, npt.NDArray[np.float64]]:
    """Ids of the practices matching the terms (in the title only, if asked), each with
    its rank, lower first: bm25 on SQLite, minus ts_rank_cd on PostgreSQL."""
    query = text_query(terms, title_only=title_only)
    if connection.vendor == "postgresql":
        column = "title_vector" if title_only else "vector"  # migration 0005
        sql = (
            f"SELECT practice_id, -ts_rank_cd({column}, to_tsquery('simple', %s)) "  # noqa: S608
            f"FROM practices_searchdocument WHERE {column} @@ to_tsquery('simple', %s)"
        )
        params = [query, query]
    else:
        sql = (
            "SELECT rowid, bm25(practices_fts, 10.0, 1.0) FROM practices_fts "
            "WHERE practices_fts MATCH %s"
        )
        params = [query]
    rows = fetch_through_index(sql, params)
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    ranks = np.array([row[1] for row in rows], dtype=np.float64)
    return ids, ranks


def fetch_through_index(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run a text match, on PostgreSQL through the GIN index whatever the estimates.

    The planner sees a small heap (the vectors live in TOAST storage) and a default
    selectivity, so it picks a sequential scan that reads every vector out of TOAST:
    1.5 s at 100,000 practices for a word in 1% of them, against 12 ms through the
    index (docs/benchmarks.md). SET LOCAL ends with the transaction around it.
    """
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchall()
        with transaction.atomic():
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(sql, params)
            return cursor.fetchall()


def relevance_page(
    index: facet_index.FacetIndex,
    terms: list[str],
    hits: facet_index.Words,
    offset: int,
    limit: int,
) -> list[int]:
    """One page of hits by relevance: title matches first, then the rest."""
    end = offset + limit
    ids, ranks = ranked(terms, title_only=True)
    keep = index.contains(hits, ids)
    first = ids[keep][np.lexsort((ids[keep], ranks[keep]))]
    page = first[offset:end].tolist()
    if len(first) < end:
        ids, ranks = ranked(terms, title_only=False)
        keep = index.contains(hits, ids) & ~np.isin(ids, first)
        rest = ids[keep][np.lexsort((ids[keep], ranks[keep]))]
        page += rest[max(0, offset - len(first)) : end - len(first)].tolist()
    return page


def facet_values(practice: Practice) -> set[tuple[str, str]]:
    """The (facet, value) pairs under which a practice is counted and filtered."""
    vocabulary = default_vocabulary()
    values: set[tuple[str, str]] = set()
    for tag in practice.tag_set.all():
        values.add((tag.kind, tag.slug))
        if tag.kind == "service":
            # A practice on primary care is also a practice on health.
            values.add(("service", vocabulary.sector_of(tag.slug).slug))
    for place in practice.places.all():
        if place.country_code:
            values.add(("country", place.country_code))
        for code in place.region_codes():
            values.add(("region", code))
    for actor in practice.actors.all():
        values.add(("actor", actor.actor_type))
    values.add(("evidence", practice.evidence_level))
    if practice.year_started:
        values.add(("decade", str(practice.year_started // 10 * 10)))
    return values


def document_text(practice: Practice) -> tuple[str, str]:
    """The folded title and body a practice is found by, in every language it has.

    The body also carries the labels of its vocabulary terms and places in all
    eight interface languages, so a search in Arabic for "الصحة" finds practices
    tagged health.
    """
    vocabulary = default_vocabulary()
    titles = [practice.title] + [t.title for t in practice.translations.all()]
    body: list[str] = [practice.summary, practice.description, practice.year_note]
    for translation in practice.translations.all():
        body += [translation.summary, translation.description]
    body += [actor.name for actor in practice.actors.all()]
    for tag in practice.tag_set.all():
        if vocabulary.has(tag.kind, tag.slug):
            body += list(vocabulary.get(tag.kind, tag.slug).labels.values())
    for place in practice.places.all():
        body += sorted({place.label(language) for language in LANGUAGES})
        if place.kind == Place.Kind.CITY and place.parent is not None:
            body += sorted({place.parent.label(language) for language in LANGUAGES})
    return fold(" ".join(titles)), fold("\n".join(part for part in body if part))


@transaction.atomic
def index_practice(practice: Practice) -> None:
    """Bring a practice's search document and facets in line with its status."""
    Facet.objects.filter(practice=practice).delete()
    facet_index.index_changed()
    if practice.status != Practice.Status.PUBLISHED:
        SearchDocument.objects.filter(practice=practice).delete()
        return
    title, body = document_text(practice)
    SearchDocument.objects.update_or_create(
        practice=practice,
        defaults={"title": title, "body": body, "published_at": practice.published_at},
    )
    Facet.objects.bulk_create(
        Facet(practice=practice, facet=name, value=value)
        for name, value in sorted(facet_values(practice))
    )


def reindex_all(practices: Iterable[Practice] | None = None) -> int:
    """Rebuild the index for every practice (or those given); returns how many."""
    count = 0
    queryset = (
        practices
        if practices is not None
        else Practice.objects.prefetch_related(
            "tag_set", "places__parent", "actors", "translations"
        )
    )
    for practice in queryset:
        index_practice(practice)
        count += 1
    return count


def similar_practices(practice: Practice, limit: int = 5) -> list[Practice]:
    """Published practices most like this one, by shared vocabulary and title words."""
    own = Facet.objects.filter(
        practice=practice, facet__in=("service", "group", "barrier", "measure")
    )
    own_terms = {f"{f.facet}:{f.value}" for f in own}
    if not own_terms:
        return []
    pairs = [(f.facet, f.value) for f in own]
    condition = " OR ".join(["(facet = %s AND value = %s)"] * len(pairs))
    params = [item for pair in pairs for item in pair]
    with connection.cursor() as cursor:
        # The candidates sharing most terms; scoring refines their order below.
        cursor.execute(
            f"SELECT practice_id FROM practices_facet WHERE ({condition}) "  # noqa: S608
            "AND practice_id <> %s GROUP BY practice_id ORDER BY COUNT(*) DESC, practice_id "
            "LIMIT 100",
            [*params, practice.pk],
        )
        candidate_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT facet, value, COUNT(*) FROM practices_facet WHERE ({condition}) "  # noqa: S608
            "GROUP BY facet, value",
            params,
        )
        frequency = {f"{facet}:{value}": count for facet, value, count in cursor.fetchall()}
    weights = term_weights(frequency, SearchDocument.objects.count())
    candidate_terms: dict[int, set[str]] = {pk: set() for pk in candidate_ids}
    for facet in Facet.objects.filter(
        practice_id__in=candidate_ids, facet__in=("service", "group", "barrier", "measure")
    ):
        candidate_terms[facet.practice_id].add(f"{facet.facet}:{facet.value}")
    titles = dict(
        SearchDocument.objects.filter(practice_id__in=[*candidate_ids, practice.pk]).values_list(
            "practice_id", "title"
        )
    )
    own_title = title_words(titles.get(practice.pk, ""))
    ranked = sorted(
        candidate_ids,
        key=lambda pk: (
            -similarity(
                own_terms, candidate_terms[pk], weights, own_title, title_words(titles.get(pk, ""))
            ),
            pk,
        ),
    )[:limit]
    found = Practice.objects.in_bulk(ranked)
    return [found[pk] for pk in ranked if pk in found]
