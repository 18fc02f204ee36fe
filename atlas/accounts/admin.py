from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from atlas.accounts.models import Organisation, PlaceMembership, User


@admin.register(User)
class AtlasUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Organisation", {"fields": ("organisation",)}))  # type: ignore[misc]
    list_display = ("username", "email", "organisation", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "groups")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "place")
    list_filter = ("kind",)
    search_fields = ("name",)
    fields = ("name", "kind", "place", "website")
    raw_id_fields = ("place",)


@admin.register(PlaceMembership)
class PlaceMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "place", "created_at")
    fields = ("user", "place")
    raw_id_fields = ("user", "place")
