from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "atlas.practices"
    verbose_name = "Practices"
