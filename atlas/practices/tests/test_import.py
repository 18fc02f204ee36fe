"""Import and export: all-or-nothing, with the line and field of every error."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from atlas.core.practice_format import read_csv, read_jsonl
from atlas.practices.actions import (
    ImportRefused,
    export_queryset,
    export_record,
    import_practices,
)
from atlas.practices.models import Practice

pytestmark = pytest.mark.django_db

SCENARIOS = Path(__file__).parent / "scenarios"


def exported_line(slug: str) -> dict:  # type: ignore[type-arg]
    return export_record(export_queryset().get(slug=slug))


def write(tmp_path: Path, name: str, records: list) -> Path:  # type: ignore[type-arg]
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_a_malformed_line_refuses_the_whole_file(tmp_path: Path) -> None:
    good = dict(exported_line("barcelona-padron"), slug="new-one")
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(good) + "\n{broken\n")
    before = Practice.objects.count()
    with pytest.raises(CommandError, match="line 2: not valid JSON"):
        call_command("import_practices", str(path))
    assert Practice.objects.count() == before


def test_an_unknown_vocabulary_slug_is_refused_with_line_and_field(tmp_path: Path) -> None:
    first = dict(exported_line("barcelona-padron"), slug="fine-one")
    second = dict(exported_line("idnyc"), slug="bad-one", barriers=["documents-id", "paperwork"])
    path = write(tmp_path, "unknown.jsonl", [first, second])
    with pytest.raises(
        CommandError, match=r"line 2, field barriers\[1\]: unknown barrier 'paperwork'"
    ):
        call_command("import_practices", str(path))
    assert not Practice.objects.filter(slug__in=["fine-one", "bad-one"]).exists()


def test_a_missing_source_is_refused(tmp_path: Path) -> None:
    record = dict(exported_line("idnyc"), slug="no-sources", sources=[])
    path = write(tmp_path, "nosource.jsonl", [record])
    with pytest.raises(CommandError, match="line 1, field sources: is required"):
        call_command("import_practices", str(path))
    assert not Practice.objects.filter(slug="no-sources").exists()


def test_every_bad_line_is_reported_not_only_the_first() -> None:
    rows = [(1, {"slug": "a"}), (2, {"slug": "b", "title": 5})]
    with pytest.raises(ImportRefused) as refused:
        import_practices(rows=rows)
    assert [e.line for e in refused.value.errors] == [1, 2]


def test_a_dangling_replication_link_is_refused() -> None:
    record = dict(exported_line("idnyc"), slug="dangling")
    record["replications"] = [{"practice": "does-not-exist", "place": None, "note": ""}]
    with pytest.raises(ImportRefused, match=r"replications\[0\].practice"):
        import_practices(rows=[(7, record)])


def test_an_export_imports_back_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    call_command("export_practices", output=str(out))
    lines = out.read_text().splitlines()
    assert len(lines) == Practice.objects.published().count()
    before = {p.slug: exported_line(p.slug) for p in Practice.objects.published()}
    call_command("import_practices", str(out))
    after = {p.slug: exported_line(p.slug) for p in Practice.objects.published()}
    assert after == before


def test_a_csv_export_reads_back_as_the_same_records(tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    call_command("export_practices", format="csv", output=str(out))
    jsonl = tmp_path / "all.jsonl"
    call_command("export_practices", output=str(jsonl))
    from_csv = [raw for _row, raw in read_csv(out.read_text())]
    from_jsonl = [raw for _line, raw in read_jsonl(jsonl.read_text().splitlines())]
    assert len(from_csv) == len(from_jsonl)
    for a, b in zip(from_csv, from_jsonl, strict=True):
        assert a["slug"] == b["slug"]
        assert a["places"] == b["places"]
        assert a["sources"] == b["sources"]


def test_a_csv_error_names_the_spreadsheet_row(tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    call_command("export_practices", format="csv", output=str(out))
    text = out.read_text().replace("documents-id", "paperwork", 1)
    bad = tmp_path / "bad.csv"
    bad.write_text(text)
    with pytest.raises(CommandError, match=r"row \d+, field barriers\[\d\]: unknown barrier"):
        call_command("import_practices", str(bad))


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"title": "Padrón"}'.encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_practices", str(path))


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    with pytest.raises(CommandError, match="holds no records"):
        call_command("import_practices", str(path))
