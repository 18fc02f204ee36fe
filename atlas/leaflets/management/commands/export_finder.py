from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from atlas.leaflets import export


class Command(BaseCommand):
    help = (
        "Write the finder (home, place, results for each need, services, rights) and the "
        "leaflets (HTML and PDF) for chosen places and languages as static files with "
        "relative links, to serve from any web server, a USB stick or a phone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="folder to write (created if missing)")
        parser.add_argument(
            "--place",
            action="append",
            default=[],
            help="place id or name (repeat; default: every place with published services)",
        )
        parser.add_argument(
            "--language",
            action="append",
            default=[],
            help="language code (repeat; default: all eight)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes = [code for code, _name in settings.LANGUAGES]
        languages = options["language"] or codes
        unknown = [code for code in languages if code not in codes]
        if unknown:
            raise CommandError(f"unknown language {', '.join(unknown)}; use {', '.join(codes)}")
        try:
            place_ids = export.choose_places(options["place"])
        except LookupError as error:
            raise CommandError(str(error)) from error
        if not place_ids:
            raise CommandError("no place to export: no published service in the directory")
        directory = Path(options["directory"])
        try:
            result = export.export_finder(
                directory,
                place_ids=place_ids,
                languages=languages,
                services=export.published_services(place_ids),
            )
        except export.ExportError as error:
            raise CommandError(str(error)) from error
        pdfs = sum(1 for page in result.pages if page.kind == "pdf")
        self.stdout.write(
            f"Wrote {len(result.pages) - pdfs} pages, {pdfs} PDF leaflets and "
            f"{len(result.static_files)} static files to {directory} "
            f"({len(place_ids)} places, {len(languages)} languages): "
            f"open {directory / 'index.html'}"
        )
