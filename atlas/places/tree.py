"""The place hierarchy in memory, for walking from a city up to its country and regions."""

from dataclasses import dataclass

from atlas.places.models import Place

# How deep each kind sits: a deeper record is more specific and wins.
DEPTH = {
    Place.Kind.REGION: 0,
    Place.Kind.COUNTRY: 1,
    Place.Kind.SUBDIVISION: 2,
    Place.Kind.CITY: 3,
}


@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    kind: str
    name: str

    @property
    def depth(self) -> int:
        return DEPTH[Place.Kind(self.kind)]


class PlaceTree:
    """Every place's parent, loaded in one query (a few hundred rows)."""

    def __init__(self, nodes: dict[int, Node]) -> None:
        self.nodes = nodes

    @classmethod
    def load(cls) -> "PlaceTree":
        rows = Place.objects.values_list("id", "parent_id", "kind", "name")
        return cls({pk: Node(pk, parent, kind, name) for pk, parent, kind, name in rows})

    def chain(self, place_id: int) -> list[int]:
        """The place and its ancestors, the place first."""
        chain = []
        current: int | None = place_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self.nodes[current].parent_id if current in self.nodes else None
        return chain
