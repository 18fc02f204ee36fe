"""The proof: no page, API endpoint, download or command emits a table that did not pass
the audit. Tables whose stored audit failed, or that were tampered with after it, are
refused everywhere; a walk over every URL pattern of the app and every API route makes a
new endpoint without the check fail here."""

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

from atlas.api import api
from atlas.stats import urls as stats_urls
from atlas.stats.actions import STARTER_DIRECTORY, load_starter_tables
from atlas.stats.models import StatsTable

# A number that appears in no starter table, so finding it in a response means a leak.
MARKER = 987_654


def _tamper(row: StatsTable, *, audit_passed: bool) -> StatsTable:
    """A published copy of ``row`` whose safe cells carry MARKER, with its audit set."""
    cells = copy.deepcopy(row.cells)
    for cell in cells["cells"]:
        if cell["status"] == "safe":
            cell["value"] = MARKER
    cells["audit"]["passed"] = audit_passed
    audit = {**row.audit, "passed": audit_passed}
    return StatsTable.objects.create(
        place=row.place,
        run="tampered",
        slug=row.slug + "-x",
        title="Tampered",
        status=StatsTable.Status.PUBLISHED,
        cells=cells,
        audit=audit,
        information_loss=row.information_loss,
        published_at=row.published_at,
    )


@pytest.fixture
def bad_tables(db: None) -> dict[str, StatsTable]:
    load_starter_tables()
    good = StatsTable.objects.released().first()
    assert good is not None
    failed = _tamper(good, audit_passed=False)
    # The row says passed but the table inside says failed: refused too.
    inner_failed = _tamper(good, audit_passed=False)
    inner_failed.audit = {**good.audit, "passed": True}
    inner_failed.save()
    draft = _tamper(good, audit_passed=True)
    draft.status = StatsTable.Status.DRAFT
    draft.save()
    refused = StatsTable.objects.create(
        place=good.place,
        run="refused",
        slug="refused",
        title="Refused",
        status=StatsTable.Status.PUBLISHED,
        audit={"passed": False, "failures": [{"check": "interval"}]},
    )
    return {"failed": failed, "inner": inner_failed, "draft": draft, "refused": refused}


def test_a_suppressed_cell_with_a_number_cannot_even_be_stored(db: None) -> None:
    load_starter_tables()
    good = StatsTable.objects.released().first()
    assert good is not None
    cells = copy.deepcopy(good.cells)
    hidden = next(c for c in cells["cells"] if c["status"] == "primary")
    hidden["value"] = 3
    good.cells = cells
    with pytest.raises(ValueError, match="suppressed cell carries a number"):
        good.save()


def test_pages_downloads_and_api_refuse_every_unaudited_table(
    bad_tables: dict[str, StatsTable], client: Client
) -> None:
    for row in bad_tables.values():
        urls = [
            reverse("stats:detail", args=[row.pk]),
            *(reverse("stats:download", args=[row.pk, f]) for f in ("csv", "datapackage", "json")),
            f"/api/stats/tables/{row.pk}",
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, url
            assert str(MARKER) not in response.content.decode()
    for url in (reverse("stats:list"), "/api/stats/tables"):
        body = client.get(url).content.decode()
        assert str(MARKER) not in body and "Tampered" not in body and "Refused" not in body


def test_the_audit_command_refuses_every_unaudited_table(
    bad_tables: dict[str, StatsTable], capsys: Any
) -> None:
    for row in bad_tables.values():
        with pytest.raises(CommandError):
            call_command("stats", "audit", str(row.pk))
    capsys.readouterr()


def test_the_audit_command_passes_a_starter_table_and_fails_a_doctored_directory(
    db: None, capsys: Any, tmp_path: Path
) -> None:
    load_starter_tables()
    good = StatsTable.objects.released().order_by("pk").first()
    assert good is not None
    call_command("stats", "audit", str(good.pk))
    assert '"passed": true' in capsys.readouterr().out
    # A directory whose suppressed cell was turned into a published zero: either the files
    # contradict themselves or a suppressed neighbour becomes recomputable. Both fail.
    directory = tmp_path / "doctored"
    shutil.copytree(STARTER_DIRECTORY / "demo-city-area", directory)
    path = directory / "starter-persons-by-area-status.json"
    data = json.loads(path.read_text())
    cell = next(c for c in data["cells"] if c["status"] == "secondary")
    cell["status"], cell["value"] = "safe", 0
    path.write_text(json.dumps(data))
    call_command("stats", "audit", str(STARTER_DIRECTORY / "demo-city-area"))
    capsys.readouterr()
    with pytest.raises(CommandError, match="audit failed"):
        call_command("stats", "audit", str(directory))
    assert '"passed": false' in capsys.readouterr().out


def _stats_patterns() -> list[str]:
    def walk(patterns: list[Any], prefix: str = "") -> list[str]:
        out = []
        for p in patterns:
            if isinstance(p, URLResolver):
                out += walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                out.append(prefix + str(p.pattern))
        return out

    return walk(stats_urls.urlpatterns)


def test_every_stats_url_and_api_route_refuses_an_unaudited_table(
    bad_tables: dict[str, StatsTable], client: Client, data_steward: Any
) -> None:
    """Every route, filled with the id of a bad table (or of its run), anonymous and as a
    data steward: never a 2xx that shows the table's numbers."""
    patterns = _stats_patterns()
    assert len(patterns) == 6  # a new route must be added to this proof
    routes = [r for r in api.get_openapi_schema()["paths"] if r.startswith("/api/stats")]
    assert sorted(routes) == ["/api/stats/tables", "/api/stats/tables/{table_id}"]
    steward = Client()
    steward.force_login(data_steward)
    for row in bad_tables.values():
        fills = {
            "<int:table_id>": str(row.pk),
            "<str:run_id>": row.run,
            "<str:file_format>": "csv",
        }
        urls = []
        for pattern in patterns:
            url = pattern
            for hole, value in fills.items():
                url = url.replace(hole, value)
            assert "<" not in url, pattern
            urls.append("/en/stats/" + url)
        urls += [r.replace("{table_id}", str(row.pk)) for r in routes]
        for who in (client, steward):
            for url in urls:
                for method in ("get", "post"):
                    response = getattr(who, method)(url)
                    body = response.content.decode(errors="replace")
                    assert str(MARKER) not in body, (method, url)


def test_the_stats_app_is_mounted() -> None:
    assert reverse("stats:list") == "/en/stats/"
