from django.apps import AppConfig


class LeafletsConfig(AppConfig):
    name = "atlas.leaflets"
    verbose_name = "Leaflets"
