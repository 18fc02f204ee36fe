"""Aggregation: service-use records in, full cell tables out, with queries written once.

Input schema (CSV with a header row in UTF-8, or Parquet); a row is one contact or one
person-period:

============  ========  ======================================================================
column        required  content
============  ========  ======================================================================
provider      no        text; the provider that holds the record (pseudonymous keys are
                        unique within a provider)
person        yes       pseudonymous person key, unique within a provider (never a name or an
                        identity number: the guard refuses those)
date          yes       ISO date (YYYY-MM-DD) of the contact or the start of the period
area          yes       a leaf code of the area code list
service       yes       a leaf code of the service code list
age           one of    whole years, 0 to the last age of the oldest band
age_band      the two   a leaf code of the age code list
gender        yes       a leaf code of the gender code list
status        yes       a leaf code of the migration status group code list
contacts      no        whole number >= 0 (1 per row when absent), for contact tables
nights        for its   whole number >= 0, for tables of nights
cost          tables    amount >= 0 with at most two decimals, for tables of cost
============  ========  ======================================================================

No other column is accepted (`guard`). A value outside its code list, a bad date, a negative
or impossible age, a bad number or a missing required column raises `StatsInputError` naming
the first offending data row (1-based, the header not counted) and the column. The check runs
inside the engine, as part of the one pass over the rows, not row by row in Python.

Semantics (disclosure control relies on them):

- Each person (provider, person) is classified once for the period on the person-level
  dimensions area, age band, gender and status, from the person's earliest row; rows of the
  same date are ordered by the position of their codes in the code lists, so the choice is
  deterministic. The service dimension keeps every service the person used.
- Frequency (``persons``) tables: an inner cell (leaf codes on every dimension) counts the
  distinct persons of that (area, age band, gender, status, service) combination, and every
  margin is the sum of its inner cells. So the unit of a frequency table over services is
  "person × service": a person who used two services counts once in each and twice in the
  all-services total (and in every table without the service dimension, which is that total).
  Over the person-level dimensions it is exactly distinct persons. Every table is exactly
  additive, and a table over some of the dimensions equals the matching margin of the
  five-dimensional table, cell for cell.
- Magnitude tables (``contacts``, ``nights``, ``cost``): a cell's value is the sum over its
  persons, each person one contributor whose contribution to a cell is their sum over the
  cell's leaves; ``persons`` counts the contributors and ``top`` holds the two largest
  contributions, largest first.
- The table is a full grid: every combination of codes has a cell, zeros included (persons 0,
  value 0, no top), in the order of the codes in the code lists.

How: one pass over the rows classifies each person (earliest row, by one packed integer key
whose minimum is the earliest row) and collects the services they used as a bit set, then a
compact table counts persons per (person-level leaf combination, service set); its inner cells
come from that, and the margins from the inner cells, never from the rows again.

>>> codelists = demo_codelists()
>>> spec = TableSpec("demo", "1", "Demo", ("gender", "service"), Measure.PERSONS, Rules())
>>> [len(codelists[d].codes) for d in spec.dimensions]
[3, 5]
"""

# ruff: noqa: S608
# The SQL is built from the code lists and the declared column names; record values reach
# it only as data read by the engine, never as query text.

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from atlas.core.stats.guard import (
    AGE_COLUMNS,
    INPUT_COLUMNS,
    REQUIRED_COLUMNS,
    check_columns,
)
from atlas.core.stats.spec import CodeLists, Rules, TableSpec
from atlas.core.stats.tables import CodeList, Measure, Table

Progress = Callable[[str, float], None]
PERSON_DIMENSIONS: tuple[str, ...] = ("area", "age", "gender", "status")
SERVICE_DIMENSION = "service"
DIMENSIONS: tuple[str, ...] = (*PERSON_DIMENSIONS, SERVICE_DIMENSION)
# The columns that hold codes, and the dimension whose code list they use.
CODE_COLUMNS: Mapping[str, str] = {
    "area": "area",
    "age_band": "age",
    "gender": "gender",
    "status": "status",
    "service": "service",
}
SAMPLE_ROWS = 1000
# Bits per word of the service bit sets (a signed 64-bit integer, sign bit left alone).
_WORD_BITS = 62


class StatsInputError(ValueError):
    """Records that break the input schema; the message names the data row and the column.

    >>> str(StatsInputError("'x' is not a code of the gender code list", row=17, column="gender"))
    "row 17, column 'gender': 'x' is not a code of the gender code list"
    """

    def __init__(self, problem: str, *, row: int | None = None, column: str | None = None):
        self.problem = problem
        self.row = row
        self.column = column
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {problem}" if where else problem)


class SqlSession(Protocol):
    """What an engine adapter gives the queries: a view ``records`` over the input, and ways
    to register small tables, keep a query's result, and fetch rows."""

    def columns(self) -> list[str]:
        """The header of the input."""
        ...

    def sample(self, rows: int) -> dict[str, list[object]]:
        """The first ``rows`` rows of the input, by column, as text."""
        ...

    def register(self, name: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        """Make a small table of integers and text available to queries as ``name``."""
        ...

    def materialize(self, name: str, sql: str) -> None:
        """Compute ``sql`` once and keep its result as ``name`` for later queries."""
        ...

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        """Run ``sql`` and return all its rows."""
        ...

    def numbered(self) -> str:
        """The name of a view of the records with ``_row``, the 1-based data row number (for
        error reports only: it may be slow)."""
        ...


@dataclass(frozen=True)
class _Plan:
    """Where the input's columns come from, and the integer sizes used to pack keys."""

    columns: frozenset[str]
    codelists: CodeLists
    sizes: Mapping[str, int]  # leaf count per person-level dimension

    @property
    def classes(self) -> int:
        return math.prod(self.sizes[d] for d in PERSON_DIMENSIONS)

    @property
    def words(self) -> int:
        return max(1, -(-len(self.codelists[SERVICE_DIMENSION].leaves) // _WORD_BITS))

    def stride(self, dimension: str) -> int:
        after = PERSON_DIMENSIONS[PERSON_DIMENSIONS.index(dimension) + 1 :]
        return math.prod(self.sizes[d] for d in after)


def _text(expression: str) -> str:
    return f"CAST({expression} AS STRING)"


def _measure_expression(plan: _Plan, measure: Measure) -> tuple[str, str]:
    """The SQL value of one row's measure, and the condition for it to be valid."""
    if measure is Measure.COST:
        value = "TRY_CAST(r.cost AS DECIMAL(18, 2))"
    elif measure.value in plan.columns:
        value = f"TRY_CAST(r.{measure.value} AS BIGINT)"
    else:
        return "CAST(1 AS BIGINT)", "TRUE"
    return value, f"({value} IS NOT NULL AND {value} >= 0)"


def _date_ok() -> str:
    return "(TRY_CAST(r.date AS DATE) IS NOT NULL AND LENGTH(TRIM(CAST(r.date AS STRING))) = 10)"


def _joins(plan: _Plan) -> str:
    age = (
        "LEFT JOIN atlas_map_age_years m_age ON TRY_CAST(r.age AS INTEGER) = m_age.years"
        if "age" in plan.columns
        else f"LEFT JOIN atlas_leaf_age m_age ON {_text('r.age_band')} = m_age.code"
    )
    return "\n".join(
        [
            f"LEFT JOIN atlas_leaf_area m_area ON {_text('r.area')} = m_area.code",
            age,
            f"LEFT JOIN atlas_leaf_gender m_gender ON {_text('r.gender')} = m_gender.code",
            f"LEFT JOIN atlas_leaf_status m_status ON {_text('r.status')} = m_status.code",
            f"LEFT JOIN atlas_leaf_service m_service ON {_text('r.service')} = m_service.code",
        ]
    )


def _checks(plan: _Plan, measure: Measure | None) -> list[tuple[str, str]]:
    """(column, condition that the row is valid in it), in the order errors are reported."""
    age_column = "age" if "age" in plan.columns else "age_band"
    checks = [
        ("person", "(r.person IS NOT NULL AND TRIM(CAST(r.person AS STRING)) <> '')"),
        ("date", _date_ok()),
        ("area", "m_area.i IS NOT NULL"),
        ("service", "m_service.i IS NOT NULL"),
        (age_column, "m_age.i IS NOT NULL"),
        ("gender", "m_gender.i IS NOT NULL"),
        ("status", "m_status.i IS NOT NULL"),
    ]
    if measure is not None and measure is not Measure.PERSONS and measure.value in plan.columns:
        checks.append((measure.value, _measure_expression(plan, measure)[1]))
    return checks


def _coded_sql(plan: _Plan, measure: Measure | None) -> str:
    """One row per record: the person, a packed key whose minimum is the person's earliest
    row, the service (leaf index and bit), the measure, and whether the row is bad."""
    ymd = "(YEAR(d) * 10000 + MONTH(d) * 100 + DAY(d))"
    packed = " + ".join(
        f"m_{d}.i * {plan.stride(d)}" if plan.stride(d) != 1 else f"m_{d}.i"
        for d in PERSON_DIMENSIONS
    )
    ok = " AND ".join(condition for _column, condition in _checks(plan, measure))
    provider = _text("r.provider") if "provider" in plan.columns else "''"
    words = ", ".join(
        f"CASE WHEN m_service.word = {w} THEN m_service.bit ELSE 0 END AS s{w}"
        for w in range(plan.words)
    )
    value = ""
    if measure is not None and measure is not Measure.PERSONS:
        value = f", {_measure_expression(plan, measure)[0]} AS x"
    return f"""
SELECT COALESCE({provider}, '') AS provider, {_text("r.person")} AS person,
  CAST({ymd} AS BIGINT) * {plan.classes} + {packed} AS k,
  m_service.i AS sv, {words},
  CASE WHEN {ok} THEN 0 ELSE 1 END AS bad{value}
FROM (SELECT *, TRY_CAST(date AS DATE) AS d FROM records) r
{_joins(plan)}"""


def persons_sql(plan: _Plan) -> str:
    """The one pass for frequency tables: persons per (leaf class, set of services used)."""
    words = ", ".join(f"BIT_OR(s{w}) AS s{w}" for w in range(plan.words))
    keep = ", ".join(f"s{w}" for w in range(plan.words))
    return f"""
WITH coded AS ({_coded_sql(plan, None)}),
persons AS (
  SELECT provider, person, MIN(k) AS k, {words}, SUM(bad) AS bad
  FROM coded GROUP BY provider, person
)
SELECT k % {plan.classes} AS c, {keep}, COUNT(*) AS n, SUM(bad) AS bad
FROM persons GROUP BY k % {plan.classes}, {keep}"""


def contributions_sql(plan: _Plan, measure: Measure) -> str:
    """The one pass for magnitude tables: each person's class and per-service sum."""
    return f"""
WITH coded AS ({_coded_sql(plan, measure)})
SELECT provider, person, sv, MIN(k) AS k, SUM(x) AS x, SUM(bad) AS bad
FROM coded GROUP BY provider, person, sv"""


def _decode(plan: _Plan, dimension: str, column: str = "c") -> str:
    stride, size = plan.stride(dimension), plan.sizes[dimension]
    if stride == 1:
        return f"{column} % {size}"
    return f"CAST(FLOOR({column} / {stride}) AS BIGINT) % {size}"


def _margins_sql(
    source: str, dims: Sequence[str], explode: Sequence[str], magnitude: bool
) -> tuple[str, str]:
    """Margins over every hierarchy level, one dimension at a time.

    Each stage joins the previous one with a dimension's map (leaf index → index of every
    code above it, itself and the total included) and groups: the grid grows by the share of
    non-leaf codes at each stage, so the work stays close to the size of the output. A
    single GROUP BY over the fully exploded inner table (or CUBE/GROUPING SETS, which then
    need a join per hierarchy level) would multiply the inner table by the product of the
    hierarchy depths (108 for five dimensions) before grouping; staged joins are exact on
    both engines and several times less work. Top-2 lists merge exactly because every stage
    here runs over a person-level dimension, whose children hold disjoint sets of persons.
    """
    ctes = []
    previous = source
    for position, dim in enumerate(explode):
        keys = [d if d != dim else f"m.j AS {d}" for d in dims]
        group = ", ".join(f"p.{d}" if d != dim else "m.j" for d in dims)
        plain = ", ".join(dims)
        if magnitude:
            # One chain per stage, each step read once: Spark inlines common table
            # expressions, so a step read twice would be computed twice, per stage.
            ctes.append(
                f"""e{position} AS (
  SELECT {", ".join(f"p.{k}" if " AS " not in k else k for k in keys)}, p.n, p.v, p.t1, p.t2
  FROM {previous} p JOIN atlas_up_{dim} m ON p.{dim} = m.i
),
v{position} AS (
  SELECT {plain}, t1 AS t, n, v FROM e{position}
  UNION ALL SELECT {plain}, t2 AS t, 0 AS n, 0 AS v FROM e{position}
),
r{position} AS (
  SELECT {plain}, t, n, v,
    ROW_NUMBER() OVER (PARTITION BY {plain} ORDER BY t DESC NULLS LAST) AS rank
  FROM v{position}
),
s{position} AS (
  SELECT {plain}, SUM(n) AS n, SUM(v) AS v, MAX(CASE WHEN rank = 1 THEN t END) AS t1,
    MAX(CASE WHEN rank = 2 THEN t END) AS t2
  FROM r{position} GROUP BY {plain}
)"""
            )
        else:
            ctes.append(
                f"""s{position} AS (
  SELECT {", ".join(f"p.{k}" if " AS " not in k else k for k in keys)}, SUM(p.n) AS n
  FROM {previous} p JOIN atlas_up_{dim} m ON p.{dim} = m.i
  GROUP BY {group}
)"""
            )
        previous = f"s{position}"
    return ",\n".join(ctes), previous


def frequency_sql(plan: _Plan, spec: TableSpec) -> str:
    """All cells of a frequency table from the compact ``atlas_persons`` table."""
    dims = list(spec.dimensions)
    service_words = " OR ".join(
        f"(m.word = {w} AND (p.s{w} & m.bit) <> 0)" for w in range(plan.words)
    )
    decoded = ", ".join(
        (f"{_decode(plan, d, 'p.c')} AS {d}" if d != SERVICE_DIMENSION else f"m.i AS {d}")
        for d in dims
    )
    group = ", ".join(_decode(plan, d, "p.c") if d != SERVICE_DIMENSION else "m.i" for d in dims)
    leaf = f"""leaf AS (
  SELECT {decoded}, SUM(p.n) AS n
  FROM atlas_persons p JOIN atlas_leaf_service m ON {service_words}
  GROUP BY {group}
)"""
    stages, last = _margins_sql("leaf", dims, dims, magnitude=False)
    return f"WITH {leaf},\n{stages}\nSELECT {', '.join(dims)}, n FROM {last}"


def magnitude_sql(plan: _Plan, spec: TableSpec) -> str:
    """All cells of a magnitude table from the per-person, per-service ``atlas_contributions``."""
    dims = list(spec.dimensions)
    person_dims = [d for d in dims if d != SERVICE_DIMENSION]
    decoded = ", ".join(f"{_decode(plan, d, 'c')} AS {d}" for d in person_dims)
    keys = [*person_dims, SERVICE_DIMENSION]
    plain = ", ".join(keys)
    only_total = "" if SERVICE_DIMENSION in dims else "WHERE m.j = 0"
    partition = ", ".join([*(_decode(plan, d, "c") for d in person_dims), SERVICE_DIMENSION])
    base = f"""persons AS (
  SELECT provider, person, MIN(k) % {plan.classes} AS c FROM atlas_contributions
  GROUP BY provider, person
),
contributions AS (
  SELECT p.c, m.j AS {SERVICE_DIMENSION}, SUM(x.x) AS x
  FROM atlas_contributions x
  JOIN persons p ON x.provider = p.provider AND x.person = p.person
  JOIN atlas_up_{SERVICE_DIMENSION} m ON x.sv = m.i
  {only_total}
  GROUP BY x.provider, x.person, p.c, m.j
),
ranked AS (
  SELECT {decoded}{", " if decoded else ""}{SERVICE_DIMENSION}, x,
    ROW_NUMBER() OVER (PARTITION BY {partition} ORDER BY x DESC NULLS LAST) AS rank
  FROM contributions
),
leaf AS (
  SELECT {plain}, COUNT(*) AS n, SUM(x) AS v,
    MAX(CASE WHEN rank = 1 THEN x END) AS t1, MAX(CASE WHEN rank = 2 THEN x END) AS t2
  FROM ranked GROUP BY {plain}
)"""
    if not person_dims:
        return f"WITH {base}\nSELECT {', '.join(dims)}, n, v, t1, t2 FROM leaf"
    stages, last = _margins_sql("leaf", keys, person_dims, magnitude=True)
    return f"WITH {base},\n{stages}\nSELECT {', '.join(dims)}, n, v, t1, t2 FROM {last}"


def _register_maps(session: SqlSession, codelists: CodeLists) -> None:
    for name in DIMENSIONS:
        codelist = codelists[name]
        position = {code: j for j, code in enumerate(codelist.codes)}
        leaves = codelist.leaves
        if name == SERVICE_DIMENSION:
            session.register(
                f"atlas_leaf_{name}",
                ("code", "i", "word", "bit"),
                [
                    (code, i, i // _WORD_BITS, 1 << (i % _WORD_BITS))
                    for i, code in enumerate(leaves)
                ],
            )
        else:
            session.register(
                f"atlas_leaf_{name}", ("code", "i"), [(code, i) for i, code in enumerate(leaves)]
            )
        up = []
        for i, leaf in enumerate(leaves):
            code = leaf
            while True:
                up.append((i, position[code]))
                if code == codelist.total:
                    break
                code = codelist.parent[code]
        session.register(f"atlas_up_{name}", ("i", "j"), up)
    ages = codelists.ages
    leaf_index = {code: i for i, code in enumerate(codelists["age"].leaves)}
    session.register(
        "atlas_map_age_years",
        ("years", "i"),
        [
            (years, leaf_index[code])
            for code, (first, last) in ages.items()
            for years in range(first, last + 1)
        ],
    )


def _check_header(columns: Sequence[str], specs: Sequence[TableSpec]) -> frozenset[str]:
    present = set(columns)
    for column in REQUIRED_COLUMNS:
        if column not in present:
            raise StatsInputError("the required column is missing", column=column)
    ages = [c for c in AGE_COLUMNS if c in present]
    if len(ages) != 1:
        raise StatsInputError(
            "give exactly one of the columns age and age_band", column="age" if not ages else None
        )
    for spec in specs:
        if spec.measure in (Measure.NIGHTS, Measure.COST) and spec.measure.value not in present:
            raise StatsInputError(
                f"the column is required by the table {spec.slug}", column=spec.measure.value
            )
    if len(set(columns)) != len(columns):
        raise StatsInputError("a column is named twice in the header")
    return frozenset(present)


def _diagnose(session: SqlSession, plan: _Plan, measure: Measure | None) -> StatsInputError:
    """Find the first bad row and say what is wrong with it (the error path only)."""
    checks = _checks(plan, measure)
    column = " ".join(f"WHEN NOT ({c}) THEN '{name}'" for name, c in checks)
    value = " ".join(f"WHEN NOT ({c}) THEN {_text('r.' + name)}" for name, c in checks)
    ok = " AND ".join(c for _name, c in checks)
    sql = f"""
SELECT r._row, CASE {column} END AS col, CASE {value} END AS val
FROM (SELECT *, TRY_CAST(date AS DATE) AS d FROM {session.numbered()}) r
{_joins(plan)}
WHERE NOT ({ok})
ORDER BY r._row LIMIT 1"""
    rows = session.fetch(sql)
    if not rows:
        return StatsInputError("a row breaks the input schema")
    row, name, raw = rows[0]
    return StatsInputError(_problem(plan.codelists, name, raw), row=int(row), column=name)


def _problem(codelists: CodeLists, column: str, raw: object) -> str:
    if raw is None or str(raw).strip() == "":
        return "the value is missing"
    text = str(raw)
    if column == "person":
        return "the person key is empty"
    if column == "date":
        return f"{text!r} is not an ISO date (YYYY-MM-DD)"
    if column == "age":
        first = min(a for a, _b in codelists.ages.values())
        last = max(b for _a, b in codelists.ages.values())
        return f"{text!r} is not an age in whole years from {first} to {last}"
    if column in CODE_COLUMNS:
        codelist = codelists[CODE_COLUMNS[column]]
        if text in codelist.codes:
            return (
                f"{text!r} is not a leaf code of the {codelist.name} code list "
                "(records carry the most detailed codes)"
            )
        return f"{text!r} is not a code of the {codelist.name} code list"
    if column == "cost":
        return f"{text!r} is not an amount >= 0"
    return f"{text!r} is not a whole number >= 0"


def _assemble(spec: TableSpec, dims: tuple[CodeList, ...], rows: list[tuple[Any, ...]]) -> Table:
    """The full grid, zeros included, in code-list order."""
    sizes = [len(d.codes) for d in dims]
    strides = [math.prod(sizes[i + 1 :]) for i in range(len(sizes))]
    total = math.prod(sizes)
    persons = [0] * total
    magnitude = spec.measure is not Measure.PERSONS
    value: list[float] = [0.0] * total if magnitude else []
    top: list[tuple[float, ...]] = [()] * total if magnitude else []
    k = len(dims)
    for row in rows:
        at = sum(int(row[i]) * strides[i] for i in range(k))
        persons[at] = int(row[k])
        if magnitude:
            value[at] = _number(row[k + 1])
            top[at] = tuple(_number(t) for t in row[k + 2 : k + 4] if t is not None)
    keys = list(itertools.product(*(d.codes for d in dims)))
    return Table(
        name=spec.slug,
        dimensions=dims,
        keys=keys,
        persons=persons,
        measure=spec.measure,
        value=value if magnitude else None,
        top=top if magnitude else None,
    )


def _number(raw: object) -> float:
    if isinstance(raw, Decimal):
        return float(raw)
    return float(raw)  # type: ignore[arg-type]


def tabulate_specs(
    session: SqlSession,
    specs: Sequence[TableSpec],
    codelists: CodeLists,
    progress: Progress | None = None,
) -> dict[str, Table]:
    """Guard the input, check it, and compute every table of ``specs`` from it, by slug.

    Frequency tables share one pass over the rows; each magnitude measure takes one more.
    """
    report = progress or (lambda _stage, _fraction: None)
    report("guard", 0.0)
    columns = session.columns()
    check_columns(columns, session.sample(SAMPLE_ROWS))
    for spec in specs:
        for name in spec.dimensions:
            if name not in DIMENSIONS:
                raise StatsInputError(
                    f"the table {spec.slug} has a dimension {name!r} that records do not carry"
                )
    present = _check_header(columns, specs)
    plan = _Plan(present, codelists, {d: len(codelists[d].leaves) for d in PERSON_DIMENSIONS})
    _register_maps(session, codelists)
    tables: dict[str, Table] = {}
    steps = 1 + len(specs)
    done = 0
    frequency = [s for s in specs if s.measure is Measure.PERSONS]
    if frequency:
        report("classify", done / steps)
        session.materialize("atlas_persons", persons_sql(plan))
        if session.fetch("SELECT COALESCE(SUM(bad), 0) FROM atlas_persons")[0][0]:
            raise _diagnose(session, plan, None)
    done += 1
    for measure in {s.measure for s in specs} - {Measure.PERSONS}:
        report("contributions", done / steps)
        session.materialize("atlas_contributions", contributions_sql(plan, measure))
        if session.fetch("SELECT COALESCE(SUM(bad), 0) FROM atlas_contributions")[0][0]:
            raise _diagnose(session, plan, measure)
        for spec in (s for s in specs if s.measure is measure):
            report(f"tabulate {spec.slug}", done / steps)
            rows = session.fetch(magnitude_sql(plan, spec))
            tables[spec.slug] = _assemble(spec, spec.codelists_of(codelists), rows)
            done += 1
    for spec in frequency:
        report(f"tabulate {spec.slug}", done / steps)
        rows = session.fetch(frequency_sql(plan, spec))
        tables[spec.slug] = _assemble(spec, spec.codelists_of(codelists), rows)
        done += 1
    report("done", 1.0)
    return {spec.slug: tables[spec.slug] for spec in specs}


def input_format(path: Path) -> str:
    """``parquet`` or ``csv``, from the file name.

    >>> input_format(Path("records.parquet")), input_format(Path("records.CSV"))
    ('parquet', 'csv')
    """
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    raise StatsInputError(f"{path.name}: expected a .csv or .parquet file")


def demo_codelists() -> CodeLists:
    """Tiny code lists for examples and hand-computed tests: two areas in one province, three
    age bands under two broad bands, two genders, two statuses, two services in one sector
    and one in another."""
    return CodeLists(
        "demo",
        {
            "area": CodeList(
                "area", "DEMO", {"DEMO-P1": "DEMO", "DEMO-A1": "DEMO-P1", "DEMO-A2": "DEMO-P1"}
            ),
            "age": CodeList(
                "age",
                "total",
                {"0-17": "total", "0-9": "0-17", "10-17": "0-17", "18+": "total"},
            ),
            "gender": CodeList("gender", "total", {"female": "total", "male": "total"}),
            "status": CodeList(
                "status", "total", {"citizen": "total", "irregular-migrant": "total"}
            ),
            "service": CodeList(
                "service",
                "total",
                {
                    "health": "total",
                    "health-primary": "health",
                    "health-emergency": "health",
                    "food-assistance": "total",
                },
            ),
        },
        {"0-9": (0, 9), "10-17": (10, 17), "18+": (18, 120)},
        "status",
    )


__all__ = [
    "INPUT_COLUMNS",
    "Progress",
    "Rules",
    "SqlSession",
    "StatsInputError",
    "demo_codelists",
    "input_format",
    "tabulate_specs",
]
