from collections.abc import Iterator
from typing import Any

from atlas.core import entitlement_format
from atlas.entitlements.actions import import_entitlements
from atlas.lib.commands import ImportCommand, Rows


class Command(ImportCommand):
    help = (
        "Import entitlements from a JSON Lines or CSV file (docs/formats.md), all-or-nothing. "
        "A record starting after the period in force closes it, so history is kept."
    )

    def read_csv(self, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
        return entitlement_format.read_csv(text)

    def import_rows(self, rows: Rows, unit: str) -> str:
        result = import_entitlements(rows=rows, unit=unit)
        return (
            f"Imported {result.created + result.updated} entitlements "
            f"({result.created} new periods, {result.updated} replaced, "
            f"{result.closed} earlier periods closed)."
        )
