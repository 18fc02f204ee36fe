"""The DuckDB adapter: in-process, the default engine.

CSV is read with ``read_csv`` and explicit column types (every column as text: the queries
cast and check each value themselves, so a bad value is reported by row and column rather than
failing the read), Parquet with ``read_parquet``. Memory limit and threads are configurable.

>>> import tempfile
>>> from atlas.core.stats.aggregate import demo_codelists
>>> from atlas.core.stats.spec import Rules, TableSpec
>>> from atlas.core.stats.tables import Measure
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "r.csv").write_text(
...     "person,date,area,service,age,gender,status\\n"
...     "p1,2026-01-05,DEMO-A1,health-primary,34,female,citizen\\n"
...     "p2,2026-01-06,DEMO-A2,food-assistance,7,male,irregular-migrant\\n")
>>> spec = TableSpec("g", "1", "By gender", ("gender",), Measure.PERSONS, Rules())
>>> table = DuckDBEngine(threads=1).tabulate(folder / "r.csv", spec, demo_codelists())
>>> list(zip(table.keys, table.persons))
[(('total',), 2), (('female',), 1), (('male',), 1)]
"""

# ruff: noqa: S608
# The SQL is built from the code lists and the declared column names; record values reach
# it only as data read by the engine, never as query text.

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from atlas.core.stats.aggregate import Progress, SqlSession, input_format, tabulate_specs
from atlas.core.stats.spec import CodeLists, TableSpec, default_codelists
from atlas.core.stats.tables import Table


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(int(value))


def _string(path: Path) -> str:
    return _literal(str(path))


class _Session(SqlSession):
    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self.format = input_format(path)
        if self.format == "parquet":
            self.source = f"read_parquet({_string(path)})"
            header = self.connection.execute(f"DESCRIBE SELECT * FROM {self.source}").fetchall()
            self.header = [row[0] for row in header]
        else:
            sniff = (
                f"read_csv({_string(path)}, header = true, delim = ',', quote = '\"', "
                "escape = '\"', all_varchar = true, encoding = 'utf-8')"
            )
            header = self.connection.execute(f"DESCRIBE SELECT * FROM {sniff}").fetchall()
            self.header = [row[0] for row in header]
            types = ", ".join(f"{_literal(name)}: 'VARCHAR'" for name in self.header)
            self.source = (
                f"read_csv({_string(path)}, header = true, delim = ',', quote = '\"', "
                f"escape = '\"', columns = {{{types}}}, encoding = 'utf-8'"
            )
            self.source += ")"
        self.connection.execute(
            f"CREATE OR REPLACE TEMP VIEW records AS SELECT * FROM {self.source}"
        )

    def columns(self) -> list[str]:
        return list(self.header)

    def sample(self, rows: int) -> dict[str, list[object]]:
        result = self.connection.execute(f"SELECT * FROM records LIMIT {int(rows)}").fetchall()
        return {
            name: [None if row[i] is None else str(row[i]) for row in result]
            for i, name in enumerate(self.header)
        }

    def register(self, name: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        values = ", ".join("(" + ", ".join(_literal(v) for v in row) + ")" for row in rows)
        self.connection.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM (VALUES {values}) "
            f"AS t({', '.join(columns)})"
        )

    def materialize(self, name: str, sql: str) -> None:
        self.connection.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return self.connection.execute(sql).fetchall()

    def numbered(self) -> str:
        if self.format == "parquet":
            self.connection.execute(
                "CREATE OR REPLACE TEMP VIEW atlas_numbered AS SELECT *, file_row_number + 1 "
                f"AS _row FROM read_parquet({_string(self.path)}, file_row_number = true)"
            )
        else:
            # One thread reads the file in order, so the window numbers rows as they come.
            self.connection.execute("SET threads = 1")
            self.connection.execute(
                "CREATE OR REPLACE TEMP TABLE atlas_numbered AS "
                f"SELECT *, row_number() OVER () AS _row FROM {self.source[:-1]}, parallel = false)"
            )
        return "atlas_numbered"


class DuckDBEngine:
    """Tabulate records with an in-process DuckDB database that lives for one call.

    ``memory_limit`` (e.g. ``"4GB"``) and ``threads`` are passed to DuckDB; ``None`` keeps
    DuckDB's defaults. DuckDB spills to a temporary directory beyond the memory limit.
    """

    def __init__(self, *, memory_limit: str | None = None, threads: int | None = None) -> None:
        self.memory_limit = memory_limit
        self.threads = threads

    def _connect(self) -> duckdb.DuckDBPyConnection:
        config: dict[str, Any] = {}
        if self.memory_limit is not None:
            config["memory_limit"] = self.memory_limit
        if self.threads is not None:
            config["threads"] = self.threads
        return duckdb.connect(":memory:", config=config)

    def tabulate_many(
        self,
        input_path: Path | str,
        specs: Sequence[TableSpec],
        codelists: CodeLists | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Table]:
        """Every table of ``specs`` from one reading of the input, by slug."""
        connection = self._connect()
        try:
            session = _Session(connection, Path(input_path))
            return tabulate_specs(session, specs, codelists or default_codelists(), progress)
        finally:
            connection.close()

    def tabulate(
        self,
        input_path: Path | str,
        spec: TableSpec,
        codelists: CodeLists | None = None,
        progress: Progress | None = None,
    ) -> Table:
        """One table from the input."""
        return self.tabulate_many(input_path, [spec], codelists, progress)[spec.slug]
