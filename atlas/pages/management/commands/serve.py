import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Serve the platform with gunicorn (static files by whitenoise). "
        "No access log is written: see docs/privacy.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("ATLAS_WORKERS", "2")),
            help="worker processes (default: ATLAS_WORKERS or 2)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bind = f"{options['host']}:{options['port']}"
        if ":" in options["host"]:
            bind = f"[{options['host']}]:{options['port']}"
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "atlas.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            # Gunicorn writes no access log unless asked; say so explicitly.
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("ATLAS_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        self.stdout.write(f"Serving Access Atlas at http://{bind}/")
        sys.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606
