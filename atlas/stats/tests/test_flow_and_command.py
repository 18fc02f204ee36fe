"""The data steward's flow on the web, and the command: DuckDB end to end, Spark on a tiny
file, the size limit, the identifier guard and a failed audit."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse

from atlas.core.stats.audit import AuditReport, Failure
from atlas.core.stats.output import read_package, reaudit
from atlas.core.stats.protect import AuditFailed
from atlas.diagnostics.demo import demo_place
from atlas.stats import actions
from atlas.stats.models import StatsTable
from atlas.stats.tests.conftest import AREA_STATUS_SPEC as spec_text


def steward_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_run(client: Client, records: Path, spec: Path, **extra: Any) -> Any:
    place = demo_place()
    with records.open("rb") as r, spec.open("rb") as s:
        return client.post(
            reverse("stats:new"),
            {"place": place.pk, "records": r, "spec_file": s, "engine": "duckdb", **extra},
        )


def test_only_a_data_steward_may_run(db: None, client: Client, ngo_editor: Any) -> None:
    assert client.get(reverse("stats:new")).status_code == 302
    assert steward_client(ngo_editor).get(reverse("stats:new")).status_code == 403


def test_upload_run_preview_publish_on_duckdb(
    data_steward: Any, records_csv: Path, spec_toml: Path, tmp_path: Path
) -> None:
    client = steward_client(data_steward)
    assert client.get(reverse("stats:new")).status_code == 200
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        response = post_run(client, records_csv, spec_toml)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(tmp_path.iterdir()) == []  # the records were deleted
    row = StatsTable.objects.get(slug="test-area-status")
    assert row.status == StatsTable.Status.DRAFT and row.passed
    # Never a number in a suppressed cell, in what is stored.
    for cell in row.cells["cells"]:
        assert (cell["value"] is None) == (cell["status"] in ("primary", "secondary"))
    preview = client.get(response["Location"])
    assert preview.status_code == 200 and "suppressed" in preview.content.decode()
    # Not public before publication.
    assert Client().get(reverse("stats:detail", args=[row.pk])).status_code == 404
    published = client.post(reverse("stats:publish", args=[row.run]))
    assert published.status_code == 302
    page = Client().get(reverse("stats:detail", args=[row.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and 'role="img"' in body
    api = Client().get(f"/api/stats/tables/{row.pk}").json()
    safe = [c for c in api["cells"] if c["status"] == "safe"]
    hidden = [c for c in api["cells"] if c["status"] in ("primary", "secondary")]
    assert safe and hidden and all(c["value"] is None for c in hidden)
    assert Client().get(reverse("stats:download", args=[row.pk, "csv"])).status_code == 200


def test_a_second_release_is_audited_jointly_with_the_first(
    data_steward: Any, records_csv: Path, spec_toml: Path, monkeypatch: Any
) -> None:
    client = steward_client(data_steward)
    first = post_run(client, records_csv, spec_toml)
    run_id = first["Location"].rstrip("/").split("/")[-1]
    client.post(reverse("stats:publish", args=[run_id]))
    earlier = StatsTable.objects.get(status="published")
    seen: list[Any] = []
    real = actions.protect

    def spy(tables: Any, rules: Any, published: Any = (), **kwargs: Any) -> Any:
        seen.append(published)
        return real(tables, rules, published, **kwargs)

    monkeypatch.setattr(actions, "protect", spy)
    second = post_run(client, records_csv, spec_toml)
    [published] = seen
    # The earlier release goes in with the status of every one of its cells.
    assert len(published) == 1
    assert [s.value for s in published[0].statuses[0]] == [
        c["status"] for c in earlier.cells["cells"]
    ]
    # The same data again: the joint audit ran with the earlier release and passed, since
    # every cell hidden then is hidden again.
    assert second.status_code == 302
    row = StatsTable.objects.get(status="draft")
    joint = next(c for c in row.audit["checks"] if c["name"] == "joint")
    assert joint["earlier_tables"] == 1
    hidden = {"primary", "secondary"}
    then = {tuple(c["key"]) for c in earlier.cells["cells"] if c["status"] in hidden}
    now = {tuple(c["key"]) for c in row.cells["cells"] if c["status"] in hidden}
    assert then and then <= now
    assert StatsTable.objects.filter(status="published").count() == 1


def test_a_file_too_large_is_refused_and_deleted(
    data_steward: Any, records_csv: Path, spec_toml: Path, tmp_path: Path
) -> None:
    client = steward_client(data_steward)
    with override_settings(ATLAS_STATS_MAX_UPLOAD_MB=0.01, FILE_UPLOAD_TEMP_DIR=str(tmp_path)):
        response = post_run(client, records_csv, spec_toml)
    assert response.status_code == 400
    assert "larger than the limit" in response.content.decode()
    assert list(tmp_path.iterdir()) == []
    assert not StatsTable.objects.exists()


def test_a_passport_column_is_refused_naming_the_column(
    data_steward: Any, spec_toml: Path, tmp_path: Path
) -> None:
    records = tmp_path / "records.csv"
    records.write_text(
        "person,date,area,service,age,gender,status,passport_number\n"
        "P1,2026-01-02,DEMO-A01,health-primary,30,female,citizen,X1234567\n"
    )
    client = steward_client(data_steward)
    scratch = tmp_path / "uploads"
    scratch.mkdir()
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(scratch)):
        response = post_run(client, records, spec_toml)
    body = response.content.decode()
    assert response.status_code == 400
    assert "passport_number" in body and "before any row was aggregated" in body
    assert list(scratch.iterdir()) == []
    assert not StatsTable.objects.exists()


def test_a_failed_audit_stores_only_the_report(
    data_steward: Any, records_csv: Path, spec_toml: Path, monkeypatch: Any
) -> None:
    report = AuditReport(passed=False, failures=[Failure("interval", "t", ("A",), "at most 3")])

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise AuditFailed(report)

    monkeypatch.setattr(actions, "protect", failing)
    response = post_run(steward_client(data_steward), records_csv, spec_toml)
    assert response.status_code == 200 and "at most 3" in response.content.decode()
    row = StatsTable.objects.get()
    assert row.status == StatsTable.Status.REFUSED and row.cells == {} and not row.passed


def test_the_command_tabulates_protects_and_audits_on_duckdb(
    records_csv: Path, spec_toml: Path, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "out"
    call_command("stats", "tabulate", str(records_csv), "--spec", str(spec_toml), "--out", str(out))
    err = capsys.readouterr().err
    assert "100%" in err and " 50% protect" in err  # the progress bar
    assert sorted(p.name for p in out.iterdir()) == [
        "audit.json",
        "datapackage.json",
        "test-area-status.csv",
        "test-area-status.json",
    ]
    [table] = read_package(out)
    assert table.passed and reaudit([table]).passed
    call_command("stats", "audit", str(out))
    assert json.loads(capsys.readouterr().out)["passed"] is True


def test_the_command_writes_no_table_when_the_audit_fails(
    records_csv: Path, spec_toml: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    report = AuditReport(passed=False, failures=[Failure("exact", "t", ("A",), "recomputable")])

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise AuditFailed(report)

    monkeypatch.setattr(actions, "protect", failing)
    out = tmp_path / "out"
    with pytest.raises(CommandError, match="audit failed"):
        call_command(
            "stats", "tabulate", str(records_csv), "--spec", str(spec_toml), "--out", str(out)
        )
    assert [p.name for p in out.iterdir()] == ["audit.json"]


def test_the_command_on_spark_gives_the_duckdb_tables(tmp_path: Path, capsys: Any) -> None:
    from atlas.core.stats.synthetic import generate

    records = tmp_path / "tiny.csv"
    generate(3_000, seed=5, path=records, format="csv")
    spec_toml = tmp_path / "gender-status.toml"
    spec_toml.write_text(
        spec_text.replace("test-area-status", "test-gender-status").replace('"area"', '"gender"')
    )
    outs = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / engine
        call_command(
            "stats",
            "tabulate",
            str(records),
            "--spec",
            str(spec_toml),
            "--out",
            str(out),
            "--engine",
            engine,
        )
        outs[engine] = (out / "test-gender-status.csv").read_text()
    capsys.readouterr()
    assert outs["spark"] == outs["duckdb"]
