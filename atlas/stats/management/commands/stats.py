import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atlas.core.stats.aggregate import StatsInputError
from atlas.core.stats.guard import IdentifierRefused
from atlas.core.stats.output import OutputError, from_json, read_package, reaudit, write_audit
from atlas.core.stats.primary import TooSparse
from atlas.core.stats.spec import SpecError, default_codelists, default_specs, load_spec
from atlas.stats import actions
from atlas.stats.models import StatsTable

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Statistics: 'tabulate INPUT --spec SPEC --out DIR' guards, tabulates and protects "
        "record-level data and writes the protected tables (CSV with HXL, datapackage.json, "
        "JSON, audit.json), or only audit.json when the audit fails; 'audit TABLE' runs the "
        "audit again on a written table directory or a stored table id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        tab = sub.add_parser("tabulate", help="tabulate and protect records")
        tab.add_argument("input", help="records, CSV or Parquet")
        tab.add_argument(
            "--spec",
            action="append",
            required=True,
            help="a shipped spec slug or a spec TOML file; repeat for a linked set",
        )
        tab.add_argument("--out", required=True, help="directory for the files")
        tab.add_argument("--engine", choices=actions.ENGINES, default="duckdb")
        tab.add_argument("--place", default="", help="the place the records are about")
        tab.add_argument("--synthetic", action="store_true", help="label the tables synthetic")
        aud = sub.add_parser("audit", help="run the audit again")
        aud.add_argument("table", help="a table directory, or a stored table id")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "tabulate":
            self.tabulate(options)
        else:
            self.audit(options["table"])

    def _bar(self, stage: str, fraction: float) -> None:
        done = int(BAR_WIDTH * max(0.0, min(1.0, fraction)))
        sys.stderr.write(f"\r[{'#' * done}{'.' * (BAR_WIDTH - done)}] {fraction:4.0%} {stage:<40}")
        if fraction >= 1.0:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def tabulate(self, options: dict[str, Any]) -> None:
        specs = []
        for name in options["spec"]:
            path = Path(name)
            try:
                spec = load_spec(path, default_codelists()) if path.suffix == ".toml" else None
            except SpecError as error:
                raise CommandError(str(error)) from None
            if spec is None:
                if name not in default_specs():
                    raise CommandError(
                        f"unknown spec {name!r}; shipped: {', '.join(default_specs())}"
                    )
                spec = default_specs()[name]
            specs.append(spec)
        out = Path(options["out"])
        try:
            outcome = actions.run(
                Path(options["input"]),
                specs,
                engine=options["engine"],
                place_name=options["place"],
                synthetic=options["synthetic"],
                progress=self._bar,
                spark=options.get("spark"),
            )
        except IdentifierRefused as refused:
            raise CommandError(str(refused)) from None
        except (StatsInputError, TooSparse, actions.RunRefused) as refused:
            raise CommandError(str(refused)) from None
        if outcome.tables is None:
            path = write_audit(outcome.report, out)
            raise CommandError(f"the audit failed; no table written, the report is in {path}")
        from atlas.core.stats.output import write_package

        for path in write_package(outcome.tables, out):
            self.stdout.write(str(path))

    def audit(self, target: str) -> None:
        path = Path(target)
        try:
            if path.is_dir():
                tables = read_package(path)
            elif target.isdigit():
                row = StatsTable.objects.filter(pk=int(target)).first()
                if row is None or not row.cells:
                    raise CommandError(f"no stored table {target} with cells")
                tables = [from_json(row.cells)]
                if row.run:
                    others = StatsTable.objects.filter(run=row.run).exclude(pk=row.pk)
                    tables += [from_json(o.cells) for o in others if o.cells]
            else:
                raise CommandError(f"{target}: not a table directory or a stored table id")
        except OutputError as error:
            raise CommandError(str(error)) from None
        report = reaudit(tables)
        stored_ok = all(t.passed for t in tables)
        self.stdout.write(json.dumps(report.to_dict(), indent=1))
        if not report.passed or not stored_ok:
            why = "the stored audit did not pass" if not stored_ok else "the audit failed"
            raise CommandError(why)
