"""Perturbative modes: noisy frequency tables instead of suppressed ones, for users of the engine
who choose them deliberately. The platform publishes only suppression-protected, audited tables
(``protect``); nothing here passes through the audit, and every result says so.

Two modes, compared in docs/stats-perturbation.md:

- **Differential privacy for counts** (`privatize_counts`, with OpenDP): discrete Laplace noise
  on every inner cell of the public key set (every combination of leaf codes, so empty cells
  get noise too), scaled to the bound on one person's contributions; negative results are set
  to zero, and the margins are the sums of the noisy inner cells, so the table stays additive.
- **The cell-key method** (`perturb_with_cell_keys`): each person has a record key derived
  from their pseudonymous key with a secret (`record_key`); a cell's key is the fractional
  part of the sum of its persons' record keys, and a perturbation table (`build_ptable`) turns
  (cell value, cell key) into a small noise. The same persons always give the same noise, in
  every table; margins get their own noise, so tables are not additive.

Both take frequency tables (distinct persons per cell, the ``persons`` tables of
``aggregate``) and return a `Perturbed`: the noisy table and the parameters that made it.

>>> from atlas.core.stats.tables import CodeList
>>> area = CodeList("area", total="P", parent={"A1": "P", "A2": "P"})
>>> secret = b"kept by the statistics office!!!"
>>> persons = {("A1",): [record_key(p, secret=secret) for p in ("p1", "p2", "p3", "p4")],
...            ("A2",): [record_key(p, secret=secret) for p in ("p5", "p6")]}
>>> out = perturb_with_cell_keys("demo", [area], persons)
>>> out.table.keys
[('P',), ('A1',), ('A2',)]
>>> out.table.persons == perturb_with_cell_keys("demo", [area], persons).table.persons
True
>>> out.is_additive, out.to_dict()["protected_by_suppression"], out.to_dict()["audited"]
(False, False, False)
"""

import enum
import hashlib
import hmac
import itertools
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linprog, minimize

from atlas.core.stats.aggregate import SERVICE_DIMENSION
from atlas.core.stats.spec import CodeLists
from atlas.core.stats.tables import CodeList, Measure, Table

# Record keys are whole numbers below 2**KEY_BITS (the key in [0, 1) is key / 2**KEY_BITS):
# sums of integers are exact and do not depend on the order of addition, so a cell key is the
# same whichever engine or query adds it up; 32 bits keep a sum over 2**31 persons inside a
# signed 64-bit integer.
KEY_BITS = 32
KEY_MODULUS = 1 << KEY_BITS
# The shortest secret accepted for record keys: a guessable secret lets anyone recompute the
# keys, and so the noise, from pseudonymous keys.
MIN_SECRET_BYTES = 16
NOTE = (
    "Perturbed: every number carries noise. Not protected by suppression and not audited; "
    "not a table the platform publishes."
)


class Mode(enum.StrEnum):
    DIFFERENTIAL_PRIVACY = "differential-privacy"
    CELL_KEY = "cell-key"


@dataclass(frozen=True)
class Perturbed:
    """A perturbed table: noisy ``persons`` on the full grid of the dimensions' codes, the
    mode and the parameters that made it. Never a suppression-protected table."""

    table: Table
    mode: Mode
    parameters: Mapping[str, Any]
    is_additive: bool  # every margin is the sum of the cells below it

    @property
    def note(self) -> str:
        return NOTE

    def to_dict(self) -> dict[str, Any]:
        """What to record next to the numbers, so that no reader takes them for exact ones."""
        return {
            "perturbed": True,
            "protected_by_suppression": False,
            "audited": False,
            "mode": self.mode.value,
            "additive": self.is_additive,
            "parameters": dict(self.parameters),
            "note": NOTE,
        }


# -- shared ------------------------------------------------------------------------------


def _grid_sums(
    dimensions: Sequence[CodeList], inner: npt.NDArray[np.int64], modulus: int | None = None
) -> npt.NDArray[np.int64]:
    """Sums of the inner cells (an array shaped by the leaves) under every combination of
    codes (an array shaped by the codes), one dimension at a time: each leaf adds to itself
    and to every code above it."""
    out = inner
    for axis, dim in enumerate(dimensions):
        position = {code: j for j, code in enumerate(dim.codes)}
        leaf, code = [], []
        for i, start in enumerate(dim.leaves):
            up = start
            while True:
                leaf.append(i)
                code.append(position[up])
                if up == dim.total:
                    break
                up = dim.parent[up]
        moved = np.moveaxis(out, axis, 0)
        summed = np.zeros((len(dim.codes), *moved.shape[1:]), dtype=np.int64)
        np.add.at(summed, np.asarray(code), moved[np.asarray(leaf)])
        out = np.moveaxis(summed, 0, axis)
        if modulus is not None:
            out = out % modulus
    return out


def _full_table(name: str, dimensions: Sequence[CodeList], values: npt.NDArray[np.int64]) -> Table:
    keys = list(itertools.product(*(d.codes for d in dimensions)))
    return Table(name, tuple(dimensions), keys, [int(v) for v in values.ravel()])


def _leaf_shape(dimensions: Sequence[CodeList]) -> tuple[int, ...]:
    return tuple(len(d.leaves) for d in dimensions)


# -- differential privacy ----------------------------------------------------------------


def engine_contributions(codelists: CodeLists) -> int:
    """The bound on one person's contributions to any frequency table of the engine: the
    number of leaf codes of the service code list.

    ``aggregate`` counts a person once under every service used, and a table without the
    service dimension is the all-services total, where that person counts once per service:
    so one person adds up to this many to the inner cells of every table, with or without the
    service dimension.

    >>> from atlas.core.stats.aggregate import demo_codelists
    >>> engine_contributions(demo_codelists())
    3
    """
    return len(codelists[SERVICE_DIMENSION].leaves)


def privatize_counts(
    table: Table,
    *,
    epsilon: float,
    contributions: int,
    clipped: bool = False,
    multi_valued: Collection[str] = (SERVICE_DIMENSION,),
) -> Perturbed:
    """``table`` with discrete Laplace noise on every inner cell of the public key set, by
    OpenDP, ``epsilon``-differentially private for adding or removing one person whose
    contributions to the inner cells sum to at most ``contributions``.

    The public key set is every combination of leaf codes: a cell missing from ``table`` is
    a zero and gets noise like any other, so which cells are non-zero is not revealed.
    ``contributions`` is the L1 sensitivity: 1 when each person is in exactly one inner cell;
    for the engine's tables `engine_contributions` (the number of services), because a
    person counts once per service used. A dimension named in ``multi_valued`` lets a person
    count in several of its cells: a bound below its number of leaf codes is refused unless
    ``clipped`` says the input was clipped to that many contributions per person (a bound
    below the truth voids the guarantee). Noisy values below zero become zero (post-processing,
    which costs no privacy); margins are the sums of the noisy inner cells.

    OpenDP's noise is drawn from a secure source and cannot be seeded.

    >>> from atlas.core.stats.tables import CodeList
    >>> area = CodeList("area", total="P", parent={"A1": "P", "A2": "P"})
    >>> t = Table("t", (area,), [("P",), ("A1",), ("A2",)], [23, 20, 3])
    >>> out = privatize_counts(t, epsilon=1.0, contributions=1)
    >>> out.parameters["scale"], out.parameters["sensitivity"], out.parameters["epsilon"]
    (1.0, 1, 1.0)
    >>> p = out.table.persons
    >>> p[0] == p[1] + p[2] and min(p) >= 0, out.is_additive
    (True, True)
    >>> privatize_counts(t, epsilon=0, contributions=1)
    Traceback (most recent call last):
    ...
    ValueError: epsilon must be a finite number above 0, not 0
    """
    if table.measure is not Measure.PERSONS:
        raise ValueError(f"table {table.name}: only frequency (persons) tables can be privatized")
    if not (isinstance(epsilon, int | float) and math.isfinite(epsilon) and epsilon > 0):
        raise ValueError(f"epsilon must be a finite number above 0, not {epsilon!r}")
    if isinstance(contributions, bool) or not isinstance(contributions, int) or contributions < 1:
        raise ValueError(
            f"contributions must be a whole number of at least 1, not {contributions!r}"
        )
    structural = math.prod(len(d.leaves) for d in table.dimensions if d.name in multi_valued)
    if contributions < structural and not clipped:
        raise ValueError(
            f"table {table.name}: a person can count in up to {structural} cells of its "
            f"multi-valued dimensions; a bound of {contributions} holds only if the input was "
            "clipped to it (say clipped=True)"
        )
    shape = _leaf_shape(table.dimensions)
    true = np.zeros(shape, dtype=np.int64)
    for position, key in enumerate(itertools.product(*(d.leaves for d in table.dimensions))):
        at = table.index.get(key)
        true.flat[position] = table.persons[at] if at is not None else 0
    if (true < 0).any():
        raise ValueError(f"table {table.name}: a count is negative")
    dp = _opendp()
    measurement, scale = _laplace(dp, true.size, contributions, float(epsilon))
    noisy = np.asarray(measurement([int(v) for v in true.ravel()]), dtype=np.int64)
    inner = np.maximum(noisy, 0).reshape(shape)
    return Perturbed(
        table=_full_table(table.name, table.dimensions, _grid_sums(table.dimensions, inner)),
        mode=Mode.DIFFERENTIAL_PRIVACY,
        parameters={
            "epsilon": float(measurement.map(contributions)),
            "mechanism": "discrete Laplace, OpenDP make_laplace on 64-bit integers",
            "scale": scale,
            "sensitivity": contributions,
            "clipped": clipped,
            "neighbouring": "add or remove one person",
            "noisy_cells": int(true.size),
            "post_processing": "negative cells set to 0; margins are sums of the inner cells",
        },
        is_additive=True,
    )


def _opendp() -> Any:
    try:
        import opendp.prelude as dp
    except ImportError as error:  # the optional extra: pip install 'access-atlas[dp]'
        raise ImportError("differential privacy needs OpenDP: install the dp extra") from error
    # make_laplace needs OpenDP's "contrib" feature: constructors whose proofs have not
    # completed OpenDP's vetting process. Enabling it is process-wide, for this OpenDP import.
    dp.enable_features("contrib")
    return dp


def _laplace(dp: Any, size: int, sensitivity: int, epsilon: float) -> tuple[Any, float]:
    """The measurement and its scale: sensitivity / epsilon, or the smallest scale OpenDP
    accepts for ``epsilon`` when floating-point rounding makes that one spend a little more."""
    space = dp.vector_domain(dp.atom_domain(T="i64"), size=size), dp.l1_distance(T="i64")

    def make(scale: float) -> Any:
        return dp.m.make_laplace(*space, scale=scale)

    scale = sensitivity / epsilon
    if make(scale).map(sensitivity) > epsilon:
        scale = float(dp.binary_search_param(make, d_in=sensitivity, d_out=epsilon))
    return make(scale), scale


# -- the cell-key method -----------------------------------------------------------------


def record_key(person: str, *, secret: bytes, provider: str = "") -> int:
    """A person's record key, uniform on 0 .. 2**KEY_BITS - 1 (divide by 2**KEY_BITS for
    [0, 1)), from their pseudonymous key by HMAC-SHA256 with a secret held by the statistics
    office: the same person always gets the same key, and without the secret nobody can
    compute it. Keys are per provider, like the pseudonymous keys.

    >>> secret = b"kept by the statistics office!!!"
    >>> record_key("p1", secret=secret) == record_key("p1", secret=secret)
    True
    >>> record_key("p1", secret=secret) != record_key("p1", secret=secret, provider="B")
    True
    >>> 0 <= record_key("p1", secret=secret) < 2**KEY_BITS
    True
    """
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the record-key secret must have at least {MIN_SECRET_BYTES} bytes")
    # Length-prefixed, so that no (provider, person) pair can collide with another.
    message = f"{len(provider)}:{provider}{person}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> (64 - KEY_BITS)


@dataclass(frozen=True)
class KeyedCell:
    """An inner cell for the cell-key method: its persons and the sum of their record keys
    (kept modulo 2**KEY_BITS, which is all the cell key needs)."""

    count: int
    key_sum: int

    @classmethod
    def of(cls, record_keys: Iterable[int]) -> "KeyedCell":
        keys = list(record_keys)
        return cls(len(keys), sum(keys) % KEY_MODULUS)

    @property
    def cell_key(self) -> float:
        return (self.key_sum % KEY_MODULUS) / KEY_MODULUS


@dataclass(frozen=True)
class PTable:
    """A perturbation table: for each original value i (the last row serving every larger
    value), the noises d with their probabilities, in increasing order of d.

    A cell of value i and cell key k gets the noise whose interval of cumulative probability
    holds k: the same (value, key) always gives the same noise.
    """

    max_noise: int
    variance: float
    small: int  # no cell is published as 1 .. small (js)
    rows: tuple[tuple[tuple[int, float], ...], ...]

    def row(self, value: int) -> tuple[tuple[int, float], ...]:
        return self.rows[min(value, len(self.rows) - 1)]

    def noise(self, value: int, cell_key: float) -> int:
        return int(self.noises(np.asarray([value]), np.asarray([cell_key]))[0])

    def noises(
        self, values: npt.NDArray[np.int64], cell_keys: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.int64]:
        """`noise` for arrays of values and cell keys."""
        rows = np.minimum(values, len(self.rows) - 1)
        out = np.zeros(len(values), dtype=np.int64)
        for r, row in enumerate(self.rows):
            at = rows == r
            if not at.any():
                continue
            bounds = np.cumsum([p for _d, p in row])
            bounds[-1] = 1.0
            pick = np.searchsorted(bounds, cell_keys[at], side="right")
            out[at] = np.asarray([d for d, _p in row])[np.minimum(pick, len(row) - 1)]
        return out

    def row_variance(self, value: int) -> float:
        return sum(p * d * d for d, p in self.row(value))


def build_ptable(max_noise: int = 2, variance: float = 1.0, small: int = 0) -> PTable:
    """The perturbation table of maximum entropy for maximum noise D (``max_noise``), variance
    V and threshold js (``small``), as in the cell-key method's perturbation tables (Giessing
    2016; the ptable package for R): for each original value i, the distribution of the noise
    d with the largest entropy such that |d| <= D, the mean noise is 0, the variance is V,
    i + d >= 0, and i + d is never 1 .. js. Zero stays zero.

    Near zero these constraints can make V impossible; the row then takes the achievable
    variance closest to V (the distribution a linear programme finds for it), and
    `PTable.row_variance` says what each row has. With D=2 and js=2, for example, the values 1
    and 2 get variance 2 (1 becomes 0 or 3, and so does 2), and 3 gets no noise at all
    (any mean-zero noise would need a value of 1 or 2). Rows list only noises of positive
    probability.

    >>> table = build_ptable(2, 1.0)
    >>> table.rows[0]
    ((0, 1.0),)
    >>> [(d, round(p, 4)) for d, p in table.rows[-1]]
    [(-2, 0.0638), (-1, 0.2447), (0, 0.383), (1, 0.2447), (2, 0.0638)]
    >>> round(table.row_variance(100), 9), table.noise(100, 0.0), table.noise(100, 0.999)
    (1.0, -2, 2)
    """
    if isinstance(max_noise, bool) or not isinstance(max_noise, int) or max_noise < 1:
        raise ValueError(f"the maximum noise must be a whole number of at least 1, not {max_noise}")
    if not (math.isfinite(variance) and variance > 0):
        raise ValueError(f"the variance must be a finite number above 0, not {variance}")
    if isinstance(small, bool) or not isinstance(small, int) or not 0 <= small <= max_noise:
        raise ValueError(f"js must be a whole number from 0 to the maximum noise, not {small}")
    rows = []
    for value in range(small + max_noise + 2):  # the last row has the full range of noise
        support = [
            d
            for d in range(-max_noise, max_noise + 1)
            if value + d >= 0 and not 1 <= value + d <= small
        ]
        probabilities = _max_entropy(support, variance)
        rows.append(tuple((d, p) for d, p in zip(support, probabilities, strict=True) if p > 0))
    return PTable(max_noise, variance, small, tuple(rows))


def _max_entropy(support: list[int], variance: float) -> list[float]:
    """Probabilities over ``support`` with mean 0 and variance as close to ``variance`` as the
    support allows, of maximum entropy: p(d) proportional to exp(a d + b d**2), found by
    minimizing the convex dual log Z(a, b) - b V."""
    d = np.asarray(support, dtype=float)
    if len(d) == 1:
        return [1.0]
    # The variances a mean-zero distribution on the support can have (linear programmes).
    equal = (np.vstack([np.ones_like(d), d]), np.asarray([1.0, 0.0]))
    low = linprog(d * d, A_eq=equal[0], b_eq=equal[1], bounds=(0, 1), method="highs")
    high = linprog(-d * d, A_eq=equal[0], b_eq=equal[1], bounds=(0, 1), method="highs")
    if low.status != 0 or high.status != 0:
        raise ValueError(f"no mean-zero noise exists on {support}")
    if variance <= low.fun + 1e-9:
        return _clean(low.x)
    if variance >= -high.fun - 1e-9:
        return _clean(high.x)
    features = np.vstack([d, d * d])

    def probabilities(theta: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        z = theta @ features
        w = np.exp(z - z.max())
        return np.asarray(w / w.sum())

    def dual(theta: npt.NDArray[np.float64]) -> float:
        z = theta @ features
        return float(z.max() + np.log(np.exp(z - z.max()).sum()) - theta[1] * variance)

    def gradient(theta: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(features @ probabilities(theta) - [0.0, variance])

    def hessian(theta: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        p = probabilities(theta)
        mean = features @ p
        return np.asarray((features * p) @ features.T - np.outer(mean, mean))

    found = minimize(
        dual,
        np.asarray([0.0, -1.0 / (2 * variance)]),
        jac=gradient,
        hess=hessian,
        method="trust-exact",
        options={"gtol": 1e-12},
    )
    theta = found.x
    for _step in range(8):  # Newton steps: the minimizer stops at the precision of the dual
        theta = theta - np.linalg.solve(hessian(theta), gradient(theta))
    p = probabilities(theta)
    if abs(p @ d) > 1e-9 or abs(p @ (d * d) - variance) > 1e-9:
        raise ValueError(f"no maximum-entropy noise found on {support} for variance {variance}")
    return [float(x) for x in p]


def _clean(x: npt.NDArray[np.float64]) -> list[float]:
    p = np.where(x < 1e-12, 0.0, x)
    return [float(v) for v in p / p.sum()]


def perturb_with_cell_keys(
    name: str,
    dimensions: Sequence[CodeList],
    inner: Mapping[tuple[str, ...], KeyedCell | Iterable[int]],
    *,
    ptable: PTable | None = None,
) -> Perturbed:
    """The cell-key method on a frequency table given by its inner cells: for each key (leaf
    codes, in dimension order), the record keys of its persons or their `KeyedCell`.

    Every cell of the full grid, margins included, counts the persons below it and takes as
    its cell key the fractional part of the sum of their record keys, and is perturbed by
    ``ptable`` (`build_ptable` with D=2, V=1, js=0 by default) from its own value and key. A
    margin is therefore not the sum of the perturbed cells below it, but the same set of
    persons gets the same noise in every table. Over a dimension where a person counts in
    several cells (services), a margin counts the person, and adds their key, once per cell,
    as ``aggregate`` counts them.
    """
    ptable = ptable or build_ptable()
    dimensions = tuple(dimensions)
    shape = _leaf_shape(dimensions)
    position = {key: i for i, key in enumerate(itertools.product(*(d.leaves for d in dimensions)))}
    counts = np.zeros(shape, dtype=np.int64)
    sums = np.zeros(shape, dtype=np.int64)
    for key, cell in inner.items():
        if key not in position:
            raise ValueError(f"{key} is not a combination of leaf codes of the dimensions")
        keyed = cell if isinstance(cell, KeyedCell) else KeyedCell.of(cell)
        if keyed.count < 0:
            raise ValueError(f"{key}: a negative count")
        counts.flat[position[key]] = keyed.count
        sums.flat[position[key]] = keyed.key_sum % KEY_MODULUS
    totals = _grid_sums(dimensions, counts).ravel()
    keys = _grid_sums(dimensions, sums, KEY_MODULUS).ravel()
    values = totals + ptable.noises(totals, keys / KEY_MODULUS)
    return Perturbed(
        table=_full_table(name, dimensions, values),
        mode=Mode.CELL_KEY,
        parameters={
            "max_noise": ptable.max_noise,
            "variance": ptable.variance,
            "js": ptable.small,
            "key_bits": KEY_BITS,
            "ptable": "maximum entropy, mean 0",
        },
        is_additive=False,
    )


__all__ = [
    "KEY_BITS",
    "KeyedCell",
    "Mode",
    "PTable",
    "Perturbed",
    "build_ptable",
    "engine_contributions",
    "perturb_with_cell_keys",
    "privatize_counts",
    "record_key",
]
