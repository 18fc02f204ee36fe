from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from atlas.core.places import normalize_name
from atlas.places.models import Place

router = Router(tags=["places"])


class PlaceOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    country_code: str
    parent_id: int | None


class PlaceFilter(Schema):
    kind: str | None = Field(None, pattern="^(region|country|subdivision|city)$")
    country: str | None = Field(None, max_length=2, description="ISO 3166-1 alpha-2")
    q: str = Field("", max_length=100, description="Part of the name or code")
    limit: int = Field(100, ge=1, le=500)


@router.get("", response=list[PlaceOut], summary="Regions, countries, subdivisions and cities")
def list_places(request: HttpRequest, params: Query[PlaceFilter]) -> list[Place]:
    places = Place.objects.all()
    if params.kind:
        places = places.filter(kind=params.kind)
    if params.country:
        places = places.filter(country_code=params.country.upper())
    if params.q:
        places = places.filter(
            Q(normalized_name__contains=normalize_name(params.q)) | Q(code__iexact=params.q)
        )
    return list(places.order_by("kind", "name")[: params.limit])
