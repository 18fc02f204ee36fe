from django.urls import path

from atlas.entitlements import views

app_name = "entitlements"
urlpatterns = [
    path("", views.entitlement_matrix, name="matrix"),
    path("compare/", views.compare, name="compare"),
    path("gaps-and-priorities/", views.summaries, name="summaries"),
    path("places/<int:place_id>/", views.place_profile, name="place"),
    path("places/<int:place_id>/timeline/", views.place_timeline, name="timeline"),
    path("<int:entitlement_id>/", views.entitlement_detail, name="detail"),
]
