"""View models for the stats pages: margins by one dimension, charts, the suppression note."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from atlas.core.charts import Bar, bar_chart
from atlas.core.stats.output import PublishedTable
from atlas.core.stats.tables import CellStatus

HIDDEN = {CellStatus.PRIMARY.value, CellStatus.SECONDARY.value}
CHART_DIMENSIONS = ("age", "gender", "status", "area", "service")


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    status: str
    value: Any  # the number, or None when suppressed

    @property
    def suppressed(self) -> bool:
        return self.status in HIDDEN


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    rows: list[Row]
    chart: str


def status_label(status: str) -> str:
    return {
        "safe": _("published"),
        "empty": _("zero"),
        "primary": _("suppressed (too few persons, or would reveal a status)"),
        "secondary": _("suppressed (so that other cells cannot be recomputed)"),
    }.get(status, status)


def breakdowns(table: PublishedTable, direction: str = "ltr") -> list[Breakdown]:
    """For each dimension, its codes one level below the total, every other dimension at
    its total (age: the five-year bands)."""
    by_key = {c.key: c for c in table.cells}
    totals = tuple(d.total for d in table.dimensions)
    out = []
    for j, dim in enumerate(table.dimensions):
        if dim.name not in CHART_DIMENSIONS:
            continue
        codes = dim.leaves if dim.name == "age" else dim.children[dim.total]
        rows = []
        for code in codes:
            cell = by_key.get((*totals[:j], code, *totals[j + 1 :]))
            if cell is None:
                continue
            rows.append(Row(code, dim.labels.get(code, code), cell.status, cell.value))
        top = max((float(r.value) for r in rows if r.value is not None), default=0.0) or 1.0
        bars = [
            Bar(
                label=r.label,
                value=None if r.value is None else 100.0 * float(r.value) / top,
                value_text=None if r.value is None else str(r.value),
            )
            for r in rows
        ]
        chart = bar_chart(
            bars,
            title=_("Persons by %(dimension)s") % {"dimension": dim.name},
            description=_(
                "Bar length relative to the largest published value; suppressed cells are "
                "written as suppressed and drawn without a bar. The table below gives the "
                "same figures."
            ),
            missing_text=_("suppressed"),
            direction=direction,
            id_prefix=f"chart-{j}",
            # Bars are relative to the largest count: a 0–100 scale would read as percentages.
            scale_values=False,
        )
        out.append(Breakdown(dim.name, rows, chart))
    return out


def suppression_note(table: PublishedTable) -> dict[str, Any]:
    loss = dict(table.loss)
    rules = dict(table.rules)
    return {
        "cells": loss.get("cells", len(table.cells)),
        "primary": loss.get("primary", 0),
        "secondary": loss.get("secondary", 0),
        "share": round(100 * float(loss.get("suppressed_persons_share", 0.0)), 2),
        "threshold": rules.get("threshold"),
        "p": rules.get("p"),
        "status_dimension": rules.get("status_dimension"),
        "total_suppressed": loss.get("total_suppressed", False),
    }


def cell_rows(table: PublishedTable) -> list[dict[str, Any]]:
    return [
        {
            "key": c.key,
            "status": c.status,
            "status_label": status_label(c.status),
            "value": c.value,
            "suppressed": c.status in HIDDEN,
        }
        for c in table.cells
    ]
