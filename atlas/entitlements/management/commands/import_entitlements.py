from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atlas.core.entitlement_format import read_csv
from atlas.core.records import read_jsonl
from atlas.entitlements.actions import ImportRefused, import_entitlements


class Command(BaseCommand):
    help = (
        "Import entitlements from a JSON Lines or CSV file (docs/formats.md), all-or-nothing. "
        "A record starting after the period in force closes it, so history is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a .jsonl or .csv file")
        parser.add_argument(
            "--format", choices=["jsonl", "csv"], help="default: from the extension"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        file_format = options["format"] or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{path}: not UTF-8 text (byte {error.start})") from None
        rows = read_csv(text) if file_format == "csv" else read_jsonl(text.splitlines())
        try:
            result = import_entitlements(rows=rows, unit="row" if file_format == "csv" else "line")
        except ImportRefused as refused:
            raise CommandError(f"{path}: {refused}") from None
        self.stdout.write(
            f"Imported {result.created + result.updated} entitlements "
            f"({result.created} new periods, {result.updated} replaced, "
            f"{result.closed} earlier periods closed)."
        )
