"""Code lists with hierarchies, and cell tables: what the aggregation engines produce and
disclosure control consumes.

A `CodeList` is one dimension's codes: leaves (the most detailed codes, as found in the
records) and aggregates (a parent over some children), with one total at the top. A `Table`
holds one cell per combination of codes of its dimensions — leaves, every hierarchy level
and every total — so the published table carries all its margins.

Frequency cells count distinct persons; every margin is the sum of the cells below it (the
engine classifies each person once per dimension, see ``aggregate``), so the linear
relations that secondary suppression and the audit rely on hold exactly.

>>> age = CodeList("age", total="all", parent={"0-17": "all", "18+": "all"})
>>> age.leaves
('0-17', '18+')
>>> age.level("all"), age.level("18+")
(0, 1)
>>> age.covers("all", "18+"), age.covers("0-17", "18+")
(True, False)
"""

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class CodeList:
    """One dimension: codes, each with its parent, and one total at the top.

    ``parent`` maps every code except the total to its parent. Order is kept: codes come out
    in the order they were given, which is the order tables and charts use. ``labels`` gives
    each code's English label; ``translations`` its label in other languages, code →
    {language: label}, read with `label`. Translations are wording, not structure: two code
    lists that differ only in them are equal.

    >>> sex = CodeList("gender", total="all", parent={"f": "all"},
    ...                labels={"all": "All", "f": "Female"}, translations={"f": {"es": "Mujer"}})
    >>> sex.label("f", "es"), sex.label("f", "fa"), sex.label("all", "es"), sex.label("x")
    ('Mujer', 'Female', 'All', 'x')
    """

    name: str
    total: str
    parent: Mapping[str, str]
    labels: Mapping[str, str] = field(default_factory=dict)
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False)

    def label(self, code: str, language: str = "en") -> str:
        """The code's label in ``language``; in English where it has none; the code itself
        where it has no label at all."""
        return self.translations.get(code, {}).get(language) or self.labels.get(code, code)

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """The total, then every other code in the order given."""
        return (self.total, *self.parent)

    @cached_property
    def children(self) -> Mapping[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {code: [] for code in self.codes}
        for code, up in self.parent.items():
            out[up].append(code)
        return {code: tuple(kids) for code, kids in out.items()}

    @cached_property
    def leaves(self) -> tuple[str, ...]:
        return tuple(code for code in self.codes if not self.children[code])

    def level(self, code: str) -> int:
        """0 for the total, 1 for its children, and so on."""
        depth = 0
        while code != self.total:
            code = self.parent[code]
            depth += 1
        return depth

    def covers(self, upper: str, code: str) -> bool:
        """Whether ``code`` is ``upper`` or lies below it."""
        while True:
            if code == upper:
                return True
            if code == self.total:
                return False
            code = self.parent[code]

    def leaves_under(self, code: str) -> tuple[str, ...]:
        return tuple(leaf for leaf in self.leaves if self.covers(code, leaf))


class Measure(enum.StrEnum):
    PERSONS = "persons"  # frequency: distinct persons
    CONTACTS = "contacts"  # magnitude, each person a contributor
    NIGHTS = "nights"
    COST = "cost"


@dataclass
class Table:
    """Cells of one table: a key (one code per dimension, in dimension order) per cell.

    ``persons`` is the distinct-person count of every cell. For a magnitude table ``value``
    is the cell's sum, and ``top`` the largest contributions to it (one person = one
    contributor), largest first, at most two per cell, which the p% and (n, k) rules need.
    """

    name: str
    dimensions: tuple[CodeList, ...]
    keys: list[tuple[str, ...]]
    persons: list[int]
    measure: Measure = Measure.PERSONS
    value: list[float] | None = None
    top: list[tuple[float, ...]] | None = None

    def __post_init__(self) -> None:
        if len(self.keys) != len(self.persons):
            raise ValueError(
                f"table {self.name}: {len(self.keys)} keys, {len(self.persons)} counts"
            )
        for values in (self.value, self.top):
            if values is not None and len(values) != len(self.keys):
                raise ValueError(f"table {self.name}: magnitude columns do not match the keys")

    @cached_property
    def index(self) -> Mapping[tuple[str, ...], int]:
        return {key: i for i, key in enumerate(self.keys)}

    def dimension(self, name: str) -> CodeList:
        for dim in self.dimensions:
            if dim.name == name:
                return dim
        raise KeyError(name)

    def inner(self) -> list[int]:
        """Positions of the cells that are leaves on every dimension."""
        leafsets = [set(d.leaves) for d in self.dimensions]
        return [
            i
            for i, key in enumerate(self.keys)
            if all(code in leaves for code, leaves in zip(key, leafsets, strict=True))
        ]


class CellStatus(enum.StrEnum):
    """What happens to a cell on publication. Only SAFE cells show a number."""

    SAFE = "safe"
    PRIMARY = "primary"  # unsafe by a primary rule
    SECONDARY = "secondary"  # suppressed so that no primary cell can be recomputed
    EMPTY = "empty"  # a structural or true zero, published as zero


@dataclass(frozen=True)
class CellDecision:
    status: CellStatus
    rule: str = ""  # which rule decided it: "threshold", "group-attribute", "p%", ...


def linked_dimensions(tables: Sequence[Table]) -> tuple[CodeList, ...]:
    """The union of the dimensions of tables published from the same data, in first-seen
    order; tables that share a dimension must share its code list."""
    seen: dict[str, CodeList] = {}
    for table in tables:
        for dim in table.dimensions:
            if dim.name in seen and seen[dim.name] != dim:
                raise ValueError(f"dimension {dim.name} has two different code lists")
            seen.setdefault(dim.name, dim)
    return tuple(seen.values())
