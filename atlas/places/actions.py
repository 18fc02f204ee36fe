"""Writes to the place catalogue, and the translated city names it reads."""

import functools
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import transaction

from atlas.core import places as catalogue
from atlas.core.datafiles import DataFileError
from atlas.core.languages import LANGUAGES
from atlas.places.models import Place

NAME_LENGTH = Place._meta.get_field("name").max_length or 120
CITY_NAMES_PATH = Path(catalogue.__file__).resolve().parent / "data" / "city-names.toml"

# A city, as cities are matched: its country code and its folded name.
CityKey = tuple[str, str]


def read_city_names(path: Path = CITY_NAMES_PATH) -> dict[CityKey, dict[str, str]]:
    """Read and check a city names file: {(country code, folded name): {language: name}}.

    Raise `DataFileError` naming the file and the key at the first broken rule: not TOML; a
    key other than ``meta`` and ``cities``; no ``meta.version`` string; an unknown country
    code; a city that is not a table, or named twice in one country (ignoring case and
    accents); a language not among `LANGUAGES`; a name that is not a non-empty string.
    """
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise DataFileError("file not found", file=path) from None
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"not valid TOML: {error}", file=path) from None
    unknown = sorted(set(data) - {"meta", "cities"})
    if unknown:
        raise DataFileError("unknown key; expected meta, cities", file=path, key=unknown[0])
    meta = data.get("meta")
    if not isinstance(meta, dict) or not isinstance(meta.get("version"), str):
        raise DataFileError("missing [meta] version (a string)", file=path, key="meta.version")
    countries = data.get("cities")
    if not isinstance(countries, dict):
        raise DataFileError("expected [cities.<country>] tables", file=path, key="cities")
    names: dict[CityKey, dict[str, str]] = {}
    for code, cities in countries.items():
        key = f"cities.{code}"
        try:
            country = catalogue.country(code)
        except catalogue.PlaceError:
            raise DataFileError(f"unknown country code {code!r}", file=path, key=key) from None
        if country.alpha2 != code or not isinstance(cities, dict):
            raise DataFileError(
                "expected a table named by an ISO 3166-1 alpha-2 code", file=path, key=key
            )
        for city, entry in cities.items():
            city_key = (country.alpha2, catalogue.normalize_name(city))
            if not city_key[1] or city_key in names:
                raise DataFileError(
                    "empty city, or a city named twice", file=path, key=f"{key}.{city}"
                )
            names[city_key] = _city_names(path, f"{key}.{city}", entry)
    return names


def _city_names(path: Path, key: str, entry: Any) -> dict[str, str]:
    problem = names_problem(entry)
    if problem is not None:
        language, message = problem
        raise DataFileError(message, file=path, key=f"{key}.{language}" if language else key)
    return {language: name.strip() for language, name in entry.items()}


def names_problem(entry: Any) -> tuple[str | None, str] | None:
    """What is wrong with a city's {language: name} mapping, as (the language, or None for
    the whole mapping; the message); None if nothing is."""
    if not isinstance(entry, dict):
        return None, 'expected { language = "name", … }'
    for language, name in entry.items():
        if language not in LANGUAGES:
            return (
                language,
                f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}",
            )
        if not isinstance(name, str) or not name.strip():
            return language, "the name must be a non-empty string"
        if len(name.strip()) > NAME_LENGTH:
            return language, f"the name is longer than {NAME_LENGTH} characters"
    return None


@functools.cache
def default_city_names() -> Mapping[CityKey, dict[str, str]]:
    """The city names shipped with the project, read once."""
    return read_city_names()


def city_names_of(country_code: str, name: str) -> dict[str, str]:
    """The translated names of a city, as the shipped file gives them (a copy; {} if none)."""
    return dict(default_city_names().get((country_code, catalogue.normalize_name(name)), {}))


@transaction.atomic
def name_cities(names: Mapping[CityKey, Mapping[str, str]] | None = None) -> int:
    """Give the cities already in the catalogue their translated names from the city names
    file (default: the shipped one); safe to run again. Returns how many cities changed.

    Cities are created with their names (`resolve_place`); this brings an installation made
    before a name was added to the file up to date. A name the file no longer gives is kept.
    """
    names = default_city_names() if names is None else names
    changed = 0
    for place in Place.objects.filter(kind=Place.Kind.CITY, fictional=False):
        wanted = names.get((place.country_code, place.normalized_name))
        if wanted and {**place.names, **wanted} != place.names:
            place.names = {**place.names, **wanted}
            place.save(update_fields=["names"])
            changed += 1
    return changed


@transaction.atomic
def load_regions_and_countries() -> int:
    """Load every UN M49 region and ISO 3166-1 country; safe to run again.

    Returns the number of places created.
    """
    created = 0
    existing = {
        (kind, code): place
        for kind, code, place in (
            (p.kind, p.code, p) for p in Place.objects.exclude(kind=Place.Kind.CITY)
        )
    }
    regions = catalogue.regions()
    # Parents come before children: sort by depth of the ancestor chain.
    for region in sorted(regions, key=lambda r: len(catalogue.region_ancestors(r.code))):
        if (Place.Kind.REGION, region.code) in existing:
            continue
        parent = existing.get((Place.Kind.REGION, region.parent)) if region.parent else None
        place = Place.objects.create(
            kind=Place.Kind.REGION,
            code=region.code,
            name=region.name,
            normalized_name=catalogue.normalize_name(region.name),
            parent=parent,
        )
        existing[(Place.Kind.REGION, region.code)] = place
        created += 1
    new_countries = []
    for country in catalogue.countries():
        if (Place.Kind.COUNTRY, country.alpha2) in existing:
            continue
        new_countries.append(
            Place(
                kind=Place.Kind.COUNTRY,
                code=country.alpha2,
                name=country.name,
                normalized_name=catalogue.normalize_name(country.name),
                country_code=country.alpha2,
                parent=existing.get((Place.Kind.REGION, country.region)),
            )
        )
    Place.objects.bulk_create(new_countries)
    return created + len(new_countries)


def country_place(code: str) -> Place:
    """The country's Place row, creating it from ISO 3166 when it is missing."""
    country = catalogue.country(code)
    place = Place.objects.filter(kind=Place.Kind.COUNTRY, code=country.alpha2).first()
    if place is None:
        load_regions_and_countries()
        place = Place.objects.get(kind=Place.Kind.COUNTRY, code=country.alpha2)
    return place


def resolve_place(ref: catalogue.PlaceRef) -> Place:
    """The Place a reference names, creating a subdivision or city on first mention.

    Raises `catalogue.PlaceError` for an unknown code.
    """
    if ref.kind == "region":
        assert ref.code is not None
        catalogue.region(ref.code)
        place = Place.objects.filter(kind=Place.Kind.REGION, code=ref.code).first()
        if place is None:
            load_regions_and_countries()
            place = Place.objects.get(kind=Place.Kind.REGION, code=ref.code)
        return place
    if ref.kind == "country":
        assert ref.code is not None
        return country_place(ref.code)
    if ref.kind == "subdivision":
        assert ref.code is not None
        return subdivision_place(ref.code)
    assert ref.country is not None and ref.city is not None
    country = country_place(ref.country)
    parent = subdivision_place(ref.code) if ref.code else country
    normalized = catalogue.normalize_name(ref.city)
    place, _created = Place.objects.get_or_create(
        kind=Place.Kind.CITY,
        country_code=country.code,
        normalized_name=normalized,
        defaults={
            "name": ref.city.strip(),
            "parent": parent,
            "names": city_names_of(country.code, ref.city),
        },
    )
    return place


def subdivision_place(code: str) -> Place:
    subdivision = catalogue.subdivision(code)
    place = Place.objects.filter(kind=Place.Kind.SUBDIVISION, code=subdivision.code).first()
    if place is not None:
        return place
    parent = (
        subdivision_place(subdivision.parent)
        if subdivision.parent
        else country_place(subdivision.country)
    )
    return Place.objects.create(
        kind=Place.Kind.SUBDIVISION,
        code=subdivision.code,
        name=subdivision.name,
        normalized_name=catalogue.normalize_name(subdivision.name),
        country_code=subdivision.country,
        parent=parent,
    )
