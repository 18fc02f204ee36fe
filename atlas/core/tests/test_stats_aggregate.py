"""Aggregation: hand-counted tables, input errors by row and column, margins that match, and
DuckDB and Spark giving identical tables."""

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from atlas.core.stats.aggregate import StatsInputError, demo_codelists
from atlas.core.stats.engines import DuckDBEngine, SparkEngine
from atlas.core.stats.engines.spark_engine import local_session
from atlas.core.stats.spec import Rules, TableSpec, default_codelists, default_specs
from atlas.core.stats.synthetic import generate
from atlas.core.stats.tables import Measure, Table

# Six rows, three persons. Provider A's p1 used primary care twice and food assistance once
# and moved area after the first contact (classified by the earliest row: DEMO-A1, 34 years);
# A's p2 used emergency care once; provider B's p1 (another person: keys are per provider)
# used primary and emergency care.
TINY = """provider,person,date,area,service,age,gender,status,contacts
A,p1,2026-01-05,DEMO-A1,health-primary,34,female,irregular-migrant,2
A,p1,2026-02-01,DEMO-A2,food-assistance,35,female,irregular-migrant,1
A,p1,2026-03-01,DEMO-A1,health-primary,35,female,irregular-migrant,3
A,p2,2026-01-10,DEMO-A2,health-emergency,7,male,citizen,1
B,p1,2026-01-03,DEMO-A2,health-primary,12,male,citizen,4
B,p1,2026-01-04,DEMO-A2,health-emergency,12,male,citizen,1
"""


def spec(slug: str, dimensions: tuple[str, ...], measure: Measure = Measure.PERSONS) -> TableSpec:
    return TableSpec(slug, "1", slug, dimensions, measure, Rules())


def cells(table: Table) -> dict[tuple[str, ...], int]:
    return dict(zip(table.keys, table.persons, strict=True))


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    # One local session for the module: the JVM starts once.
    session = local_session(cores=2, shuffle_partitions=4)
    yield session


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.csv"
    path.write_text(TINY)
    return path


def test_it_counts_distinct_persons_per_service_and_sums_margins(tiny: Path) -> None:
    table = DuckDBEngine(threads=1).tabulate(tiny, spec("t", ("area", "service")), demo_codelists())
    got = cells(table)
    # DEMO-A1: A/p1 only (primary care and food assistance).
    assert got[("DEMO-A1", "health-primary")] == 1
    assert got[("DEMO-A1", "food-assistance")] == 1
    assert got[("DEMO-A1", "health-emergency")] == 0  # zero cells are in the grid
    assert got[("DEMO-A1", "total")] == 2  # person × service: A/p1 counts once per service
    # DEMO-A2: A/p2 (emergency) and B/p1 (primary, emergency).
    assert got[("DEMO-A2", "health-emergency")] == 2
    assert got[("DEMO-A2", "health")] == 3
    assert got[("DEMO", "total")] == 5
    # A full grid in code-list order: 4 area codes × 5 service codes.
    assert len(table.keys) == 20
    assert table.keys[:3] == [("DEMO", "total"), ("DEMO", "health"), ("DEMO", "health-primary")]


def test_it_classifies_a_person_once_from_the_earliest_row(tiny: Path) -> None:
    table = DuckDBEngine(threads=1).tabulate(
        tiny, spec("t", ("age", "gender", "status")), demo_codelists()
    )
    got = cells(table)
    # A/p1 is 34 at the first contact: 18+, counted once per service used (2).
    assert got[("18+", "female", "irregular-migrant")] == 2
    assert got[("0-9", "male", "citizen")] == 1  # A/p2, one service
    assert got[("10-17", "male", "citizen")] == 2  # B/p1, two services
    assert got[("total", "total", "total")] == 5


def test_it_sums_contacts_with_each_person_a_contributor(tiny: Path) -> None:
    table = DuckDBEngine(threads=1).tabulate(
        tiny, spec("c", ("gender", "service"), Measure.CONTACTS), demo_codelists()
    )
    assert table.value is not None and table.top is not None
    at = table.index
    # A/p1: 5 primary-care contacts, 1 food; A/p2: 1 emergency; B/p1: 4 primary, 1 emergency.
    assert table.value[at[("total", "total")]] == 12
    assert table.top[at[("total", "total")]] == (6.0, 5.0)
    assert table.persons[at[("total", "total")]] == 3
    assert table.value[at[("total", "health")]] == 11
    assert table.top[at[("total", "health")]] == (5.0, 5.0)
    assert table.top[at[("male", "health")]] == (5.0, 1.0)
    assert table.top[at[("female", "food-assistance")]] == (1.0,)
    assert (
        table.value[at[("male", "food-assistance")]],
        table.top[at[("male", "food-assistance")]],
    ) == (0.0, ())


@pytest.mark.parametrize(
    ("row", "column", "problem"),
    [
        (
            "A,p9,2026-01-05,DEMO-A1,health-primary,34,x,citizen,1",
            "gender",
            "'x' is not a code of the gender code list",
        ),
        (
            "A,p9,2026-02-30,DEMO-A1,health-primary,34,male,citizen,1",
            "date",
            "'2026-02-30' is not an ISO date",
        ),
        (
            "A,p9,2026-01-05,DEMO-A1,health-primary,-3,male,citizen,1",
            "age",
            "'-3' is not an age in whole years",
        ),
        (
            "A,p9,2026-01-05,DEMO-A1,health,34,male,citizen,1",
            "service",
            "'health' is not a leaf code",
        ),
        (
            "A,p9,2026-01-05,DEMO-A1,health-primary,34,male,citizen,-1",
            "contacts",
            "'-1' is not a whole number",
        ),
    ],
)
def test_it_names_the_first_bad_row_and_its_column(
    tmp_path: Path, row: str, column: str, problem: str
) -> None:
    lines = TINY.splitlines()
    path = tmp_path / "bad.csv"
    # The bad row is data row 5, after four good ones; a second bad row follows.
    path.write_text("\n".join([*lines[:5], row, *lines[5:], row]) + "\n")
    measure = Measure.CONTACTS if column == "contacts" else Measure.PERSONS
    with pytest.raises(StatsInputError) as error:
        DuckDBEngine(threads=2).tabulate(path, spec("t", ("gender",), measure), demo_codelists())
    assert str(error.value).startswith(f"row 5, column {column!r}: {problem}")


def test_it_names_a_missing_required_column(tmp_path: Path) -> None:
    path = tmp_path / "no-status.csv"
    path.write_text(
        "person,date,area,service,age,gender\np1,2026-01-05,DEMO-A1,food-assistance,3,male\n"
    )
    with pytest.raises(StatsInputError, match="column 'status': the required column is missing"):
        DuckDBEngine().tabulate(path, spec("t", ("gender",)), demo_codelists())


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "records.parquet"
    generate(4000, seed=11, path=path)
    return path


def test_a_table_on_fewer_dimensions_is_the_margin_of_the_full_table(synthetic: Path) -> None:
    specs = default_specs()
    tables = DuckDBEngine(threads=2).tabulate_many(
        synthetic, [specs["service-use-5d"], specs["persons-by-area-age-gender"]]
    )
    full, part = tables["service-use-5d"], tables["persons-by-area-age-gender"]
    assert len(full.keys) == 28 * 23 * 4 * 6 * 49
    for key, count in zip(part.keys, part.persons, strict=True):
        assert full.persons[full.index[(*key, "total", "total")]] == count
    # Additivity checked independently: the total is the sum of the inner cells.
    assert full.persons[0] == sum(full.persons[i] for i in full.inner())
    # 4000 records of at most 5 contacts: at least 800 persons, each in >= 1 service.
    assert 800 <= full.persons[0] <= 4000


def test_synthetic_records_are_labelled_and_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert generate(500, seed=3, path=first, format="csv") == 500
    generate(500, seed=3, path=second, format="csv")
    assert first.read_bytes() == second.read_bytes()
    rows = first.read_text().splitlines()[1:]
    assert all(row.startswith("SYNTHETIC-") for row in rows)
    persons = {tuple(row.split(",")[:2]) for row in rows}
    contacts = [sum(1 for r in rows if tuple(r.split(",")[:2]) == p) for p in persons]
    assert max(contacts) <= 5 and min(contacts) >= 1


def test_synthetic_parquet_carries_the_synthetic_label(synthetic: Path) -> None:
    import duckdb

    meta = duckdb.execute(
        "SELECT key, value FROM parquet_kv_metadata(?)", [str(synthetic)]
    ).fetchall()
    assert (b"synthetic", b"true") in meta


def test_spark_counts_the_tiny_input_as_by_hand(spark: Any, tiny: Path) -> None:
    engine = SparkEngine(spark)
    specs = [spec("f", ("area", "service")), spec("c", ("gender", "service"), Measure.CONTACTS)]
    spark_tables = engine.tabulate_many(tiny, specs, demo_codelists())
    got = cells(spark_tables["f"])
    assert (got[("DEMO-A1", "total")], got[("DEMO-A2", "health")], got[("DEMO", "total")]) == (
        2,
        3,
        5,
    )
    contacts = spark_tables["c"]
    assert contacts.top is not None
    assert contacts.top[contacts.index[("total", "total")]] == (6.0, 5.0)
    duck = DuckDBEngine().tabulate_many(tiny, specs, demo_codelists())
    assert spark_tables == duck


def test_spark_and_duckdb_give_identical_tables(spark: Any, synthetic: Path) -> None:
    starter = default_specs()
    specs = [
        starter["persons-by-area-age-gender"],
        spec("cost-by-age-status", ("age", "status"), Measure.COST),
    ]
    duck = DuckDBEngine(threads=2).tabulate_many(synthetic, specs, default_codelists())
    sparked = SparkEngine(spark).tabulate_many(synthetic, specs, default_codelists())
    for slug in duck:
        assert duck[slug].keys == sparked[slug].keys
        assert duck[slug].persons == sparked[slug].persons
        assert duck[slug].value == sparked[slug].value
        assert duck[slug].top == sparked[slug].top
    cost = duck["cost-by-age-status"]
    assert cost.value is not None and math.isclose(
        cost.value[0], sum(cost.value[i] for i in cost.inner()), rel_tol=1e-12
    )


def test_spark_reports_a_bad_row_like_duckdb(spark: Any, tmp_path: Path) -> None:
    lines = TINY.splitlines()
    path = tmp_path / "bad.csv"
    path.write_text(
        "\n".join(
            [*lines[:3], "A,p9,2026-01-05,DEMO-A9,food-assistance,3,male,citizen,1", *lines[3:]]
        )
        + "\n"
    )
    with pytest.raises(StatsInputError, match="^row 3, column 'area': 'DEMO-A9' is not a code"):
        SparkEngine(spark).tabulate(path, spec("t", ("gender",)), demo_codelists())
