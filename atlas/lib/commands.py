"""A base for the `import-…` commands: read a JSON Lines or CSV file, import it all-or-nothing."""

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atlas.core.records import ImportRefused, read_jsonl

Rows = Iterable[tuple[int, dict[str, Any]]]


class ImportCommand(BaseCommand):
    """Subclasses define `read_csv` (the format's CSV reader) and `import_rows`."""

    def read_csv(self, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a .jsonl or .csv file")
        parser.add_argument(
            "--format", choices=["jsonl", "csv"], help="the file's format (default: its extension)"
        )

    def import_rows(self, rows: Rows, unit: str) -> str:
        """Import the rows and return the line to print; raise ImportRefused on bad input."""
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        file_format = options["format"] or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{path}: not UTF-8 text (byte {error.start})") from None
        if file_format == "csv":
            rows, unit = self.read_csv(text), "row"
        else:
            rows, unit = read_jsonl(text.splitlines()), "line"
        try:
            self.stdout.write(self.import_rows(rows, unit))
        except ImportRefused as refused:
            raise CommandError(f"{path}: {refused}") from None
