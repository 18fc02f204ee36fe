"""The audit: does a suppression pattern protect every unsafe cell? Fail-closed.

It takes only the tables, the status of every cell, and the rules; it rebuilds the additivity
relations itself (it shares no code with ``model`` or ``secondary``, which chose the
pattern) and plays the attacker, who knows every published value of this release and of
every earlier release from the same data, that every cell is the sum of its inner cells,
and that counts are never negative (integrality is not assumed). The attacker's linear
programmes (minimise and maximise a cell) are solved with HiGHS: the HiGHS binding bundled
with scipy, one model per attacker warm-started between objectives, or
``scipy.optimize.linprog(method="highs")`` where that binding is missing:

- ``exact``: no suppressed cell may be recomputable (its minimum equals its maximum);
- ``interval``: for every primary cell, the maximum must be at least the threshold (the
  attacker cannot prove the cell is small) and max - min at least the protection level; for
  p% and (n, k) cells of magnitude tables also the value interval, which must reach the
  p% protection level on both sides of the value;
- ``singleton``: the same for primary cells related to a primary cell of one person, with that
  person's knowledge added (the cell holds at least one person; for magnitude tables the
  largest contributor of each suppressed cell knows their own contribution);
- ``joint``: earlier releases (``published``) are stacked into the attacker's knowledge, so
  differencing between releases is caught.

To spend few programmes, each cell is first tried against feasible points already found
(the true counts, and every optimum solved so far) and against a stronger attacker (every
singleton's knowledge pooled), whose feasible set lies inside every weaker attacker's; both
can only prove a cell safe, never pass one the plain programmes would fail. Feasible points
in which every singleton's cell holds at least one person prove cells for every singleton at
once. A caller may hand in points from earlier audits of a smaller pattern, or from its repair
(``points``): each is checked against this pattern's published cells and bounds first, and
used only to prove. Each model is solved by primal simplex from its last optimal basis; the
programmes of a few cells at a time are solved two at a time, one per lane (`lanes`), each
lane with models of its own, and only then checked against the next cells. A
primary cell's maximum is solved first: one below the threshold fails the cell whatever its
minimum, which is then solved only if the maximum equals the cell's value (to say whether the
cell is recomputed).

Any failure, any solver status other than optimal, any exception: the report says
``passed=False``. An upper bound of the grand total on every inner cell keeps every programme
bounded (a bound the real attacker may not know, so the audit is, if anything, stricter).

>>> from atlas.core.stats.tables import CodeList, Table, CellStatus as S
>>> area = CodeList("area", total="P", parent={"A1": "P", "A2": "P"})
>>> t = Table("t", (area,), [("P",), ("A1",), ("A2",)], [23, 20, 3])
>>> audit([t], [[S.SAFE, S.SAFE, S.PRIMARY]], Rules()).passed
False
>>> audit([t], [[S.SAFE, S.SECONDARY, S.PRIMARY]], Rules()).passed
True
"""

import copy
import itertools
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

try:  # the HiGHS binding bundled with scipy, for warm starts; linprog otherwise
    from scipy.optimize._highspy import _core
except ImportError:  # pragma: no cover
    _core = None

from atlas.core.stats import lanes
from atlas.core.stats.primary import Rules, is_magnitude
from atlas.core.stats.tables import CellStatus, Table, linked_dimensions

SOLVER = "HiGHS via scipy.optimize.linprog"
TOL = 1e-6
SUPPRESSED = (CellStatus.PRIMARY, CellStatus.SECONDARY)
EARLIER = " (earlier release)"  # after a table's name in a failure of an earlier release
T = TypeVar("T")
BATCH = 2 * lanes.LANES  # programmes solved between two looks at the feasible points


@dataclass(frozen=True)
class Release:
    """Tables already published from the same data, with the status of every cell."""

    tables: tuple[Table, ...]
    statuses: tuple[tuple[CellStatus, ...], ...]


@dataclass(frozen=True)
class Failure:
    check: str
    table: str
    cell: tuple[str, ...]
    detail: str


@dataclass
class FeasiblePoints:
    """Values of the inner cells that a caller believes the attacker's problem allows, carried
    from one audit to the next (a repair loop hides more cells each round: a point feasible
    for one pattern stays feasible for the next). The audit checks every point against the
    pattern it audits (every published cell, no count negative, none above the grand total)
    and uses only those that pass, and only to prove cells safe; it adds the optima it finds.

    ``keys``: the inner cells, in column order (set by the first audit; a later audit over
    other inner cells ignores the points). Each point: (columns, values), the other inner
    cells at their true counts.
    """

    keys: list[tuple[str, ...]] | None = None
    points: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]] = field(
        default_factory=list
    )


@dataclass
class AuditReport:
    """The result of an audit: plain data, ``to_dict`` gives JSON-able values."""

    passed: bool = False
    checks: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    lps_solved: int = 0
    solver: str = SOLVER
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["failures"] = [{**asdict(f), "cell": list(f.cell)} for f in self.failures]
        return out


def audit(
    tables: Sequence[Table],
    statuses: Sequence[Sequence[CellStatus]],
    rules: Rules,
    *,
    inner: Table | None = None,
    published: Sequence[Release] = (),
    singleton_limit: int = 2000,
    only: Collection[tuple[str, tuple[str, ...]]] | None = None,
    points: FeasiblePoints | None = None,
    fail_fast: bool = False,
    stop_at_first: bool = False,
    look_first: Collection[tuple[str, tuple[str, ...]]] = (),
) -> AuditReport:
    """Audit the pattern ``statuses`` (one per cell of each table) of ``tables``.

    ``singleton_limit`` caps the primary cells re-checked per singleton (beyond it the
    check fails, closed). ``only`` (table name, key) pairs: check those cells alone, for a
    repair loop that knows the others passed; such a report lists failures but never passes.
    ``points``: feasible points from earlier audits or the repair (see `FeasiblePoints`).
    ``fail_fast``: no singleton check once the checks before it failed (the pattern fails
    either way; a repair loop learns the singletons' failures from its next audit).
    ``stop_at_first``: stop at the first failure (for a pattern that is dropped if it fails:
    the report then lists the failures of the batch of programmes that found it), with the
    primary cells of ``look_first`` checked first. A report that passes has run every check
    either way.
    """
    report = AuditReport()
    start = time.perf_counter()
    try:
        auditor = _Auditor(
            tables, statuses, rules, inner, published, report, singleton_limit, only, points
        )
        auditor.fail_fast = fail_fast or stop_at_first
        auditor.stop_at_first = stop_at_first
        auditor.look_first = set(look_first)
        auditor.run()
    except Exception as err:  # fail closed on anything
        report.failures.append(Failure("error", "", (), f"{type(err).__name__}: {err}"))
    report.seconds = round(time.perf_counter() - start, 3)
    report.passed = not report.failures and bool(report.checks) and only is None
    return report


class _Auditor:
    def __init__(
        self,
        tables: Sequence[Table],
        statuses: Sequence[Sequence[CellStatus]],
        rules: Rules,
        inner: Table | None,
        published: Sequence[Release],
        report: AuditReport,
        singleton_limit: int,
        only: Collection[tuple[str, tuple[str, ...]]] | None = None,
        points: FeasiblePoints | None = None,
    ) -> None:
        self.only = None if only is None else set(only)
        self.fail_fast = False
        self.stop_at_first = False
        self.look_first: set[tuple[str, tuple[str, ...]]] = set()
        self.primed: set[str] = set()  # the lanes' models started from lane 0's (`_in_lanes`)
        self.points = points
        self.rules = rules
        self.report = report
        self.failed: set[int] = set()
        self.singleton_limit = singleton_limit
        if len(statuses) != len(tables) or any(
            len(s) != len(t.keys) for s, t in zip(statuses, tables, strict=True)
        ):
            raise ValueError("one status per cell of every table is needed")
        everything = [*tables, *(t for r in published for t in r.tables)]
        finest = _finest(everything, inner)
        self.dims = finest.dimensions
        self.names = [d.name for d in finest.dimensions]
        self.value_total = (
            float(sum(finest.value[i] for i in finest.inner())) if finest.value else 0.0
        )
        self.inner_keys = [finest.keys[i] for i in finest.inner()]
        self.col = {k: j for j, k in enumerate(self.inner_keys)}
        self.z = np.asarray([finest.persons[i] for i in finest.inner()], dtype=float)
        self.cells: list[tuple[Table, int, CellStatus, bool]] = []  # table, cell, status, current
        for t, st in zip(tables, statuses, strict=True):
            self.cells.extend((t, i, s, True) for i, s in enumerate(st))
        for rel in published:
            for t, st in zip(rel.tables, rel.statuses, strict=True):
                self.cells.extend((t, i, s, False) for i, s in enumerate(st))
        self.rows = self._incidence()

    def _incidence(self) -> sp.csr_matrix:
        """Row per cell: which inner cells it adds up (built cell by cell from the codes)."""
        rows, cols = [], []
        leaves_cache: dict[tuple[str, str], tuple[str, ...]] = {}
        for r, (table, i, _s, _c) in enumerate(self.cells):
            key = table.keys[i]
            at = {d.name: j for j, d in enumerate(table.dimensions)}
            pools = []
            for k, name in enumerate(self.names):
                if name not in at:
                    pools.append(self.dims[k].leaves)
                    continue
                ck = (name, key[at[name]])
                if ck not in leaves_cache:
                    leaves_cache[ck] = table.dimensions[at[name]].leaves_under(key[at[name]])
                pools.append(leaves_cache[ck])
            for combo in itertools.product(*pools):
                j = self.col.get(combo)
                if j is not None:
                    rows.append(r)
                    cols.append(j)
        data = np.ones(len(rows))
        return sp.csr_matrix((data, (rows, cols)), shape=(len(self.cells), len(self.inner_keys)))

    def run(self) -> None:
        self._run_checks()
        self.report.lps_solved += self._lps()
        if "seen" in self.__dict__:  # not when the cells do not add up
            self._carry_out()

    def _stopped(self, rows: list[int], bounds: dict[int, tuple[float, float]]) -> bool:
        """With ``stop_at_first``: whether one of ``rows`` fails its interval (recorded)."""
        if not self.stop_at_first:
            return False
        for r in rows:
            if r in bounds:
                self._check_interval("interval", r, *bounds[r])
        return bool(self.report.failures)

    def _run_checks(self) -> None:
        x = self.rows
        value = np.asarray([t.persons[i] for t, i, _s, _c in self.cells], dtype=float)
        bad = np.flatnonzero(np.abs(x @ self.z - value) > TOL)
        for r in bad[:20]:
            self._fail("additivity", r, "the cell is not the sum of its inner cells")
        if len(bad):
            return
        known = np.asarray([s not in SUPPRESSED for _t, _i, s, _c in self.cells])
        primary = [r for r, (_t, _i, s, cur) in enumerate(self.cells) if s == CellStatus.PRIMARY]
        suppressed = [r for r, (_t, _i, s, _c) in enumerate(self.cells) if s in SUPPRESSED]
        self.focus: set[int] | None = None
        if self.only is not None:
            self.focus = {
                r for r, (t, i, _s, _c) in enumerate(self.cells) if (t.name, t.keys[i]) in self.only
            }
        checked = [r for r in primary if self.focus is None or r in self.focus]
        if self.look_first:
            cells = self.cells
            checked.sort(
                key=lambda r: (
                    (cells[r][0].name, cells[r][0].keys[cells[r][1]]) not in self.look_first
                )
            )
        self.known = known
        self.value = value
        self.seen = _Witnesses(x, value, self.z)
        singles = [r for r in primary if value[r] == 1]
        self.seen.single_mask[singles] = True
        # Each singleton's person knows their cell holds at least one: the strong attacker.
        self.at_least = [(self._idx(s), 1.0) for s in singles]
        carried = self._carry_in()
        earlier = {id(t) for t, _i, _s, current in self.cells if not current}
        self.report.checks.append(
            {
                "name": "joint",
                "earlier_tables": len(earlier),
                "published_cells": int(known.sum()),
                "feasible_points_carried": carried,
            }
        )
        # A stronger attacker: every person alone in a primary cell knows that cell holds at
        # least one person, and they pool what they know (each such cell at least 1). Its
        # feasible set lies inside the plain attacker's and inside each singleton's, so a
        # cell it cannot narrow enough is safe from them all, and every point it finds is
        # feasible for them too (those are the witnesses `proves_strong` uses). Feasible points
        # found so far are tried before any programme (they can only prove a cell safe,
        # never fail it); cells they do not prove get the plain attacker's programmes, whose
        # optima decide. The strong attacker's programmes are solved for a cell only when
        # its singletons need them (`_check_singletons`), and for the exact check, so a cell
        # that fails costs two programmes, not four.
        t0, lps0 = time.perf_counter(), self._lps()
        bounds: dict[int, tuple[float, float]] = {}
        self.proven: set[int] = set()  # safe from the strong attacker
        self.strong_tried: set[int] = set()
        self.optima: dict[int, tuple[Any, ...]] = {}
        batch: list[int] = []  # solved together (`lanes`), then seen by the next cells
        for r in checked:
            if self.seen.proves_strong(r, self.rules):
                self.proven.add(r)
                continue
            if self.seen.proves(r, self.rules):
                continue
            batch.append(r)
            if len(batch) == BATCH:
                self._plain_intervals(batch, bounds)
                if self._stopped(batch, bounds):
                    return
                batch = []
        self._plain_intervals(batch, bounds)
        if self._stopped(batch, bounds):
            return
        for r in suppressed:
            if self.focus is not None and r not in self.focus:
                continue
            if r in self.proven or self.seen.spread(r) > TOL:
                continue
            if r not in bounds:
                lo, hi = self._strong_interval(r)
                if hi - lo > TOL:
                    continue
                bounds[r] = self.full.interval(self._idx(r))
            lo, hi = bounds[r]
            if hi - lo <= TOL:
                self._fail("exact", r, f"recomputable: the attacker finds {lo:g}")
                if self.stop_at_first:
                    return
        self._check("exact", len(suppressed), t0, self._lps() - lps0)
        self.report.checks[-1]["proven_by_the_stronger_attacker"] = len(self.proven)
        t0, lps0 = time.perf_counter(), self._lps()
        for r in checked:
            if r in bounds:
                self._check_interval("interval", r, *bounds[r])
        self._check_magnitude(checked, known)
        self._check("interval", len(primary), t0, self._lps() - lps0)
        t0, lps0 = time.perf_counter(), self._lps()
        if self.fail_fast and self.report.failures:
            self.report.checks.append({"name": "singleton", "skipped": "earlier checks failed"})
        else:
            self._check_singletons(primary, value)
            self._check("singleton", len(primary), t0, self._lps() - lps0)

    def _carry_in(self) -> int:
        """Keep the given points that are feasible for this pattern's attacker as witnesses;
        how many."""
        if self.points is None:
            return 0
        if self.points.keys is None:
            self.points.keys = list(self.inner_keys)
        if self.points.keys != self.inner_keys:
            return 0
        upper = float(self.z.sum())
        given = [
            (cols, values)
            for cols, values in self.points.points
            if np.all(np.isfinite(values))
            and not np.any(values < -TOL)
            and not np.any(values > upper + TOL)
        ]
        if not given:
            self.points.points = []
            return 0
        # Every point's change of every published cell, in one product.
        change = sp.csc_matrix(
            (
                np.concatenate([values - self.z[cols] for cols, values in given]),
                np.concatenate([cols for cols, _values in given]),
                np.cumsum([0, *(len(cols) for cols, _values in given)]),
            ),
            shape=(len(self.z), len(given)),
        )
        moved = abs(self.rows[self.known] @ change).max(axis=0).toarray().ravel()
        valid = [point for point, most in zip(given, moved, strict=True) if most <= TOL]
        self.seen.keep_many(valid)  # the others change a published cell
        self.points.points = valid  # hiding more never makes a point feasible again
        self.seen.carried = len(self.seen.witnesses)
        return len(valid)

    def _plain_intervals(self, rows: list[int], bounds: dict[int, tuple[float, float]]) -> None:
        """The plain attacker's intervals of primary cells ``rows``, solved in lanes (see
        `_AttackerLP.interval`); their optima are kept."""

        def task(r: int) -> Callable[[int], tuple[tuple[float, float], Any]]:
            idx, below = self._idx(r), (float(self.rules.threshold), float(self.value[r]))

            def solve(lane: int) -> tuple[tuple[float, float], Any]:
                lp = self.fulls[lane]
                return lp.interval(idx, below=below), lp.last

            return solve

        for r, (interval, optima) in zip(
            rows, self._in_lanes([task(r) for r in rows]), strict=True
        ):
            bounds[r] = interval
            if optima is not None:
                self.optima[r] = optima
                self._keep_plain(optima)

    def _in_lanes(self, tasks: list[Callable[[int], T]], strong: bool = False) -> list[T]:
        """`lanes.run`, the lanes' models made here (not in a lane's thread). The first time
        a set of models is used, the first task runs alone in lane 0 and the other lanes'
        models start from the bases it leaves (`_AttackerLP.adopt`): one cold start, not one
        per lane."""
        families = ("fulls", "strongs") if strong else ("fulls",)
        twins = [lp for family in families for lp in getattr(self, family)[1:]]
        first: list[T] = []
        if len(tasks) > 1 and not self.primed.issuperset(families):
            first = [tasks[0](0)]
            self.primed.update(families)
        for lp in twins:
            lp.adopt()
        return first + lanes.run(tasks[len(first) :], offset=len(first))

    def _keep_plain(self, optima: tuple[Any, ...]) -> None:
        """Keep the plain attacker's optima (over its unknown cells) as witnesses."""
        cols = self.full.cols
        for w in optima:
            y = np.where(np.isnan(w), self.z[cols], w)
            self.seen.keep(cols, y)

    def _carry_out(self) -> None:
        """Hand the witnesses found here to the next audit."""
        if self.points is None or self.points.keys != self.inner_keys:
            return
        start = self.seen.carried
        for cols, delta in self.seen.witnesses[start:]:
            self.points.points.append((cols, self.z[cols] + delta))

    @cached_property
    def full(self) -> "_AttackerLP":
        """The attacker's whole problem, built the first time a cell needs it."""
        x, known = self.rows, self.known
        return _AttackerLP(x[known], self.value[known], x.shape[1], upper=float(self.z.sum()))

    @cached_property
    def fulls(self) -> list["_AttackerLP"]:
        """The plain attacker's problem once per lane (`lanes`), each with its own models."""
        return [self.full, *(self.full.twin() for _k in range(1, lanes.LANES))]

    @cached_property
    def strongs(self) -> list["_AttackerLP"]:
        return [self.strong, *(self.strong.twin() for _k in range(1, lanes.LANES))]

    @cached_property
    def strong(self) -> "_AttackerLP":
        """The pooled singletons' problem (see ``run``)."""
        x, known = self.rows, self.known
        return _AttackerLP(
            x[known],
            self.value[known],
            x.shape[1],
            upper=float(self.z.sum()),
            at_least=self.at_least,
        )

    def _strong_interval(self, r: int) -> tuple[float, float]:
        """The strong attacker's min and max of cell ``r``; the optima are kept."""
        bounds = self.strong.interval(self._idx(r))
        self._keep_strong(self.strong.last)
        return bounds

    def _keep_strong(self, optima: tuple[Any, ...] | None) -> None:
        """Keep the strong attacker's optima as witnesses."""
        for w in optima or ():
            self.seen.keep(self.strong.cols, w)

    def _safe(self, lo: float, hi: float) -> bool:
        rules = self.rules
        return hi >= rules.threshold - TOL and hi - lo >= rules.protection_level - TOL

    def _lps(self) -> int:
        made = self.__dict__
        models = [made[k] for k in ("full", "strong") if k in made]
        models += [lp for k in ("fulls", "strongs") if k in made for lp in made[k][1:]]
        return sum(lp.solved for lp in models)

    def _check_interval(self, check: str, r: int, lo: float, hi: float) -> None:
        rules = self.rules
        if hi < rules.threshold - TOL:
            self._fail(check, r, f"the attacker proves it is at most {hi:g}")
        elif hi - lo < rules.protection_level - TOL:
            self._fail(
                check, r, f"interval [{lo:g}, {hi:g}] narrower than {rules.protection_level}"
            )

    def _check_magnitude(self, primary: list[int], known: Any) -> None:
        groups: dict[int, list[int]] = {}
        for r in primary:
            t, i, _s, _c = self.cells[r]
            if is_magnitude(t) and t.value is not None:
                groups.setdefault(id(t), []).append(r)
        if not groups:
            return
        # The value LP needs inner magnitudes: the finest table must be a magnitude table.
        values = np.asarray(
            [t.value[i] if t.value is not None else np.nan for t, i, _s, _c in self.cells]
        )
        if np.isnan(values).any():
            raise ValueError("magnitude tables linked with frequency tables need one measure")
        vlp = _AttackerLP(
            self.rows[known], values[known], self.rows.shape[1], upper=self.value_total
        )
        for rows in groups.values():
            for r in rows:
                t, i, _s, _c = self.cells[r]
                assert t.value is not None and t.top is not None
                v, top = t.value[i], t.top[i]
                t1, t2 = (top[0] if top else 0.0), (top[1] if len(top) > 1 else 0.0)
                need = max(self.rules.p / 100 * t1 - (v - t1 - t2), 0.0)
                if need <= 0:
                    continue
                lo, hi = vlp.interval(self._idx(r))
                if hi < v + need - TOL or lo > v - need + TOL:
                    self._fail("interval", r, f"value interval [{lo:g}, {hi:g}] within p%")
        self.report.lps_solved += vlp.solved

    def _check_singletons(self, primary: list[int], value: Any) -> None:
        singles = [r for r in primary if value[r] == 1]
        if not singles:
            return
        groups = self._relations(primary)
        batch: list[tuple[int, int, bool]] = []  # singleton, cell, strong attacker first
        for s in singles:
            related = sorted({r for key in self._partials(s) for r in groups[key]} - {s})
            if len(related) > self.singleton_limit:
                self._fail("singleton", s, "too many related cells to check")
                continue
            for r in related:
                if any(q == r for _s, q, _first in batch):
                    self._singleton_intervals(batch)  # what they find decides this one
                    batch = []
                if r in self.failed or (self.focus is not None and r not in self.focus):
                    continue  # already reported: knowing more cannot make it safe
                if r in self.proven or self.seen.proves_strong(r, self.rules):
                    continue  # safe from the pooled singletons, s among them
                # The feasible points that show the cell's reach, if the singleton's cell
                # holds at least one person in both, are feasible for the singleton too.
                if self.seen.proves(r, self.rules, at_least=s):
                    continue
                optima = self.optima.get(r)
                if optima is not None and all(
                    self.full.value_at(self._idx(s), w) >= 1.0 - TOL for w in optima
                ):
                    continue  # both optima already give the singleton's cell >= 1
                # The pooled singletons' programmes first, once per cell: a cell safe from
                # them is safe from each singleton, s among them.
                batch.append((s, r, r not in self.strong_tried))
                self.strong_tried.add(r)
                if len(batch) == BATCH:
                    self._singleton_intervals(batch)
                    batch = []
        self._singleton_intervals(batch)

    def _singleton_intervals(self, batch: list[tuple[int, int, bool]]) -> None:
        """For each (singleton s, related cell r, strong first): the strong attacker's
        interval of r if asked, and, unless that proves r safe, the plain attacker's with s's
        cell at least one; solved in lanes, checked in order."""
        threshold = float(self.rules.threshold)

        def task(s: int, r: int, first: bool) -> Callable[[int], tuple[Any, Any]]:
            idx, at_least = self._idx(r), (self._idx(s), 1.0)
            below = (threshold, float(self.value[r]))

            def solve(lane: int) -> tuple[Any, Any]:
                strong = None
                if first:
                    interval = self.strongs[lane].interval(idx, below=below)
                    strong = (interval, self.strongs[lane].last)
                    if self._safe(*interval):
                        return strong, None
                lp = self.fulls[lane]
                return strong, (lp.interval(idx, at_least=at_least, below=below), lp.last)

            return solve

        found = self._in_lanes([task(*item) for item in batch], strong=True)
        for (_s, r, _first), (strong, plain) in zip(batch, found, strict=True):
            if strong is not None:
                self._keep_strong(strong[1])
                if self._safe(*strong[0]):
                    self.proven.add(r)
                    continue
            if plain[1] is not None:
                self._keep_plain(plain[1])
            self._check_interval("singleton", r, *plain[0])

    def _partials(self, r: int) -> list[tuple[int, int, tuple[str, ...]]]:
        """The cell's key with one dimension left out, for each dimension (with the table)."""
        t, i, _s, _c = self.cells[r]
        key = t.keys[i]
        return [(id(t), j, key[:j] + key[j + 1 :]) for j in range(len(key))]

    def _relations(self, rows: list[int]) -> dict[tuple[int, int, tuple[str, ...]], list[int]]:
        """Rows by partial key: two cells of one table whose keys differ on one dimension
        only (siblings under one parent, or parent and child) share a partial key."""
        groups: dict[tuple[int, int, tuple[str, ...]], list[int]] = {}
        for r in rows:
            for key in self._partials(r):
                groups.setdefault(key, []).append(r)
        return groups

    def _idx(self, r: int) -> npt.NDArray[np.int32]:
        x = self.rows
        return x.indices[x.indptr[r] : x.indptr[r + 1]]

    def _check(self, name: str, cells: int, t0: float, lps: int) -> None:
        failures = sum(1 for f in self.report.failures if f.check == name)
        self.report.checks.append(
            {
                "name": name,
                "cells": cells,
                "lps": lps,
                "failures": failures,
                "seconds": round(time.perf_counter() - t0, 3),
            }
        )

    def _fail(self, check: str, r: int, detail: str) -> None:
        self.failed.add(r)
        t, i, _s, current = self.cells[r]
        where = t.name if current else f"{t.name}{EARLIER}"
        self.report.failures.append(Failure(check, where, t.keys[i], detail))


class _Witnesses:
    """Feasible points of the attacker's problem, which can prove cells safe without
    programmes of their own (and can never fail one).

    The true inner counts ``z`` are one feasible point; every optimum the attacker's
    programmes find is another. The largest and smallest value of every cell over these
    points are kept, with the point that gave them: a cell whose largest value reaches the
    threshold and exceeds its smallest by the protection level is safe, since the attacker's
    own maximum and minimum can only lie further out.
    """

    def __init__(
        self,
        x: sp.csr_matrix,
        value: npt.NDArray[np.float64],
        z: npt.NDArray[np.float64],
    ) -> None:
        self.x, self.xc = x, sp.csc_matrix(x)
        self.value, self.z = value, z
        self.hi, self.lo = value.copy(), value.copy()
        self.arg_hi = np.full(len(value), -1)  # the witness of the maximum (-1: the truth)
        self.arg_lo = np.full(len(value), -1)
        self.witnesses: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]] = []
        self.carried = 0  # the first witnesses came from earlier audits
        self.single_mask = np.zeros(len(value), dtype=bool)  # primary cells of one person
        self.strong_hi, self.strong_lo = value.copy(), value.copy()

    def spread(self, r: int) -> float:
        return float(self.hi[r] - self.lo[r])

    def proves(self, r: int, rules: Rules | None, at_least: int | None = None) -> bool:
        """Whether the witnesses show the cell's reach: the threshold and the protection level
        (``rules``), or any spread at all (None); with ``at_least``, only if that cell holds
        at least one person in both witnesses."""
        hi, lo = float(self.hi[r]), float(self.lo[r])
        if rules is None:
            ok = hi - lo > TOL
        else:
            ok = hi >= rules.threshold - TOL and hi - lo >= rules.protection_level - TOL
        if ok and at_least is not None:
            return all(self._value_in(w, at_least) >= 1.0 - TOL for w in self._args(r))
        return ok

    def keep(self, cols: npt.NDArray[np.int64], y: npt.NDArray[np.float64]) -> None:
        """Keep the feasible point ``y`` over inner cells ``cols`` (the others at their true
        values; NaN: at its true value too) as a witness."""
        self.keep_many([(cols, np.where(np.isnan(y), self.z[cols], y))])

    def keep_many(
        self, points: Sequence[tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]]
    ) -> None:
        """`keep` for each (columns, values) point, the cells' changes in one product."""
        deltas = []
        for box, y in points:
            delta = y - self.z[box]
            moved = np.abs(delta) > 1e-9
            if moved.any():
                deltas.append((box[moved], delta[moved]))
        if not deltas:
            return
        change = sp.csc_matrix(
            (
                np.concatenate([d for _c, d in deltas]),
                np.concatenate([c for c, _d in deltas]),
                np.cumsum([0, *(len(c) for c, _d in deltas)]),
            ),
            shape=(len(self.z), len(deltas)),
        )
        cells = sp.csc_matrix(self.xc @ change)
        for k, (cols, delta) in enumerate(deltas):
            rows = cells.indices[cells.indptr[k] : cells.indptr[k + 1]]
            values = self.value[rows] + cells.data[cells.indptr[k] : cells.indptr[k + 1]]
            w = len(self.witnesses)
            self.witnesses.append((cols, delta))
            up, down = values > self.hi[rows], values < self.lo[rows]
            self.hi[rows[up]], self.arg_hi[rows[up]] = values[up], w
            self.lo[rows[down]], self.arg_lo[rows[down]] = values[down], w
            # The strong attacker allows it if every singleton's cell holds at least one
            # person (the cells it does not change hold their true count, at least one).
            if not np.any(self.single_mask[rows] & (values < 1.0 - TOL)):
                np.maximum.at(self.strong_hi, rows, values)
                np.minimum.at(self.strong_lo, rows, values)

    def proves_strong(self, r: int, rules: Rules) -> bool:
        """`proves`, with the witnesses the strong attacker's problem allows: those in which
        every singleton's cell holds at least one person."""
        hi, lo = float(self.strong_hi[r]), float(self.strong_lo[r])
        return hi >= rules.threshold - TOL and hi - lo >= rules.protection_level - TOL

    def _args(self, r: int) -> tuple[int, int]:
        return int(self.arg_hi[r]), int(self.arg_lo[r])

    def _value_in(self, w: int, r: int) -> float:
        if w < 0:
            return float(self.value[r])
        cols, delta = self.witnesses[w]
        cells = self.x.indices[self.x.indptr[r] : self.x.indptr[r + 1]]
        return float(self.value[r] + delta[np.isin(cols, cells)].sum())


def _finest(tables: Sequence[Table], inner: Table | None) -> Table:
    dims = linked_dimensions([*tables, *([inner] if inner is not None else [])])
    names = {d.name for d in dims}
    for candidate in [*([inner] if inner is not None else []), *tables]:
        if {d.name for d in candidate.dimensions} == names:
            return candidate
    raise ValueError("no table over every dimension: give the finest table as inner=")


class _AttackerLP:
    """min and max of a cell given the published cells, split into independent blocks."""

    def __init__(
        self,
        a: Any,
        b: npt.NDArray[np.float64],
        n: int,
        upper: float,
        *,
        fix_known: bool = True,
        at_least: Sequence[tuple[npt.NDArray[np.int32], float]] = (),
    ) -> None:
        """``at_least``: (inner cells, a lower bound of their sum) the attacker knows."""
        a = sp.csr_matrix(a)
        self.upper = upper
        self.solved = 0
        self.duals: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None = None
        self.last: tuple[npt.NDArray[np.float64], ...] | None = None
        self._highs: Any = None
        self._cost_set = np.zeros(0, dtype=np.int32)
        self.fix_known = fix_known
        self._blocks: dict[int, _AttackerLP] = {}
        self._source: _AttackerLP | None = None  # the problem this one twins (`twin`)
        self._start: Any = None  # a basis for the model not made yet (`adopt`)
        self._starts: dict[int, Any] = {}  # the same for blocks not made yet
        self._local: dict[int, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]] = {}
        # Inner cells published on their own are known: fix them and drop them.
        single = np.diff(a.indptr) == 1
        if not fix_known:  # keep every published cell as a constraint (with a dual)
            single[:] = False
        self.known = np.full(n, np.nan)
        self.known[a.indices[a.indptr[:-1][single]]] = b[single]
        unknown = np.isnan(self.known)
        fixed = np.where(unknown, 0.0, self.known)
        rhs = b - a @ fixed
        a = sp.csr_matrix(a[:, unknown])
        keep = np.diff(a.indptr) > 0
        if np.any(np.abs(rhs[~keep]) > TOL):
            raise ValueError("published cells contradict each other")
        self.a, self.rhs = sp.csr_matrix(a[keep]), rhs[keep]
        self.row_ids = np.flatnonzero(keep)  # LP row -> position in the rows given
        self.cols = np.flatnonzero(unknown)  # unknown inner cells, in LP column order
        self.pos = np.full(n, -1)
        self.pos[self.cols] = np.arange(len(self.cols))
        m = len(self.cols)
        self.lower = np.zeros(m)
        # Sums known to be at least a bound: on one unknown cell, a bound of that cell; on
        # more, a row of their own (``ineq``, after the equations in every model).
        starts, cells, bounds = [0], [], []
        for idx, bound in at_least:
            known_part, u = self._split(np.asarray(idx))
            need = bound - known_part
            if need <= TOL:
                continue  # implied by the published cells and counts >= 0
            if not len(u):
                raise ValueError("published cells contradict what the attacker knows")
            if len(u) == 1:
                self.lower[u[0]] = max(self.lower[u[0]], need)
                continue
            cells.extend(u.tolist())
            starts.append(len(cells))
            bounds.append(need)
        self.ineq = sp.csr_matrix(
            (np.ones(len(cells)), np.asarray(cells, dtype=np.int64), np.asarray(starts)),
            shape=(len(bounds), m),
        )
        self.ineq_lo = np.asarray(bounds, dtype=float)
        rows = sp.vstack([self.a, self.ineq], format="csr")
        graph = sp.bmat([[None, rows], [rows.T, None]]) if rows.shape[0] else None
        if graph is not None and m:
            _n, labels = connected_components(graph, directed=False)
            self.comp = labels[rows.shape[0] :]
            self.row_comp = labels[: self.a.shape[0]]
            self.ineq_comp = labels[self.a.shape[0] : rows.shape[0]]
        else:
            self.comp = np.arange(m)
            self.row_comp = np.zeros(0, dtype=int)
            self.ineq_comp = np.zeros(0, dtype=int)

    def twin(self) -> "_AttackerLP":
        """The same problem with HiGHS models of its own, for another lane."""
        twin = copy.copy(self)
        twin.solved, twin.duals, twin.last, twin._highs = 0, None, None, None
        twin._cost_set = np.zeros(0, dtype=np.int32)
        twin._blocks, twin._local = {}, {}
        twin._source, twin._start, twin._starts = self, None, {}
        return twin

    def adopt(self) -> None:
        """The models this twin has not made yet will start from the last basis of the same
        models of the problem it twins, where those are made (a cold start on the linked
        benchmark tables takes 0.75 s). Call it only while no lane solves."""
        source = self._source
        if source is None:
            return
        if self._highs is None and self._start is None and source._highs is not None:
            self._start = source._highs.getBasis()
        for key, sub in source._blocks.items():
            if key not in self._blocks and key not in self._starts and sub._highs is not None:
                self._starts[key] = sub._highs.getBasis()

    def _split(self, idx: npt.NDArray[np.int32]) -> tuple[float, npt.NDArray[np.int64]]:
        known_part = float(np.nansum(self.known[idx]))
        return known_part, self.pos[idx][self.pos[idx] >= 0]

    def _solver(self) -> Any:
        """One HiGHS model of the whole attacker problem, warm-started between objectives."""
        if self._highs is None:
            h = _core._Highs()
            h.setOptionValue("output_flag", False)
            # Primal simplex: after a change of objective the last optimal basis is still
            # feasible, and primal simplex goes on from it in a few pivots (dual simplex, the
            # default, starts over: ten to twenty times slower here).
            h.setOptionValue("simplex_strategy", 4)
            a = sp.csc_matrix(sp.vstack([self.a, self.ineq]))
            lp = _core.HighsLp()
            lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
            lp.col_cost_ = np.zeros(a.shape[1])
            lp.col_lower_ = np.asarray(self.lower, dtype=float)
            lp.col_upper_ = np.full(a.shape[1], self.upper)
            rhs = np.asarray(self.rhs, dtype=float)
            lp.row_lower_ = np.concatenate([rhs, self.ineq_lo])
            lp.row_upper_ = np.concatenate([rhs, np.full(len(self.ineq_lo), _core.kHighsInf)])
            lp.a_matrix_.format_ = _core.MatrixFormat.kColwise
            lp.a_matrix_.start_ = a.indptr.astype(np.int32)
            lp.a_matrix_.index_ = a.indices.astype(np.int32)
            lp.a_matrix_.value_ = a.data.astype(float)
            if h.passModel(lp) != _core.HighsStatus.kOk:
                raise RuntimeError("HiGHS refused the attacker model")
            start, self._start = self._start, None
            if start is None or not start.valid or h.setBasis(start) != _core.HighsStatus.kOk:
                # No basis to start from: the interior point method, whose crossover leaves
                # one, is two to three times faster on the first programme than primal
                # simplex from scratch (measured on the linked benchmark tables).
                h.setOptionValue("solver", "ipm")
            self._highs = h
        return self._highs

    def _interval_warm(
        self,
        u: npt.NDArray[np.int64],
        extra: tuple[npt.NDArray[np.int64], float] | None,
        below: tuple[float, float] | None = None,
    ) -> tuple[list[float], list[npt.NDArray[np.float64]]]:
        h = self._solver()
        if len(self._cost_set):
            h.changeColsCost(len(self._cost_set), self._cost_set, np.zeros(len(self._cost_set)))
        self._cost_set = u.astype(np.int32)
        h.changeColsCost(len(u), self._cost_set, np.ones(len(u)))
        # The attacker's extra knowledge, sum of extra[0] >= extra[1]: a lower bound on the
        # column when it is one inner cell (the basis stays valid), else a row.
        single = extra is not None and len(extra[0]) == 1
        if extra is not None:
            idx = extra[0].astype(np.int32)
            if single:
                bound = max(extra[1], float(self.lower[idx[0]]))
                h.changeColsBounds(1, idx, np.asarray([bound]), np.asarray([self.upper]))
            else:
                h.addRow(extra[1], _core.kHighsInf, len(idx), idx, np.ones(len(idx)))
        low, high = _core.ObjSense.kMinimize, _core.ObjSense.kMaximize
        found: dict[Any, tuple[float, npt.NDArray[np.float64], npt.NDArray[np.float64]]] = {}
        try:
            for sense in (low, high) if below is None else (high, low):
                if below is not None and found and below[1] + TOL < found[high][0] < below[0] - TOL:
                    break  # the maximum fails the cell whatever its minimum (not recomputed)
                h.changeObjectiveSense(sense)
                h.run()
                h.setOptionValue("solver", "simplex")
                self.solved += 1
                status = h.getModelStatus()
                if status != _core.HighsModelStatus.kOptimal:
                    # A warm start can end badly after the model changed: solve from scratch
                    # once before believing it.
                    h.clearSolver()
                    h.run()
                    self.solved += 1
                    status = h.getModelStatus()
                if status != _core.HighsModelStatus.kOptimal:
                    raise RuntimeError(f"HiGHS status {h.modelStatusToString(status)}")
                solution = h.getSolution()
                found[sense] = (
                    float(h.getInfo().objective_function_value),
                    np.asarray(solution.col_value, dtype=float),
                    np.asarray(solution.row_dual, dtype=float)[: len(self.rhs)],
                )
            self.duals = (found[low][2], found[high][2]) if low in found else None
        finally:
            if extra is not None and single:
                idx = extra[0].astype(np.int32)
                own = self.lower[idx[:1]].astype(float)
                h.changeColsBounds(1, idx, own, np.asarray([self.upper]))
            elif extra is not None:
                last = np.asarray([h.getNumRow() - 1], dtype=np.int32)
                h.deleteRows(1, last)
        lo = found[low][0] if low in found else -np.inf
        return [lo, found[high][0]], [found[k][1] for k in (low, high) if k in found]

    def _interval_split(
        self,
        u: npt.NDArray[np.int64],
        extra: tuple[npt.NDArray[np.int64], float] | None,
        below: tuple[float, float] | None = None,
    ) -> tuple[list[float], list[npt.NDArray[np.float64]]]:
        """The warm-started programmes on the independent block(s) holding the cell only (its
        connected component of unknowns and equations), one cached HiGHS model per block."""
        comps = set(self.comp[u].tolist())
        if extra is not None:
            comps |= set(self.comp[extra[0]].tolist())
        if self.fix_known is False or len(comps) != 1 or not self.a.shape[0]:
            return self._interval_warm(u, extra, below)
        key = next(iter(comps))
        sub = self._blocks.get(key)
        if sub is None:
            cols = np.flatnonzero(self.comp == key)
            rows = np.flatnonzero(self.row_comp == key)
            sub = _AttackerLP.__new__(_AttackerLP)
            sub.a, sub.rhs, sub.upper = (
                sp.csr_matrix(self.a[rows][:, cols]),
                self.rhs[rows],
                self.upper,
            )
            sub.solved, sub._highs, sub._cost_set, sub.duals = 0, None, np.zeros(0, np.int32), None
            sub._source, sub._start, sub._starts = None, self._starts.pop(key, None), {}
            sub.lower = self.lower[cols]
            irows = np.flatnonzero(self.ineq_comp == key)
            sub.ineq = sp.csr_matrix(self.ineq[irows][:, cols])
            sub.ineq_lo = self.ineq_lo[irows]
            local = np.full(len(self.cols), -1)
            local[cols] = np.arange(len(cols))
            self._blocks[key] = sub
            self._local[key] = (cols, local)
        cols, local = self._local[key]
        ex = None if extra is None else (local[extra[0]], extra[1])
        before = sub.solved
        out, wit = sub._interval_warm(local[u], ex, below)
        self.solved += sub.solved - before
        full = []
        for w in wit:
            f = np.full(len(self.cols), np.nan)
            f[cols] = w
            full.append(f)
        return out, full

    def interval(
        self,
        idx: npt.NDArray[np.int32],
        at_least: tuple[npt.NDArray[np.int32], float] | None = None,
        below: tuple[float, float] | None = None,
    ) -> tuple[float, float]:
        """min and max of the cell made of inner cells ``idx``; ``at_least``: (inner cells
        of another cell, a lower bound the attacker knows for it). ``below``: (threshold, true
        value): the maximum is solved first, and if it is below the threshold (the cell fails
        whatever its minimum) but above the true value (so the cell is not recomputed, which
        the report would say), the minimum is not solved and comes back as -inf. ``last``:
        the optima found."""
        known_part, u = self._split(idx)
        self.last = None
        if not len(u):
            return known_part, known_part
        if _core is not None:
            extra_w = None
            if at_least is not None:
                k2, u2 = self._split(at_least[0])
                if len(u2) and at_least[1] - k2 > TOL:
                    extra_w = (u2, at_least[1] - k2)
            if below is not None:  # the programmes see the unknown part of the cell only
                below = (below[0] - known_part, below[1] - known_part)
            out_w, wit = self._interval_split(u, extra_w, below)
            self.last = tuple(wit)
            return known_part + out_w[0], known_part + out_w[1]
        comps = set(self.comp[u].tolist())
        extra = None
        if at_least is not None:
            k2, u2 = self._split(at_least[0])
            if len(u2) and at_least[1] - k2 > TOL:
                comps |= set(self.comp[u2].tolist())
                extra = (u2, at_least[1] - k2)
        cols = np.flatnonzero(np.isin(self.comp, list(comps)))
        rows = np.flatnonzero(np.isin(self.row_comp, list(comps)))
        local = np.full(len(self.cols), -1)
        local[cols] = np.arange(len(cols))
        a = self.a[rows][:, cols]
        c = np.zeros(len(cols))
        c[local[u]] = 1.0
        irows = np.flatnonzero(np.isin(self.ineq_comp, list(comps)))
        a_ub = -sp.csr_matrix(self.ineq[irows][:, cols])
        b_ub = -self.ineq_lo[irows]
        if extra is not None:
            g = np.zeros(len(cols))
            g[local[extra[0]]] = -1.0
            a_ub = sp.vstack([a_ub, sp.csr_matrix(g)], format="csr")
            b_ub = np.concatenate([b_ub, [-extra[1]]])
        out = []
        witnesses = []
        for sign in (1.0, -1.0):
            res = linprog(
                sign * c,
                A_ub=a_ub if a_ub.shape[0] else None,
                b_ub=b_ub if a_ub.shape[0] else None,
                A_eq=a if a.shape[0] else None,
                b_eq=self.rhs[rows] if a.shape[0] else None,
                bounds=np.column_stack([self.lower[cols], np.full(len(cols), self.upper)]),
                method="highs",
            )
            self.solved += 1
            if res.status != 0:
                raise RuntimeError(f"HiGHS status {res.status}: {res.message}")
            out.append(sign * res.fun)
            w = np.full(len(self.cols), np.nan)
            w[cols] = res.x
            witnesses.append(w)
        self.last = (witnesses[0], witnesses[1])
        return known_part + out[0], known_part + out[1]

    def value_at(self, idx: npt.NDArray[np.int32], w: npt.NDArray[np.float64]) -> float:
        """The cell's value in a solution ``w`` (NaN if ``w`` does not cover it)."""
        known_part, u = self._split(idx)
        return known_part + float(w[u].sum())
