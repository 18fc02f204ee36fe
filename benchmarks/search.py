"""Measure practice search (atlas/practices/search.py) on synthetic data.

Generates N synthetic published practices (default 100,000) straight into
practices_practice, practices_searchdocument and practices_facet, then times a
fixed mix of text-plus-facet queries through `search_practices`, exactly as the
HTML page and the API call it (facet counts on, 20 per page, by relevance).

    python benchmarks/search.py [--practices 100000] [--database sqlite|postgres|both]
                                [--repeat 50] [--seed 1] [--reuse]

SQLite goes to a throwaway file under benchmarks/out/ (gitignored), with the same
connection settings as production (atlas/settings.py). PostgreSQL uses DATABASE_URL
if set, else postgres://postgres@127.0.0.1:5432/atlas_bench, created when missing;
it refuses a database that holds any practice it did not generate.

Each query is warmed up, then run --repeat times, the queries taking turns so that
noise from other processes spreads over all of them. A trivial query (COUNT(*) over
practices_searchdocument) is timed in the same rounds as a baseline, so figures
from noisy machines can be compared as ratios. The figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/atlas_bench"
SLUG_PREFIX = "synthetic-"
BATCH = 5_000
WARMUP = 3
BASELINE_SQL = "SELECT COUNT(*) FROM practices_searchdocument"
# A query slower than this on its first run is timed only once (see measure).
SLOW_SECONDS = 10

# Queries: (name, text, filters). Words are chosen so that at 100,000 practices the
# common word matches about a third of them and the rarer word about 1% (the hit
# counts printed with the figures are the check). All prefix-match, as the site does.
QUERIES: list[tuple[str, str, dict[str, list[str]]]] = [
    ("common word", "access", {}),
    ("rarer word", "ombudsman", {}),
    ("two words", "municipal clinic", {}),
    ("accent-folded word", "padron", {}),
    ("word + 1 facet", "access", {"service": ["health"]}),
    (
        "word + 3 facets",
        "access",
        {"service": ["health"], "group": ["irregular-migrant"], "region": ["150"]},
    ),
    ("no text + 2 facets", "", {"barrier": ["documents-id"], "country": ["ES"]}),
    ("3-letter prefix", "reg", {}),
    # Not in the mix, but the library's first page: every practice, newest first.
    ("no text, no filters", "", {}),
]

# Function words, most frequent first: real text is mostly these.
FUNCTION_WORDS = (
    "the and of to in for a with by on is are was from as that at or their who this "
    "it be not its have has all which they an can were also been more other"
)
# Words the queries look for, with the share of practices whose text carries them.
PLANTED = {"access": 0.30, "ombudsman": 0.01, "municipal": 0.06, "clinic": 0.05}
SPANISH = (
    "padrón empadronamiento ayuntamiento atención población niños inscripción "
    "ciudadanía información asociación vivienda educación acogida regularización "
    "mediación salud tarjeta sanitaria trámites oficina vecinos derechos migración"
)
FRENCH = (
    "santé mairie accès égalité hôpital médecin école logement sécurité "
    "régularisation accueil aide sans-papiers préfecture démarches droits hébergement "
    "quartier état"
)
# Countries with a few of their cities, most frequent first; accents kept.
PLACES: dict[str, list[str]] = {
    "ES": ["Barcelona", "Madrid", "Málaga", "Córdoba", "València", "Bilbao"],
    "US": ["New York", "Chicago", "Los Angeles", "San Francisco", "Houston"],
    "DE": ["Berlin", "München", "Köln", "Hamburg", "Düsseldorf"],
    "FR": ["Paris", "Lyon", "Marseille", "Nantes", "Besançon"],
    "IT": ["Milano", "Napoli", "Torino", "Palermo", "Bologna"],
    "GB": ["London", "Glasgow", "Manchester", "Bristol", "Sheffield"],
    "CO": ["Bogotá", "Medellín", "Cúcuta", "Cali", "Barranquilla"],
    "NL": ["Amsterdam", "Utrecht", "Rotterdam", "Eindhoven"],
    "BE": ["Bruxelles", "Gent", "Liège", "Antwerpen"],
    "CH": ["Zürich", "Genève", "Bern", "Lausanne"],
    "MX": ["Ciudad de México", "Tijuana", "Querétaro", "Mérida"],
    "BR": ["São Paulo", "Rio de Janeiro", "Brasília", "Belém"],
    "CA": ["Toronto", "Montréal", "Vancouver", "Québec"],
    "SE": ["Stockholm", "Malmö", "Göteborg", "Uppsala"],
    "AR": ["Buenos Aires", "Rosario", "Córdoba", "Mendoza"],
    "PL": ["Warszawa", "Kraków", "Gdańsk", "Łódź"],
    "IE": ["Dublin", "Cork", "Galway"],
    "PT": ["Lisboa", "Porto", "Coimbra"],
    "AT": ["Wien", "Graz", "Linz"],
    "GR": ["Athína", "Thessaloníki"],
    "TR": ["İstanbul", "Gaziantep", "İzmir"],
    "JO": ["Amman", "Irbid"],
    "UG": ["Kampala", "Arua"],
    "KE": ["Nairobi", "Mombasa"],
    "ZA": ["Johannesburg", "Cape Town", "Durban"],
    "TH": ["Bangkok", "Chiang Mai"],
    "AU": ["Melbourne", "Sydney"],
    "UA": ["Kyiv", "Lviv"],
    "MA": ["Rabat", "Tanger"],
    "CL": ["Santiago", "Antofagasta"],
}
ACTOR_NAMES = {
    "local-government": "City Council",
    "regional-government": "Regional Government",
    "national-government": "Ministry of the Interior",
    "public-service-provider": "Public Health Service",
    "police": "Police Service",
    "ngo": "Solidarity Association",
    "faith-based-organisation": "Diocesan Charity",
    "migrant-organisation": "Migrant Workers Collective",
    "un-agency": "UNHCR country office",
    "international-organisation": "Council of Europe office",
    "research-body": "Migration Research Centre",
    "private-sector": "Savings Bank",
    "trade-union": "General Workers Union",
    "professional-body": "Bar Association",
    "court": "Administrative Court",
}
EVIDENCE = (("described", 0.6), ("outcomes-reported", 0.3), ("evaluated", 0.1))


@dataclass
class Result:
    """What one database run measured, in milliseconds where it is a time."""

    database: str
    version: str
    practices: int
    facet_rows: int
    generation_seconds: float | None
    size_mb: float
    repeat: int
    queries: list[dict[str, object]] = field(default_factory=list)
    baseline_ms: list[float] = field(default_factory=list)
    overall_ms: list[float] = field(default_factory=list)
    rebuild_ms: list[float] = field(default_factory=list)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--practices", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a database already holding these synthetic practices instead of rebuilding",
    )
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.database == "both":
        # Django holds one database configuration per process: one child per engine.
        results = []
        for database in ("sqlite", "postgres"):
            with tempfile.TemporaryDirectory() as scratch:
                out = Path(scratch) / "result.json"
                command = [sys.executable, __file__, "--database", database, "--json", str(out)]
                command += ["--practices", str(args.practices), "--repeat", str(args.repeat)]
                command += ["--seed", str(args.seed)] + (["--reuse"] if args.reuse else [])
                subprocess.run(command, check=True)
                results.append(Result(**json.loads(out.read_text())))
    else:
        results = [run(args.database, args.practices, args.repeat, args.seed, args.reuse)]
        if args.json:
            args.json.write_text(json.dumps(results[0].__dict__))
            return
    print(render(results, args))


def setup_django(database: str, practices: int, seed: int, reuse: bool) -> None:
    """Point Django at the benchmark database, set it up and migrate it."""
    if database == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"search-{practices}-seed{seed}.sqlite3"
        if not reuse:
            for stale in OUT.glob(f"{path.name}*"):
                stale.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        os.environ["DATABASE_URL"] = os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL
        create_postgres_database(os.environ["DATABASE_URL"])
    os.environ["DJANGO_SETTINGS_MODULE"] = "atlas.settings"
    # No key file written for a throwaway run.
    os.environ.setdefault("ATLAS_SECRET_KEY", "benchmark-only-not-secret")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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


def run(database: str, practices: int, repeat: int, seed: int, reuse: bool) -> Result:
    setup_django(database, practices, seed, reuse)
    from django.db import connection

    generation = None
    if not (reuse and holds_synthetic(practices, seed)):
        clear()
        started = time.perf_counter()
        generate(practices, seed)
        generation = time.perf_counter() - started
        log(f"generated {practices} practices in {generation:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM practices_facet")
        facet_rows = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = "PostgreSQL " + cursor.fetchone()[0]
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
        else:
            version = "SQLite " + sqlite3.sqlite_version
            path = Path(connection.settings_dict["NAME"])
            size = sum(p.stat().st_size for p in path.parent.glob(f"{path.name}*"))
    result = Result(
        database=database,
        version=version,
        practices=practices,
        facet_rows=facet_rows,
        generation_seconds=generation,
        size_mb=size / 1e6,
        repeat=repeat,
    )
    measure(result)
    return result


def holds_synthetic(practices: int, seed: int) -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), SUM(CASE WHEN slug LIKE %s THEN 1 ELSE 0 END) "
            "FROM practices_practice",
            [f"{SLUG_PREFIX}s{seed}-%"],
        )
        total, ours = cursor.fetchone()
    return total == practices and ours == practices


def clear() -> None:
    """Empty the practice tables, refusing if any practice is not synthetic."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM practices_practice WHERE slug NOT LIKE %s", [f"{SLUG_PREFIX}%"]
        )
        if cursor.fetchone()[0]:
            sys.exit(
                f"{connection.settings_dict['NAME']} holds practices that are not synthetic; "
                "use an empty database for the benchmark"
            )
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE practices_practice CASCADE")
        else:
            # A fresh file: nothing to clear unless --reuse found a different set.
            cursor.execute("DELETE FROM practices_facet")
            cursor.execute("DELETE FROM practices_searchdocument")
            cursor.execute("DELETE FROM practices_practice")


# --- Generation ---------------------------------------------------------------------------


class Generator:
    """Builds synthetic practices from a seed; the same seed gives the same rows."""

    def __init__(self, seed: int) -> None:
        from atlas.core import places
        from atlas.core.languages import LANGUAGES
        from atlas.core.text import fold
        from atlas.core.vocabulary import default_vocabulary

        self.rng = random.Random(seed)
        self.seed = seed
        self.fold = fold
        self.folded: dict[str, str] = {}
        vocabulary = default_vocabulary()

        # English words of the vocabulary's labels and definitions, in a shuffled Zipf order
        # after the function words.
        function_words = FUNCTION_WORDS.split()
        words: dict[str, None] = {}
        for kind in ("service", "group", "barrier", "measure", "actor-type"):
            for term in vocabulary.terms(kind):
                for word in f"{term.labels['en']} {term.definition}".split():
                    word = word.strip("().,;:’'\"").lower()
                    if word.isalpha() and word not in PLANTED and word not in function_words:
                        words[word] = None
        content = sorted(words)
        self.rng.shuffle(content)
        self.pool = function_words + content
        self.cum_weights = list(accumulate(1 / (rank + 1) for rank in range(len(self.pool))))

        self.terms: dict[str, list[str]] = {}
        self.term_weights: dict[str, list[float]] = {}
        self.labels: dict[tuple[str, str], str] = {}
        self.sector: dict[str, str] = {}
        for kind in ("service", "group", "barrier", "measure"):
            slugs = [term.slug for term in vocabulary.terms(kind)]
            self.rng.shuffle(slugs)
            self.terms[kind] = slugs
            self.term_weights[kind] = [1 / (rank + 1) ** 0.7 for rank in range(len(slugs))]
            for term in vocabulary.terms(kind):
                self.labels[(kind, term.slug)] = fold("\n".join(term.labels.values()))
        for term in vocabulary.terms("service"):
            self.sector[term.slug] = vocabulary.sector_of(term.slug).slug
        self.actor_types = [term.slug for term in vocabulary.terms("actor-type")]
        self.countries = list(PLACES)
        self.country_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(self.countries))]
        self.country_text = {
            code: fold("\n".join(sorted({places.country_name(code, lang) for lang in LANGUAGES})))
            for code in self.countries
        }
        self.country_regions = {code: places.country_regions(code) for code in self.countries}

    def text(self, words: list[str]) -> tuple[str, str]:
        """The text and its folded form; fold() works character by character, so folding
        each distinct word once gives the same result as folding the whole text."""
        folded = []
        for word in words:
            if word not in self.folded:
                self.folded[word] = self.fold(word)
            folded.append(self.folded[word])
        return " ".join(words), " ".join(folded)

    def sentence(self, length: int, extra: list[str]) -> list[str]:
        words = self.rng.choices(self.pool, cum_weights=self.cum_weights, k=length)
        for word in extra:
            words.insert(self.rng.randrange(len(words) + 1), word)
        return words

    def pick(self, kind: str) -> list[str]:
        """2 to 6 distinct terms of one kind, the popular ones more often."""
        wanted = self.rng.randint(2, 6)
        chosen: dict[str, None] = {}
        while len(chosen) < wanted:
            chosen[self.rng.choices(self.terms[kind], self.term_weights[kind])[0]] = None
        return list(chosen)

    def practice(self, number: int) -> tuple[tuple[object, ...], tuple[object, ...], list]:
        """One practice: its practices_practice row, its search document and its facets."""
        rng = self.rng
        codes = rng.choices(self.countries, self.country_weights, k=rng.choice((1, 1, 1, 2)))
        codes = list(dict.fromkeys(codes))
        city = rng.choice(PLACES[codes[0]]) if rng.random() < 0.6 else None
        language = "en"
        local: list[str] = []
        if codes[0] in ("ES", "CO", "MX", "AR", "CL"):
            local = SPANISH.split()
        elif codes[0] in ("FR", "BE", "CH", "MA"):
            local = FRENCH.split()
        planted = [word for word, share in PLANTED.items() if rng.random() < share]
        if local and rng.random() < 0.5:
            language = "es" if codes[0] not in ("FR", "BE", "CH", "MA") else "fr"
            planted += rng.sample(local, rng.randint(3, 8))
        tags = {kind: self.pick(kind) for kind in self.terms}
        actor = rng.choices(self.actor_types, [1 / (r + 1) for r in range(15)])[0]
        evidence = rng.choices([e for e, _ in EVIDENCE], [w for _, w in EVIDENCE])[0]
        year = min(2026, int(1990 + 36 * rng.random() ** 0.6))
        published = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(2 * 10**8))

        # Planted words go where a reader would find them: title, summary or description.
        spots: list[list[str]] = [[], [], []]
        for word in planted:
            spots[rng.choices((0, 1, 2), (1, 2, 4))[0]].append(word)
        title_words = self.sentence(rng.randint(5, 9), spots[0])
        title_words[0] = title_words[0].capitalize()
        if city:
            title_words.insert(0, city + ":")
        title, title_folded = self.text(title_words)
        summary, summary_folded = self.text(self.sentence(rng.randint(20, 40), spots[1]))
        paragraphs = [self.sentence(rng.randint(30, 70), []) for _ in range(rng.randint(2, 4))]
        for word in spots[2]:
            paragraphs[rng.randrange(len(paragraphs))].insert(0, word)
        texts = [self.text(p) for p in paragraphs]
        description = "\n\n".join(t for t, _ in texts)
        description_folded = "\n\n".join(f for _, f in texts)
        place_name = city or PLACES[codes[0]][0]
        actor_name, actor_folded = self.text(f"{place_name} {ACTOR_NAMES[actor]}".split())

        # Mirrors search.document_text: summary, description, actors, term labels in every
        # language, place names in every language.
        body = [summary_folded, description_folded, actor_folded]
        body += [self.labels[(kind, slug)] for kind, slugs in tags.items() for slug in slugs]
        if city:
            body.append(self.text([city])[1])
        body += [self.country_text[code] for code in codes]

        # Mirrors search.facet_values.
        facets = {(kind, slug) for kind, slugs in tags.items() for slug in slugs}
        facets |= {("service", self.sector[slug]) for slug in tags["service"]}
        facets |= {("country", code) for code in codes}
        facets |= {("region", region) for code in codes for region in self.country_regions[code]}
        facets |= {("actor", actor), ("evidence", evidence), ("decade", str(year // 10 * 10))}

        practice = (
            number,
            f"{SLUG_PREFIX}s{self.seed}-{number:06d}",
            title,
            summary,
            description,
            language,
            year,
            None,
            "",
            evidence,
            "",
            None,
            "published",
            "",
            "",
            published,
            published,
            published,
            None,
        )
        document = (number, title_folded, "\n".join(body), published)
        return practice, document, [(number, name, value) for name, value in sorted(facets)]


PRACTICE_COLUMNS = (
    "id, slug, title, summary, description, language, year_started, year_ended, year_note, "
    "evidence_level, source_notes, last_verified, status, submitter_name, submitter_contact, "
    "created_at, updated_at, published_at, submitted_by_id"
)


def generate(practices: int, seed: int) -> None:
    """Write the synthetic practices in large batches, bypassing index_practice."""
    from django.db import connection, transaction

    generator = Generator(seed)
    sqlite_time: Callable[[datetime], str] = lambda at: at.strftime("%Y-%m-%d %H:%M:%S")  # noqa: E731
    done = 0
    facet_id = 0
    with transaction.atomic():
        for start in range(1, practices + 1, BATCH):
            rows = [generator.practice(n) for n in range(start, min(start + BATCH, practices + 1))]
            p_rows = [r[0] for r in rows]
            d_rows = [r[1] for r in rows]
            f_rows = []
            for r in rows:
                for practice_id, name, value in r[2]:
                    facet_id += 1
                    f_rows.append((facet_id, name, value, practice_id))
            if connection.vendor == "postgresql":
                copy_rows("practices_practice", PRACTICE_COLUMNS, p_rows)
                copy_rows(
                    "practices_searchdocument", "practice_id, title, body, published_at", d_rows
                )
                copy_rows("practices_facet", "id, facet, value, practice_id", f_rows)
            else:
                raw = connection.connection
                p_rows = [(*r[:15], *(sqlite_time(t) for t in r[15:18]), r[18]) for r in p_rows]
                d_rows = [(*r[:3], sqlite_time(r[3])) for r in d_rows]
                raw.executemany(
                    f"INSERT INTO practices_practice ({PRACTICE_COLUMNS}) "  # noqa: S608
                    f"VALUES ({', '.join('?' * 19)})",
                    p_rows,
                )
                # Fires the FTS5 triggers, as index_practice would.
                raw.executemany(
                    "INSERT INTO practices_searchdocument (practice_id, title, body, published_at) "
                    "VALUES (?, ?, ?, ?)",
                    d_rows,
                )
                raw.executemany(
                    "INSERT INTO practices_facet (id, facet, value, practice_id) "
                    "VALUES (?, ?, ?, ?)",
                    f_rows,
                )
            done += len(rows)
            log(f"  {done}/{practices}")
        # As index_practice does: the search processes' facet bitmaps are now stale.
        from atlas.practices.facet_index import index_changed

        index_changed()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in ("practices_practice", "practices_facet"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {table}))"
                )
            # What autovacuum would do within a minute of a load this size.
            cursor.execute("VACUUM ANALYZE")
        else:
            # What SQLite's automatic checkpoints do over time: move the load out of the WAL.
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def copy_rows(table: str, columns: str, rows: list) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


# --- Measurement --------------------------------------------------------------------------


def measure(result: Result) -> None:
    from django.db import connection

    from atlas.practices.search import search_practices

    def baseline() -> int:
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL)
            return cursor.fetchone()[0]

    calls: list[tuple[str, Callable[[], int]]] = [("baseline", baseline)]
    for name, text, filters in QUERIES:

        def call(text: str = text, filters: dict[str, list[str]] = filters) -> int:
            found = search_practices(
                query=text, filters=filters, sort="relevance", limit=20, with_facets=True
            )
            return found.total

        calls.append((name, call))
    hits = {}
    once: set[str] = set()
    times: dict[str, list[float]] = {name: [] for name, _ in calls}
    for name, call in calls:
        started = time.perf_counter()
        hits[name] = call()
        if time.perf_counter() - started > SLOW_SECONDS:
            # Timed once: fifty runs of a query this slow would take hours.
            times[name].append((time.perf_counter() - started) * 1000)
            log(f"  {name}: {times[name][0] / 1000:.0f} s, timed once only")
            once.add(name)
            continue
        for _ in range(WARMUP - 1):
            call()
    for round_number in range(result.repeat):
        for name, call in calls:
            if name in once:
                continue
            started = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - started) * 1000)
        if (round_number + 1) % 10 == 0:
            log(f"  round {round_number + 1}/{result.repeat}")
    result.baseline_ms = times.pop("baseline")
    for name, text, filters in QUERIES:
        result.queries.append(
            {"name": name, "text": text, "filters": filters, "hits": hits[name], "ms": times[name]}
        )
        # A query timed once counts as taking that long every time.
        result.overall_ms += times[name] * (result.repeat if len(times[name]) == 1 else 1)
    # What the first search in each process pays after the index changes (facet_index.py).
    from atlas.practices import facet_index

    for _ in range(5):
        started = time.perf_counter()
        facet_index.build(facet_index.current_token())
        result.rebuild_ms.append((time.perf_counter() - started) * 1000)


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least `share` of them at or below."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def render(results: list[Result], args: argparse.Namespace) -> str:
    lines = [
        f"Machine: {os.cpu_count()} CPUs, {platform.platform()}, Python "
        f"{platform.python_version()}, " + ", ".join(r.version for r in results),
        "",
        f"Command: python benchmarks/search.py --practices {args.practices} --database "
        f"{args.database} --repeat {args.repeat} --seed {args.seed}"
        + (" --reuse" if args.reuse else ""),
        "",
    ]
    for r in results:
        generated = (
            f"generated in {r.generation_seconds:.1f} s"
            if r.generation_seconds is not None
            else "reused"
        )
        base = statistics.median(r.baseline_ms)
        lines += [
            f"### {r.version}: {r.practices:,} practices, {r.facet_rows:,} facet rows, "
            f"{r.size_mb:,.0f} MB, {generated}",
            "",
            f"{r.repeat} timed runs per query after {WARMUP} warm-up runs; facet counts on, "
            "20 per page, by relevance.",
            "",
            "| query | text | filters | hits | p50 ms | p95 ms | max ms | p50 ÷ baseline |",
            "|---|---|---|--:|--:|--:|--:|--:|",
        ]
        for q in r.queries:
            ms: list[float] = q["ms"]  # type: ignore[assignment]
            filters = ", ".join(f"{k}={'+'.join(v)}" for k, v in q["filters"].items())  # type: ignore[union-attr]
            lines.append(
                f"| {q['name']}{' (timed once)' if len(ms) == 1 else ''} "
                f"| {q['text'] or '—'} | {filters or '—'} | {q['hits']:,} "
                f"| {statistics.median(ms):.1f} | {percentile(ms, 0.95):.1f} | {max(ms):.1f} "
                f"| {statistics.median(ms) / base:,.0f}× |"
            )
        every = r.overall_ms
        lines += [
            f"| **all queries** | | | | **{statistics.median(every):.1f}** "
            f"| **{percentile(every, 0.95):.1f}** | **{max(every):.1f}** "
            f"| {statistics.median(every) / base:,.0f}× |",
            f"| baseline: `{BASELINE_SQL}` | | | | {base:.2f} "
            f"| {percentile(r.baseline_ms, 0.95):.2f} | {max(r.baseline_ms):.2f} | 1× |",
            "",
            f"Rebuilding the in-memory facet bitmaps (the first search after a change, "
            f"once per process): median {statistics.median(r.rebuild_ms):,.0f} ms "
            f"over {len(r.rebuild_ms)} runs.",
            "",
        ]
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
