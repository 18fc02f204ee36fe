"""Reading and writing records as JSON Lines and CSV, with errors that name where.

The machinery shared by every interchange format of the platform (practices,
entitlements, …): reading lines and rows, typed value checks that raise
FieldError naming the field, and writing both serialisations with the same
fields. A format module (practice_format, entitlement_format) lists its
fields and checks its own records with these helpers.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from atlas.core.places import PlaceError, PlaceRef, parse_place_ref

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
MAX_LINES = 200_000
T = TypeVar("T")

# A spreadsheet runs a cell that starts with one of these as a formula, so an
# export prefixes such a cell with an apostrophe and an import removes it
# (OWASP, "CSV Injection"). A cell that itself starts with an apostrophe is
# escaped the same way, so every text reads back exactly.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


class FieldError(ValueError):
    """A value that breaks the format; `field` is a path such as ``sources[0].url``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"field {field}: {message}")
        self.field = field
        self.message = message


class RecordError(ValueError):
    """A record that cannot be read, with the line (or CSV row) where it stands."""

    def __init__(self, line: int, field: str | None, message: str, unit: str = "line") -> None:
        where = f"{unit} {line}" + (f", field {field}" if field else "")
        super().__init__(f"{where}: {message}")
        self.unit = unit
        self.line = line
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SourceRecord:
    title: str
    url: str
    year: int | None
    accessed: date | None


def read_jsonl(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for each non-blank line; bad JSON raises RecordError."""
    for number, line in enumerate(lines, start=1):
        if number > MAX_LINES:
            raise RecordError(number, None, f"more than {MAX_LINES} lines")
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise RecordError(
                number, None, f"not valid JSON ({error.msg} at column {error.colno})"
            ) from None
        if not isinstance(value, dict):
            raise RecordError(number, None, "each line must be one JSON object")
        yield number, value


def read_csv(
    text: str,
    *,
    fields: Collection[str],
    required: Collection[str],
    json_fields: Collection[str] = (),
    list_fields: Collection[str] = (),
    separator: str = ";",
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (row number, record) for each CSV row; structured cells are JSON.

    Rows are numbered as a spreadsheet shows them, the header being row 1
    (a cell may hold line breaks, so this is not the line number).
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in fields]
    if unknown:
        raise RecordError(1, unknown[0], "unknown column", unit="row")
    missing = sorted(set(required) - set(header))
    if missing:
        raise RecordError(1, missing[0], "required column is missing", unit="row")
    for number, row in enumerate(reader, start=2):
        if number > MAX_LINES:
            raise RecordError(number, None, f"more than {MAX_LINES} rows", unit="row")
        if None in row:
            raise RecordError(number, None, "more cells than columns", unit="row")
        record: dict[str, Any] = {}
        for name, cell in row.items():
            if cell is None or cell == "":
                continue
            if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
                cell = cell[1:]
            if name in json_fields:
                try:
                    record[name] = json.loads(cell)
                except json.JSONDecodeError as error:
                    raise RecordError(
                        number, name, f"not valid JSON ({error.msg})", unit="row"
                    ) from None
            elif name in list_fields:
                record[name] = [s.strip() for s in cell.split(separator) if s.strip()]
            else:
                record[name] = cell
        yield number, record


def text_value(raw: Mapping[str, Any], name: str, limit: int, *, default: str | None = None) -> str:
    value = raw.get(name)
    if value is None or value == "":
        if default is not None:
            return default
        raise FieldError(name, "is required")
    if not isinstance(value, str):
        raise FieldError(name, f"must be text, not {type(value).__name__}")
    value = value.strip()
    if len(value) > limit:
        raise FieldError(name, f"is longer than {limit} characters")
    if "\x00" in value:
        raise FieldError(name, "contains a NUL character")
    return value


def list_value(raw: Mapping[str, Any], name: str) -> list[Any]:
    value = raw.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError(name, f"must be a list, not {type(value).__name__}")
    return value


def year_value(raw: Mapping[str, Any], name: str) -> int | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError(name, "must be a year such as 2015")
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or not 1800 <= value <= 2100:
        raise FieldError(name, f"must be a year such as 2015, not {value!r}")
    return value


def date_value(raw: Mapping[str, Any], name: str, path: str | None = None) -> date | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FieldError(path or name, f"must be a date as YYYY-MM-DD, not {value!r}") from None


def object_value(item: Any, path: str, allowed: Iterable[str]) -> Mapping[str, Any]:
    if not isinstance(item, dict):
        raise FieldError(path, "must be an object")
    for key in item:
        if key not in allowed:
            raise FieldError(f"{path}.{key}", "unknown field")
    return item


def parse_place(item: Any, path: str) -> PlaceRef:
    if not isinstance(item, dict):
        raise FieldError(path, 'must be an object such as {"iso": "ES"}')
    try:
        return parse_place_ref(item)
    except PlaceError as error:
        raise FieldError(path, str(error)) from None


def parse_source(item: Any, path: str) -> SourceRecord:
    obj = object_value(item, path, ("title", "url", "year", "accessed"))
    try:
        title = text_value(obj, "title", 300)
        url = text_value(obj, "url", 500)
        year = year_value(obj, "year")
        accessed = date_value(obj, "accessed")
    except FieldError as error:
        raise FieldError(f"{path}.{error.field}", error.message) from None
    if not URL.match(url):
        raise FieldError(f"{path}.url", "must be an http or https address")
    return SourceRecord(title=title, url=url, year=year, accessed=accessed)


def write_jsonl(records: Iterable[Mapping[str, Any]], *, fields: Iterable[str]) -> Iterator[str]:
    """Serialise export dicts as JSON Lines, keys in the order of `fields`."""
    names = tuple(fields)
    for record in records:
        yield json.dumps({name: record[name] for name in names}, ensure_ascii=False) + "\n"


def write_csv(
    records: Iterable[Mapping[str, Any]],
    *,
    fields: Iterable[str],
    json_fields: Collection[str] = (),
    list_fields: Collection[str] = (),
    separator: str = ";",
) -> Iterator[str]:
    """Serialise export dicts as CSV; read_csv reads the result back unchanged."""
    names = tuple(fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    yield drain(buffer)
    for record in records:
        row = []
        for name in names:
            value = record[name]
            if name in json_fields:
                row.append(json.dumps(value, ensure_ascii=False))
            elif name in list_fields:
                row.append(separator.join(value))
            elif value is None:
                row.append("")
            else:
                text = str(value)
                row.append("'" + text if text.startswith(FORMULA_STARTS) else text)
        writer.writerow(row)
        yield drain(buffer)


def drain(buffer: io.StringIO) -> str:
    value = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return value


# Stop listing problems after this many: the first ones are what a person fixes.
MAX_REPORTED_ERRORS = 50


class ImportRefused(ValueError):
    """An import with at least one bad record; nothing was written."""

    def __init__(self, errors: Sequence[RecordError]) -> None:
        self.errors = list(errors[:MAX_REPORTED_ERRORS])
        lines = "\n".join(str(error) for error in self.errors)
        super().__init__(f"import refused, nothing was imported:\n{lines}")


def check_records(
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    parse: Callable[[Mapping[str, Any]], T],
    *,
    key: Callable[[T], Hashable],
    key_field: str,
    unit: str = "line",
) -> tuple[list[tuple[int, T]], list[RecordError]]:
    """Parse every raw record, collecting errors instead of stopping at the first.

    Returns the parsed records with their line numbers and the errors, each
    naming its line (or CSV row: `unit`) and field; a record whose `key`
    repeats an earlier one is an error on `key_field`, and an empty file is an
    error too. Callers refuse the whole import when any error is returned.

    >>> rows = [(1, {"n": "a"}), (2, {"n": ""}), (3, {"n": "a"})]
    >>> def parse(raw):
    ...     if not raw["n"]:
    ...         raise FieldError("n", "is required")
    ...     return raw["n"]
    >>> records, errors = check_records(rows, parse, key=str, key_field="n")
    >>> [str(e) for e in errors]
    ['line 2, field n: is required', 'line 3, field n: repeats line 1']
    """
    records: list[tuple[int, T]] = []
    errors: list[RecordError] = []
    seen: dict[Hashable, int] = {}
    try:
        for line, raw in rows:
            try:
                record = parse(raw)
            except FieldError as error:
                errors.append(RecordError(line, error.field, error.message, unit))
            else:
                identity = key(record)
                if identity in seen:
                    errors.append(
                        RecordError(line, key_field, f"repeats {unit} {seen[identity]}", unit)
                    )
                else:
                    seen[identity] = line
                records.append((line, record))
            if len(errors) >= MAX_REPORTED_ERRORS:
                break
    except RecordError as error:
        errors.append(error)
    if not errors and not records:
        errors.append(RecordError(1, None, "the file holds no records", unit))
    return records, errors
