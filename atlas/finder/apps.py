from django.apps import AppConfig


class FinderConfig(AppConfig):
    name = "atlas.finder"
    verbose_name = "Finder"
