from django.contrib import admin

from atlas.places.models import Place


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "country_code", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "code", "normalized_name")
    fields = ("kind", "code", "name", "country_code", "parent")
    raw_id_fields = ("parent",)
