"""The Apache Spark adapter (pyspark), for national volumes; local mode in tests.

The queries are those of ``aggregate``, run through Spark SQL. CSV is read with an explicit
schema (every column as text, as in DuckDB, so the queries check each value), Parquet as it is.
pyspark is imported only when an engine is built, so the rest of the statistics engine works
without it.

A ``SparkSession`` may be passed in (a cluster, or one session shared by tests); otherwise a
local one is built on first use with ``local_session``.
"""

# ruff: noqa: S608
# The SQL is built from the code lists and the declared column names; record values reach
# it only as data read by the engine, never as query text.

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from atlas.core.stats.aggregate import Progress, SqlSession, input_format, tabulate_specs
from atlas.core.stats.spec import CodeLists, TableSpec, default_codelists
from atlas.core.stats.tables import Table


def local_session(cores: int = 2, shuffle_partitions: int = 4) -> Any:
    """A local-mode SparkSession with the web UI off and quiet logs."""
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("atlas-stats")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


class _Session(SqlSession):
    def __init__(self, spark: Any, path: Path) -> None:
        from pyspark.sql.types import StringType, StructField, StructType

        self.spark = spark
        self.path = path
        self.views: list[str] = []
        if input_format(path) == "parquet":
            frame = spark.read.parquet(str(path))
            self.header = list(frame.columns)
        else:
            first = spark.read.option("header", "true").option("encoding", "UTF-8").csv(str(path))
            self.header = list(first.columns)
            schema = StructType([StructField(name, StringType(), True) for name in self.header])
            frame = (
                spark.read.option("header", "true")
                .option("encoding", "UTF-8")
                .option("enforceSchema", "false")
                .option("mode", "FAILFAST")
                .schema(schema)
                .csv(str(path))
            )
        frame.createOrReplaceTempView("records")
        self.views.append("records")

    def columns(self) -> list[str]:
        return list(self.header)

    def sample(self, rows: int) -> dict[str, list[object]]:
        result = self.spark.sql(f"SELECT * FROM records LIMIT {int(rows)}").collect()
        return {
            name: [None if row[i] is None else str(row[i]) for row in result]
            for i, name in enumerate(self.header)
        }

    def register(self, name: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
        types = ", ".join(
            f"{column} {'STRING' if isinstance(rows[0][i], str) else 'BIGINT'}"
            for i, column in enumerate(columns)
        )
        self.spark.createDataFrame(list(rows), types).createOrReplaceTempView(name)
        self.views.append(name)

    def materialize(self, name: str, sql: str) -> None:
        self.spark.sql(f"UNCACHE TABLE IF EXISTS {name}")
        self.spark.catalog.dropTempView(name)
        self.spark.sql(f"CACHE TABLE {name} AS {sql}")
        self.views.append(name)

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.spark.sql(sql).collect()]

    def numbered(self) -> str:
        # monotonically_increasing_id grows with the file offset within one file; the window
        # turns it into consecutive row numbers (one partition: the error path only).
        self.spark.sql(
            "CREATE OR REPLACE TEMPORARY VIEW atlas_numbered AS "
            "SELECT *, ROW_NUMBER() OVER (ORDER BY _mid) AS _row FROM "
            "(SELECT *, monotonically_increasing_id() AS _mid FROM records)"
        )
        self.views.append("atlas_numbered")
        return "atlas_numbered"

    def close(self) -> None:
        for name in reversed(self.views):
            self.spark.sql(f"UNCACHE TABLE IF EXISTS {name}")
            self.spark.catalog.dropTempView(name)


class SparkEngine:
    """Tabulate records with Spark; ``spark`` is a SparkSession, or None for a local one."""

    def __init__(self, spark: Any = None) -> None:
        self.spark = spark

    def tabulate_many(
        self,
        input_path: Path | str,
        specs: Sequence[TableSpec],
        codelists: CodeLists | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Table]:
        """Every table of ``specs`` from one reading of the input, by slug."""
        if self.spark is None:
            self.spark = local_session()
        session = _Session(self.spark, Path(input_path))
        try:
            return tabulate_specs(session, specs, codelists or default_codelists(), progress)
        finally:
            session.close()

    def tabulate(
        self,
        input_path: Path | str,
        spec: TableSpec,
        codelists: CodeLists | None = None,
        progress: Progress | None = None,
    ) -> Table:
        """One table from the input."""
        return self.tabulate_many(input_path, [spec], codelists, progress)[spec.slug]
