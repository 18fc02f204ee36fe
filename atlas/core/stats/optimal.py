"""The optional optimal secondary suppression for small frequency tables: the pattern of least
cost that passes the audit, found by a mixed-integer programme on HiGHS.

The model is Fischetti and Salazar-González's (2000, "Models and algorithms for optimizing
cell suppression in tabular data with linear constraints", JASA 95(451), 916–928), solved by
generating its constraints as they are needed (Benders' decomposition):

- one binary variable per cell that may be hidden (primary cells are fixed at 1; empty cells
  and cells already published at 0); the cost of hiding a cell is 1, so the fewest cells are
  hidden (see `costs`); once that number is proved, the same rounds with persons as the cost
  find, between patterns of as few cells, one hiding the fewest persons (`_fewest_persons`);
- the attacker's programme for a cell (minimise or maximise it, every published cell known,
  0 ≤ inner cell ≤ grand total) depends on the pattern only through which cells are
  constraints. Read as a parametric programme in which a hidden cell's equation is relaxed to
  the whole range it could take, any dual solution of it gives a bound on the attacker's
  optimum that is linear in the pattern: Σ (dual-weighted range of cell r) · hidden_r + the
  optimum seen. Every pattern whose attacker reaches the cell's threshold and protection
  width must satisfy the bound, so each failure the audit finds becomes a cut of the master
  programme that removes this pattern and every other with the same weakness, and no safe one;
- the same for each singleton's stronger attacker (a primary cell of one person knows it holds
  at least one), over the cells the audit checks for it.

The audit is the oracle: the master programme's optimum is audited; its failures give cuts;
the next optimum is audited; and so on until a pattern passes. The first that passes is
optimal (the master programme only ever held constraints every safe pattern keeps), if the
programme was solved to its optimum within the round's time (``ROUND_SECONDS``; else its
proved bound says how far the pattern may be from it). Cut
coefficients are capped at what the cut asks (a valid strengthening for binary variables),
which keeps the master programme well scaled. A hidden cell the audit finds recomputable is
published again (it tells the attacker nothing new); the cuts come from the pattern before,
in which it binds nothing (from the pattern after, the same pattern could come back).

Before the first mixed-integer programme: one cut per equation around each primary cell
(`_equation_cuts`), then rounds on the relaxation (hidden between 0 and 1, one warm-started
HiGHS model), whose optimum is rounded at a few thresholds into patterns whose failures give
the cuts the relaxation breaks. Only the cuts binding at the relaxation's last optimum go on.

It is exact but not fast: each round solves a mixed-integer programme and audits a pattern.
So safe patterns come first, to beat: the caller's (elimination's), and the primary cells
alone made safe by the caller's ``repair`` in up to ``STARTS`` orders of their cells (each
repair leaves what it hides free for the next, so the order matters); the cheapest is pruned
of the cells it can do without. On the Tau-Argus benchmark tables these hide 8% and 24%
fewer cells than elimination's pattern, and the programme's own patterns did not beat them
within a minute.
Each failing pattern of the programme is also made safe by ``repair`` (then pruned), and the
cheapest safe pattern so far is kept. At its time limit `solve`
returns that pattern, unproved, or none; the caller compares it with elimination's. It
reports the lower bound it proved (the relaxation's optimum, then each round's), so the
caller can say how far from optimal its pattern may be. Measured in docs/benchmarks.md.
"""

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from atlas.core.stats.audit import TOL, AuditReport, _AttackerLP, _core
from atlas.core.stats.model import Model
from atlas.core.stats.primary import Rules

Pattern = npt.NDArray[np.bool_]
# A pattern's failures, as (check, row), for the cuts.
Failures = list[tuple[str, int]]


class Repair(Protocol):
    """Makes a failing pattern safe (with its passing report), or gives None; tells ``seen``
    of each pattern it tried that still failed. ``order`` picks one of its orders of the
    failing cells (each may give another pattern)."""

    def __call__(
        self, pattern: Pattern, seen: Callable[[Pattern, Failures], None], order: int = 0
    ) -> tuple[Pattern, AuditReport] | None: ...


# The checks whose failures the cuts answer (a primary cell found exactly also fails its
# interval); any other failure ends the search.
CUT_CHECKS = ("interval", "singleton", "exact")
# The first patterns: the primary cells alone made safe by the caller's repair, in up to
# STARTS orders of their cells, within START_SHARE of the time limit; then the cheapest of
# them pruned within PRUNE_SHARE more (see `solve`).
STARTS = 16
START_SHARE = 0.2
PRUNE_SHARE = 0.6
RELAXATION_SHARE = 0.5  # of the time left after them, at most, for the relaxation's rounds
# The most one round's mixed-integer programme may take: past it, its best pattern so far is
# audited (and its proved bound kept), so that time goes to cuts rather than to proving the
# optimum of a programme that still lacks some.
ROUND_SECONDS = 5.0


@dataclass
class Search:
    """What the search did: ``proven`` when the pattern returned is optimal; ``lower_bound``
    is the least cost any safe pattern can have (the last master optimum)."""

    proven: bool = False
    lower_bound: float = 0.0
    cost: float = 0.0
    rounds: int = 0
    starts: int = 0  # safe patterns made from the primary cells alone
    relaxation_rounds: int = 0
    cuts: int = 0
    seconds: float = 0.0
    stopped: str = ""
    fewest_persons: bool = False  # and, between as few cells, the fewest persons
    hidden: npt.NDArray[np.bool_] | None = field(default=None, repr=False)
    report: AuditReport | None = field(default=None, repr=False)

    def keep(
        self, hidden: npt.NDArray[np.bool_], report: AuditReport, c: npt.NDArray[np.float64]
    ) -> None:
        """Keep a pattern that passed the audit if it costs less than the one kept."""
        cost = float(c[hidden].sum())
        if self.hidden is None or cost < self.cost:
            self.hidden, self.report, self.cost = hidden, report, cost

    def to_dict(self) -> dict[str, object]:
        return {
            "proven_optimal": self.proven,
            "lower_bound": round(self.lower_bound, 6),
            "cost": round(self.cost, 6),
            "rounds": self.rounds,
            "starts": self.starts,
            "relaxation_rounds": self.relaxation_rounds,
            "cuts": self.cuts,
            "seconds": round(self.seconds, 3),
            "stopped": self.stopped,
            "fewest_persons": self.fewest_persons,
        }


def costs(model: Model) -> npt.NDArray[np.float64]:
    """The cost of hiding each cell: 1 (the fewest cells hidden). Whole costs let the
    mixed-integer programme prune by its rounded-up bound: with a share of persons added to
    break ties, the first programme of the 384-cell benchmark table took 114 s against 13 s."""
    return np.ones(model.x.shape[0])


def solve(
    model: Model,
    hide: npt.NDArray[np.bool_],
    forced: npt.NDArray[np.bool_],
    primary: npt.NDArray[np.bool_],
    rules: Rules,
    check: Callable[..., AuditReport],
    failing_rows: Callable[[AuditReport], list[tuple[str, int]]],
    *,
    n_now: int,
    time_limit: float = 60.0,
    repair: Repair | None = None,
    first: tuple[Pattern, AuditReport] | None = None,
) -> Search:
    """The least-cost pattern hiding every row of ``hide`` and none of ``forced`` (or of the
    earlier releases' rows, from ``n_now`` on) that passes ``check`` (the full audit of a
    pattern; ``check(pattern, near=r)`` for a pattern with row r published again, which may
    stop at its first failure). ``failing_rows`` reads a report's failures as (check, row).
    ``primary``: every primary row, earlier releases' included (their singletons know their
    own cells).
    ``repair`` makes a failing pattern safe: the cheapest pattern it gives (with every cell
    it can do without published again) is returned when no optimum is proved in time, and the
    patterns it tries on the way give cuts too. ``first``: a safe pattern found another way
    (elimination's), to beat or to prune."""
    start = time.perf_counter()
    search = Search()
    cuts = _Cuts(model, primary, rules)
    # What the earlier releases hid stays hidden (their published cells are in ``forced``).
    earlier = np.arange(len(hide)) >= n_now
    hide = hide | (earlier & ~forced)
    free = ~hide & ~forced & ~earlier
    c = costs(model)
    lower = hide.astype(float)
    upper = (hide | free).astype(float)
    rows: list[sp.csr_matrix] = []
    rhs: list[float] = []
    for row, need in _equation_cuts(model, primary, hide | free, rules, n_now):
        rows.append(row)
        rhs.append(need)

    def more_cuts(pattern: npt.NDArray[np.bool_], failed: list[tuple[str, int]]) -> None:
        extra = cuts.for_pattern(pattern, failed, free)
        rows.extend(row for row, _need in extra)
        rhs.extend(need for _row, need in extra)
        search.cuts += len(extra)

    # Safe patterns first, to beat from then on (see the module's docstring): the caller's,
    # and the primary cells alone made safe in several orders; the cheapest is pruned.
    if first is not None and first[1].passed:
        search.keep(*first, c)
    if repair is not None:
        for k in range(STARTS):
            if time.perf_counter() - start > START_SHARE * time_limit:
                break
            made = repair(hide.copy(), more_cuts, k)
            if made is not None:
                search.keep(*made, c)
                search.starts += 1
        if search.hidden is not None and search.report is not None:
            deadline = start + (START_SHARE + PRUNE_SHARE) * time_limit
            search.keep(*_pruned(search.hidden, search.report, hide, model.y, check, deadline), c)
    # The relaxation next: its optimum is cheap to find, and patterns rounded from it give
    # the cuts it breaks, until it breaks none (or a share of the time is spent). Only the
    # cuts that bind at its last optimum go on to the mixed-integer programme; the others
    # come back if a pattern needs them.
    cells = [("interval", int(r)) for r in np.flatnonzero(primary[:n_now])]
    relaxation = _Relaxation(c, lower, upper, rows, rhs)
    begun = time.perf_counter()
    share = RELAXATION_SHARE * max(0.0, time_limit - (begun - start))
    while time.perf_counter() - begun < share:
        x = relaxation.solve()
        if x is None:
            break
        search.lower_bound = max(search.lower_bound, float(c @ x))
        new = []
        for theta in (1e-6, 0.25, 0.5, 0.75):
            if time.perf_counter() - start > time_limit:
                break
            for row, need in cuts.for_pattern(x >= theta, cells, free):
                if float((row @ x)[0]) < need - 1e-6:
                    new.append((row, need))
        search.relaxation_rounds += 1
        search.cuts += len(new)
        if not new:
            break
        relaxation.add(new)
    if relaxation.x is not None:
        binding = relaxation.binding()
        rows = [row for row, keep in zip(relaxation.rows, binding, strict=True) if keep]
        rhs = [need for need, keep in zip(relaxation.rhs, binding, strict=True) if keep]
    while True:
        left = time_limit - (time.perf_counter() - start)
        if left <= 0:
            search.stopped = "time limit"
            break
        master = _master(c, lower, upper, rows, rhs, min(left, ROUND_SECONDS))
        if master is None:
            search.stopped = "time limit" if left <= ROUND_SECONDS else "no pattern"
            break
        x, bound, solved = master
        search.rounds += 1
        search.lower_bound = max(search.lower_bound, bound)
        chosen = x > 0.5  # cuts come from it: a cell published again binds none
        hidden, report, failures = _audited(chosen, hide, check, failing_rows)
        if report.passed:
            search.keep(hidden, report, c)
            if solved:
                search.lower_bound = search.cost
            search.stopped = "" if solved else "round time limit"
            break
        new = cuts.for_pattern(chosen, failures, free) if _answerable(failures, hide) else []
        if not new:
            search.stopped = "a failure no cut answers"
            break
        for row, need in new:
            rows.append(row)
            rhs.append(need)
        search.cuts += len(new)
        if repair is not None:  # the pattern made safe: a pattern to beat from now on
            repaired = repair(chosen, more_cuts)
            if repaired is not None:
                deadline = start + time_limit
                search.keep(*_pruned(*repaired, hide, model.y, check, deadline), c)
        if search.hidden is not None and search.cost <= math.ceil(search.lower_bound - TOL) + TOL:
            break  # no pattern can cost less than the one kept
    if search.hidden is not None:
        search.proven = search.cost <= math.ceil(search.lower_bound - TOL) + TOL
        if search.proven:
            search.stopped = ""
            # Between patterns of as few cells, the one hiding the fewest persons.
            fewer = _fewest_persons(
                model, c, search.cost, lower, upper, rows, rhs, check, failing_rows, cuts, free,
                hide, start + time_limit,
            )  # fmt: skip
            if fewer is not None:
                search.hidden, search.report = fewer
                search.fewest_persons = True
    search.seconds = time.perf_counter() - start
    return search


def _audited(
    chosen: Pattern,
    hide: Pattern,
    check: Callable[[Pattern], AuditReport],
    failing_rows: Callable[[AuditReport], Failures],
) -> tuple[Pattern, AuditReport, Failures]:
    """The master's pattern audited, with the hidden cells the attacker recomputes published
    again (that tells the attacker nothing): the pattern, its report and its failures."""
    hidden = chosen.copy()
    report = check(hidden)
    failures = failing_rows(report)
    exact = [r for name, r in failures if name == "exact" and r >= 0 and not hide[r]]
    if exact:
        hidden[exact] = False
        report = check(hidden)
        failures = failing_rows(report)
    return hidden, report, failures


def _answerable(failures: Failures, hide: Pattern) -> bool:
    """Whether cuts answer every failure: interval and singleton failures of cells, and a
    cell found exactly only when it must be hidden (its interval failure gives the cut)."""
    return all(
        name in CUT_CHECKS and r >= 0 and (name != "exact" or bool(hide[r])) for name, r in failures
    )


def _fewest_persons(
    model: Model,
    c: npt.NDArray[np.float64],
    count: float,
    lower: npt.NDArray[np.float64],
    upper: npt.NDArray[np.float64],
    rows: list[sp.csr_matrix],
    rhs: list[float],
    check: Callable[[Pattern], AuditReport],
    failing_rows: Callable[[AuditReport], Failures],
    cuts: "_Cuts",
    free: Pattern,
    hide: Pattern,
    deadline: float,
) -> tuple[Pattern, AuditReport] | None:
    """The safe pattern of at most ``count`` cells that hides the fewest persons, by the same
    rounds with persons as the cost (None: not proved before ``deadline``). Kept apart from
    the search for the fewest cells: with persons in the cost from the start, the first
    programme of the 384-cell benchmark table took nine times as long (see `costs`)."""
    rows = [*rows, sp.csr_matrix(-c)]
    rhs = [*rhs, -count]
    persons = model.y.astype(float)
    while (left := deadline - time.perf_counter()) > 0:
        master = _master(persons, lower, upper, rows, rhs, min(left, ROUND_SECONDS))
        if master is None or not master[2]:
            return None  # only an optimum says "fewest"
        chosen = master[0] > 0.5
        hidden, report, failures = _audited(chosen, hide, check, failing_rows)
        if report.passed:
            return hidden, report
        new = cuts.for_pattern(chosen, failures, free) if _answerable(failures, hide) else []
        if not new:
            return None
        rows.extend(row for row, _need in new)
        rhs.extend(need for _row, need in new)
    return None


def _pruned(
    hidden: npt.NDArray[np.bool_],
    report: AuditReport,
    hide: npt.NDArray[np.bool_],
    y: npt.NDArray[np.int64],
    check: Callable[..., AuditReport],
    deadline: float,
) -> tuple[npt.NDArray[np.bool_], AuditReport]:
    """A safe pattern with every secondary cell it can do without published again, the
    largest first (each tried by an audit that stops at its first failure, until
    ``deadline``)."""
    hidden = hidden.copy()
    for r in sorted(np.flatnonzero(hidden & ~hide).tolist(), key=lambda r: (-int(y[r]), r)):
        if time.perf_counter() > deadline:
            break
        hidden[r] = False
        tried = check(hidden, near=r)  # may stop at its first failure
        if tried.passed:
            report = tried
        else:
            hidden[r] = True
    return hidden, report


def _equation_cuts(
    model: Model,
    primary: npt.NDArray[np.bool_],
    may_hide: npt.NDArray[np.bool_],
    rules: Rules,
    n_now: int,
) -> list[tuple[sp.csr_matrix, float]]:
    """Cuts known before any audit, one per equation of a table (a cell and its children on one
    dimension) holding a primary cell of this release. No other cell of the equation hidden:
    the cell is recomputed. And the cell must be able to rise to the threshold and the
    protection level (its minimum is at least 0): by way of this equation alone, only a hidden
    parent (or child, when the cell is the parent) lets it rise without limit, and a hidden
    sibling by at most the sibling's own count (it falls to 0). Both are weaker than the
    attacker's whole problem, so every safe pattern keeps them."""
    n = model.x.shape[0]
    y = model.y.astype(float)
    out = []
    for t, table in enumerate(model.tables):
        base = model.offsets[t]
        if base >= n_now:
            break
        index = table.index
        for i, key in enumerate(table.keys):
            p = base + i
            if not primary[p]:
                continue
            rise = max(rules.threshold, rules.protection_level) - y[p]
            for j, dim in enumerate(table.dimensions):
                equations = []
                code = key[j]
                parent = dim.parent.get(code)
                if parent is not None:  # the cell is a child: parent and siblings
                    cells = [(key[:j] + (parent,) + key[j + 1 :], np.inf)] + [
                        (key[:j] + (c,) + key[j + 1 :], None) for c in dim.children[parent]
                    ]
                    equations.append(cells)
                if dim.children.get(code):  # the cell is a parent: its children
                    equations.append(
                        [(key[:j] + (c,) + key[j + 1 :], np.inf) for c in dim.children[code]]
                    )
                for cells in equations:
                    if any(k not in index for k, _cap in cells):
                        continue  # the table lacks a cell of the equation
                    others = [(base + index[k], cap) for k, cap in cells if base + index[k] != p]
                    rs = np.asarray([r for r, _cap in others], dtype=np.int64)
                    caps = np.asarray(
                        [y[r] if cap is None else cap for r, cap in others], dtype=float
                    )
                    keep = may_hide[rs]
                    ones = np.ones(int(keep.sum()))
                    zeros = np.zeros(int(keep.sum()), dtype=int)
                    out.append((sp.csr_matrix((ones, (zeros, rs[keep])), shape=(1, n)), 1.0))
                    if rise > TOL:
                        cap = np.minimum(caps, rise)
                        keep &= cap > TOL
                        coef = cap[keep]
                        cols = rs[keep]
                        zeros = np.zeros(len(cols), dtype=int)
                        out.append((sp.csr_matrix((coef, (zeros, cols)), shape=(1, n)), rise))
    return out


def _master(
    c: npt.NDArray[np.float64],
    lower: npt.NDArray[np.float64],
    upper: npt.NDArray[np.float64],
    rows: list[sp.csr_matrix],
    rhs: list[float],
    time_limit: float,
) -> tuple[npt.NDArray[np.float64], float, bool] | None:
    """The master programme's best pattern within ``time_limit``, the lower bound proved
    for it, and whether the pattern is its optimum (None: infeasible, or no pattern found
    in time)."""
    constraints = []
    if rows:
        a = sp.vstack(rows, format="csr")
        constraints.append(LinearConstraint(a, np.asarray(rhs), np.inf))
    res = milp(
        c,
        integrality=np.ones(len(c)),
        bounds=Bounds(lower, upper),
        constraints=constraints,
        options={"time_limit": time_limit, "disp": False},
    )
    if res.x is None or res.status not in (0, 1):
        return None
    x = np.asarray(res.x)
    bound = float(res.mip_dual_bound) if res.mip_dual_bound is not None else 0.0
    return x, (float(c @ x) if res.status == 0 else bound), res.status == 0


class _Relaxation:
    """The master programme's relaxation (hidden between 0 and 1), one HiGHS model that cuts
    are added to, each solve warm-started from the last."""

    def __init__(
        self,
        c: npt.NDArray[np.float64],
        lower: npt.NDArray[np.float64],
        upper: npt.NDArray[np.float64],
        rows: list[sp.csr_matrix],
        rhs: list[float],
    ) -> None:
        self.h = _core._Highs()
        self.h.setOptionValue("output_flag", False)
        lp = _core.HighsLp()
        lp.num_col_, lp.num_row_ = len(c), 0
        lp.col_cost_ = np.asarray(c, dtype=float)
        lp.col_lower_ = np.asarray(lower, dtype=float)
        lp.col_upper_ = np.asarray(upper, dtype=float)
        lp.a_matrix_.format_ = _core.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.zeros(len(c) + 1, dtype=np.int32)
        if self.h.passModel(lp) != _core.HighsStatus.kOk:
            raise RuntimeError("HiGHS refused the relaxation")
        self.rows: list[sp.csr_matrix] = []
        self.rhs: list[float] = []
        self.x: npt.NDArray[np.float64] | None = None
        self.add(list(zip(rows, rhs, strict=True)))

    def add(self, cuts: list[tuple[sp.csr_matrix, float]]) -> None:
        if not cuts:
            return
        a = sp.vstack([row for row, _need in cuts], format="csr")
        need = np.asarray([n for _row, n in cuts], dtype=float)
        self.h.addRows(
            len(need),
            need,
            np.full(len(need), _core.kHighsInf),
            a.nnz,
            a.indptr[:-1].astype(np.int32),
            a.indices.astype(np.int32),
            a.data.astype(float),
        )
        self.rows.extend(row for row, _need in cuts)
        self.rhs.extend(need.tolist())

    def solve(self) -> npt.NDArray[np.float64] | None:
        self.h.run()
        if self.h.getModelStatus() != _core.HighsModelStatus.kOptimal:
            return None
        self.x = np.asarray(self.h.getSolution().col_value, dtype=float)
        return self.x

    def binding(self) -> list[bool]:
        """Which cuts hold with equality at the last optimum."""
        assert self.x is not None
        if not self.rows:
            return []
        a = sp.vstack(self.rows, format="csr")
        return (a @ self.x <= np.asarray(self.rhs) + 1e-6).tolist()


class _Cuts:
    """The cuts a pattern's failures give (see the module docstring)."""

    def __init__(self, model: Model, primary: npt.NDArray[np.bool_], rules: Rules) -> None:
        self.model = model
        self.x = sp.csr_matrix(model.x, dtype=float)
        self.y = model.y.astype(float)
        self.upper = float(model.z.sum())
        # How far a hidden cell's value may move: down to 0, up to its inner cells all at
        # the grand total (the audit's bound on each inner cell).
        self.fall = self.y
        self.rise = np.diff(self.x.indptr) * self.upper - self.y
        self.rules = rules
        self.singles = np.flatnonzero(primary & (model.y == 1))
        self.where = [model.locate(int(r)) for r in range(self.x.shape[0])]

    def _idx(self, r: int) -> npt.NDArray[np.int32]:
        x = self.x
        return x.indices[x.indptr[r] : x.indptr[r + 1]]

    def related(self, r: int) -> list[int]:
        """The singletons the audit checks cell ``r`` against: same table, keys differing on
        at most one dimension."""
        t, c = self.where[r]
        key = self.model.tables[t].keys[c]
        out = []
        for s in self.singles.tolist():
            ts, cs = self.where[s]
            if ts == t and s != r:
                other = self.model.tables[t].keys[cs]
                if sum(a != b for a, b in zip(key, other, strict=True)) <= 1:
                    out.append(s)
        return out

    def for_pattern(
        self,
        hidden: npt.NDArray[np.bool_],
        failures: list[tuple[str, int]],
        free: npt.NDArray[np.bool_],
    ) -> list[tuple[sp.csr_matrix, float]]:
        """Cuts for the failing cells of pattern ``hidden``."""
        published = np.flatnonzero(~hidden)
        lp = _AttackerLP(
            self.x[published],
            self.y[published],
            self.x.shape[1],
            upper=self.upper,
            fix_known=False,
        )
        out: list[tuple[sp.csr_matrix, float]] = []
        for name, r in dict.fromkeys(failures):
            if name == "exact":
                continue  # a primary cell: its interval failure gives the cut
            extras: list[int | None] = [None] if name != "singleton" else list(self.related(r))
            for s in extras:
                at_least = None if s is None else (self._idx(s), 1.0)
                lo, hi = lp.interval(self._idx(r), at_least=at_least)
                out.extend(self._cuts(lp, published, lo, hi, free))
        return out

    def _cuts(
        self,
        lp: _AttackerLP,
        published: npt.NDArray[np.int64],
        lo: float,
        hi: float,
        free: npt.NDArray[np.bool_],
    ) -> list[tuple[sp.csr_matrix, float]]:
        if lp.duals is None:
            return []
        low, high = lp.duals
        rows = published[lp.row_ids]
        # How much hiding each published row lets the maximum rise, and the minimum fall.
        up = self.rise[rows] * np.maximum(high, 0) + self.fall[rows] * np.maximum(-high, 0)
        down = self.rise[rows] * np.maximum(-low, 0) + self.fall[rows] * np.maximum(low, 0)
        rules = self.rules
        out = []
        wanted = (
            (up, rules.threshold - hi),  # the maximum must reach the threshold
            (up + down, rules.protection_level - (hi - lo)),  # and the interval be wide enough
        )
        for weight, need in wanted:
            if need <= TOL:
                continue
            keep = free[rows] & (weight > TOL)
            coef = np.minimum(weight[keep], need)
            n = self.x.shape[0]
            row = sp.csr_matrix((coef, (np.zeros(len(coef), dtype=int), rows[keep])), shape=(1, n))
            out.append((row, need))
        return out
