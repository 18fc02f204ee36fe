"""Plans in the admin: read only. Every change goes through actions.py, which keeps the
versions; the team edits plans on the site."""

from django.contrib import admin
from django.http import HttpRequest

from atlas.plans.models import Plan, PlanAction, PlanVersion


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ActionInline(ReadOnlyInline):
    model = PlanAction
    fields = ("position", "title", "gap_question", "step", "owner", "deadline", "status")


class VersionInline(ReadOnlyInline):
    model = PlanVersion
    fields = ("number", "change", "saved_by", "saved_at")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("place", "title", "published", "created_at")
    list_filter = ("published",)
    search_fields = ("place__name", "title")
    fields = ("assessment", "place", "title", "published", "created_by", "created_at")
    readonly_fields = fields
    inlines = [ActionInline, VersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
