"""The compiled spaces of the elimination (`echelon`) against the exact Python ones."""

import random

import numpy as np
import pytest

from atlas.core.stats import echelon
from atlas.core.stats.model import build_model
from atlas.core.stats.secondary import Elimination, _CompiledSpaces, _PythonSpaces
from atlas.core.tests.test_stats_audit import _five_dimensional


def test_arithmetic_modulo_the_prime_is_exact() -> None:
    rng = random.Random(3)
    p = echelon.PRIME
    pairs = [(rng.randrange(p), rng.randrange(p)) for _ in range(2000)]
    pairs += [(p - 1, p - 1), (0, p - 1), (1, 1), ((1 << 31) - 1, (1 << 30) + 7)]
    for a, b in pairs:
        assert echelon._mulmod(a, b) == a * b % p
    for a in (1, 2, 3, p - 1, 123_456_789_012_345):
        assert echelon._mulmod(a, echelon._inverse(a)) == 1


@pytest.mark.parametrize("modular", [False, True])
def test_a_space_finds_a_vector_in_the_span_exactly_when_the_rank_says_so(modular: bool) -> None:
    """Random 0/1 rows, added one by one: each is found spanned by the earlier ones exactly
    when it leaves the rank unchanged (numpy's rank, exact on such small matrices)."""
    rng = np.random.default_rng(5)
    for trial in range(30):
        n = int(rng.integers(3, 9))
        rows = (rng.random((14, n)) < rng.uniform(0.2, 0.7)).astype(int)
        idx = np.concatenate([np.flatnonzero(r) for r in rows]).astype(np.int32)
        ptr = np.concatenate([[0], np.cumsum(rows.sum(axis=1))])
        space = echelon.Space(n, modular=modular)
        none = np.zeros(n, np.uint8)
        for i in range(len(rows)):
            s = space.s
            m = echelon._reduce(s, idx, ptr[i], ptr[i + 1], none, False, s.meta[echelon.K])
            rank_before = np.linalg.matrix_rank(rows[:i]) if i else 0
            assert (m == 0) == (np.linalg.matrix_rank(rows[: i + 1]) == rank_before), trial
            if m > 0:
                pivot = echelon._pivot(s, m)
                while (held := echelon._room(space.s, m, pivot)) < 0:
                    space.make_room()  # the residual stays where it is
                assert echelon._add(space.s, m, pivot, held)


def _patterns(table_seed: int, order: str) -> tuple[np.ndarray, ...]:
    table = _five_dimensional(seed=table_seed)
    model = build_model([table])
    primary = np.asarray([0 < n < 10 for n in table.persons])
    forced = np.asarray([n == 0 for n in table.persons])
    out = []
    for compiled in (True, False):
        elimination = Elimination(model, forced, order=order, compiled=compiled)
        kind = _CompiledSpaces if compiled else _PythonSpaces
        assert isinstance(elimination.spaces, kind)
        first = ~elimination.run(primary).published
        # More cells hidden, late in the order, as a repair round does: the run resumes.
        more = first.copy()
        more[[r for r in elimination.candidates if not first[r]][-60::7]] = True
        again = ~elimination.run(more).published
        assert elimination.resumed_at
        out += [first, again]
    return tuple(out)


@pytest.mark.parametrize(("seed", "order"), [(1, "persons"), (6, "persons"), (9, "totals-first")])
def test_the_compiled_spaces_hide_what_the_python_spaces_hide(seed: int, order: str) -> None:
    """Singletons (inner cells of one person, the projected space), empty cells (forced),
    and a resumed run: the same pattern, cell for cell."""
    first, again, python_first, python_again = _patterns(seed, order)
    assert first.sum() > 40 and again.sum() > first.sum()
    assert np.array_equal(first, python_first)
    assert np.array_equal(again, python_again)


def test_arrays_grown_and_compacted_again_and_again_change_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every array starts at one element: they are grown (doubled) and the primaries compacted
    again and again."""
    first, again, python_first, python_again = _patterns(6, "persons")
    grown = []
    make_room = echelon.Space.make_room

    def counted(self: echelon.Space) -> None:
        grown.append(1)
        make_room(self)

    monkeypatch.setattr(echelon, "_state", lambda n: _tiny(n))
    monkeypatch.setattr(echelon.Space, "make_room", counted)
    tiny_first, tiny_again, *_ = _patterns(6, "persons")
    assert len(grown) > 50
    assert np.array_equal(tiny_first, python_first) and np.array_equal(tiny_again, python_again)


_tiny_state = echelon._state


def _tiny(n: int) -> echelon._State:
    return _tiny_state(n, k=1, b=1, p=1, a=1)


def test_an_overflow_hands_the_run_to_the_exact_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    table = _five_dimensional(seed=6)
    model = build_model([table])
    primary = np.asarray([0 < n < 10 for n in table.persons])
    forced = np.asarray([n == 0 for n in table.persons])
    expected = Elimination(model, forced, compiled=False).run(primary).published
    calls = []

    def overflow(self: _CompiledSpaces, r: int, *, check: bool) -> bool:
        calls.append(r)
        if len(calls) > 50:
            raise echelon.Overflow
        return real(self, r, check=check)

    real = _CompiledSpaces.publish
    monkeypatch.setattr(_CompiledSpaces, "publish", overflow)
    elimination = Elimination(model, forced)
    assert np.array_equal(elimination.run(primary).published, expected)
    assert isinstance(elimination.spaces, _PythonSpaces) and len(calls) == 51
