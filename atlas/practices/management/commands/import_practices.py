from collections.abc import Iterator
from typing import Any

from atlas.core import practice_format
from atlas.lib.commands import ImportCommand, Rows
from atlas.practices.actions import import_practices


class Command(ImportCommand):
    help = (
        "Import practices from a JSON Lines or CSV file (docs/formats.md), all-or-nothing: "
        "any bad line refuses the whole file and names the line and field."
    )

    def read_csv(self, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
        return practice_format.read_csv(text)

    def import_rows(self, rows: Rows, unit: str) -> str:
        result = import_practices(rows=rows, unit=unit)
        return (
            f"Imported {result.created + result.updated} practices "
            f"({result.created} new, {result.updated} replaced)."
        )
