from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "atlas.places"
    verbose_name = "Places"
