"""The stats API: published tables whose audit passed, and nothing else."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from atlas.lib.languages import checked_language
from atlas.stats.models import StatsTable
from atlas.stats.presentation import code_label

router = Router(tags=["stats"])


class TableSummaryOut(Schema):
    id: int
    slug: str
    title: str
    place: str
    synthetic: bool
    published_at: str | None


class CellOut(Schema):
    key: list[str]
    status: str
    value: int | float | None


class TableOut(TableSummaryOut):
    dimensions: list[str]
    labels: dict[str, dict[str, str]]
    measure: str
    rules: dict[str, Any]
    audit: dict[str, Any]
    information_loss: dict[str, Any]
    cells: list[CellOut]


def _summary(row: StatsTable, language: str) -> dict[str, Any]:
    return {
        "id": row.pk,
        "slug": row.slug,
        "title": row.title_in(language)[0],
        "place": row.place.name,
        "synthetic": row.synthetic,
        "published_at": row.published_at.isoformat() if row.published_at else None,
    }


@router.get("/tables", response=list[TableSummaryOut], summary="Published, audited tables")
def list_tables(request: HttpRequest, language: str = "en") -> list[dict[str, Any]]:
    """``title``: in ``language`` where the table carries a translation, else in English."""
    language = checked_language(language)
    rows = StatsTable.objects.released().select_related("place")
    return [_summary(row, language) for row in rows if row.passed]


@router.get("/tables/{table_id}", response=TableOut, summary="One published, audited table")
def get_table(request: HttpRequest, table_id: int, language: str = "en") -> dict[str, Any]:
    """``title`` and ``labels`` (every code of every dimension) in ``language``: English where
    the table or its code list has no translation."""
    language = checked_language(language)
    row = StatsTable.objects.released().select_related("place").filter(pk=table_id).first()
    if row is None or not row.passed:
        raise HttpError(404, "Not Found")
    table = row.table()
    return {
        **_summary(row, language),
        "dimensions": [d.name for d in table.dimensions],
        "labels": {
            d.name: {code: code_label(d, code, language)[0] for code in d.codes}
            for d in table.dimensions
        },
        "measure": table.measure,
        "rules": dict(table.rules),
        "audit": dict(row.audit),
        "information_loss": dict(row.information_loss),
        "cells": [{"key": list(c.key), "status": c.status, "value": c.value} for c in table.cells],
    }
