"""Writes to the place catalogue."""

from django.db import transaction

from atlas.core import places as catalogue
from atlas.places.models import Place


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
        defaults={"name": ref.city.strip(), "parent": parent},
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
