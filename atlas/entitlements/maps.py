"""Reading the entitlements map: what holds in a place on a date, inherited or its own.

A city inherits the facts of its subdivision and country unless it records
its own (atlas.core.entitlements.resolve); every row here says at which
place a fact was recorded.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef

from atlas.core.entitlements import Fact, Gap, default_gap_weights, find_gaps, resolve
from atlas.core.vocabulary import default_vocabulary
from atlas.entitlements.models import Entitlement
from atlas.places.models import Place
from atlas.places.tree import PlaceTree


@dataclass(frozen=True)
class Row:
    """One (service, group) fact as it applies to a place."""

    entitlement: Entitlement
    is_inherited: bool
    recorded_at: Place


def as_fact(entitlement: Entitlement, tree: PlaceTree) -> Fact:
    node = tree.nodes[entitlement.place_id]
    return Fact(
        place_key=str(entitlement.place_id),
        place_depth=node.depth,
        service=entitlement.service,
        group=entitlement.group,
        law_level=entitlement.law_level,
        practice_level=entitlement.practice_level,
        cost=entitlement.cost,
        documents=entitlement.documents,
        firewall=entitlement.firewall,
        effective_from=entitlement.effective_from,
        effective_to=entitlement.effective_to,
        ref=entitlement,
    )


def facts_for(place: Place, on: date, tree: PlaceTree) -> dict[tuple[str, str], Fact]:
    """The facts in force for a place on a date, its own or inherited."""
    chain = tree.chain(place.pk)
    rows = (
        Entitlement.objects.filter(place_id__in=chain)
        .in_force(on)
        .select_related("place")
        .prefetch_related("sources")
    )
    return resolve((as_fact(row, tree) for row in rows), on)


def profile(place: Place, on: date, tree: PlaceTree | None = None) -> list[Row]:
    """Every service × group row that applies to the place, in vocabulary order."""
    tree = tree or PlaceTree.load()
    resolved = facts_for(place, on, tree)
    rows = [
        Row(
            entitlement=fact.ref,  # type: ignore[arg-type]
            is_inherited=fact.ref.place_id != place.pk,  # type: ignore[attr-defined]
            recorded_at=fact.ref.place,  # type: ignore[attr-defined]
        )
        for fact in resolved.values()
    ]
    order = service_order()
    return sorted(rows, key=lambda r: (order.get(r.entitlement.service, 999), r.entitlement.group))


def gaps_for(place: Place, on: date, tree: PlaceTree | None = None) -> list[Gap]:
    return find_gaps(facts_for(place, on, tree or PlaceTree.load()), default_gap_weights())


def service_order() -> dict[str, int]:
    return {term.slug: i for i, term in enumerate(default_vocabulary().terms("service"))}


def mapped_places() -> list[Place]:
    """Places with entitlements of their own (a city without its own is reached from a
    practice or the API, and inherits)."""
    # One index probe per place, not a pass over every entitlement.
    has_own = Exists(Entitlement.objects.filter(place_id=OuterRef("pk")))
    return list(Place.objects.filter(has_own).order_by("name", "kind"))


# One cell: (entitlement_id, level, is_inherited, recorded_at). A plain tuple rather than
# a class: a page of every place holds thousands of cells, and the garbage collector stops
# tracking a plain tuple of plain values, where class instances brought on its slow full
# collections (benchmarks/entitlements.md).
Cell = tuple[int, str, bool, int]


@dataclass(frozen=True)
class Matrix:
    services: list[str]
    places: list[Place]
    cells: dict[tuple[int, str], Cell]


def matrix(*, group: str, on: date, view: str, places: Sequence[Place], tree: PlaceTree) -> Matrix:
    """Places × services for one group on one date: each cell the level in law or practice.

    One query for the group's facts in force; inheritance is walked in memory.
    """
    level_column = "practice_level" if view == "practice" else "law_level"
    chains = {place.pk: tree.chain(place.pk) for place in places}
    wanted = {pk for chain in chains.values() for pk in chain}
    by_place: dict[int, dict[str, tuple[int, str]]] = defaultdict(dict)
    rows = (
        Entitlement.objects.filter(group=group, place_id__in=wanted)
        .in_force(on)
        .order_by("effective_from")
        .values_list("id", "place_id", "service", level_column)
    )
    for pk, place_id, service, level in rows:
        # Ordered by start, so a later period in force replaces an earlier one.
        by_place[place_id][service] = (pk, level)
    services_present = {service for entries in by_place.values() for service in entries}
    order = service_order()
    services = sorted(services_present, key=lambda s: order.get(s, 999))
    cells: dict[tuple[int, str], Cell] = {}
    for place in places:
        place_pk = place.pk
        # Walk up once per place, not once per cell: the nearest record of a service wins.
        nearest: dict[str, Cell] = {}
        for ancestor in chains[place_pk]:
            entries = by_place.get(ancestor)
            if not entries:
                continue
            is_inherited = ancestor != place_pk
            for service, (pk, level) in entries.items():
                if service not in nearest:
                    nearest[service] = (pk, level, is_inherited, ancestor)
        for service in services:
            cell = nearest.get(service)
            if cell is not None:
                cells[(place_pk, service)] = cell
    return Matrix(services=services, places=list(places), cells=cells)


def history(place: Place, tree: PlaceTree | None = None) -> list[Entitlement]:
    """Every period recorded for the place and the places it inherits from, oldest first."""
    tree = tree or PlaceTree.load()
    return list(
        Entitlement.objects.filter(place_id__in=tree.chain(place.pk))
        .select_related("place")
        .prefetch_related("sources")
        .order_by("service", "group", "effective_from", "place__kind")
    )


def groups_present() -> list[str]:
    slugs = [t.slug for t in default_vocabulary().terms("group")]
    if not slugs:
        return []
    # One query asking EXISTS once per vocabulary group, an index probe each, where a
    # SELECT DISTINCT "group" reads every entitlement. It selects from the entitlements
    # table only to have a row to put the answers in.
    checks = {f"has_{i}": Exists(Entitlement.objects.filter(group=s)) for i, s in enumerate(slugs)}
    row = Entitlement.objects.order_by().annotate(**checks).values_list(*checks).first()
    if row is None:
        return []  # No entitlements at all.
    return [slug for slug, has in zip(slugs, row, strict=True) if has]


def all_place_facts(
    places: Iterable[Place], on: date, tree: PlaceTree
) -> dict[str, dict[tuple[str, str], Fact]]:
    """For summaries: the resolved facts of every mapped place, keyed by place id."""
    places = list(places)
    chains = {place.pk: tree.chain(place.pk) for place in places}
    wanted = {pk for chain in chains.values() for pk in chain}
    rows = list(Entitlement.objects.filter(place_id__in=wanted).in_force(on))
    facts_by_place: dict[int, list[Fact]] = defaultdict(list)
    for row in rows:
        facts_by_place[row.place_id].append(as_fact(row, tree))
    return {
        str(place.pk): resolve(
            (fact for ancestor in chains[place.pk] for fact in facts_by_place.get(ancestor, [])), on
        )
        for place in places
    }
