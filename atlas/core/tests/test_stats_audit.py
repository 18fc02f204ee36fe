"""The audit fails closed: weak patterns, linked tables protected piecemeal, differencing."""

import itertools
import json
import random

import numpy as np
import pytest
import scipy.sparse as sp

from atlas.core.stats.audit import BATCH, FeasiblePoints, Release, _AttackerLP, audit
from atlas.core.stats.model import build_model
from atlas.core.stats.primary import Rules
from atlas.core.stats.protect import AuditFailed, Protected, Unaudited, protect
from atlas.core.stats.tables import CellStatus, CodeList, Table
from atlas.core.tests.test_stats_primary import full_table
from atlas.core.tests.test_stats_secondary import COLS, GRID, ROWS

S, P, X, E = CellStatus.SAFE, CellStatus.PRIMARY, CellStatus.SECONDARY, CellStatus.EMPTY


def test_primary_suppression_alone_is_recomputable_from_the_margins() -> None:
    t = full_table("grid", [ROWS, COLS], GRID)
    weak = [P if n in (2, 3) else S for n in t.persons]
    report = audit([t], [weak], Rules())
    assert not report.passed
    # (R1, C1) = R1 - 30 - 25 = 2 exactly; so is (R2, C2) = 3.
    exact = {(f.cell, f.detail) for f in report.failures if f.check == "exact"}
    assert exact == {
        (("R1", "C1"), "recomputable: the attacker finds 2"),
        (("R2", "C2"), "recomputable: the attacker finds 3"),
    }
    good = protect([t], Rules())
    assert good.audit.passed and good.audit.lps_solved > 0
    as_json = json.loads(json.dumps(good.audit.to_dict()))
    assert as_json["passed"] is True and as_json["solver"].startswith("HiGHS")
    assert {c["name"] for c in as_json["checks"]} == {"joint", "exact", "interval", "singleton"}
    loss = good.loss[0]
    assert (loss.primary, loss.secondary, loss.total_suppressed) == (2, 2, False)
    assert loss.suppressed_persons_share == round((2 + 3 + 30 + 20) / 250, 4)
    assert loss.by_level == {2: 4}


def test_a_failed_audit_blocks_every_number() -> None:
    t = full_table("grid", [ROWS, COLS], GRID)
    weak = [P if n in (2, 3) else S for n in t.persons]
    report = audit([t], [weak], Rules())
    hand_made = Protected((t,), (tuple(),), report, ())
    with pytest.raises(Unaudited):
        hand_made.cells(0)
    # Six persons in all: no pattern can leave any cell possibly at 10 or more (the audit
    # bounds every cell by the grand total), so protect raises and shows no number.
    tiny = full_table("tiny", [ROWS], {("R1",): 2, ("R2",): 3, ("R3",): 1})
    with pytest.raises(AuditFailed) as err:
        protect([tiny], Rules(max_unsafe_share=1.0))
    assert not err.value.report.passed and err.value.report.failures


def test_points_carried_between_audits_prove_only_what_they_show() -> None:
    t = full_table("grid", [ROWS, COLS], GRID)
    weak = [P if n in (2, 3) else S for n in t.persons]
    plain = audit([t], [weak], Rules())
    # A point that raises (R1, C1) to 20 and (R2, C2) to 30 but changes their published
    # margins is refused: the verdict does not move.
    keys = build_model([t]).inner_keys
    cols = np.asarray([keys.index(("R1", "C1")), keys.index(("R2", "C2"))])
    bogus = FeasiblePoints(points=[(cols, np.asarray([20.0, 30.0]))])
    again = audit([t], [weak], Rules(), points=bogus)
    assert not again.passed and again.failures == plain.failures
    assert again.checks[0]["feasible_points_carried"] == 0 and not bogus.points
    # The optima of one audit prove cells in the next: same verdict, fewer programmes.
    good = [list(s) for s in protect([t], Rules()).statuses()]
    points = FeasiblePoints()
    first = audit([t], good, Rules(), points=points)
    second = audit([t], good, Rules(), points=points)
    assert first.passed and second.passed and points.points
    assert second.checks[0]["feasible_points_carried"] > 0
    assert second.lps_solved < first.lps_solved


def test_a_solver_error_or_bad_input_fails_closed() -> None:
    t = full_table("grid", [ROWS, COLS], GRID)
    report = audit([t], [[S]], Rules())  # wrong number of statuses
    assert not report.passed and report.failures[0].check == "error"


AREA5 = CodeList("area", total="P", parent={"A1": "P", "A2": "P", "A3": "P"})
AGE = CodeList("age", total="all", parent={"0-17": "all", "18+": "all"})
GENDER = CodeList("gender", total="all", parent={"f": "all", "m": "all"})
STATUS = CodeList("status", total="all", parent={"irr": "all", "reg": "all", "asy": "all"})
SERVICE = CodeList("service", total="all", parent={"health": "all", "shelter": "all"})
DIMS5 = (AREA5, AGE, GENDER, STATUS, SERVICE)


def _five_dimensional(seed: int) -> Table:
    rng = random.Random(seed)
    leaves = list(itertools.product(*(d.leaves for d in DIMS5)))
    inner = {leaf: rng.choice([0, 1, 2, 3, 4, 6, 8, 12, 15, 20, 30]) for leaf in leaves}
    return full_table("five", DIMS5, inner)


def _by_subtables(table: Table, rules: Rules) -> list[CellStatus]:
    """The weak method: every 2-dimensional slice (two dimensions free, the other three
    fixed at any code) protected on its own, the patterns unioned."""
    hidden = {k for k, d in zip(table.keys, _primary(table, rules), strict=True) if d}
    for a, b in itertools.combinations(range(5), 2):
        fixed = [j for j in range(5) if j not in (a, b)]
        for codes in itertools.product(*(DIMS5[j].codes for j in fixed)):
            at = dict(zip(fixed, codes, strict=True))
            keys = [(ka, kb) for ka in DIMS5[a].codes for kb in DIMS5[b].codes]
            full = {k: tuple((at | {a: k[0], b: k[1]})[j] for j in range(5)) for k in keys}
            persons = [table.persons[table.index[full[k]]] for k in keys]
            sub = Table("slice", (DIMS5[a], DIMS5[b]), keys, persons)
            try:
                out = protect([sub], rules)
            except AuditFailed:
                continue  # the weak method publishes what it can
            for k, _s, v in out.cells(0):
                if v is None:
                    hidden.add(full[k])
    return [
        (P if p else X if k in hidden else E if n == 0 else S)
        for k, n, p in zip(table.keys, table.persons, _primary(table, rules), strict=True)
    ]


def _primary(table: Table, rules: Rules) -> list[bool]:
    from atlas.core.stats.primary import decide_primary

    return [d.status == CellStatus.PRIMARY for d in decide_primary(table, rules)]


def test_an_audit_that_stops_at_its_first_failure_finds_one_the_full_audit_finds() -> None:
    """A pattern tried and dropped (the optimal search's pruning) needs one failure: the
    audit stops at it, the cells asked for checked first. A pattern that passes runs every
    check either way."""
    rules = Rules(max_unsafe_share=1.0, dominance_share=1.0)
    table = _five_dimensional(seed=6)
    weak = _by_subtables(table, rules)
    full = audit([table], [weak], rules)
    wanted = [f for f in full.failures if f.check == "interval"][-1]
    fast = audit(
        [table], [weak], rules, stop_at_first=True, look_first={(wanted.table, wanted.cell)}
    )
    assert not fast.passed
    assert fast.failures[0] == wanted
    assert 1 <= len(fast.failures) <= BATCH  # the first batch of programmes' failures
    assert all(f in full.failures for f in fast.failures)
    assert fast.lps_solved < full.lps_solved
    safe = list(protect([table], rules).statuses()[0])
    passed = audit([table], [safe], rules, stop_at_first=True)
    assert passed.passed
    names = [c["name"] for c in audit([table], [safe], rules).checks]
    assert [c["name"] for c in passed.checks] == names


def test_a_five_dimensional_table_protected_slice_by_slice_fails_the_joint_audit() -> None:
    rules = Rules(max_unsafe_share=1.0, dominance_share=1.0)
    table = _five_dimensional(seed=6)
    assert len(table.keys) == 4 * 3 * 3 * 4 * 3
    weak = audit([table], [_by_subtables(table, rules)], rules)
    assert not weak.passed
    assert any(f.check in ("exact", "interval") for f in weak.failures)
    out = protect([table], rules)
    assert out.audit.passed
    again = audit([table], [list(out.statuses()[0])], rules)
    assert again.passed and not again.failures


def _release_two() -> Table:
    inner = {
        ("A1", "irr"): 8, ("A1", "reg"): 40,
        ("A2", "irr"): 20, ("A2", "reg"): 50,
        ("A3", "irr"): 30, ("A3", "reg"): 60,
    }  # fmt: skip
    status = CodeList("status", total="all", parent={"irr": "all", "reg": "all"})
    return full_table("by status", [AREA5, status], inner)


def test_differencing_with_an_earlier_release_fails_the_joint_audit() -> None:
    # Release 1: persons by area, all cells safe (48, 70, 90; 208).
    first = protect([full_table("by area", [AREA5], {("A1",): 48, ("A2",): 70, ("A3",): 90})],
                    Rules())  # fmt: skip
    assert all(v is not None for _k, _s, v in first.cells(0))
    # Release 2 alone: (A1, irr) = 8 hidden with (A1, all), (A2, irr), (A2, all): the
    # attacker knows (A1, irr) + (A2, irr) = 58 - 30 = 28, so (A1, irr) is in [0, 28].
    second = _release_two()
    pattern = {("A1", "irr"): P, ("A1", "all"): X, ("A2", "irr"): X, ("A2", "all"): X}
    statuses = [pattern.get(k, S) for k in second.keys]
    alone = audit([second], [statuses], Rules())
    assert alone.passed
    # Jointly, release 1 published (A1, all) = 48, so (A1, irr) = 48 - 40 = 8.
    joint = audit([second], [statuses], Rules(), published=[first.release()])
    assert not joint.passed
    assert ("exact", "by status", ("A1", "irr")) in {
        (f.check, f.table, f.cell) for f in joint.failures
    }
    # protect with the earlier release keeps (A1, all) published and hides (A1, reg).
    out = protect([second], Rules(), published=[first.release()])
    hidden = {k for k, _s, v in out.cells(0) if v is None}
    assert ("A1", "all") not in hidden and ("A1", "reg") in hidden
    assert out.audit.passed


def test_release_statuses_round_trip() -> None:
    t = full_table("grid", [ROWS, COLS], GRID)
    out = protect([t], Rules())
    rel = out.release()
    assert isinstance(rel, Release) and rel.statuses[0][t.index[("R1", "C1")]] == P


def test_a_p_percent_cell_keeps_its_value_interval() -> None:
    # Nights by area; A1 (100 nights, contributions 80 and 15) fails the p% rule: the
    # attacker must not get within 15% of 80 = 12 minus the rest 5 = 7 nights of it.
    area = CodeList("area", total="P", parent={"A1": "P", "A2": "P", "A3": "P"})
    value = {("P",): 400.0, ("A1",): 100.0, ("A2",): 100.0, ("A3",): 200.0}
    top = {("P",): (80.0, 50.0), ("A1",): (80.0, 15.0), ("A2",): (50.0, 20.0),
           ("A3",): (40.0, 30.0)}  # fmt: skip
    t = full_table("nights", [area], {("A1",): 12, ("A2",): 12, ("A3",): 12}, value=value,
                   top=top)  # fmt: skip
    weak = audit([t], [[S, P, S, S]], Rules())
    assert not weak.passed  # 100 = 400 - 100 - 200
    out = protect([t], Rules())
    assert out.audit.passed
    assert {k for k, _s, v in out.cells(0) if v is None} == {("A1",), ("A2",)}


def test_the_minimum_is_skipped_only_where_the_maximum_fails_a_cell_not_recomputed() -> None:
    # One published cell, x1 + x2 = 5; the cell x1 (truly 2) lies in [0, 5].
    lp = _AttackerLP(sp.csr_matrix(np.ones((1, 2))), np.asarray([5.0]), 2, upper=5.0)
    x1 = np.asarray([0], dtype=np.int32)
    assert lp.interval(x1) == (0.0, 5.0)
    # Below the threshold 10 and above its value: it fails whatever its minimum.
    solved = lp.solved
    assert lp.interval(x1, below=(10.0, 2.0)) == (-np.inf, 5.0)
    assert lp.solved == solved + 1 and lp.last is not None and len(lp.last) == 1
    # The maximum reaches the threshold, or equals the value (the cell could be recomputed,
    # which only the minimum shows): both are solved.
    assert lp.interval(x1, below=(4.0, 2.0)) == (0.0, 5.0)
    assert lp.interval(x1, below=(10.0, 5.0)) == (0.0, 5.0)
    # A cell the attacker recomputes is still reported as recomputed.
    fixed = _AttackerLP(
        sp.csr_matrix(np.asarray([[1.0, 1.0], [1.0, -1.0]])), np.asarray([5.0, -1.0]), 2, 5.0
    )
    assert fixed.interval(x1, below=(10.0, 2.0)) == (2.0, 2.0)


def test_the_minimum_is_skipped_on_the_cell_s_whole_value_not_its_unknown_part() -> None:
    # x1 = 3 is published alone, x2 + x3 = 8; the cell x1 + x2 (truly 3 + 1 = 4) lies in
    # [3, 11]: its maximum reaches the threshold 10, so its minimum is needed (width 8).
    a = sp.csr_matrix(np.asarray([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]))
    lp = _AttackerLP(a, np.asarray([3.0, 8.0]), 3, upper=11.0)
    cell = np.asarray([0, 1], dtype=np.int32)
    assert lp.interval(cell, below=(10.0, 4.0)) == (3.0, 11.0)
    # With the threshold above the maximum, it fails whatever its minimum.
    assert lp.interval(cell, below=(12.0, 4.0)) == (-np.inf, 11.0)
