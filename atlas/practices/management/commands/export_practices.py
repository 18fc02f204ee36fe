import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from atlas.core.practice_format import write_csv, write_jsonl
from atlas.practices.actions import export_queryset, export_record


class Command(BaseCommand):
    help = "Export practices as JSON Lines or CSV, in the format import-practices reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
        parser.add_argument(
            "--all",
            action="store_true",
            help="include drafts, submissions and archived practices (default: published only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        practices = export_queryset()
        if not options["all"]:
            practices = practices.published()
        records = (export_record(p) for p in practices)
        lines = write_csv(records) if options["format"] == "csv" else write_jsonl(records)
        output = Path(options["output"]) if options["output"] else None
        if output is None:
            for line in lines:
                sys.stdout.write(line)
            return
        with output.open("w", encoding="utf-8", newline="") as handle:
            handle.writelines(lines)
        self.stderr.write(f"Wrote {output}")
