from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atlas.core.practice_format import read_csv, read_jsonl
from atlas.practices.actions import ImportRefused, import_practices


class Command(BaseCommand):
    help = (
        "Import practices from a JSON Lines or CSV file (docs/formats.md), all-or-nothing: "
        "any bad line refuses the whole file and names the line and field."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a .jsonl or .csv file")
        parser.add_argument(
            "--format",
            choices=["jsonl", "csv"],
            help="the file's format (default: from its extension)",
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
            result = import_practices(rows=rows, unit="row" if file_format == "csv" else "line")
        except ImportRefused as refused:
            raise CommandError(f"{path}: {refused}") from None
        self.stdout.write(
            f"Imported {result.created + result.updated} practices "
            f"({result.created} new, {result.updated} replaced)."
        )
