"""The optimal secondary suppression: its pattern passes the audit and no pattern hiding fewer
cells does (checked by auditing every smaller pattern)."""

import itertools
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from atlas.core.stats import optimal
from atlas.core.stats import protect as protect_module
from atlas.core.stats.audit import Release, audit
from atlas.core.stats.primary import Rules, RulesError, decide_primary
from atlas.core.stats.protect import protect
from atlas.core.stats.tables import CellStatus, CodeList, Table
from atlas.core.tests.test_stats_audit import AREA5, _release_two, full_table
from atlas.core.tests.test_stats_protect import _with_regions

RULES = Rules(max_unsafe_share=1.0, status_dimension=None)
OPTIMAL = replace(RULES, secondary="optimal")
S, P, X = CellStatus.SAFE, CellStatus.PRIMARY, CellStatus.SECONDARY


def _table(area: CodeList, gender: CodeList, inner: dict[tuple[str, str], int]) -> Table:
    """Every cell of area × gender, margins and hierarchy levels included."""
    keys, persons = [], []
    for a in area.codes:
        for g in gender.codes:
            keys.append((a, g))
            persons.append(
                sum(
                    n
                    for (ia, ig), n in inner.items()
                    if area.covers(a, ia) and gender.covers(g, ig)
                )
            )
    return Table("t", (area, gender), keys, persons)


def _random_table(seed: int) -> Table:
    """Three areas by two genders, with a singleton and a few small cells."""
    rng = np.random.default_rng(seed)
    area = CodeList("area", total="P", parent={"A1": "P", "A2": "P", "A3": "P"})
    gender = CodeList("gender", total="T", parent={"f": "T", "m": "T"})
    values = rng.choice([1, 3, 7, 12, 25, 40], size=6, p=[0.15, 0.15, 0.1, 0.2, 0.2, 0.2])
    cells = [(a, g) for a in ("A1", "A2", "A3") for g in ("f", "m")]
    return _table(area, gender, dict(zip(cells, values.tolist(), strict=True)))


def _fewest_by_brute_force(
    table: Table, rules: Rules, published: Sequence[Release] = ()
) -> tuple[int, int]:
    """The fewest secondary cells of any pattern that passes the audit (jointly with the
    ``published`` releases), every smaller pattern audited; and the fewest persons those
    cells hold in any such pattern of as few cells."""
    decisions = decide_primary(table, rules)
    base = [d.status for d in decisions]
    free = [i for i, s in enumerate(base) if s == S]
    for k in range(len(free) + 1):
        persons = []
        for chosen in itertools.combinations(free, k):
            statuses = list(base)
            for i in chosen:
                statuses[i] = X
            if audit([table], [statuses], rules, published=published).passed:
                persons.append(sum(table.persons[i] for i in chosen))
        if persons:
            return k, min(persons)
    raise AssertionError("no pattern passes")


def _hidden_persons(table: Table, statuses: tuple[CellStatus, ...]) -> int:
    return sum(n for n, s in zip(table.persons, statuses, strict=True) if s == X)


def _secondary(statuses: tuple[CellStatus, ...]) -> int:
    return sum(1 for s in statuses if s == X)


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 8])
def test_the_optimal_pattern_hides_the_fewest_cells_any_safe_pattern_can(seed: int) -> None:
    table = _random_table(seed)
    optimal = protect([table], OPTIMAL)
    assert optimal.audit.passed
    method = optimal.loss[0].secondary_method
    search = method["optimal_search"]
    assert method["method"] == "optimal" and search["proven_optimal"]
    fewest, persons = _fewest_by_brute_force(table, RULES)
    assert _secondary(optimal.statuses()[0]) == fewest
    assert search["lower_bound"] == method["cost"] == fewest + optimal.loss[0].primary
    # and of the patterns of as few cells, one that hides the fewest persons
    assert search["fewest_persons"]
    assert _hidden_persons(table, optimal.statuses()[0]) == persons
    # elimination never does better
    assert _secondary(protect([table], RULES).statuses()[0]) >= fewest


def test_the_optimal_pattern_of_a_hierarchy_beats_elimination() -> None:
    area = CodeList(
        "area",
        total="P",
        parent={"Q1": "P", "Q2": "P", "A1": "Q1", "A2": "Q1", "A3": "Q2", "A4": "Q2"},
    )
    gender = CodeList("gender", total="T", parent={"f": "T", "m": "T", "x": "T"})
    values = [1, 33, 12, 25, 4, 18, 30, 21, 16, 2, 27, 35]
    cells = [(a, g) for a in ("A1", "A2", "A3", "A4") for g in ("f", "m", "x")]
    table = _table(area, gender, dict(zip(cells, values, strict=True)))
    optimal = protect([table], OPTIMAL)
    eliminated = protect([table], RULES)
    assert optimal.audit.passed
    assert optimal.loss[0].secondary_method["optimal_search"]["proven_optimal"]
    assert _secondary(optimal.statuses()[0]) < _secondary(eliminated.statuses()[0])
    # The audit, run again on its own over the pattern, agrees.
    assert audit([table], [list(optimal.statuses()[0])], RULES).passed


def test_the_search_stops_at_its_time_limit_and_elimination_takes_over() -> None:
    table = _random_table(3)
    out = protect([table], OPTIMAL, optimal_seconds=0.0)
    assert out.audit.passed
    method = out.loss[0].secondary_method
    assert method["method"] == "elimination"
    assert method["optimal_search"]["stopped"] == "time limit"
    assert not method["optimal_search"]["proven_optimal"]
    assert out.statuses() == protect([table], RULES).statuses()


def test_the_search_starts_from_the_primary_cells_made_safe_in_several_orders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before its programmes, the search makes the primary cells alone safe in several orders
    of the failing cells (each repair leaves what it hides free for the next, so the order
    changes the pattern), prunes the cheapest of those and elimination's, and never keeps a
    pattern that hides more cells than one it made."""
    table = _with_regions(seed=2)
    made: list[tuple[int, int, object]] = []
    made_safe = protect_module._made_safe

    def recording(model, pattern, *args, order=0, **kwargs):  # type: ignore[no-untyped-def]
        out = made_safe(model, pattern, *args, order=order, **kwargs)
        made.append((order, int(pattern.sum()), out))
        return out

    monkeypatch.setattr(protect_module, "_made_safe", recording)
    monkeypatch.setattr(optimal, "STARTS", 4)
    monkeypatch.setattr(optimal, "START_SHARE", 1.0)  # the four starts whatever the machine
    out = protect([table], OPTIMAL, optimal_seconds=5.0)
    statuses = out.statuses()[0]
    assert out.loss[0].secondary_method["optimal_search"]["starts"] == 4
    starts = made[:4]
    assert [order for order, _n, _out in starts] == [0, 1, 2, 3]
    assert {n for _order, n, _out in starts} == {out.loss[0].primary}  # the primaries alone
    patterns = [result[0] for _o, _n, result in starts if result is not None]  # type: ignore[index]
    assert len({p.tobytes() for p in patterns}) > 1  # the order changes the pattern
    for p in patterns:
        again = [X if h and s != P else s for h, s in zip(p, statuses, strict=True)]
        again = [S if s == X and not h else s for h, s in zip(p, again, strict=True)]
        assert audit([table], [again], RULES).passed
    hidden = sum(1 for s in statuses if s in (P, X))
    assert hidden <= min(int(p.sum()) for p in patterns)
    assert _secondary(statuses) <= _secondary(protect([table], RULES).statuses()[0])
    assert audit([table], [list(statuses)], RULES).passed


def test_only_the_two_methods_are_accepted() -> None:
    with pytest.raises(RulesError, match="secondary 'fastest' must be one of elimination"):
        Rules(secondary="fastest")


def test_the_optimal_pattern_keeps_what_an_earlier_release_published() -> None:
    # As in the audit's differencing test: release 1 published persons by area; release 2,
    # by area and status, must not let (A1, irr) = 48 - 40 be recomputed.
    first = protect(
        [full_table("by area", [AREA5], {("A1",): 48, ("A2",): 70, ("A3",): 90})], RULES
    )
    second = _release_two()
    out = protect([second], replace(Rules(), secondary="optimal"), published=[first.release()])
    assert out.audit.passed
    assert out.loss[0].secondary_method["optimal_search"]["proven_optimal"]
    hidden = {k for k, _s, v in out.cells(0) if v is None}
    assert ("A1", "all") not in hidden and ("A1", "reg") in hidden
    assert audit([second], [list(out.statuses()[0])], Rules(), published=[first.release()]).passed


def test_the_optimal_pattern_counts_on_what_an_earlier_release_hid() -> None:
    # Release 1 hid A1 (4 persons) and one more area; release 2 splits areas by status. The
    # cells release 1 hid are unknown to the attacker here too: every smaller pattern audited
    # jointly with release 1 fails.
    first = protect([full_table("by area", [AREA5], {("A1",): 4, ("A2",): 70, ("A3",): 90})], RULES)
    assert sum(v is None for _k, _s, v in first.cells(0)) == 2
    status = CodeList("status", total="all", parent={"irr": "all", "reg": "all"})
    inner = {
        ("A1", "irr"): 1, ("A1", "reg"): 3,
        ("A2", "irr"): 20, ("A2", "reg"): 50,
        ("A3", "irr"): 6, ("A3", "reg"): 84,
    }  # fmt: skip
    second = full_table("by status", [AREA5, status], inner)
    earlier = [first.release()]
    out = protect([second], OPTIMAL, published=earlier)
    assert out.audit.passed
    assert out.loss[0].secondary_method["optimal_search"]["proven_optimal"]
    fewest, persons = _fewest_by_brute_force(second, RULES, earlier)
    assert _secondary(out.statuses()[0]) == fewest
    assert _hidden_persons(second, out.statuses()[0]) == persons
