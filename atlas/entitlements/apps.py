from django.apps import AppConfig


class EntitlementsConfig(AppConfig):
    name = "atlas.entitlements"
    verbose_name = "Entitlements"
