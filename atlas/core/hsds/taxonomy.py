"""Our HSDS taxonomies, and the ids derived from their codes.

Facts HSDS has no field for travel as HSDS ``attribute`` objects, each pointing to a
``taxonomy_term`` of one of three taxonomies of ours:

- ``access-atlas-status-safety``: the status-safety facts, read from the versioned data
  file ``data/hsds/status-safety.toml`` with labels in the eight languages;
- ``access-atlas-services``: the services of the shared vocabulary (sector → service);
- ``access-atlas-record``: how the record is kept (its sources, the keeping organisation,
  the coarse area of a location). These are for machines, so they have English names only.

Every id is a UUID 5 of a fixed namespace and a readable key, so the same taxonomy term has
the same id in every feed we publish, and a plain HSDS reader sees ordinary, valid objects.

>>> term_id(STATUS_SAFETY, "cost")
'ab7a31f5-6542-512f-be8d-86ecf47e037d'
>>> default_status_safety().term("cost").values
('free', 'reduced', 'paid', 'unknown')
>>> default_status_safety().value_label("by-law", "es")
'Sí, por ley'
"""

import functools
import hashlib
import tomllib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from atlas.core.datafiles import DataFileError
from atlas.core.languages import LANGUAGES
from atlas.core.vocabulary import Vocabulary

# Fixed for ever: every id of every feed we publish is derived from it.
NAMESPACE = uuid.UUID("6b1f0c55-3d2e-4f4a-9a63-2f7d8e5c9b10")
_NAMESPACE_BYTES = NAMESPACE.bytes

STATUS_SAFETY = "access-atlas-status-safety"
SERVICES = "access-atlas-services"
RECORD = "access-atlas-record"

# The record taxonomy: what each term carries, as its description says.
RECORD_TERMS: Mapping[str, str] = MappingProxyType(
    {
        "source": "The URL object is a source of the record's facts; the value is the date "
        "the source was accessed (YYYY-MM-DD), if known.",
        "kept-by": "The value is the name of the organisation that keeps the record up to date.",
        "area": "The value is the coarse area (city or district) of the location.",
    }
)

DEFAULT_STATUS_SAFETY_PATH = Path(__file__).parent.parent / "data" / "hsds" / "status-safety.toml"

_META_KEYS = frozenset({"version", "code", "name", "description"})
_TERM_KEYS = frozenset({"code", "values", "labels", "definition"})
_VALUE_KEYS = frozenset({"code", "labels"})


class TaxonomyError(DataFileError):
    """A status-safety taxonomy file that breaks a rule; the message names file and key.

    >>> str(TaxonomyError("missing label", file=Path("status-safety.toml"),
    ...                   key="term.cost.labels.fa"))
    "status-safety.toml, key 'term.cost.labels.fa': missing label"
    """


def derived_id(*parts: str) -> str:
    """Return the UUID 5 of ``parts`` joined by "/" in our namespace, as HSDS text.

    >>> derived_id("taxonomy", "access-atlas-record") == str(
    ...     uuid.uuid5(NAMESPACE, "taxonomy/access-atlas-record"))
    True
    """
    # uuid.uuid5, spelt out: a directory record needs some forty ids, and this is 3× faster.
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + "/".join(parts).encode()).digest()[:16])  # noqa: S324 (RFC 4122 names SHA-1 for UUID 5)
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@functools.cache
def taxonomy_id(taxonomy: str) -> str:
    """Return the HSDS id of our taxonomy ``taxonomy``."""
    return derived_id("taxonomy", taxonomy)


@functools.cache
def term_id(taxonomy: str, code: str) -> str:
    """Return the HSDS id of the term ``code`` of our taxonomy ``taxonomy``."""
    return derived_id("taxonomy", taxonomy, "term", code)


@dataclass(frozen=True)
class SafetyTerm:
    """One status-safety fact: its code, the values it may take, its labels."""

    code: str
    values: tuple[str, ...]
    labels: Mapping[str, str] = field(hash=False)
    definition: str

    def label(self, language: str) -> str:
        """Return the term's label in ``language``, or in English for another language."""
        return self.labels.get(language) or self.labels["en"]


@dataclass(frozen=True)
class StatusSafetyTaxonomy:
    """The status-safety taxonomy of one version; build it with `load_status_safety`."""

    version: str
    code: str
    name: str
    description: str
    terms: Mapping[str, SafetyTerm] = field(hash=False, repr=False)
    value_labels: Mapping[str, Mapping[str, str]] = field(hash=False, repr=False)

    def term(self, code: str) -> SafetyTerm:
        """Return the term ``code``; raise KeyError naming it if there is none."""
        try:
            return self.terms[code]
        except KeyError:
            raise KeyError(f"no status-safety term {code!r} in version {self.version}") from None

    def value_label(self, value: str, language: str) -> str:
        """Return the label of the value ``value`` in ``language`` (English as fallback)."""
        labels = self.value_labels[value]
        return labels.get(language) or labels["en"]


def load_status_safety(path: Path | None = None) -> StatusSafetyTaxonomy:
    """Read and check the status-safety taxonomy file (default: the shipped one).

    Raise `TaxonomyError` at the first broken rule: not TOML, an unknown or missing key, a
    missing label in one of the eight languages, a duplicate code, a term value that is not
    declared as a [[value]].
    """
    path = DEFAULT_STATUS_SAFETY_PATH if path is None else Path(path)
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise TaxonomyError(f"not valid TOML: {error}", file=path) from error
    unknown = sorted(data.keys() - {"meta", "term", "value"})
    if unknown:
        raise TaxonomyError("unknown table", file=path, key=unknown[0])
    meta = data.get("meta")
    if not isinstance(meta, dict):
        raise TaxonomyError("missing [meta] table", file=path, key="meta")
    for key in sorted(meta.keys() ^ _META_KEYS):
        problem = "unknown key" if key in meta else "missing key"
        raise TaxonomyError(problem, file=path, key=f"meta.{key}")
    for key in sorted(_META_KEYS):
        if not isinstance(meta[key], str) or not meta[key].strip():
            raise TaxonomyError("must be non-empty text", file=path, key=f"meta.{key}")
    if meta["code"] != STATUS_SAFETY:
        # The ids of every published term derive from this code: it cannot change.
        raise TaxonomyError(f"the code must be {STATUS_SAFETY!r}", file=path, key="meta.code")

    value_labels: dict[str, Mapping[str, str]] = {}
    for position, raw in enumerate(data.get("value", []), start=1):
        code = _code(raw, path, f"value[{position}]", _VALUE_KEYS)
        if code in value_labels:
            raise TaxonomyError("duplicate value code", file=path, key=f"value.{code}")
        value_labels[code] = _labels(raw, path, f"value.{code}")

    terms: dict[str, SafetyTerm] = {}
    for position, raw in enumerate(data.get("term", []), start=1):
        code = _code(raw, path, f"term[{position}]", _TERM_KEYS)
        if code in terms:
            raise TaxonomyError("duplicate term code", file=path, key=f"term.{code}")
        values = raw.get("values")
        if not isinstance(values, list) or not values:
            raise TaxonomyError("missing values", file=path, key=f"term.{code}.values")
        for value in values:
            if value not in value_labels:
                raise TaxonomyError(
                    f"value {value!r} has no [[value]] entry", file=path, key=f"term.{code}.values"
                )
        definition = raw.get("definition")
        if not isinstance(definition, str) or not definition.strip():
            raise TaxonomyError("missing definition", file=path, key=f"term.{code}.definition")
        terms[code] = SafetyTerm(
            code=code,
            values=tuple(values),
            labels=_labels(raw, path, f"term.{code}"),
            definition=definition.strip(),
        )
    if not terms:
        raise TaxonomyError("no [[term]] entries", file=path, key="term")
    return StatusSafetyTaxonomy(
        version=meta["version"],
        code=meta["code"],
        name=meta["name"],
        description=meta["description"],
        terms=MappingProxyType(terms),
        value_labels=MappingProxyType(value_labels),
    )


@functools.cache
def default_status_safety() -> StatusSafetyTaxonomy:
    """Return the shipped status-safety taxonomy, loaded and checked once per process."""
    return load_status_safety(DEFAULT_STATUS_SAFETY_PATH)


def _code(raw: Any, path: Path, where: str, allowed: frozenset[str]) -> str:
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
        raise TaxonomyError("missing code", file=path, key=where)
    code: str = raw["code"]
    unknown = sorted(raw.keys() - allowed)
    if unknown:
        raise TaxonomyError("unknown key", file=path, key=f"{where}.{unknown[0]}")
    return code


def _labels(raw: dict[str, Any], path: Path, where: str) -> Mapping[str, str]:
    labels = raw.get("labels")
    if not isinstance(labels, dict):
        raise TaxonomyError("missing labels", file=path, key=f"{where}.labels")
    for language in LANGUAGES:
        label = labels.get(language)
        if not isinstance(label, str) or not label.strip():
            raise TaxonomyError("missing label", file=path, key=f"{where}.labels.{language}")
    unknown = sorted(labels.keys() - set(LANGUAGES))
    if unknown:
        raise TaxonomyError("unknown language", file=path, key=f"{where}.labels.{unknown[0]}")
    return MappingProxyType({language: labels[language] for language in LANGUAGES})


# HSDS objects ------------------------------------------------------------------------------
# Term objects are built once per process and copied per use: a directory record carries a
# dozen attributes, each with its term.

SERVICES_NAME = "Access Atlas services"
SERVICES_DESCRIPTION = "The services of the Access Atlas shared vocabulary, by sector."
RECORD_NAME = "Access Atlas record keeping"
RECORD_DESCRIPTION = (
    "How an Access Atlas directory record is kept: its sources, its keeper, the coarse area "
    "of a location."
)
RECORD_VERSION = "1"


def taxonomy_objects(vocabulary: Vocabulary, status: StatusSafetyTaxonomy) -> list[dict[str, Any]]:
    """Return the HSDS ``taxonomy`` objects of our three taxonomies.

    An attribute's nested ``taxonomy_term`` names its taxonomy by ``taxonomy_id`` only (the
    tabular package and the API publish these objects once), which keeps each record small.
    """
    return [
        taxonomy_object(STATUS_SAFETY, status.name, status.description, status.version),
        taxonomy_object(SERVICES, SERVICES_NAME, SERVICES_DESCRIPTION, vocabulary.version),
        taxonomy_object(RECORD, RECORD_NAME, RECORD_DESCRIPTION, RECORD_VERSION),
    ]


def taxonomy_object(taxonomy: str, name: str, description: str, version: str) -> dict[str, Any]:
    """Return the HSDS ``taxonomy`` object of our taxonomy ``taxonomy``."""
    return {
        "id": taxonomy_id(taxonomy),
        "name": name,
        "description": description,
        "version": version,
    }


def status_safety_term_object(code: str, status: StatusSafetyTaxonomy) -> dict[str, Any]:
    """Return the HSDS ``taxonomy_term`` object of the status-safety fact ``code``."""
    return dict(_status_safety_term_object(code, status))


@functools.cache
def _status_safety_term_object(code: str, status: StatusSafetyTaxonomy) -> dict[str, Any]:
    term = status.term(code)
    return _term_object(STATUS_SAFETY, code, term.label("en"), term.definition)


def service_term_object(slug: str, vocabulary: Vocabulary) -> dict[str, Any]:
    """Return the HSDS ``taxonomy_term`` object of the vocabulary service ``slug``; raise
    KeyError naming a slug the vocabulary lacks."""
    return dict(_service_term_object(slug, vocabulary))


@functools.cache
def _service_term_object(slug: str, vocabulary: Vocabulary) -> dict[str, Any]:
    term = vocabulary.get("service", slug)
    result = _term_object(SERVICES, slug, term.label("en"), term.definition)
    if term.parent is not None:
        result["parent_id"] = term_id(SERVICES, term.parent)
    return result


def record_term_object(code: str) -> dict[str, Any]:
    """Return the HSDS ``taxonomy_term`` object of the record term ``code``."""
    return dict(_record_term_object(code))


@functools.cache
def _record_term_object(code: str) -> dict[str, Any]:
    return _term_object(RECORD, code, code, RECORD_TERMS[code])


def _term_object(taxonomy: str, code: str, name: str, description: str) -> dict[str, Any]:
    return {
        "id": term_id(taxonomy, code),
        "code": code,
        "name": name,
        "description": description,
        "taxonomy": taxonomy,
        "taxonomy_id": taxonomy_id(taxonomy),
        "language": "en",
    }
