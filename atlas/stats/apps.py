from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "atlas.stats"
    verbose_name = "Statistics"
