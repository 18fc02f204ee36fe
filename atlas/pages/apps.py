from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "atlas.pages"
    verbose_name = "Pages"
