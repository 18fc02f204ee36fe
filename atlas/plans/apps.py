from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "atlas.plans"
    verbose_name = "Action plans"
