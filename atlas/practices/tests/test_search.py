"""Search over the starter library, checked against counts made independently."""

import pytest

from atlas.practices.models import Practice, Tag
from atlas.practices.search import search_practices

pytestmark = pytest.mark.django_db


def slugs(result) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Practice.objects.filter(id__in=result.ids).values_list("slug", flat=True))


def test_padron_without_accent_finds_barcelona() -> None:
    result = search_practices(query="padron")
    assert "barcelona-padron" in slugs(result)


def test_case_and_accents_are_ignored_both_ways() -> None:
    assert search_practices(query="PADRÓN").total == search_practices(query="padron").total


def test_health_irregular_status_and_germany_find_frankfurt() -> None:
    result = search_practices(
        filters={"service": ["health"], "group": ["irregular-migrant"], "country": ["DE"]}
    )
    assert "frankfurt-humanitarian-consultation-hours" in slugs(result)
    assert result.total == len(result.ids)


def test_a_sector_filter_finds_practices_tagged_with_its_services() -> None:
    result = search_practices(filters={"service": ["health"]}, limit=100)
    expected = set(
        Tag.objects.filter(
            kind="service", slug__startswith="health", practice__status="published"
        ).values_list("practice__slug", flat=True)
    )
    assert set(slugs(result)) == expected


def test_facet_counts_equal_counts_made_independently() -> None:
    result = search_practices(query="health", limit=100)
    matching = Practice.objects.filter(id__in=result.ids)
    assert result.total == matching.count()
    for kind in ("group", "barrier", "measure"):
        for value, count in result.facets[kind].items():
            assert count == matching.filter(tag_set__kind=kind, tag_set__slug=value).count()
    for code, count in result.facets["country"].items():
        assert count == matching.filter(places__country_code=code).distinct().count()


def test_filters_combine_with_and() -> None:
    one = search_practices(filters={"country": ["US"]})
    both = search_practices(filters={"country": ["US"], "measure": ["municipal-id"]})
    assert 0 < both.total < one.total
    assert set(both.ids) <= set(search_practices(filters={"country": ["US"]}, limit=100).ids)


def test_a_region_filter_finds_countries_inside_it() -> None:
    europe = search_practices(filters={"region": ["150"]}, limit=100)
    assert "frankfurt-humanitarian-consultation-hours" in slugs(europe)
    assert "idnyc" not in slugs(europe)


def test_an_arabic_query_finds_practices_by_their_vocabulary_labels() -> None:
    # The search document carries the labels of each term in all eight languages.
    result = search_practices(query="بطاقة")
    assert result.total > 0


def test_unpublished_practices_are_never_found() -> None:
    practice = Practice.objects.get(slug="barcelona-padron")
    from atlas.practices.search import index_practice

    practice.status = Practice.Status.ARCHIVED
    practice.save(update_fields=["status"])
    index_practice(practice)
    assert "barcelona-padron" not in slugs(search_practices(query="padron"))


def test_query_syntax_is_treated_as_words() -> None:
    for hostile in [
        '"',
        "padron*",
        "NEAR(a b)",
        "a OR",
        "-x",
        "'; DROP TABLE x; --",
        "title:padron",
    ]:
        search_practices(query=hostile)  # must not raise


def test_sorting_by_newest_orders_by_publication() -> None:
    result = search_practices(sort="newest", limit=100)
    dates = [Practice.objects.get(id=pk).published_at for pk in result.ids]
    assert dates == sorted(dates, reverse=True)


def test_facets_list_every_published_practice_once_per_value() -> None:
    result = search_practices()
    assert result.total == Practice.objects.published().count()
    assert sum(result.facets["evidence"].values()) == result.total


def test_relevance_puts_practices_with_every_word_in_the_title_first() -> None:
    result = search_practices(query="health", limit=100)
    titled = ["health" in Practice.objects.get(id=pk).search_document.title for pk in result.ids]
    assert any(titled) and not all(titled)
    assert titled == sorted(titled, reverse=True)


@pytest.mark.parametrize(("query", "sort"), [("health", "relevance"), ("", "title")])
def test_pages_join_up_into_the_whole_result(query: str, sort: str) -> None:
    whole = search_practices(query=query, sort=sort, limit=100)
    pages: list[int] = []
    for offset in range(0, whole.total, 3):
        pages += search_practices(query=query, sort=sort, offset=offset, limit=3).ids
    assert pages == whole.ids
    assert len(set(pages)) == whole.total


def test_sorting_by_title_follows_the_folded_titles() -> None:
    result = search_practices(sort="title", limit=100)
    titles = [Practice.objects.get(id=pk).search_document.title for pk in result.ids]
    assert titles == sorted(titles)


def test_a_deleted_practice_leaves_the_counts_at_once() -> None:
    before = search_practices(filters={"country": ["ES"]})
    Practice.objects.get(slug="barcelona-padron").delete()
    after = search_practices(filters={"country": ["ES"]})
    assert after.total == before.total - 1
    assert sum(after.facets["evidence"].values()) == after.total
