"""Measure the statistics engine: aggregation of synthetic records, then disclosure control.

    python benchmarks/stats.py [--records 10000000 100000000] [--seed 1] [--reuse]

1. **Aggregation.** Synthetic service-use records (``atlas.core.stats.synthetic``, fixed
   seed) are written once per size as Parquet under ``benchmarks/out/stats/`` (kept and
   reused with ``--reuse``), then tabulated into the full five-dimension table
   ``service-use-5d`` (area × age band × gender × status × service, every margin and
   hierarchy level: 757,344 cells) by DuckDB and by Spark (local mode), against a pandas
   groupby baseline (distinct persons per inner cell, margins by summing through the
   hierarchies). Each engine's table is compared cell by cell with DuckDB's.
2. **Protection.** Tables of about 10^4, 10^5 and 10^6 cells are cut from the aggregation of
   ``--protect-records`` records (so their small cells are those of real-sized data), and a
   linked set of three tables from ``--linked-records`` records (a smaller dataset: at ten
   million records, three-dimensional tables have no cell under the threshold). Each is
   protected with ``atlas.core.stats.protect.protect`` end to end: primary rules, secondary
   suppression by Gaussian elimination, interval repair and the audit; the time of each
   step is taken by wrapping the functions ``protect`` calls. Cases run from small to
   large; once one has not finished within ``--cap``, the larger ones are not started.

Every measurement runs in a subprocess of its own (``--worker``), so its peak memory
(``ru_maxrss`` of the process, and of Spark's Java process for Spark) is its own; a case
that has not finished after ``--cap`` seconds is stopped and reported as such. The output is
a markdown table per part with the machine, the versions and the command; the figures go in
docs/benchmarks.md.

pandas is not a dependency of the project: without it, its rows say "skipped". Wall times on
a shared machine include waiting for a CPU; the CPU seconds (user + system, of the process and
of Spark's Java process) are the steadier figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import platform
import resource
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "stats"
RESULT = "RESULT "
STEP = "STEP "
AGGREGATION_GOAL = 30.0  # seconds for 10^8 records with DuckDB
PROTECTION_GOALS = {"1e4": 10.0, "1e5": 300.0}
FULL_TABLE = "service-use-5d"

# The protected tables: (case, table dimensions, label). Sizes come from the code lists
# (area 28 codes, age 23, gender 4, status 6, service 49, margins included).
PROTECTION_CASES: dict[str, list[tuple[str, ...]]] = {
    "1e4": [("area", "age", "gender", "status")],
    "linked": [
        ("area", "age", "gender"),
        ("area", "gender", "status"),
        ("age", "gender", "status"),
    ],
    "1e5": [("area", "age", "gender", "service")],
    "1e6": [("area", "age", "gender", "status", "service")],
}
LINKED_INNER = ("area", "age", "gender", "status")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000_000, 100_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep Parquet files already there")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads, Spark cores")
    parser.add_argument("--spark-memory", default="16g", help="Spark driver memory")
    parser.add_argument(
        "--spark-max-records", type=int, default=10_000_000, help="larger inputs skip Spark"
    )
    parser.add_argument(
        "--pandas-max-records", type=int, default=10_000_000, help="larger inputs skip pandas"
    )
    parser.add_argument("--protect-records", type=int, default=10_000_000)
    parser.add_argument("--linked-records", type=int, default=1_000_000)
    parser.add_argument(
        "--cases", nargs="+", default=list(PROTECTION_CASES), choices=list(PROTECTION_CASES)
    )
    parser.add_argument("--cap", type=float, default=900.0, help="seconds per case")
    parser.add_argument("--skip", nargs="*", default=[], choices=["aggregation", "protection"])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        run_worker(json.loads(args.worker))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(machine(args))
    if "aggregation" not in args.skip:
        print(aggregation(args))
    if "protection" not in args.skip:
        print(protection(args))
    log(f"all done in {time.perf_counter() - started:.0f} s")


# --- the parent: cases, subprocesses, tables ------------------------------------------------


def run_case(
    job: dict[str, Any],
    cap: float,
    *,
    script: str | None = None,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run one measurement in a subprocess of ``script`` (this one by default) with
    ``--worker``; its last RESULT line, or why there is none."""
    script = script or str(Path(__file__).resolve())
    command = [sys.executable, script, "--worker", json.dumps(job)]
    log(f"{job['kind']} {json.dumps({k: v for k, v in job.items() if k != 'kind'})}")
    start = time.perf_counter()
    try:
        done = subprocess.run(  # noqa: S603 - our own script, arguments we built
            command, capture_output=True, text=True, timeout=cap, cwd=cwd, check=False, env=env
        )
    except subprocess.TimeoutExpired as stopped:
        log(f"  stopped after {cap:.0f} s")
        error = stopped.stderr or b""
        text = error.decode(errors="replace") if isinstance(error, bytes) else error
        steps = [line[len(STEP) :] for line in text.splitlines() if line.startswith(STEP)]
        finished = [step for step in steps if not step.endswith(" started")]
        running = (
            steps[-1].removesuffix(" started") if steps and steps[-1].endswith(" started") else None
        )
        detail = f"did not finish within {cap:.0f} s"
        if steps:
            detail += f" (steps done: {', '.join(finished) or 'none'}"
            detail += f"; still in {running})" if running else ")"
        return {"error": detail, "timeout": True}
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        log(f"  failed ({done.returncode}): {tail}")
        return {"error": tail[:200]}
    result: dict[str, Any] = json.loads(lines[-1][len(RESULT) :])
    log(f"  {time.perf_counter() - start:.1f} s")
    return result


def records_path(n: int, seed: int) -> Path:
    return OUT / f"records-{n}-seed{seed}.parquet"


def ensure_records(n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Write the records unless --reuse finds them; the generation's own figures."""
    path = records_path(n, args.seed)
    if args.reuse and path.exists():
        return {"reused": True, "bytes": path.stat().st_size}
    job = {"kind": "generate", "n": n, "seed": args.seed, "path": str(path)}
    return run_case(job, cap=3600)


def aggregation(args: argparse.Namespace) -> str:
    rows = []
    notes = []
    for n in args.records:
        made = ensure_records(n, args)
        if "error" in made:
            notes.append(f"{n:,} records could not be generated: {made['error']}")
            continue
        what = "reused" if made.get("reused") else f"generated in {made['seconds']:.0f} s"
        notes.append(f"{n:,} records: {made['bytes'] / 1e6:,.0f} MB of Parquet, {what}")
        path = str(records_path(n, args.seed))
        duck = run_case({"kind": "duckdb", "path": path, "threads": args.threads}, cap=args.cap)
        rows.append(("DuckDB", n, duck))
        if n <= args.spark_max_records:
            spark = run_case(
                {
                    "kind": "spark",
                    "path": path,
                    "cores": args.threads,
                    "memory": args.spark_memory,
                },
                cap=args.cap,
            )
        else:
            spark = {"skipped": f"above --spark-max-records {args.spark_max_records:,}"}
        rows.append(("Spark", n, spark))
        if not has_module("pandas"):
            pandas: dict[str, Any] = {"skipped": "pandas is not installed"}
        elif n > args.pandas_max_records:
            pandas = {"skipped": f"above --pandas-max-records {args.pandas_max_records:,}"}
        else:
            pandas = run_case({"kind": "pandas", "path": path}, cap=args.cap)
        rows.append(("pandas", n, pandas))
        for _engine, _n, result in rows[-2:]:
            if "digest" in result and "digest" in duck:
                result["same"] = result["digest"] == duck["digest"]
    out = [
        "### Aggregation into the full 5-dimension table (`service-use-5d`, 757,344 cells)",
        "",
        *[f"- {note}" for note in notes],
        "",
        "| engine | records | wall s | CPU s | phases (wall s) | peak MB | cells ≠ 0 "
        "| persons (total cell) | same cells as DuckDB |",
        "|---|--:|--:|--:|---|--:|--:|--:|---|",
    ]
    for engine, n, r in rows:
        if "seconds" not in r:
            why = r.get("skipped") or r.get("error", "?")
            out.append(f"| {engine} | {n:,} | — | | {why} | | | | |")
            continue
        phases = ", ".join(f"{k} {v:.1f}" for k, v in r["phases"].items())
        memory = f"{r['maxrss_mb']:,.0f}"
        if r.get("jvm_maxrss_mb"):
            memory += f" + JVM {r['jvm_maxrss_mb']:,.0f}"
        same = "" if engine == "DuckDB" else ("yes" if r.get("same") else "**no**")
        out.append(
            f"| {engine} | {n:,} | {r['seconds']:.1f} | {r['cpu']:.1f} | {phases} | {memory} | "
            f"{r['nonzero']:,} | {r['total']:,} | {same} |"
        )
    for engine, n, r in rows:
        if engine == "DuckDB" and n == 100_000_000 and "seconds" in r:
            met = "met" if r["seconds"] <= AGGREGATION_GOAL else "missed"
            out.append("")
            out.append(
                f"Goal: 10^8 records in at most {AGGREGATION_GOAL:.0f} s with DuckDB: {met} "
                f"({r['seconds']:.1f} s)."
            )
    return "\n".join(out) + "\n"


def protection(args: argparse.Namespace) -> str:
    built: dict[int, dict[str, Any]] = {}
    notes = []
    for n in sorted({args.protect_records, args.linked_records}):
        made = ensure_records(n, args)
        if "error" in made:
            return f"Protection: {n:,} records could not be generated: {made['error']}\n"
        job = {"kind": "tables", "path": str(records_path(n, args.seed)), "seed": args.seed}
        built[n] = run_case({**job, "n": n}, cap=args.cap)
        if "error" in built[n]:
            return f"Protection: the tables could not be built: {built[n]['error']}\n"
        notes.append(
            f"tables from {n:,} records tabulated by DuckDB in {built[n]['seconds']:.1f} s"
        )
    out = [
        "### Protection (`protect`: primary, secondary, interval repair, audit)",
        "",
        f"Rules: threshold 10 persons, group attribute on status; {'; '.join(notes)} "
        "(not counted below).",
        "",
        "| case | records | tables | cells | inner cells | primary | secondary | audit | wall s "
        "| CPU s | steps (wall s) | LPs | peak MB | goal |",
        "|---|--:|---|--:|--:|--:|--:|---|--:|--:|---|--:|--:|---|",
    ]
    stopped: str | None = None
    for case in args.cases:
        n = args.linked_records if case == "linked" else args.protect_records
        names = " + ".join("×".join(d[:2] for d in dims) for dims in PROTECTION_CASES[case])
        goal = PROTECTION_GOALS.get(case)
        if stopped is not None and case != "linked":
            out.append(
                f"| {case} | {n:,} | {names} | | | | | not started: {stopped} did not finish "
                "| | | | | | |"
            )
            continue
        r = run_case({"kind": "protect", "pickle": built[n]["pickle"], "case": case}, args.cap)
        if "seconds" not in r:
            if r.get("timeout") and case != "linked":
                stopped = case
            verdict = "missed" if goal else ""
            out.append(
                f"| {case} | {n:,} | {names} | | | | | {r.get('error', '?')} | | | | | | "
                f"{verdict} |"
            )
            continue
        steps = ", ".join(f"{k} {v:.1f}" for k, v in r["phases"].items() if v >= 0.05)
        verdict = ""
        if goal:
            verdict = f"≤ {goal:.0f} s: {'met' if r['seconds'] <= goal else 'missed'}"
        out.append(
            f"| {case} | {n:,} | {names} | {r['cells']:,} | {r['inner']:,} | {r['primary']:,} | "
            f"{r['secondary']:,} | {r['outcome']} | {r['seconds']:.1f} | {r['cpu']:.1f} | "
            f"{steps} | {r['lps']:,} | {r['maxrss_mb']:,.0f} | {verdict} |"
        )
    return "\n".join(out) + "\n"


def has_module(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def machine(args: argparse.Namespace) -> str:
    versions = []
    for name in ("duckdb", "pyspark", "scipy", "numpy", "pandas", "pytauargus"):
        try:
            from importlib.metadata import version

            versions.append(f"{name} {version(name)}")
        except Exception:  # noqa: BLE001 - absent packages are named as such
            versions.append(f"{name} not installed")
    java = subprocess.run(  # noqa: S603, S607 - the local Java, for the record
        ["java", "-version"], capture_output=True, text=True, check=False
    ).stderr.splitlines()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    command = shlex.join([".venv/bin/python", "benchmarks/stats.py", *sys.argv[1:]])
    return (
        f"Machine: {os.cpu_count()} CPUs, {memory:.0f} GiB RAM, {platform.platform()}, "
        f"Python {platform.python_version()}, {', '.join(versions)}, "
        f"{java[0] if java else 'no Java'}\n\nCommand: `{command}`\n"
    )


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the workers: one measurement each, in a process of its own ------------------------------


def run_worker(job: dict[str, Any]) -> None:
    sys.path.insert(0, str(ROOT))
    kinds: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "generate": work_generate,
        "duckdb": work_duckdb,
        "spark": work_spark,
        "pandas": work_pandas,
        "tables": work_tables,
        "protect": work_protect,
    }
    print_result(kinds[job["kind"]](job))


def print_result(result: dict[str, Any]) -> None:
    """A worker's result, with its peak memory and CPU seconds, as the RESULT line."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result["maxrss_mb"] = own.ru_maxrss / 1024
    result["cpu"] = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    print(RESULT + json.dumps(result), flush=True)


class Phases:
    """Wall time per named phase, from a progress callback or explicit marks."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.last = self.start
        self.current: str | None = None
        self.seconds: dict[str, float] = {}

    def mark(self, name: str | None) -> None:
        now = time.perf_counter()
        if self.current is not None:
            self.seconds[self.current] = self.seconds.get(self.current, 0.0) + now - self.last
        self.current, self.last = name, now

    def progress(self, stage: str, _fraction: float) -> None:
        self.mark(None if stage == "done" else stage.split()[0])

    def total(self) -> float:
        return time.perf_counter() - self.start


def summary(table: Any) -> dict[str, Any]:
    """Non-zero cells, the grand total and a digest of every count, to compare engines."""
    import numpy as np

    persons = np.asarray(table.persons, dtype=np.int64)
    grand = tuple(d.total for d in table.dimensions)
    return {
        "cells": len(persons),
        "nonzero": int((persons != 0).sum()),
        "total": int(persons[table.index[grand]]),
        "digest": hashlib.sha256(persons.tobytes()).hexdigest(),
    }


def work_generate(job: dict[str, Any]) -> dict[str, Any]:
    from atlas.core.stats.synthetic import generate

    path = Path(job["path"])
    partial = path.with_name(path.stem + ".partial.parquet")
    start = time.perf_counter()
    rows = generate(job["n"], seed=job["seed"], path=partial)
    partial.replace(path)
    return {"seconds": time.perf_counter() - start, "rows": rows, "bytes": path.stat().st_size}


def full_spec() -> tuple[Any, Any]:
    from atlas.core.stats.spec import default_codelists, default_specs

    return default_specs()[FULL_TABLE], default_codelists()


def work_duckdb(job: dict[str, Any]) -> dict[str, Any]:
    from atlas.core.stats.engines import DuckDBEngine

    spec, codelists = full_spec()
    phases = Phases()
    table = DuckDBEngine(threads=job["threads"]).tabulate(
        job["path"], spec, codelists, progress=phases.progress
    )
    return {"seconds": phases.total(), "phases": phases.seconds, **summary(table)}


def work_spark(job: dict[str, Any]) -> dict[str, Any]:
    from pyspark.sql import SparkSession

    from atlas.core.stats.engines import SparkEngine

    spec, codelists = full_spec()
    phases = Phases()
    phases.mark("start")
    # As atlas.core.stats.engines.spark_engine.local_session, with the driver memory set.
    spark = (
        SparkSession.builder.master(f"local[{job['cores']}]")
        .appName("atlas-stats-benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(2 * job["cores"]))
        .config("spark.driver.memory", job["memory"])
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    phases.mark(None)
    table = SparkEngine(spark).tabulate(job["path"], spec, codelists, progress=phases.progress)
    seconds = phases.total()
    gateway = spark.sparkContext._gateway  # noqa: SLF001 - to wait for the JVM's exit
    spark.stop()
    jvm = getattr(gateway, "proc", None)
    gateway.shutdown()
    if jvm is not None:
        jvm.stdin.close()  # the JVM exits at end of input
        jvm.wait(timeout=60)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "phases": phases.seconds,
        "jvm_maxrss_mb": children,
        **summary(table),
    }


def work_pandas(job: dict[str, Any]) -> dict[str, Any]:
    """The baseline: what a pandas user would write for the same table.

    Each person is classified by their earliest record (as the engine does); distinct
    (person, service) pairs are counted per inner cell with one groupby; the margins are
    summed through each dimension's hierarchy, one dimension at a time (merge with the map
    leaf → every code above it, then groupby and sum). The Parquet file is read through
    DuckDB, as pandas would need pyarrow to read it: that time is shown as "load".
    """
    import duckdb
    import numpy as np
    import pandas as pd

    from atlas.core.stats.tables import Table

    spec, codelists = full_spec()
    dims = list(spec.dimensions)
    phases = Phases()
    phases.mark("load")
    with duckdb.connect(config={"threads": 2}) as connection:
        frame = connection.execute(
            "SELECT provider, person, date, area, service, age, gender, status "
            "FROM read_parquet(?)",
            [job["path"]],
        ).df()
    phases.mark("codes")
    ages = np.full(max(last for _first, last in codelists.ages.values()) + 1, -1, np.int64)
    age_leaves = list(codelists["age"].leaves)
    for band, (first, last) in codelists.ages.items():
        ages[first : last + 1] = age_leaves.index(band)
    codes = pd.DataFrame(
        {
            "pid": frame.groupby(["provider", "person"], sort=False).ngroup(),
            "date": frame["date"],
            "area": pd.Categorical(frame["area"], categories=codelists["area"].leaves).codes,
            "age": ages[frame["age"].to_numpy()],
            "gender": pd.Categorical(frame["gender"], categories=codelists["gender"].leaves).codes,
            "status": pd.Categorical(frame["status"], categories=codelists["status"].leaves).codes,
            "service": pd.Categorical(
                frame["service"], categories=codelists["service"].leaves
            ).codes,
        }
    )
    del frame
    phases.mark("inner")
    person_dims = [d for d in dims if d != "service"]
    persons = codes.sort_values(["pid", "date", *person_dims], kind="stable").drop_duplicates(
        "pid"
    )[["pid", *person_dims]]
    pairs = codes[["pid", "service"]].drop_duplicates()
    inner = (
        pairs.merge(persons, on="pid").groupby(dims, sort=False).size().rename("n").reset_index()
    )
    del codes, persons, pairs
    phases.mark("margins")
    cells = inner
    for dim in dims:
        codelist = codelists[dim]
        position = {code: j for j, code in enumerate(codelist.codes)}
        up = []
        for i, leaf in enumerate(codelist.leaves):
            code = leaf
            while True:
                up.append((i, position[code]))
                if code == codelist.total:
                    break
                code = codelist.parent[code]
        mapping = pd.DataFrame(up, columns=[dim, "j"])
        cells = (
            cells.merge(mapping, on=dim)
            .drop(columns=dim)
            .rename(columns={"j": dim})
            .groupby(dims, sort=False)["n"]
            .sum()
            .reset_index()
        )
    phases.mark("assemble")
    lists = spec.codelists_of(codelists)
    sizes = [len(c.codes) for c in lists]
    at = np.zeros(len(cells), dtype=np.int64)
    for dim, size in zip(dims, sizes, strict=True):
        at = at * size + cells[dim].to_numpy(dtype=np.int64)
    grid = np.zeros(int(np.prod(sizes)), dtype=np.int64)
    grid[at] = cells["n"].to_numpy()
    import itertools

    keys = list(itertools.product(*(c.codes for c in lists)))
    table = Table(FULL_TABLE, lists, keys, grid.tolist())
    phases.mark(None)
    return {"seconds": phases.total(), "phases": phases.seconds, **summary(table)}


def bench_spec(dims: tuple[str, ...]) -> Any:
    from atlas.core.stats.spec import TableSpec
    from atlas.core.stats.tables import Measure

    spec, _codelists = full_spec()
    slug = "bench-" + "-".join(dims)
    return TableSpec(slug, "bench", slug, dims, Measure.PERSONS, spec.rules)


def work_tables(job: dict[str, Any]) -> dict[str, Any]:
    """Every table the protection cases need, from one reading of the records, pickled."""
    from atlas.core.stats.engines import DuckDBEngine

    _spec, codelists = full_spec()
    wanted = {dims for tables in PROTECTION_CASES.values() for dims in tables} | {LINKED_INNER}
    specs = [bench_spec(dims) for dims in sorted(wanted)]
    start = time.perf_counter()
    tables = DuckDBEngine(threads=2).tabulate_many(job["path"], specs, codelists)
    seconds = time.perf_counter() - start
    path = OUT / f"protect-tables-{job['n']}-seed{job['seed']}.pickle"
    with path.open("wb") as handle:
        pickle.dump({spec.dimensions: tables[spec.slug] for spec in specs}, handle)
    return {"seconds": seconds, "pickle": str(path)}


def rules() -> Any:
    """The rules of service-use-5d: threshold 10 persons, group attribute on status."""
    from atlas.core.stats import primary

    return primary.Rules(threshold=10)


def instrument(module: Any, names: Sequence[str], seconds: dict[str, float]) -> dict[str, int]:
    """Wrap module-level functions so that their wall time adds up in ``seconds``."""
    calls: dict[str, int] = {}
    for name in names:
        original = getattr(module, name, None)
        if original is None:
            continue

        def timed(*a: Any, __name: str = name, __f: Any = original, **k: Any) -> Any:
            start = time.perf_counter()
            print(f"{STEP}{PHASE_NAMES.get(__name, __name)} started", file=sys.stderr, flush=True)
            try:
                return __f(*a, **k)
            finally:
                took = time.perf_counter() - start
                seconds[__name] = seconds.get(__name, 0.0) + took
                calls[__name] = calls.get(__name, 0) + 1
                step = PHASE_NAMES.get(__name, __name)
                print(f"{STEP}{step} {took:.1f}", file=sys.stderr, flush=True)

        setattr(module, name, timed)
    return calls


PHASE_NAMES = {
    "decide_primary": "primary",
    "build_model": "model",
    "_choose": "secondary",
    "audit": "audit",
    "_repair_by_perturbation": "repair",
    "_repair_by_duals": "repair",
    "_repair": "repair",
    "information_loss": "loss",
}


def work_protect(job: dict[str, Any]) -> dict[str, Any]:
    from atlas.core.stats import protect as protect_module
    from atlas.core.stats.tables import CellStatus

    with Path(job["pickle"]).open("rb") as handle:
        tables = pickle.load(handle)  # noqa: S301 - our own file, written by work_tables
    dims_list = PROTECTION_CASES[job["case"]]
    chosen = [tables[dims] for dims in dims_list]
    inner = tables[LINKED_INNER] if job["case"] == "linked" else None
    finest = inner or chosen[0]
    timers: dict[str, float] = {}
    calls = instrument(protect_module, list(PHASE_NAMES), timers)
    start = time.perf_counter()
    outcome, lps = "passed", 0
    primary = secondary = 0
    try:
        result = protect_module.protect(chosen, rules(), inner=inner)
        lps = result.audit.lps_solved
        for decisions in result.decisions:
            primary += sum(1 for d in decisions if d.status == CellStatus.PRIMARY)
            secondary += sum(1 for d in decisions if d.status == CellStatus.SECONDARY)
    except protect_module.AuditFailed as failed:
        outcome = f"**failed** ({len(failed.report.failures)} failures)"
        lps = failed.report.lps_solved
    except Exception as error:  # noqa: BLE001 - reported, not hidden
        outcome = f"refused: {type(error).__name__}: {str(error)[:120]}"
    seconds = time.perf_counter() - start
    phases: dict[str, float] = {}
    for name, value in timers.items():
        phases[PHASE_NAMES[name]] = phases.get(PHASE_NAMES[name], 0.0) + value
    return {
        "seconds": seconds,
        "phases": phases,
        "rounds": calls.get("audit", 0),
        "cells": sum(len(t.keys) for t in chosen),
        "inner": len(finest.inner()),
        "primary": primary,
        "secondary": secondary,
        "outcome": outcome if outcome != "passed" else f"passed ({calls.get('audit', 0)} rounds)",
        "lps": lps,
    }


if __name__ == "__main__":
    main()
