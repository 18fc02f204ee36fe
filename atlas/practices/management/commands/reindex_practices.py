from typing import Any

from django.core.management.base import BaseCommand

from atlas.practices.search import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index and facets of every practice."

    def handle(self, *args: Any, **options: Any) -> None:
        count = reindex_all()
        self.stdout.write(f"Indexed {count} practices.")
