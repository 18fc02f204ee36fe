"""Measure the entitlements map page (/<lang>/entitlements/) on synthetic data.

Generates SYNTHETIC entitlements for N places (default 250: about 60% real ISO 3166-1
countries, 20% real ISO 3166-2 subdivisions of those countries and 20% made-up cities
below either), S real service slugs and G real group slugs from the vocabulary. Every
country records every service; subdivisions record about half and cities a few, so the
rest of their cells are inherited (city → subdivision → country). Each (place, service,
group) has one or two periods (an older closed one and a current one), so the date
filter matters, and one source. Every row says it is synthetic (`notes`, the source
title and URL, the city names).

    python benchmarks/entitlements.py [--places 250] [--services 30] [--groups 10]
                                      [--periods 2] [--repeat 50] [--seed 1]
                                      [--database sqlite|postgres|both]
                                      [--save-responses DIR] [--compare-responses DIR]

It then GETs the page through Django's test client (no network, the full middleware
stack) in three forms: the default page (first 50 places, today), every place on one
page (`per_page=all`) and the practice view at an earlier date. Each is warmed up,
then timed --repeat times, the pages taking turns with a baseline (GET /healthz, one
`SELECT 1`) so that noise from other processes spreads over all of them; figures are
reported with their ratio to the baseline median.

SQLite goes to a throwaway file under benchmarks/out/ (gitignored) with production's
connection settings (atlas/settings.py). PostgreSQL uses --postgres-url (default
postgres://postgres@127.0.0.1:5432/atlas_bench_entitlements), created when missing; it
refuses a database that holds anything but this script's synthetic data.

--save-responses DIR writes each page's HTML to DIR/<database>/; --compare-responses DIR
checks the pages are byte-identical to those saved earlier (for before/after runs of an
optimisation; the default page shows today's date, so compare on the same day).
The figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from atlas.entitlements.models import Entitlement
    from atlas.places.models import Place

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/atlas_bench_entitlements"
SYNTHETIC_NOTE = "SYNTHETIC benchmark data (benchmarks/entitlements.py); not a real entitlement."
SYNTHETIC_URL = "https://example.org/synthetic-entitlement/"
WARMUP = 3
BATCH = 2_000
# The group the default page shows (entitlements.views.group_param).
GROUP = "irregular-migrant"
# Before most synthetic changes (2021–2024) took effect, after most periods opened.
EARLIER = date(2022, 6, 1)
PAGES: list[tuple[str, dict[str, str]]] = [
    ("default page (50 places)", {}),
    ("per_page=all", {"per_page": "all"}),
    ("practice, earlier date", {"view": "practice", "on": EARLIER.isoformat()}),
]
LAW_LEVELS = (("full", 30), ("partial", 25), ("emergency-only", 15), ("none", 15), ("unclear", 15))
PRACTICE_LEVELS = (
    ("full", 15),
    ("partial", 25),
    ("emergency-only", 15),
    ("none", 15),
    ("unclear", 30),
)
COSTS = ("free", "reduced", "full-payment", "unclear")
DOCUMENTS = ("none", "alternatives-accepted", "valid-permit", "unclear")
FIREWALLS = ("legal-prohibition", "local-policy", "no-rule", "duty-to-report", "unclear")


@dataclass
class Result:
    """What one database run measured, in milliseconds where it is a time."""

    database: str
    version: str
    places: dict[str, int]
    entitlements: int
    services: int
    groups: int
    generation_seconds: float
    repeat: int
    pages: list[dict[str, Any]] = field(default_factory=list)
    baseline_ms: list[float] = field(default_factory=list)
    responses: str = ""


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--places", type=int, default=250)
    parser.add_argument("--services", type=int, default=30)
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument(
        "--periods",
        type=int,
        choices=(1, 2),
        default=2,
        help="most periods per place, service, group",
    )
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--save-responses", type=Path, metavar="DIR")
    parser.add_argument("--compare-responses", type=Path, metavar="DIR")
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.database == "both":
        # Django holds one database configuration per process: one child per engine.
        results = []
        for database in ("sqlite", "postgres"):
            with tempfile.TemporaryDirectory() as scratch:
                out = Path(scratch) / "result.json"
                command = [sys.executable, __file__, "--database", database, "--json", str(out)]
                for option in ("places", "services", "groups", "periods", "repeat", "seed"):
                    command += [f"--{option}", str(getattr(args, option))]
                command += ["--postgres-url", args.postgres_url]
                for option in ("save_responses", "compare_responses"):
                    if getattr(args, option):
                        command += [f"--{option.replace('_', '-')}", str(getattr(args, option))]
                subprocess.run(command, check=True)
                results.append(Result(**json.loads(out.read_text())))
    else:
        results = [run(args)]
        if args.json:
            args.json.write_text(json.dumps(results[0].__dict__))
            return
    print(render(results, args))
    if any(r.responses.startswith("DIFFERENT") for r in results):
        sys.exit(1)


def setup_django(args: argparse.Namespace) -> None:
    """Point Django at the benchmark database, set it up and migrate it."""
    if args.database == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"entitlements-{args.places}-seed{args.seed}.sqlite3"
        for stale in OUT.glob(f"{path.name}*"):
            stale.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        os.environ["DATABASE_URL"] = args.postgres_url
        create_postgres_database(args.postgres_url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "atlas.settings"
    # No key file written for a throwaway run.
    os.environ.setdefault("ATLAS_SECRET_KEY", "benchmark-only-not-secret")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        # Pages link hashed static files, as after `atlas setup`.
        call_command("collectstatic", interactive=False, verbosity=0)


def create_postgres_database(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    ) as admin:
        name = config["NAME"]
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")


def run(args: argparse.Namespace) -> Result:
    setup_django(args)
    from django.db import connection

    from atlas.entitlements.models import Entitlement
    from atlas.places.models import Place

    clear()
    started = time.perf_counter()
    services, groups = generate(args)
    generation = time.perf_counter() - started
    mapped = Place.objects.filter(entitlements__isnull=False).distinct()
    places = {kind: mapped.filter(kind=kind).count() for kind in ("country", "subdivision", "city")}
    entitlements = Entitlement.objects.count()
    total = sum(places.values())
    log(f"generated {entitlements:,} entitlements for {total} places in {generation:.1f} s")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = "PostgreSQL " + cursor.fetchone()[0]
            # Where autovacuum gets to after a bulk load: statistics and a visibility map.
            cursor.execute("VACUUM ANALYZE")
        else:
            # No ANALYZE: nothing runs it on a production SQLite file either.
            version = "SQLite " + sqlite3.sqlite_version
    result = Result(
        database=args.database,
        version=version,
        places=places,
        entitlements=entitlements,
        services=len(services),
        groups=len(groups),
        generation_seconds=generation,
        repeat=args.repeat,
    )
    measure(result, args)
    return result


def clear() -> None:
    """Empty the place and entitlement tables, refusing any data that is not synthetic."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from atlas.entitlements.models import Entitlement
    from atlas.places.models import Place
    from atlas.practices.models import Practice

    if connection.vendor != "postgresql":
        return  # A fresh file every run.
    # TRUNCATE … CASCADE reaches every table that refers to a place: refuse unless all empty.
    foreign = (
        Entitlement.objects.exclude(notes=SYNTHETIC_NOTE).exists()
        or Practice.objects.exists()
        or get_user_model().objects.exists()
        or Place.objects.filter(kind="city").exclude(name__contains="(synthetic city").exists()
    )
    if foreign:
        sys.exit(
            f"{connection.settings_dict['NAME']} holds data this benchmark did not generate; "
            "use an empty database"
        )
    with connection.cursor() as cursor:
        # Fresh ids each run, so the pages are byte-comparable between runs.
        cursor.execute(
            "TRUNCATE entitlements_entitlementsource, entitlements_entitlement, places_place "
            "RESTART IDENTITY CASCADE"
        )


# --- Generation ---------------------------------------------------------------------------


def generate(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """Write the synthetic places and entitlements; return the services and groups used."""
    from django.db import transaction

    from atlas.core import places as catalogue
    from atlas.core.vocabulary import default_vocabulary
    from atlas.entitlements.models import Entitlement, EntitlementSource
    from atlas.places.actions import load_regions_and_countries
    from atlas.places.models import Place

    rng = random.Random(args.seed)
    vocabulary = default_vocabulary()
    # Specific services (not the sectors above them), as recorded entitlements name them.
    leaves = [t.slug for t in vocabulary.terms("service") if t.parent is not None]
    services = leaves[: args.services]
    groups = [t.slug for t in vocabulary.terms("group")][: args.groups]
    if len(services) < args.services or len(groups) < args.groups:
        sys.exit(
            f"the vocabulary has {len(leaves)} services and {len(vocabulary.terms('group'))} groups"
        )

    n_cities = round(args.places * 0.2)
    n_subdivisions = round(args.places * 0.2)
    n_countries = args.places - n_cities - n_subdivisions
    with transaction.atomic():
        load_regions_and_countries()
        all_countries = list(Place.objects.filter(kind="country").order_by("code"))
        countries = rng.sample(all_countries, min(n_countries, len(all_countries)))
        n_cities += n_countries - len(countries)
        pool = [
            (sub, country)
            for country in countries
            for sub in catalogue.subdivisions(country.code)
            if sub.parent is None
        ]
        subdivisions = Place.objects.bulk_create(
            Place(
                kind="subdivision",
                code=sub.code,
                name=sub.name,
                normalized_name=catalogue.normalize_name(sub.name),
                country_code=country.code,
                parent=country,
            )
            for sub, country in sorted(rng.sample(pool, n_subdivisions), key=lambda p: p[0].code)
        )
        cities = []
        for number in range(1, n_cities + 1):
            # Half below a subdivision, half straight below a country.
            parent = rng.choice(subdivisions if number % 2 else countries)
            # Named after the parent, so cities sort among the other places on every page.
            name = f"{parent.name} (synthetic city {number})"
            cities.append(
                Place(
                    kind="city",
                    name=name,
                    normalized_name=catalogue.normalize_name(name),
                    country_code=parent.country_code,
                    parent=parent,
                )
            )
        cities = Place.objects.bulk_create(cities)

        rows: list[Entitlement] = []
        for place in [*countries, *subdivisions, *cities]:
            if place.kind == "country":
                own = services
            elif place.kind == "subdivision":
                own = rng.sample(services, rng.randint(len(services) // 3, 2 * len(services) // 3))
            else:
                own = rng.sample(services, rng.randint(1, max(1, len(services) // 3)))
            for service in sorted(own, key=services.index):
                for group in groups:
                    rows += periods(rng, place, service, group, args.periods)
        for start in range(0, len(rows), BATCH):
            batch = Entitlement.objects.bulk_create(rows[start : start + BATCH])
            EntitlementSource.objects.bulk_create(
                EntitlementSource(
                    entitlement=row,
                    title=f"Synthetic source {row.pk} (benchmark data, not a real source)",
                    url=f"{SYNTHETIC_URL}{row.pk}",
                    year=row.source_year,
                    accessed=row.last_verified,
                )
                for row in batch
            )
    return services, groups


def periods(
    rng: random.Random, place: Place, service: str, group: str, most: int
) -> list[Entitlement]:
    """One or two periods: an older closed one and the current one, or one open period."""
    from atlas.entitlements.models import Entitlement

    def row(start: date | None, end: date | None) -> Entitlement:
        verified = date(2024, 1, 1) + timedelta(days=rng.randrange(700))
        return Entitlement(
            place=place,
            service=service,
            group=group,
            effective_from=start,
            effective_to=end,
            law_level=weighted(rng, LAW_LEVELS),
            practice_level=weighted(rng, PRACTICE_LEVELS),
            cost=rng.choice(COSTS),
            documents=rng.choice(DOCUMENTS),
            firewall=rng.choice(FIREWALLS),
            notes=SYNTHETIC_NOTE,
            source_year=verified.year,
            last_verified=verified,
            verified_by="benchmark (synthetic)",
        )

    if most == 2 and rng.random() < 0.5:
        change = date(2021, 1, 1) + timedelta(days=rng.randrange(4 * 365))
        older = date(2015, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        return [row(older, change), row(change, None)]
    # One open period; some start after the earlier date measured, leaving a gap then.
    start = (
        None if rng.random() < 0.2 else date(2015, 1, 1) + timedelta(days=rng.randrange(9 * 365))
    )
    return [row(start, None)]


def weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


# --- Measurement --------------------------------------------------------------------------


def measure(result: Result, args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # A host in ALLOWED_HOSTS, without setup_test_environment's template instrumentation.
    client = Client(HTTP_HOST="127.0.0.1")

    def get(path: str, params: dict[str, str]) -> bytes:
        response = client.get(path, params)
        if response.status_code != 200:
            sys.exit(f"GET {path} {params} answered {response.status_code}")
        return response.content

    calls: list[tuple[str, str, dict[str, str]]] = [("baseline", "/healthz", {})] + [
        (name, "/en/entitlements/", {"group": GROUP, **params}) for name, params in PAGES
    ]
    bodies: dict[str, bytes] = {}
    queries: dict[str, int] = {}
    for name, path, params in calls:
        for _ in range(WARMUP):
            bodies[name] = get(path, params)
        with CaptureQueriesContext(connection) as captured:
            get(path, params)
        queries[name] = len(captured.captured_queries)
    times: dict[str, list[float]] = {name: [] for name, _, _ in calls}
    for round_number in range(result.repeat):
        for name, path, params in calls:
            started = time.perf_counter()
            get(path, params)
            times[name].append((time.perf_counter() - started) * 1000)
        if (round_number + 1) % 10 == 0:
            log(f"  round {round_number + 1}/{result.repeat}")
    result.baseline_ms = times.pop("baseline")
    for name, params in PAGES:
        body = bodies[name]
        result.pages.append(
            {
                "name": name,
                "query": "&".join(f"{k}={v}" for k, v in {"group": GROUP, **params}.items()),
                "rows": body.count(b'<th scope="row">'),
                "bytes": len(body),
                "sha256": hashlib.sha256(body).hexdigest(),
                "queries": queries[name],
                "ms": times[name],
            }
        )
    result.responses = compare_responses(result.database, bodies, args)


def compare_responses(database: str, bodies: dict[str, bytes], args: argparse.Namespace) -> str:
    """Save the page bodies, or check them against bodies saved by an earlier run."""
    names = {
        name: name.split(" (")[0].replace(" ", "-").replace(",", "").replace("=", "-")
        for name, _ in PAGES
    }
    if args.save_responses:
        folder = args.save_responses / database
        folder.mkdir(parents=True, exist_ok=True)
        for name, file in names.items():
            (folder / f"{file}.html").write_bytes(bodies[name])
    if not args.compare_responses:
        return ""
    folder = args.compare_responses / database
    different = [
        name
        for name, file in names.items()
        if not (folder / f"{file}.html").exists()
        or (folder / f"{file}.html").read_bytes() != bodies[name]
    ]
    if different:
        return f"DIFFERENT from {folder}: " + ", ".join(different)
    return f"byte-identical to {folder}"


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least `share` of them at or below."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def render(results: list[Result], args: argparse.Namespace) -> str:
    lines = [
        f"Machine: {os.cpu_count()} CPUs, {platform.platform()}, Python "
        f"{platform.python_version()}, " + ", ".join(r.version for r in results),
        "",
        f"Command: python benchmarks/entitlements.py --places {args.places} --services "
        f"{args.services} --groups {args.groups} --periods {args.periods} --repeat {args.repeat} "
        f"--seed {args.seed} --database {args.database}",
        "",
    ]
    for r in results:
        base = statistics.median(r.baseline_ms)
        kinds = ", ".join(f"{count} {kind}" for kind, count in r.places.items())
        lines += [
            f"### {r.version}: {sum(r.places.values())} places ({kinds}), {r.services} services, "
            f"{r.groups} groups, {r.entitlements:,} synthetic entitlements, generated in "
            f"{r.generation_seconds:.1f} s",
            "",
            f"{r.repeat} timed runs per page after {WARMUP} warm-up runs, taking turns with the "
            "baseline; Django test client, full middleware stack.",
            "",
            "| page | query | rows | queries | KB | p50 ms | p95 ms | max ms | p50 ÷ baseline |",
            "|---|---|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for page in r.pages:
            ms: list[float] = page["ms"]
            p50 = statistics.median(ms)
            lines.append(
                f"| {page['name']} | `{page['query']}` | {page['rows']} | {page['queries']} "
                f"| {page['bytes'] / 1024:,.0f} | {p50:.1f} | {percentile(ms, 0.95):.1f} "
                f"| {max(ms):.1f} | {p50 / base:,.0f}× |"
            )
        lines += [
            f"| baseline: `GET /healthz` | | | 1 | | {base:.2f} "
            f"| {percentile(r.baseline_ms, 0.95):.2f} | {max(r.baseline_ms):.2f} | 1× |",
            "",
        ]
        if r.responses:
            lines += [f"Responses: {r.responses}.", ""]
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
