"""Engine adapters: each gives the queries of ``aggregate`` a view of the input records and
runs them; no statistics logic lives here.

- `DuckDBEngine` (``duckdb_engine``): in-process DuckDB, the default.
- `SparkEngine` (``spark_engine``): Apache Spark through pyspark, for national volumes; pyspark
  is imported only when a Spark engine is built.

Both have the same interface, ``tabulate(input_path, spec, codelists=None, progress=None)`` for
one table and ``tabulate_many(input_path, specs, codelists=None, progress=None)`` for several
from one reading of the input, and give identical tables for the same input.
"""

from atlas.core.stats.engines.duckdb_engine import DuckDBEngine
from atlas.core.stats.engines.spark_engine import SparkEngine

__all__ = ["DuckDBEngine", "SparkEngine"]
