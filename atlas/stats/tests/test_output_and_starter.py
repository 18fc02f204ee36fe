"""The file formats (HXL, Frictionless) and the starter tables: every one passes the audit."""

import csv
import json
from pathlib import Path

import frictionless
import hxl
import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from atlas.core.stats.audit import audit
from atlas.core.stats.output import (
    OutputError,
    PublishedTable,
    _filled,
    from_json,
    published_tables,
    read_package,
    reaudit,
    rules_from_dict,
    to_json,
)
from atlas.core.stats.primary import Rules
from atlas.core.stats.protect import protect
from atlas.core.stats.tables import CellStatus, CodeList, Table
from atlas.stats.actions import STARTER_DIRECTORY, STARTER_TITLES, load_starter_tables
from atlas.stats.models import StatsTable
from atlas.stats.presentation import suppression_note

STARTERS = sorted(p for p in STARTER_DIRECTORY.iterdir() if p.is_dir())


def test_there_is_a_linked_starter_set() -> None:
    assert STARTERS
    tables = read_package(STARTERS[0])
    assert len(tables) == 2
    shared = {d.name for d in tables[0].dimensions} & {d.name for d in tables[1].dimensions}
    assert shared == {"area"}


@pytest.mark.parametrize("directory", STARTERS, ids=lambda p: p.name)
def test_every_starter_table_passes_the_audit_again(directory: Path) -> None:
    tables = read_package(directory)
    assert all(t.synthetic and t.passed for t in tables)
    report = reaudit(tables)
    assert report.passed, report.failures
    checks = {c["name"]: c for c in report.checks}
    primaries = sum(1 for t in tables for c in t.cells if c.status == "primary")
    # The interval check ran on every primary cell: feasible maximum >= the threshold.
    assert primaries > 0 and checks["interval"]["cells"] == primaries
    assert checks["interval"]["failures"] == 0


@pytest.mark.parametrize("directory", STARTERS, ids=lambda p: p.name)
def test_no_starter_file_has_a_number_in_a_suppressed_cell(directory: Path) -> None:
    for path in directory.glob("*.csv"):
        rows = list(csv.reader(path.open(encoding="utf-8")))
        header = rows[0]
        status, value = header.index("cell_status"), header.index("value")
        hidden = [r for r in rows[2:] if r[status] in ("primary", "secondary")]
        assert hidden and all(r[value] == "" for r in hidden)
        shown = [r for r in rows[2:] if r[status] in ("safe", "empty")]
        assert all(r[value].isdigit() for r in shown)


def test_a_weak_pattern_fails_the_audit_again() -> None:
    # Primary suppression only: the starter set with every secondary cell published (with
    # the value of a solution the attacker could find). The audit must catch it.
    tables = read_package(STARTERS[0])
    assert any(c.status == "secondary" for t in tables for c in t.cells)
    statuses = [
        [CellStatus.SAFE if c.status == "secondary" else CellStatus(c.status) for c in t.cells]
        for t in tables
    ]
    filled, inner = _filled(tables)
    report = audit(filled, statuses, rules_from_dict(tables[0].rules), inner=inner)
    assert not report.passed
    assert {f.check for f in report.failures} & {"exact", "interval"}


@pytest.mark.parametrize("directory", STARTERS, ids=lambda p: p.name)
def test_the_starter_files_are_valid_hxl_and_a_valid_data_package(directory: Path) -> None:
    result = frictionless.validate(str(directory / "datapackage.json"))
    assert result.valid, result.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    package = json.loads((directory / "datapackage.json").read_text())
    for resource in package["resources"]:
        rows = list(csv.reader((directory / resource["path"]).open(encoding="utf-8")))
        data = hxl.data(rows)
        tags = [column.display_tag for column in data.columns]
        assert "#status+cell" in tags and "#reached+ind" in tags and "#adm2+code" in tags
        assert len(list(data)) == len(rows) - 2


@pytest.mark.django_db
def test_the_starter_tables_load_once_labelled_synthetic() -> None:
    added = load_starter_tables()
    assert added == 2
    assert load_starter_tables() == 0
    rows = list(StatsTable.objects.released())
    assert len(rows) == 2 and all(r.synthetic and r.passed for r in rows)
    assert all(isinstance(r.table(), PublishedTable) for r in rows)


@pytest.mark.django_db
def test_a_starter_page_says_its_secondary_cells_are_proved_the_fewest(
    anonymous_visitor: Client,
) -> None:
    load_starter_tables()
    row = StatsTable.objects.released().get(slug="starter-persons-by-area-gender")
    for language in ("en", "ar"):
        # The page activates its language for the thread: the override puts the last one back.
        with translation.override(language):
            sentence = gettext("A search proved that no safe pattern suppresses fewer cells.")
            page = anonymous_visitor.get(f"/{language}/stats/{row.pk}/").content.decode()
        assert language == "en" or not sentence.startswith("A search")
        assert sentence in page


def test_only_a_proved_pattern_is_said_to_be_the_fewest() -> None:
    area = CodeList("area", total="P", parent={"A1": "P", "A2": "P", "A3": "P"})
    table = Table("t", (area,), [("P",), ("A1",), ("A2",), ("A3",)], [63, 40, 3, 20])
    for secondary, said in (("elimination", False), ("optimal", True)):
        rules = Rules(max_unsafe_share=1.0, secondary=secondary)
        [out] = published_tables(protect([table], rules), rules, slugs=["t"], titles=["T"])
        assert suppression_note(out)["proved_fewest"] is said
    # An unproved search (no time at all) says nothing either.
    rules = Rules(max_unsafe_share=1.0, secondary="optimal")
    rushed = protect([table], rules, optimal_seconds=0.0)
    [out] = published_tables(rushed, rules, slugs=["t"], titles=["T"])
    assert not suppression_note(out)["proved_fewest"]


@pytest.mark.django_db
def test_a_table_title_is_shown_in_the_reader_s_language(anonymous_visitor: Client) -> None:
    load_starter_tables()
    row = StatsTable.objects.released().get(slug="starter-persons-by-area-gender")
    arabic = STARTER_TITLES[row.slug]["ar"]
    assert row.title_in("ar") == (arabic, "ar") and row.title_in("de") == (row.title, "en")
    for url in (f"/ar/stats/{row.pk}/", "/ar/stats/"):
        with translation.override("ar"):
            page = anonymous_visitor.get(url).content.decode()
        assert f'<bdi lang="ar">{arabic}</bdi>' in page
        assert row.title not in page
    with translation.override("en"):
        page = anonymous_visitor.get(f"/en/stats/{row.pk}/").content.decode()
    assert f'<bdi lang="en">{row.title}</bdi>' in page
    one = anonymous_visitor.get(f"/api/stats/tables/{row.pk}?language=fa").json()
    listed = anonymous_visitor.get("/api/stats/tables?language=fa").json()
    fa = STARTER_TITLES[row.slug]["fa"]
    assert one["title"] == fa and fa in {t["title"] for t in listed}


def test_title_translations_travel_with_the_table_and_are_checked() -> None:
    area = CodeList("area", total="P", parent={"A1": "P", "A2": "P", "A3": "P"})
    table = Table("t", (area,), [("P",), ("A1",), ("A2",), ("A3",)], [63, 40, 3, 20])
    rules = Rules(max_unsafe_share=1.0)
    [out] = published_tables(
        protect([table], rules), rules, slugs=["t"], titles=["T"], title_translations=[{"es": "Te"}]
    )
    back = from_json(to_json(out))
    assert back.title_in("es") == "Te" and back.title_in("ar") == "T"
    for bad in (["Te"], {"es": 3}):
        with pytest.raises(OutputError, match="title_translations"):
            from_json({**to_json(out), "title_translations": bad})
