from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from atlas.api import api
from atlas.pages import views as page_views

urlpatterns = [
    path("", page_views.choose_language, name="root"),
    path("healthz", page_views.healthz, name="healthz"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    path("", include("atlas.pages.urls")),
    path("practices/", include("atlas.practices.urls")),
    path("entitlements/", include("atlas.entitlements.urls")),
    path("diagnostics/", include("atlas.diagnostics.urls")),
    path("plans/", include("atlas.plans.urls")),
    path("finder/", include("atlas.finder.urls")),
    path("accounts/", include("atlas.accounts.urls")),
    path("leaflets/", include("atlas.leaflets.urls")),
    path("stats/", include("atlas.stats.urls")),
    prefix_default_language=True,
)

admin.site.site_header = "Access Atlas"
admin.site.site_title = "Access Atlas"
