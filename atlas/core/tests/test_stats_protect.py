"""Protection end to end: the audit's shortcuts agree with solving every programme, and the
interval repair only adds to the pattern of the elimination."""

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from atlas.core.stats.audit import audit
from atlas.core.stats.model import build_model
from atlas.core.stats.primary import Rules
from atlas.core.stats.protect import _choose, _elimination, protect
from atlas.core.stats.tables import CellStatus, Table
from atlas.core.tests.test_stats_audit import _by_subtables, _five_dimensional

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
