"""The statistics engine: service-use records in, protected tables out.

Record-level data comes in (CSV or Parquet), is checked by the guard, aggregated by an engine
(DuckDB by default, Spark for scale) into tables with every margin and hierarchy level, and
leaves only as protected tables: primary rules, secondary suppression over the whole linked
set, interval protection, and an audit that fails closed. No Django here.

Modules:
- ``tables``: the shared data structures (code lists with hierarchies, cell tables, cell status).
- ``spec``: table specifications as versioned TOML data files.
- ``guard``: refuses direct identifiers before any row is aggregated.
- ``aggregate`` and ``engines``: the queries, written once, and their DuckDB and Spark adapters.
- ``primary``, ``secondary``, ``audit``: disclosure control.
- ``synthetic``: a generator of realistic, labelled synthetic records.
"""
