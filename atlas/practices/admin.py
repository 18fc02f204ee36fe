"""The editors' review queue and history, in Django's admin."""

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from atlas.practices import actions
from atlas.practices.models import (
    Actor,
    Event,
    Outcome,
    Practice,
    Replication,
    Source,
    Tag,
    Translation,
)


class TagInline(admin.TabularInline):
    model = Tag
    fields = ("kind", "slug")
    extra = 0


class ActorInline(admin.TabularInline):
    model = Actor
    fields = ("name", "actor_type", "role", "position")
    extra = 0


class SourceInline(admin.TabularInline):
    model = Source
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("title", "url", "year", "accessed", "position")
    extra = 0


class OutcomeInline(admin.StackedInline):
    model = Outcome
    fields = ("text", "figure", "unit", "year", "source", "position")
    extra = 0


class ReplicationInline(admin.TabularInline):
    model = Replication
    fk_name = "practice"
    fields = ("target", "place", "note", "position")
    raw_id_fields = ("target", "place")
    extra = 0


class TranslationInline(admin.StackedInline):
    model = Translation
    fields = ("language", "title", "summary", "description")
    extra = 0


class EventInline(admin.TabularInline):
    """Who submitted, changed, published or archived the practice, newest first."""

    model = Event
    fields = ("at", "verb", "user", "note")
    readonly_fields = ("at", "verb", "user", "note")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class NeedsReviewFilter(admin.SimpleListFilter):
    """Records not verified within ATLAS_STALE_AFTER_DAYS: the editors' review list."""

    title = "verification"
    parameter_name = "verification"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("stale", "Due for review"), ("current", "Verified recently")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Practice]) -> QuerySet[Practice]:
        stale = Practice.objects.due_for_review().values("pk")
        if self.value() == "stale":
            return queryset.filter(pk__in=stale)
        if self.value() == "current":
            return queryset.exclude(pk__in=stale)
        return queryset


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "status",
        "evidence_level",
        "year_started",
        "last_verified",
        "updated_at",
    )
    list_filter = ("status", NeedsReviewFilter, "evidence_level", "language")
    search_fields = ("title", "slug", "summary")
    date_hierarchy = "updated_at"
    fieldsets = (
        (None, {"fields": ("slug", "title", "summary", "description", "language", "places")}),
        ("When", {"fields": ("year_started", "year_ended", "year_note")}),
        ("Evidence", {"fields": ("evidence_level", "source_notes", "last_verified")}),
        ("Review", {"fields": ("status", "submitter_name", "submitter_contact", "submitted_by")}),
    )
    readonly_fields = ("status", "submitted_by")
    filter_horizontal = ("places",)
    inlines = (
        TagInline,
        ActorInline,
        SourceInline,
        OutcomeInline,
        ReplicationInline,
        TranslationInline,
        EventInline,
    )
    actions = ("publish_selected", "archive_selected")

    def save_related(
        self, request: HttpRequest, form: object, formsets: object, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        actions.record_change(practice=form.instance, user=request.user)  # type: ignore[attr-defined, arg-type]

    @admin.action(description="Publish the selected practices", permissions=["publish"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Practice]) -> None:
        for practice in queryset:
            actions.publish_practice(practice=practice, user=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"Published {queryset.count()} practice(s).", messages.SUCCESS)

    @admin.action(description="Archive the selected practices", permissions=["publish"])
    def archive_selected(self, request: HttpRequest, queryset: QuerySet[Practice]) -> None:
        for practice in queryset:
            actions.archive_practice(practice=practice, user=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"Archived {queryset.count()} practice(s).", messages.SUCCESS)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("practices.publish_practice")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("at", "verb", "practice", "user")
    list_filter = ("verb",)
    fields = ("at", "verb", "practice", "user", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
