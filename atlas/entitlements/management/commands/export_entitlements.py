import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from atlas.core.entitlement_format import write_csv, write_jsonl
from atlas.entitlements.actions import export_queryset, export_record


class Command(BaseCommand):
    help = "Export every entitlement period (history included) as JSON Lines or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        parser.add_argument("--output", "-o", help="file to write (default: stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        records = (export_record(e) for e in export_queryset())
        lines = write_csv(records) if options["format"] == "csv" else write_jsonl(records)
        if not options["output"]:
            for line in lines:
                sys.stdout.write(line)
            return
        with Path(options["output"]).open("w", encoding="utf-8", newline="") as handle:
            handle.writelines(lines)
        self.stderr.write(f"Wrote {options['output']}")
