from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from atlas.accounts.actions import ensure_role_groups
from atlas.diagnostics.demo import load_demo_city
from atlas.directory.actions import import_starter_directory
from atlas.entitlements.actions import import_starter_entitlements
from atlas.places.actions import load_regions_and_countries, name_cities
from atlas.practices.actions import import_starter_practices
from atlas.stats.actions import load_starter_tables


class Command(BaseCommand):
    help = (
        "Set up or update an installation: migrate the database, create the cache table, "
        "collect static files, and load regions, countries, roles, the starter practices "
        "and entitlements, and Demo City (fictional) with its assessment rounds and synthetic "
        "statistical tables; give cities their names in other languages "
        "(atlas/core/data/city-names.toml). "
        "Safe to run again: existing content is kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-static", action="store_true", help="skip collecting static files")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        call_command("createcachetable", verbosity=max(0, verbosity - 1))
        if not options["no_static"]:
            call_command("collectstatic", interactive=False, verbosity=max(0, verbosity - 1))
        places = load_regions_and_countries()
        ensure_role_groups()
        practices = import_starter_practices()
        entitlements = import_starter_entitlements()
        demo_rounds = load_demo_city()
        directory = import_starter_directory()
        stats_tables = load_starter_tables()
        # Cities are created with their names; this names those created before the file did.
        named = name_cities()
        renamed = f"; {named} cities given their names in other languages" if named else ""
        self.stdout.write(
            f"Ready: {places} places, {practices.created} starter practices, "
            f"{entitlements.created} starter entitlements, {directory} directory services, "
            f"{demo_rounds} assessment rounds and {stats_tables} synthetic statistical "
            f"tables of Demo City (fictional) added{renamed}."
        )
