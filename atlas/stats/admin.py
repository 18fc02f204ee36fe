from django.contrib import admin

from atlas.stats.models import StatsTable


@admin.register(StatsTable)
class StatsTableAdmin(admin.ModelAdmin):
    list_display = ("title", "place", "slug", "status", "synthetic", "published_at")
    list_filter = ("status", "synthetic", "engine")
    search_fields = ("title", "slug")
    readonly_fields = ("cells", "audit", "information_loss", "created_at", "published_at")
