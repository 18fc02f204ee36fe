"""Protected tables as files: CSV with an HXL hashtag row, a Frictionless data package, JSON.

A `PublishedTable` is what may leave the engine: one row per cell with its codes, its status
and a value only when the status is SAFE or EMPTY. It is built from a `Protected` (whose
``cells`` refuses a table that has not passed the audit) by `published_tables`, and carries
the audit report, the information loss and the rules, so every file says how it was
protected. Nothing in this module ever sees a suppressed number.

- `write_csv`: a header row, then an HXL hashtag row (https://hxlstandard.org/), then one row
  per cell; a suppressed cell has an empty value and its status.
- `datapackage`: a Frictionless data package descriptor (https://specs.frictionlessdata.io/)
  for the CSV files of one linked set; the hashtag row is declared a comment row.
- `to_json` / `from_json`: the table as plain JSON values, and back.
- `write_package`: every file of a linked set in one directory.
- `reaudit`: the attacker's checks again, from the published values alone.

>>> from atlas.core.stats.protect import protect
>>> from atlas.core.stats.primary import Rules
>>> from atlas.core.stats.tables import CodeList, Table
>>> area = CodeList("area", total="P", parent={"A1": "P", "A2": "P", "A3": "P"})
>>> t = Table("t", (area,), [("P",), ("A1",), ("A2",), ("A3",)], [63, 40, 3, 20])
>>> rules = Rules(max_unsafe_share=1.0)
>>> [table] = published_tables(protect([t], rules), rules, slugs=["t"], titles=["T"])
>>> [(cell.key[0], cell.status, cell.value) for cell in table.cells]
[('P', 'safe', 63), ('A1', 'safe', 40), ('A2', 'primary', None), ('A3', 'secondary', None)]
>>> print(csv_text(table), end="")
area,cell_status,value
#adm2+code,#status+cell,#reached+ind
P,safe,63
A1,safe,40
A2,primary,
A3,secondary,
>>> reaudit([table], rules).passed
True
"""

import csv
import io
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from atlas.core.stats.audit import AuditReport, Failure, audit
from atlas.core.stats.primary import Rules
from atlas.core.stats.protect import HIDDEN, Protected
from atlas.core.stats.tables import CellStatus, CodeList, Measure, Table, linked_dimensions

FORMAT_VERSION = "1"
SYNTHETIC_NOTE = "Synthetic, fictional data: the figures describe no real person or place."

# HXL hashtags by dimension and by measure (https://hxlstandard.org/standard/dictionary/).
HXL_DIMENSIONS = {
    "area": "#adm2+code",
    "age": "#meta+age_band",
    "gender": "#meta+gender",
    "status": "#group+migration_status",
    "service": "#sector+code",
}
HXL_MEASURES = {
    Measure.PERSONS: "#reached+ind",
    Measure.CONTACTS: "#indicator+num+contacts",
    Measure.NIGHTS: "#indicator+num+nights",
    Measure.COST: "#value",
}
HXL_STATUS = "#status+cell"


class OutputError(ValueError):
    """A published table that breaks a rule of the format (the message says which)."""


@dataclass(frozen=True)
class PublishedCell:
    key: tuple[str, ...]
    status: str
    value: int | float | None


@dataclass(frozen=True)
class PublishedTable:
    """One protected table as it may be published: no number in a suppressed cell."""

    slug: str
    title: str
    measure: str
    dimensions: tuple[CodeList, ...]
    cells: tuple[PublishedCell, ...]
    audit: Mapping[str, Any]
    loss: Mapping[str, Any]
    rules: Mapping[str, Any]
    version: str = ""
    place: str = ""
    synthetic: bool = False
    linked: tuple[str, ...] = field(default=())
    title_translations: Mapping[str, str] = field(default_factory=dict)  # language -> title

    def title_in(self, language: str) -> str:
        """The title in ``language``; in English where there is no translation."""
        return self.title_translations.get(language) or self.title

    def __post_init__(self) -> None:
        for cell in self.cells:
            if cell.status not in {s.value for s in CellStatus}:
                raise OutputError(f"table {self.slug}: unknown status {cell.status!r}")
            hidden = cell.status in {s.value for s in HIDDEN}
            if hidden and cell.value is not None:
                raise OutputError(f"table {self.slug}: a suppressed cell carries a number")
            if not hidden and cell.value is None:
                raise OutputError(f"table {self.slug}: a published cell has no value")

    @property
    def passed(self) -> bool:
        return bool(self.audit.get("passed"))


def rules_dict(rules: Rules) -> dict[str, Any]:
    out = asdict(rules)
    out["protection_level"] = rules.protection_level
    return out


def rules_from_dict(data: Mapping[str, Any]) -> Rules:
    """The rules stored with a table.

    >>> rules_from_dict(rules_dict(Rules(threshold=7))) == Rules(threshold=7)
    True
    """
    fields = {k: v for k, v in data.items() if k != "protection_level"}
    for name in ("attribute_codes", "nk"):
        if fields.get(name) is not None:
            fields[name] = tuple(fields[name])
    return Rules(**fields)


def published_tables(
    protected: Protected,
    rules: Rules,
    *,
    slugs: Sequence[str],
    titles: Sequence[str],
    version: str = "",
    place: str = "",
    synthetic: bool = False,
    title_translations: Sequence[Mapping[str, str]] = (),
) -> list[PublishedTable]:
    """The tables of ``protected`` as published tables (refused unless the audit passed);
    ``titles`` in English, ``title_translations`` (if any) each table's in other languages."""
    report = protected.audit.to_dict()
    out = []
    for t, table in enumerate(protected.tables):
        cells = tuple(
            PublishedCell(key, status.value, _value(table, t, protected, i, value))
            for i, (key, status, value) in enumerate(protected.cells(t))
        )
        out.append(
            PublishedTable(
                slug=slugs[t],
                title=titles[t],
                measure=table.measure.value,
                dimensions=table.dimensions,
                cells=cells,
                audit=report,
                loss=protected.loss[t].to_dict(),
                rules=rules_dict(rules),
                version=version,
                place=place,
                synthetic=synthetic,
                linked=tuple(s for s in slugs if s != slugs[t]),
                title_translations=dict(title_translations[t]) if title_translations else {},
            )
        )
    return out


def _value(
    table: Table, t: int, protected: Protected, i: int, persons: int | None
) -> int | float | None:
    """The published number: persons, or the magnitude for a magnitude table."""
    if persons is None:
        return None
    if table.measure is Measure.PERSONS or table.value is None:
        return persons
    value = table.value[i]
    return int(value) if float(value).is_integer() else round(float(value), 2)


def _codelist_json(dim: CodeList) -> dict[str, Any]:
    out = {
        "name": dim.name,
        "total": dim.total,
        "parent": dict(dim.parent),
        "labels": dict(dim.labels),
    }
    if dim.translations:  # {code: {language: label}}, where the code list gives any
        out["translations"] = {code: dict(t) for code, t in dim.translations.items() if t}
    return out


def to_json(table: PublishedTable) -> dict[str, Any]:
    """The table as JSON values (cells as ``{"key": [...], "status": ..., "value": ...}``)."""
    return {
        "format": FORMAT_VERSION,
        "slug": table.slug,
        "version": table.version,
        "title": table.title,
        "title_translations": dict(table.title_translations),
        "place": table.place,
        "measure": table.measure,
        "synthetic": table.synthetic,
        "note": SYNTHETIC_NOTE if table.synthetic else "",
        "linked": list(table.linked),
        "dimensions": [_codelist_json(d) for d in table.dimensions],
        "rules": dict(table.rules),
        "audit": dict(table.audit),
        "information_loss": dict(table.loss),
        "cells": [{"key": list(c.key), "status": c.status, "value": c.value} for c in table.cells],
    }


def from_json(data: Mapping[str, Any]) -> PublishedTable:
    """A table written by `to_json` (checked again: no number in a suppressed cell)."""
    try:
        dims = tuple(
            CodeList(
                d["name"],
                d["total"],
                dict(d["parent"]),
                dict(d.get("labels", {})),
                {code: dict(t) for code, t in d.get("translations", {}).items()},
            )
            for d in data["dimensions"]
        )
        cells = tuple(
            PublishedCell(tuple(c["key"]), c["status"], c["value"]) for c in data["cells"]
        )
        titles = data.get("title_translations", {})
        if not isinstance(titles, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in titles.items()
        ):
            raise OutputError(
                "not a published table: title_translations must map languages to text"
            )
        return PublishedTable(
            slug=data["slug"],
            title=data["title"],
            measure=data["measure"],
            dimensions=dims,
            cells=cells,
            audit=data["audit"],
            loss=data.get("information_loss", {}),
            rules=data["rules"],
            version=data.get("version", ""),
            place=data.get("place", ""),
            synthetic=bool(data.get("synthetic", False)),
            title_translations=dict(titles),
            linked=tuple(data.get("linked", ())),
        )
    except (KeyError, TypeError) as error:
        raise OutputError(f"not a published table: missing or bad {error}") from None


def _rows(table: PublishedTable) -> list[list[str]]:
    names = [d.name for d in table.dimensions]
    header = [*names, "cell_status", "value"]
    tags = [HXL_DIMENSIONS.get(n, f"#meta+{n}") for n in names]
    tags += [HXL_STATUS, HXL_MEASURES[Measure(table.measure)]]
    rows = [header, tags]
    for cell in table.cells:
        rows.append([*cell.key, cell.status, "" if cell.value is None else str(cell.value)])
    return rows


def csv_text(table: PublishedTable) -> str:
    """The CSV file: header, HXL hashtag row, one row per cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(_rows(table))
    return buffer.getvalue()


def datapackage(tables: Sequence[PublishedTable]) -> dict[str, Any]:
    """A Frictionless data package descriptor for the CSV files of ``tables``."""
    resources = []
    for table in tables:
        value_type = "integer" if table.measure != Measure.COST.value else "number"
        fields: list[dict[str, Any]] = [
            {
                "name": d.name,
                "type": "string",
                "constraints": {"required": True, "enum": list(d.codes)},
            }
            for d in table.dimensions
        ]
        fields.append(
            {
                "name": "cell_status",
                "type": "string",
                "description": "safe and empty cells are published; primary and secondary "
                "cells are suppressed and have no value",
                "constraints": {"required": True, "enum": [s.value for s in CellStatus]},
            }
        )
        fields.append(
            {
                "name": "value",
                "type": value_type,
                "description": f"{table.measure}; empty when the cell is suppressed",
                "constraints": {"minimum": 0},
            }
        )
        resources.append(
            {
                "name": table.slug,
                "path": f"{table.slug}.csv",
                "title": table.title,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"header": True, "headerRows": [1], "commentRows": [2]},
                "schema": {
                    "fields": fields,
                    "primaryKey": [d.name for d in table.dimensions],
                    "missingValues": [""],
                },
            }
        )
    first = tables[0]
    description = "Protected statistical tables: every suppressed cell is empty."
    if any(t.synthetic for t in tables):
        description += " " + SYNTHETIC_NOTE
    return {
        "name": first.slug,
        "title": first.title,
        "description": description,
        "profile": "tabular-data-package",
        "version": first.version or "0",
        "resources": resources,
    }


def write_package(tables: Sequence[PublishedTable], directory: Path) -> list[Path]:
    """Write ``<slug>.csv`` and ``<slug>.json`` per table, ``datapackage.json`` and
    ``audit.json``; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        if not table.passed:
            raise OutputError(f"table {table.slug} has not passed the audit")
        path = directory / f"{table.slug}.csv"
        path.write_text(csv_text(table), encoding="utf-8")
        written.append(path)
        path = directory / f"{table.slug}.json"
        path.write_text(json.dumps(to_json(table), indent=1), encoding="utf-8")
        written.append(path)
    path = directory / "datapackage.json"
    path.write_text(json.dumps(datapackage(tables), indent=1), encoding="utf-8")
    written.append(path)
    written.append(write_audit(dict(tables[0].audit), directory))
    return written


def write_audit(report: Mapping[str, Any], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "audit.json"
    path.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return path


def read_package(directory: Path) -> list[PublishedTable]:
    """The tables of a directory written by `write_package`, in the package's order."""
    try:
        package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
        names = [r["name"] for r in package["resources"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise OutputError(f"{directory}: no readable datapackage.json ({error})") from None
    out = []
    for name in names:
        path = directory / f"{name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise OutputError(f"{path}: {error}") from None
        out.append(from_json(data))
    return out


def reaudit(tables: Sequence[PublishedTable], rules: Rules | None = None) -> AuditReport:
    """Run the audit again over published tables (one linked set), from their values alone.

    The suppressed numbers are not in the files, so they are replaced by a solution the
    attacker could find (non-negative inner cells consistent with every published value);
    the exact and interval checks depend only on the published values and the structure,
    so they give the verdict they gave on the real numbers (the singleton check, which
    needs to know which cells hold one person, runs on the attacker's solution instead).
    A set whose files contradict themselves fails. Magnitude tables
    cannot be re-audited this way (the p% rule needs the contributions), and fail closed.
    """
    report = AuditReport()
    try:
        if rules is None:
            rules = rules_from_dict(tables[0].rules)
        if any(t.measure != Measure.PERSONS.value for t in tables):
            raise OutputError("only frequency tables can be re-audited from published values")
        filled, inner = _filled(tables)
    except Exception as err:  # fail closed
        report.failures.append(Failure("error", "", (), f"{type(err).__name__}: {err}"))
        return report
    statuses = [[CellStatus(c.status) for c in t.cells] for t in tables]
    return audit(filled, statuses, rules, inner=inner)


def _filled(tables: Sequence[PublishedTable]) -> tuple[list[Table], Table]:
    dims = linked_dimensions([_shape(t) for t in tables])
    inner_keys = list(itertools.product(*(d.leaves for d in dims)))
    col = {k: j for j, k in enumerate(inner_keys)}

    def inner_of(table: PublishedTable, key: tuple[str, ...]) -> list[int]:
        at = {d.name: i for i, d in enumerate(table.dimensions)}
        pools = [
            dim.leaves_under(key[at[dim.name]]) if dim.name in at else dim.leaves for dim in dims
        ]
        return [col[combo] for combo in itertools.product(*pools)]

    rows: list[int] = []
    cols: list[int] = []
    rhs: list[float] = []
    for table in tables:
        for cell in table.cells:
            if cell.value is None:
                continue
            idx = inner_of(table, cell.key)
            rows += [len(rhs)] * len(idx)
            cols += idx
            rhs.append(float(cell.value))
    a = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(rhs), len(inner_keys)))
    res = linprog(
        np.zeros(len(inner_keys)), A_eq=a, b_eq=np.asarray(rhs), bounds=(0, None), method="highs"
    )
    if res.status != 0:
        raise OutputError(f"the published values contradict each other ({res.message})")
    z = np.round(res.x, 9)
    out = []
    for table in tables:
        values = [float(z[inner_of(table, c.key)].sum()) for c in table.cells]
        keys = [c.key for c in table.cells]
        # The attacker's solution need not be whole numbers; the audit reads them as numbers.
        out.append(Table(table.slug, table.dimensions, keys, cast(list[int], values)))
    inner = Table("inner", dims, inner_keys, cast(list[int], [float(v) for v in z]))
    return out, inner


def _shape(table: PublishedTable) -> Table:
    return Table(table.slug, table.dimensions, [], [])
