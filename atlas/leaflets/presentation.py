"""What a leaflet shows: rights in short lines, key services with their contacts, sources.

A leaflet is a page a person can be handed: "Without papers, not without rights", for one
place in one language (after Utrecht's leaflet and Barcelona's in seven languages). It
repeats what the site already holds and invents nothing:

- **Rights**: the entitlements map for people in an irregular situation, in force today,
  the place's own facts or those it inherits, as the finder's rights page reads them
  (`finder.presentation.rights_sections`).
- **Key services**: the finder's published services for the place and the places it
  belongs to (a national scheme serves every city; `finder.presentation.services_for`).
  A confidential service, or a confidential location, never shows an address: its phones
  and e-mail only. A demonstration record says so.
- **Emergency numbers**: only phones the directory records for services that give
  emergency care; no number is ever added by hand (not even 112).
- **Sources**: every document behind a fact shown, and the date the leaflet was made.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from atlas.core.vocabulary import default_vocabulary
from atlas.directory.models import Service
from atlas.finder import presentation as finder
from atlas.finder.presentation import RightsSection, rights_sections
from atlas.places.models import Place
from atlas.places.tree import PlaceTree

# The vocabulary services whose phones count as emergency numbers.
EMERGENCY_SERVICES = ("health-emergency",)
# At most this many services on a leaflet, so that it fits two A4 pages where it can.
MAX_SERVICES = 8


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass
class Sources:
    """Documents in the order first cited, each once."""

    items: list[Source] = field(default_factory=list)

    def add(self, title: str, url: str) -> None:
        source = Source(title=title, url=url)
        if source not in self.items:
            self.items.append(source)


def rights(
    place: Place, on: date, language: str, tree: PlaceTree, sources: Sources
) -> list[RightsSection]:
    """The know-your-rights facts of the finder's rights page, by sector, with their sources."""
    sections = rights_sections(place, on, language, tree)
    for section in sections:
        for row in section.rows:
            for source in row.entitlement.sources.all():
                sources.add(source.title, source.url)
    return sections


def services_for(place: Place, tree: PlaceTree) -> list[Service]:
    """The finder's services for the place (its own and its country's), nearest first,
    real ones before demonstration records."""
    depth = {place_id: i for i, place_id in enumerate(tree.chain(place.pk))}
    found = list(
        finder.services_for(place, tree)
        .select_related("organization")
        .prefetch_related("phones", "locations", "sources")
    )
    return sorted(found, key=lambda s: (s.demo, depth[s.place_id], s.name))


def service_card(service: Service, language: str, sources: Sources) -> dict[str, Any]:
    """A service as the leaflet prints it: a confidential one without any address."""
    vocabulary = default_vocabulary()
    sector = (
        vocabulary.get("service", service.sector).label(language)
        if vocabulary.has("service", service.sector)
        else ""
    )
    for source in service.sources.all():
        sources.add(source.title, source.url)
    addresses = [
        ", ".join(
            part for part in (loc.address_1, loc.address_2, loc.postal_code, loc.city) if part
        )
        for loc in service.public_locations()
        if loc.address_1
    ]
    return {
        "service": service,
        "name": service.name,
        "organization": service.organization.name,
        "sector": sector,
        "demo": service.demo,
        # No address to show because of confidentiality: say so, and give the contacts.
        "confidential": service.confidential
        or (not addresses and service.has_confidential_location),
        "addresses": addresses,
        "phones": list(service.phones.all()),
        "email": service.email or service.organization.email,
        "website": service.url or service.organization.website,
        "cost": service.cost,
        "cost_label": service.get_cost_display(),
        "documents": service.documents,
        "documents_label": service.get_documents_display(),
        "data_sharing": service.data_sharing,
        "data_sharing_label": service.get_data_sharing_display(),
    }


def emergency_numbers(services: list[Service]) -> list[dict[str, Any]]:
    """The phones of services that give emergency care, as the directory records them."""
    numbers = []
    for service in services:
        if service.sector in EMERGENCY_SERVICES or any(
            slug in EMERGENCY_SERVICES for slug in service.services or []
        ):
            numbers += [
                {"service": service.name, "number": phone.number, "note": phone.description}
                for phone in service.phones.all()
            ]
    return numbers


def leaflet(place: Place, on: date, language: str) -> dict[str, Any]:
    """Everything the leaflet template shows, for one place, date and language."""
    tree = PlaceTree.load()
    sources = Sources()
    services = services_for(place, tree)
    return {
        "place": place,
        "place_name": finder.place_title(place, language, tree),
        "on": on,
        "rights": rights(place, on, language, tree, sources),
        "services": [service_card(s, language, sources) for s in services[:MAX_SERVICES]],
        "more_services": max(0, len(services) - MAX_SERVICES),
        "emergency_numbers": emergency_numbers(services),
        "sources": sources.items,
    }
