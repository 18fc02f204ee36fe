"""The statistics pages name dimensions and label codes in the reader's language, from the
message catalogues and the code list file; a code list file with a label table that lacks a
language is refused."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import pgettext

from atlas.core.languages import LANGUAGES
from atlas.core.stats.spec import SpecError, default_codelists, load_codelists
from atlas.core.stats.tables import CodeList
from atlas.stats.actions import load_starter_tables
from atlas.stats.models import StatsTable
from atlas.stats.presentation import code_label

ARABIC = re.compile("[\u0600-\u06ff]")

GENDER_WITHOUT_PERSIAN = """
[meta]
version = "t1"

[codelist.gender]
label = "Gender"
total = "total"
total_label = "All genders"
codes = [
  { code = "female", parent = "total", label = { en = "Female", es = "Mujer", fr = "Femme", ar = "أنثى", pt = "Feminino", ru = "Женский", uk = "Жіноча" } },
  { code = "male", parent = "total", label = "Male" },
]
"""  # noqa: E501


def starter_table(slug: str) -> StatsTable:
    load_starter_tables()
    return StatsTable.objects.released().get(slug=slug)


@pytest.mark.django_db
def test_an_arabic_statistics_page_names_the_dimension_and_labels_the_codes_in_arabic(
    anonymous_visitor: Client,
) -> None:
    row = starter_table("starter-persons-by-area-gender")
    page = anonymous_visitor.get(f"/ar/stats/{row.pk}/").content.decode()
    # The codes, in the table beside the chart and in the chart itself.
    assert '<bdi lang="ar">أنثى</bdi>' in page
    assert '<bdi lang="ar">المقاطعة التجريبية 1 (خيالية)</bdi>' in page
    assert ">أنثى</text>" in page
    assert ">Female<" not in page
    # And in the table of every cell, where the codes themselves used to show.
    cells = page[page.index('class="stats-cells"') :]
    assert '<td><bdi lang="ar">أنثى</bdi></td>' in cells
    assert "<td>female</td>" not in cells and "<td>DEMO-" not in cells
    # The dimension, as the heading of its section and of its column.
    with translation.override("ar"):
        gender = pgettext("statistics dimension", "Gender")
    assert ARABIC.search(gender), "the Arabic catalogue lacks the dimension name"
    assert f"<h2>{gender}</h2>" in page
    assert f'<th scope="col">{gender}</th>' in page


@pytest.mark.django_db
def test_an_english_statistics_page_keeps_the_english_labels(anonymous_visitor: Client) -> None:
    row = starter_table("starter-persons-by-area-status")
    page = anonymous_visitor.get(f"/en/stats/{row.pk}/").content.decode()
    assert "<h2>Migration status group</h2>" in page
    assert '<bdi lang="en">Asylum seeker or refugee</bdi>' in page
    assert '<bdi lang="en">Demo province 1 (fictional)</bdi>' in page


def test_a_code_list_file_missing_a_language_in_a_label_table_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "codelists.toml"
    path.write_text(GENDER_WITHOUT_PERSIAN, encoding="utf-8")
    with pytest.raises(SpecError) as refused:
        load_codelists(path)
    assert refused.value.key == "codelist.gender.codes[0].label.fa"
    assert "'female'" in str(refused.value) and "'fa'" in str(refused.value)


def test_a_label_table_in_an_unknown_language_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "codelists.toml"
    path.write_text(
        GENDER_WITHOUT_PERSIAN.replace('uk = "Жіноча"', 'uk = "Жіноча", fa = "زن", de = "Frau"'),
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as refused:
        load_codelists(path)
    assert refused.value.key == "codelist.gender.codes[0].label.de"


def test_a_string_label_is_english_and_shown_in_every_language(tmp_path: Path) -> None:
    path = tmp_path / "codelists.toml"
    path.write_text(
        GENDER_WITHOUT_PERSIAN.replace('uk = "Жіноча"', 'uk = "Жіноча", fa = "زن"'),
        encoding="utf-8",
    )
    gender = load_codelists(path)["gender"]
    assert dict(gender.labels) == {"total": "All genders", "female": "Female", "male": "Male"}
    assert gender.label("female", "fa") == "زن"
    assert gender.label("male", "fa") == "Male"
    assert gender.label("total", "ar") == "All genders"


def test_every_shipped_label_is_in_every_language_and_english_stays_in_labels() -> None:
    for codelist in default_codelists().values():
        for code in codelist.codes:
            assert set(codelist.translations[code]) == set(LANGUAGES), (codelist.name, code)
            assert codelist.labels[code] == codelist.translations[code]["en"]
    status = default_codelists()["status"]
    assert status.label("irregular-migrant", "ar") == "مهاجر في وضع غير نظامي أو بلا وثائق"
    assert status.label("irregular-migrant", "fa") == "مهاجر فاقد اقامت قانونی یا بدون مدرک"
    assert default_codelists()["service"].label("health", "es") == "Salud"


def test_a_table_made_with_another_code_list_keeps_its_own_english_labels() -> None:
    # Same dimension name and code as the shipped list, another label: no translation is
    # borrowed from the shipped list.
    area = CodeList("area", total="DEMO", parent={"DEMO-A01": "DEMO"}, labels={"DEMO-A01": "North"})
    assert code_label(area, "DEMO-A01", "ar") == ("North", "en")
    shipped = default_codelists()["area"]
    assert code_label(shipped, "DEMO-A01", "ar") == ("المنطقة التجريبية 01 (خيالية)", "ar")


def test_a_table_carries_its_own_translations_through_its_json() -> None:
    from atlas.core.stats.output import PublishedCell, PublishedTable, from_json, to_json

    area = CodeList(
        "area",
        total="DEMO",
        parent={"DEMO-A01": "DEMO"},
        labels={"DEMO": "All", "DEMO-A01": "North"},
        translations={"DEMO-A01": {"en": "North", "ar": "الشمال"}},
    )
    table = PublishedTable(
        slug="t",
        title="t",
        measure="persons",
        dimensions=(area,),
        cells=(PublishedCell(("DEMO",), "safe", 12), PublishedCell(("DEMO-A01",), "safe", 12)),
        audit={"passed": True},
        loss={},
        rules={},
    )
    again = from_json(to_json(table))
    assert dict(again.dimensions[0].translations) == {"DEMO-A01": {"en": "North", "ar": "الشمال"}}
    assert code_label(again.dimensions[0], "DEMO-A01", "ar") == ("الشمال", "ar")
    assert code_label(again.dimensions[0], "DEMO-A01", "fa") == ("North", "en")
    # A table stored before tables carried translations still reads, in English.
    old = to_json(table)
    del old["dimensions"][0]["translations"]
    assert code_label(from_json(old).dimensions[0], "DEMO-A01", "ar") == ("North", "en")


@pytest.mark.django_db
def test_the_api_labels_a_table_in_the_language_asked(anonymous_visitor: Client) -> None:
    row = starter_table("starter-persons-by-area-gender")
    arabic = anonymous_visitor.get(f"/api/stats/tables/{row.pk}?language=ar").json()
    assert arabic["labels"]["gender"]["female"] == "أنثى"
    english = anonymous_visitor.get(f"/api/stats/tables/{row.pk}").json()
    assert english["labels"]["gender"]["female"] == "Female"
    assert set(english["labels"]) == set(english["dimensions"])
    refused = anonymous_visitor.get(f"/api/stats/tables/{row.pk}?language=de")
    assert refused.status_code == 400 and "language must be one of" in refused.json()["detail"]
