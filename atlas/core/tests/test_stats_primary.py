"""Primary rules: threshold, zeros, group attribute, p% and (n, k), sparsity, the floor."""

import itertools
from collections.abc import Mapping, Sequence

import pytest

from atlas.core.stats.primary import Rules, RulesError, TooSparse, decide_primary
from atlas.core.stats.protect import protect
from atlas.core.stats.tables import CellStatus, CodeList, Measure, Table


def full_table(
    name: str,
    dims: Sequence[CodeList],
    inner: Mapping[tuple[str, ...], int],
    *,
    value: Mapping[tuple[str, ...], float] | None = None,
    top: Mapping[tuple[str, ...], tuple[float, ...]] | None = None,
) -> Table:
    """Every combination of codes, each the sum of the inner counts it covers (zeros too).

    ``value``/``top`` make a magnitude table; they are given for every cell by hand, since
    the largest contributions of a margin cannot be derived from inner sums.
    """
    keys = list(itertools.product(*(d.codes for d in dims)))

    def covered(key: tuple[str, ...], leaf: tuple[str, ...]) -> bool:
        return all(d.covers(c, lc) for d, c, lc in zip(dims, key, leaf, strict=True))

    persons = [sum(n for leaf, n in inner.items() if covered(key, leaf)) for key in keys]
    if value is None:
        return Table(name, tuple(dims), keys, persons)
    return Table(
        name,
        tuple(dims),
        keys,
        persons,
        measure=Measure.NIGHTS,
        value=[value[k] for k in keys],
        top=[top[k] if top else () for k in keys],
    )


AREA = CodeList("area", total="P", parent={"A1": "P", "A2": "P", "A3": "P"})
STATUS = CodeList("status", total="all", parent={"irr": "all", "reg": "all", "asy": "all"})


def statuses(table: Table, rules: Rules) -> dict[tuple[str, ...], tuple[str, str]]:
    return {
        k: (d.status.value, d.rule)
        for k, d in zip(table.keys, decide_primary(table, rules), strict=True)
    }


def test_it_marks_counts_below_the_threshold_and_publishes_zeros() -> None:
    t = full_table("t", [AREA], {("A1",): 12, ("A2",): 9, ("A3",): 0})
    got = statuses(t, Rules(max_unsafe_share=1.0))
    assert got == {
        ("P",): ("safe", ""),
        ("A1",): ("safe", ""),
        ("A2",): ("primary", "threshold"),
        ("A3",): ("empty", "zero"),
    }
    # At the floor of 5, a count of 5 is safe and 4 is not.
    t5 = full_table("t", [AREA], {("A1",): 5, ("A2",): 4, ("A3",): 30})
    got5 = statuses(t5, Rules(threshold=5, max_unsafe_share=1.0))
    assert got5[("A1",)][0] == "safe" and got5[("A2",)][0] == "primary"


def test_it_refuses_a_threshold_below_five() -> None:
    with pytest.raises(RulesError, match="threshold 4 is below the floor of 5"):
        Rules(threshold=4)
    assert Rules(threshold=5).protection_level == 5
    assert Rules().protection_level == 10


def test_it_flags_a_group_where_everyone_shares_one_status() -> None:
    # "All 14 users in area A1 are irregular": 14 is above the threshold, but the status
    # of anyone known to be among them is disclosed. A2 is mixed and stays safe.
    inner = {
        ("A1", "irr"): 14, ("A1", "reg"): 0, ("A1", "asy"): 0,
        ("A2", "irr"): 12, ("A2", "reg"): 15, ("A2", "asy"): 11,
        ("A3", "irr"): 20, ("A3", "reg"): 25, ("A3", "asy"): 13,
    }  # fmt: skip
    got = statuses(full_table("t", [AREA, STATUS], inner), Rules())
    assert got[("A1", "irr")] == ("primary", "group-attribute")
    assert got[("A1", "reg")] == ("primary", "group-attribute")  # a zero, but it tells
    assert got[("A1", "asy")] == ("primary", "group-attribute")
    assert got[("A1", "all")] == ("safe", "")
    assert {got[("A2", s)][0] for s in ("irr", "reg", "asy", "all")} == {"safe"}
    # Nearly all: 19 of 20 is 95% >= the 90% default; 18 of 20 (90%) too; 17 (85%) not.
    for irr, flagged in ((19, True), (18, True), (17, False)):
        inner2 = {**inner, ("A1", "irr"): irr, ("A1", "reg"): 20 - irr}
        got2 = statuses(full_table("t", [AREA, STATUS], inner2), Rules())
        assert (got2[("A1", "irr")] == ("primary", "group-attribute")) is flagged


def test_a_zero_it_hides_takes_the_zeros_above_it_along() -> None:
    # In A1 everyone under 18 is irregular and everyone over 18 regular: both groups are
    # flagged, with their zero cells. Nobody in A1 is an asylum seeker at any age, so the
    # age total (A1, all ages, asy) is 0 too, though A1 as a whole is mixed: published, it
    # would prove (A1, 0-17, asy) is 0 (no count is negative), so it is hidden with it.
    age = CodeList("age", total="all-ages", parent={"0-17": "all-ages", "18+": "all-ages"})
    inner = {
        ("A1", "0-17", "irr"): 14, ("A1", "18+", "reg"): 16,
        ("A2", "0-17", "irr"): 12, ("A2", "0-17", "reg"): 15, ("A2", "0-17", "asy"): 11,
        ("A2", "18+", "irr"): 12, ("A2", "18+", "reg"): 15, ("A2", "18+", "asy"): 11,
        ("A3", "0-17", "irr"): 20, ("A3", "0-17", "reg"): 25, ("A3", "0-17", "asy"): 13,
        ("A3", "18+", "irr"): 20, ("A3", "18+", "reg"): 25, ("A3", "18+", "asy"): 13,
    }  # fmt: skip
    table = full_table("t", [AREA, age, STATUS], inner)
    got = statuses(table, Rules(max_unsafe_share=1.0))
    assert got[("A1", "0-17", "asy")] == ("primary", "group-attribute")
    assert got[("A1", "all-ages", "asy")] == ("primary", "group-attribute")
    assert got[("A1", "all-ages", "all")] == ("safe", "")
    out = protect([table], Rules(max_unsafe_share=1.0))
    assert out.audit.passed


def test_the_p_percent_rule_by_hand() -> None:
    # Cell A1: 100 nights, top contributions 80 and 15. The second-largest contributor
    # knows 100 - 15 = 85 is the largest plus the rest; the rest is 100 - 80 - 15 = 5,
    # below 15% of 80 = 12, so they estimate the largest within 5/80 = 6.25%: unsafe.
    # Cell A2: 100 nights, 50 and 20: the rest 30 >= 7.5: safe. A3: 0.14 * 100 =
    # 14 < 15% of 100? rest = 200 - 100 - 86 = 14 < 15: unsafe.
    area = CodeList("area", total="P", parent={"A1": "P", "A2": "P", "A3": "P"})
    inner = {("A1",): 12, ("A2",): 12, ("A3",): 12}
    value = {("P",): 400.0, ("A1",): 100.0, ("A2",): 100.0, ("A3",): 200.0}
    top = {("P",): (100.0, 86.0), ("A1",): (80.0, 15.0), ("A2",): (50.0, 20.0),
           ("A3",): (100.0, 86.0)}  # fmt: skip
    t = full_table("nights", [area], inner, value=value, top=top)
    got = statuses(t, Rules(max_unsafe_share=1.0))
    assert got[("A1",)] == ("primary", "p%")
    assert got[("A2",)] == ("safe", "")
    assert got[("A3",)] == ("primary", "p%")
    assert got[("P",)] == ("safe", "")  # 400 - 186 = 214 >= 15
    # (n, k) = (2, 85): A2's top two are 70% of it: safe; at k=65 unsafe.
    assert statuses(t, Rules(p=1.0, nk=(2, 85.0), max_unsafe_share=1.0))[("A2",)][0] == "safe"
    assert statuses(t, Rules(p=1.0, nk=(2, 65.0), max_unsafe_share=1.0))[("A2",)] == (
        "primary",
        "(n,k)",
    )


def test_it_refuses_a_table_that_is_mostly_unsafe() -> None:
    t = full_table("sparse", [AREA], {("A1",): 3, ("A2",): 4, ("A3",): 30})
    with pytest.raises(TooSparse, match="2 of 3 non-zero inner cells.*collapse a dimension"):
        decide_primary(t, Rules())
    assert [d.status for d in decide_primary(t, Rules(max_unsafe_share=0.7))][1:3] == [
        CellStatus.PRIMARY,
        CellStatus.PRIMARY,
    ]


def test_without_a_status_dimension_the_group_attribute_rule_is_off() -> None:
    # The same all-irregular group as above, with the status dimension switched off: only
    # the threshold rule applies (every cell here holds at least 10 persons or none).
    inner = {
        ("A1", "irr"): 14, ("A1", "reg"): 0, ("A1", "asy"): 0,
        ("A2", "irr"): 12, ("A2", "reg"): 15, ("A2", "asy"): 11,
        ("A3", "irr"): 20, ("A3", "reg"): 25, ("A3", "asy"): 13,
    }  # fmt: skip
    got = statuses(full_table("t", [AREA, STATUS], inner), Rules(status_dimension=None))
    assert got[("A1", "irr")] == ("safe", "")
    assert got[("A1", "reg")] == ("empty", "zero")
