from django.apps import AppConfig
from django.db.models.signals import post_delete


class PracticesConfig(AppConfig):
    name = "atlas.practices"
    verbose_name = "Practices"

    def ready(self) -> None:
        from atlas.practices.facet_index import index_changed
        from atlas.practices.models import SearchDocument

        # Deleting a practice deletes its search document by cascade, outside
        # index_practice: the in-memory facet bitmaps must hear of it too.
        post_delete.connect(
            lambda **kwargs: index_changed(),
            sender=SearchDocument,
            weak=False,
            dispatch_uid="practices-search-index-changed",
        )
