"""Measure the diagnostic report (/<lang>/diagnostics/<pk>/report/ and report.pdf).

Sets up a throwaway installation as `atlas setup` does (migrations, static files, places,
roles, starter practices and entitlements, Demo City), then adds SYNTHETIC assessment
rounds: a round of Barcelona with every question of the framework answered, with evidence
and a comment on each, a previous round of the same place, and one published round for
each of 5 peer cities, so the report has every part to show: scores, the chart, the peer
benchmark, the change since the last round and the full gap list. The answers are drawn
with random.Random(seed) and describe no real city; every round's title says so.

    python benchmarks/report.py [--repeat 20] [--seed 1]

It then GETs the report through Django's test client (no network, the full middleware
stack), signed in as a member of the place team: the printable page and the PDF, each in
English and in Arabic. Each is warmed up, then timed --repeat times, taking turns with a
baseline (GET /en/about/, a plain page through the same stack) so that noise from other
processes spreads over all of them. The figures go in docs/benchmarks.md.

The database and collected static files go under benchmarks/out/ (gitignored); the
static files are collected with production's hashed-name storage, so the PDF renderer
reads them from STATIC_ROOT as it does in production.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
VAR = OUT / "report-var"
WARMUP = 2
LANGUAGES = ("en", "ar")
GOAL_SECONDS = 3.0
SYNTHETIC = "synthetic benchmark round, not real answers"
PEER_CITIES = ("Madrid", "València", "Bilbao", "Sevilla", "Zaragoza")
BASELINE = "/en/about/"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    setup_django()
    pk, questions = generate(args.seed)
    rows, baseline = measure(pk, args.repeat)
    print(render(rows, baseline, questions, args))
    if any(statistics.median(row["ms"]) / 1000 > GOAL_SECONDS for row in rows):
        sys.exit(f"a report took longer than {GOAL_SECONDS} s (median)")


def setup_django() -> None:
    """A fresh SQLite file and var directory under benchmarks/out/, set up as `atlas setup`."""
    if VAR.exists():
        shutil.rmtree(VAR)
    VAR.mkdir(parents=True)
    os.environ["ATLAS_VAR_DIR"] = str(VAR)
    os.environ["DATABASE_URL"] = f"sqlite:///{VAR / 'report.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "atlas.settings"
    # No key file written for a throwaway run.
    os.environ.setdefault("ATLAS_SECRET_KEY", "benchmark-only-not-secret")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("setup", verbosity=0, stdout=io.StringIO())
    log(f"atlas setup in {time.perf_counter() - started:.1f} s")


def generate(seed: int) -> tuple[int, int]:
    """The rounds; returns the measured round's id and the number of questions it answers."""
    from atlas.core.diagnostic import default_framework
    from atlas.core.places import PlaceRef
    from atlas.diagnostics import actions
    from atlas.lib.testing import make_city_officer
    from atlas.places.actions import resolve_place

    rng = random.Random(seed)
    framework = default_framework()
    officer = make_city_officer()
    barcelona = officer.place_memberships.get().place

    def answered_round(place: Any, period: date, *, publish: bool, notes: bool) -> Any:
        assessment = actions.open_assessment(
            place=place, user=officer, title=f"{period.year} ({SYNTHETIC})", period=period
        )
        answers = {
            q.slug: actions.AnswerInput(
                value=rng.choice(q.options).value,
                evidence=f"Synthetic evidence for {q.slug} ({SYNTHETIC})." if notes else "",
                comment=f"Synthetic comment on {q.slug}." if notes else "",
            )
            for q in framework.questions
        }
        actions.save_answers(assessment=assessment, user=officer, answers=answers)
        actions.submit(assessment=assessment, user=officer)
        if publish:
            actions.publish(assessment=assessment, user=officer)
        return assessment

    for city in PEER_CITIES:
        peer = resolve_place(PlaceRef(kind="city", code=None, country="ES", city=city))
        answered_round(peer, date(2026, 3, 31), publish=True, notes=False)
    answered_round(barcelona, date(2025, 6, 30), publish=True, notes=True)
    current = answered_round(barcelona, date(2026, 6, 30), publish=False, notes=True)
    from atlas.diagnostics.results import peer_rounds

    peers = len(peer_rounds(current))
    log(f"{len(PEER_CITIES)} peer rounds, a previous round and round {current.pk} written")
    log(f"the report benchmarks round {current.pk} against {peers} published peer rounds")
    return current.pk, len(framework.questions)


def measure(pk: int, repeat: int) -> tuple[list[dict[str, Any]], list[float]]:
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from atlas.diagnostics.models import Assessment
    from atlas.lib.testing import PASSWORD

    assessment = Assessment.objects.get(pk=pk)
    member = assessment.place.team.get().user
    # A host in ALLOWED_HOSTS, without setup_test_environment's template instrumentation.
    client = Client(HTTP_HOST="127.0.0.1")
    if not client.login(username=member.username, password=PASSWORD):
        sys.exit("could not sign in as the place team member")

    calls: list[tuple[str, str]] = [("baseline", BASELINE)]
    for language in LANGUAGES:
        with translation.override(language):
            calls.append((f"report page ({language})", reverse("diagnostics:report", args=[pk])))
            calls.append((f"report PDF ({language})", reverse("diagnostics:report_pdf", args=[pk])))

    def get(path: str) -> bytes:
        response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"GET {path} answered {response.status_code}")
        return response.content

    bodies: dict[str, bytes] = {}
    for name, path in calls:
        for _ in range(WARMUP):
            bodies[name] = get(path)
    times: dict[str, list[float]] = {name: [] for name, _ in calls}
    for round_number in range(repeat):
        for name, path in calls:
            started = time.perf_counter()
            get(path)
            times[name].append((time.perf_counter() - started) * 1000)
        if (round_number + 1) % 5 == 0:
            log(f"  round {round_number + 1}/{repeat}")
    check_static_files(bodies[f"report page ({LANGUAGES[-1]})"].decode())
    rows = []
    for name, path in calls[1:]:
        body = bodies[name]
        rows.append(
            {
                "name": name,
                "path": path,
                "bytes": len(body),
                "pages": pdf_pages(body) if body.startswith(b"%PDF") else None,
                "ms": times[name],
            }
        )
    return rows, times["baseline"]


def check_static_files(html: str) -> None:
    """The PDF renderer reads the page's stylesheet from STATIC_ROOT and fetches nothing else."""
    from atlas.lib.pdf import StaticOnlyFetcher, render_pdf

    base = "http://127.0.0.1/"
    fetcher = StaticOnlyFetcher(base)
    render_pdf(html, base_url=base, fetcher=fetcher)
    if fetcher.refused or not fetcher.served:
        sys.exit(f"PDF renderer: served {fetcher.served}, refused {fetcher.refused}")
    log(f"PDF renderer read {', '.join(fetcher.served)}; refused nothing")


def pdf_pages(pdf: bytes) -> int | None:
    """Pages of a PDF, from poppler's pdfinfo when it is installed."""
    if not shutil.which("pdfinfo"):
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True).stdout
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least `share` of them at or below."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def versions() -> str:
    import django
    import weasyprint
    from weasyprint.text.ffi import pango

    # pango_version() is MAJOR * 10000 + MINOR * 100 + MICRO.
    number = pango.pango_version()
    return (
        f"Django {django.get_version()}, WeasyPrint {weasyprint.__version__}, "
        f"Pango {number // 10000}.{number // 100 % 100}.{number % 100}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def render(
    rows: list[dict[str, Any]], baseline: list[float], questions: int, args: argparse.Namespace
) -> str:
    base = statistics.median(baseline)
    lines = [
        f"Machine: {os.cpu_count()} CPUs, {platform.platform()}, Python "
        f"{platform.python_version()}, {versions()}",
        "",
        f"Command: python benchmarks/report.py --repeat {args.repeat} --seed {args.seed}",
        "",
        f"One round with all {questions} questions answered (evidence and a comment on each), "
        f"a previous round of the same place and {len(PEER_CITIES)} published peer rounds, "
        f"all synthetic. {args.repeat} timed runs per page after {WARMUP} warm-up runs, "
        "taking turns with the baseline; Django test client, full middleware stack, signed "
        "in as a member of the place team.",
        "",
        "| page | KB | PDF pages | p50 ms | p95 ms | max ms | p50 ÷ baseline |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        ms: list[float] = row["ms"]
        p50 = statistics.median(ms)
        pages = "" if row["pages"] is None else str(row["pages"])
        lines.append(
            f"| {row['name']} | {row['bytes'] / 1024:,.0f} | {pages} | {p50:.0f} "
            f"| {percentile(ms, 0.95):.0f} | {max(ms):.0f} | {p50 / base:,.0f}× |"
        )
    lines += [
        f"| baseline: `GET {BASELINE}` | | | {base:.1f} | {percentile(baseline, 0.95):.1f} "
        f"| {max(baseline):.1f} | 1× |",
        "",
        f"Goal: a full report in at most {GOAL_SECONDS:.0f} s.",
    ]
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
