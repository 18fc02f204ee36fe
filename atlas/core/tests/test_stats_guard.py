"""The identifier guard refuses hostile files before any row is aggregated."""

from pathlib import Path

import pytest

from atlas.core.stats.aggregate import demo_codelists
from atlas.core.stats.engines import DuckDBEngine
from atlas.core.stats.guard import IdentifierRefused, check_columns, identifier_in_name
from atlas.core.stats.spec import Rules, TableSpec
from atlas.core.stats.tables import Measure

SPEC = TableSpec("g", "1", "By gender", ("gender",), Measure.PERSONS, Rules())
GOOD = "person,date,area,service,age,gender,status"
ROW = "p1,2026-01-05,DEMO-A1,health-primary,34,female,citizen"


def tabulate(tmp_path: Path, header: str, row: str) -> None:
    path = tmp_path / "hostile.csv"
    path.write_text(f"{header}\n{row}\n")
    DuckDBEngine(threads=1).tabulate(path, SPEC, demo_codelists())


@pytest.mark.parametrize(
    ("column", "reason"),
    [
        ("first_name", "a name"),
        ("Apellidos", "a name"),
        ("prénom", "a name"),
        ("passport_no", "an identity document or number"),
        ("DNI", "an identity document or number"),
        ("numéro de passeport", "an identity document or number"),
        ("phone", "a phone number"),
        ("Teléfono", "a phone number"),
        ("E-mail", "an email address"),
        ("courriel", "an email address"),
        ("street_address", "a street address"),
        ("dirección", "a street address"),
        ("adresse", "a street address"),
        ("DateOfBirth", "a date of birth"),
        ("fecha_de_nacimiento", "a date of birth"),
        ("date de naissance", "a date of birth"),
        ("dob", "a date of birth"),
    ],
)
def test_it_refuses_a_column_named_for_an_identifier(
    tmp_path: Path, column: str, reason: str
) -> None:
    with pytest.raises(IdentifierRefused) as error:
        tabulate(tmp_path, f"{GOOD},{column}", f"{ROW},x")
    assert error.value.column == column
    assert str(error.value).startswith(f"column {column!r}: its name says it holds {reason}")


def test_it_does_not_mistake_schema_words_for_identifiers() -> None:
    assert [identifier_in_name(c) for c in ("person", "provider", "service", "status")] == [
        None
    ] * 4


def test_it_refuses_an_unknown_column_rather_than_ignoring_it(tmp_path: Path) -> None:
    with pytest.raises(IdentifierRefused, match="not a column of the declared input schema"):
        tabulate(tmp_path, f"{GOOD},remarks", f"{ROW},fine")


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("person", "someone@example.org", "email addresses"),
        ("person", "+00 000 000 000", "phone numbers"),
        ("person", "00000000000", "long runs of digits"),
        ("area", "1990-04-01", "full dates"),
    ],
)
def test_it_refuses_values_that_look_like_identifiers(
    tmp_path: Path, column: str, value: str, reason: str
) -> None:
    row = dict(zip(GOOD.split(","), ROW.split(","), strict=True))
    row[column] = value
    with pytest.raises(IdentifierRefused, match=reason) as error:
        tabulate(tmp_path, GOOD, ",".join(row.values()))
    assert error.value.column == column


def test_an_age_column_may_hold_small_numbers_and_the_date_column_dates() -> None:
    check_columns(
        ["person", "date", "age"], {"person": ["a9f3"], "date": ["2026-01-02"], "age": ["34"]}
    )
