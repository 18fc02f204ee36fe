"""The model matrix: how every published cell of a linked set of tables adds up from inner cells.

Tables published from the same data form a linked set; `linked_dimensions` gives the union
of their dimensions. The inner cells are the combinations of leaves over that union that
occur in the finest table (``inner``: the aggregation produces it). Combinations that do not
occur are zeros known to everyone, so they are not unknowns. Each published cell of each
table is one row of ``X``: the indicator of the inner cells that add up to it (a table
without some dimension sums over all its codes). With ``z`` the inner counts, every
published value is ``X @ z``; `build_model` checks this and refuses tables whose margins
are not the sums of their inner cells.

For a linked set whose tables have different dimensions, the finest table is required: the
inner counts over the union cannot be recovered from the tables. For a single table, or a
set in which one table has every dimension, the inner cells of that table are used.

The matrix is built with numpy index arithmetic and scipy.sparse throughout (no dense
matrix), one row per published cell and one column per inner cell.

>>> from atlas.core.stats.tables import CodeList, Table
>>> area = CodeList("area", total="P", parent={"A1": "P", "A2": "P"})
>>> t = Table("t", (area,), [("P",), ("A1",), ("A2",)], [23, 20, 3])
>>> m = build_model([t])
>>> m.x.toarray().tolist()
[[1, 1], [1, 0], [0, 1]]
>>> m.z.tolist(), m.rows_of(0).tolist()
([20, 3], [0, 1, 2])
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from atlas.core.stats.tables import CodeList, Table, linked_dimensions


class ModelError(ValueError):
    """Tables that do not fit together: the message names the table and the cell."""


@dataclass
class Model:
    """``x`` (CSR, int8): one row per cell of every table, tables in the order given, cells in
    each table's order; one column per inner cell. ``z``: inner persons (and ``z_value``,
    the inner magnitudes, when every table is a magnitude table of the same measure)."""

    tables: tuple[Table, ...]
    dimensions: tuple[CodeList, ...]
    inner_keys: list[tuple[str, ...]]
    x: sp.csr_matrix
    z: npt.NDArray[np.int64]
    offsets: tuple[int, ...]  # first row of each table; last entry = number of rows
    z_value: npt.NDArray[np.float64] | None = None

    def rows_of(self, t: int) -> npt.NDArray[np.int64]:
        return np.arange(self.offsets[t], self.offsets[t + 1], dtype=np.int64)

    def locate(self, row: int) -> tuple[int, int]:
        """(table position, cell position) of a row."""
        t = int(np.searchsorted(self.offsets, row, side="right")) - 1
        return t, row - self.offsets[t]

    @property
    def y(self) -> npt.NDArray[np.int64]:
        return np.concatenate([np.asarray(t.persons, dtype=np.int64) for t in self.tables])


def finest_table(tables: Sequence[Table], inner: Table | None) -> Table:
    """The table whose inner cells are the columns: ``inner`` if given, else a table over the
    whole union of dimensions."""
    union = linked_dimensions([*tables, *([inner] if inner is not None else [])])
    names = {d.name for d in union}
    if inner is not None:
        if {d.name for d in inner.dimensions} != names:
            raise ModelError(f"inner table {inner.name} must have every dimension of the set")
        return inner
    for table in tables:
        if {d.name for d in table.dimensions} == names:
            return table
    raise ModelError(
        "a linked set of tables over different dimensions needs the finest table over all "
        f"of them ({', '.join(sorted(names))}) as inner="
    )


def build_model(tables: Sequence[Table], inner: Table | None = None) -> Model:
    """The model matrix of ``tables`` (see the module docstring)."""
    finest = finest_table(tables, inner)
    dims = finest.dimensions
    inner_pos = finest.inner()
    inner_keys = [finest.keys[i] for i in inner_pos]
    z = np.asarray([finest.persons[i] for i in inner_pos], dtype=np.int64)
    z_value = None
    if finest.value is not None and all(t.measure == finest.measure for t in tables):
        z_value = np.asarray([finest.value[i] for i in inner_pos], dtype=np.float64)
    # Leaf index of every inner cell on every dimension.
    leaf_of = [
        np.asarray([{c: k for k, c in enumerate(d.leaves)}[key[j]] for key in inner_keys])
        for j, d in enumerate(dims)
    ]
    blocks = []
    offsets = [0]
    for table in tables:
        blocks.append(_table_block(table, dims, leaf_of, len(inner_keys)))
        offsets.append(offsets[-1] + len(table.keys))
    x = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, len(inner_keys)))
    x = x.astype(np.int8)
    model = Model(tuple(tables), dims, inner_keys, x, z, tuple(offsets), z_value)
    _check_sums(model)
    return model


def _table_block(
    table: Table,
    dims: tuple[CodeList, ...],
    leaf_of: list[npt.NDArray[np.int64]],
    n_inner: int,
) -> sp.csr_matrix:
    """Rows of one table: for every inner cell, every cell of the table covering it."""
    names = [d.name for d in dims]
    cols = np.arange(n_inner, dtype=np.int64)
    radix = np.zeros(n_inner, dtype=np.int64)
    # Expand (inner cell, partial cell code) pairs dimension by dimension.
    for dim in table.dimensions:
        j = names.index(dim.name)
        code_pos = {c: k for k, c in enumerate(dim.codes)}
        # For every leaf: the positions of its ancestors (itself included) in dim.codes.
        chains = [[code_pos[a] for a in _ancestors(dim, leaf)] for leaf in dim.leaves]
        counts = np.asarray([len(c) for c in chains], dtype=np.int64)
        flat = np.concatenate([np.asarray(c, dtype=np.int64) for c in chains])
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        leaf = leaf_of[j][cols]
        reps = counts[leaf]
        cols = np.repeat(cols, reps)
        radix = np.repeat(radix, reps) * len(dim.codes)
        within = np.arange(len(cols)) - np.repeat(np.cumsum(reps) - reps, reps)
        radix = radix + flat[np.repeat(starts[leaf], reps) + within]
    # Radix of every cell of the table, to find each generated pair's row.
    key_radix = np.zeros(len(table.keys), dtype=np.int64)
    for j, dim in enumerate(table.dimensions):
        code_pos = {c: k for k, c in enumerate(dim.codes)}
        try:
            pos = np.asarray([code_pos[key[j]] for key in table.keys], dtype=np.int64)
        except KeyError as err:
            raise ModelError(f"table {table.name}: unknown code {err} in {dim.name}") from None
        key_radix = key_radix * len(dim.codes) + pos
    order = np.argsort(key_radix, kind="stable")
    sorted_radix = key_radix[order]
    if len(sorted_radix) > 1 and np.any(sorted_radix[1:] == sorted_radix[:-1]):
        raise ModelError(f"table {table.name}: a cell key occurs twice")
    at = np.searchsorted(sorted_radix, radix)
    found = at < len(sorted_radix)
    found[found] = sorted_radix[at[found]] == radix[found]
    rows = order[at[found]]
    data = np.ones(len(rows), dtype=np.int8)
    return sp.csr_matrix((data, (rows, cols[found])), shape=(len(table.keys), n_inner))


def _ancestors(dim: CodeList, code: str) -> list[str]:
    out = [code]
    while code != dim.total:
        code = dim.parent[code]
        out.append(code)
    return out


def _check_sums(model: Model) -> None:
    computed = model.x @ model.z
    given = model.y
    bad = np.flatnonzero(computed != given)
    if len(bad):
        t, c = model.locate(int(bad[0]))
        table = model.tables[t]
        raise ModelError(
            f"table {table.name}, cell {table.keys[c]}: {given[bad[0]]} persons, but its "
            f"inner cells add up to {computed[bad[0]]} ({len(bad)} such cells)"
        )
