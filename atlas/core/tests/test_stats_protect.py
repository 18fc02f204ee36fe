"""Protection end to end: the audit's shortcuts agree with solving every programme, and the
interval repair only adds to the pattern of the elimination."""

import itertools
import random

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from atlas.core.stats import lanes
from atlas.core.stats.audit import audit
from atlas.core.stats.model import build_model
from atlas.core.stats.primary import Rules
from atlas.core.stats.protect import (
    _choose,
    _elimination,
    _Perturbation,
    _repair_by_perturbation,
    protect,
)
from atlas.core.stats.tables import CellStatus, CodeList, Table
from atlas.core.tests.test_stats_audit import _by_subtables, _five_dimensional
from atlas.core.tests.test_stats_primary import full_table

P = CellStatus.PRIMARY
HIDDEN = (CellStatus.PRIMARY, CellStatus.SECONDARY)
RULES = Rules(max_unsafe_share=1.0, dominance_share=1.0)


def _intervals(
    table: Table, statuses: list[CellStatus]
) -> dict[tuple[str, ...], tuple[float, float]]:
    """min and max of every primary cell by two programmes each, over all inner cells, with
    every published cell as an equation (no shortcut, no fixing, no decomposition)."""
    m = build_model([table])
    x = m.x.astype(float).tocsr()
    shown = np.asarray([s not in HIDDEN for s in statuses])
    a, b = sp.csr_matrix(x[shown]), np.asarray(table.persons, dtype=float)[shown]
    out = {}
    for r in np.flatnonzero([s == P for s in statuses]):
        c = x[r].toarray().ravel()
        lo = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert lo.status == 0 and hi.status == 0
        out[table.keys[r]] = (lo.fun, -hi.fun)
    return out


def _too_narrow(bounds: dict[tuple[str, ...], tuple[float, float]]) -> set[tuple[str, ...]]:
    return {k for k, (lo, hi) in bounds.items() if hi < 10 - 1e-6 or hi - lo < 10 - 1e-6}


def test_the_audit_finds_exactly_the_cells_that_every_programme_finds() -> None:
    table = _five_dimensional(seed=6)
    weak = _by_subtables(table, RULES)
    report = audit([table], [weak], RULES)
    found = {f.cell for f in report.failures if f.check in ("interval", "exact") and
             weak[table.index[f.cell]] == P}  # fmt: skip
    assert found == _too_narrow(_intervals(table, weak))
    assert found  # the weak pattern has such cells


def test_protect_passes_every_programme_and_only_adds_to_the_elimination() -> None:
    table = _five_dimensional(seed=6)
    out = protect([table], RULES)
    statuses = list(out.statuses()[0])
    bounds = _intervals(table, statuses)
    assert len(bounds) == out.loss[0].primary == 67
    assert not _too_narrow(bounds)
    assert out.audit.checks[1]["proven_by_the_stronger_attacker"] > 0  # shortcuts were taken
    m = build_model([table])
    primary = np.asarray([s == P for s in statuses])
    forced = np.asarray([n == 0 for n in table.persons]) & ~primary
    first = _choose(_elimination(m, forced, "persons", len(table.keys)), primary)
    final = np.asarray([s in HIDDEN for s in statuses])
    assert np.all(final[first])  # the repair never publishes what elimination hid


def _spanned(x: np.ndarray, published: np.ndarray, rows: np.ndarray) -> list[int]:
    """Rows among ``rows`` in the span of the published rows (rank test on a small 0/1
    matrix, where floating point is exact enough)."""
    base = np.linalg.matrix_rank(x[published]) if published.any() else 0
    return [
        int(r)
        for r in rows
        if np.linalg.matrix_rank(x[published | (np.arange(len(x)) == r)]) == base
    ]


def test_elimination_resumed_with_more_primary_cells_keeps_them_all_unspanned() -> None:
    table = _five_dimensional(seed=6)
    m = build_model([table])
    x = m.x.toarray().astype(float)
    primary = np.asarray([0 < n < 10 for n in table.persons])
    forced = np.asarray([n == 0 for n in table.persons])
    elimination = _elimination(m, forced, "persons", len(table.keys))
    first = _choose(elimination, primary)
    assert elimination.resumed_at is None and not _spanned(x, ~first, np.flatnonzero(first))
    # Hide three published cells late in the order, as a repair round does.
    late = [r for r in elimination.candidates if not first[r]][-40::13]
    more = first.copy()
    more[late] = True
    again = _choose(elimination, more)
    assert elimination.resumed_at is not None and elimination.resumed_at > 0
    assert np.all(again[more])  # what was hidden stays hidden
    assert not _spanned(x, ~again, np.flatnonzero(again))
    fresh = _choose(_elimination(m, forced, "persons", len(table.keys)), more)
    assert not _spanned(x, ~fresh, np.flatnonzero(fresh))


def test_one_perturbation_round_repairs_every_cell_it_is_given() -> None:
    table = _five_dimensional(seed=6)
    m = build_model([table])
    primary = np.asarray([0 < n < 10 for n in table.persons])
    forced = np.asarray([n == 0 for n in table.persons])
    elimination = _elimination(m, forced, "persons", len(table.keys))
    hidden = _choose(elimination, primary)

    def statuses(hidden: np.ndarray) -> list[CellStatus]:
        return [
            P if primary[r] else CellStatus.SECONDARY if hidden[r] else CellStatus.SAFE
            for r in range(len(table.keys))
        ]

    narrow = _too_narrow(_intervals(table, statuses(hidden)))
    report = audit([table], [statuses(hidden)], RULES)
    failing = sorted({table.index[f.cell] for f in report.failures})
    assert len(narrow) >= 3 and {table.index[k] for k in narrow} <= set(failing)
    perturbation = _Perturbation(m, forced, primary & (m.y == 1), RULES)
    added, rest = _repair_by_perturbation(perturbation, failing, hidden)
    assert not rest and not np.any(added & hidden) and not np.any(added & forced)
    # Every cell hidden moves in a feasible point, so none is recomputed: no elimination is
    # needed after the round (the audit's exact check says so), and cells a change found
    # earlier in the round already raises far enough got no programme of their own.
    repaired = hidden | added
    assert not _too_narrow(_intervals(table, statuses(repaired)))
    assert audit([table], [statuses(repaired)], RULES).passed


def _singleton_failures(table: Table, statuses: list[CellStatus]) -> set[tuple[str, ...]]:
    """Primary cells whose interval is too narrow for the person alone in a related primary
    cell (keys differing on one dimension), who knows that cell holds at least one person:
    two programmes per pair, over all inner cells, no shortcut."""
    m = build_model([table])
    x = m.x.astype(float).tocsr()
    shown = np.asarray([s not in HIDDEN for s in statuses])
    a, b = sp.csr_matrix(x[shown]), np.asarray(table.persons, dtype=float)[shown]
    primary = [r for r, s in enumerate(statuses) if s == P]
    out = set()
    for s in (s for s in primary if table.persons[s] == 1):
        for r in primary:
            differ = sum(u != v for u, v in zip(table.keys[r], table.keys[s], strict=True))
            if r == s or differ != 1:
                continue
            c = x[r].toarray().ravel()
            own = -x[s].toarray()  # the singleton's cell is at least 1
            lo = linprog(c, A_ub=own, b_ub=[-1], A_eq=a, b_eq=b, bounds=(0, None))
            hi = linprog(-c, A_ub=own, b_ub=[-1], A_eq=a, b_eq=b, bounds=(0, None))
            assert lo.status == 0 and hi.status == 0
            if -hi.fun < 10 - 1e-6 or -hi.fun - lo.fun < 10 - 1e-6:
                out.add(table.keys[r])
    return out


def test_the_singleton_check_finds_exactly_the_cells_that_every_programme_finds() -> None:
    table = _five_dimensional(seed=9)
    weak = _by_subtables(table, RULES)
    report = audit([table], [weak], RULES)
    found = {f.cell for f in report.failures if f.check == "singleton"}
    other = {f.cell for f in report.failures if f.check != "singleton"}
    assert len(found) >= 3  # the weak pattern has such cells
    assert found == _singleton_failures(table, weak) - other


def test_a_hidden_cell_the_attacker_recomputes_is_published_again() -> None:
    """Elimination hides three zero cells here (publishing them would add only a combination
    of singletons' cells); the attacker recomputes each as 0 from the rest, and a zero cannot
    be moved, so repairing them once failed the table after fifty rounds. Published again,
    they change nothing the attacker knows, and every primary cell is still protected."""
    table = _five_dimensional(seed=7)
    zeros = [("A1", age, g, "asy", "health") for age, g in (("0-17", "f"), ("0-17", "m"))]
    zeros.append(("A1", "18+", "m", "asy", "health"))
    out = protect([table], RULES)
    statuses = list(out.statuses()[0])
    assert [statuses[table.index[k]] for k in zeros] == [CellStatus.EMPTY] * 3
    assert not _too_narrow(_intervals(table, statuses))
    assert audit([table], [statuses], RULES).passed


AREA = CodeList(
    "area",
    total="C",
    parent={"P1": "C", "P2": "C", **{f"A{i}": "P1" if i <= 3 else "P2" for i in range(1, 7)}},
)
AGE = CodeList(
    "age",
    total="all",
    parent={"young": "all", "old": "all", "0-17": "young", "18-34": "young", "35-64": "old"}
    | {"65+": "old"},
)
GENDER = CodeList("gender", total="all", parent={"f": "all", "m": "all"})


def _with_regions(seed: int) -> Table:
    """Areas in provinces, ages in broad bands: cells in several regions, so the repair's
    lanes both get cells (`_Perturbation.queues`)."""
    rng = random.Random(seed)
    dims = (AREA, AGE, GENDER)
    cells = itertools.product(*(d.leaves for d in dims))
    return full_table(
        "regions", dims, {k: rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 40]) for k in cells}
    )


def test_the_pattern_and_report_do_not_depend_on_the_cores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Programmes run in two lanes (`lanes`), on two threads where there are two cores. One
    core gives the same patterns, failures and counts of programmes, and so does running the
    lanes one after the other in either order (which finds any state the lanes share: what
    one lane does would then change what the other finds)."""
    five, regions = _five_dimensional(seed=6), _with_regions(seed=2)
    weak = _by_subtables(five, RULES)

    def run() -> list[object]:
        outs = [protect([five], RULES), protect([regions], RULES)]
        report = audit([five], [weak], RULES)
        return [
            *(out.statuses() for out in outs),
            *(r.failures for r in (report, *(out.audit for out in outs))),
            *(r.lps_solved for r in (report, *(out.audit for out in outs))),
        ]

    def backwards(per_lane):  # type: ignore[no-untyped-def]
        done = {k: [task(k) for task in per_lane[k]] for k in reversed(range(len(per_lane)))}
        return [done[k] for k in range(len(per_lane))]

    dealt: list[list[list[int]]] = []
    queues = _Perturbation.queues

    def dealing(self: _Perturbation, cells: list[int]) -> list[list[int]]:
        dealt.append(out := queues(self, cells))
        return out

    monkeypatch.setattr(_Perturbation, "queues", dealing)
    two = run()
    assert any(all(lanes_) for lanes_ in dealt)  # both repair lanes had cells
    assert two[2]  # the weak pattern's failures are compared too
    monkeypatch.setattr(lanes, "_threads", lambda: 1)
    assert run() == two
    monkeypatch.setattr(lanes, "run_lanes", backwards)
    assert run() == two
