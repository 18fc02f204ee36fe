"""Secondary suppression by Gaussian elimination.

The method is Gaussian-elimination secondary suppression as implemented in Statistics
Norway's R packages GaussSuppression and SSBtools (whose documentation cites Langsrud 2024,
doi:10.1007/978-3-031-69651-0_6). This module follows the SSBtools documentation and source
of ``GaussSuppression`` and the GaussSuppression package's ``CandidatesDefault`` and
``SingletonDefault``; it is written anew, in Python.

Every cell is a vector over the inner cells (a row of the model matrix, see ``model``).
Cells are taken in order of publication preference; a cell is published unless publishing it
would put the vector of a primary cell in the span of the published vectors, in which case
it is suppressed (secondary). So no primary cell is a linear combination of published cells:
none can be recomputed exactly. Interval protection (how far an attacker can narrow a cell)
is a separate step, ``protect``'s repair loop, checked by ``audit``.

The order is a parameter. ``"persons"`` (the default, as GaussSuppression's default
candidate order) publishes cells with more persons first, ties going to cells made of more
inner cells, so totals are published and small inner cells are the ones suppressed:
suppressing a small cell hides few persons. ``"totals-first"`` publishes cells by hierarchy
level first (the sum of their codes' levels), then by persons. Empty cells (published as
zero) and cells published in earlier releases are forced: published first and never
suppressed.

Arithmetic is exact. The vectors start as 0/1 and stay small integers in practice; the
elimination keeps integers while pivots are +1 or -1 and falls back to Python's ``Fraction``
otherwise, so a rank decision never depends on a floating-point tolerance (modular
arithmetic would be as fast but can, rarely, find a dependence that is not there).

Singletons: a person alone in an inner cell knows that cell. As GaussSuppression's
conservative ``"subSpace"`` method does, the elimination runs a second time in the space
with the singleton inner cells removed (all of them taken as known to the attacker): a
candidate is suppressed too if it would disclose a primary cell there, or if what it adds
is only a combination of singleton cells (one singleton could then learn another).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

import numpy as np
import numpy.typing as npt

from atlas.core.stats.model import Model

Number = int | Fraction
Vector = dict[int, Number]
Order = Literal["persons", "totals-first"]


class ProtectionError(ValueError):
    """A pattern that cannot be made safe, e.g. a primary cell already published elsewhere."""


@dataclass
class _Space:
    """A reduced-row-echelon basis of the published vectors, with the primary vectors kept
    reduced against it."""

    basis: dict[int, Vector] = field(default_factory=dict)  # pivot column -> vector
    where: dict[int, set[int]] = field(default_factory=dict)  # column -> pivots holding it
    prim: list[Vector] = field(default_factory=list)
    pwhere: dict[int, set[int]] = field(default_factory=dict)  # column -> primaries
    by_support: dict[tuple[int, ...], set[int]] = field(default_factory=dict)
    emptied: list[int] = field(default_factory=list)  # primaries now in the span

    def add_primary(self, v: Vector) -> None:
        i = len(self.prim)
        w = self.reduce(v)
        self.prim.append(w)
        if not w:
            self.emptied.append(i)
            return
        for c in w:
            self.pwhere.setdefault(c, set()).add(i)
        self.by_support.setdefault(_support(w), set()).add(i)

    def reduce(self, v: Vector) -> Vector:
        w = dict(v)
        for c in v:
            vec = self.basis.get(c)
            if vec is None or c not in w:
                continue
            _axpy(w, -w[c], vec)
        return w

    def would_disclose(self, w: Vector) -> bool:
        """Whether publishing reduced ``w`` puts a primary vector in the span."""
        ids = self.by_support.get(_support(w))
        if not ids:
            return False
        c0 = next(iter(w))
        for i in ids:
            b = self.prim[i]
            ratio = _div(b[c0], w[c0])
            if all(b[c] == ratio * a for c, a in w.items()):
                return True
        return False

    def add(self, w: Vector) -> None:
        """Publish reduced, non-zero ``w``."""
        p = min(w, key=lambda c: len(self.where.get(c, ())) + len(self.pwhere.get(c, ())))
        lead = w[p]
        if lead != 1:
            w = {c: _div(a, lead) for c, a in w.items()}
        for q in list(self.where.get(p, ())):
            vec = self.basis[q]
            before = set(vec)
            _axpy(vec, -vec[p], w)
            self._rewhere(self.where, q, before, vec)
        for i in list(self.pwhere.get(p, ())):
            b = self.prim[i]
            before = set(b)
            self._drop_support(i, before)
            _axpy(b, -b[p], w)
            self._rewhere(self.pwhere, i, before, b)
            if b:
                self.by_support.setdefault(_support(b), set()).add(i)
            else:
                self.emptied.append(i)
        self.basis[p] = w
        for c in w:
            self.where.setdefault(c, set()).add(p)

    def _drop_support(self, i: int, support: set[int]) -> None:
        key = tuple(sorted(support))
        ids = self.by_support.get(key)
        if ids is not None:
            ids.discard(i)
            if not ids:
                del self.by_support[key]

    @staticmethod
    def _rewhere(index: dict[int, set[int]], i: int, before: set[int], after: Vector) -> None:
        for c in before - after.keys():
            index[c].discard(i)
        for c in after.keys() - before:
            index.setdefault(c, set()).add(i)


def _ones(cols: Iterable[int]) -> Vector:
    return {c: 1 for c in cols}


def _support(w: Vector) -> tuple[int, ...]:
    return tuple(sorted(w))


def _div(a: Number, b: Number) -> Number:
    if isinstance(a, int) and isinstance(b, int) and a % b == 0:
        return a // b
    q = Fraction(a) / b
    return q.numerator if q.denominator == 1 else q


def _axpy(w: Vector, f: Number, v: Vector) -> None:
    """w += f * v, dropping zeros."""
    for c, a in v.items():
        n = w.get(c, 0) + f * a
        if n:
            w[c] = n
        else:
            w.pop(c, None)


@dataclass(frozen=True)
class SecondaryResult:
    secondary: npt.NDArray[np.bool_]  # rows suppressed by this step
    published: npt.NDArray[np.bool_]  # rows left published


def publication_order(model: Model, rows: Iterable[int], order: Order = "persons") -> list[int]:
    """``rows`` sorted by publication preference, most wanted first (by magnitude for
    magnitude tables, as GaussSuppression's ``CandidatesNum``)."""
    y = model.y if model.z_value is None else model.x @ model.z_value
    n_inner = np.diff(model.x.indptr)
    rows = list(rows)
    if order == "persons":
        return sorted(rows, key=lambda r: (-float(y[r]), -int(n_inner[r]), r))
    levels = _level_sums(model)
    return sorted(rows, key=lambda r: (int(levels[r]), -float(y[r]), r))


def _level_sums(model: Model) -> npt.NDArray[np.int64]:
    out = []
    for table in model.tables:
        for key in table.keys:
            out.append(sum(d.level(c) for d, c in zip(table.dimensions, key, strict=True)))
    return np.asarray(out, dtype=np.int64)


def suppress_secondary(
    model: Model,
    primary: npt.NDArray[np.bool_],
    forced: npt.NDArray[np.bool_],
    *,
    order: Order = "persons",
    singleton: npt.NDArray[np.bool_] | None = None,
    candidates: Sequence[int] | None = None,
    released: npt.NDArray[np.bool_] | None = None,
) -> SecondaryResult:
    """Choose secondary suppressions so that no primary row is in the span of published rows.

    ``primary`` and ``forced`` are per row of ``model.x``; ``singleton`` per inner column
    (default: inner cells of exactly one person). ``candidates`` overrides the order.
    ``released`` marks rows published in earlier releases. Forced rows with a value, and
    released rows, are published come what may; other forced zero
    rows are published first, but one that would disclose an unsafe cell (a zero made
    unsafe by the group-attribute rule) is hidden. Raises ProtectionError if the rows
    published in earlier releases alone disclose a primary row.
    """
    x = model.x
    n = x.shape[0]
    if singleton is None:
        singleton = model.z == 1
    supports: list[tuple[int, ...]] = [
        tuple(x.indices[x.indptr[r] : x.indptr[r + 1]].tolist()) for r in range(n)
    ]
    # Cells with the same inner cells (a margin shown in two tables) share one fate.
    groups: dict[tuple[int, ...], list[int]] = {}
    for r, s in enumerate(supports):
        groups.setdefault(s, []).append(r)
    suppressed = np.asarray(primary, dtype=bool).copy()
    for rows in groups.values():
        if len(rows) > 1 and suppressed[rows].any():
            if np.asarray(forced)[rows].any():
                raise ProtectionError(_cell_names(model, rows, "is unsafe but already published"))
            suppressed[rows] = True
    empty_primary = [int(r) for r in np.flatnonzero(primary) if not supports[r]]
    if empty_primary:
        raise ProtectionError(
            _cell_names(model, empty_primary, "is unsafe but has no inner cells in the finest")
            + " table; list its zero combinations there"
        )
    use_proj = bool(np.any(singleton))
    single = set(np.flatnonzero(singleton).tolist())
    full, proj = _Space(), _Space()
    seen: set[tuple[int, ...]] = set()
    for r in map(int, np.flatnonzero(suppressed)):
        if supports[r] in seen:
            continue
        seen.add(supports[r])
        full.add_primary(_ones(supports[r]))
        if use_proj:
            pv: Vector = {c: 1 for c in supports[r] if c not in single}
            if pv:
                proj.add_primary(pv)
    y = model.y
    forced_rows = [int(r) for r in np.flatnonzero(forced) if not suppressed[r]]
    for r in forced_rows:  # earlier releases: out already, never hidden
        if y[r] != 0 or (released is not None and released[r]):
            _publish(full, proj, supports[r], single, use_proj, check=False)
    if full.emptied:
        raise ProtectionError("cells published in an earlier release disclose an unsafe cell")
    secondary = np.zeros(n, dtype=bool)
    for r in forced_rows:  # zeros: published first, hidden only if one would disclose
        if y[r] == 0 and not (released is not None and released[r]):
            secondary[r] = not _publish(full, proj, supports[r], single, use_proj, check=True)
    proj.emptied.clear()  # a singleton always knows cells made only of singletons and zeros
    if candidates is None:
        rest = [r for r in range(n) if not suppressed[r] and not forced[r]]
        candidates = publication_order(model, rest, order)
    decided: dict[tuple[int, ...], bool] = {}
    for r in candidates:
        if suppressed[r] or forced[r]:
            continue
        s = supports[r]
        if s in decided:
            secondary[r] = decided[s]
            continue
        ok = _publish(full, proj, s, single, use_proj, check=True)
        decided[s] = not ok
        secondary[r] = not ok
    hidden = suppressed | secondary
    return SecondaryResult(secondary=hidden & ~np.asarray(primary, dtype=bool), published=~hidden)


def _publish(
    full: _Space,
    proj: _Space,
    support: tuple[int, ...],
    single: set[int],
    use_proj: bool,
    *,
    check: bool,
) -> bool:
    """Publish a cell unless (with ``check``) that would disclose a primary one."""
    w = full.reduce(_ones(support))
    if not w:
        return True
    wp: Vector = {}
    if use_proj:
        wp = proj.reduce(_ones(c for c in support if c not in single))
        if check and not wp:
            return False  # it would add only a combination of singleton cells
    if check and (full.would_disclose(w) or (use_proj and proj.would_disclose(wp))):
        return False
    full.add(w)
    if use_proj and wp:
        proj.add(wp)
    return True


def _cell_names(model: Model, rows: Iterable[int], what: str) -> str:
    names = []
    for r in list(rows)[:3]:
        t, c = model.locate(int(r))
        names.append(f"table {model.tables[t].name} cell {model.tables[t].keys[c]}")
    return "; ".join(names) + f": {what}"
