"""View models for the stats pages: margins by one dimension, charts, the suppression note.

Dimension names come from the message catalogues; code labels from the code list file
(``core/data/stats/codelists.toml``), in the reader's language where it gives one.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from atlas.core.charts import NARROW_WIDTH, Bar, bar_chart
from atlas.core.stats.output import PublishedTable
from atlas.core.stats.spec import default_codelists
from atlas.core.stats.tables import CellStatus, CodeList

HIDDEN = {CellStatus.PRIMARY.value, CellStatus.SECONDARY.value}

# The dimensions of the shipped code lists, named for readers. A dimension of another code
# list file shows its code list name.
DIMENSION_NAMES: dict[str, Promise] = {
    "area": pgettext_lazy("statistics dimension", "Area"),
    "age": pgettext_lazy("statistics dimension", "Age band"),
    "gender": pgettext_lazy("statistics dimension", "Gender"),
    "status": pgettext_lazy("statistics dimension", "Migration status group"),
    "service": pgettext_lazy("statistics dimension", "Service"),
}
# The dimensions charted, each with its chart's title: whole sentences, not "Persons by
# %(dimension)s", as languages inflect the name after "by".
CHART_TITLES: dict[str, Promise] = {
    "area": gettext_lazy("Persons by area"),
    "age": gettext_lazy("Persons by age band"),
    "gender": gettext_lazy("Persons by gender"),
    "status": gettext_lazy("Persons by migration status group"),
    "service": gettext_lazy("Persons by service"),
}
CHART_DIMENSIONS = tuple(CHART_TITLES)


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    status: str
    value: Any  # the number, or None when suppressed
    language: str = "en"  # the language of the label

    @property
    def suppressed(self) -> bool:
        return self.status in HIDDEN


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    rows: list[Row]
    chart: str
    name: str = ""  # the dimension's name in the reader's language


def dimension_name(name: str) -> str:
    """A dimension's name in the active language."""
    return str(DIMENSION_NAMES.get(name, name))


def code_label(dimension: CodeList, code: str, language: str) -> tuple[str, str]:
    """A code's label in ``language`` and the language it is written in.

    A table carries the translations of its code lists (tables stored before it did carry
    English labels only: for those, the translation is the shipped code list's, used only
    where that list gives the code the same English label, so a table made with another code
    list file of the same dimension name keeps its own English labels).
    """
    english = dimension.labels.get(code, code)
    own = dimension.translations.get(code, {}).get(language)
    if own:
        return own, language
    shipped = default_codelists().get(dimension.name)
    if shipped is not None and shipped.labels.get(code) == english:
        translated = shipped.translations.get(code, {}).get(language)
        if translated:
            return translated, language
    return english, "en"


def status_label(status: str) -> str:
    return {
        "safe": _("published"),
        "empty": _("zero"),
        "primary": _("suppressed (too few persons, or would reveal a status)"),
        "secondary": _("suppressed (so that other cells cannot be recomputed)"),
    }.get(status, status)


def breakdowns(
    table: PublishedTable, direction: str = "ltr", language: str = "en"
) -> list[Breakdown]:
    """For each dimension, its codes one level below the total, every other dimension at
    its total (age: the five-year bands), labelled in ``language``."""
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
            label, label_language = code_label(dim, code, language)
            rows.append(Row(code, label, cell.status, cell.value, label_language))
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
            title=str(CHART_TITLES[dim.name]),
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
            width=NARROW_WIDTH,  # legible on a phone (site.css keeps it narrow elsewhere)
        )
        out.append(Breakdown(dim.name, rows, chart, dimension_name(dim.name)))
    return out


def suppression_note(table: PublishedTable) -> dict[str, Any]:
    loss = dict(table.loss)
    rules = dict(table.rules)
    method = dict(loss.get("secondary_method") or {})
    return {
        "cells": loss.get("cells", len(table.cells)),
        "primary": loss.get("primary", 0),
        "secondary": loss.get("secondary", 0),
        "share": round(100 * float(loss.get("suppressed_persons_share", 0.0)), 2),
        "threshold": rules.get("threshold"),
        "p": rules.get("p"),
        "status_dimension": rules.get("status_dimension"),
        "total_suppressed": loss.get("total_suppressed", False),
        # The secondary cells are proved the fewest that protect the others.
        "proved_fewest": method.get("method") == "optimal"
        and bool(method.get("optimal_search", {}).get("proven_optimal")),
    }


def cell_rows(table: PublishedTable, language: str = "en") -> list[dict[str, Any]]:
    """Every cell, its codes labelled in ``language`` (each label with its own language)."""
    labels = [
        {code: code_label(dim, code, language) for code in dim.codes} for dim in table.dimensions
    ]
    return [
        {
            "key": c.key,
            "labels": [labels[j][code] for j, code in enumerate(c.key)],
            "status": c.status,
            "status_label": status_label(c.status),
            "value": c.value,
            "suppressed": c.status in HIDDEN,
        }
        for c in table.cells
    ]
