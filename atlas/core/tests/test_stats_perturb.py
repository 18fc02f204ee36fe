"""Perturbative modes: differential privacy for counts (OpenDP) and the cell-key method.

OpenDP's noise cannot be seeded, so the differential-privacy tests check properties, and the
noise scale statistically over many cells with bounds wide enough never to fail by chance
(several standard errors) yet far narrower than the error a wrong sensitivity would make.
The cell-key method is deterministic, and is tested value for value.
"""

import itertools
import math
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from atlas.core.stats.aggregate import demo_codelists
from atlas.core.stats.engines import DuckDBEngine
from atlas.core.stats.perturb import (
    KEY_MODULUS,
    KeyedCell,
    Mode,
    Perturbed,
    build_ptable,
    engine_contributions,
    perturb_with_cell_keys,
    privatize_counts,
    record_key,
)
from atlas.core.stats.spec import Rules, TableSpec
from atlas.core.stats.tables import CodeList, Measure, Table
from atlas.core.tests.test_stats_aggregate import TINY

SECRET = b"a secret of the statistics office"
OTHER_SECRET = b"another secret, another office!!"
# Two provinces of two areas each, two genders.
AREA = CodeList("area", "N", {"P1": "N", "P2": "N", "A1": "P1", "A2": "P1", "A3": "P2", "A4": "P2"})
GENDER = CodeList("gender", "total", {"female": "total", "male": "total"})


def leaf_area(n: int) -> CodeList:
    return CodeList("area", "all", {f"A{i}": "all" for i in range(n)})


def leaf_service(n: int) -> CodeList:
    return CodeList("service", "total", {f"S{i}": "total" for i in range(n)})


def up(dim: CodeList, code: str) -> list[str]:
    """The code and every code above it."""
    chain = [code]
    while chain[-1] != dim.total:
        chain.append(dim.parent[chain[-1]])
    return chain


def full_table(dims: tuple[CodeList, ...], inner: dict[tuple[str, ...], int]) -> Table:
    """A frequency table with every margin, from its inner cells."""
    sums: Counter[tuple[str, ...]] = Counter()
    for leaf, n in inner.items():
        for key in itertools.product(*(up(d, c) for d, c in zip(dims, leaf, strict=True))):
            sums[key] += n
    keys = list(itertools.product(*(d.codes for d in dims)))
    return Table("t", dims, keys, [sums[key] for key in keys])


def assert_additive(out: Perturbed) -> None:
    table = out.table
    values = dict(zip(table.keys, table.persons, strict=True))
    for key, value in values.items():
        for j, dim in enumerate(table.dimensions):
            children = dim.children[key[j]]
            if children:
                below = sum(values[(*key[:j], c, *key[j + 1 :])] for c in children)
                assert value == below, (key, dim.name)


def discrete_laplace_mean_absolute(scale: float) -> float:
    """E|X| for OpenDP's discrete Laplace: P(X = k) proportional to a**|k|, a = exp(-1/scale)."""
    a = math.exp(-1 / scale)
    return 2 * a / (1 - a * a)


# -- differential privacy ----------------------------------------------------------------


def test_it_noises_every_cell_of_the_public_key_set_and_stays_additive() -> None:
    # Only two inner cells are in the input: the others are zeros of the public key set.
    dims = (AREA, GENDER)
    given = full_table(dims, {("A1", "female"): 12, ("A3", "male"): 4})
    sparse = Table(
        "t",
        dims,
        [k for k in given.keys if k in (("A1", "female"), ("A3", "male"), ("N", "total"))],
        [12, 4, 16],
    )
    out = privatize_counts(sparse, epsilon=1.0, contributions=1)
    assert out.table.keys == list(itertools.product(AREA.codes, GENDER.codes))
    assert all(isinstance(v, int) and v >= 0 for v in out.table.persons)
    assert_additive(out)
    assert out.mode is Mode.DIFFERENTIAL_PRIVACY and out.is_additive
    assert out.parameters["noisy_cells"] == len(AREA.leaves) * len(GENDER.leaves) == 8


def test_empty_cells_get_noise_too() -> None:
    # 400 empty cells at scale 1: each is above zero with probability a / (1 + a), a = e**-1,
    # so about 108 of them (standard deviation 9).
    dims = (leaf_area(20), leaf_service(20))
    out = privatize_counts(full_table(dims, {}), epsilon=20.0, contributions=20)
    inner = [out.table.persons[i] for i in out.table.inner()]
    assert len(inner) == 400
    assert 60 <= sum(1 for v in inner if v > 0) <= 160


@pytest.mark.parametrize(
    ("contributions", "clipped", "scale"),
    [(50, False, 10.0), (5, True, 1.0)],
)
def test_the_noise_scale_is_the_contribution_bound_over_epsilon(
    contributions: int, clipped: bool, scale: float
) -> None:
    # 2000 inner cells of 1000 persons (no cell near zero, so no clipping at zero); the mean
    # absolute noise has a standard error of about 2 % of the scale: 15 % is over 6 standard
    # errors, and a sensitivity of 1 instead of 50 (or 50 instead of 5) is off by far more.
    dims = (leaf_area(40), leaf_service(50))
    inner = {key: 1000 for key in itertools.product(*(d.leaves for d in dims))}
    out = privatize_counts(
        full_table(dims, inner), epsilon=5.0, contributions=contributions, clipped=clipped
    )
    assert out.parameters["scale"] == scale
    assert out.parameters["sensitivity"] == contributions
    assert out.parameters["epsilon"] == 5.0
    noise = np.asarray([out.table.persons[i] - 1000 for i in out.table.inner()])
    expected = discrete_laplace_mean_absolute(scale)
    assert abs(np.abs(noise).mean() - expected) < 0.15 * expected
    assert abs(noise.mean()) < 0.15 * expected  # centred on the true value


@pytest.mark.parametrize("epsilon", [0, -1.0, math.nan, math.inf])
def test_it_refuses_an_epsilon_that_is_not_above_zero_and_finite(epsilon: float) -> None:
    table = full_table((GENDER,), {("female",): 3})
    with pytest.raises(ValueError, match="epsilon"):
        privatize_counts(table, epsilon=epsilon, contributions=1)


@pytest.mark.parametrize("contributions", [0, -2, 1.5, True])
def test_it_refuses_a_contribution_bound_below_one(contributions: int) -> None:
    table = full_table((GENDER,), {("female",): 3})
    with pytest.raises(ValueError, match="contributions"):
        privatize_counts(table, epsilon=1.0, contributions=contributions)


def test_it_refuses_a_bound_below_the_services_unless_the_input_was_clipped() -> None:
    table = full_table((GENDER, leaf_service(4)), {("male", "S1"): 7})
    with pytest.raises(ValueError, match="clipped"):
        privatize_counts(table, epsilon=1.0, contributions=3)
    out = privatize_counts(table, epsilon=1.0, contributions=3, clipped=True)
    assert out.parameters["clipped"] is True
    assert privatize_counts(table, epsilon=1.0, contributions=4).parameters["scale"] == 4.0


def test_it_refuses_a_magnitude_table() -> None:
    table = Table("c", (GENDER,), [("total",), ("female",), ("male",)], [2, 1, 1])
    table.measure = Measure.CONTACTS
    with pytest.raises(ValueError, match="frequency"):
        privatize_counts(table, epsilon=1.0, contributions=1)


def test_engine_tables_count_a_person_once_per_service_even_without_the_service_dimension(
    tmp_path: Path,
) -> None:
    # Three persons; A/p1 and B/p1 used two services each: the gender table counts 5. So the
    # bound for every engine table is the number of services, whatever its dimensions.
    path = tmp_path / "tiny.csv"
    path.write_text(TINY)
    codelists = demo_codelists()
    spec = TableSpec("g", "1", "g", ("gender",), Measure.PERSONS, Rules())
    table = DuckDBEngine(threads=1).tabulate(path, spec, codelists)
    assert table.persons[table.index[("total",)]] == 5
    assert engine_contributions(codelists) == 3
    out = privatize_counts(table, epsilon=1.0, contributions=engine_contributions(codelists))
    assert out.parameters["scale"] == 3.0


def test_a_perturbed_table_says_it_is_neither_protected_nor_audited() -> None:
    out = privatize_counts(full_table((GENDER,), {("female",): 3}), epsilon=1.0, contributions=1)
    record = out.to_dict()
    assert record["perturbed"] is True
    assert record["protected_by_suppression"] is False
    assert record["audited"] is False
    assert record["mode"] == "differential-privacy"
    assert {"epsilon", "mechanism", "scale", "sensitivity"} <= set(record["parameters"])


# -- the cell-key method -----------------------------------------------------------------


def test_record_keys_are_deterministic_secret_and_uniform() -> None:
    keys = [record_key(f"p{i}", secret=SECRET) for i in range(20000)]
    assert keys == [record_key(f"p{i}", secret=SECRET) for i in range(20000)]
    assert keys != [record_key(f"p{i}", secret=OTHER_SECRET) for i in range(20000)]
    assert record_key("p1", secret=SECRET, provider="A") != record_key("p1", secret=SECRET)
    # Ten bins of 2000 expected each (standard deviation 42).
    bins = np.bincount(np.asarray(keys) * 10 // KEY_MODULUS, minlength=10)
    assert len(bins) == 10 and bins.min() > 1800 and bins.max() < 2200
    with pytest.raises(ValueError, match="secret"):
        record_key("p1", secret=b"short")


@pytest.mark.parametrize(
    ("max_noise", "variance", "small"),
    [(2, 1.0, 0), (2, 1.0, 2), (3, 2.0, 1), (5, 3.0, 3), (1, 0.5, 0)],
)
def test_every_row_of_the_ptable_has_mean_zero_and_no_forbidden_result(
    max_noise: int, variance: float, small: int
) -> None:
    ptable = build_ptable(max_noise, variance, small)
    assert ptable.rows[0] == ((0, 1.0),)  # zero stays zero
    for value, row in enumerate(ptable.rows):
        probabilities = [p for _d, p in row]
        assert abs(sum(probabilities) - 1) < 1e-9 and min(probabilities) > 0
        assert abs(sum(p * d for d, p in row)) < 1e-9
        for d, _p in row:
            assert abs(d) <= max_noise
            assert value + d >= 0
            assert not 1 <= value + d <= small
    last = len(ptable.rows) - 1
    assert last - max_noise > small  # the last row has the whole range of noise
    assert abs(ptable.row_variance(last) - variance) < 1e-9
    assert ptable.row(10**6) == ptable.rows[last]


def test_the_ptable_gives_each_noise_its_share_of_cell_keys() -> None:
    ptable = build_ptable(2, 1.0)
    keys = (np.arange(100000) + 0.5) / 100000
    noises = ptable.noises(np.full(len(keys), 40), keys)
    for d, p in ptable.row(40):
        assert abs(np.mean(noises == d) - p) < 1e-4


def people(n: int, seed: int) -> list[tuple[str, str, str]]:
    """(person, area, gender) of ``n`` made-up persons."""
    pick = random.Random(seed)
    return [(f"p{i}", pick.choice(AREA.leaves), pick.choice(GENDER.leaves)) for i in range(n)]


def by_cell(
    persons: list[tuple[str, str, str]], dims: tuple[str, ...], secret: bytes = SECRET
) -> dict[tuple[str, ...], list[int]]:
    cells: dict[tuple[str, ...], list[int]] = {}
    for person, area, gender in persons:
        key = tuple({"area": area, "gender": gender}[d] for d in dims)
        cells.setdefault(key, []).append(record_key(person, secret=secret))
    return cells


def test_the_same_persons_get_the_same_noise_in_every_table() -> None:
    persons = people(300, seed=1)
    both = perturb_with_cell_keys("ag", (AREA, GENDER), by_cell(persons, ("area", "gender")))
    areas = perturb_with_cell_keys("a", (AREA,), by_cell(persons, ("area",)))
    for code in AREA.codes:
        assert (
            both.table.persons[both.table.index[(code, "total")]]
            == (areas.table.persons[areas.table.index[(code,)]])
        )
    again = perturb_with_cell_keys("ag", (AREA, GENDER), by_cell(persons, ("area", "gender")))
    assert again.table.persons == both.table.persons
    other = perturb_with_cell_keys(
        "ag", (AREA, GENDER), by_cell(persons, ("area", "gender"), OTHER_SECRET)
    )
    assert other.table.persons != both.table.persons


def test_margins_are_perturbed_by_their_own_cell_keys() -> None:
    dims = (AREA, GENDER)
    cells = by_cell(people(300, seed=2), ("area", "gender"))
    ptable = build_ptable(2, 1.0)
    out = perturb_with_cell_keys("ag", dims, cells, ptable=ptable)
    assert out.mode is Mode.CELL_KEY and not out.is_additive
    for key, value in zip(out.table.keys, out.table.persons, strict=True):
        below = [
            k for k in cells if all(d.covers(c, x) for d, c, x in zip(dims, key, k, strict=True))
        ]
        count = sum(len(cells[k]) for k in below)
        key_sum = sum(sum(cells[k]) for k in below) % KEY_MODULUS
        assert value == count + ptable.noise(count, key_sum / KEY_MODULUS), key


def test_cell_key_tables_are_not_additive_but_never_negative() -> None:
    # 100 areas by 2 genders, 5 persons per inner cell: some area total differs from the sum
    # of its perturbed cells (the method's known trade-off).
    area = leaf_area(100)
    cells: dict[tuple[str, ...], KeyedCell] = {
        (a, g): KeyedCell.of(record_key(f"{a}-{g}-{i}", secret=SECRET) for i in range(5))
        for a in area.leaves
        for g in GENDER.leaves
    }
    out = perturb_with_cell_keys("ag", (area, GENDER), cells)
    values = dict(zip(out.table.keys, out.table.persons, strict=True))
    assert min(values.values()) >= 0
    assert any(
        values[(a, "total")] != values[(a, "female")] + values[(a, "male")] for a in area.leaves
    )


def test_no_cell_is_published_as_a_value_from_one_to_js() -> None:
    cells = by_cell(people(24, seed=3), ("area", "gender"))
    assert [k for k, keys in cells.items() if 1 <= len(keys) <= 2]  # there are small cells
    out = perturb_with_cell_keys("ag", (AREA, GENDER), cells, ptable=build_ptable(2, 1.0, 2))
    assert not [v for v in out.table.persons if 1 <= v <= 2]
    assert out.parameters["js"] == 2


def test_cell_noise_follows_the_ptable_over_many_cells() -> None:
    # 4000 cells of 10 distinct made-up persons: the share of each noise is its probability
    # (standard error under 0.008), which holds only if cell keys are uniform.
    area = leaf_area(4000)
    cells: dict[tuple[str, ...], list[int]] = {
        (a,): [record_key(f"{a}/{i}", secret=SECRET) for i in range(10)] for a in area.leaves
    }
    out = perturb_with_cell_keys("a", (area,), cells)
    noise = np.asarray([out.table.persons[i] - 10 for i in out.table.inner()])
    for d, p in build_ptable().row(10):
        assert abs(np.mean(noise == d) - p) < 0.04


def test_it_refuses_a_cell_that_is_not_a_combination_of_leaves() -> None:
    with pytest.raises(ValueError, match="leaf codes"):
        perturb_with_cell_keys("a", (AREA,), {("P1",): [1, 2]})
