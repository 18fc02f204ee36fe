"""The JSON API: one NinjaAPI, one router per app, OpenAPI at /api/openapi.json."""

from ninja import NinjaAPI

from atlas.diagnostics.api import router as diagnostics_router
from atlas.directory.api import router as directory_router
from atlas.entitlements.api import router as entitlements_router
from atlas.pages.api import router as vocabulary_router
from atlas.places.api import router as places_router
from atlas.plans.api import router as plans_router
from atlas.practices.api import router as practices_router
from atlas.stats.api import router as stats_router

api = NinjaAPI(
    title="Access Atlas API",
    version="1",
    description=(
        "Open data on access to basic services whatever a person's migration status: "
        "the shared vocabulary, places and the good-practice library. "
        "No endpoint returns data about individual people."
    ),
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/vocabulary", vocabulary_router)
api.add_router("/places", places_router)
api.add_router("/practices", practices_router)
api.add_router("/entitlements", entitlements_router)
api.add_router("/diagnostics", diagnostics_router)
api.add_router("/plans", plans_router)
api.add_router("/hsds", directory_router)
api.add_router("/stats", stats_router)
