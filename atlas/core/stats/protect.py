"""The one way to protect tables for publication: primary rules, secondary suppression over the
whole linked set, interval repair, audit, and the information loss. Fail-closed.

`protect` returns a `Protected` only when the audit has passed, and raises `AuditFailed`
(carrying the report, never a number) otherwise; `Protected.cells` gives the published
values and refuses if the audit attached to it has not passed, so a hand-built `Protected`
cannot leak numbers either.

For a linked set of tables over different dimensions, ``inner`` (the finest table over the
union of dimensions, produced by the aggregation) is required; see ``model``. ``published``
holds earlier releases from the same data: their published cells are never suppressed here
(they are already out) and the audit runs jointly with them.

>>> from atlas.core.stats.tables import CodeList, Table
>>> area = CodeList("area", total="P", parent={"A1": "P", "A2": "P", "A3": "P"})
>>> t = Table("t", (area,), [("P",), ("A1",), ("A2",), ("A3",)], [63, 40, 3, 20])
>>> out = protect([t], Rules(max_unsafe_share=1.0))
>>> [(key, value) for key, _status, value in out.cells(0)]
[(('P',), 63), (('A1',), 40), (('A2',), None), (('A3',), None)]
>>> out.audit.passed, out.loss[0].primary, out.loss[0].secondary
(True, 1, 1)
"""

import copy
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from atlas.core.stats import lanes, optimal
from atlas.core.stats.audit import (
    EARLIER,
    AuditReport,
    FeasiblePoints,
    Release,
    _AttackerLP,
    _core,
    audit,
)
from atlas.core.stats.model import Model, build_model
from atlas.core.stats.primary import Rules, decide_primary, is_magnitude
from atlas.core.stats.secondary import Elimination, Order, ProtectionError, publication_order
from atlas.core.stats.tables import CellDecision, CellStatus, Table

HIDDEN = (CellStatus.PRIMARY, CellStatus.SECONDARY)
__all__ = ["AuditFailed", "Protected", "ProtectionError", "Unaudited", "protect"]


class AuditFailed(Exception):
    """The pattern did not pass the audit: nothing may be published. ``report`` says why."""

    def __init__(self, report: AuditReport) -> None:
        self.report = report
        first = report.failures[0] if report.failures else None
        why = f"{first.check} {first.table} {first.cell}: {first.detail}" if first else "?"
        super().__init__(f"audit failed ({len(report.failures)} failures; first: {why})")


class Unaudited(PermissionError):
    """Numbers were asked of a protected table whose audit has not passed."""


@dataclass(frozen=True)
class InformationLoss:
    """What suppression costs in one table."""

    table: str
    cells: int
    primary: int
    secondary: int
    suppressed_persons_share: float  # suppressed inner persons / all persons
    by_level: dict[int, int]  # sum of the cell's hierarchy levels -> suppressed cells
    by_dimension_level: dict[str, dict[int, int]]
    total_suppressed: bool  # the grand total is suppressed
    # How the secondary cells were chosen: elimination, or the optimal search (with whether
    # it proved its pattern optimal, and the lower bound it proved for any safe pattern).
    secondary_method: dict[str, Any] = field(default_factory=lambda: {"method": "elimination"})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Protected:
    """Protected tables: a decision per cell, the audit report, the information loss."""

    tables: tuple[Table, ...]
    decisions: tuple[tuple[CellDecision, ...], ...]
    audit: AuditReport
    loss: tuple[InformationLoss, ...]

    def statuses(self) -> tuple[tuple[CellStatus, ...], ...]:
        return tuple(tuple(d.status for d in ds) for ds in self.decisions)

    def release(self) -> Release:
        """This publication as an earlier release for the next audit."""
        return Release(self.tables, self.statuses())

    def cells(self, t: int) -> list[tuple[tuple[str, ...], CellStatus, int | None]]:
        """(key, status, persons or None when suppressed) of every cell of table ``t``."""
        if not self.audit.passed:
            raise Unaudited("this table has not passed the audit; nothing may be published")
        table = self.tables[t]
        return [
            (key, d.status, None if d.status in HIDDEN else n)
            for key, d, n in zip(table.keys, self.decisions[t], table.persons, strict=True)
        ]


def protect(
    tables: Sequence[Table],
    rules: Rules,
    published: Sequence[Release] = (),
    *,
    inner: Table | None = None,
    order: Order = "persons",
    max_repairs: int = 50,
    optimal_seconds: float = 60.0,
) -> Protected:
    """Protect ``tables`` (one linked set) for publication; raise AuditFailed if unsafe.

    Secondary suppression is Gaussian elimination with interval repair; when
    ``rules.secondary`` is "optimal" (frequency tables), `optimal.solve` then searches for at
    most ``optimal_seconds`` for a cheaper safe pattern (or proves elimination's the least
    costly), and its best stands."""
    tables = tuple(tables)
    decisions = [decide_primary(t, rules) for t in tables]
    earlier = [t for r in published for t in r.tables]
    model = build_model([*tables, *earlier], inner)
    n_now = model.offsets[len(tables)]
    primary = np.zeros(model.x.shape[0], dtype=bool)
    forced = np.zeros(model.x.shape[0], dtype=bool)
    for t, ds in enumerate(decisions):
        for i, d in enumerate(ds):
            r = model.offsets[t] + i
            primary[r] = d.status == CellStatus.PRIMARY
            forced[r] = d.status == CellStatus.EMPTY
    for k, rel in enumerate(published):
        t0 = len(tables) + sum(len(r.tables) for r in published[:k])
        for j, earlier_statuses in enumerate(rel.statuses):
            for i, s in enumerate(earlier_statuses):
                r = model.offsets[t0 + j] + i
                primary[r] = s == CellStatus.PRIMARY
                forced[r] = s not in HIDDEN
    # A cell hidden in an earlier release of a table over the same dimensions stays hidden:
    # published now, it could be compared with the earlier release (the joint audit would
    # then refuse).
    earlier_hidden = {
        (_dimensions(t), t.keys[i])
        for rel in published
        for t, st in zip(rel.tables, rel.statuses, strict=True)
        for i, s in enumerate(st)
        if s in HIDDEN
    }
    kept = np.zeros_like(primary)
    for t, table in enumerate(tables):
        dims = _dimensions(table)
        for i, key in enumerate(table.keys):
            r = model.offsets[t] + i
            kept[r] = (dims, key) in earlier_hidden and not forced[r]
    magnitude = any(map(is_magnitude, tables))

    def check(
        hidden: npt.NDArray[np.bool_],
        only: set[tuple[str, tuple[str, ...]]] | None = None,
        points: FeasiblePoints | None = None,
        fail_fast: bool = False,
        near: int | None = None,
    ) -> AuditReport:
        """The audit of pattern ``hidden``. ``near``: the row a pruning step published again;
        the audit stops at its first failure, the primary cells that share inner cells with
        that row checked first (publishing it narrows those)."""
        statuses = _statuses(tables, decisions, hidden, primary, model)
        first: set[tuple[str, tuple[str, ...]]] = set()
        if near is not None:
            shared = (model.x @ model.x[near].T).toarray().ravel() > 0
            first = _keys(model, set(np.flatnonzero(shared & primary).tolist()))
        return audit(
            tables,
            statuses,
            rules,
            inner=inner,
            published=published,
            only=only,
            points=points,
            fail_fast=fail_fast,
            stop_at_first=near is not None,
            look_first=first,
        )

    deadline = float("inf")

    def made_safe(
        pattern: npt.NDArray[np.bool_], seen: Callable[[Any, Any], None], order: int = 0
    ) -> tuple[npt.NDArray[np.bool_], AuditReport] | None:
        fixed = primary | kept
        return _made_safe(
            model, pattern, fixed, forced, rules, check, n_now, seen, deadline, order=order
        )

    hidden, report = _eliminate_and_repair(
        model, primary, kept, forced, rules, check, order, n_now, max_repairs, magnitude
    )
    chosen = "elimination"
    search = None
    if rules.secondary == "optimal" and not magnitude:
        # Elimination's pattern is the one to beat (and the search may prune it); the search
        # gives the cheapest safe pattern it found, proved optimal or not.
        deadline = time.perf_counter() + optimal_seconds
        search = optimal.solve(
            model,
            primary | kept,
            forced,
            primary,
            rules,
            check,
            lambda report: _failures(model, report, n_now),
            n_now=n_now,
            time_limit=optimal_seconds,
            repair=made_safe,
            first=(hidden, report) if report.passed else None,
        )
        best, found = search.hidden, search.report
        if (
            best is not None
            and found is not None
            and found.passed
            and (search.proven or not np.array_equal(best, hidden))
        ):
            hidden, report, chosen = best, found, "optimal"
    cost = optimal.costs(model)
    cost[n_now:] = 0.0  # what earlier releases hid costs nothing now
    statuses = _statuses(tables, decisions, hidden, primary, model)
    final = tuple(
        tuple(
            d
            if d.status in (CellStatus.PRIMARY, CellStatus.EMPTY) and s == d.status
            else CellDecision(s, "secondary" if s == CellStatus.SECONDARY else d.rule)
            for d, s in zip(ds, st, strict=True)
        )
        for ds, st in zip(decisions, statuses, strict=True)
    )
    if not report.passed:
        raise AuditFailed(report)
    method: dict[str, Any] = {"method": chosen}
    if search is not None:  # with how far from the best the pattern may be
        method |= {"cost": float(cost[hidden].sum()), "optimal_search": search.to_dict()}
    loss = tuple(information_loss(model, t, final[t], method) for t in range(len(tables)))
    return Protected(tables, final, report, loss)


def _eliminate_and_repair(
    model: Model,
    primary: npt.NDArray[np.bool_],
    kept: npt.NDArray[np.bool_],
    forced: npt.NDArray[np.bool_],
    rules: Rules,
    check: Callable[..., AuditReport],
    order: Order,
    n_now: int,
    max_repairs: int,
    magnitude: bool,
) -> tuple[npt.NDArray[np.bool_], AuditReport]:
    """Gaussian elimination first: no primary cell is in the span of the published ones. Where
    the audit finds a primary cell's interval too narrow, the repair picks more cells to hide:
    those a least-cost change raising the cell far enough must move (`_Perturbation`, for
    frequency tables), else one from the attacker's binding constraints. The cells the change
    moves cannot be recomputed (they move in a feasible point); a cell chosen any other way
    might be, so then elimination runs again with the new cells as cells that must not be
    recomputable either (a hidden cell that could be recomputed would widen nothing). Only
    the true primary cells are audited for their intervals. Returns the rows hidden and the
    last full audit's report."""
    # Feasible points found by each audit and by the repair prove cells safe in the next
    # audit without programmes of their own (the audit checks each against its pattern).
    points = FeasiblePoints()
    elimination = _elimination(model, forced, order, n_now)
    hidden = _choose(elimination, primary | kept)
    # Hiding more cells only takes constraints from the attacker: a cell that passed stays
    # passed. So between two full audits, the repair rounds re-check only the cells that
    # failed and the cells newly hidden; the pattern is published only after a full audit.
    report = check(hidden, points=points, fail_fast=True)
    perturbation = None
    if not report.passed and _core is not None and not magnitude:
        singles = primary & (model.y == 1)
        perturbation = _Perturbation(model, forced, singles, rules, points)
    # A hidden cell that the attacker recomputes, other than a primary one, is published
    # again: the attacker knows its value already, so publishing it changes nothing anyone
    # knows (as `_made_safe` does). The elimination hides such cells where publishing them
    # would add a combination of singletons' cells (a zero cell among them: a zero the
    # repair cannot move), and would hide them again each round.
    shown = np.zeros_like(hidden)

    def still_failing(report: AuditReport) -> list[int]:
        """The failing rows to repair, once the recomputed hidden cells are published."""
        failures = _failures(model, report, n_now)
        again = [
            r
            for name, r in failures
            if name == "exact" and 0 <= r < n_now and hidden[r] and not (primary | kept)[r]
        ]
        shown[again] = True
        hidden[again] = False
        return [
            r
            for name, r in failures
            if name in ("interval", "singleton", "exact") and 0 <= r < n_now and not shown[r]
        ]

    rounds, stuck = 0, False
    while not report.passed and not stuck and rounds < max_repairs:
        published = int(shown.sum())
        failing = still_failing(report)
        stuck = not failing and published == int(shown.sum())
        while failing and rounds < max_repairs:
            rounds += 1
            added, checked = np.zeros_like(hidden), failing
            more = np.zeros_like(hidden)
            if perturbation is not None:
                added, failing = _repair_by_perturbation(perturbation, failing, hidden)
                shown &= ~added  # moved in a feasible point: hidden again, not recomputed
            if failing:
                fixed = forced | shown  # published, and staying so
                more = _repair_by_duals(model, failing, hidden, fixed, rules, n_now)
                if not more.any():
                    more = _repair(model, failing, hidden, fixed, rules, n_now)
            if not (added | more).any():
                stuck = True  # nothing more to try: the last full report stands
                break
            if not more.any():
                # Every cell the perturbation hid moves in a feasible point of the attacker's
                # problem (the least-cost change, which stays feasible as more is hidden):
                # none can be recomputed, so they need no elimination. On to the full audit,
                # which finds any cell still failing.
                hidden = hidden | added
                break
            # Cells chosen another way go through elimination: everything hidden stays
            # hidden (it is not in the span of the published cells, and stays so as fewer
            # are published), and elimination only adds the complements the new cells need,
            # so a round never undoes an earlier one.
            before = hidden
            hidden = _choose(elimination, hidden | added | more) & ~shown
            again = set(checked) | set(np.flatnonzero(hidden & ~before).tolist())
            failing = still_failing(check(hidden, _keys(model, again), points))
        if not stuck:
            report = check(hidden, points=points, fail_fast=True)
    return hidden, report


def _made_safe(
    model: Model,
    hidden: npt.NDArray[np.bool_],
    fixed: npt.NDArray[np.bool_],
    forced: npt.NDArray[np.bool_],
    rules: Rules,
    check: Callable[..., AuditReport],
    n_now: int,
    seen: Callable[[npt.NDArray[np.bool_], list[tuple[str, int]]], None] | None = None,
    deadline: float = float("inf"),
    max_rounds: int = 20,
    order: int = 0,
) -> tuple[npt.NDArray[np.bool_], AuditReport] | None:
    """``hidden`` made safe without elimination, for the optimal search's patterns (which are
    near a safe one, or its primary cells alone): cells whose interval is too narrow get the
    least-cost change's cells hidden (`_Perturbation`) until none is; then hidden cells the
    attacker recomputes are published again (which changes nothing the attacker knows). None:
    the audit does not pass within ``max_rounds`` (or before ``deadline``).

    Each repair leaves free what it hides for the next, so the order of the failing cells
    changes the pattern (on the 384-cell benchmark table, from 74 to 98 secondary cells):
    ``order`` 0 repairs them in the tables' order, 1 the fewest persons first, and any other
    in a shuffled order of that seed."""
    hidden = hidden.copy()
    perturbation = _Perturbation(model, forced, fixed & (model.y == 1), rules)
    for _round in range(max_rounds):
        if time.perf_counter() > deadline:
            return None
        report = check(hidden)
        if report.passed:
            return hidden, report
        failures = _failures(model, report, n_now)
        failing = [r for name, r in failures if name in ("interval", "singleton") and r >= 0]
        exact = [r for name, r in failures if name == "exact" and 0 <= r < n_now and not fixed[r]]
        if len(failing) + len(exact) < sum(
            1 for name, r in failures if not (name == "exact" and r >= 0 and fixed[r])
        ):
            return None  # a failure the repair does not answer
        if not failing:
            hidden[exact] = False  # publishing what the attacker recomputes changes nothing
            continue
        if seen is not None and _round:
            seen(hidden.copy(), [(name, r) for name, r in failures if name != "exact"])
        failing = _ordered(failing, model.y, order)
        added, rest = _repair_by_perturbation(perturbation, failing, hidden)
        if rest:
            added |= _repair_by_duals(model, rest, hidden, forced, rules, n_now)
        if not added.any():
            return None
        hidden |= added
    return None


def _ordered(rows: list[int], y: npt.NDArray[np.int64], order: int) -> list[int]:
    """``rows`` in the order ``order`` of `_made_safe`.

    >>> _ordered([5, 3, 4], np.array([0, 0, 0, 7, 1, 9]), 1)
    [4, 3, 5]
    >>> sorted(_ordered([5, 3, 4], np.array([0, 0, 0, 7, 1, 9]), 2))
    [3, 4, 5]
    """
    if order == 0:
        return rows
    if order == 1:
        return sorted(rows, key=lambda r: (int(y[r]), r))
    return [rows[i] for i in np.random.default_rng(order).permutation(len(rows))]


def _dimensions(table: Table) -> tuple[str, ...]:
    return tuple(d.name for d in table.dimensions)


def _elimination(
    model: Model, forced: npt.NDArray[np.bool_], order: Order, n_now: int
) -> Elimination:
    """The elimination over the rows of this release (the earlier releases' rows are out)."""
    released = np.zeros_like(forced)
    released[n_now:] = True
    rest = np.flatnonzero(~forced[:n_now]).tolist()
    candidates = publication_order(model, rest, order)
    return Elimination(model, forced, order=order, candidates=candidates, released=released)


def _choose(elimination: Elimination, primary: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Rows hidden (primary or secondary) after Gaussian elimination."""
    return ~elimination.run(primary).published


def _statuses(
    tables: Sequence[Table],
    decisions: Sequence[Sequence[CellDecision]],
    hidden: npt.NDArray[np.bool_],
    primary: npt.NDArray[np.bool_],
    model: Model,
) -> list[list[CellStatus]]:
    out = []
    for t, ds in enumerate(decisions):
        row: list[CellStatus] = []
        for i, d in enumerate(ds):
            r = model.offsets[t] + i
            if primary[r]:
                row.append(CellStatus.PRIMARY)
            elif hidden[r]:
                row.append(CellStatus.SECONDARY)
            else:
                row.append(d.status if d.status == CellStatus.EMPTY else CellStatus.SAFE)
        out.append(row)
    return out


def _keys(model: Model, rows: set[int]) -> set[tuple[str, tuple[str, ...]]]:
    out = set()
    for r in rows:
        t, c = model.locate(r)
        out.add((model.tables[t].name, model.tables[t].keys[c]))
    return out


def _failing_rows(
    model: Model,
    report: AuditReport,
    n_now: int,
    checks: tuple[str, ...] = ("interval", "singleton", "exact"),
) -> list[int]:
    """The rows of this release whose cells fail one of ``checks``."""
    rows = _failures(model, report, n_now)
    return [r for name, r in rows if name in checks and 0 <= r < n_now]


def _failures(model: Model, report: AuditReport, n_now: int) -> list[tuple[str, int]]:
    """Each failure as (check, row); -1 for a failure of no cell of the model."""
    out = []
    for f in report.failures:
        earlier = f.table.endswith(EARLIER)
        name = f.table.removesuffix(EARLIER)
        row = -1
        for t, table in enumerate(model.tables):
            if (model.offsets[t] >= n_now) != earlier:
                continue
            if table.name == name and f.cell in table.index:
                row = model.offsets[t] + table.index[f.cell]
                break
        out.append((f.check, row))
    return out


def _repair_by_duals(
    model: Model,
    failing: list[int],
    hidden: npt.NDArray[np.bool_],
    forced: npt.NDArray[np.bool_],
    rules: Rules,
    n_now: int,
) -> npt.NDArray[np.bool_]:
    """For each failing cell, solve the attacker's programmes with every published cell as
    a constraint: the cells whose constraints bind at the optimum (non-zero dual) are what
    pins the interval. Hide the one that can open it enough at the least cost: the smallest
    holding at least what is missing, else the largest."""
    published = np.flatnonzero(~hidden)
    lp = _AttackerLP(
        model.x[published],
        model.y[published].astype(float),
        model.x.shape[1],
        upper=float(model.z.sum()),
        fix_known=False,
    )
    y = model.y
    added = np.zeros(model.x.shape[0], dtype=bool)
    x = model.x
    for r in dict.fromkeys(failing):
        lo, hi = lp.interval(x.indices[x.indptr[r] : x.indptr[r + 1]])
        if lp.duals is None:
            continue
        missing = max(rules.threshold - hi, rules.protection_level - (hi - lo), 1.0)
        for duals in (lp.duals[1], lp.duals[0]):  # binding for the maximum first
            binding = published[lp.row_ids[np.flatnonzero(np.abs(duals) > 1e-9)]]
            binding = binding[(binding < n_now) & ~forced[binding] & (y[binding] > 0)]
            if not len(binding):
                continue
            enough = binding[y[binding] >= missing]
            best = enough[np.argmin(y[enough])] if len(enough) else binding[np.argmax(y[binding])]
            added[int(best)] = True
            break
    return added


def _repair_by_perturbation(
    perturbation: "_Perturbation", failing: list[int], hidden: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.bool_], list[int]]:
    """The cells to hide so that each failing cell can rise far enough (see `_Perturbation`),
    and the failing cells it could not repair."""
    perturbation.hide(np.flatnonzero(hidden))
    added = np.zeros_like(hidden)
    rest: list[int] = []
    for lane in perturbation.repair_all(list(dict.fromkeys(failing)), hidden):
        for r, rows in lane:
            if rows is None:
                rest.append(r)
            else:
                added[rows] = True
    perturbation.hide(np.flatnonzero(added))
    return added, rest


class _Perturbation:
    """The repair's programme: the cheapest change of the inner cells that moves a failing
    cell up far enough while every published cell keeps its value.

    The unknowns are a change ``d`` of inner cells (the counts stay between 0 and the grand
    total) and each table cell's change ``X d``, split into its rise and its fall. A published
    cell may change only at a cost (its weight per person of change); a hidden cell changes
    freely; a forced cell (empty, or published in an earlier release) not at all; a primary
    cell of one person never falls (that person knows it holds at least one). With the
    failing cell's rise at least what it misses, the optimum is a feasible point of the
    attacker's problem once the published cells it changes are hidden: so hiding them proves
    the cell's interval, and hiding more (the elimination's complements, other cells'
    repairs) only widens it. Cells are repaired one after the other in each of two lanes
    (`repair_all`: a region's cells in one lane, the lanes on two threads), and what one
    repair hides is free for the lane's next (as in Tau-Argus's modular method).

    Any change that keeps the constraints will do, so the programme is first solved on the
    inner cells near the failing one: those under the parent of its code on every dimension,
    then under the grandparent, and so on up to the whole table. Near cells give small
    programmes (tens of milliseconds on the 10^4-cell benchmark table, where the whole
    table's takes over a second) and changes that stay within the cell's own part of the
    table. Each box's HiGHS model is kept and warm-started for the next cell in it. A hidden
    row, whose change is free, is dropped from its box's model (its bounds opened): on the
    10^4-cell benchmark table that halved the repair's time. The change of every row, a
    dropped one's too, is read off the inner cells' change.
    """

    def __init__(
        self,
        model: Model,
        forced: npt.NDArray[np.bool_],
        singles: npt.NDArray[np.bool_],
        rules: Rules,
        points: FeasiblePoints | None = None,
    ) -> None:
        """``points``: where each optimum goes, as a feasible point for the next audit."""
        self.points = points
        if points is not None and points.keys is not None and points.keys != model.inner_keys:
            self.points = None
        self.x = sp.csc_matrix(model.x, dtype=float)
        self.model = model
        self.z = model.z.astype(float)
        self.rules = rules
        self.y = model.y
        self.forced = forced
        self.weight = self.y.astype(float) + 1.0
        self.free = np.zeros(len(self.y), dtype=bool)  # hidden rows: their change is free
        self.reach = np.zeros(len(self.y))  # each row's largest rise in the changes found
        self._models: dict[bytes, _Box] = {}
        self._lanes: list[_Perturbation] = []
        self.rise_upper = np.where(forced, 0.0, _core.kHighsInf)
        self.fall_upper = np.where(forced | singles, 0.0, _core.kHighsInf)
        # The leaf of every inner cell on every dimension, as a position in dim.leaves.
        self.leaf_of = [
            np.asarray([{c: k for k, c in enumerate(d.leaves)}[key[j]] for key in model.inner_keys])
            for j, d in enumerate(model.dimensions)
        ]

    def hide(self, rows: npt.NDArray[np.int64]) -> None:
        """Rows now hidden: their change costs nothing."""
        self.free[rows] = True

    def queues(self, cells: list[int]) -> list[list[int]]:
        """``cells`` dealt to the lanes, in order within each: the cells of one region (the
        first box, see `_boxes`) to one lane, whose models are warm from its other cells.
        The regions are dealt largest first to the lane with the least work so far, the work
        of a cell taken as its box's size to the power 1.5 (on the 10^4-cell benchmark
        table a box of 1,200 inner cells took four times as long as one of 480)."""
        regions: dict[tuple[str, ...], list[int]] = {}
        for r in cells:
            regions.setdefault(self._region(r), []).append(r)
        dims = self.model.dimensions
        work = {
            region: len(rows)
            * math.prod(len(d.leaves_under(code)) for d, code in zip(dims, region, strict=True))
            ** 1.5
            for region, rows in regions.items()
        }
        queues: list[list[int]] = [[] for _k in range(lanes.LANES)]
        load = [0.0] * lanes.LANES
        for region in sorted(regions, key=lambda region: -work[region]):  # stable: ties in order
            k = load.index(min(load))
            queues[k].extend(regions[region])
            load[k] += work[region]
        at = {r: i for i, r in enumerate(cells)}
        for queue in queues:
            queue.sort(key=at.__getitem__)
        return queues

    def repair_all(
        self, cells: list[int], hidden: npt.NDArray[np.bool_]
    ) -> list[list[tuple[int, npt.NDArray[np.int64] | None]]]:
        """Each cell repaired in its lane (`queues`, `lanes`), each lane going on from what
        is hidden now with models of its own: (cell, the rows not in ``hidden`` that its
        change moves, which must be hidden), or (cell, None) for a failure the programme
        does not see; by lane. A cell that a change found earlier in its lane already raises
        far enough needs nothing: that change is a feasible point once what it moves is
        hidden. Cells are repaired one after the other within a lane, and what one repair
        hides is free for the next (as in Tau-Argus's modular method)."""
        views = self._views()

        def task(queue: list[int]) -> Callable[[int], list[tuple[int, Any]]]:
            def repair(lane: int) -> list[tuple[int, Any]]:
                view = views[lane]
                view.free[:] = self.free
                view.reach[:] = 0.0
                out: list[tuple[int, Any]] = []
                for r in queue:
                    if view.reach[r] >= view.need(r) - 1e-9:
                        continue
                    rows = view.repair(r)
                    if rows is not None:
                        rows = rows[~hidden[rows]]
                    if rows is None or not len(rows):
                        out.append((r, None))
                        continue
                    out.append((r, rows))
                    view.hide(rows)
                return out

            return repair

        found = lanes.run_lanes([[task(queue)] for queue in self.queues(cells)])
        if self.points is not None:
            for view in views:
                assert view.points is not None
                self.points.points.extend(view.points.points)
                view.points.points = []
        return [results for (results,) in found]

    def _views(self) -> list["_Perturbation"]:
        """One copy of the programme per lane, each with its own HiGHS models."""
        if not self._lanes:
            for _k in range(lanes.LANES):
                view = copy.copy(self)
                view._models, view._lanes = {}, []
                view.free, view.reach = self.free.copy(), self.reach.copy()
                view.points = None if self.points is None else FeasiblePoints(self.points.keys)
                self._lanes.append(view)
        return self._lanes

    def repair(self, r: int) -> npt.NDArray[np.int64] | None:
        """The rows, hidden or not, that change when cell ``r`` rises by what it misses at
        the least cost (None: there is no such change)."""
        need = self.need(r)
        for cols in self._boxes(r):
            moved = self._solve(r, need, cols)
            if moved is not None:
                return moved
        return None

    def need(self, r: int) -> float:
        """How far cell ``r`` must be able to rise: to the threshold, and by the protection
        level (its minimum is at most its value)."""
        rules = self.rules
        return float(max(rules.protection_level, rules.threshold - int(self.y[r]), 1))

    def _region(self, r: int) -> tuple[str, ...]:
        """The codes of cell ``r``'s first box: the parent of its code on every dimension."""
        return self._up(self._codes(r))

    def _codes(self, r: int) -> tuple[str, ...]:
        """Cell ``r``'s code on every dimension of the model (the total where its table has
        not that dimension)."""
        t, c = self.model.locate(r)
        table = self.model.tables[t]
        key = dict(zip((d.name for d in table.dimensions), table.keys[c], strict=True))
        return tuple(key.get(d.name, d.total) for d in self.model.dimensions)

    def _up(self, codes: tuple[str, ...]) -> tuple[str, ...]:
        """The parent of each code (a total stays)."""
        dims = self.model.dimensions
        return tuple(d.parent.get(code, d.total) for d, code in zip(dims, codes, strict=True))

    def _boxes(self, r: int) -> Iterator[npt.NDArray[np.int64]]:
        """The inner cells near cell ``r``, in widening boxes, the last one all of them."""
        codes = self._codes(r)
        last = None
        while True:
            codes = self._up(codes)
            mask = np.ones(self.x.shape[1], dtype=bool)
            for d, code, leaf_of in zip(self.model.dimensions, codes, self.leaf_of, strict=True):
                if code != d.total:
                    under = np.asarray([d.covers(code, leaf) for leaf in d.leaves])
                    mask &= under[leaf_of]
            cols = np.flatnonzero(mask)
            if last is None or len(cols) > len(last):
                yield cols
            if len(cols) == self.x.shape[1]:
                return
            last = cols

    def _solve(
        self, r: int, need: float, cols: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64] | None:
        """The programme on inner cells ``cols``: one HiGHS model per box, kept and
        warm-started for the next cell in the same box."""
        box = self._models.get(cols.tobytes())
        if box is None:
            box = self._models[cols.tobytes()] = self._model(cols)
        h, rows, costly, opened = box.highs, box.rows, box.costly, box.opened
        m, n = len(rows), len(cols)
        # A hidden row's change is free: its row is dropped (its bounds opened, its rise and
        # fall fixed at 0), except a single's cell, which must never fall: its rise only is
        # free. The cell being repaired gets its row back while it is solved.
        freed = costly & self.free[rows]
        keep = np.flatnonzero(freed & (self.fall_upper[rows] == 0))
        drop = np.flatnonzero(freed & (self.fall_upper[rows] > 0))
        costly[freed] = False
        if len(keep):
            h.changeColsCost(len(keep), (n + keep).astype(np.int32), np.zeros(len(keep)))
        if len(drop):
            opened[drop] = True
            ends = np.concatenate([n + drop, n + m + drop]).astype(np.int32)
            h.changeColsBounds(len(ends), ends, np.zeros(len(ends)), np.zeros(len(ends)))
            for i in drop.tolist():
                h.changeRowBounds(i, -_core.kHighsInf, _core.kHighsInf)
        at = int(np.searchsorted(rows, r))
        if at == m or rows[at] != r:
            return None  # a cell of no inner cell (a zero everyone knows) cannot rise
        rise, fall = n + at, n + m + at
        if opened[at]:
            h.changeRowBounds(at, 0.0, 0.0)
        h.changeColBounds(rise, need, _core.kHighsInf)
        h.changeColBounds(fall, 0.0, 0.0)
        try:
            h.run()
            if h.getModelStatus() != _core.HighsModelStatus.kOptimal:
                return None
            value = np.asarray(h.getSolution().col_value, dtype=float)
        finally:
            if opened[at]:
                h.changeRowBounds(at, -_core.kHighsInf, _core.kHighsInf)
                h.changeColBounds(rise, 0.0, 0.0)
            else:
                h.changeColBounds(rise, 0.0, float(self.rise_upper[r]))
                h.changeColBounds(fall, 0.0, float(self.fall_upper[r]))
        if self.points is not None:
            self.points.points.append((cols, self.z[cols] + value[:n]))
        change = box.a @ value[:n]  # every row's, an opened one's too
        self.reach[rows] = np.maximum(self.reach[rows], change)
        moved = np.flatnonzero(np.abs(change) > 1e-7 * need)
        return rows[moved[~self.forced[rows[moved]]]]

    def _model(self, cols: npt.NDArray[np.int64]) -> "_Box":
        """A HiGHS model of the programme on inner cells ``cols`` and every row they touch."""
        sub = self.x[:, cols]
        rows = np.flatnonzero(np.diff(sp.csr_matrix(sub).indptr))
        box = sp.csr_matrix(sub[rows])
        m, n = box.shape
        a = sp.hstack([box, -sp.identity(m), sp.identity(m)], format="csc")
        cost = self.weight[rows]
        lp = _core.HighsLp()
        lp.num_col_, lp.num_row_ = n + 2 * m, m
        lp.col_cost_ = np.concatenate([np.zeros(n), cost, cost])
        z = self.z[cols]
        lp.col_lower_ = np.concatenate([-z, np.zeros(2 * m)])
        lp.col_upper_ = np.concatenate(
            [float(self.z.sum()) - z, self.rise_upper[rows], self.fall_upper[rows]]
        )
        lp.row_lower_ = lp.row_upper_ = np.zeros(m)
        lp.a_matrix_.format_ = _core.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr.astype(np.int32)
        lp.a_matrix_.index_ = a.indices.astype(np.int32)
        lp.a_matrix_.value_ = a.data.astype(float)
        h = _core._Highs()
        h.setOptionValue("output_flag", False)
        # Dual simplex from the last basis after a bound changes; presolve would only slow
        # the warm starts (measured: a quarter more time over the 1e4 case's cells).
        h.setOptionValue("presolve", "off")
        if h.passModel(lp) != _core.HighsStatus.kOk:
            raise RuntimeError("HiGHS refused the repair model")
        return _Box(h, rows, box, np.ones(m, dtype=bool), np.zeros(m, dtype=bool))


@dataclass
class _Box:
    """One box's programme (see `_Perturbation`): its HiGHS model, the rows it touches and
    their part over its inner cells, which rows still cost, and which are opened (hidden
    rows dropped from the programme)."""

    highs: Any
    rows: npt.NDArray[np.int64]
    a: sp.csr_matrix
    costly: npt.NDArray[np.bool_]
    opened: npt.NDArray[np.bool_]


def _repair(
    model: Model,
    failing: list[int],
    hidden: npt.NDArray[np.bool_],
    forced: npt.NDArray[np.bool_],
    rules: Rules,
    n_now: int,
    depth: int = 4,
) -> npt.NDArray[np.bool_]:
    """For each failing cell, suppress one more published cell of its own table in the same
    relation (keys differing on one dimension), or, when there is none, next to the hidden
    cells around it (searched outward up to ``depth`` steps). The cheapest is chosen: the
    smallest holding at least the protection level, else the largest."""
    y = model.y
    added = np.zeros(model.x.shape[0], dtype=bool)
    for r in failing:
        t, c = model.locate(r)
        table = model.tables[t]
        base = model.offsets[t]
        frontier, seen = [c], {c}
        for _step in range(depth):
            best: tuple[int, int, int] | None = None
            nxt: list[int] = []
            for cell in frontier:
                for other in _neighbours(table, cell):
                    if other in seen:
                        continue
                    seen.add(other)
                    o = base + other
                    if o >= n_now or forced[o] or added[o]:
                        continue
                    if hidden[o]:
                        nxt.append(other)
                        continue
                    if y[o] <= 0:
                        continue
                    enough = int(y[o]) >= rules.protection_level
                    rank = (0 if enough else 1, int(y[o]) if enough else -int(y[o]), o)
                    if best is None or rank < best:
                        best = rank
            if best is not None:
                added[best[2]] = True
                break
            frontier = nxt
    return added


def _neighbours(table: Table, cell: int) -> list[int]:
    key = table.keys[cell]
    out = []
    for j, dim in enumerate(table.dimensions):
        for code in dim.codes:
            if code != key[j]:
                other = table.index.get((*key[:j], code, *key[j + 1 :]))
                if other is not None:
                    out.append(other)
    return out


def information_loss(
    model: Model,
    t: int,
    decisions: Sequence[CellDecision],
    method: dict[str, Any] | None = None,
) -> InformationLoss:
    """Cells suppressed, suppressed persons share, suppressions by hierarchy level; and how
    the secondary cells were chosen (``method``, for the whole linked set)."""
    table = model.tables[t]
    hidden = np.asarray([d.status in HIDDEN for d in decisions])
    # Persons in inner cells that are suppressed in this table as inner cells.
    inner_pos = table.inner()
    hidden_inner = [i for i in inner_pos if hidden[i]]
    total = sum(table.persons[i] for i in inner_pos)
    share = sum(table.persons[i] for i in hidden_inner) / total if total else 0.0
    by_level: dict[int, int] = {}
    by_dim: dict[str, dict[int, int]] = {d.name: {} for d in table.dimensions}
    for i in np.flatnonzero(hidden):
        key = table.keys[i]
        levels = [d.level(c) for d, c in zip(table.dimensions, key, strict=True)]
        by_level[sum(levels)] = by_level.get(sum(levels), 0) + 1
        for d, lv in zip(table.dimensions, levels, strict=True):
            by_dim[d.name][lv] = by_dim[d.name].get(lv, 0) + 1
    grand = tuple(d.total for d in table.dimensions)
    return InformationLoss(
        table=table.name,
        cells=len(table.keys),
        primary=sum(1 for d in decisions if d.status == CellStatus.PRIMARY),
        secondary=sum(1 for d in decisions if d.status == CellStatus.SECONDARY),
        suppressed_persons_share=round(share, 4),
        by_level=dict(sorted(by_level.items())),
        by_dimension_level={k: dict(sorted(v.items())) for k, v in by_dim.items()},
        total_suppressed=bool(grand in table.index and hidden[table.index[grand]]),
        secondary_method=method or {"method": "elimination"},
    )
