"""Cities carry their names in other languages, from atlas/core/data/city-names.toml: given
when content first names a city, brought up to date by `atlas setup`, shown by
`Place.label`, with the city's own name wherever a language has none."""

import re
from pathlib import Path

import pytest
from django.test import Client

from atlas.core.datafiles import DataFileError
from atlas.core.places import PlaceRef
from atlas.places.actions import (
    CITY_NAMES_PATH,
    default_city_names,
    name_cities,
    read_city_names,
    resolve_place,
)
from atlas.places.models import Place

ARABIC_SCRIPT = re.compile("^[\u0600-\u06ff\u200c ]+$")
CYRILLIC = re.compile("^[\u0400-\u04ff -]+$")


def city(country: str, name: str) -> Place:
    return resolve_place(PlaceRef(kind="city", code=None, country=country, city=name))


def names_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "city-names.toml"
    path.write_text('[meta]\nversion = "t1"\n\n' + body, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_city_the_starter_content_names_has_its_names_in_other_languages() -> None:
    utrecht = Place.objects.get(kind="city", country_code="NL", name="Utrecht")
    assert utrecht.label("ar") == "أوتريخت"
    assert utrecht.label("ru") == "Утрехт"
    assert utrecht.label("fa") == "اوترخت"
    assert utrecht.label("en") == "Utrecht"


@pytest.mark.django_db
def test_a_city_without_a_translation_falls_back_to_its_name() -> None:
    zaragoza = city("ES", "Zaragoza")  # not in the file
    assert zaragoza.names == {}
    assert zaragoza.label("ar") == "Zaragoza"
    boras = Place.objects.get(kind="city", country_code="SE", name="Borås")
    assert boras.label("ru") == "Бурос"
    assert boras.label("ar") == "Borås"  # Russian and Ukrainian only


@pytest.mark.django_db
def test_a_city_is_named_whatever_spelling_the_content_uses() -> None:
    assert city("CH", "zürich").label("ar") == "زيورخ"


@pytest.mark.django_db
def test_setup_names_the_cities_created_before_the_file_named_them() -> None:
    utrecht = Place.objects.get(kind="city", country_code="NL", name="Utrecht")
    utrecht.names = {}
    utrecht.save(update_fields=["names"])
    assert name_cities() == 1
    utrecht.refresh_from_db()
    assert utrecht.names["ar"] == "أوتريخت"
    assert name_cities() == 0


@pytest.mark.django_db
def test_demo_city_is_not_named_by_the_file() -> None:
    assert all(country for country, _name in default_city_names())
    assert not Place.objects.filter(fictional=True).exclude(names={}).exists()


def test_the_shipped_names_are_in_the_script_of_their_language() -> None:
    names = read_city_names(CITY_NAMES_PATH)
    assert len(names) >= 30
    for key, by_language in names.items():
        for language in ("ar", "fa"):
            if language in by_language:
                assert ARABIC_SCRIPT.match(by_language[language]), (key, language)
        for language in ("ru", "uk"):
            if language in by_language:
                assert CYRILLIC.match(by_language[language]), (key, language)


@pytest.mark.parametrize(
    ("body", "key", "problem"),
    [
        ('[cities.NL]\nUtrecht = { de = "Utrecht" }\n', "cities.NL.Utrecht.de", "language"),
        ('[cities.NL]\nUtrecht = { ar = "" }\n', "cities.NL.Utrecht.ar", "non-empty"),
        ('[cities.NL]\nUtrecht = "أوتريخت"\n', "cities.NL.Utrecht", "expected"),
        ('[cities.XX]\nAtlantis = { ar = "أطلنطس" }\n', "cities.XX", "unknown country"),
        ('[cities.NLD]\nUtrecht = { ru = "Утрехт" }\n', "cities.NLD", "alpha-2"),
        (
            '[cities.CH]\nZurich = { ru = "Цюрих" }\n"Zürich" = { uk = "Цюрих" }\n',
            "cities.CH.Zürich",
            "twice",
        ),
        ('[towns.NL]\nUtrecht = { ru = "Утрехт" }\n', "towns", "unknown key"),
    ],
)
def test_a_bad_entry_is_refused_naming_the_file_and_the_key(
    tmp_path: Path, body: str, key: str, problem: str
) -> None:
    path = names_file(tmp_path, body)
    with pytest.raises(DataFileError) as refused:
        read_city_names(path)
    assert refused.value.key == key
    assert refused.value.file == path
    assert problem in str(refused.value)


@pytest.mark.django_db
def test_an_editor_gives_a_city_its_names_in_the_admin_and_a_bad_one_is_refused(
    editor_client: Client,
) -> None:
    place = city("ES", "Girona")
    url = f"/admin/places/place/{place.pk}/change/"
    form = {
        "kind": "city",
        "code": "",
        "name": "Girona",
        "country_code": "ES",
        "parent": place.parent_id or "",
    }
    for bad, expected in (
        ('{"xx": "Girona"}', "xx: unknown language"),
        ('{"ar": " "}', "ar: the name must be a non-empty string"),
        ('["Girona"]', "expected"),
    ):
        page = editor_client.post(url, {**form, "names": bad}).content.decode()
        assert expected in page, bad
        place.refresh_from_db()
        assert "xx" not in place.names and place.names.get("ar") != " "
    response = editor_client.post(url, {**form, "names": '{"ar": " جيرونا "}'})
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.names == {"ar": "جيرونا"}
    assert place.label("ar") == "جيرونا"
