"""The model matrix and Gaussian-elimination secondary suppression, on tables worked by hand."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from atlas.core.stats.audit import audit
from atlas.core.stats.model import ModelError, build_model
from atlas.core.stats.primary import Rules
from atlas.core.stats.protect import protect
from atlas.core.stats.secondary import suppress_secondary
from atlas.core.stats.tables import CellStatus, CodeList, Table
from atlas.core.tests.test_stats_primary import full_table

S, P, X = CellStatus.SAFE, CellStatus.PRIMARY, CellStatus.SECONDARY
ROWS = CodeList("row", total="T", parent={"R1": "T", "R2": "T", "R3": "T"})
COLS = CodeList("col", total="T", parent={"C1": "T", "C2": "T", "C3": "T"})
# A 3x3 table with margins; (R1, C1) = 2 and (R2, C2) = 3 are below the threshold.
GRID = {
    ("R1", "C1"): 2, ("R1", "C2"): 30, ("R1", "C3"): 25,
    ("R2", "C1"): 20, ("R2", "C2"): 3, ("R2", "C3"): 40,
    ("R3", "C1"): 35, ("R3", "C2"): 45, ("R3", "C3"): 50,
}  # fmt: skip


def test_the_model_matrix_adds_up_inner_cells() -> None:
    t = full_table("grid", [ROWS, COLS], GRID)
    m = build_model([t])
    assert m.x.shape == (16, 9)
    total = t.index[("T", "T")]
    r1 = t.index[("R1", "T")]
    assert m.x[total].sum() == 9
    assert sorted(m.x[r1].indices.tolist()) == [0, 1, 2]  # R1 x C1..C3
    assert (m.x @ m.z).tolist() == t.persons


def test_the_model_refuses_margins_that_are_not_sums() -> None:
    t = full_table("grid", [ROWS, COLS], GRID)
    t.persons[t.index[("R1", "T")]] += 1
    with pytest.raises(ModelError, match=r"cell \('R1', 'T'\): 58 persons.*add up to 57"):
        build_model([t])


def test_a_linked_set_over_different_dimensions_needs_the_finest_table() -> None:
    by_row = full_table("rows", [ROWS], {("R1",): 57, ("R2",): 63, ("R3",): 130})
    by_col = full_table("cols", [COLS], {("C1",): 57, ("C2",): 78, ("C3",): 115})
    with pytest.raises(ModelError, match="needs the finest table"):
        build_model([by_row, by_col])
    m = build_model([by_row, by_col], inner=full_table("grid", [ROWS, COLS], GRID))
    assert m.x.shape == (8, 9)
    assert (m.x @ m.z).tolist() == by_row.persons + by_col.persons


def _pattern(table: Table, hidden: np.ndarray) -> set[tuple[str, ...]]:
    return {k for k, h in zip(table.keys, hidden, strict=True) if h}


def test_gaussian_elimination_completes_the_rectangle_on_the_3x3_table() -> None:
    # Worked by hand: cells are taken largest first; margins and row R3 are published,
    # which fixes (R1, C3) and (R2, C3) too. Publishing (R1, C2) = 30 would give
    # (R1, C1) = R1 - 30 - 25, so it is suppressed; likewise (R2, C1) = 20 because of
    # column C1. (R1, C3) = 25 adds nothing new and stays published.
    t = full_table("grid", [ROWS, COLS], GRID)
    m = build_model([t])
    primary = np.asarray([n in (2, 3) for n in t.persons])
    result = suppress_secondary(m, primary, np.zeros_like(primary))
    assert _pattern(t, result.secondary) == {("R1", "C2"), ("R2", "C1")}


def test_protect_gives_the_rectangle_and_every_interval_is_wide_enough() -> None:
    t = full_table("grid", [ROWS, COLS], GRID)
    out = protect([t], Rules())
    hidden = {k for k, s, v in out.cells(0) if v is None}
    assert hidden == {("R1", "C1"), ("R2", "C2"), ("R1", "C2"), ("R2", "C1")}
    # Independently: the attacker's LP over the 9 inner cells with every published cell.
    keys = list(GRID)
    a, b = [], []
    for key, _status, value in out.cells(0):
        if value is None:
            continue
        a.append(
            [
                1.0
                if all(d.covers(c, lc) for d, c, lc in zip((ROWS, COLS), key, k, strict=True))
                else 0.0
                for k in keys
            ]
        )
        b.append(value)
    for cell, truth in ((("R1", "C1"), 2), (("R2", "C2"), 3)):
        c = np.asarray([1.0 if k == cell else 0.0 for k in keys])
        lo = linprog(c, A_eq=sp.csr_matrix(a), b_eq=b, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=sp.csr_matrix(a), b_eq=b, bounds=(0, None), method="highs")
        assert lo.status == hi.status == 0
        # By hand: t in [-2, 20] moves the rectangle: (R1,C1) = 2 + t, (R2,C2) = 3 + t.
        assert (round(lo.fun), round(-hi.fun)) == (truth - 2, truth + 20)
        assert -hi.fun >= 10 and -hi.fun - lo.fun >= 10


def test_a_singleton_cannot_subtract_himself() -> None:
    # One row: A1 = 1 (one person), A2 = 9, A3 = 40, A4 = 50, total 100. Suppressing A1
    # and A2 alone keeps A2 in [0, 10], wide enough for an outsider; but the person in A1
    # knows A1 >= 1, so for him A2 <= 9 < 10. Gaussian elimination with singletons
    # suppresses A3 as well.
    area = CodeList("area", total="P", parent={"A1": "P", "A2": "P", "A3": "P", "A4": "P"})
    t = full_table("row", [area], {("A1",): 1, ("A2",): 9, ("A3",): 40, ("A4",): 50})
    m = build_model([t])
    primary = np.asarray([n < 10 for n in t.persons])
    none = suppress_secondary(m, primary, np.zeros_like(primary), singleton=np.zeros(4, bool))
    assert _pattern(t, none.secondary) == set()
    with_singletons = suppress_secondary(m, primary, np.zeros_like(primary))
    assert _pattern(t, with_singletons.secondary) == {("A3",)}
    rules = Rules(max_unsafe_share=1.0)
    weak = audit([t], [[S, P, P, S, S]], rules)
    assert {(f.check, f.cell) for f in weak.failures} == {("singleton", ("A2",))}
    assert audit([t], [[S, P, P, X, S]], rules).passed
    out = protect([t], rules)
    assert {k for k, _s, v in out.cells(0) if v is None} == {("A1",), ("A2",), ("A3",)}


def test_cells_shown_in_two_tables_share_one_fate() -> None:
    by_row = full_table("rows", [ROWS], {("R1",): 57, ("R2",): 63, ("R3",): 130})
    grid = full_table("grid", [ROWS, COLS], GRID)
    m = build_model([grid, by_row])
    primary = np.asarray([n in (2, 3) for n in grid.persons] + [False] * 4)
    hidden = ~suppress_secondary(m, primary, np.zeros_like(primary)).published
    for code in ("R1", "R2", "R3", "T"):
        assert hidden[grid.index[(code, "T")]] == hidden[16 + by_row.index[(code,)]]
