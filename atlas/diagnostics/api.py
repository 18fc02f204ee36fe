"""The diagnostics API: the framework, assessment rounds (scoped to who may see them), results.

Who may see or change a round is decided by `permissions.py` alone. A round the caller may
not see answers 404, exactly like one that does not exist, so its existence does not leak; a
round the caller sees but may not change answers 403. Writes need a signed-in session and
Django's CSRF token (``django_auth``); without a session they answer 401 before any round
is looked up. No response names the people who opened or answered a round.
"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Body, Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from atlas.accounts.models import User
from atlas.core.diagnostic import Framework, LevelScore, default_framework, law_practice_gaps
from atlas.core.places import normalize_name
from atlas.diagnostics import actions, permissions
from atlas.diagnostics.models import Assessment
from atlas.lib.languages import checked_language
from atlas.places.models import Place

router = Router(tags=["diagnostics"])

NOT_FOUND = "no such assessment round"
STATUS_PATTERN = "^(draft|submitted|published)$"


# --- schemas ---------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str
    field: str | None = Field(None, description="The question or parameter at fault.")


class FrameworkBase(Schema):
    slug: str
    version: str
    fingerprint: str = Field(description="SHA-256 of the framework's content.")
    aggregation: str = Field(description="dimension (MIPEX) or area (MIPEX 2020).")
    weighting: str = Field(description="plain or weighted.")
    title: str
    source: str


class FrameworkSummaryOut(FrameworkBase):
    area_count: int
    question_count: int
    url: str


class OptionOut(Schema):
    value: str
    score: int
    label: str


class QuestionOut(Schema):
    slug: str
    asks_about: str = Field(description="law or practice.")
    text: str
    guidance: str
    evidence: str = Field(description="The evidence the question asks for.")
    options: list[OptionOut]
    allow_not_applicable: bool
    weight: float
    scale: str | None
    services: list[str]
    groups: list[str]
    barriers: list[str]
    source: str
    pairs_with: str | None = Field(
        description="On a practice question, the law question whose promise it checks."
    )


class DimensionOut(Schema):
    slug: str
    label: str
    weight: float
    questions: list[QuestionOut]


class AreaOut(Schema):
    slug: str
    kind: str = Field(description="sector or cross-cutting.")
    label: str
    weight: float
    dimensions: list[DimensionOut]


class FrameworkOut(FrameworkBase):
    language: str
    areas: list[AreaOut]


class LanguageParams(Schema):
    language: str = Field("en", description="One of en, es, fr, ar, pt, ru, uk, fa.")


class PlaceOut(Schema):
    id: int
    kind: str
    name: str
    reference: dict[str, str] = Field(
        description='As the interchange formats name it: {"iso": "ES"} or '
        '{"country": "ES", "city": "Barcelona"}.'
    )


class AssessmentOut(Schema):
    id: int
    place: PlaceOut
    title: str
    period: date
    status: str
    framework: str
    framework_version: str
    framework_fingerprint: str
    aggregation: str
    weighting: str
    created_at: datetime
    submitted_at: datetime | None
    published_at: datetime | None
    can_change: bool = Field(description="Whether the caller may answer, submit or publish.")


class AnswerOut(Schema):
    question: str
    value: str = Field(description='An option value, "not-applicable", or "" (not answered).')
    evidence: str
    comment: str
    updated_at: datetime


class AssessmentDetailOut(AssessmentOut):
    answers: list[AnswerOut]


class AssessmentPageOut(Schema):
    total: int
    page: int
    page_size: int
    items: list[AssessmentOut]


class AssessmentFilter(Schema):
    place: str | None = Field(
        None,
        max_length=130,
        description='A place id, an ISO code ("ES", "ES-CT") or a city as "ES/Barcelona".',
    )
    status: str | None = Field(None, pattern=STATUS_PATTERN)
    page: int = Field(1, ge=1, le=1000)
    page_size: int = Field(20, ge=1, le=100)


class OpenIn(Schema):
    place: int = Field(description="The place id; the caller must be on its team.")
    title: str = Field(min_length=1, max_length=200)
    period: date = Field(description="The date the answers describe.")


class AnswerIn(Schema):
    value: str = Field("", max_length=60)
    evidence: str = Field("", max_length=10000)
    comment: str = Field("", max_length=10000)


class SavedOut(Schema):
    changed: int
    assessment: AssessmentDetailOut


class LevelOut(Schema):
    slug: str
    label: str
    score: float | None = Field(description="0–100, one decimal; null when nothing answered.")
    answered: int
    not_applicable: int
    total: int
    share: float | None = Field(description="Per cent of the applicable questions answered.")


class DimensionScoreOut(LevelOut):
    area: str


class QuestionScoreOut(Schema):
    slug: str
    area: str
    dimension: str
    answer: str | None
    score: int | None
    status: str = Field(description="answered, not-applicable or unanswered.")


class LawPracticeGapOut(Schema):
    area: str
    law_question: str
    practice_question: str
    law_score: int
    practice_score: int
    difference: int
    services: list[str]


class OverallOut(Schema):
    score: float | None
    answered: int
    not_applicable: int
    total: int
    share: float | None


class ResultOut(Schema):
    assessment: int
    status: str
    framework: str
    framework_version: str
    fingerprint: str
    aggregation: str
    weighting: str
    language: str
    overall: OverallOut
    areas: list[LevelOut]
    dimensions: list[DimensionScoreOut]
    questions: list[QuestionScoreOut]
    practice_below_law: list[LawPracticeGapOut]


# --- helpers ---------------------------------------------------------------------------------


def the_framework(slug: str) -> Framework:
    framework = default_framework()
    if slug != framework.slug:
        raise HttpError(404, f"no framework {slug!r}")
    return framework


def framework_summary(framework: Framework, language: str) -> dict[str, Any]:
    return {
        "slug": framework.slug,
        "version": framework.version,
        "fingerprint": framework.fingerprint,
        "aggregation": framework.aggregation,
        "weighting": framework.weighting,
        "title": framework.label(language),
        "source": framework.source,
    }


def label(labels: Any, language: str) -> str:
    return str(labels.get(language) or labels.get("en") or "")


def place_out(place: Place) -> PlaceOut:
    return PlaceOut(id=place.pk, kind=place.kind, name=place.name, reference=place.as_reference())


def assessment_fields(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "place": place_out(assessment.place),
        "title": assessment.title,
        "period": assessment.period,
        "status": assessment.status,
        "framework": assessment.framework,
        "framework_version": assessment.framework_version,
        "framework_fingerprint": assessment.framework_fingerprint,
        "aggregation": assessment.aggregation,
        "weighting": assessment.weighting,
        "created_at": assessment.created_at,
        "submitted_at": assessment.submitted_at,
        "published_at": assessment.published_at,
        "can_change": permissions.can_change(request.user, assessment),
    }


def assessment_detail(request: HttpRequest, assessment: Assessment) -> AssessmentDetailOut:
    answers = [
        AnswerOut(
            question=a.question,
            value=a.value,
            evidence=a.evidence,
            comment=a.comment,
            updated_at=a.updated_at,
        )
        for a in assessment.answers.order_by("question")
    ]
    return AssessmentDetailOut(**assessment_fields(request, assessment), answers=answers)


def visible_round(request: HttpRequest, assessment_id: int) -> Assessment:
    """The round if the caller may see it; 404 alike whether it is hidden or missing."""
    assessment = (
        Assessment.objects.select_related("place", "place__parent").filter(pk=assessment_id).first()
    )
    if assessment is None or not permissions.can_view(request.user, assessment):
        raise HttpError(404, NOT_FOUND)
    return assessment


def changeable_round(request: HttpRequest, assessment_id: int) -> Assessment:
    """The round if the caller may change it: 404 if hidden, 403 if only visible."""
    assessment = visible_round(request, assessment_id)
    if not permissions.can_change(request.user, assessment):
        raise HttpError(403, "only the place's team may change this round")
    return assessment


def acting_user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def place_filter(value: str) -> Place | None:
    """The place a ``?place=`` value names, or None if it names none."""
    value = value.strip()
    if value.isdigit():
        return Place.objects.filter(pk=int(value)).first()
    if "/" in value:
        country, _, city = value.partition("/")
        return Place.objects.filter(
            kind=Place.Kind.CITY,
            country_code=country.strip().upper(),
            normalized_name=normalize_name(city),
        ).first()
    return (
        Place.objects.filter(code__iexact=value)
        .exclude(kind__in=[Place.Kind.CITY, Place.Kind.REGION])
        .first()
    )


def level_out(level: LevelScore, label_text: str) -> dict[str, Any]:
    return {
        "slug": level.slug,
        "label": label_text,
        "score": level.score,
        "answered": level.coverage.answered,
        "not_applicable": level.coverage.not_applicable,
        "total": level.coverage.total,
        "share": level.coverage.share,
    }


# --- the framework ---------------------------------------------------------------------------


@router.get(
    "/frameworks",
    response={200: list[FrameworkSummaryOut], 400: ErrorOut},
    summary="Diagnostic framework versions this installation scores",
)
def list_frameworks(
    request: HttpRequest, params: Query[LanguageParams]
) -> list[FrameworkSummaryOut]:
    language = checked_language(params.language)
    framework = default_framework()
    return [
        FrameworkSummaryOut(
            **framework_summary(framework, language),
            area_count=len(framework.areas),
            question_count=len(framework.questions),
            url=f"/api/diagnostics/frameworks/{framework.slug}",
        )
    ]


@router.get(
    "/frameworks/{slug}",
    response={200: FrameworkOut, 400: ErrorOut, 404: ErrorOut},
    summary="A framework: areas, dimensions, questions with their options and scores",
)
def get_framework(request: HttpRequest, slug: str, params: Query[LanguageParams]) -> FrameworkOut:
    language = checked_language(params.language)
    framework = the_framework(slug)
    areas = [
        AreaOut(
            slug=area.slug,
            kind=area.kind,
            label=area.label(language),
            weight=area.weight,
            dimensions=[
                DimensionOut(
                    slug=dimension.slug,
                    label=dimension.label(language),
                    weight=dimension.weight,
                    questions=[
                        QuestionOut(
                            slug=q.slug,
                            asks_about=q.asks_about,
                            text=label(q.text, language),
                            guidance=label(q.guidance, language),
                            evidence=label(q.evidence, language),
                            options=[
                                OptionOut(value=o.value, score=o.score, label=o.label(language))
                                for o in q.options
                            ],
                            allow_not_applicable=q.allow_not_applicable,
                            weight=q.weight,
                            scale=q.scale,
                            services=list(q.services),
                            groups=list(q.groups),
                            barriers=list(q.barriers),
                            source=q.source,
                            pairs_with=q.pairs_with,
                        )
                        for q in dimension.questions
                    ],
                )
                for dimension in area.dimensions
            ],
        )
        for area in framework.areas
    ]
    return FrameworkOut(**framework_summary(framework, language), language=language, areas=areas)


# --- assessment rounds -----------------------------------------------------------------------


@router.get(
    "/assessments",
    response=AssessmentPageOut,
    summary="Assessment rounds the caller may see, newest period first within each place",
)
def list_assessments(request: HttpRequest, params: Query[AssessmentFilter]) -> AssessmentPageOut:
    rounds = permissions.visible_assessments(request.user).select_related("place", "place__parent")
    if params.place:
        place = place_filter(params.place)
        rounds = rounds.filter(place=place) if place is not None else rounds.none()
    if params.status:
        rounds = rounds.filter(status=params.status)
    rounds = rounds.order_by("place__name", "-period", "-id")
    start = (params.page - 1) * params.page_size
    return AssessmentPageOut(
        total=rounds.count(),
        page=params.page,
        page_size=params.page_size,
        items=[
            AssessmentOut(**assessment_fields(request, a))
            for a in rounds[start : start + params.page_size]
        ],
    )


@router.post(
    "/assessments",
    auth=django_auth,
    response={201: AssessmentDetailOut, 403: ErrorOut, 404: ErrorOut},
    summary="Open an assessment round for a place (its team only)",
)
def open_assessment(request: HttpRequest, payload: OpenIn) -> Status[AssessmentDetailOut]:
    place = Place.objects.filter(pk=payload.place).first()
    if place is None:
        raise HttpError(404, f"no place {payload.place}")
    if not permissions.can_open(request.user, place):
        raise HttpError(403, "only the place's team may open a round for it")
    assessment = actions.open_assessment(
        place=place, user=acting_user(request), title=payload.title, period=payload.period
    )
    return Status(201, assessment_detail(request, assessment))


@router.get(
    "/assessments/{assessment_id}",
    response={200: AssessmentDetailOut, 404: ErrorOut},
    summary="One assessment round with its answers",
)
def get_assessment(request: HttpRequest, assessment_id: int) -> AssessmentDetailOut:
    return assessment_detail(request, visible_round(request, assessment_id))


@router.put(
    "/assessments/{assessment_id}/answers",
    auth=django_auth,
    response={200: SavedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Save a draft's answers, all or none",
)
def save_answers(
    request: HttpRequest,
    assessment_id: int,
    answers: Body[dict[str, AnswerIn]],
) -> SavedOut | Status[ErrorOut]:
    assessment = changeable_round(request, assessment_id)
    if assessment.status != Assessment.Status.DRAFT:
        raise HttpError(409, "only a draft's answers can change; reopen the round first")
    try:
        framework = actions.framework_of(assessment)
    except actions.AssessmentError as error:
        raise HttpError(409, str(error)) from None
    for question, answer in answers.items():
        try:
            actions.check_answer(framework, question, answer.value)
        except actions.AssessmentError as error:
            return Status(400, ErrorOut(detail=str(error), field=question))
    try:
        changed = actions.save_answers(
            assessment=assessment,
            user=acting_user(request),
            answers={
                question: actions.AnswerInput(
                    value=answer.value, evidence=answer.evidence, comment=answer.comment
                )
                for question, answer in answers.items()
            },
        )
    except actions.AssessmentError as error:
        return Status(400, ErrorOut(detail=str(error), field=None))
    return SavedOut(changed=changed, assessment=assessment_detail(request, assessment))


def change_status(request: HttpRequest, assessment_id: int, change: Any) -> AssessmentDetailOut:
    assessment = changeable_round(request, assessment_id)
    try:
        change(assessment=assessment, user=acting_user(request))
    except actions.AssessmentError as error:
        raise HttpError(409, str(error)) from None
    return assessment_detail(request, assessment)


@router.post(
    "/assessments/{assessment_id}/submit",
    auth=django_auth,
    response={200: AssessmentDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Submit a draft: it is scored and editors may review it",
)
def submit_assessment(request: HttpRequest, assessment_id: int) -> AssessmentDetailOut:
    return change_status(request, assessment_id, actions.submit)


@router.post(
    "/assessments/{assessment_id}/publish",
    auth=django_auth,
    response={200: AssessmentDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Publish a submitted round: its results become public",
)
def publish_assessment(request: HttpRequest, assessment_id: int) -> AssessmentDetailOut:
    return change_status(request, assessment_id, actions.publish)


@router.post(
    "/assessments/{assessment_id}/reopen",
    auth=django_auth,
    response={200: AssessmentDetailOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Reopen a round as a draft: unpublished and unscored until submitted again",
)
def reopen_assessment(request: HttpRequest, assessment_id: int) -> AssessmentDetailOut:
    return change_status(request, assessment_id, actions.reopen)


@router.get(
    "/assessments/{assessment_id}/results",
    response={200: ResultOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="A round's scores by area, dimension and question, with coverage",
)
def get_results(
    request: HttpRequest, assessment_id: int, params: Query[LanguageParams]
) -> ResultOut:
    language = checked_language(params.language)
    assessment = visible_round(request, assessment_id)
    try:
        framework = actions.framework_of(assessment)
        result = actions.result_of(assessment)
    except actions.AssessmentError as error:
        raise HttpError(409, str(error)) from None
    gaps = law_practice_gaps(framework, actions.answers_of(assessment))
    return ResultOut(
        assessment=assessment.pk,
        status=assessment.status,
        framework=result.framework_slug,
        framework_version=result.framework_version,
        fingerprint=result.fingerprint,
        aggregation=result.aggregation,
        weighting=result.weighting,
        language=language,
        overall=OverallOut(
            **{k: v for k, v in level_out(result.overall, "").items() if k not in {"slug", "label"}}
        ),
        areas=[
            LevelOut(**level_out(result.areas[area.slug], area.label(language)))
            for area in framework.areas
        ],
        dimensions=[
            DimensionScoreOut(
                **level_out(result.dimensions[dimension.slug], dimension.label(language)),
                area=dimension.area,
            )
            for dimension in framework.dimensions
        ],
        questions=[
            QuestionScoreOut(
                slug=q.slug,
                area=q.area,
                dimension=q.dimension,
                answer=q.answer,
                score=q.score,
                status=q.status,
            )
            for q in result.questions.values()
        ],
        practice_below_law=[
            LawPracticeGapOut(
                area=gap.area,
                law_question=gap.law_question,
                practice_question=gap.practice_question,
                law_score=gap.law_score,
                practice_score=gap.practice_score,
                difference=gap.difference,
                services=list(gap.services),
            )
            for gap in gaps
        ],
    )
