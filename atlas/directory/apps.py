from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "atlas.directory"
    verbose_name = "Service directory"
