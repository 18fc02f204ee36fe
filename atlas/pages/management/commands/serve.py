import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def threads(count: int) -> list[str]:
    """gunicorn's options for ``count`` threads per worker: sync workers for one."""
    if count <= 1:
        return ["--worker-class", "sync"]
    return ["--worker-class", "gthread", "--threads", str(count)]


class Command(BaseCommand):
    help = (
        "Serve the platform with gunicorn (static files by whitenoise): ATLAS_WORKERS "
        "processes of ATLAS_THREADS threads each (gthread workers). "
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
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("ATLAS_THREADS", "4")),
            help=(
                "threads per worker (default: ATLAS_THREADS or 4): gunicorn's gthread "
                "workers, which keep connections alive between requests and let a slow "
                "page (a PDF) not hold up the others; 1 gives sync workers. On two CPUs, "
                "2 workers of 4 threads served about 30 %% more finder pages than 2 sync "
                "workers (docs/benchmarks.md)"
            ),
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
            *threads(options["threads"]),
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
