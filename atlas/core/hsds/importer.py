"""Import of HSDS 3.1 JSON into directory entries, all or nothing.

`from_hsds` takes parsed JSON: one service object in the nested shape of
``schema/compiled/service.json``, a list of them, or an API page (``{"contents": [...]}``).
Every record is first validated against the compiled schema, then read into an `Entry`;
every problem of every record is collected, and if there is one, `HsdsImportError` lists
them all (record index from 0, its id, the field path) and nothing is returned.

What is read, and what is left out (on purpose, so the rules are simple to state):

- Our own attributes (status-safety facts, vocabulary services, keeper, sources, areas) map
  back to the model; a status-safety value outside its term's values is an error.
  Attributes of other taxonomies are ignored: the finder has nothing to show them with.
- A service needs its nested ``organization`` (with ``organization_id`` alone we cannot name
  the provider). Locations are read from ``service_at_locations[].location``; a
  service_at_location without a nested location is skipped. A location's address is its
  first ``physical`` address, else its first address.
- Phones, contacts, schedules, cost options and required documents are read from the
  service itself; those nested in locations or in service_at_location are not.
- ``additional_urls`` become sources only when they carry our ``source`` attribute; other
  URLs, ``assurer_email`` without our ``kept-by`` attribute, programs, funding, service areas,
  capacities and metadata are ignored. Languages without a ``code`` are skipped; a code that
  is not ISO 639 is an error.
- A string longer than `MAX_TEXT_LENGTH` anywhere in a record is an error: no field of a
  directory entry needs one, and it keeps a hostile file from filling the database.

>>> from_hsds({"contents": []})
[]
>>> try:  # doctest: +ELLIPSIS
...     from_hsds([{"id": "7d4c1a43-6f7e-4d85-9d1f-0b2f3c5e6a70", "name": "Demo", "status": "?"}])
... except HsdsImportError as error:
...     print(str(error).splitlines()[0])
...     for problem in error.problems:
...         print(problem)
2 problems in the HSDS data; nothing was imported:
record 0 (id 7d4c1a43-6f7e-4d85-9d1f-0b2f3c5e6a70), field 'status': '?' is not one of [...]
record 0 (id 7d4c1a43-6f7e-4d85-9d1f-0b2f3c5e6a70), field 'organization': a service needs its...
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from atlas.core.hsds.export import free_cost_option_id, language_name, safety_values
from atlas.core.hsds.model import (
    Accessibility,
    Address,
    Contact,
    Cost,
    CostOption,
    DataSharing,
    Documents,
    Entry,
    Keeper,
    Location,
    Organization,
    Phone,
    RequiredDocument,
    Schedule,
    Source,
    StatusSafety,
    Tristate,
)
from atlas.core.hsds.schemas import field_path, iter_problems, shorten
from atlas.core.hsds.taxonomy import (
    RECORD,
    RECORD_TERMS,
    SERVICES,
    STATUS_SAFETY,
    StatusSafetyTaxonomy,
    default_status_safety,
    term_id,
)
from atlas.core.vocabulary import Vocabulary, default_vocabulary

MAX_TEXT_LENGTH = 20_000
# The message lists this many problems; all of them are in HsdsImportError.problems.
MAX_LISTED = 50


@dataclass(frozen=True)
class Problem:
    """One reason a record cannot be imported: where (record index and id, field path) and why."""

    record: int
    record_id: str | None
    field: str
    message: str

    def __str__(self) -> str:
        who = "no id" if self.record_id is None else f"id {shorten(self.record_id, 40)}"
        return f"record {self.record} ({who}), field {self.field!r}: {self.message}"


class HsdsImportError(ValueError):
    """HSDS data that cannot be imported; ``problems`` lists every reason, in record order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        lines = [str(problem) for problem in problems[:MAX_LISTED]]
        if count > MAX_LISTED:
            lines.append(f"… and {count - MAX_LISTED} more")
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            f"{count} {noun} in the HSDS data; nothing was imported:\n" + "\n".join(lines)
        )


class _RecordError(Exception):
    """A problem found while reading one record into the model."""

    def __init__(self, path: list[str | int], message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def from_hsds(
    data: Any,
    *,
    vocabulary: Vocabulary | None = None,
    status_safety: StatusSafetyTaxonomy | None = None,
) -> list[Entry]:
    """Return the entries of HSDS 3.1 service data; raise `HsdsImportError` listing every
    problem, and return nothing, if any record is invalid.

    ``data`` is parsed JSON: a service object, a list of them, or a page with ``contents``.
    """
    vocabulary = default_vocabulary() if vocabulary is None else vocabulary
    status_safety = default_status_safety() if status_safety is None else status_safety
    records = _records(data)
    reader = _Reader(vocabulary, status_safety)
    problems: list[Problem] = []
    entries: list[Entry] = []
    for index, record in enumerate(records):
        record_id = record.get("id") if isinstance(record, dict) else None
        record_id = record_id if isinstance(record_id, str) else None
        found = [
            Problem(
                index,
                record_id,
                field_path(path),
                f"text of {length:,} characters is longer than the {MAX_TEXT_LENGTH:,} allowed",
            )
            for path, length in _long_texts(record, [])
        ]
        found += [
            Problem(index, record_id, path, message)
            for path, message in iter_problems("service", record)
        ]
        if not found:
            try:
                entries.append(reader.entry(record))
            except _RecordError as error:
                found.append(Problem(index, record_id, field_path(error.path), error.message))
        elif isinstance(record, dict) and "organization" not in record:
            found.append(Problem(index, record_id, "organization", _NO_ORGANIZATION))
        problems += found
    if problems:
        raise HsdsImportError(problems)
    return entries


_NO_ORGANIZATION = "a service needs its nested organization"


def _records(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if "contents" in data:
            contents = data["contents"]
            if not isinstance(contents, list):
                raise HsdsImportError(
                    [Problem(0, None, "contents", "a page's contents must be a list")]
                )
            return contents
        return [data]
    raise HsdsImportError(
        [
            Problem(
                0,
                None,
                "(the data)",
                f"expected a service object, a list of them or a page with contents, "
                f"got {type(data).__name__}",
            )
        ]
    )


def _long_texts(value: Any, path: list[str | int]) -> Iterator[tuple[list[str | int], int]]:
    """Yield (path, length) of every string longer than MAX_TEXT_LENGTH in ``value``."""
    pending: list[tuple[Any, list[str | int]]] = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if isinstance(child, str):
                    if len(child) > MAX_TEXT_LENGTH:
                        yield [*where, str(key)], len(child)
                elif isinstance(child, dict | list):
                    pending.append((child, [*where, str(key)]))
        elif isinstance(item, list):
            for position, child in enumerate(item):
                if isinstance(child, str):
                    if len(child) > MAX_TEXT_LENGTH:
                        yield [*where, position], len(child)
                elif isinstance(child, dict | list):
                    pending.append((child, [*where, position]))
        elif isinstance(item, str) and len(item) > MAX_TEXT_LENGTH:
            yield where, len(item)


class _Reader:
    """Reads one schema-valid service object into an Entry."""

    def __init__(self, vocabulary: Vocabulary, status_safety: StatusSafetyTaxonomy) -> None:
        self.status_safety = status_safety
        self.safety_terms = {term_id(STATUS_SAFETY, code): code for code in status_safety.terms}
        self.service_terms = {
            term_id(SERVICES, term.slug): term.slug for term in vocabulary.terms("service")
        }
        self.record_terms = {term_id(RECORD, code): code for code in RECORD_TERMS}

    def entry(self, raw: dict[str, Any]) -> Entry:
        sid = raw["id"]
        organization = raw.get("organization")
        if organization is None:
            raise _RecordError(["organization"], _NO_ORGANIZATION)
        facts: dict[str, str] = {}
        services: list[str] = []
        keeper_name: str | None = None
        for position, attribute in enumerate(raw.get("attributes", [])):
            path: list[str | int] = ["attributes", position]
            kind, code = self._term(attribute)
            value = attribute.get("value")
            if kind == STATUS_SAFETY:
                allowed = self.status_safety.term(code).values
                if value not in allowed:
                    raise _RecordError(
                        [*path, "value"],
                        f"{shorten(repr(value), 60)} is not a value of {code!r}; "
                        f"expected one of {', '.join(allowed)}",
                    )
                if facts.get(code, value) != value:
                    raise _RecordError([*path, "value"], f"{code!r} is given twice, differently")
                facts[code] = value
            elif kind == SERVICES:
                if code not in services:
                    services.append(code)
            elif kind == RECORD and code == "kept-by":
                keeper_name = self._text(value, [*path, "value"])
        return Entry(
            id=sid,
            name=raw["name"],
            organization=Organization(
                id=organization["id"],
                name=organization["name"],
                description=organization["description"],
                alternate_name=organization.get("alternate_name"),
                website=organization.get("website"),
                email=organization.get("email"),
            ),
            description=raw.get("description"),
            status=raw["status"],
            url=raw.get("url"),
            email=raw.get("email"),
            services=tuple(services),
            languages=tuple(self._languages(raw.get("languages", []))),
            interpretation_services=raw.get("interpretation_services"),
            application_process=raw.get("application_process"),
            eligibility_description=raw.get("eligibility_description"),
            fees_description=raw.get("fees_description"),
            cost_options=tuple(
                CostOption(
                    option=option.get("option"),
                    amount=_number(option.get("amount")),
                    currency=option.get("currency"),
                    amount_description=option.get("amount_description"),
                )
                for option in raw.get("cost_options", [])
                if option["id"] != free_cost_option_id(sid)
            ),
            required_documents=tuple(
                RequiredDocument(document=document["document"], uri=document.get("uri"))
                for document in raw.get("required_documents", [])
                if "document" in document
            ),
            schedules=tuple(
                self._schedule(schedule, ["schedules", position])
                for position, schedule in enumerate(raw.get("schedules", []))
            ),
            phones=tuple(
                self._phone(phone, ["phones", position])
                for position, phone in enumerate(raw.get("phones", []))
            ),
            contacts=tuple(
                Contact(
                    name=contact.get("name"),
                    title=contact.get("title"),
                    department=contact.get("department"),
                    email=contact.get("email"),
                    phones=tuple(
                        self._phone(phone, ["contacts", position, "phones", number])
                        for number, phone in enumerate(contact.get("phones", []))
                    ),
                )
                for position, contact in enumerate(raw.get("contacts", []))
            ),
            locations=tuple(
                self._location(link["location"], ["service_at_locations", position, "location"])
                for position, link in enumerate(raw.get("service_at_locations", []))
                if "location" in link
            ),
            safety=self._safety(facts),
            sources=tuple(self._sources(raw.get("additional_urls", []))),
            last_verified=_date(raw.get("assured_date"), ["assured_date"]),
            kept_by=(
                None if keeper_name is None else Keeper(keeper_name, raw.get("assurer_email"))
            ),
            last_modified=(
                datetime.fromisoformat(raw["last_modified"].replace("z", "Z"))
                if "last_modified" in raw
                else None
            ),
        )

    def _term(self, attribute: dict[str, Any]) -> tuple[str | None, str]:
        """Return (our taxonomy, term code) of an attribute, or (None, "") for another's."""
        identifier = attribute.get("taxonomy_term_id")
        if identifier is None:
            identifier = attribute.get("taxonomy_term", {}).get("id")
        for kind, terms in (
            (STATUS_SAFETY, self.safety_terms),
            (SERVICES, self.service_terms),
            (RECORD, self.record_terms),
        ):
            if identifier in terms:
                return kind, terms[identifier]
        return None, ""

    def _record_code(self, attributes: list[dict[str, Any]]) -> dict[str, Any]:
        """Return our record and status-safety attributes of a nested object, by code."""
        found: dict[str, Any] = {}
        for attribute in attributes:
            kind, code = self._term(attribute)
            if kind in (RECORD, STATUS_SAFETY):
                found[code] = attribute.get("value")
        return found

    def _safety(self, facts: dict[str, str]) -> StatusSafety:
        default = safety_values(StatusSafety())
        value = {**default, **facts}
        return StatusSafety(
            open_to_all=Tristate(value["open-to-all"]),
            status_not_asked=Tristate(value["status-not-asked"]),
            documents=Documents(value["documents"]),
            cost=Cost(value["cost"]),
            anonymous=Tristate(value["anonymous"]),
            data_not_passed_to_immigration=DataSharing(value["data-not-passed-to-immigration"]),
            for_women=value["for-women"] == "yes",
            for_children=value["for-children"] == "yes",
            interpreters=Tristate(value["interpreters"]),
            confidential=value["confidential"] == "yes",
        )

    def _sources(self, urls: list[dict[str, Any]]) -> Iterator[Source]:
        for position, url in enumerate(urls):
            codes = self._record_code(url.get("attributes", []))
            if "source" not in codes:
                continue
            accessed = codes["source"]
            yield Source(
                title=url.get("label") or url["url"],
                url=url["url"],
                accessed=_date(accessed, ["additional_urls", position, "attributes"]),
            )

    def _languages(self, languages: list[dict[str, Any]]) -> Iterator[str]:
        for position, language in enumerate(languages):
            code = language.get("code")
            if code is None:
                continue
            if language_name(code) is None:
                raise _RecordError(
                    ["languages", position, "code"],
                    f"{shorten(repr(code), 40)} is not an ISO 639 language code",
                )
            yield code

    def _location(self, raw: dict[str, Any], path: list[str | int]) -> Location:
        codes = self._record_code(raw.get("attributes", []))
        addresses = raw.get("addresses", [])
        physical = [a for a in addresses if a.get("address_type") == "physical"]
        chosen = (physical or addresses or [None])[0]
        return Location(
            id=raw["id"],
            name=raw.get("name"),
            area=self._text(codes.get("area"), [*path, "attributes"]),
            confidential=codes.get("confidential") == "yes",
            description=raw.get("description"),
            transportation=raw.get("transportation"),
            address=(
                None
                if chosen is None
                else Address(
                    address_1=chosen["address_1"],
                    address_2=chosen.get("address_2"),
                    city=chosen["city"],
                    region=chosen.get("region"),
                    state_province=chosen["state_province"],
                    postal_code=chosen["postal_code"],
                    country=chosen["country"],
                )
            ),
            latitude=_number(raw.get("latitude")),
            longitude=_number(raw.get("longitude")),
            accessibility=tuple(
                Accessibility(
                    description=item.get("description"),
                    details=item.get("details"),
                    url=item.get("url"),
                )
                for item in raw.get("accessibility", [])
            ),
        )

    def _schedule(self, raw: dict[str, Any], path: list[str | int]) -> Schedule:
        return Schedule(
            freq=raw.get("freq"),
            byday=raw.get("byday"),
            opens_at=_time(raw.get("opens_at"), [*path, "opens_at"]),
            closes_at=_time(raw.get("closes_at"), [*path, "closes_at"]),
            valid_from=_date(raw.get("valid_from"), [*path, "valid_from"]),
            valid_to=_date(raw.get("valid_to"), [*path, "valid_to"]),
            description=raw.get("description"),
        )

    def _phone(self, raw: dict[str, Any], path: list[str | int]) -> Phone:
        extension = raw.get("extension")
        if extension is not None and extension != int(extension):
            raise _RecordError([*path, "extension"], f"{extension!r} is not a whole number")
        return Phone(
            number=raw["number"],
            extension=None if extension is None else int(extension),
            type=raw.get("type"),
            description=raw.get("description"),
        )

    @staticmethod
    def _text(value: Any, path: list[str | int]) -> str | None:
        if value is None or isinstance(value, str):
            return value
        raise _RecordError(path, f"{shorten(repr(value), 60)} is not text")


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _date(value: Any, path: list[str | int]) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _RecordError(path, f"{shorten(repr(value), 60)} is not a date (YYYY-MM-DD)") from None


def _time(value: Any, path: list[str | int]) -> time | None:
    if value is None:
        return None
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        raise _RecordError(
            path, f"{shorten(repr(value), 60)} is not a time (HH:MM or HH:MM:SS)"
        ) from None
