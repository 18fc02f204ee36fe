import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atlas.core.hsds import ConfidentialLocationError
from atlas.directory.actions import export_json, export_tabular


class Command(BaseCommand):
    help = (
        "Export the published services as HSDS 3.1 JSON (a list of service objects) or as "
        "the HSDS Tabular Data Package (a directory of CSV files and datapackage.json). "
        "Confidential locations keep only their coarse area."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "tabular"], default="json")
        parser.add_argument(
            "--output", "-o", help="file (json; default stdout) or directory (tabular)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["format"] == "tabular":
                if not options["output"]:
                    raise CommandError("--format tabular needs -o DIRECTORY")
                path = export_tabular(Path(options["output"]))
                self.stderr.write(f"Wrote {path}")
                return
            text = json.dumps(export_json(), indent=2, ensure_ascii=False) + "\n"
        except ConfidentialLocationError as error:
            raise CommandError(str(error)) from None
        if not options["output"]:
            sys.stdout.write(text)
            return
        Path(options["output"]).write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote {options['output']}")
