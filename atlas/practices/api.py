"""The practices API: search with facets, detail, submission, export."""

from datetime import date, datetime

from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from atlas.core.practice_format import FieldError, parse_record, write_csv, write_jsonl
from atlas.core.vocabulary import default_vocabulary
from atlas.lib.downloads import download
from atlas.practices import actions, search
from atlas.practices.models import Practice
from atlas.practices.submissions import SubmissionThrottled, check_submission_rate

router = Router(tags=["practices"])


class SearchParams(Schema):
    q: str = Field("", max_length=200, description="Words to find; accents and case are ignored.")
    service: list[str] = Field([], description="Service or sector slugs (all must match).")
    group: list[str] = []
    barrier: list[str] = []
    measure: list[str] = []
    country: list[str] = Field([], description="ISO 3166-1 alpha-2 codes.")
    region: list[str] = Field([], description="UN M49 region codes.")
    actor: list[str] = Field([], description="Actor type slugs.")
    evidence: list[str] = Field([], description="evaluated, outcomes-reported or described.")
    decade: list[str] = Field([], description="Decade the practice started, e.g. 2010.")
    sort: str = Field("relevance", pattern="^(relevance|newest|oldest|title)$")
    page: int = Field(1, ge=1, le=500)
    page_size: int = Field(20, ge=1, le=100)


class PlaceOut(Schema):
    kind: str
    code: str
    name: str
    country_code: str


class PracticeSummaryOut(Schema):
    slug: str
    title: str
    summary: str
    language: str
    year_started: int | None
    evidence_level: str
    url: str


class SearchOut(Schema):
    total: int
    page: int
    page_size: int
    items: list[PracticeSummaryOut]
    facets: dict[str, dict[str, int]] = Field(
        description="For each facet, the number of matching practices per value."
    )


class ActorOut(Schema):
    name: str
    type: str
    role: str


class SourceOut(Schema):
    title: str
    url: str
    year: int | None
    accessed: date | None


class OutcomeOut(Schema):
    text: str
    figure: float | None
    unit: str
    year: int | None
    source: str | None


class ReplicationOut(Schema):
    practice: str | None
    place: PlaceOut | None
    note: str


class PracticeOut(Schema):
    slug: str
    title: str
    summary: str
    description: str
    language: str
    places: list[PlaceOut]
    year_started: int | None
    year_ended: int | None
    year_note: str
    actors: list[ActorOut]
    services: list[str]
    groups: list[str]
    barriers: list[str]
    measures: list[str]
    outcomes: list[OutcomeOut]
    evidence_level: str
    replications: list[ReplicationOut]
    source_notes: str
    sources: list[SourceOut]
    last_verified: date | None
    is_stale: bool
    published_at: datetime | None
    similar: list[str]


class PlaceIn(Schema):
    iso: str | None = None
    m49: str | None = None
    country: str | None = None
    city: str | None = None


class ActorIn(Schema):
    name: str = Field(max_length=200)
    type: str = Field(max_length=40)
    role: str = "lead"


class SourceIn(Schema):
    title: str = Field(max_length=300)
    url: str = Field(max_length=500)
    year: int | None = None


class SubmissionIn(Schema):
    title: str = Field(max_length=200)
    summary: str = Field(max_length=600)
    description: str = Field(max_length=20000)
    language: str = "en"
    places: list[PlaceIn] = Field(min_length=1, max_length=20)
    year_started: int | None = None
    actors: list[ActorIn] = Field(min_length=1, max_length=20)
    services: list[str] = Field(min_length=1, max_length=30)
    groups: list[str] = Field([], max_length=30)
    barriers: list[str] = Field([], max_length=30)
    measures: list[str] = Field([], max_length=30)
    sources: list[SourceIn] = Field(min_length=1, max_length=20)
    submitter_name: str = Field("", max_length=200)
    submitter_contact: str = Field("", max_length=200)


class SubmissionOut(Schema):
    status: str
    message: str


class ErrorOut(Schema):
    detail: str
    field: str | None = None


def place_out(place: object) -> PlaceOut:
    return PlaceOut(
        kind=place.kind,  # type: ignore[attr-defined]
        code=place.code,  # type: ignore[attr-defined]
        name=place.name,  # type: ignore[attr-defined]
        country_code=place.country_code,  # type: ignore[attr-defined]
    )


@router.get("", response=SearchOut, summary="Search published practices with facet counts")
def list_practices(request: HttpRequest, params: Query[SearchParams]) -> SearchOut:
    filters = {name: getattr(params, name) for name in search.FACETS if getattr(params, name)}
    result = search.search_practices(
        query=params.q,
        filters=filters,
        sort=params.sort,
        offset=(params.page - 1) * params.page_size,
        limit=params.page_size,
    )
    practices = Practice.objects.in_bulk(result.ids)
    items = [
        PracticeSummaryOut(
            slug=p.slug,
            title=p.title,
            summary=p.summary,
            language=p.language,
            year_started=p.year_started,
            evidence_level=p.evidence_level,
            url=f"/api/practices/{p.slug}",
        )
        for p in (practices[pk] for pk in result.ids if pk in practices)
    ]
    return SearchOut(
        total=result.total,
        page=params.page,
        page_size=params.page_size,
        items=items,
        facets=result.facets,
    )


@router.get(
    "/export",
    summary="Export every published practice as JSON Lines or CSV",
    response={200: None},
)
def export_practices(request: HttpRequest, format: str = "jsonl") -> StreamingHttpResponse:
    if format not in {"jsonl", "csv"}:
        raise HttpError(400, "format must be jsonl or csv")
    records = (actions.export_record(p) for p in actions.export_queryset().published())
    writer = write_csv if format == "csv" else write_jsonl
    return download(writer(records), file_format=format, name="practices")


@router.post(
    "/submissions",
    response={201: SubmissionOut, 400: ErrorOut, 429: ErrorOut},
    summary="Propose a practice for editorial review",
)
def submit_practice(request: HttpRequest, payload: SubmissionIn) -> Status[object]:
    raw = payload.dict(exclude={"submitter_name", "submitter_contact"})
    raw["places"] = [{k: v for k, v in p.items() if v is not None} for p in raw["places"]]
    raw["slug"] = actions.submission_slug(payload.title)
    raw["status"] = "submitted"
    try:
        record = parse_record(raw, vocabulary=default_vocabulary())
        check_submission_rate(request)
        actions.submit_practice(
            record=record,
            user=request.user if request.user.is_authenticated else None,
            submitter_name=payload.submitter_name,
            submitter_contact=payload.submitter_contact,
        )
    except FieldError as error:
        return Status(400, ErrorOut(detail=error.message, field=error.field))
    except SubmissionThrottled:
        return Status(429, ErrorOut(detail="too many submissions; try again in an hour"))
    return Status(
        201, SubmissionOut(status="submitted", message="Thank you: editors will review it.")
    )


@router.get("/{slug}", response={200: PracticeOut, 404: ErrorOut}, summary="One published practice")
def get_practice(request: HttpRequest, slug: str) -> PracticeOut:
    practice = get_object_or_404(actions.export_queryset().published(), slug=slug)
    record = actions.export_record(practice)
    return PracticeOut(
        slug=practice.slug,
        title=practice.title,
        summary=practice.summary,
        description=practice.description,
        language=practice.language,
        places=[place_out(p) for p in practice.places.all()],
        year_started=practice.year_started,
        year_ended=practice.year_ended,
        year_note=practice.year_note,
        actors=[ActorOut(**a) for a in record["actors"]],
        services=record["services"],
        groups=record["groups"],
        barriers=record["barriers"],
        measures=record["measures"],
        outcomes=[OutcomeOut(**o) for o in record["outcomes"]],
        evidence_level=practice.evidence_level,
        replications=[
            ReplicationOut(
                practice=r.target.slug if r.target and r.target.is_published else None,
                place=place_out(r.place) if r.place else None,
                note=r.note,
            )
            for r in practice.replications.all()
        ],
        source_notes=practice.source_notes,
        sources=[SourceOut(**s) for s in record["sources"]],
        last_verified=practice.last_verified,
        is_stale=practice.is_stale,
        published_at=practice.published_at,
        similar=[p.slug for p in search.similar_practices(practice)],
    )
