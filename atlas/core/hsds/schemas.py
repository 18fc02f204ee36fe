"""The HSDS 3.1 compiled JSON Schemas, and validators for them that work offline.

The compiled schemas (``data/hsds/3.1/schema/compiled/``) are fully dereferenced, so they
need no registry. They carry no ``$schema``; HSDS 3.x is written in JSON Schema 2020-12
(its modular schemas and OpenAPI 3.1 document say so), so we validate with Draft 2020-12.

Formats are checked too. jsonschema checks ``uuid``, ``email`` and ``date`` by itself; for
``date-time`` and ``uri`` it needs packages we do not depend on, so we add two small checks
here: RFC 3339 date-times, and URIs that start with a scheme (RFC 3986, section 3.1).

>>> problems("service", {"id": "not-a-uuid", "name": "Demo", "status": "active"})
["field 'id': 'not-a-uuid' is not a 'uuid'"]
"""

import functools
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

HSDS_DIRECTORY = Path(__file__).parent.parent / "data" / "hsds" / "3.1"
COMPILED_DIRECTORY = HSDS_DIRECTORY / "schema" / "compiled"

# RFC 3339, section 5.6: full-date "T" full-time, with a required offset.
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
CANONICAL_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
# An error message quotes the value it rejects; a hostile value may be megabytes long.
MESSAGE_LIMIT = 200

FORMAT_CHECKER = FormatChecker()
for _name in ("uuid", "email", "date"):
    FORMAT_CHECKER.checkers[_name] = Draft202012Validator.FORMAT_CHECKER.checkers[_name]


@FORMAT_CHECKER.checks("date-time")
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not DATE_TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return True


@FORMAT_CHECKER.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or URI.match(value) is not None


@functools.cache
def compiled_schema(name: str) -> dict[str, Any]:
    """Return the compiled schema ``name`` (``service``, ``organization``, …) as a dict."""
    path = COMPILED_DIRECTORY / f"{name}.json"
    with path.open(encoding="utf-8") as file:
        schema: dict[str, Any] = json.load(file)
    return schema


@functools.cache
def validator(name: str) -> Draft202012Validator:
    """Return a Draft 2020-12 validator, with format checks, for the compiled schema."""
    return Draft202012Validator(compiled_schema(name), format_checker=FORMAT_CHECKER)


# Keywords of the compiled schemas that validate nothing (annotations, Frictionless metadata).
_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "name",
        "title",
        "description",
        "example",
        "examples",
        "constraints",
        "core",
        "path",
        "datapackage_metadata",
        "tabular_required",
        "datapackage_type",
        "default",
    }
)
_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "integer": lambda value: (
        (isinstance(value, int) and not isinstance(value, bool))
        or (isinstance(value, float) and value.is_integer())
    ),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
}


class UnsupportedSchema(ValueError):
    """A schema uses a keyword the quick check does not implement."""


def _compile(schema: dict[str, Any]) -> Callable[[Any], bool]:
    """Return a function that says whether a value is valid against ``schema``.

    It implements only the keywords the compiled HSDS schemas use (type, properties,
    required, items, enum, format) with their JSON Schema 2020-12 meaning, and raises
    `UnsupportedSchema` on any other, so it can never be more lenient than jsonschema.
    The common shapes (an object, an array, a string with or without a format) get a
    function of their own, since a directory record has hundreds of values.
    """
    unknown = sorted(schema.keys() - _ANNOTATIONS - _VALIDATING)
    if unknown:
        raise UnsupportedSchema(f"keyword {unknown[0]!r} is not supported")
    kind = schema.get("type")
    if kind is not None and (not isinstance(kind, str) or kind not in _TYPES):
        raise UnsupportedSchema(f"type {kind!r} is not supported")
    if "enum" in schema and not all(isinstance(option, str) for option in schema["enum"]):
        raise UnsupportedSchema("only enums of strings are supported")
    if "items" in schema and not isinstance(schema["items"], dict):
        raise UnsupportedSchema("only a single schema under 'items' is supported")
    keywords = schema.keys() & _VALIDATING

    if kind == "object" and keywords <= {"type", "properties", "required"}:
        required = tuple(schema.get("required", ()))
        properties = {key: _compile(sub) for key, sub in schema.get("properties", {}).items()}

        def check_object(value: Any) -> bool:
            if not isinstance(value, dict):
                return False
            for key in required:
                if key not in value:
                    return False
            for key, item in value.items():
                check = properties.get(key)
                if check is not None and not check(item):
                    return False
            return True

        return check_object
    if kind == "array" and keywords <= {"type", "items"}:
        check_item = _compile(schema["items"]) if "items" in schema else _any

        def check_array(value: Any) -> bool:
            if not isinstance(value, list):
                return False
            return all(check_item(item) for item in value)

        return check_array
    if kind == "string" and keywords == {"type"}:
        return _is_string
    if kind == "string" and keywords == {"type", "format"} and schema["format"] == "uuid":
        return _is_uuid_string

    checks: list[Callable[[Any], bool]] = []
    if kind is not None:
        checks.append(_TYPES[kind])
    if "enum" in schema:
        options = frozenset(schema["enum"])
        checks.append(lambda value: isinstance(value, str) and value in options)
    if "format" in schema and schema["format"] in FORMAT_CHECKER.checkers:
        name = schema["format"]
        checks.append(lambda value: FORMAT_CHECKER.conforms(value, name))
    if "required" in schema or "properties" in schema:
        inner = _compile({**schema, "type": "object"})
        checks.append(lambda value: not isinstance(value, dict) or inner(value))
    if "items" in schema:
        inner_array = _compile({"type": "array", "items": schema["items"]})
        checks.append(lambda value: not isinstance(value, list) or inner_array(value))
    return lambda value: all(check(value) for check in checks)


_VALIDATING = frozenset({"type", "properties", "required", "items", "enum", "format"})


def _any(value: Any) -> bool:
    return True


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _is_uuid_string(value: Any) -> bool:
    # The canonical form passes jsonschema's uuid check; ask jsonschema about any other.
    return isinstance(value, str) and (
        CANONICAL_UUID.match(value) is not None or FORMAT_CHECKER.conforms(value, "uuid")
    )


@functools.cache
def quick_check(name: str) -> Callable[[Any], bool] | None:
    """Return a fast validity test for the compiled schema ``name``, or None if the schema
    uses a keyword it does not implement (then only jsonschema is used).

    jsonschema walks a full directory record in about 4 ms; this test in a tenth of that.
    It only says yes or no: every error reported comes from jsonschema, which runs on each
    record the quick test rejects. The tests check that both agree.
    """
    try:
        return _compile(compiled_schema(name))
    except UnsupportedSchema:
        return None


def field_path(parts: Any) -> str:
    """Return a jsonschema error path as ``service_at_locations[0].location.latitude``.

    >>> field_path(["service_at_locations", 0, "location", "latitude"])
    'service_at_locations[0].location.latitude'
    >>> field_path([])
    '(the object)'
    """
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(the object)"


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Return ``text`` cut to ``limit`` characters, saying how much was left out.

    >>> shorten("x" * 300, 10)
    'xxxxxxxxxx… (290 more characters)'
    """
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def iter_problems(name: str, instance: Any) -> Iterator[tuple[str, str]]:
    """Yield (field path, message) for each way ``instance`` breaks the compiled schema.

    A record the quick check accepts has no problem; any other is explained by jsonschema.
    """
    quick = quick_check(name)
    if quick is not None and quick(instance):
        return
    errors: list[ValidationError] = sorted(
        validator(name).iter_errors(instance), key=lambda error: list(map(str, error.path))
    )
    for error in errors:
        yield field_path(error.absolute_path), shorten(error.message)


def problems(name: str, instance: Any) -> list[str]:
    """Return, as text, each way ``instance`` breaks the compiled schema ``name``."""
    return [f"field {path!r}: {message}" for path, message in iter_problems(name, instance)]
