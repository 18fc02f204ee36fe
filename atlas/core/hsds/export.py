"""Export of directory entries as HSDS 3.1 JSON: the nested service objects, as the HSDS API
serves them at ``/services/{id}``, and the organization objects.

Where each fact goes:

- status-safety facts: one ``attribute`` each, linked to the service, under our
  ``access-atlas-status-safety`` taxonomy; ``value`` is the code, ``label`` reads
  "Cost: Free". Service vocabulary slugs: attributes under ``access-atlas-services``.
  Each attribute nests its ``taxonomy_term`` (so a plain reader sees the term's name and
  definition) but names the taxonomy by ``taxonomy_id`` alone: nesting the taxonomy in every
  attribute too made a record 40 % larger (`taxonomy_objects` lists the taxonomies).
- cost: also ``cost_options`` (a free service with no cost option of its own gets one
  derived "Free" option, amount 0, so plain readers see it); documents: ``required_documents``;
  languages: ``languages``; opening hours: ``schedules``; ``phones``; ``contacts``;
  locations: ``service_at_locations[].location`` with its ``addresses`` and ``accessibility``;
  a location's coarse area is an attribute ``area`` of the location, and a confidential
  location carries the status-safety attribute ``confidential`` = ``yes``.
- last verified date → ``assured_date`` ("the date that the information about the service
  was last checked"); the keeper's e-mail → ``assurer_email`` ("the contact e-mail address for
  the person or organization which last assured the service"); the keeper's name → an
  attribute ``kept-by`` (HSDS has no field for it); ``last_modified`` → ``last_modified``,
  which HSDS defines as the time of the last change, not of the last check.
- sources → ``additional_urls`` (``label`` = title, ``url`` = URL), each URL object with an
  attribute ``source`` whose value is the date accessed. Plain readers see the links.

Every export goes through `published`: a confidential location keeps only its id and coarse
area. `check_not_leaked` then searches the serialised output for the address, postcode,
coordinates and description of every confidential location of the entry and raises
`ConfidentialLocationError` if one appears anywhere (say in a description), so an editor's
slip cannot publish it.
"""

import functools
import json
import re
from collections.abc import Collection, Iterable, Iterator
from typing import Any

import pycountry

from atlas.core.hsds.model import (
    Cost,
    Entry,
    Location,
    Organization,
    Phone,
    StatusSafety,
    confidential_location_ids,
    published,
)
from atlas.core.hsds.taxonomy import (
    RECORD,
    SERVICES,
    STATUS_SAFETY,
    StatusSafetyTaxonomy,
    default_status_safety,
    derived_id,
    record_term_object,
    service_term_object,
    status_safety_term_object,
)
from atlas.core.vocabulary import Vocabulary, default_vocabulary

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# A shorter confidential string (a 3-character postcode part) would match by chance.
MIN_SECRET_LENGTH = 4
# A short free text ("Ground floor") may rightly appear elsewhere; a long one is the location's.
MIN_TEXT_LENGTH = 12
_FREE_TEXT = frozenset({"description", "transportation"})


class ConfidentialLocationError(ValueError):
    """An export would show part of a confidential location. The message names the entry,
    the location and the field, never the value."""

    def __init__(self, entry_id: str, location_id: str, field: str) -> None:
        self.entry_id = entry_id
        self.location_id = location_id
        self.field = field
        super().__init__(
            f"entry {entry_id}: the {field} of confidential location {location_id} appears in "
            "the export; remove it from the entry's other texts"
        )


def safety_values(safety: StatusSafety) -> dict[str, str]:
    """Return each status-safety fact as the code of its attribute and its value code.

    >>> safety_values(StatusSafety(cost=Cost.FREE, for_women=True))["cost"]
    'free'
    >>> safety_values(StatusSafety(for_women=True))["for-women"]
    'yes'
    """
    return {
        "open-to-all": safety.open_to_all.value,
        "status-not-asked": safety.status_not_asked.value,
        "documents": safety.documents.value,
        "cost": safety.cost.value,
        "anonymous": safety.anonymous.value,
        "data-not-passed-to-immigration": safety.data_not_passed_to_immigration.value,
        "for-women": _yes_no(safety.for_women),
        "for-children": _yes_no(safety.for_children),
        "interpreters": safety.interpreters.value,
        "confidential": _yes_no(safety.confidential),
    }


def free_cost_option_id(service_id: str) -> str:
    """Return the id of the "Free" cost option derived for a free service without its own."""
    return derived_id(service_id, "cost-option", "free")


def to_hsds(
    entries: Iterable[Entry],
    *,
    vocabulary: Vocabulary | None = None,
    status_safety: StatusSafetyTaxonomy | None = None,
) -> list[dict[str, Any]]:
    """Return each entry as an HSDS 3.1 service object in the nested shape of
    ``schema/compiled/service.json``, confidential locations redacted.

    >>> from atlas.core.hsds.model import Entry, Organization
    >>> [service] = to_hsds([Entry(
    ...     id="7d4c1a43-6f7e-4d85-9d1f-0b2f3c5e6a70", name="Demo clinic",
    ...     organization=Organization(id="2b9b4f36-2f0c-4b2b-8a36-1b9c3f6a9e10",
    ...                               name="Demo organisation", description="Demo."),
    ...     safety=StatusSafety(cost=Cost.FREE))])
    >>> service["status"], service["cost_options"][0]["amount"]
    ('active', 0)
    >>> [a["label"] for a in service["attributes"] if a["taxonomy_term"]["code"] == "cost"]
    ['Cost: Free']
    """
    vocabulary = default_vocabulary() if vocabulary is None else vocabulary
    status_safety = default_status_safety() if status_safety is None else status_safety
    entries = list(entries)
    confidential = confidential_location_ids(entries)
    services = []
    for entry in entries:
        service = _service(published(entry, confidential), vocabulary, status_safety)
        check_not_leaked(entry, service, confidential)
        services.append(service)
    return services


def to_hsds_organizations(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    """Return the HSDS 3.1 organization objects of the entries, each once, in first-seen order.

    >>> from atlas.core.hsds.model import Entry, Organization
    >>> org = Organization(id="2b9b4f36-2f0c-4b2b-8a36-1b9c3f6a9e10", name="Demo",
    ...                    description="Demo.")
    >>> entries = [Entry(id=i, name="Demo", organization=org) for i in ("a", "b")]
    >>> [o["name"] for o in to_hsds_organizations(entries)]
    ['Demo']
    """
    seen: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if entry.organization.id not in seen:
            seen[entry.organization.id] = organization_object(entry.organization)
    return list(seen.values())


def organization_object(organization: Organization) -> dict[str, Any]:
    """Return the HSDS organization object (without nested lists) of ``organization``."""
    return _compact(
        {
            "id": organization.id,
            "name": organization.name,
            "alternate_name": organization.alternate_name,
            "description": organization.description,
            "email": organization.email,
            "website": organization.website,
        }
    )


def check_not_leaked(
    entry: Entry, exported: Any, confidential: Collection[str] = frozenset()
) -> None:
    """Raise `ConfidentialLocationError` if ``exported`` (any JSON value) contains the
    address, postcode, coordinates, description or transport notes of a confidential
    location of ``entry`` (one marked so, or whose id is in ``confidential``). Ids are left
    out of the search, so a 4-digit postcode does not match inside a UUID by chance; the
    search ignores case.
    """
    secrets = list(_secrets(entry, confidential))
    if not secrets:
        return
    text = UUID_TEXT.sub("", json.dumps(exported, ensure_ascii=False).lower())
    for location_id, field, secret in secrets:
        if json.dumps(secret.lower(), ensure_ascii=False)[1:-1] in text:
            raise ConfidentialLocationError(entry.id, location_id, field)


def _secrets(entry: Entry, confidential: Collection[str]) -> Iterator[tuple[str, str, str]]:
    for location in entry.locations:
        if not (location.confidential or entry.safety.confidential or location.id in confidential):
            continue
        fields: list[tuple[str, object]] = [
            ("description", location.description),
            ("transportation", location.transportation),
            ("latitude", location.latitude),
            ("longitude", location.longitude),
        ]
        if location.address is not None:
            fields += [
                ("address line 1", location.address.address_1),
                ("address line 2", location.address.address_2),
                ("postcode", location.address.postal_code),
            ]
        for field, value in fields:
            if value is None:
                continue
            text = repr(value) if isinstance(value, float) else str(value).strip()
            shortest = MIN_TEXT_LENGTH if field in _FREE_TEXT else MIN_SECRET_LENGTH
            if len(text) >= shortest:
                yield location.id, field, text


def _service(
    entry: Entry, vocabulary: Vocabulary, status_safety: StatusSafetyTaxonomy
) -> dict[str, Any]:
    sid = entry.id
    keeper = entry.kept_by
    service = _compact(
        {
            "id": sid,
            "organization_id": entry.organization.id,
            "name": entry.name,
            "description": entry.description,
            "url": entry.url,
            "email": entry.email,
            "status": entry.status,
            "interpretation_services": entry.interpretation_services,
            "application_process": entry.application_process,
            "fees_description": entry.fees_description,
            "eligibility_description": entry.eligibility_description,
            "assured_date": entry.last_verified.isoformat() if entry.last_verified else None,
            "assurer_email": keeper.email if keeper else None,
            "last_modified": _date_time(entry),
        }
    )
    service["organization"] = organization_object(entry.organization)
    service["additional_urls"] = [
        _compact(
            {
                "id": (url_id := derived_id(sid, "source", str(index))),
                "label": source.title,
                "url": source.url,
                "service_id": sid,
                "attributes": [
                    _attribute(
                        url_id,
                        "url",
                        record_term_object("source"),
                        source.accessed.isoformat() if source.accessed else None,
                        "Source",
                        0,
                    )
                ],
            }
        )
        for index, source in enumerate(entry.sources)
    ]
    service["phones"] = [
        _phone(phone, sid, index, service_id=sid) for index, phone in enumerate(entry.phones)
    ]
    service["contacts"] = [
        _compact(
            {
                "id": (contact_id := derived_id(sid, "contact", str(index))),
                "service_id": sid,
                "name": contact.name,
                "title": contact.title,
                "department": contact.department,
                "email": contact.email,
                "phones": [
                    _phone(phone, contact_id, number, contact_id=contact_id)
                    for number, phone in enumerate(contact.phones)
                ],
            }
        )
        for index, contact in enumerate(entry.contacts)
    ]
    service["schedules"] = [
        _compact(
            {
                "id": derived_id(sid, "schedule", str(index)),
                "service_id": sid,
                "freq": schedule.freq,
                "byday": schedule.byday,
                "opens_at": _time(schedule.opens_at),
                "closes_at": _time(schedule.closes_at),
                "valid_from": schedule.valid_from.isoformat() if schedule.valid_from else None,
                "valid_to": schedule.valid_to.isoformat() if schedule.valid_to else None,
                "description": schedule.description,
            }
        )
        for index, schedule in enumerate(entry.schedules)
    ]
    service["languages"] = [
        _compact(
            {
                "id": derived_id(sid, "language", code),
                "service_id": sid,
                "name": language_name(code),
                "code": code,
            }
        )
        for code in dict.fromkeys(entry.languages)
    ]
    cost_options = [
        _compact(
            {
                "id": derived_id(sid, "cost-option", str(index)),
                "service_id": sid,
                "option": option.option,
                "amount": option.amount,
                "currency": option.currency,
                "amount_description": option.amount_description,
            }
        )
        for index, option in enumerate(entry.cost_options)
    ]
    if not cost_options and entry.safety.cost is Cost.FREE:
        cost_options = [
            {
                "id": free_cost_option_id(sid),
                "service_id": sid,
                "option": "Free",
                "amount": 0,
                "amount_description": "Free of charge",
            }
        ]
    service["cost_options"] = cost_options
    service["required_documents"] = [
        _compact(
            {
                "id": derived_id(sid, "required-document", str(index)),
                "service_id": sid,
                "document": document.document,
                "uri": document.uri,
            }
        )
        for index, document in enumerate(entry.required_documents)
    ]
    service["service_at_locations"] = [
        {
            "id": derived_id(sid, "service-at-location", location.id),
            "service_id": sid,
            "location_id": location.id,
            "location": _location(location, entry.organization.id, status_safety),
        }
        for location in entry.locations
    ]
    attributes = []
    for code, value in safety_values(entry.safety).items():
        term = status_safety.term(code)
        label = f"{term.label('en')}: {status_safety.value_label(value, 'en')}"
        attributes.append(
            _attribute(
                sid, "service", status_safety_term_object(code, status_safety), value, label, 0
            )
        )
    for slug in dict.fromkeys(entry.services):
        attributes.append(
            _attribute(
                sid,
                "service",
                service_term_object(slug, vocabulary),
                None,
                vocabulary.get("service", slug).label("en"),
                0,
            )
        )
    if keeper is not None:
        attributes.append(
            _attribute(sid, "service", record_term_object("kept-by"), keeper.name, "Kept by", 0)
        )
    service["attributes"] = attributes
    return service


def _location(
    location: Location, organization_id: str, status: StatusSafetyTaxonomy
) -> dict[str, Any]:
    lid = location.id
    result = _compact(
        {
            "id": lid,
            "location_type": "physical",
            "organization_id": organization_id,
            "name": location.name,
            "description": location.description,
            "transportation": location.transportation,
            "latitude": location.latitude,
            "longitude": location.longitude,
        }
    )
    address = location.address
    result["addresses"] = (
        []
        if address is None
        else [
            _compact(
                {
                    "id": derived_id(lid, "address"),
                    "location_id": lid,
                    "address_1": address.address_1,
                    "address_2": address.address_2,
                    "city": address.city,
                    "region": address.region,
                    "state_province": address.state_province,
                    "postal_code": address.postal_code,
                    "country": address.country,
                    "address_type": "physical",
                }
            )
        ]
    )
    result["accessibility"] = [
        _compact(
            {
                "id": derived_id(lid, "accessibility", str(index)),
                "location_id": lid,
                "description": accessibility.description,
                "details": accessibility.details,
                "url": accessibility.url,
            }
        )
        for index, accessibility in enumerate(location.accessibility)
    ]
    attributes = []
    if location.area is not None:
        attributes.append(
            _attribute(lid, "location", record_term_object("area"), location.area, "Area", 0)
        )
    if location.confidential:
        attributes.append(
            _attribute(
                lid,
                "location",
                status_safety_term_object("confidential", status),
                "yes",
                status.term("confidential").label("en"),
                0,
            )
        )
    result["attributes"] = attributes
    return result


def _phone(phone: Phone, parent_id: str, index: int, **link: str) -> dict[str, Any]:
    return _compact(
        {
            "id": derived_id(parent_id, "phone", str(index)),
            **link,
            "number": phone.number,
            "extension": phone.extension,
            "type": phone.type,
            "description": phone.description,
        }
    )


def _attribute(
    link_id: str,
    link_entity: str,
    term: dict[str, Any],
    value: str | None,
    label: str | None,
    index: int,
) -> dict[str, Any]:
    return _compact(
        {
            "id": derived_id(link_id, "attribute", term["taxonomy"], term["code"], str(index)),
            "link_id": link_id,
            "link_entity": link_entity,
            "taxonomy_term_id": term["id"],
            "taxonomy_term": term,
            "value": value,
            "label": label,
        }
    )


@functools.cache
def language_name(code: str) -> str | None:
    """Return the English name of the ISO 639 language ``code``, or None if unknown.

    >>> language_name("ar"), language_name("fas"), language_name("zz")
    ('Arabic', 'Persian', None)
    """
    key = "alpha_2" if len(code) == 2 else "alpha_3"
    language = pycountry.languages.get(**{key: code})
    return None if language is None else str(language.name)


def _date_time(entry: Entry) -> str | None:
    if entry.last_modified is None:
        return None
    if entry.last_modified.utcoffset() is None:
        raise ValueError(f"entry {entry.id}: last_modified needs a time zone (HSDS uses RFC 3339)")
    return entry.last_modified.isoformat()


def _time(value: Any) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds")


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    """Drop the fields that are None: HSDS types have no null."""
    return {key: value for key, value in values.items() if value is not None}


__all__ = [
    "RECORD",
    "SERVICES",
    "STATUS_SAFETY",
    "ConfidentialLocationError",
    "check_not_leaked",
    "free_cost_option_id",
    "language_name",
    "organization_object",
    "safety_values",
    "to_hsds",
    "to_hsds_organizations",
]
