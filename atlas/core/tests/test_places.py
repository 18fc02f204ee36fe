"""The place catalogue, checked against the UN M49 hierarchy and ISO 3166 codes.

Reference cases are the UN Statistics Division's M49 table ("Standard Country or Area Codes
for Statistical Use", the "Overview" listing of each country with its region, sub-region
and intermediate region) and ISO 3166-1/3166-2 as shipped in pycountry.
"""

import re

import pycountry
import pytest

from atlas.core import places
from atlas.core.places import PlaceError, PlaceRef, parse_place_ref

# Countries or areas that M49 places in the World and in no region: Antarctica (010) has no
# Region Code in the M49 overview. Every other ISO 3166-1 entry sits in a region.
ONLY_IN_THE_WORLD = {"AQ"}


def test_spain_lies_in_southern_europe_in_europe_in_the_world() -> None:
    assert places.country("ES").region == "039"
    assert places.country_regions("ES") == ["039", "150", "001"]
    assert [places.region(code).name for code in places.country_regions("ES")] == [
        "Southern Europe",
        "Europe",
        "World",
    ]


def test_mexico_lies_in_an_intermediate_region_below_latin_america() -> None:
    # M49: Mexico (484) is in Central America (013), Latin America and the Caribbean (419).
    assert places.country_regions("MX") == ["013", "419", "019", "001"]


def test_nauru_lies_in_micronesia_as_m49_has_it() -> None:
    # country_converter 1.3.2 puts Nauru in Polynesia; M49 has it in Micronesia (057).
    assert places.country("NR").region == "057"


def test_guernsey_and_jersey_lie_in_the_channel_islands() -> None:
    for alpha2 in ("GG", "JE"):
        assert places.country_regions(alpha2) == ["830", "154", "150", "001"]


def test_region_ancestors_start_at_the_region_and_end_at_the_world() -> None:
    assert places.region_ancestors("039") == ["039", "150", "001"]
    assert places.region_ancestors("001") == ["001"]


def test_the_world_has_the_five_m49_regions_below_it() -> None:
    top = {region.code: region.name for region in places.regions() if region.parent == "001"}
    assert top == {
        "002": "Africa",
        "009": "Oceania",
        "019": "Americas",
        "142": "Asia",
        "150": "Europe",
    }
    assert places.region("001").parent is None


def test_every_region_code_has_three_digits_and_a_known_parent() -> None:
    codes = {region.code for region in places.regions()}
    for region in places.regions():
        assert re.fullmatch(r"\d{3}", region.code)
        assert region.parent is None or region.parent in codes
    assert places.regions()[0].code == "001"


def test_every_iso_country_in_pycountry_has_a_region() -> None:
    catalogued = {country.alpha2: country for country in places.countries()}
    assert set(catalogued) == {entry.alpha_2 for entry in pycountry.countries}
    region_codes = {region.code for region in places.regions()}
    for country in catalogued.values():
        assert country.region in region_codes, country
    only_in_the_world = {c.alpha2 for c in catalogued.values() if c.region == "001"}
    assert only_in_the_world == ONLY_IN_THE_WORLD


def test_a_countrys_m49_code_is_its_iso_numeric_code() -> None:
    spain = places.country("ES")
    assert (spain.alpha3, spain.numeric, spain.name) == ("ESP", "724", "Spain")


def test_a_country_uses_its_common_name_where_pycountry_has_one() -> None:
    assert places.country("BO").name == "Bolivia"


def test_it_finds_a_country_by_alpha3_in_any_case() -> None:
    assert places.country("esp").alpha2 == "ES"
    assert places.country("es").alpha2 == "ES"


def test_it_rejects_an_unknown_country_code_naming_it() -> None:
    with pytest.raises(PlaceError, match=r"^unknown country code 'XX'$"):
        places.country("XX")


def test_it_rejects_an_unknown_region_code() -> None:
    with pytest.raises(PlaceError, match="'999'"):
        places.region("999")


def test_england_and_california_resolve_as_subdivisions() -> None:
    england = places.subdivision("GB-ENG")
    assert (england.name, england.country, england.parent) == ("England", "GB", None)
    california = places.subdivision("us-ca")
    assert (california.code, california.name, california.type) == ("US-CA", "California", "State")


def test_a_subdivision_knows_its_parent_subdivision() -> None:
    assert places.subdivision("ES-B").parent == "ES-CT"


def test_it_lists_a_countrys_subdivisions() -> None:
    codes = [s.code for s in places.subdivisions("ES")]
    assert "ES-CT" in codes and "ES-B" in codes
    assert codes == sorted(codes)
    assert places.subdivisions("AQ") == []


def test_it_rejects_an_unknown_subdivision_code() -> None:
    with pytest.raises(PlaceError, match="'US-XX'"):
        places.subdivision("US-XX")


def test_country_name_in_arabic_is_arabic() -> None:
    name = places.country_name("DE", "ar")
    assert name == "ألمانيا"


def test_country_name_falls_back_to_english() -> None:
    assert places.country_name("DE", "en") == "Germany"
    assert places.country_name("DE", "xx") == "Germany"
    assert places.country_name("DE", "pt-br") == "Alemanha"


def test_country_name_keeps_a_common_name_spelt_the_same_in_that_language() -> None:
    # iso-codes translates "Bolivia" to "Bolivia" in Spanish; the formal name is not wanted.
    assert places.country_name("BO", "es") == "Bolivia"


def test_country_name_uses_the_formal_name_where_the_common_one_is_untranslated() -> None:
    # iso-codes (pycountry 26.2.16) has no Arabic for "Iran", only for its ISO name.
    assert "إيران" in places.country_name("IR", "ar")


def test_country_name_is_translated_in_every_interface_language() -> None:
    names = {language: places.country_name("DE", language) for language in places.LANGUAGES}
    assert len(set(names.values())) == len(places.LANGUAGES), names


def test_every_region_has_a_label_in_every_interface_language() -> None:
    for region in places.regions():
        assert set(region.labels) == set(places.LANGUAGES), region.code
        assert all(label.strip() for label in region.labels.values()), region.code
    assert places.region("039").labels["es"] == "Europa meridional"
    assert places.region("001").labels["en"] == "World"


def test_it_parses_a_country_reference() -> None:
    assert parse_place_ref({"iso": "es"}) == PlaceRef("country", "ES", "ES", None)
    assert parse_place_ref({"iso": "ESP"}) == PlaceRef("country", "ES", "ES", None)


def test_it_parses_a_subdivision_reference() -> None:
    assert parse_place_ref({"iso": "US-CA"}) == PlaceRef("subdivision", "US-CA", "US", None)


def test_it_parses_a_region_reference() -> None:
    assert parse_place_ref({"m49": "150"}) == PlaceRef("region", "150", None, None)
    assert parse_place_ref({"m49": 39}) == PlaceRef("region", "039", None, None)


def test_it_parses_a_city_reference_with_or_without_a_subdivision() -> None:
    city = {"country": "ES", "city": "  Barcelona "}
    assert parse_place_ref(city) == PlaceRef("city", None, "ES", "Barcelona")
    city_in = {**city, "subdivision": "ES-CT"}
    assert parse_place_ref(city_in) == PlaceRef("city", "ES-CT", "ES", "Barcelona")


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ({"iso": "ES", "m49": "150"}, "^give exactly one of .*; got 'iso' and 'm49'$"),
        ({"iso": "ES", "country": "ES", "city": "Madrid"}, "^give exactly one of"),
        ({}, "^give exactly one of .*; got none of them$"),
        ({"iso": "ES", "name": "Spain"}, "^name: unknown key"),
        ({"iso": "XX"}, r"^iso: unknown ISO 3166 code 'XX'$"),
        ({"iso": "US-XX"}, r"^iso: unknown ISO 3166 code 'US-XX'$"),
        ({"iso": 724}, "^iso: expected a string$"),
        ({"m49": "999"}, "^m49: unknown M49 region code '999'$"),
        (
            {"m49": "724"},
            "^m49: '724' is the M49 code of a country, not a region; use 'iso': 'ES'$",
        ),
        ({"country": "ES"}, "^city: required with 'country'"),
        ({"country": "XX", "city": "Madrid"}, "^country: unknown country code 'XX'$"),
        ({"country": "ES", "city": "   "}, "^city: must not be empty$"),
        ({"country": "ES", "city": "x" * 121}, "^city: longer than 120 characters$"),
        ({"country": "ES", "city": "Paris", "subdivision": "FR-IDF"}, "^subdivision: 'FR-IDF' is"),
        ({"iso": "ES", "city": "Madrid"}, "^city: only allowed with 'country'"),
        ({"m49": "150", "subdivision": "ES-CT"}, "^subdivision: only allowed with 'country'"),
    ],
)
def test_it_rejects_a_malformed_place_reference(reference: dict, message: str) -> None:
    with pytest.raises(PlaceError, match=message):
        parse_place_ref(reference)


def test_a_place_error_names_the_key_apart_from_the_message() -> None:
    with pytest.raises(PlaceError) as caught:
        parse_place_ref({"country": "ES", "city": ""})
    assert (caught.value.field, caught.value.message) == ("city", "must not be empty")


def test_it_accepts_a_city_name_of_exactly_120_characters() -> None:
    assert parse_place_ref({"country": "ES", "city": "x" * 120}).city == "x" * 120


def test_normalize_name_folds_case_accents_and_spaces() -> None:
    assert places.normalize_name("Zürich") == places.normalize_name("zurich") == "zurich"
    assert places.normalize_name("  São   Paulo ") == "sao paulo"
    assert places.normalize_name("STRAẞE") == "strasse"
    assert places.normalize_name("Київ") == "киів"
