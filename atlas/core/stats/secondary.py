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

Arithmetic is exact. The vectors start as 0/1 and stay small integers: each new basis
vector is divided by the gcd of its coefficients and pivots on a coefficient of +1 or -1
where it has one, so the elimination stays in integers; Python's ``Fraction`` is the
fallback, so a rank decision never depends on a floating-point tolerance. This Python form
(`_Space`) is the reference; the work is done by the same arithmetic compiled
(`echelon.Spaces`, an echelon basis over arrays; the projected space below modulo a 61-bit
prime), which gives the same patterns (tests compare them) 4 times faster on the 10^4-cell
benchmark table and 32 times on the 10^5-cell one (docs/benchmarks.md), and hands a run
back to `_Space` if a coefficient outgrows 64 bits.

The interval repair runs the elimination again and again with more cells hidden;
`Elimination` keeps its state at about forty points along the candidates (copy on write in
`_Space`, the basis's length in `echelon`, so a saved state costs little) and resumes each
run from the latest one still valid.

Singletons: a person alone in an inner cell knows that cell. As GaussSuppression's
conservative ``"subSpace"`` method does, the elimination runs a second time in the space
with the singleton inner cells removed (all of them taken as known to the attacker): a
candidate is suppressed too if it would disclose a primary cell there, or if what it adds
is only a combination of singleton cells (one singleton could then learn another).
"""

import importlib.util
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from atlas.core.stats.model import Model

Number = int | Fraction
Vector = dict[int, Number]
Order = Literal["persons", "totals-first"]


class ProtectionError(ValueError):
    """A pattern that cannot be made safe, e.g. a primary cell already published elsewhere."""


# A frozen state of a space: its basis, its primary vectors and the emptied primaries. The
# vectors are shared with the live space, which copies a vector before it changes it.
_Frozen = tuple[dict[int, "Vector"], list["Vector"], list[int]]


@dataclass
class _Space:
    """A reduced-row-echelon basis of the published vectors, with the primary vectors kept
    reduced against it.

    ``freeze`` keeps the state for later (`Elimination` resumes from such states) without
    copying the vectors: every vector carries the generation it was made in, and one made
    before the last freeze is copied before it is changed (copy on write)."""

    basis: dict[int, Vector] = field(default_factory=dict)  # pivot column -> vector
    where: dict[int, set[int]] = field(default_factory=dict)  # column -> pivots holding it
    prim: list[Vector] = field(default_factory=list)
    pwhere: dict[int, set[int]] = field(default_factory=dict)  # column -> primaries
    by_support: dict[tuple[int, ...], set[int]] = field(default_factory=dict)
    emptied: list[int] = field(default_factory=list)  # primaries now in the span
    gen: int = 0
    bgen: dict[int, int] = field(default_factory=dict)  # pivot -> generation of its vector
    pgen: list[int] = field(default_factory=list)

    def freeze(self) -> _Frozen:
        self.gen += 1
        return dict(self.basis), list(self.prim), list(self.emptied)

    @classmethod
    def thaw(cls, frozen: _Frozen) -> "_Space":
        basis, prim, emptied = frozen
        space = cls(dict(basis), {}, list(prim), {}, {}, list(emptied), gen=1)
        space.pgen = [0] * len(prim)
        for p, vec in basis.items():
            for c in vec:
                space.where.setdefault(c, set()).add(p)
        for i, b in enumerate(prim):
            if b:
                for c in b:
                    space.pwhere.setdefault(c, set()).add(i)
                space.by_support.setdefault(_support(b), set()).add(i)
        return space

    def add_primary(self, v: Vector) -> None:
        i = len(self.prim)
        w = self.reduce(v)
        self.prim.append(w)
        self.pgen.append(self.gen)
        if not w:
            self.emptied.append(i)
            return
        for c in w:
            self.pwhere.setdefault(c, set()).add(i)
        self.by_support.setdefault(_support(w), set()).add(i)

    def reduce(self, v: Vector) -> Vector:
        return _reduce(self.basis, v)

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
        """Publish reduced, non-zero ``w`` (a vector this space may keep)."""
        # The pivot: a column whose coefficient is 1 or -1 where there is one (the arithmetic
        # then stays in integers), of those the one in the fewest vectors (the least fill).
        units = [c for c, a in w.items() if a == 1 or a == -1]
        if not units and all(isinstance(a, int) for a in w.values()):
            g = math.gcd(*(int(a) for a in w.values()))  # the same span with smaller coefficients
            w = {c: int(a) // g for c, a in w.items()}
            units = [c for c, a in w.items() if a == 1 or a == -1]
        units = units or list(w)
        where, pwhere = self.where, self.pwhere
        empty: set[int] = set()
        p = min(units, key=lambda c: len(where.get(c, empty)) + len(pwhere.get(c, empty)))
        lead = w[p]
        if lead != 1:
            w = {c: _div(a, lead) for c, a in w.items()}
        items = list(w.items())
        gen = self.gen
        for q in list(where.get(p, ())):
            vec = self.basis[q]
            if self.bgen.get(q) != gen:
                vec = self.basis[q] = dict(vec)
                self.bgen[q] = gen
            _axpy_indexed(vec, -vec[p], items, where, q)
        for i in list(pwhere.get(p, ())):
            b = self.prim[i]
            if self.pgen[i] != gen:
                b = self.prim[i] = dict(b)
                self.pgen[i] = gen
            self._drop_support(i, _support(b))
            _axpy_indexed(b, -b[p], items, pwhere, i)
            if b:
                self.by_support.setdefault(_support(b), set()).add(i)
            else:
                self.emptied.append(i)
        self.basis[p] = w
        self.bgen[p] = gen
        for c in w:
            self.where.setdefault(c, set()).add(p)

    def _drop_support(self, i: int, key: tuple[int, ...]) -> None:
        ids = self.by_support.get(key)
        if ids is not None:
            ids.discard(i)
            if not ids:
                del self.by_support[key]


def _reduce(basis: dict[int, Vector], v: Vector) -> Vector:
    """``v`` reduced against a reduced-row-echelon ``basis``: zero iff ``v`` is in its span."""
    w = dict(v)
    for c in v:
        vec = basis.get(c)
        if vec is None or c not in w:
            continue
        _axpy(w, -w[c], vec)
    return w


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


def _axpy_indexed(
    w: Vector, f: Number, v: list[tuple[int, Number]], index: dict[int, set[int]], key: int
) -> None:
    """w += f * v (``v``'s items), dropping zeros, with ``index`` (column -> the keys of the
    vectors holding it) kept for ``w``, whose key is ``key``."""
    get = w.get
    for c, a in v:
        old = get(c, 0)
        n = old + f * a
        if n:
            w[c] = n
            if not old:
                held = index.get(c)
                if held is None:
                    index[c] = {key}
                else:
                    held.add(key)
        elif old:
            del w[c]
            index[c].discard(key)


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
    elimination = Elimination(
        model, forced, order=order, singleton=singleton, candidates=candidates, released=released
    )
    return elimination.run(primary)


@dataclass
class _Snapshot:
    """The elimination's state before candidate ``position``, with the rows it took as
    primary."""

    position: int
    rows: frozenset[int]
    supports: frozenset[tuple[int, ...]]
    state: Any  # the spaces' saved state (`_PythonSpaces.save`, `_CompiledSpaces.save`)
    secondary: npt.NDArray[np.bool_]
    decided: dict[tuple[int, ...], bool]


class Elimination:
    """`suppress_secondary` that can run again with more primary rows, resuming where it can.

    Interval repair hides more cells and runs the elimination again with every hidden cell
    as primary. Most of the work is in the first candidates (the large cells, whose vectors
    fill the basis), while the cells the repair hides are late in the order. So the state is
    kept at about ``snapshots`` positions along the candidates, and a new run resumes from the
    latest state that is still valid for it: one taken with a subset of its primary rows, in
    which none of the new primary rows is in the span of what had been published (then every
    decision before it stands: publishing those cells disclosed none of the new rows either,
    and what was hidden stays hidden). From there the run goes on as from the start. A
    resumed run keeps the guarantee (no primary row in the span of the published rows); it
    may differ from a fresh run only in the singletons' projected space, where a new primary
    whose projection is already spanned is left to the audit.
    """

    def __init__(
        self,
        model: Model,
        forced: npt.NDArray[np.bool_],
        *,
        order: Order = "persons",
        singleton: npt.NDArray[np.bool_] | None = None,
        candidates: Sequence[int] | None = None,
        released: npt.NDArray[np.bool_] | None = None,
        snapshots: int = 40,
        compiled: bool | None = None,
    ) -> None:
        x = model.x
        self.model = model
        self.n = x.shape[0]
        self.forced = np.asarray(forced, dtype=bool)
        self.released = (
            np.zeros(self.n, dtype=bool) if released is None else np.asarray(released, bool)
        )
        if singleton is None:
            singleton = model.z == 1
        self.singleton = np.asarray(singleton, dtype=bool)
        self.supports: list[tuple[int, ...]] = [
            tuple(x.indices[x.indptr[r] : x.indptr[r + 1]].tolist()) for r in range(self.n)
        ]
        # Cells with the same inner cells (a margin shown in two tables) share one fate.
        groups: dict[tuple[int, ...], list[int]] = {}
        for r, s in enumerate(self.supports):
            groups.setdefault(s, []).append(r)
        self.shared = [rows for rows in groups.values() if len(rows) > 1]
        if candidates is None:
            candidates = publication_order(model, np.flatnonzero(~self.forced).tolist(), order)
        self.candidates = [int(r) for r in candidates]
        self.every = max(1, len(self.candidates) // max(1, snapshots))
        self.saved: list[_Snapshot] = []
        self.resumed_at: int | None = None  # the position the last run resumed from
        if compiled is None:  # numba missing: the exact Python spaces work, more slowly
            compiled = importlib.util.find_spec("numba") is not None
        self.spaces: _PythonSpaces | _CompiledSpaces = (
            _CompiledSpaces(model, self.singleton)
            if compiled
            else _PythonSpaces(self.supports, self.singleton)
        )

    def run(self, primary: npt.NDArray[np.bool_]) -> SecondaryResult:
        if isinstance(self.spaces, _CompiledSpaces):
            from atlas.core.stats.echelon import Overflow

            try:
                return self._run(primary)
            except Overflow:  # a coefficient outgrew 64 bits: exact Python from here
                self.spaces = _PythonSpaces(self.supports, self.singleton)
                self.saved.clear()
        return self._run(primary)

    def _run(self, primary: npt.NDArray[np.bool_]) -> SecondaryResult:
        primary = np.asarray(primary, dtype=bool)
        suppressed = primary.copy()
        for same in self.shared:
            if suppressed[same].any():
                if self.forced[same].any():
                    raise ProtectionError(
                        _cell_names(self.model, same, "is unsafe but already published")
                    )
                suppressed[same] = True
        supports = self.supports
        empty_primary = [int(r) for r in np.flatnonzero(primary) if not supports[r]]
        if empty_primary:
            raise ProtectionError(
                _cell_names(self.model, empty_primary, "is unsafe but has no inner cells in")
                + " the finest table; list its zero combinations there"
            )
        rows = frozenset(np.flatnonzero(suppressed).tolist())
        start = self._resume(rows)
        if start is None:
            secondary = self._begin(rows)
            decided: dict[tuple[int, ...], bool] = {}
            position = 0
            self.saved.clear()
            self.resumed_at = None
        else:
            secondary, decided, position = start
            self.resumed_at = position
            self.saved = [s for s in self.saved if s.position <= position]
        seen = {supports[r] for r in rows}
        forced, spaces = self.forced, self.spaces
        for i in range(position, len(self.candidates)):
            if i % self.every == 0 and (not self.saved or self.saved[-1].position < i):
                self.saved.append(
                    _Snapshot(
                        i, rows, frozenset(seen), spaces.save(), secondary.copy(), dict(decided)
                    )
                )
            r = self.candidates[i]
            if suppressed[r] or forced[r]:
                continue
            s = supports[r]
            if s in decided:
                secondary[r] = decided[s]
                continue
            ok = spaces.publish(r, check=True)
            decided[s] = not ok
            secondary[r] = not ok
        hidden = suppressed | secondary
        return SecondaryResult(secondary=hidden & ~primary, published=~hidden)

    def _primaries(self, rows: Iterable[int]) -> list[int]:
        """One row of each support among ``rows``, the first of each."""
        seen: set[tuple[int, ...]] = set()
        out = []
        for r in sorted(rows):
            if self.supports[r] not in seen:
                seen.add(self.supports[r])
                out.append(r)
        return out

    def _begin(self, rows: frozenset[int]) -> npt.NDArray[np.bool_]:
        """A fresh state: the primary rows, then the forced ones published."""
        spaces = self.spaces
        spaces.begin()
        for r in self._primaries(rows):
            spaces.add_primary(r)
        y = self.model.y
        forced_rows = [int(r) for r in np.flatnonzero(self.forced) if r not in rows]
        for r in forced_rows:  # earlier releases: out already, never hidden
            if y[r] != 0 or self.released[r]:
                spaces.publish(r, check=False)
        if spaces.full_emptied():
            raise ProtectionError("cells published in an earlier release disclose an unsafe cell")
        secondary = np.zeros(self.n, dtype=bool)
        for r in forced_rows:  # zeros: published first, hidden only if one would disclose
            if y[r] == 0 and not self.released[r]:
                secondary[r] = not spaces.publish(r, check=True)
        spaces.clear_proj_emptied()  # a singleton always knows cells of singletons and zeros
        return secondary

    def _resume(
        self, rows: frozenset[int]
    ) -> tuple[npt.NDArray[np.bool_], dict[tuple[int, ...], bool], int] | None:
        """The latest saved state valid for primary ``rows``, restored, with the new primary
        rows added; None if there is none."""
        for snap in reversed(self.saved):
            if not snap.rows <= rows:
                continue
            new = [
                r
                for r in self._primaries(rows - snap.rows)
                if self.supports[r] not in snap.supports
            ]
            if any(self.spaces.spanned_at(snap.state, r) for r in new):
                continue  # a new primary is already in the span there
            self.spaces.restore(snap.state, self._primaries(rows), new)
            self.spaces.clear_proj_emptied()  # spanned there already: left to the audit
            return snap.secondary.copy(), dict(snap.decided), snap.position
        return None


class _PythonSpaces:
    """The full space and the one without the singletons' columns, as `_Space`s: exact in
    Python's integers and fractions. The reference, and the fallback where the compiled
    spaces' 64-bit integers would not do."""

    def __init__(self, supports: list[tuple[int, ...]], singleton: npt.NDArray[np.bool_]):
        self.supports = supports
        self.single = set(np.flatnonzero(singleton).tolist())
        self.use_proj = bool(self.single)
        self.full, self.proj = _Space(), _Space()

    def begin(self) -> None:
        self.full, self.proj = _Space(), _Space()

    def add_primary(self, r: int) -> None:
        self.full.add_primary(_ones(self.supports[r]))
        if self.use_proj:
            pv: Vector = {c: 1 for c in self.supports[r] if c not in self.single}
            if pv:
                self.proj.add_primary(pv)

    def publish(self, r: int, *, check: bool) -> bool:
        return _publish(
            self.full, self.proj, self.supports[r], self.single, self.use_proj, check=check
        )

    def full_emptied(self) -> bool:
        return bool(self.full.emptied)

    def clear_proj_emptied(self) -> None:
        self.proj.emptied.clear()

    def save(self) -> tuple[_Frozen, _Frozen]:
        return self.full.freeze(), self.proj.freeze()

    def spanned_at(self, state: tuple[_Frozen, _Frozen], r: int) -> bool:
        return not _reduce(state[0][0], _ones(self.supports[r]))

    def restore(self, state: tuple[_Frozen, _Frozen], rows: list[int], new: list[int]) -> None:
        """The saved state, with the primary rows ``new`` added (the others are in it)."""
        self.full, self.proj = _Space.thaw(state[0]), _Space.thaw(state[1])
        for r in new:
            self.add_primary(r)


class _CompiledSpaces:
    """The same two spaces, compiled (`echelon.Spaces`); a saved state is the number of
    vectors in each basis then. (numba is imported here, when a table is protected, not
    with the platform.)"""

    def __init__(self, model: Model, singleton: npt.NDArray[np.bool_]):
        from atlas.core.stats import echelon

        x = model.x.copy()
        x.sum_duplicates()  # each row's columns once each, in ascending order
        self.ptr = x.indptr.astype(np.int64)
        idx = np.ascontiguousarray(x.indices, dtype=np.int32)
        self.spaces = echelon.Spaces(x.shape[1], idx, singleton.astype(np.uint8))

    def begin(self) -> None:
        self.spaces.reset()

    def add_primary(self, r: int) -> None:
        self.spaces.add_primary(int(self.ptr[r]), int(self.ptr[r + 1]))

    def publish(self, r: int, *, check: bool) -> bool:
        return self.spaces.publish(int(self.ptr[r]), int(self.ptr[r + 1]), check)

    def full_emptied(self) -> bool:
        return self.spaces.full_emptied > 0

    def clear_proj_emptied(self) -> None:
        self.spaces.clear_proj_emptied()

    def save(self) -> tuple[int, int]:
        return self.spaces.sizes()

    def spanned_at(self, state: tuple[int, int], r: int) -> bool:
        return self.spaces.spanned(int(self.ptr[r]), int(self.ptr[r + 1]), state[0])

    def restore(self, state: tuple[int, int], rows: list[int], new: list[int]) -> None:
        """The saved bases, with every primary row of ``rows`` reduced against them again."""
        self.spaces.reset(*state)
        for r in rows:
            self.add_primary(r)


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
