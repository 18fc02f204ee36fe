"""Export of directory entries as an HSDS 3.1 Tabular Data Package: one CSV per table and a
``datapackage.json``.

The tables are the nested service objects of `to_hsds` laid flat, so the tabular package
publishes exactly what the JSON publishes, with confidential locations already redacted and
checked. Each CSV has the columns of its resource in the upstream descriptor
(``data/hsds/3.1/datapackage.json``), in the same order; our ``datapackage.json`` is the
upstream descriptor with our own name and title.

Two upstream resources are left out: ``unit`` and ``service_capacity``. In this copy of
HSDS 3.1 their schemas lack the tabular metadata, so the descriptor gives ``unit`` no fields
and ``service_capacity`` only two, with a primary key that is not one of them; a validator
reports both as schema errors (fixed upstream after 3.1, openreferral/specification #528).
We publish no capacities, so nothing is lost.

Cells are written as they are, with no apostrophe before a leading ``=``, ``+``, ``-`` or ``@``
as our own CSV exports add against spreadsheet formulas: phone numbers start with ``+``,
and an HSDS reader must get the standard's values back unchanged.
"""

import copy
import csv
import functools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from atlas.core.hsds.export import to_hsds
from atlas.core.hsds.model import Entry
from atlas.core.hsds.schemas import HSDS_DIRECTORY
from atlas.core.hsds.taxonomy import StatusSafetyTaxonomy, default_status_safety, taxonomy_objects
from atlas.core.vocabulary import Vocabulary, default_vocabulary

LEFT_OUT_RESOURCES: frozenset[str] = frozenset({"unit", "service_capacity"})


@functools.cache
def upstream_descriptor() -> dict[str, Any]:
    """Return the upstream HSDS 3.1 ``datapackage.json`` as shipped (do not change it)."""
    with (HSDS_DIRECTORY / "datapackage.json").open(encoding="utf-8") as file:
        descriptor: dict[str, Any] = json.load(file)
    return descriptor


def package_descriptor() -> dict[str, Any]:
    """Return our package descriptor: upstream's, without ``unit`` and ``service_capacity``.

    >>> names = [resource["name"] for resource in package_descriptor()["resources"]]
    >>> len(names), "unit" in names, names[:3]
    (22, False, ['organization', 'program', 'service'])
    """
    upstream = upstream_descriptor()
    return {
        "profile": upstream["profile"],
        "name": "access-atlas-directory",
        "title": "Access Atlas service directory (HSDS 3.1)",
        "description": "Services that people can use whatever their migration status, with "
        "status-safety facts, in the Human Services Data Specification 3.1 (Open Referral).",
        "resources": [
            copy.deepcopy(resource)
            for resource in upstream["resources"]
            if resource["name"] not in LEFT_OUT_RESOURCES
        ],
    }


def tables(
    entries: Iterable[Entry],
    *,
    vocabulary: Vocabulary | None = None,
    status_safety: StatusSafetyTaxonomy | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Return the HSDS objects of the entries by table (resource) name, each object once."""
    found: dict[str, dict[str, dict[str, Any]]] = {
        resource["name"]: {} for resource in package_descriptor()["resources"]
    }

    def add(table: str, item: dict[str, Any], **links: str) -> None:
        found[table].setdefault(item["id"], {**item, **links})

    vocabulary = default_vocabulary() if vocabulary is None else vocabulary
    status_safety = default_status_safety() if status_safety is None else status_safety
    taxonomies = {item["id"]: item for item in taxonomy_objects(vocabulary, status_safety)}

    def add_attributes(item: dict[str, Any]) -> None:
        for attribute in item.get("attributes", []):
            add("attribute", attribute)
            term = attribute["taxonomy_term"]
            add("taxonomy_term", term)
            add("taxonomy", taxonomies[term["taxonomy_id"]])

    for service in to_hsds(entries, vocabulary=vocabulary, status_safety=status_safety):
        sid = service["id"]
        add("service", service)
        add("organization", service["organization"])
        add_attributes(service)
        for url in service["additional_urls"]:
            add("url", url, service_id=sid)
            add_attributes(url)
        for phone in service["phones"]:
            add("phone", phone, service_id=sid)
        for contact in service["contacts"]:
            add("contact", contact, service_id=sid)
            for phone in contact["phones"]:
                add("phone", phone, contact_id=contact["id"])
        for table, key in (
            ("schedule", "schedules"),
            ("language", "languages"),
            ("cost_option", "cost_options"),
            ("required_document", "required_documents"),
        ):
            for item in service[key]:
                add(table, item, service_id=sid)
        for link in service["service_at_locations"]:
            add("service_at_location", link)
            location = link["location"]
            add("location", location)
            add_attributes(location)
            for address in location["addresses"]:
                add("address", address, location_id=location["id"])
            for accessibility in location["accessibility"]:
                add("accessibility", accessibility, location_id=location["id"])
    return {name: list(items.values()) for name, items in found.items()}


def to_tabular(
    entries: Iterable[Entry],
    directory: Path,
    *,
    vocabulary: Vocabulary | None = None,
    status_safety: StatusSafetyTaxonomy | None = None,
) -> Path:
    """Write the entries as an HSDS 3.1 Tabular Data Package in ``directory`` (created if
    needed) and return the path of its ``datapackage.json``. Every table of the descriptor
    gets its CSV file, with the header alone if it has no rows.
    """
    # Build every row first: an export refused (a confidential location) writes nothing.
    rows = tables(entries, vocabulary=vocabulary, status_safety=status_safety)
    descriptor = package_descriptor()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for resource in descriptor["resources"]:
        fields = [field["name"] for field in resource["schema"]["fields"]]
        with (directory / resource["path"]).open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(fields)
            for item in rows[resource["name"]]:
                writer.writerow([_cell(item.get(name)) for name in fields])
    path = directory / "datapackage.json"
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)
