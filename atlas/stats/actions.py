"""Every write of the stats app, and the one pipeline behind the web flow, the command and
the starter tables: guard → tabulate → protect → published tables. Record-level data only
passes through: it is read by the engine from a temporary file and never stored."""

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from atlas.core.stats.aggregate import DIMENSIONS, Progress
from atlas.core.stats.audit import Release
from atlas.core.stats.output import PublishedTable, published_tables, to_json
from atlas.core.stats.primary import Rules
from atlas.core.stats.protect import AuditFailed, ProtectionError, protect
from atlas.core.stats.spec import CodeLists, TableSpec, default_codelists
from atlas.core.stats.tables import CellStatus, Measure, Table
from atlas.places.models import Place
from atlas.stats.models import StatsTable, digest

ENGINES = ("duckdb", "spark")


class RunRefused(ValueError):
    """The run cannot go on; the message says why (a guard refusal names the column)."""


@dataclass
class Outcome:
    """What a run produced: the published tables (None when the audit failed), the audit
    report, and a log of stages with their timings."""

    tables: list[PublishedTable] | None
    report: dict[str, Any]
    log: list[tuple[str, float]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.tables is not None and bool(self.report.get("passed"))


class _Clock:
    def __init__(self, progress: Progress | None) -> None:
        self.start = time.perf_counter()
        self.log: list[tuple[str, float]] = []
        self.progress = progress

    def __call__(self, stage: str, fraction: float) -> None:
        """Tabulation reports 0..1; it is the first half of the run, protection the second."""
        self.log.append((stage, round(time.perf_counter() - self.start, 3)))
        if self.progress is not None:
            self.progress(stage, fraction if stage.startswith("audit") else fraction / 2)


def linked_rules(specs: Sequence[TableSpec]) -> Rules:
    """One linked set is protected under one set of rules: the specs must agree."""
    rules = {s.rules for s in specs}
    if len(rules) != 1:
        # Tables without the status dimension carry none; take the strictest of the rest.
        with_status = {r for r in rules if r.status_dimension is not None}
        same = {(r.threshold, r.p, r.nk, r.max_unsafe_share, r.secondary) for r in rules}
        if len(same) == 1 and with_status:
            return next(iter(with_status))
        raise RunRefused("the tables of one linked set must have the same rules")
    return next(iter(rules))


def inner_spec(specs: Sequence[TableSpec], rules: Rules) -> TableSpec | None:
    """The finest table over every dimension of the set, when no table of the set is it."""
    names = {d for s in specs for d in s.dimensions}
    if any(set(s.dimensions) == names for s in specs):
        return None
    ordered = tuple(d for d in DIMENSIONS if d in names)
    return TableSpec("atlas-inner", "1", "inner", ordered, specs[0].measure, rules)


def engine_for(name: str, spark: Any = None) -> Any:
    if name == "duckdb":
        from atlas.core.stats.engines.duckdb_engine import DuckDBEngine

        return DuckDBEngine()
    if name == "spark":
        from atlas.core.stats.engines.spark_engine import SparkEngine

        return SparkEngine(spark)
    raise RunRefused(f"unknown engine {name!r}; expected one of {', '.join(ENGINES)}")


def earlier_releases(
    place: Place | None, specs: Sequence[TableSpec], tables: dict[str, Table]
) -> list[Release]:
    """The published tables of the same place and spec, as earlier releases for the joint
    audit. Their suppressed numbers are not stored, so each is rebuilt on this run's counts;
    a published value that differs from this run's means other data: refused."""
    if place is None:
        return []
    out = []
    for spec in specs:
        for row in StatsTable.objects.released().filter(place=place, slug=spec.slug):
            current = tables[spec.slug]
            stored = row.table()
            if [c.key for c in stored.cells] != current.keys:
                raise RunRefused(f"{spec.slug}: an earlier release has other cells")
            for cell, persons in zip(stored.cells, current.persons, strict=True):
                if cell.value is not None and cell.value != persons:
                    raise RunRefused(
                        f"{spec.slug}: table {row.pk} already published for this place comes "
                        "from other data; the two could be differenced. Unpublish it, or "
                        "publish under a new table specification"
                    )
            earlier = Table(
                f"{spec.slug} (release {row.pk})",
                current.dimensions,
                list(current.keys),
                list(current.persons),
                current.measure,
            )
            statuses = tuple(CellStatus(c.status) for c in stored.cells)
            out.append(Release((earlier,), (statuses,)))
    return out


def run(
    input_path: Path,
    specs: Sequence[TableSpec],
    *,
    engine: str = "duckdb",
    place: Place | None = None,
    place_name: str = "",
    synthetic: bool = False,
    codelists: CodeLists | None = None,
    progress: Progress | None = None,
    spark: Any = None,
) -> Outcome:
    """Guard, tabulate and protect ``specs`` (one linked set) from the records at
    ``input_path``. Raises IdentifierRefused, StatsInputError, TooSparse or RunRefused;
    a failed audit gives an Outcome without tables."""
    if not specs:
        raise RunRefused("choose at least one table specification")
    if len({s.measure for s in specs}) != 1:
        raise RunRefused("the tables of one linked set must count the same measure")
    clock = _Clock(progress)
    rules = linked_rules(specs)
    inner = inner_spec(specs, rules)
    wanted = [*specs, *([inner] if inner is not None else [])]
    tables = engine_for(engine, spark).tabulate_many(
        input_path, wanted, codelists or default_codelists(), clock
    )
    published = earlier_releases(place, specs, tables)
    clock("protect", 1.0)
    try:
        protected = protect(
            [tables[s.slug] for s in specs],
            rules,
            published,
            inner=tables[inner.slug] if inner is not None else None,
        )
    except AuditFailed as failed:
        clock("audit failed", 1.0)
        return Outcome(None, failed.report.to_dict(), clock.log)
    except ProtectionError as error:  # no safe pattern exists beside what is already out
        raise RunRefused(f"no safe suppression pattern: {error}") from None
    clock("audit passed", 1.0)
    out = published_tables(
        protected,
        rules,
        slugs=[s.slug for s in specs],
        titles=[s.title for s in specs],
        version=specs[0].version,
        place=place.name if place is not None else place_name,
        synthetic=synthetic,
        title_translations=[s.title_translations for s in specs],
    )
    return Outcome(out, protected.audit.to_dict(), clock.log)


@transaction.atomic
def store_outcome(
    *, outcome: Outcome, place: Place, specs: Sequence[TableSpec], engine: str, user: Any
) -> str:
    """Keep a run's tables as drafts (or, when the audit failed, only its report); return the
    run id."""
    run_id = uuid.uuid4().hex
    if outcome.tables is None:
        for spec in specs:
            StatsTable.objects.create(
                place=place,
                run=run_id,
                slug=spec.slug,
                spec_version=spec.version,
                title=spec.title,
                engine=engine,
                status=StatsTable.Status.REFUSED,
                audit=outcome.report,
                created_by=user,
            )
        return run_id
    for spec, table in zip(specs, outcome.tables, strict=True):
        StatsTable.objects.create(
            place=place,
            run=run_id,
            slug=spec.slug,
            spec_version=spec.version,
            title=spec.title,
            engine=engine,
            synthetic=table.synthetic,
            cells=to_json(table),
            cells_digest=digest(to_json(table)),
            audit=outcome.report,
            information_loss=dict(table.loss),
            created_by=user,
        )
    return run_id


@transaction.atomic
def publish_run(*, run_id: str) -> int:
    """Publish the drafts of a run whose audit passed; return how many were published."""
    rows = list(StatsTable.objects.select_for_update().filter(run=run_id))
    if not rows or any(r.status != StatsTable.Status.DRAFT or not r.passed for r in rows):
        return 0
    now = timezone.now()
    for row in rows:
        row.status = StatsTable.Status.PUBLISHED
        row.published_at = now
        row.save(update_fields=["status", "published_at"])
    return len(rows)


STARTER_DIRECTORY = Path(__file__).resolve().parent / "starter"


@transaction.atomic
def load_starter_tables(place: Place | None = None) -> int:
    """Load the shipped starter tables (synthetic, protected, audited) for Demo City; return
    how many were added. Safe to run again."""
    from atlas.core.stats.output import read_package, reaudit
    from atlas.diagnostics.demo import demo_place

    place = place or demo_place()
    added = 0
    for directory in sorted(p for p in STARTER_DIRECTORY.iterdir() if p.is_dir()):
        tables = read_package(directory)
        if StatsTable.objects.filter(place=place, slug__in=[t.slug for t in tables]).exists():
            continue
        if not all(t.passed and t.synthetic for t in tables) or not reaudit(tables).passed:
            continue  # fail closed: a starter file that does not pass is not loaded
        run_id = uuid.uuid4().hex
        now = timezone.now()
        for table in tables:
            StatsTable.objects.create(
                place=place,
                run=run_id,
                slug=table.slug,
                spec_version=table.version,
                title=table.title,
                engine="duckdb",
                status=StatsTable.Status.PUBLISHED,
                synthetic=True,
                cells=to_json(table),
                cells_digest=digest(to_json(table)),
                audit=dict(table.audit),
                information_loss=dict(table.loss),
                published_at=now,
            )
            added += 1
    return added


# The starter set: two tables sharing the area dimension, protected together.
STARTER_RECORDS = 50_000
STARTER_SEED = 2026
# Small enough for the optimal search to prove its pattern the fewest cells (in a tenth of a
# second), which the tables' pages then say.
STARTER_RULES = Rules(threshold=10, p=15.0, status_dimension="status", secondary="optimal")


# The starter tables' titles in every language of atlas.core.languages.
STARTER_TITLES: dict[str, dict[str, str]] = {
    "starter-persons-by-area-status": {
        "en": "Persons using services by area and migration status group (synthetic)",
        "es": "Personas que usan servicios por zona y situación migratoria (sintético)",
        "fr": "Personnes ayant recours aux services par zone et statut migratoire (synthétique)",
        "ar": "الأشخاص المستفيدون من الخدمات حسب المنطقة وفئة وضع الهجرة (بيانات اصطناعية)",
        "pt": "Pessoas que utilizam serviços por área e situação migratória (sintético)",
        "ru": "Число людей, обращавшихся в службы, по районам и миграционному статусу "
        "(синтетические данные)",
        "uk": "Кількість осіб, які зверталися до служб, за районами та міграційним статусом "
        "(синтетичні дані)",
        "fa": "افراد استفاده‌کننده از خدمات بر حسب منطقه و وضعیت اقامتی (داده‌های ساختگی)",
    },
    "starter-persons-by-area-gender": {
        "en": "Persons using services by area and gender (synthetic)",
        "es": "Personas que usan servicios por zona y género (sintético)",
        "fr": "Personnes ayant recours aux services par zone et genre (synthétique)",
        "ar": "الأشخاص المستفيدون من الخدمات حسب المنطقة والجنس (بيانات اصطناعية)",
        "pt": "Pessoas que utilizam serviços por área e género (sintético)",
        "ru": "Число людей, обращавшихся в службы, по районам и полу (синтетические данные)",
        "uk": "Кількість осіб, які зверталися до служб, за районами та статтю (синтетичні дані)",
        "fa": "افراد استفاده‌کننده از خدمات بر حسب منطقه و جنسیت (داده‌های ساختگی)",
    },
}


def starter_specs() -> list[TableSpec]:
    return [
        TableSpec(
            "starter-persons-by-area-status",
            "2026.11",
            STARTER_TITLES["starter-persons-by-area-status"]["en"],
            ("area", "status"),
            Measure.PERSONS,
            STARTER_RULES,
            title_translations=STARTER_TITLES["starter-persons-by-area-status"],
        ),
        TableSpec(
            "starter-persons-by-area-gender",
            "2026.11",
            STARTER_TITLES["starter-persons-by-area-gender"]["en"],
            ("area", "gender"),
            Measure.PERSONS,
            STARTER_RULES,
            title_translations=STARTER_TITLES["starter-persons-by-area-gender"],
        ),
    ]


def build_starter(directory: Path, place_name: str = "Demo City") -> list[PublishedTable]:
    """Generate the synthetic records (fixed seed), protect the starter set and write its
    files to ``directory``; the records are deleted. Used to refresh the shipped files."""
    import tempfile

    from atlas.core.stats.output import write_package
    from atlas.core.stats.synthetic import generate

    with tempfile.TemporaryDirectory() as scratch:
        records = Path(scratch) / "records.parquet"
        generate(STARTER_RECORDS, seed=STARTER_SEED, path=records)
        outcome = run(records, starter_specs(), place_name=place_name, synthetic=True)
    if outcome.tables is None:
        raise RunRefused("the starter tables did not pass the audit")
    write_package(outcome.tables, directory)
    return outcome.tables
