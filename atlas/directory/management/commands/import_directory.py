import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atlas.core import places as catalogue
from atlas.core.hsds import HsdsImportError
from atlas.directory.actions import import_hsds
from atlas.places.actions import resolve_place


class Command(BaseCommand):
    help = (
        "Import services from HSDS 3.1 JSON (a list, a page {'contents': [...]} or one "
        "service), all-or-nothing; errors name the record and the field. Services with "
        "sources, a last verified date and a keeper are published, the others kept as drafts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="HSDS 3.1 JSON file")
        parser.add_argument(
            "--place",
            help=(
                "place for services whose addresses name no known city: ISO code (ES, "
                "ES-CT) or CC:City (ES:Barcelona)"
            ),
        )
        parser.add_argument(
            "--draft", action="store_true", help="keep every imported service as a draft"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{path}: {error}") from None
        place = None
        if options["place"]:
            value = options["place"].strip()
            try:
                if ":" in value:
                    country, city = value.split(":", 1)
                    ref = catalogue.parse_place_ref({"country": country, "city": city})
                else:
                    ref = catalogue.parse_place_ref({"iso": value})
                place = resolve_place(ref)
            except catalogue.PlaceError as error:
                raise CommandError(f"--place: {error}") from None
        try:
            result = import_hsds(data, place=place, publish=not options["draft"])
        except HsdsImportError as error:
            raise CommandError(f"{path}: {error}") from None
        self.stdout.write(
            f"Imported {len(result.services)} services "
            f"({result.published} published, {result.drafts} drafts)."
        )
