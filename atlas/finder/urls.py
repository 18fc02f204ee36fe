from django.urls import path

from atlas.finder import views

app_name = "finder"
urlpatterns = [
    path("", views.choose_place, name="home"),
    path("places/<int:place_id>/", views.choose_need, name="place"),
    path("places/<int:place_id>/rights/", views.rights, name="rights"),
    path("places/<int:place_id>/<slug:sector>/", views.results, name="results"),
    path("services/<uuid:service_id>/", views.service_detail, name="service"),
]
