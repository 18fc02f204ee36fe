from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "atlas.diagnostics"
    verbose_name = "Diagnostics"
