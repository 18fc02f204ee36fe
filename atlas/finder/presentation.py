"""What the finder pages show: places to choose, needs in plain words with their icons,
services with their status-safety badges and filters, and a place's rights in plain words.

Everything here reads; nothing writes. Access to the directory goes through
`Service.objects.published()` and `Service.public_locations`, never around them.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import get_language_info, pgettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from atlas.core.languages import LANGUAGE_NAMES
from atlas.core.text import fold, query_terms
from atlas.core.vocabulary import Term, default_vocabulary
from atlas.directory.models import Service
from atlas.entitlements import maps
from atlas.entitlements.models import Entitlement
from atlas.places.models import Place
from atlas.places.tree import PlaceTree

# The group a know-your-rights page is written for.
RIGHTS_GROUP = "irregular-migrant"

# Each sector's icon: hand-written strokes on a 24 × 24 grid (drawn by finder.css).
SECTOR_ICONS: Mapping[str, str] = {
    "health": "M9 3h6v6h6v6h-6v6H9v-6H3V9h6z",
    "education": "M3 5c3-1 6-1 9 1 3-2 6-2 9-1v14c-3-1-6-1-9 1-3-2-6-2-9-1zM12 6v14",
    "housing": "M3 11l9-8 9 8M5 9v12h14V9M10 21v-6h4v6",
    "water-sanitation": "M12 3c4 5 6 8 6 11a6 6 0 0 1-12 0c0-3 2-6 6-11z",
    "legal-advice": "M4 4h16v12H10l-5 4v-4H4zM8 8h8M8 12h5",
    "justice": "M12 3v17M8 20h8M5 7h14M5 7l-3 6a3 3 0 0 0 6 0zM19 7l-3 6a3 3 0 0 0 6 0z",
    "civil-registration": "M6 3h9l4 4v14H6zM14 3v5h5M9 12h7M9 16h7",
    "identification": (
        "M3 6h18v12H3zM7 10a2 2 0 1 0 4 0 2 2 0 1 0-4 0M6 16c1-2 5-2 6 0M14 10h4M14 14h4"
    ),
    "financial": (
        "M3 12a9 9 0 1 0 18 0 9 9 0 1 0-18 0M15 9c-1-1-5-1-5 1s5 1 5 3-4 2-5 1M12 6v2M12 16v2"
    ),
    "social-protection": "M12 20s-8-5-8-11a4 4 0 0 1 8-1 4 4 0 0 1 8 1c0 6-8 11-8 11z",
    "food": "M3 11h18a9 9 0 0 1-18 0zM8 7c0-2 2-2 2-4M13 7c0-2 2-2 2-4",
    "employment": "M3 8h18v12H3zM9 8V5h6v3M3 13h18",
    "municipal": "M3 21h18M4 10h16M12 3l9 7H3zM6 10v9M10 10v9M14 10v9M18 10v9",
}
DEFAULT_ICON = "M3 12a9 9 0 1 0 18 0 9 9 0 1 0-18 0"

# One line in plain words under each sector's name.
SECTOR_HINTS: Mapping[str, Promise] = {
    "health": _lazy("A doctor, a hospital, medicines, care when you are pregnant."),
    "education": _lazy("School for children, language classes, training."),
    "housing": _lazy("A place to sleep tonight, a home, help with a landlord."),
    "water-sanitation": _lazy("Drinking water, toilets, showers."),
    "legal-advice": _lazy("Someone who explains the law and your papers."),
    "justice": _lazy("Reporting a crime, help for victims, problems at work."),
    "civil-registration": _lazy("Registering a birth or where you live."),
    "identification": _lazy("A city card or other identity document."),
    "financial": _lazy("A bank account, money matters."),
    "social-protection": _lazy("Money or care from social services."),
    "food": _lazy("Meals, food parcels, food banks."),
    "employment": _lazy("Work, and your rights at work."),
    "municipal": _lazy("Services of the city hall."),
}

# Badge icons, 24 × 24 strokes: a tick, a cross, a question mark, an "i".
BADGE_ICONS: Mapping[str, str] = {
    "yes": "M4 12l5 5L20 6",
    "no": "M6 6l12 12M18 6L6 18",
    "unknown": "M9 9a3 3 0 1 1 4 2.8c-.6.3-1 .8-1 1.5V15M12 19v.5",
    "info": "M12 7v.5M12 11v7",
}


@dataclass(frozen=True)
class PlaceChoice:
    place: Place
    label: str
    within: str = ""


@dataclass(frozen=True)
class Need:
    slug: str
    label: str
    hint: str
    icon: str
    count: int


@dataclass(frozen=True)
class Badge:
    """One status-safety fact as text with an icon (never colour alone)."""

    kind: str  # yes, no, unknown or info: which icon
    text: str
    lang: str = ""

    @property
    def icon(self) -> str:
        return BADGE_ICONS[self.kind]


@dataclass(frozen=True)
class Filters:
    """The results page's filters, from GET; they combine with AND."""

    no_documents: bool = False
    free: bool = False
    anonymous: bool = False
    language: str = ""
    open_now: bool = False

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "Filters":
        language = query.get("lang", "").strip().lower()
        return cls(
            no_documents=query.get("docs") == "none",
            free=query.get("free") == "1",
            anonymous=query.get("anonymous") == "1",
            language=language if language.isalpha() and len(language) <= 3 else "",
            open_now=query.get("open") == "1",
        )

    @property
    def any(self) -> bool:
        return any((self.no_documents, self.free, self.anonymous, self.language, self.open_now))


# Places ------------------------------------------------------------------------------------


def finder_place_ids(tree: PlaceTree) -> set[int]:
    """The places the finder offers: those with published services, and those with
    entitlement facts of their own or inherited from a larger place (regions excepted)."""
    mapped = set(Entitlement.objects.order_by().values_list("place_id", flat=True).distinct())
    with_services = set(
        Service.objects.published().order_by().values_list("place_id", flat=True).distinct()
    )
    chosen = set(with_services)
    for pk, node in tree.nodes.items():
        if node.kind != Place.Kind.REGION and mapped.intersection(tree.chain(pk)):
            chosen.add(pk)
    return chosen


def place_names(place: Place, languages: Iterable[str]) -> set[str]:
    """The place's folded names in every language (a city's from its `names`)."""
    names = {fold(place.name)} | {fold(place.label(language)) for language in languages}
    return names | {fold(name) for name in place.names.values()}


def matches(query: str, names: Iterable[str]) -> bool:
    """Whether every word of the query starts a word of one of the names."""
    terms = query_terms(query)
    if not terms:
        return False
    for name in names:
        words = name.split()
        if all(any(word.startswith(term) for word in words) for term in terms):
            return True
        if fold(query).strip() in name:
            return True
    return False


def country_of(place: Place, places: Mapping[int, Place], tree: PlaceTree) -> Place | None:
    for pk in tree.chain(place.pk)[1:]:
        ancestor = places.get(pk)
        if ancestor is not None and ancestor.kind == Place.Kind.COUNTRY:
            return ancestor
    return None


def place_choices(query: str, language: str) -> list[PlaceChoice]:
    """The finder's places whose name, or whose country's name, in any of the eight
    languages matches the query; all of them for an empty query."""
    tree = PlaceTree.load()
    ids = finder_place_ids(tree)
    wanted = {pk for pk in ids for pk in tree.chain(pk)}
    places = Place.objects.in_bulk(wanted)
    choices = []
    for pk in ids:
        place = places[pk]
        country = country_of(place, places, tree)
        if query.strip():
            names = place_names(place, LANGUAGE_NAMES)
            if country is not None:
                names |= place_names(country, LANGUAGE_NAMES)
            if not matches(query, names):
                continue
        choices.append(
            PlaceChoice(
                place=place,
                label=place.label(language),
                within=country.label(language) if country is not None else "",
            )
        )
    order: dict[str, int] = {"country": 0, "subdivision": 1, "city": 2}
    return sorted(
        choices,
        key=lambda c: (fold(c.within or c.label), order.get(c.place.kind, 3), fold(c.label)),
    )


def place_title(
    place: Place, language: str, tree: PlaceTree, places: Mapping[int, Place] | None = None
) -> str:
    """The place's name, with its country for a city or subdivision. ``places`` (by id,
    holding the place's chain) saves the query that reads them."""
    if places is None:
        places = Place.objects.in_bulk(tree.chain(place.pk))
    country = country_of(place, places, tree)
    if country is None:
        return place.label(language)
    return _("%(place)s, %(country)s") % {
        "place": place.label(language),
        "country": country.label(language),
    }


# Needs and services ------------------------------------------------------------------------


def services_for(place: Place, tree: PlaceTree) -> QuerySet[Service]:
    """Published services of the place and of the larger places it belongs to."""
    return Service.objects.published().filter(place_id__in=tree.chain(place.pk))


def needs(place: Place, language: str, tree: PlaceTree) -> list[Need]:
    counts: dict[str, int] = defaultdict(int)
    vocabulary = default_vocabulary()
    for sector, slugs in services_for(place, tree).values_list("sector", "services"):
        sectors = {sector} | {
            vocabulary.sector_of(s).slug for s in slugs or () if vocabulary.has("service", s)
        }
        for slug in sectors:
            counts[slug] += 1
    return [
        Need(
            slug=term.slug,
            label=term.label(language),
            hint=str(SECTOR_HINTS.get(term.slug, "")),
            icon=SECTOR_ICONS.get(term.slug, DEFAULT_ICON),
            count=counts.get(term.slug, 0),
        )
        for term in vocabulary.sectors()
    ]


def sector_term(slug: str) -> Term | None:
    vocabulary = default_vocabulary()
    if not vocabulary.has("service", slug):
        return None
    term = vocabulary.get("service", slug)
    return term if term.parent is None else None


def service_sectors(service: Service, language: str) -> list[tuple[str, str]]:
    """The service's sector and the services it offers within it, in words."""
    vocabulary = default_vocabulary()
    slugs = [service.sector, *(service.services or ())]
    return [
        (slug, vocabulary.get("service", slug).label(language))
        for slug in dict.fromkeys(slugs)
        if vocabulary.has("service", slug)
    ]


def in_sector(services: QuerySet[Service], sector: str) -> QuerySet[Service]:
    """Services of the sector or of one of its services."""
    vocabulary = default_vocabulary()
    condition = Q(sector=sector)
    for slug in vocabulary.expand("service", [sector]):
        condition |= Q(services__icontains=f'"{slug}"')
    return services.filter(condition)


def with_cards(services: QuerySet[Service]) -> list[Service]:
    """The services with what a results card shows: organisation, hours and locations
    (three queries, whatever the number of services)."""
    return list(services.select_related("organization").prefetch_related("schedules", "locations"))


def speaks(service: Service, language: str) -> bool:
    """Whether the staff speak ``language``, as `ServiceQuerySet.speaking` selects."""
    return any(code.lower() == language for code in service.languages or ())


def apply_filters(services: Iterable[Service], filters: Filters, now: datetime) -> list[Service]:
    """The services that pass every chosen filter, from the services of the need as
    `with_cards` read them: the filters are tests of the rows already read, so the page
    reads the need's services once for both the results and the language choices."""
    return [
        service
        for service in services
        if (not filters.no_documents or service.documents == "none")
        and (not filters.free or service.cost == "free")
        and (not filters.anonymous or service.anonymous_use == "yes")
        and (not filters.language or speaks(service, filters.language))
        and (not filters.open_now or service.is_open_at(now))
    ]


def language_name(code: str) -> str:
    """A language's name in that language, for an ISO 639-1 code."""
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


def language_options(services: Iterable[Service]) -> list[tuple[str, str]]:
    codes = {code.lower() for service in services for code in service.languages or ()}
    return sorted(((code, language_name(code)) for code in codes), key=lambda c: fold(c[1]))


def badges(service: Service, *, full: bool = False) -> list[Badge]:
    """The service's status-safety facts as badges. A list shows the facts that are known,
    and always what happens to the data; a service's own page (``full``) shows every fact."""
    out: list[Badge] = []

    def tristate(value: str, yes: str, no: str, unknown: str) -> None:
        if value == "yes":
            out.append(Badge("yes", yes))
        elif value == "no":
            out.append(Badge("no", no))
        elif full:
            out.append(Badge("unknown", unknown))

    tristate(
        service.open_to_all,
        _("Open to everyone, whatever their papers"),
        _("Not open to everyone"),
        _("Not known whether it is open to everyone"),
    )
    tristate(
        service.status_not_asked,
        _("They do not ask about your papers"),
        _("They may ask about your papers"),
        _("Not known whether they ask about your papers"),
    )
    documents = {
        "none": Badge("yes", _("No documents needed")),
        "alternatives-accepted": Badge("info", _("Other documents accepted instead of an ID")),
        "id-required": Badge("no", _("An identity document is needed")),
    }.get(service.documents)
    if documents is not None:
        out.append(documents)
    elif full:
        out.append(Badge("unknown", _("Not known which documents are needed")))
    cost = {
        "free": Badge("yes", pgettext("service cost", "Free")),
        "reduced": Badge("info", pgettext("service cost", "Reduced cost")),
        "paid": Badge("no", pgettext("service cost", "You have to pay")),
    }.get(service.cost)
    if cost is not None:
        out.append(cost)
    elif full:
        out.append(Badge("unknown", _("Not known whether it costs money")))
    tristate(
        service.anonymous_use,
        _("You can use it without giving your name"),
        _("You have to give your name"),
        _("Not known whether you can stay anonymous"),
    )
    out.append(
        {
            "by-law": Badge("yes", _("Your data is not passed to immigration: the law says so")),
            "by-policy": Badge(
                "yes", _("Your data is not passed to immigration: their own rule says so")
            ),
            "no": Badge("no", _("Your data may be passed to immigration")),
        }.get(
            service.data_sharing,
            Badge("unknown", _("Not known whether your data is passed to immigration")),
        )
    )
    if service.for_women:
        out.append(Badge("info", _("For women")))
    if service.for_children:
        out.append(Badge("info", _("For children")))
    for code in service.languages or ():
        out.append(
            Badge("info", _("Speaks %(language)s") % {"language": language_name(code)}, code)
        )
    tristate(
        service.interpreters,
        _("Interpreters available"),
        _("No interpreters"),
        _("Not known whether there are interpreters"),
    )
    return out


@dataclass(frozen=True)
class ServiceCard:
    service: Service
    badges: list[Badge]
    is_open: bool | None
    area: str


def service_cards(services: Sequence[Service], now: datetime) -> list[ServiceCard]:
    cards = []
    for service in services:
        if service.confidential:
            area = ""
        else:
            public = service.public_locations()
            area = ", ".join(
                dict.fromkeys(loc.city or loc.area for loc in public if loc.city or loc.area)
            )
        cards.append(
            ServiceCard(
                service=service,
                badges=badges(service),
                is_open=service.is_open_at(now),
                area=area,
            )
        )
    return cards


# Rights ------------------------------------------------------------------------------------


def law_sentence(level: str) -> str:
    return {
        "full": _("The law gives access."),
        "partial": _("The law gives access to part of it."),
        "emergency-only": _("The law gives access in an emergency only."),
        "none": _("The law gives no access."),
    }.get(level, _("The law is not clear."))


def practice_sentence(level: str) -> str:
    return {
        "full": _("In practice, people get access."),
        "partial": _("In practice, people get part of it."),
        "emergency-only": _("In practice, people get emergency care only."),
        "none": _("In practice, people do not get access."),
    }.get(level, _("Not known what happens in practice."))


@dataclass(frozen=True)
class RightsRow:
    entitlement: Entitlement
    service: str
    law: str
    practice: str
    recorded_at: str
    is_inherited: bool


@dataclass
class RightsSection:
    slug: str
    label: str
    icon: str
    rows: list[RightsRow] = field(default_factory=list)


def rights_sections(place: Place, on: date, language: str, tree: PlaceTree) -> list[RightsSection]:
    """The facts for the rights group in the place, by sector in vocabulary order."""
    vocabulary = default_vocabulary()
    sections: dict[str, RightsSection] = {}
    for row in maps.profile(place, on, tree):
        entitlement = row.entitlement
        if entitlement.group != RIGHTS_GROUP:
            continue
        sector = vocabulary.sector_of(entitlement.service)
        section = sections.setdefault(
            sector.slug,
            RightsSection(
                slug=sector.slug,
                label=sector.label(language),
                icon=SECTOR_ICONS.get(sector.slug, DEFAULT_ICON),
            ),
        )
        section.rows.append(
            RightsRow(
                entitlement=entitlement,
                service=vocabulary.get("service", entitlement.service).label(language),
                law=law_sentence(entitlement.law_level),
                practice=practice_sentence(entitlement.practice_level),
                recorded_at=row.recorded_at.label(language),
                is_inherited=row.is_inherited,
            )
        )
    return list(sections.values())
