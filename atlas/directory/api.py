"""The service directory as an HSDS 3.1 API (``/api/hsds``): the root, a paginated list of
published services with filters that combine with AND, one service, and our profile.

Every service object is made by `atlas.core.hsds.to_hsds` from `actions.to_entry`, so it is
valid against the compiled HSDS schema and never carries a confidential location's address
or position. Two keys of our own are added to each: ``is_stale`` (not verified within
ATLAS_DIRECTORY_STALE_DAYS) and ``demo`` (a fictional record).

Contributors propose a new service or a change (``POST /api/hsds/proposals``, signed in,
with Django's CSRF token); editors review proposals in the admin.
"""

import functools
import math
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from atlas.accounts.models import User
from atlas.core import places as catalogue
from atlas.core.hsds import HsdsImportError, to_hsds
from atlas.core.hsds.schemas import compiled_schema
from atlas.core.hsds.taxonomy import (
    SERVICES,
    default_status_safety,
    taxonomy_objects,
    term_id,
)
from atlas.core.vocabulary import default_vocabulary
from atlas.directory import actions
from atlas.directory.models import (
    CostChoices,
    DocumentsChoices,
    Service,
    ServiceQuerySet,
    TristateChoices,
)
from atlas.places.models import Place

router = Router(tags=["hsds"])

HSDS_VERSION = "3.1"
MAX_PER_PAGE = 200


class RootOut(Schema):
    version: str = Field(description="HSDS version of this API.")
    profile: str = Field(description="URL of the information on our HSDS profile.")
    openapi_url: str = Field(description="URL of the OpenAPI document of this API.")


class ProfileOut(Schema):
    name: str
    description: str
    version: str
    taxonomies: list[dict[str, Any]]
    extensions: dict[str, str]


class ServicePageOut(Schema):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


class ServiceFilter(Schema):
    search: str | None = Field(None, description="Words in the name, description or provider.")
    page: int = Field(1, ge=1, description="Page number, from 1.")
    per_page: int = Field(50, ge=1, le=MAX_PER_PAGE)
    full: bool = Field(False, description="Return fully nested services.")
    taxonomy_term_id: str | None = Field(
        None, description="A term of the access-atlas-services taxonomy (a sector or service)."
    )
    organization_id: str | None = None
    modified_after: datetime | None = None
    sector: str | None = Field(None, description="A sector or service slug of the vocabulary.")
    place: str | None = Field(
        None,
        description=(
            "A place id, an ISO 3166 code (ES, ES-CT) or a city as CC:City (ES:Barcelona): "
            "services of the place, of the country it lies in, and of places within it."
        ),
    )
    free: bool = Field(False, description="Only services that are free.")
    no_documents: bool = Field(False, description="Only services that need no documents.")
    anonymous: bool = Field(False, description="Only services that can be used anonymously.")
    language: str | None = Field(None, description="An ISO 639-1 code staff speak.")


class ProposalIn(Schema):
    place: int = Field(description="The id of the place the service serves.")
    service: dict[str, Any] = Field(description="The service as an HSDS 3.1 service object.")
    note: str = ""


class ProposalOut(Schema):
    id: int
    status: str
    service_id: str | None


class ErrorOut(Schema):
    detail: str
    problems: list[str] = []


@functools.cache
def _service_terms() -> dict[str, str]:
    return {term_id(SERVICES, t.slug): t.slug for t in default_vocabulary().terms("service")}


@functools.cache
def _list_fields() -> frozenset[str]:
    return frozenset(compiled_schema("service_list")["properties"])


def resolve_place_param(value: str) -> Place | None:
    """The place a ``place`` parameter names; None if it names none we know.

    Raises HttpError(422) for a value of no accepted shape.
    """
    value = value.strip()
    if value.isdigit():
        return Place.objects.filter(pk=int(value)).first()
    try:
        if ":" in value:
            country, city = value.split(":", 1)
            ref = catalogue.parse_place_ref({"country": country, "city": city})
            return Place.objects.filter(
                kind=Place.Kind.CITY,
                country_code=ref.country,
                normalized_name=catalogue.normalize_name(ref.city or ""),
            ).first()
        ref = catalogue.parse_place_ref({"iso": value})
    except catalogue.PlaceError as error:
        raise HttpError(422, f"place: {error}") from None
    kind = Place.Kind.COUNTRY if ref.kind == "country" else Place.Kind.SUBDIVISION
    return Place.objects.filter(kind=kind, code=ref.code).first()


def filter_services(queryset: ServiceQuerySet, params: ServiceFilter) -> ServiceQuerySet:
    """Apply every given filter; they combine with AND."""
    if params.search:
        for word in params.search.split():
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(organization__name__icontains=word)
            )
    if params.taxonomy_term_id:
        slug = _service_terms().get(params.taxonomy_term_id.strip().lower())
        if slug is None:
            return queryset.none()
        queryset = queryset.offering(slug)
    if params.sector:
        queryset = queryset.offering(params.sector.strip())
    if params.organization_id:
        queryset = queryset.filter(organization__uuid__iexact=params.organization_id.strip())
    if params.modified_after:
        queryset = queryset.filter(updated_at__gte=params.modified_after)
    if params.place:
        place = resolve_place_param(params.place)
        if place is None:
            return queryset.none()
        queryset = queryset.serving(place)
    if params.free:
        queryset = queryset.filter(cost=CostChoices.FREE)
    if params.no_documents:
        queryset = queryset.filter(documents=DocumentsChoices.NONE)
    if params.anonymous:
        queryset = queryset.filter(anonymous_use=TristateChoices.YES)
    if params.language:
        queryset = queryset.speaking(params.language.strip())
    return queryset


def service_objects(services: list[Service], *, full: bool = True) -> list[dict[str, Any]]:
    """The services as HSDS service objects (core's serializer), with our two extra keys."""
    objects = to_hsds([actions.to_entry(service) for service in services])
    keep = _list_fields()
    result = []
    for service, obj in zip(services, objects, strict=True):
        if not full:
            obj = {key: value for key, value in obj.items() if key in keep}
        obj["is_stale"] = service.is_stale
        obj["demo"] = service.demo
        result.append(obj)
    return result


def _published() -> ServiceQuerySet:
    return actions.services_for_export()  # type: ignore[return-value]


@router.get("/", response=RootOut, summary="HSDS API root: version and profile")
def root(request: HttpRequest) -> RootOut:
    return RootOut(
        version=HSDS_VERSION,
        profile=request.build_absolute_uri(reverse("api:hsds_profile")),
        openapi_url=request.build_absolute_uri(reverse("api:openapi-json")),
    )


@router.get(
    "/profile",
    response=ProfileOut,
    url_name="hsds_profile",
    summary="Our HSDS profile: the taxonomies that carry the status-safety facts",
)
def profile(request: HttpRequest) -> ProfileOut:
    vocabulary = default_vocabulary()
    return ProfileOut(
        name="Access Atlas",
        description=(
            "HSDS 3.1 with the status-safety facts a person without papers needs, carried as "
            "attributes under our own taxonomies, so that plain HSDS readers accept the feed. "
            "Confidential locations are published with their coarse area only."
        ),
        version=HSDS_VERSION,
        taxonomies=taxonomy_objects(vocabulary, default_status_safety()),
        extensions={
            "is_stale": "true when the service was not verified within the configured days",
            "demo": "true for a fictional demonstration record",
        },
    )


@router.get(
    "/services",
    response=ServicePageOut,
    summary="Published services, paginated; filters combine with AND",
)
def list_services(request: HttpRequest, params: Query[ServiceFilter]) -> ServicePageOut:
    queryset = filter_services(_published(), params)
    total = queryset.count()
    pages = max(1, math.ceil(total / params.per_page))
    start = (params.page - 1) * params.per_page
    services = list(queryset[start : start + params.per_page])
    return ServicePageOut(
        total_items=total,
        total_pages=pages,
        page_number=params.page,
        size=len(services),
        first_page=params.page == 1,
        last_page=params.page >= pages,
        empty=total == 0,
        contents=service_objects(services, full=params.full),
    )


@router.get(
    "/services/{service_id}",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="One published service, fully nested (HSDS 3.1)",
)
def get_service(request: HttpRequest, service_id: str) -> Any:
    service = _published().filter(uuid__iexact=service_id.strip()).first()
    if service is None:
        return Status(404, ErrorOut(detail="no published service with this id"))
    [obj] = service_objects([service])
    return obj


@router.post(
    "/proposals",
    auth=django_auth,
    response={201: ProposalOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Propose a new service or a change (contributors and editors)",
)
def create_proposal(request: HttpRequest, payload: ProposalIn) -> Status[Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    if not actions.can_propose(user):
        return Status(403, ErrorOut(detail="only contributors and editors may propose services"))
    place = Place.objects.filter(pk=payload.place).first()
    if place is None:
        return Status(404, ErrorOut(detail=f"no place {payload.place}"))
    service_id = str(payload.service.get("id", ""))
    service = Service.objects.filter(uuid__iexact=service_id).first() if service_id else None
    try:
        proposal = actions.propose(
            user=user, payload=payload.service, place=place, service=service, note=payload.note
        )
    except (HsdsImportError, ValueError) as error:
        problems = [str(p) for p in getattr(error, "problems", [])]
        return Status(400, ErrorOut(detail=str(error).splitlines()[0], problems=problems))
    return Status(
        201,
        ProposalOut(id=proposal.pk, status=proposal.status, service_id=payload.service.get("id")),
    )
