"""Tau-Argus side by side with our disclosure control, on the same 4-dimensional tables.

    python benchmarks/tauargus.py [--cases tiny small large] [--cap 300] [--reuse]
        [--ours elimination optimal] [--optimal-seconds 60] [--methods OPT MOD]

A benchmark only: Tau-Argus (the PyPI package ``pytauargus``, its own engine with HiGHS) is
not a dependency of the project. For each table:

1. **The table.** Synthetic service-use records (``atlas.core.stats.synthetic``, fixed seed)
   are written once as Parquet under ``benchmarks/out/stats/`` (the files ``stats.py`` uses)
   and tabulated by DuckDB into area × age × gender × status, every margin included, then cut
   where a case says so: ``tiny`` keeps provinces and broad age bands (384 cells, from 10^5
   records), ``small`` the broad age bands (2,688 cells, from 10^6 records); ``large`` is the
   full table (15,456 cells, from 10^7 records: the ``1e4`` case of ``stats.py``).
2. **The same primary cells.** Our primary rules (threshold 10 persons, group attribute on
   status) decide the primary cells; Tau-Argus gets the table as tabular input with a status
   column (``U`` for each of our primary cells, ``S`` otherwise) and no safety rule of its own,
   so both start from the same primary pattern. Tau-Argus does not take a zero cell as
   unsafe (it leaves empty cells out of the problem): the group-attribute rule's zero cells
   stay suppressed as primary cells in the patterns we audit, and are counted apart.
3. **The same protection.** Each primary cell gets Tau-Argus protection levels adding up to our
   protection level (10), with the upper one at least what reaches the threshold: an
   interval Tau-Argus accepts also passes our interval check.
4. **Tau-Argus OPT and MOD** (the modular method with both singleton options and the
   minimum-frequency option on) run on the table with its hierarchies; each pattern is read
   back, turned into our ``CellStatus`` per cell, and audited by our
   ``atlas.core.stats.audit.audit``.
5. **Ours**: ``atlas.core.stats.protect.protect`` on the same table, whose audit is part of it,
   with each secondary method asked for (``--ours``): elimination, and the optimal search
   (``atlas.core.stats.optimal``) within ``--optimal-seconds``, whose lower bound is reported.

Every measurement runs in a subprocess of its own with a time cap (``--cap``); a stopped one is
reported as "did not finish". Tau-Argus has a time limit of its own inside the cap (OPT: the
whole run, MOD: each subtable), after which it gives its best pattern so far; the report says
where its log shows that. Each Tau-Argus run works in a directory of its own: its solvers
write their files to the working directory. The output is a markdown table; figures go in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import platform
import shlex
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stats as stats_bench  # noqa: E402 - the sibling benchmark, for records and rules

ROOT = stats_bench.ROOT
log = stats_bench.log
OUT = stats_bench.OUT
DIMENSIONS = ("area", "age", "gender", "status")
# case -> (records behind the table, dimensions cut to the level under their total, label)
CASES: dict[str, tuple[int, tuple[str, ...], str]] = {
    "tiny": (100_000, ("area", "age"), "province × broad age × gender × status"),
    "small": (1_000_000, ("age",), "area × broad age × gender × status"),
    "large": (10_000_000, (), "area × age × gender × status"),
}
CASES_RECORDS = {case: records for case, (records, _cut, _label) in CASES.items()}
METHODS = ("OPT", "MOD")
OURS = ("elimination", "optimal")  # rules.secondary
GOAL = 1.15  # at most 15% more suppressed cells than Tau-Argus OPT
# Tau-Argus status symbols in its intermediate output (pytauargus.result).
TAU_SAFE, TAU_UNSAFE, TAU_PROTECTED, TAU_SECONDARY, TAU_EMPTY = "S", "U", "P", "M", "E"
# Cost of suppressing a cell in Tau-Argus: its value (Tau-Argus's default), or 1 per cell
# ("-2", unity, in a <SPECIFYTABLE> command).
COSTS = {"value": "", "unity": "-2"}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument(
        "--records",
        nargs="+",
        default=[],
        metavar="CASE=N",
        help="records behind a case instead of its default, e.g. small=3000000",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep Parquet files already there")
    parser.add_argument("--cap", type=float, default=300.0, help="seconds per measurement")
    parser.add_argument(
        "--cost",
        nargs="+",
        default=["value"],
        choices=list(COSTS),
        help="Tau-Argus cost of a suppressed cell: its value (the default), or unity",
    )
    parser.add_argument("--skip-ours", action="store_true", help="run Tau-Argus only")
    parser.add_argument(
        "--ours",
        nargs="+",
        default=list(OURS),
        choices=list(OURS),
        help="our secondary suppression methods to run (rules.secondary)",
    )
    parser.add_argument(
        "--optimal-seconds",
        type=float,
        default=60.0,
        help="time limit of our optimal search, after which its best safe pattern stands",
    )
    parser.add_argument(
        "--methods",
        nargs="*",
        default=list(METHODS),
        choices=list(METHODS),
        help="Tau-Argus methods to run (none: ours only)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        run_worker(json.loads(args.worker))
        return
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(machine())
    rows = [measure_case(case, args) for case in args.cases]
    print(report(rows, args))
    log(f"all done in {time.perf_counter() - started:.0f} s")


# --- the parent: cases, subprocesses, the report ---------------------------------------------


def run_case(job: dict[str, Any], cap: float) -> dict[str, Any]:
    """Run one measurement in a subprocess (see ``stats.run_case``)."""
    env, cwd = dict(os.environ), ROOT
    if job["kind"] == "tauargus":
        # Tau-Argus writes its solver logs to the working directory, and its solver files to
        # a temporary directory that a stopped run leaves behind: keep both with the run.
        cwd = Path(job["dir"])
        (cwd / "tmp").mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(cwd / "tmp")
    script = str(Path(__file__).resolve())
    return stats_bench.run_case(job, cap, script=script, cwd=cwd, env=env)


def measure_case(case: str, args: argparse.Namespace) -> dict[str, Any]:
    n = dict(CASES_RECORDS, **{k: int(v) for k, v in (a.split("=") for a in args.records)})[case]
    row: dict[str, Any] = {"case": case, "records": n}
    made = stats_bench.ensure_records(n, args)
    if "error" in made:
        row["error"] = f"records could not be generated: {made['error']}"
        return row
    path = stats_bench.records_path(n, args.seed)
    work = OUT / f"tauargus-{case}-{n}-seed{args.seed}"
    job = {"kind": "table", "case": case, "path": str(path), "dir": str(work)}
    table = run_case(job, cap=args.cap)
    if "error" in table:
        row["error"] = f"the table could not be built: {table['error']}"
        return row
    row["table"] = table
    pickled = table["pickle"]
    for secondary in OURS:
        name = "ours" if secondary == "elimination" else f"ours-{secondary}"
        if args.skip_ours or secondary not in args.ours:
            row[name] = {"skipped": "not asked for"}
            continue
        ours_job = {
            "kind": "ours",
            "pickle": pickled,
            "secondary": secondary,
            "seconds": args.optimal_seconds,
        }
        row[name] = run_case(ours_job, cap=args.cap)
    for cost in args.cost:
        for method in args.methods:
            name = f"{method}-{cost}"
            tau_job = {
                "kind": "tauargus",
                "pickle": pickled,
                "method": method,
                "cost": cost,
                "cap": args.cap,
                "dir": str(work / name),
            }
            result = run_case(tau_job, cap=args.cap)
            if "statuses" in result:
                audit_job = {"kind": "audit", "pickle": pickled, "statuses": result["statuses"]}
                result["audit"] = run_case(audit_job, cap=args.cap)
            row[name] = result
    return row


def report(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    out = [
        "### Tau-Argus side by side (same table, same primary cells, our audit on every pattern)",
        "",
        "Rules: threshold 10 persons, group attribute on status (ours, passed to Tau-Argus as "
        "its unsafe cells); protection level 10; Tau-Argus MOD with both singleton options and "
        f"the minimum-frequency option; cap {args.cap:.0f} s per measurement; Tau-Argus's own "
        "time limit inside it (OPT: the whole run, MOD: each subtable), after which it gives its "
        "best pattern, not proven optimal. Secondary: cells suppressed besides the primary "
        "ones; audit: `atlas.core.stats.audit` on the pattern.",
        "",
    ]
    for cost in args.cost:
        opt, mod = f"OPT-{cost}", f"MOD-{cost}"
        out += [
            f"Tau-Argus cost of a suppressed cell: {cost}.",
            "",
            "| table | records | cells | primary (of which zero) | ours: secondary | wall s "
            "| audit | OPT: secondary | wall s | audit | MOD: secondary | wall s | audit "
            "| ours / OPT suppressed | goal ≤ 1.15 |",
            "|---|--:|--:|--:|--:|--:|---|--:|--:|---|--:|--:|---|--:|---|",
        ]
        for row in rows:
            label = CASES[row["case"]][2]
            if "error" in row:
                out.append(f"| {row['case']}: {label} | {row['records']:,} | {row['error']} |")
                continue
            t = row["table"]
            cells = [
                f"{row['case']}: {label}",
                f"{row['records']:,}",
                f"{t['cells']:,}",
                f"{t['primary']:,} ({t['zero_primary']})",
                *ours_cells(row["ours"]),
                *tau_cells(row.get(opt, {})),
                *tau_cells(row.get(mod, {})),
                *verdict(row["ours"], row.get(opt, {}), t["primary"]),
            ]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    if "optimal" in args.ours and not args.skip_ours:
        out += [
            f'Ours with `secondary = "optimal"` (time limit {args.optimal_seconds:.0f} s; '
            "lower bound: no safe pattern hides fewer secondary cells), against Tau-Argus OPT "
            f"(cost {args.cost[0]}):",
            "",
            "| table | ours, elimination | ours, optimal: secondary | wall s | audit | proved "
            "optimal | lower bound | OPT: secondary | ours optimal / OPT suppressed "
            "| goal ≤ 1.15 |",
            "|---|--:|--:|--:|---|---|--:|--:|--:|---|",
        ]
        for row in rows:
            if "error" in row:
                continue
            best = row["ours-optimal"]
            opt = row.get(f"OPT-{args.cost[0]}", {})
            search = best.get("search", {})
            bound = search.get("lower_bound")
            cells = [
                row["case"],
                ours_cells(row["ours"])[0],
                *ours_cells(best),
                "yes"
                if search.get("proven_optimal")
                else f"no ({search.get('stopped', '?')}; {search.get('pattern', '?')}'s pattern)",
                "—" if bound is None else f"{bound - row['table']['primary']:g}",
                tau_cells(opt)[0],
                *verdict(best, opt, row["table"]["primary"]),
            ]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    notes = []
    for row in rows:
        for cost in args.cost:
            for method in METHODS:
                r = row.get(f"{method}-{cost}", {})
                if r.get("disagreements"):
                    notes.append(
                        f"{row['case']} {method} ({cost}): {r['disagreements']} cells where "
                        "Tau-Argus's unsafe cells differ from our primary ones"
                    )
    if notes:
        out += ["Notes:", "", *[f"- {note}" for note in notes], ""]
    return "\n".join(out)


def ours_cells(r: dict[str, Any]) -> list[str]:
    if "seconds" not in r:
        return ["—", "—", r.get("skipped") or r.get("error", "?")]
    secondary = "—" if r.get("secondary") is None else f"{r['secondary']:,}"
    return [secondary, f"{r['seconds']:.1f}", r["outcome"]]


def tau_cells(r: dict[str, Any]) -> list[str]:
    if "seconds" not in r:
        return ["—", "—", r.get("error", "not run")]
    audit = r.get("audit", {})
    secondary = f"{r['secondary']:,}"
    if r.get("time_limit"):
        secondary += f" (best at its {r['minutes']}-minute limit)"
    return [secondary, f"{r['seconds']:.1f}", audit_text(audit)]


def audit_text(r: dict[str, Any]) -> str:
    if "passed" not in r:
        return f"audit: {r.get('error', '?')}"
    if r["passed"]:
        return f"passed ({r['seconds']:.0f} s)"
    by_check = ", ".join(f"{k} {v}" for k, v in sorted(r["failures"].items()))
    text = f"**failed**: {by_check}"
    if r.get("on_zero_primary"):
        text += f" ({r['on_zero_primary']} on zero primary cells)"
    return text


def verdict(ours: dict[str, Any], opt: dict[str, Any], primary: int) -> list[str]:
    if ours.get("secondary") is None or "secondary" not in opt:
        return ["—", "no figure"]
    ratio = (primary + ours["secondary"]) / (primary + opt["secondary"])
    secondary = ours["secondary"] / opt["secondary"] if opt["secondary"] else math.inf
    met = "met" if ratio <= GOAL else "missed"
    return [f"{ratio:.2f} (secondary {secondary:.2f})", met]


def machine() -> str:
    from importlib.metadata import version

    versions = []
    for name in ("pytauargus", "duckdb", "scipy", "numpy"):
        try:
            versions.append(f"{name} {version(name)}")
        except Exception:  # noqa: BLE001 - absent packages are named as such
            versions.append(f"{name} not installed")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    command = shlex.join([".venv/bin/python", "benchmarks/tauargus.py", *sys.argv[1:]])
    return (
        f"Machine: {os.cpu_count()} CPUs, {memory:.0f} GiB RAM, {platform.platform()}, "
        f"Python {platform.python_version()}, {', '.join(versions)}\n\nCommand: `{command}`\n"
    )


# --- converting a table to Tau-Argus's tabular input, and its pattern back --------------------


def hierarchy_lines(codelist: Any, lead: str = "@") -> list[str]:
    """The codes below the total in Tau-Argus's ``.hrc`` form: depth-first, one ``lead`` per
    level below the first."""
    out: list[str] = []

    def walk(code: str, depth: int) -> None:
        for child in codelist.children[code]:
            out.append(lead * depth + child)
            walk(child, depth + 1)

    walk(codelist.total, 0)
    return out


def protection_levels(persons: int, rules: Any) -> tuple[int, int]:
    """Tau-Argus's lower and upper protection levels of a primary cell, for our interval check.

    They add up to our protection level, and the upper one reaches at least the threshold, so
    an interval Tau-Argus accepts (at most value - lower, at least value + upper) is one our
    audit accepts (its maximum reaches the threshold, its width the protection level). The
    lower one never goes below zero persons.

    >>> from atlas.core.stats.primary import Rules
    >>> protection_levels(3, Rules()), protection_levels(14, Rules())
    ((3, 7), (5, 5))
    """
    level = rules.protection_level
    upper = max(rules.threshold - persons, math.ceil(level / 2))
    return level - upper, upper


def table_lines(table: Any, primary: Sequence[bool], rules: Any) -> list[str]:
    """One ``;``-separated line per non-zero cell: codes, persons (as value and frequency),
    status (``U`` for a primary cell, ``S`` otherwise) and the protection levels."""
    out = []
    for key, persons, unsafe in zip(table.keys, table.persons, primary, strict=True):
        if persons == 0:
            continue  # Tau-Argus leaves empty cells out of the problem
        lower, upper = protection_levels(persons, rules) if unsafe else (0, 0)
        status = TAU_UNSAFE if unsafe else TAU_SAFE
        out.append(";".join([*key, str(persons), str(persons), status, str(lower), str(upper)]))
    return out


def metadata_text(table: Any) -> str:
    """Tau-Argus's ``.rda`` metadata for ``table_lines``: every dimension hierarchical."""
    out = ['<SEPARATOR> ";"', '<SAFE> "S"', '<UNSAFE> "U"', '<PROTECT> "P"']
    for dim in table.dimensions:
        out += [
            f'{dim.name} "" ""',
            "  <RECODEABLE>",
            f'  <TOTCODE> "{dim.total}"',
            "  <HIERARCHICAL>",
            f'  <HIERCODELIST> "{dim.name}.hrc"',
            '  <HIERLEADSTRING> "@"',
        ]
    out += [
        'persons "" ""',
        "  <NUMERIC>",
        "  <DECIMALS> 0",
        'freq "" ""',
        "  <FREQUENCY>",
        'cellstatus "" ""',
        "  <STATUS>",
        'lpl "" ""',
        "  <NUMERIC> <LOWERPL>",
        'upl "" ""',
        "  <NUMERIC> <UPPERPL>",
    ]
    return "\n".join(out) + "\n"


def batch_text(table: Any, method: str, cost: str, minutes: int) -> str:
    """Tau-Argus's ``.arb`` batch: read the table with our statuses, suppress, write back."""
    names = "".join(f'"{dim.name}"' for dim in table.dimensions)
    # MOD: minutes per subtable, then singleton with singleton, with more, minimum frequency.
    suppress = f"OPT(1,{minutes})" if method == "OPT" else f"MOD(1,{minutes},1,1,1)"
    return (
        '<OPENTABLEDATA> "table.tab"\n'
        '<OPENMETADATA> "table.rda"\n'
        f'<SPECIFYTABLE> {names}|"persons"||{COSTS[cost]}\n'
        "<SAFETYRULE>\n"  # no rule: the statuses given are used
        "<READTABLE> 0\n"  # the margins are given and checked, not recomputed
        f"<SUPPRESS> {suppress}\n"
        '<WRITETABLE> (1,5,SO+,"pattern.tab")\n'
    )


def write_inputs(
    table: Any,
    primary: Sequence[bool],
    rules: Any,
    method: str,
    cost: str,
    minutes: int,
    directory: Path,
) -> Path:
    """Write the table, metadata, hierarchies and batch; the batch's path."""
    directory.mkdir(parents=True, exist_ok=True)
    for dim in table.dimensions:
        (directory / f"{dim.name}.hrc").write_text("\n".join(hierarchy_lines(dim)) + "\n")
    (directory / "table.tab").write_text("\n".join(table_lines(table, primary, rules)) + "\n")
    (directory / "table.rda").write_text(metadata_text(table))
    batch = directory / "batch.arb"
    batch.write_text(batch_text(table, method, cost, minutes))
    return batch


def read_pattern(path: Path, table: Any, primary: Sequence[bool]) -> tuple[list[Any], int]:
    """Our status of every cell from Tau-Argus's pattern, and how many cells disagree with
    our primary cells (a Tau-Argus unsafe cell that is not ours, or the reverse).

    Our primary cells stay primary (the zero ones too, which Tau-Argus cannot take); a
    secondary cell is ``SECONDARY``; a zero cell Tau-Argus left out is ``EMPTY``.
    """
    from atlas.core.stats.tables import CellStatus

    symbols: dict[tuple[str, ...], str] = {}
    width = len(table.dimensions)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        fields = [f.strip().strip('"').strip() for f in line.split(";")]
        symbols[tuple(fields[:width])] = fields[-3]
    statuses = []
    disagreements = 0
    for key, persons, unsafe in zip(table.keys, table.persons, primary, strict=True):
        symbol = symbols.get(key, TAU_EMPTY if persons == 0 else "")
        if unsafe:
            statuses.append(CellStatus.PRIMARY)
            disagreements += symbol != TAU_UNSAFE and persons > 0
        elif symbol == TAU_UNSAFE:
            statuses.append(CellStatus.PRIMARY)
            disagreements += 1
        elif symbol == TAU_SECONDARY:
            statuses.append(CellStatus.SECONDARY)
        elif symbol in (TAU_SAFE, TAU_PROTECTED):
            statuses.append(CellStatus.SAFE)
        elif symbol == TAU_EMPTY and persons == 0:
            statuses.append(CellStatus.EMPTY)
        else:
            raise ValueError(f"cell {key} ({persons} persons): Tau-Argus status {symbol!r}")
    return statuses, disagreements


# --- the workers: one measurement each, in a process of its own ------------------------------


def run_worker(job: dict[str, Any]) -> None:
    sys.path.insert(0, str(ROOT))
    kinds: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "table": work_table,
        "ours": work_ours,
        "tauargus": work_tauargus,
        "audit": work_audit,
    }
    stats_bench.print_result(kinds[job["kind"]](job))


def cut(table: Any, name: str) -> Any:
    """The table with dimension ``name`` cut to the codes under its total (its cells are a
    subset: every margin is already there, so the sums still hold)."""
    from atlas.core.stats.tables import CodeList, Table

    at = [d.name for d in table.dimensions].index(name)
    dim = table.dimensions[at]
    top = CodeList(
        name,
        total=dim.total,
        parent={code: dim.total for code in dim.children[dim.total]},
        labels=dim.labels,
    )
    keep = [i for i, key in enumerate(table.keys) if key[at] in top.codes]
    dims = (*table.dimensions[:at], top, *table.dimensions[at + 1 :])
    return Table(
        f"{table.name}-top-{name}",
        dims,
        [table.keys[i] for i in keep],
        [table.persons[i] for i in keep],
    )


def primary_cells(table: Any) -> list[bool]:
    from atlas.core.stats.primary import decide_primary
    from atlas.core.stats.tables import CellStatus

    return [d.status == CellStatus.PRIMARY for d in decide_primary(table, stats_bench.rules())]


def load(path: str) -> Any:
    with Path(path).open("rb") as handle:
        return pickle.load(handle)  # noqa: S301 - our own file, written by work_table


def work_table(job: dict[str, Any]) -> dict[str, Any]:
    from atlas.core.stats.engines import DuckDBEngine

    _spec, codelists = stats_bench.full_spec()
    start = time.perf_counter()
    table = DuckDBEngine(threads=2).tabulate(
        job["path"], stats_bench.bench_spec(DIMENSIONS), codelists
    )
    for name in CASES[job["case"]][1]:
        table = cut(table, name)
    seconds = time.perf_counter() - start
    primary = primary_cells(table)
    directory = Path(job["dir"])
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "table.pickle"
    with path.open("wb") as handle:
        pickle.dump(table, handle)
    return {
        "seconds": seconds,
        "pickle": str(path),
        "cells": len(table.keys),
        "inner": len(table.inner()),
        "primary": sum(primary),
        "zero_primary": sum(1 for p, n in zip(primary, table.persons, strict=True) if p and not n),
    }


def work_ours(job: dict[str, Any]) -> dict[str, Any]:
    from dataclasses import replace

    from atlas.core.stats.protect import AuditFailed, protect
    from atlas.core.stats.tables import CellStatus

    table = load(job["pickle"])
    start = time.perf_counter()
    primary: int | None = None
    secondary: int | None = None
    search: dict[str, Any] = {}
    rules = replace(stats_bench.rules(), secondary=job.get("secondary", "elimination"))
    try:
        result = protect([table], rules, optimal_seconds=job.get("seconds", 60.0))
        method = result.loss[0].secondary_method
        search = dict(method.get("optimal_search", {}), pattern=method["method"])
        statuses = result.statuses()[0]
        primary = sum(1 for s in statuses if s == CellStatus.PRIMARY)
        secondary = sum(1 for s in statuses if s == CellStatus.SECONDARY)
        outcome = "passed"
    except AuditFailed as failed:
        by_check = Counter(f.check for f in failed.report.failures)
        outcome = "**failed**: " + ", ".join(f"{k} {v}" for k, v in sorted(by_check.items()))
    except Exception as error:  # noqa: BLE001 - reported, not hidden
        outcome = f"refused: {type(error).__name__}: {str(error)[:120]}"
    return {
        "seconds": time.perf_counter() - start,
        "primary": primary,
        "secondary": secondary,
        "outcome": outcome,
        "search": search,
    }


def work_tauargus(job: dict[str, Any]) -> dict[str, Any]:
    from pytauargus.engine import run_batch  # type: ignore[import-untyped]

    table = load(job["pickle"])
    primary = primary_cells(table)
    directory = Path(job["dir"])
    # Tau-Argus's own time limit, in whole minutes, well inside the cap (it counts the
    # solver's time, which on a shared machine runs slower than the clock), so that a run
    # that reaches it still gives its best pattern: for OPT the whole run, for MOD each
    # subtable.
    minutes = max(1, int(job["cap"] // 120)) if job["method"] == "OPT" else 1
    batch = write_inputs(
        table, primary, stats_bench.rules(), job["method"], job["cost"], minutes, directory
    )
    start = time.perf_counter()
    run_batch(batch)
    seconds = time.perf_counter() - start
    statuses, disagreements = read_pattern(directory / "pattern.tab", table, primary)
    # The solver's logs, in the working directory, say whether it stopped at its time limit.
    logs = [directory / "CSPlogfile.txt", directory / "FullJJ.log"]
    log_text = "".join(f.read_text(errors="replace") for f in logs if f.exists())
    path = directory / "statuses.json"
    path.write_text(json.dumps([s.value for s in statuses]))
    return {
        "seconds": seconds,
        "secondary": sum(1 for s in statuses if s.value == "secondary"),
        "disagreements": disagreements,
        "time_limit": "TIME LIMIT" in log_text,
        "minutes": minutes,
        "statuses": str(path),
    }


def work_audit(job: dict[str, Any]) -> dict[str, Any]:
    from atlas.core.stats.audit import audit
    from atlas.core.stats.tables import CellStatus

    table = load(job["pickle"])
    statuses = [CellStatus(s) for s in json.loads(Path(job["statuses"]).read_text())]
    report = audit([table], [statuses], stats_bench.rules())
    zero_primary = {
        key
        for key, persons, status in zip(table.keys, table.persons, statuses, strict=True)
        if status == CellStatus.PRIMARY and persons == 0
    }
    return {
        "seconds": report.seconds,
        "passed": report.passed,
        "failures": dict(Counter(f.check for f in report.failures)),
        "on_zero_primary": sum(1 for f in report.failures if f.cell in zero_primary),
        "lps": report.lps_solved,
    }


if __name__ == "__main__":
    main()
