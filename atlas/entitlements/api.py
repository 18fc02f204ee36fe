"""The entitlements API: facts by place, service, group and date; gaps; summaries; export."""

from datetime import date

from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from atlas.core.entitlement_format import write_csv, write_jsonl
from atlas.core.entitlements import summarise
from atlas.entitlements import actions, maps
from atlas.entitlements.models import Entitlement
from atlas.lib.downloads import download
from atlas.places.models import Place
from atlas.places.tree import PlaceTree

router = Router(tags=["entitlements"])


class SourceOut(Schema):
    title: str
    url: str
    year: int | None


class EntitlementOut(Schema):
    id: int
    place_id: int
    place: str
    service: str
    group: str
    effective_from: date | None
    effective_to: date | None
    law_level: str
    practice_level: str
    practice_evidence: str
    cost: str
    documents: str
    firewall: str
    firewall_detail: str
    conditions: str
    legal_basis: str
    legal_basis_url: str
    source_year: int | None
    sources: list[SourceOut]
    last_verified: date | None
    is_stale: bool
    recorded_for: str = Field(
        description="The place the fact was recorded for (it may be inherited)."
    )
    is_inherited: bool


class EntitlementFilter(Schema):
    place: int | None = Field(None, description="A place id: its own and inherited facts.")
    service: str | None = None
    group: str | None = None
    on: date | None = Field(None, description="The date the map is viewed at (default today).")
    limit: int = Field(500, ge=1, le=5000)


class GapOut(Schema):
    service: str
    group: str
    kind: str
    severity: float
    barrier: str
    entitlement_id: int


class SummaryOut(Schema):
    service: str
    group: str
    question: str
    places_mapped: list[int]
    places_yes: list[int]
    places_unclear: list[int]


def entitlement_out(entitlement: Entitlement, place_id: int | None = None) -> EntitlementOut:
    return EntitlementOut(
        id=entitlement.pk,
        place_id=entitlement.place_id,
        place=entitlement.place.name,
        service=entitlement.service,
        group=entitlement.group,
        effective_from=entitlement.effective_from,
        effective_to=entitlement.effective_to,
        law_level=entitlement.law_level,
        practice_level=entitlement.practice_level,
        practice_evidence=entitlement.practice_evidence,
        cost=entitlement.cost,
        documents=entitlement.documents,
        firewall=entitlement.firewall,
        firewall_detail=entitlement.firewall_detail,
        conditions=entitlement.conditions,
        legal_basis=entitlement.legal_basis,
        legal_basis_url=entitlement.legal_basis_url,
        source_year=entitlement.source_year,
        sources=[
            SourceOut(title=s.title, url=s.url, year=s.year) for s in entitlement.sources.all()
        ],
        last_verified=entitlement.last_verified,
        is_stale=entitlement.is_stale,
        recorded_for=entitlement.place.name,
        is_inherited=place_id is not None and entitlement.place_id != place_id,
    )


@router.get("", response=list[EntitlementOut], summary="Entitlements in force on a date")
def list_entitlements(
    request: HttpRequest, params: Query[EntitlementFilter]
) -> list[EntitlementOut]:
    on = params.on or timezone.localdate()
    if params.place is not None:
        place = get_object_or_404(Place, pk=params.place)
        rows = [row.entitlement for row in maps.profile(place, on)]
        rows = [
            e
            for e in rows
            if (params.service is None or e.service == params.service)
            and (params.group is None or e.group == params.group)
        ]
        return [entitlement_out(e, place.pk) for e in rows[: params.limit]]
    queryset = Entitlement.objects.in_force(on).select_related("place").prefetch_related("sources")
    if params.service:
        queryset = queryset.filter(service=params.service)
    if params.group:
        queryset = queryset.filter(group=params.group)
    return [entitlement_out(e) for e in queryset[: params.limit]]


@router.get(
    "/export", response={200: None}, summary="Every entitlement period as JSON Lines or CSV"
)
def export_entitlements(request: HttpRequest, format: str = "jsonl") -> StreamingHttpResponse:
    if format not in {"jsonl", "csv"}:
        raise HttpError(400, "format must be jsonl or csv")
    records = (actions.export_record(e) for e in actions.export_queryset())
    writer = write_csv if format == "csv" else write_jsonl
    return download(writer(records), file_format=format, name="entitlements")


@router.get(
    "/places/{place_id}/gaps", response=list[GapOut], summary="Gaps for a place, most severe first"
)
def place_gaps(request: HttpRequest, place_id: int, on: date | None = None) -> list[GapOut]:
    place = get_object_or_404(Place, pk=place_id)
    gaps = maps.gaps_for(place, on or timezone.localdate())
    return [
        GapOut(
            service=gap.service,
            group=gap.group,
            kind=gap.kind,
            severity=gap.severity,
            barrier=gap.barrier,
            entitlement_id=gap.fact.ref.pk,  # type: ignore[attr-defined]
        )
        for gap in gaps
    ]


@router.get(
    "/summaries",
    response=list[SummaryOut],
    summary="Counts across places, with the places behind them",
)
def summaries(
    request: HttpRequest, group: str = "irregular-migrant", on: date | None = None
) -> list[SummaryOut]:
    on = on or timezone.localdate()
    tree = PlaceTree.load()
    facts = maps.all_place_facts(maps.mapped_places(), on, tree)
    services = sorted({s for resolved in facts.values() for (s, g) in resolved if g == group})
    return [
        SummaryOut(
            service=s.service,
            group=s.group,
            question=s.question,
            places_mapped=[int(k) for k in s.places_mapped],
            places_yes=[int(k) for k in s.places_yes],
            places_unclear=[int(k) for k in s.places_unclear],
        )
        for s in summarise(facts, services=services, groups=[group])
    ]
