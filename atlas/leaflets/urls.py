from django.urls import path

from atlas.leaflets import views

app_name = "leaflets"
urlpatterns = [
    path("<int:place_id>/", views.leaflet, name="leaflet"),
    path("<int:place_id>/leaflet.pdf", views.leaflet_pdf, name="leaflet_pdf"),
]
