"""Primary rules: which cells of a table are unsafe to publish as they stand.

The rules (the p% and (n, k) rules as stated in the ESSnet Handbook on Statistical
Disclosure Control, chapter 4 on magnitude tables, sdcTools "HandbookSDC"; the threshold and
group-attribute rules as described below):

- **threshold**: a cell counting at least one but fewer than ``threshold`` distinct persons
  is unsafe. The default of 10 is this project's conservative choice for tables about people
  who fear detection; 5 is the floor, and a lower value is refused.
- **zero cells are safe** and are published as zero: a zero says that nobody with those
  characteristics used the service, which discloses nothing about a person. The one place
  where a zero does disclose — "nobody in this group has another status" — is handled by the
  group-attribute rule below, which makes those zeros unsafe.
- **group attribute** on the status dimension: within a group (one combination of codes on
  the other dimensions), if one status holds all, or at least ``dominance_share``, of the
  group's persons, the table tells anyone who knows a person is in the group what their
  status is ("all 14 users of the shelter in area A01 are irregular"), even when 14 is above
  the threshold. The dominant status cell and the group's other status cells (the ones that
  show the rest is empty or nearly so, and the zero cells below them) are unsafe.
- **p% rule** (magnitude tables): unsafe if ``value - top1 - top2 < p/100 * top1``: the
  second-largest contributor could estimate the largest one to within p percent.
- **(n, k) dominance** (magnitude tables, optional): unsafe if the ``n`` largest contributions
  exceed ``k`` percent of the cell.
- **sparsity**: if more than ``max_unsafe_share`` of the non-zero inner cells are unsafe,
  suppression would hide most of the table; the table is refused, and the message suggests
  collapsing a dimension to a higher level of its hierarchy.

>>> from atlas.core.stats.tables import CodeList, Table
>>> area = CodeList("area", total="P", parent={"A1": "P", "A2": "P"})
>>> t = Table("t", (area,), [("P",), ("A1",), ("A2",)], [23, 20, 3])
>>> [d.status.value for d in decide_primary(t, Rules(max_unsafe_share=1.0))]
['safe', 'safe', 'primary']
>>> Rules(threshold=3)
Traceback (most recent call last):
...
atlas.core.stats.primary.RulesError: threshold 3 is below the floor of 5 persons
"""

import itertools
from dataclasses import dataclass

from atlas.core.stats.tables import CellDecision, CellStatus, CodeList, Measure, Table

# The lowest threshold accepted: the project's floor, below which a count says too much.
MIN_THRESHOLD = 5
# How secondary cells are chosen (``protect``): Gaussian elimination with interval repair, fast
# at any size; or the least-cost pattern (``optimal``), for small frequency tables.
SECONDARY_METHODS = ("elimination", "optimal")


class RulesError(ValueError):
    """Rules that break a limit; the message names the setting."""


class TooSparse(ValueError):
    """A table in which too many non-zero inner cells are unsafe to protect by suppression."""


@dataclass(frozen=True)
class Rules:
    """The disclosure-control settings for one publication: the one rules type of the engine
    (``spec`` reads a specification's ``[rules]`` into it).

    ``status_dimension`` names the dimension the group-attribute rule checks (None: the
    table has none). ``max_unsafe_share`` is the sparsity limit. ``protection`` is the
    minimum width an attacker's interval for an unsafe cell must keep; by default it equals
    the threshold. ``nk`` is ``(n, k)`` to turn on dominance, e.g. ``(2, 85.0)``.
    ``attribute_codes`` limits the group-attribute rule to some status codes (None: every
    status code). ``secondary`` is one of `SECONDARY_METHODS`.
    """

    threshold: int = 10
    protection: int | None = None
    status_dimension: str | None = "status"
    dominance_share: float = 0.9
    attribute_codes: tuple[str, ...] | None = None
    p: float = 15.0
    nk: tuple[int, float] | None = None
    max_unsafe_share: float = 0.5
    secondary: str = "elimination"

    def __post_init__(self) -> None:
        if self.threshold < MIN_THRESHOLD:
            raise RulesError(
                f"threshold {self.threshold} is below the floor of {MIN_THRESHOLD} persons"
            )
        if self.protection is not None and self.protection < 1:
            raise RulesError(f"protection {self.protection} must be at least 1")
        if not 0.5 < self.dominance_share <= 1.0:
            raise RulesError(f"dominance_share {self.dominance_share} must be in (0.5, 1]")
        if not 0 < self.p < 100:
            raise RulesError(f"p {self.p} must be between 0 and 100")
        if self.nk is not None and (self.nk[0] not in (1, 2) or not 0 < self.nk[1] <= 100):
            raise RulesError(f"nk {self.nk}: n must be 1 or 2, k in (0, 100]")
        if not 0 < self.max_unsafe_share <= 1:
            raise RulesError(f"max_unsafe_share {self.max_unsafe_share} must be in (0, 1]")
        if self.secondary not in SECONDARY_METHODS:
            raise RulesError(
                f"secondary {self.secondary!r} must be one of {', '.join(SECONDARY_METHODS)}"
            )

    @property
    def protection_level(self) -> int:
        return self.threshold if self.protection is None else self.protection


def is_magnitude(table: Table) -> bool:
    return table.measure != Measure.PERSONS and table.value is not None


def p_percent_unsafe(value: float, top: tuple[float, ...], p: float) -> bool:
    """The p% rule: the second-largest contributor must not estimate the largest to p%.

    A cell of 100 with contributions 80 and 15: 100 - 80 - 15 = 5 < 0.15 * 80 = 12, unsafe.

    >>> p_percent_unsafe(100.0, (80.0, 15.0), 15.0), p_percent_unsafe(100.0, (50.0, 20.0), 15.0)
    (True, False)
    """
    if value <= 0:
        return False
    top1 = top[0] if top else 0.0
    top2 = top[1] if len(top) > 1 else 0.0
    return value - top1 - top2 < p / 100 * top1


def nk_unsafe(value: float, top: tuple[float, ...], n: int, k: float) -> bool:
    """(n, k) dominance: the n largest contributions exceed k percent of the cell.

    >>> nk_unsafe(100.0, (80.0, 10.0), 2, 85.0), nk_unsafe(100.0, (50.0, 20.0), 2, 85.0)
    (True, False)
    """
    return value > 0 and sum(top[:n]) > k / 100 * value


def decide_primary(table: Table, rules: Rules) -> list[CellDecision]:
    """One decision per cell of ``table``, in the table's order: EMPTY, SAFE or PRIMARY.

    Raises TooSparse when the sparsity rule refuses the table.
    """
    magnitude = is_magnitude(table)
    out: list[CellDecision] = []
    for i, persons in enumerate(table.persons):
        value = table.value[i] if magnitude and table.value is not None else float(persons)
        top = table.top[i] if table.top is not None else ()
        if persons == 0 and value == 0:
            out.append(CellDecision(CellStatus.EMPTY, "zero"))
        elif persons < rules.threshold:
            out.append(CellDecision(CellStatus.PRIMARY, "threshold"))
        elif magnitude and p_percent_unsafe(value, top, rules.p):
            out.append(CellDecision(CellStatus.PRIMARY, "p%"))
        elif magnitude and rules.nk is not None and nk_unsafe(value, top, *rules.nk):
            out.append(CellDecision(CellStatus.PRIMARY, "(n,k)"))
        else:
            out.append(CellDecision(CellStatus.SAFE))
    for i in _group_attribute_cells(table, rules):
        if out[i].status != CellStatus.PRIMARY:
            out[i] = CellDecision(CellStatus.PRIMARY, "group-attribute")
            if table.persons[i] == 0:
                # A zero cell hidden by the rule is disclosed by any zero cell above it (no
                # count is negative) or inside it: those are hidden with it.
                for j in _cells_related(table, i):
                    if out[j].status == CellStatus.EMPTY:
                        out[j] = CellDecision(CellStatus.PRIMARY, "group-attribute")
    _check_sparsity(table, out, rules)
    return out


def _cells_related(table: Table, i: int) -> list[int]:
    """Positions of the cells whose codes all lie under (or are) cell ``i``'s codes, and of
    those whose codes all lie above (or are) them."""
    below, above = [], []
    for dim, code in zip(table.dimensions, table.keys[i], strict=True):
        below.append([c for c in dim.codes if dim.covers(code, c)])
        above.append([c for c in dim.codes if dim.covers(c, code)])
    index = table.index
    out = set()
    for pools in (below, above):
        out |= {index[key] for key in itertools.product(*pools) if key in index}
    out.discard(i)
    return sorted(out)


def _group_attribute_cells(table: Table, rules: Rules) -> set[int]:
    """Positions of the cells the group-attribute rule makes unsafe."""
    names = [d.name for d in table.dimensions]
    if rules.status_dimension not in names:
        return set()
    s = names.index(rules.status_dimension)
    status = table.dimensions[s]
    index = table.index
    flagged: set[int] = set()
    disclosed: dict[tuple[str, ...], set[str]] = {}  # group key (status total) -> rest codes
    for key, persons in zip(table.keys, table.persons, strict=True):
        if key[s] != status.total or persons <= 0:
            continue
        for code in status.parent:
            if rules.attribute_codes is not None and code not in rules.attribute_codes:
                continue
            at = index.get(_with(key, s, code))
            share = table.persons[at] / persons if at is not None else 0.0
            if share < rules.dominance_share:
                continue
            # Disclosed: the dominant cell and every status cell showing the rest is small.
            if at is not None:
                flagged.add(at)
            rest = [
                c
                for c in status.parent
                if not status.covers(c, code) and not status.covers(code, c)
            ]
            for c in rest:
                j = index.get(_with(key, s, c))
                if j is not None:
                    flagged.add(j)
            disclosed.setdefault(key, set()).update(rest)
    if disclosed:
        flagged.update(_zeros_below(table, s, disclosed))
    return flagged


def _zeros_below(table: Table, s: int, disclosed: dict[tuple[str, ...], set[str]]) -> set[int]:
    """Zero cells with a status in a disclosed group's rest, below that group on the other
    dimensions: published as zeros, they would add up to the group's rest."""
    dims = table.dimensions
    total = dims[s].total
    out: set[int] = set()
    for i, key in enumerate(table.keys):
        if table.persons[i] != 0 or key[s] == total:
            continue
        chains = [[total] if j == s else _ancestors(d, key[j]) for j, d in enumerate(dims)]
        for group in itertools.product(*chains):
            rest = disclosed.get(group)
            if rest is not None and key[s] in rest:
                out.add(i)
                break
    return out


def _ancestors(dim: CodeList, code: str) -> list[str]:
    """``code`` and every code above it, up to the total."""
    out = [code]
    while code != dim.total:
        code = dim.parent[code]
        out.append(code)
    return out


def _with(key: tuple[str, ...], at: int, code: str) -> tuple[str, ...]:
    return (*key[:at], code, *key[at + 1 :])


def _check_sparsity(table: Table, decisions: list[CellDecision], rules: Rules) -> None:
    inner = [i for i in table.inner() if table.persons[i] > 0]
    if not inner:
        return
    unsafe = sum(1 for i in inner if decisions[i].status == CellStatus.PRIMARY)
    if unsafe / len(inner) > rules.max_unsafe_share:
        raise TooSparse(
            f"table {table.name}: {unsafe} of {len(inner)} non-zero inner cells are unsafe "
            f"(more than {rules.max_unsafe_share:.0%}); collapse a dimension to a higher "
            "level of its hierarchy (for example areas to provinces, or age bands to broad "
            "bands) and tabulate again"
        )
