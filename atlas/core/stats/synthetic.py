"""Synthetic service-use records, for tests, the demonstration and benchmarks.

`generate` writes realistic but entirely made-up records in the input schema of
``aggregate``: persons spread over the fictional Demo areas with a Zipf-like skew, 1 to 5
contacts each, ages drawn from a plausible (young-adult heavy) distribution, services drawn with
a Zipf-like skew around each person's main service, and an irregular-status share that varies
by area from 1% to 20%. The figures mean nothing: they only give the engine and disclosure
control data with the shape of the real thing.

Every file says it is synthetic: the ``provider`` column of every row starts with
``SYNTHETIC-``, and a Parquet file carries the key-value metadata ``synthetic=true``.

The records are built inside DuckDB from ``range()`` and hashes of (seed, person, draw), so a
fixed seed gives an identical file and ten million rows take seconds.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "records.csv"
>>> generate(200, seed=7, path=path, format="csv")
200
>>> path.read_text().splitlines()[0]
'provider,person,date,area,service,age,gender,status,cost'
>>> all(line.startswith("SYNTHETIC-") for line in path.read_text().splitlines()[1:])
True
"""

# ruff: noqa: S608
# The SQL is built from the code lists and the declared column names; record values reach
# it only as data read by the engine, never as query text.

import math
from pathlib import Path

import duckdb

from atlas.core.stats.spec import CodeLists, default_codelists

PROVIDERS = 3
MAX_CONTACTS = 5
FIRST_DAY = "2026-01-01"
DAYS = 365
# Share of persons by gender (female, male, other or not stated).
_GENDER_WEIGHTS = (0.49, 0.49, 0.02)
# Share of persons of each status group outside the irregular one, before the irregular share
# of the area is taken out: citizen, regular migrant, asylum seeker or refugee, unknown.
_STATUS_WEIGHTS = {
    "citizen": 0.62,
    "regular-migrant": 0.24,
    "asylum-seeker-refugee": 0.09,
    "unknown": 0.05,
}
IRREGULAR = "irregular-migrant"
# Age distribution by broad band, then uniform over the years of the band's five-year bands.
_AGE_WEIGHTS = {"0-17": 0.22, "18-64": 0.63, "65+": 0.15}
_MAIN_SERVICE_SHARE = 0.7  # share of contacts with the person's main service


def _zipf(count: int, exponent: float = 1.1) -> list[float]:
    weights = [1 / (rank + 1) ** exponent for rank in range(count)]
    total = sum(weights)
    return [w / total for w in weights]


def _choose(uniform: str, choices: list[tuple[str, float]]) -> str:
    """A CASE picking a choice by cumulative weight for a uniform value in [0, 1)."""
    whens = []
    cumulative = 0.0
    for value, weight in choices[:-1]:
        cumulative += weight
        whens.append(f"WHEN {uniform} < {cumulative:.9f} THEN {value}")
    return f"CASE {' '.join(whens)} ELSE {choices[-1][0]} END"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _u(seed: int, key: str, draw: int) -> str:
    """A uniform value in [0, 1) from a hash of (seed, key, draw)."""
    return f"((hash({seed}, {key}, {draw}) % 1000000007) / 1000000007.0)"


def _records_sql(n_records: int, seed: int, codelists: CodeLists) -> str:
    areas = list(codelists["area"].leaves)
    services = list(codelists["service"].leaves)
    genders = list(codelists["gender"].leaves)
    age = codelists["age"]
    n_persons = math.ceil(n_records / 3 * 1.2) + 10
    area_choice = _choose(_u(seed, "p", 1), [(str(i), w) for i, w in enumerate(_zipf(len(areas)))])
    area_code = (
        f"CASE area_i {' '.join(f'WHEN {i} THEN {_quote(a)}' for i, a in enumerate(areas))} END"
    )
    # The irregular share of area i rises from 1% to 20% across the areas, in an order
    # scrambled by the seed so it does not follow the area's size.
    shares = []
    for i in range(len(areas)):
        rank = (i * 7 + seed) % len(areas)
        shares.append(0.01 + 0.19 * rank / max(1, len(areas) - 1))
    status_cases = []
    for i, share in enumerate(shares):
        choices = [(_quote(IRREGULAR), share)] + [
            (_quote(code), w * (1 - share)) for code, w in _STATUS_WEIGHTS.items()
        ]
        status_cases.append(f"WHEN {i} THEN {_choose(_u(seed, 'p', 2), choices)}")
    gender = _choose(
        _u(seed, "p", 3), [(_quote(g), w) for g, w in zip(genders, _GENDER_WEIGHTS, strict=False)]
    )
    bands = []
    for broad, weight in _AGE_WEIGHTS.items():
        leaves = age.leaves_under(broad)
        years = sum(codelists.ages[b][1] - codelists.ages[b][0] + 1 for b in leaves if b != "85+")
        for band in leaves:
            first, last = codelists.ages[band]
            last = min(last, first + 9)  # 85+: 85 to 94
            bands.append(
                (
                    f"{first} + CAST(FLOOR({_u(seed, 'p', 5)} * {last - first + 1}) AS INTEGER)",
                    weight * (last - first + 1) / max(years, 1),
                )
            )
    total_weight = sum(w for _v, w in bands)
    age_sql = _choose(_u(seed, "p", 4), [(v, w / total_weight) for v, w in bands])
    service_weights = _zipf(len(services), 1.0)
    main_service = _choose(_u(seed, "p", 6), [(str(i), w) for i, w in enumerate(service_weights)])
    other_service = _choose(_u(seed, "k", 8), [(str(i), w) for i, w in enumerate(service_weights)])
    service_whens = " ".join(f"WHEN {i} THEN {_quote(s)}" for i, s in enumerate(services))
    main = _u(seed, "k", 9)
    service_i = f"(CASE WHEN {main} < {_MAIN_SERVICE_SHARE} THEN main_i ELSE {other_service} END)"
    return f"""
WITH persons AS (
  SELECT range AS p,
    1 + CAST(FLOOR({_u(seed, "range", 0)} * {MAX_CONTACTS}) AS INTEGER) AS contacts
  FROM range({n_persons})
),
started AS (
  SELECT p, contacts, SUM(contacts) OVER (ORDER BY p) - contacts AS first_row FROM persons
),
traits AS (
  SELECT p, contacts, first_row, {area_choice} AS area_i, {gender} AS gender,
    {age_sql} AS age, {main_service} AS main_i
  FROM started WHERE first_row < {n_records}
),
rows AS (
  SELECT t.*, j.range AS j, t.p * {MAX_CONTACTS} + j.range AS k
  FROM traits t JOIN range({MAX_CONTACTS}) j ON j.range < t.contacts
  WHERE t.first_row + j.range < {n_records}
)
SELECT
  'SYNTHETIC-' || CAST(1 + p % {PROVIDERS} AS VARCHAR) AS provider,
  'S' || CAST(p AS VARCHAR) AS person,
  DATE '{FIRST_DAY}' + CAST(FLOOR({_u(seed, "k", 7)} * {DAYS}) AS INTEGER) AS date,
  {area_code} AS area,
  CASE {service_i} {service_whens} END AS service,
  age,
  gender,
  CASE area_i {" ".join(status_cases)} END AS status,
  CAST(ROUND(20 + {_u(seed, "k", 10)} * 180, 2) AS DECIMAL(18, 2)) AS cost
FROM rows
ORDER BY p, j"""


def generate(
    n_records: int,
    seed: int,
    path: Path | str,
    format: str = "parquet",  # noqa: A002 - the name callers use
    *,
    codelists: CodeLists | None = None,
    threads: int | None = None,
) -> int:
    """Write ``n_records`` synthetic records to ``path`` as Parquet or CSV; return the count.

    The same ``n_records`` and ``seed`` give the same rows, in the same order.
    """
    if format not in ("parquet", "csv"):
        raise ValueError(f"format must be parquet or csv, not {format!r}")
    if n_records < 1:
        raise ValueError("n_records must be at least 1")
    sql = _records_sql(n_records, seed, codelists or default_codelists())
    target = _quote(str(path))
    options = (
        "FORMAT parquet, KV_METADATA {synthetic: 'true', generator: 'atlas.core.stats.synthetic', "
        f"seed: '{int(seed)}'}}"
        if format == "parquet"
        else "FORMAT csv, HEADER true"
    )
    config: dict[str, str | bool | int | float | list[str]] = {}
    if threads:
        config["threads"] = threads
    with duckdb.connect(":memory:", config=config) as connection:
        connection.execute("SET preserve_insertion_order = true")
        connection.execute("SET enable_progress_bar = false")
        connection.execute(f"COPY ({sql}) TO {target} ({options})")
        reader = "read_parquet" if format == "parquet" else "read_csv"
        counted = connection.execute(f"SELECT COUNT(*) FROM {reader}({target})").fetchone()
    return int(counted[0]) if counted else 0
