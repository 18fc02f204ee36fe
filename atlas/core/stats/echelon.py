"""The elimination's vector spaces in compiled code (numba).

`secondary.Elimination` asks two questions of a space over the inner cells, candidate after
candidate: is this cell's vector in the span of the published ones, and would publishing it
put a primary cell's vector in that span. `secondary._Space` answers them with Python
dictionaries, exactly; on the 126,224-cell benchmark table that took more than five minutes,
nearly all of it dictionary arithmetic. `Spaces` answers the same questions over arrays,
compiled by numba (on that table: 13 s).

The basis is kept in echelon form and never changed once a vector is in it: each new vector
is reduced against every earlier one (through a heap of the pivots it meets, in the order
they came) before it joins. Its residual is then zero at every pivot column, so it is the
same, up to a factor, whatever the order of the basis; and a saved state is nothing more
than the number of vectors then in the basis (`Elimination` resumes from such states). The
primary vectors are kept reduced, as in `_Space`, with for each column the list of the
primaries that hold it.

Two kinds of arithmetic:

- **The full space, in integers, exactly.** A vector is reduced by ``c * w - a * b`` (``c``
  the pivot's coefficient) rather than divided, every vector kept is divided by the gcd of
  its coefficients, and pivots are taken on a coefficient of 1 or -1 where there is one, so
  the numbers stay small (at most 12 on the benchmark table). A product that could leave 64
  bits raises `Overflow`, and `Elimination` gives the run to the exact Python spaces. This is
  the space whose "already in the span" publishes a cell unchecked, so it is never
  approximate.
- **The projected space (singletons' columns removed), modulo the prime 2^61 - 1.** Without
  the singletons' columns, residuals have large coprime coefficients (past 2^30 on the
  benchmark table): rationals with large denominators, which `_Space` carries as
  ``Fraction``. Modulo a prime they stay one word each. The arithmetic is a homomorphism of
  the exact one, so a vector in the span over the rationals is in it modulo the prime; the
  converse can fail only if the prime divides a determinant of the matrix (a chance of the
  order of one in 2^61 per decision), and its effect there is a cell hidden that need not
  be, or (rarer still) a singleton's view the audit then checks: the audit, exact and
  fail-closed, stands behind every pattern either way. Tests compare both kinds with the
  Python spaces, cell for cell.
"""

from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

SAFE = float(1 << 61)  # a sum of two such numbers is still exact in 64 bits
PRIME = (1 << 61) - 1  # the modular space's field
PUBLISHED, HIDDEN, NEED_ROOM, OVERFLOW = 1, 0, -1, -2

# meta: the space's counters
K, N_PRIM, P_USED, NODE_USED, EMPTIED, STAMP = 0, 1, 2, 3, 4, 5
NEED_B, NEED_P, NEED_NODES, NEED_K, NEED_PRIMS = 6, 7, 8, 9, 10
MODULAR = 11  # 1: arithmetic modulo PRIME

Ints = npt.NDArray[np.int64]


class Overflow(ArithmeticError):
    """A coefficient of the integer space could leave 64 bits: the exact Python spaces must
    take over."""


class _State(NamedTuple):
    meta: Ints  # the counters above
    rank: npt.NDArray[np.int32]  # column -> its basis vector's position, or -1
    head: Ints  # column -> first node of the list of primaries holding it, or -1
    held: Ints  # column -> nodes in that list (stale ones included until unlinked)
    acc: Ints  # a dense accumulator, zero between calls
    mark: npt.NDArray[np.uint8]  # columns touched in the accumulator
    queued: npt.NDArray[np.uint8]  # pivot columns in the heap
    touched: npt.NDArray[np.int32]  # those columns (in `_add`: the columns new to a primary)
    heap: npt.NDArray[np.int32]  # basis positions, smallest first
    wcol: npt.NDArray[np.int32]  # the last residual (columns ascending) ...
    wval: Ints  # ... and its coefficients
    tcol: npt.NDArray[np.int32]  # room for a merge
    tval: Ints
    bptr: Ints  # basis vector k is bcol/bval[bptr[k]:bptr[k + 1]]
    bpiv: npt.NDArray[np.int32]  # its pivot column
    bpc: Ints  # its pivot coefficient
    bmax: Ints  # its largest coefficient, in absolute value
    bcol: npt.NDArray[np.int32]
    bval: Ints
    pst: Ints  # primary i: start, length and room in pcol/pval
    pln: Ints
    pcp: Ints
    pstamp: Ints
    plist: npt.NDArray[np.int32]  # room for a list of primaries
    pcol: npt.NDArray[np.int32]
    pval: Ints
    nprim: npt.NDArray[np.int32]  # node: the primary ...
    nnext: Ints  # ... and the next node in its column's list


def _state(n: int, k: int = 64, b: int = 1 << 12, p: int = 64, a: int = 1 << 12) -> _State:
    i32, i64 = np.int32, np.int64
    return _State(
        meta=np.zeros(16, i64),
        rank=np.full(n, -1, i32),
        head=np.full(n, -1, i64),
        held=np.zeros(n, i64),
        acc=np.zeros(n, i64),
        mark=np.zeros(n, np.uint8),
        queued=np.zeros(n, np.uint8),
        touched=np.zeros(n, i32),
        heap=np.zeros(n, i32),
        wcol=np.zeros(n, i32),
        wval=np.zeros(n, i64),
        tcol=np.zeros(n, i32),
        tval=np.zeros(n, i64),
        bptr=np.zeros(k + 1, i64),
        bpiv=np.zeros(k, i32),
        bpc=np.zeros(k, i64),
        bmax=np.zeros(k, i64),
        bcol=np.zeros(b, i32),
        bval=np.zeros(b, i64),
        pst=np.zeros(p, i64),
        pln=np.zeros(p, i64),
        pcp=np.zeros(p, i64),
        pstamp=np.zeros(p, i64),
        plist=np.zeros(p, i32),
        pcol=np.zeros(a, i32),
        pval=np.zeros(a, i64),
        nprim=np.zeros(a, i32),
        nnext=np.zeros(a, i64),
    )


@njit(cache=True)
def _gcd(a: int, b: int) -> int:
    a, b = abs(a), abs(b)
    while b:
        a, b = b, a % b
    return a


@njit(cache=True)
def _mulmod(a: int, b: int) -> int:
    """a * b modulo 2^61 - 1, for 0 <= a, b < 2^61 - 1, in 64-bit integers."""
    a_hi, a_lo = a >> 31, a & 0x7FFFFFFF
    b_hi, b_lo = b >> 31, b & 0x7FFFFFFF
    mid = a_hi * b_lo + a_lo * b_hi  # < 2^62; times 2^31 is mid_hi * 2^61 + mid_lo * 2^31
    r = 2 * (a_hi * b_hi) + (mid >> 30) + ((mid & 0x3FFFFFFF) << 31) + a_lo * b_lo
    r = (r & PRIME) + (r >> 61)
    r = (r & PRIME) + (r >> 61)
    return r - PRIME if r >= PRIME else r


@njit(cache=True)
def _inverse(a: int) -> int:
    """1 / a modulo 2^61 - 1 (a^(p - 2))."""
    out, e = 1, PRIME - 2
    while e:
        if e & 1:
            out = _mulmod(out, a)
        a = _mulmod(a, a)
        e >>= 1
    return out


@njit(cache=True)
def _push(heap, size, k):  # type: ignore[no-untyped-def]
    i = size
    heap[i] = k
    while i > 0:
        up = (i - 1) >> 1
        if heap[up] <= heap[i]:
            break
        heap[up], heap[i] = heap[i], heap[up]
        i = up
    return size + 1


@njit(cache=True)
def _pop(heap, size):  # type: ignore[no-untyped-def]
    top = heap[0]
    size -= 1
    heap[0] = heap[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and heap[left + 1] < heap[left]:
            child = left + 1
        if heap[i] <= heap[child]:
            break
        heap[i], heap[child] = heap[child], heap[i]
        i = child
    return top, size


@njit(cache=True)
def _reduce(s, idx, lo, hi, skip, use_skip, klim):  # type: ignore[no-untyped-def]
    """The 0/1 vector of columns ``idx[lo:hi]`` (less the ``skip`` ones) reduced against the
    first ``klim`` basis vectors, into ``wcol``/``wval``: its length, or -2 on overflow."""
    acc, mark, touched, rank = s.acc, s.mark, s.touched, s.rank
    queued, heap, bpiv, bpc, bptr, bcol, bval = (
        s.queued,
        s.heap,
        s.bpiv,
        s.bpc,
        s.bptr,
        s.bcol,
        s.bval,
    )
    bmax = s.bmax
    modular = s.meta[MODULAR] == 1
    nt = 0
    nh = 0
    for j in range(lo, hi):
        c = idx[j]
        if use_skip and skip[c]:
            continue
        acc[c] = 1
        mark[c] = 1
        touched[nt] = c
        nt += 1
        r = rank[c]
        if r >= 0 and r < klim:
            queued[c] = 1
            nh = _push(heap, nh, r)
    overflow = False
    while nh > 0:
        k, nh = _pop(heap, nh)
        p = bpiv[k]
        queued[p] = 0
        a = acc[p]
        if a == 0:
            continue
        if modular:  # the basis vector's pivot coefficient is 1: acc -= a * b
            f = PRIME - a
        else:
            c = bpc[k]
            if c == 1 or c == -1:
                f = -a * c
            else:  # fraction-free: acc = (c / g) * acc - (a / g) * b
                g = _gcd(a, c)
                f = -(a // g)
                scale = c // g
                big = 0
                for t in range(nt):
                    big = max(big, abs(acc[touched[t]]))
                if float(abs(scale)) * big > SAFE:
                    overflow = True
                    break
                for t in range(nt):
                    acc[touched[t]] *= scale
            if float(abs(f)) * bmax[k] > SAFE:
                overflow = True
                break
        for j in range(bptr[k], bptr[k + 1]):
            col = bcol[j]
            if not mark[col]:
                mark[col] = 1
                touched[nt] = col
                nt += 1
            if modular:
                v = acc[col] + _mulmod(f, bval[j])
                if v >= PRIME:
                    v -= PRIME
            else:
                v = acc[col] + f * bval[j]
                if v > SAFE or v < -SAFE:
                    overflow = True
            acc[col] = v
            r = rank[col]
            if v != 0 and r > k and r < klim and not queued[col]:
                queued[col] = 1
                nh = _push(heap, nh, r)
        if overflow:
            break
    while nh > 0:  # left behind by an overflow
        k, nh = _pop(heap, nh)
        queued[bpiv[k]] = 0
    m = 0
    wcol, wval = s.wcol, s.wval
    for t in range(nt):
        col = touched[t]
        if acc[col] != 0:
            wcol[m] = col
            m += 1
    wcol[:m].sort()
    for i in range(m):
        wval[i] = acc[wcol[i]]
    _normalize(wval, m, modular)
    for t in range(nt):
        acc[touched[t]] = 0
        mark[touched[t]] = 0
    if overflow:
        return -2
    return m


@njit(cache=True)
def _normalize(val, m, modular):  # type: ignore[no-untyped-def]
    """Divide ``val[:m]`` by the gcd of its coefficients, or modulo PRIME by its first: two
    vectors are then multiples of each other only if equal (or, in integers, opposite)."""
    if m == 0:
        return
    if modular:
        inv = _inverse(val[0])
        for i in range(m):
            val[i] = _mulmod(val[i], inv)
        return
    g = 0
    for i in range(m):
        g = _gcd(g, val[i])
    for i in range(m):
        val[i] //= g


@njit(cache=True)
def _find(cols, lo, hi, c):  # type: ignore[no-untyped-def]
    """The position of ``c`` in ascending ``cols[lo:hi]``, or -1."""
    end = hi
    while lo < hi:
        mid = (lo + hi) >> 1
        if cols[mid] < c:
            lo = mid + 1
        else:
            hi = mid
    if lo < end and cols[lo] == c:
        return lo
    return -1


@njit(cache=True)
def _holders(s, c):  # type: ignore[no-untyped-def]
    """The primaries whose vector holds column ``c``, into ``plist``; stale and repeated nodes
    of the column's list are unlinked on the way. Returns how many."""
    meta = s.meta
    meta[STAMP] += 1
    stamp = meta[STAMP]
    node, prev, n = s.head[c], -1, 0
    while node >= 0:
        i = s.nprim[node]
        nxt = s.nnext[node]
        st = s.pst[i]
        ok = s.pstamp[i] != stamp and _find(s.pcol, st, st + s.pln[i], c) >= 0
        if ok:
            s.pstamp[i] = stamp
            s.plist[n] = i
            n += 1
            prev = node
        else:
            if prev < 0:
                s.head[c] = nxt
            else:
                s.nnext[prev] = nxt
            s.held[c] -= 1
        node = nxt
    return n


@njit(cache=True)
def _discloses(s, m):  # type: ignore[no-untyped-def]
    """Whether publishing the residual in ``wcol``/``wval[:m]`` puts a primary in the span:
    whether a reduced primary is a multiple of it."""
    wcol, wval = s.wcol, s.wval
    best = 0
    for i in range(1, m):
        if s.held[wcol[i]] < s.held[wcol[best]]:
            best = i
    n = _holders(s, wcol[best])
    for t in range(n):
        i = s.plist[t]
        if s.pln[i] != m:
            continue
        st = s.pst[i]
        sign = 1 if s.pval[st] == wval[0] else -1  # both divided by their gcd: b = w or -w
        same = True
        for j in range(m):
            if s.pcol[st + j] != wcol[j] or s.pval[st + j] != sign * wval[j]:
                same = False
                break
        if same:
            return True
    return False


@njit(cache=True)
def _pivot(s, m):  # type: ignore[no-untyped-def]
    """The residual's pivot: the column in the fewest primaries (the least fill), of those
    with a coefficient of 1 or -1 where there is one (in integers: no growth)."""
    modular = s.meta[MODULAR] == 1
    best = -1
    best_unit = False
    for i in range(m):
        unit = modular or s.wval[i] == 1 or s.wval[i] == -1
        if (
            best < 0
            or (unit and not best_unit)
            or (unit == best_unit and s.held[s.wcol[i]] < s.held[s.wcol[best]])
        ):
            best, best_unit = i, unit
    return best


@njit(cache=True)
def _short(s, b, k, p, nodes, prims):  # type: ignore[no-untyped-def]
    """Whether the arrays lack room for ``b`` more basis coefficients, ``k`` basis vectors,
    ``p`` primary coefficients, ``nodes`` column-list nodes or ``prims`` primaries; what
    each array then needs goes in ``meta``."""
    meta = s.meta
    meta[NEED_B] = s.bptr[meta[K]] + b if s.bptr[meta[K]] + b > len(s.bcol) else 0
    meta[NEED_K] = meta[K] + k if meta[K] + k > len(s.bpiv) else 0
    meta[NEED_P] = meta[P_USED] + p if meta[P_USED] + p > len(s.pcol) else 0
    meta[NEED_NODES] = meta[NODE_USED] + nodes if meta[NODE_USED] + nodes > len(s.nprim) else 0
    meta[NEED_PRIMS] = meta[N_PRIM] + prims if meta[N_PRIM] + prims > len(s.pst) else 0
    return (
        meta[NEED_B] > 0
        or meta[NEED_K] > 0
        or meta[NEED_P] > 0
        or meta[NEED_NODES] > 0
        or meta[NEED_PRIMS] > 0
    )


@njit(cache=True)
def _room(s, m, pi):  # type: ignore[no-untyped-def]
    """Whether adding the residual (pivot at ``wcol[pi]``) fits; if not, what it needs is
    in ``meta``. Leaves the primaries to update in ``plist``; returns how many, or -1."""
    n = _holders(s, s.wcol[pi])
    need_p = 0
    for t in range(n):
        ln = s.pln[s.plist[t]] + m
        need_p += ln + ln // 4 + 4
    return -1 if _short(s, m, 1, need_p, n * m, 0) else n


@njit(cache=True)
def _link(s, c, i):  # type: ignore[no-untyped-def]
    node = s.meta[NODE_USED]
    s.meta[NODE_USED] = node + 1
    s.nprim[node] = i
    s.nnext[node] = s.head[c]
    s.head[c] = node
    s.held[c] += 1


@njit(cache=True)
def _add(s, m, pi, n):  # type: ignore[no-untyped-def]
    """Add the residual to the basis with its pivot at ``wcol[pi]`` and reduce the ``n``
    primaries in ``plist`` by it. False on overflow."""
    meta, wcol, wval = s.meta, s.wcol, s.wval
    modular = meta[MODULAR] == 1
    k = meta[K]
    p = wcol[pi]
    cp = wval[pi]
    start = s.bptr[k]
    scale = 1
    if modular:  # kept with 1 at its pivot
        scale = _inverse(cp)
        cp = 1
    wmax = 0
    for j in range(m):
        s.bcol[start + j] = wcol[j]
        s.bval[start + j] = _mulmod(wval[j], scale) if modular else wval[j]
        wmax = max(wmax, abs(wval[j]))
    s.bmax[k] = wmax
    s.bptr[k + 1] = start + m
    s.bpiv[k] = p
    s.bpc[k] = cp
    s.rank[p] = k
    meta[K] = k + 1
    bval = s.bval[start : start + m]
    tcol, tval = s.tcol, s.tval
    for t in range(n):
        i = s.plist[t]
        st, ln = s.pst[i], s.pln[i]
        bp = s.pval[_find(s.pcol, st, st + ln, p)]
        if modular:  # b = b - bp * w
            mine, theirs = 1, PRIME - bp
        else:  # b = mine * b + theirs * w, fraction-free
            g = _gcd(bp, cp)
            mine, theirs = cp // g, -(bp // g)
            big = 0
            for j in range(st, st + ln):
                big = max(big, abs(s.pval[j]))
            if float(abs(mine)) * big > SAFE or float(abs(theirs)) * wmax > SAFE:
                return False
        x, y, out, fresh = 0, 0, 0, 0
        while x < ln or y < m:
            if y >= m or (x < ln and s.pcol[st + x] < wcol[y]):
                col, v = s.pcol[st + x], mine * s.pval[st + x]
                x += 1
            else:
                col = wcol[y]
                v = _mulmod(theirs, bval[y]) if modular else theirs * bval[y]
                if x < ln and s.pcol[st + x] == col:
                    v += mine * s.pval[st + x]
                    x += 1
                elif v != 0:  # a column new to the primary: it joins the column's list
                    s.touched[fresh] = col
                    fresh += 1
                y += 1
                if modular and v >= PRIME:
                    v -= PRIME
            if v != 0:
                tcol[out] = col
                tval[out] = v
                out += 1
        _normalize(tval, out, modular)
        if out > s.pcp[i]:  # moved to the end, with room to grow
            st = meta[P_USED]
            s.pst[i] = st
            s.pcp[i] = out + out // 4 + 4
            meta[P_USED] = st + s.pcp[i]
        for j in range(out):
            s.pcol[st + j] = tcol[j]
            s.pval[st + j] = tval[j]
        s.pln[i] = out
        if out == 0:
            meta[EMPTIED] += 1
        for j in range(fresh):
            _link(s, s.touched[j], i)
    return True


@njit(cache=True)
def publish(full, proj, idx, lo, hi, single, use_proj, check):  # type: ignore[no-untyped-def]
    """Publish the cell of columns ``idx[lo:hi]`` unless (with ``check``) that would disclose
    a primary one, as `secondary._publish`: PUBLISHED, HIDDEN, NEED_ROOM (nothing changed;
    grow the arrays ``meta`` names and call again) or OVERFLOW."""
    m = _reduce(full, idx, lo, hi, single, False, full.meta[K])
    if m < 0:
        return OVERFLOW
    if m == 0:
        return PUBLISHED
    mp = 0
    if use_proj:
        mp = _reduce(proj, idx, lo, hi, single, True, proj.meta[K])
        if mp < 0:
            return OVERFLOW
        if check and mp == 0:
            return HIDDEN
    if check and (_discloses(full, m) or (use_proj and _discloses(proj, mp))):
        return HIDDEN
    pf = _pivot(full, m)
    nf = _room(full, m, pf)
    np_ = 0
    pp = 0
    if use_proj and mp:
        pp = _pivot(proj, mp)
        np_ = _room(proj, mp, pp)
    if nf < 0 or np_ < 0:
        return NEED_ROOM
    if not _add(full, m, pf, nf):
        return OVERFLOW
    if use_proj and mp and not _add(proj, mp, pp, np_):
        return OVERFLOW
    return PUBLISHED


@njit(cache=True)
def add_primary(s, idx, lo, hi, skip, use_skip):  # type: ignore[no-untyped-def]
    """Keep the cell of columns ``idx[lo:hi]`` (less the ``skip`` ones) as primary, reduced:
    PUBLISHED (kept; counted in ``meta[EMPTIED]`` if already in the span), NEED_ROOM or
    OVERFLOW."""
    meta = s.meta
    m = _reduce(s, idx, lo, hi, skip, use_skip, meta[K])
    if m < 0:
        return OVERFLOW
    cap = m + m // 4 + 4
    if _short(s, 0, 0, cap, m, 1):
        return NEED_ROOM
    i = meta[N_PRIM]
    meta[N_PRIM] = i + 1
    st = meta[P_USED]
    meta[P_USED] = st + cap
    s.pst[i], s.pln[i], s.pcp[i], s.pstamp[i] = st, m, cap, 0
    for j in range(m):
        s.pcol[st + j] = s.wcol[j]
        s.pval[st + j] = s.wval[j]
        _link(s, s.wcol[j], i)
    if m == 0:
        meta[EMPTIED] += 1
    return PUBLISHED


@njit(cache=True)
def spanned(s, idx, lo, hi, klim):  # type: ignore[no-untyped-def]
    """Whether the cell of columns ``idx[lo:hi]`` is in the span of the first ``klim`` basis
    vectors (-2 on overflow, as a true value: the caller then falls back)."""
    m = _reduce(s, idx, lo, hi, s.mark, False, klim)
    return m <= 0


@njit(cache=True)
def truncate(s, k):  # type: ignore[no-untyped-def]
    """Keep the first ``k`` basis vectors and no primary."""
    for j in range(k, s.meta[K]):
        s.rank[s.bpiv[j]] = -1
    s.meta[K] = k
    s.meta[N_PRIM] = 0
    s.meta[P_USED] = 0
    s.meta[NODE_USED] = 0
    s.meta[EMPTIED] = 0
    s.head[:] = -1
    s.held[:] = 0


@njit(cache=True)
def _compact(s, pcol, pval):  # type: ignore[no-untyped-def]
    """The primaries copied tightly into ``pcol``/``pval``, their column lists rebuilt (no
    stale nodes)."""
    st = 0
    s.head[:] = -1
    s.held[:] = 0
    s.meta[NODE_USED] = 0
    for i in range(s.meta[N_PRIM]):
        ln = s.pln[i]
        for j in range(ln):
            pcol[st + j] = s.pcol[s.pst[i] + j]
            pval[st + j] = s.pval[s.pst[i] + j]
        s.pst[i] = st
        s.pcp[i] = ln + ln // 4 + 4
        st += s.pcp[i]
    s.meta[P_USED] = st
    return st


@njit(cache=True)
def _relink(s):  # type: ignore[no-untyped-def]
    for i in range(s.meta[N_PRIM]):
        st = s.pst[i]
        for j in range(s.pln[i]):
            _link(s, s.pcol[st + j], i)


def _grown(a: npt.NDArray[np.generic], size: int) -> npt.NDArray[np.generic]:
    out = np.zeros(max(size, 2 * len(a)), dtype=a.dtype)
    out[: len(a)] = a
    return out


class Space:
    """One space of `Spaces` (the full one, or the one without the singletons' columns)."""

    def __init__(self, n: int, modular: bool = False) -> None:
        self.s = _state(n)
        self.s.meta[MODULAR] = int(modular)

    def make_room(self) -> None:
        """Grow (or first compact) the arrays the last call found short."""
        s, meta = self.s, self.s.meta
        changes: dict[str, Any] = {}
        if meta[NEED_B]:
            changes |= {"bcol": _grown(s.bcol, meta[NEED_B]), "bval": _grown(s.bval, meta[NEED_B])}
        if meta[NEED_K]:
            k = int(meta[NEED_K])
            changes |= {"bpiv": _grown(s.bpiv, k), "bpc": _grown(s.bpc, k)}
            changes["bmax"] = _grown(s.bmax, k)
            changes["bptr"] = _grown(s.bptr, 2 * len(s.bpiv) + 1)
        if meta[NEED_PRIMS]:
            p = int(meta[NEED_PRIMS])
            for name in ("pst", "pln", "pcp", "pstamp", "plist"):
                changes[name] = _grown(getattr(s, name), p)
        s = self.s = s._replace(**changes)
        if meta[NEED_P] or meta[NEED_NODES]:  # compacted, the column lists rebuilt, grown
            live = int((s.pln[: meta[N_PRIM]] * 5 // 4 + 4).sum())
            size = max(len(s.pcol), 2 * (live + int(max(meta[NEED_P] - meta[P_USED], 0))))
            more_nodes = int(max(meta[NEED_NODES] - meta[NODE_USED], 0))
            pcol, pval = np.zeros(size, np.int32), np.zeros(size, np.int64)
            _compact(s, pcol, pval)
            nodes = int(s.pln[: meta[N_PRIM]].sum())
            nsize = max(len(s.nprim), 2 * (nodes + more_nodes))
            self.s = s._replace(
                pcol=pcol,
                pval=pval,
                nprim=np.zeros(nsize, np.int32),
                nnext=np.zeros(nsize, np.int64),
            )
            _relink(self.s)
        self.s.meta[NEED_B : NEED_PRIMS + 1] = 0

    @property
    def size(self) -> int:
        return int(self.s.meta[K])


class Spaces:
    """The two spaces `secondary.Elimination` works in, compiled: the full space and the one
    without the singletons' columns (``use_proj``)."""

    def __init__(self, n: int, idx: npt.NDArray[np.int32], single: npt.NDArray[np.uint8]):
        self.full, self.proj = Space(n), Space(n, modular=True)
        self.idx, self.single = idx, single
        self.use_proj = bool(single.any())

    def reset(self, kf: int = 0, kp: int = 0) -> None:
        """Back to the first ``kf`` and ``kp`` basis vectors, without primaries."""
        truncate(self.full.s, kf)
        truncate(self.proj.s, kp)

    def add_primary(self, lo: int, hi: int) -> None:
        spaces = [(self.full, False), (self.proj, True)] if self.use_proj else [(self.full, False)]
        for space, skip in spaces:
            while (out := add_primary(space.s, self.idx, lo, hi, self.single, skip)) == NEED_ROOM:
                space.make_room()
            if out == OVERFLOW:
                raise Overflow

    def publish(self, lo: int, hi: int, check: bool) -> bool:
        while True:
            out = publish(
                self.full.s, self.proj.s, self.idx, lo, hi, self.single, self.use_proj, check
            )
            if out == OVERFLOW:
                raise Overflow
            if out != NEED_ROOM:
                return bool(out == PUBLISHED)
            self.full.make_room()
            self.proj.make_room()

    def spanned(self, lo: int, hi: int, k: int) -> bool:
        return bool(spanned(self.full.s, self.idx, lo, hi, k))

    @property
    def full_emptied(self) -> int:
        return int(self.full.s.meta[EMPTIED])

    def clear_proj_emptied(self) -> None:
        self.proj.s.meta[EMPTIED] = 0

    def sizes(self) -> tuple[int, int]:
        return self.full.size, self.proj.size
