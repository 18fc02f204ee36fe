"""The editors' side of the directory in Django's admin: services with their confidential
addresses (shown to editors only), the review queue of proposals, stale records, history."""

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from atlas.directory import actions
from atlas.directory.models import (
    Event,
    Location,
    Organization,
    Phone,
    Proposal,
    Schedule,
    Service,
    ServiceSource,
)


class EditorsMayEdit:
    """Editors (the editor role) keep the directory, whether or not their group lists the
    directory's model permissions: access follows `actions.can_publish`."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return actions.can_publish(request.user)  # type: ignore[arg-type]

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return actions.can_publish(request.user)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return actions.can_publish(request.user)  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return actions.can_publish(request.user)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return actions.can_publish(request.user)  # type: ignore[arg-type]


class LocationInline(EditorsMayEdit, admin.StackedInline):
    model = Location
    fields = (
        ("name", "area", "confidential"),
        ("address_1", "address_2"),
        ("city", "state_province", "postal_code", "country"),
        ("latitude", "longitude"),
        "transport_notes",
        "accessibility_notes",
        "position",
    )
    extra = 0


class PhoneInline(EditorsMayEdit, admin.TabularInline):
    model = Phone
    fields = ("number", "description", "language", "position")
    extra = 0


class ScheduleInline(EditorsMayEdit, admin.TabularInline):
    model = Schedule
    fields = ("weekday", "opens", "closes", "notes")
    extra = 0


class SourceInline(EditorsMayEdit, admin.TabularInline):
    model = ServiceSource
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("title", "url", "accessed", "position")
    extra = 0


class EventInline(admin.TabularInline):
    """Who created, proposed, changed, published or archived the service, newest first."""

    model = Event
    fields = ("at", "verb", "user", "note")
    readonly_fields = ("at", "verb", "user", "note")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return actions.can_publish(request.user)  # type: ignore[arg-type]


class StaleFilter(admin.SimpleListFilter):
    """Services not verified within ATLAS_DIRECTORY_STALE_DAYS."""

    title = "verification"
    parameter_name = "verification"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("stale", "Stale"), ("current", "Verified recently")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Service]) -> QuerySet[Service]:
        stale = Service.objects.stale().values("pk")
        if self.value() == "stale":
            return queryset.filter(pk__in=stale)
        if self.value() == "current":
            return queryset.exclude(pk__in=stale)
        return queryset


@admin.register(Service)
class ServiceAdmin(EditorsMayEdit, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "place", "sector", "status", "confidential", "demo", "last_verified")
    list_filter = ("status", StaleFilter, "sector", "confidential", "demo", "cost", "documents")
    search_fields = ("name", "description", "organization__name")
    raw_id_fields = ("place", "organization", "submitted_by")
    fieldsets = (
        (None, {"fields": ("name", "organization", "place", "description", "url", "email")}),
        ("Vocabulary", {"fields": ("sector", "services", "languages", "interpreters")}),
        (
            "For the person using it",
            {
                "fields": (
                    "eligibility",
                    "how_to_get_there",
                    "what_to_bring",
                    "what_happens_to_your_data",
                    "time_zone",
                )
            },
        ),
        (
            "Status safety",
            {
                "fields": (
                    ("open_to_all", "status_not_asked", "anonymous_use"),
                    ("documents", "cost", "data_sharing"),
                    ("for_women", "for_children"),
                    "confidential",
                )
            },
        ),
        (
            "Record",
            {
                "fields": (
                    "status",
                    "demo",
                    "last_verified",
                    ("kept_by", "kept_by_email"),
                    "hsds_status",
                    "hsds_extra",
                    "submitted_by",
                )
            },
        ),
    )
    readonly_fields = ("status",)
    inlines = (LocationInline, PhoneInline, ScheduleInline, SourceInline, EventInline)
    actions = ("publish_selected", "archive_selected", "verify_selected")

    def save_related(
        self, request: HttpRequest, form: object, formsets: object, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        actions.record_change(service=form.instance, user=request.user)  # type: ignore[attr-defined, arg-type]

    @admin.action(description="Publish the selected services", permissions=["publish"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        for service in queryset:
            actions.publish(service=service, user=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"Published {queryset.count()} service(s).", messages.SUCCESS)

    @admin.action(description="Archive the selected services", permissions=["publish"])
    def archive_selected(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        for service in queryset:
            actions.archive(service=service, user=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"Archived {queryset.count()} service(s).", messages.SUCCESS)

    @admin.action(description="Mark the selected services verified today", permissions=["publish"])
    def verify_selected(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        for service in queryset:
            actions.verify(service=service, user=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"Verified {queryset.count()} service(s).", messages.SUCCESS)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return actions.can_publish(request.user)  # type: ignore[arg-type]


@admin.register(Proposal)
class ProposalAdmin(EditorsMayEdit, admin.ModelAdmin):
    """The review queue: contributors' proposed services and changes."""

    list_display = ("__str__", "service", "place", "status", "proposed_by", "proposed_at")
    list_filter = ("status",)
    fields = ("service", "place", "payload", "note", "status", "proposed_by", "proposed_at")
    readonly_fields = ("service", "status", "proposed_by", "proposed_at")
    raw_id_fields = ("place",)
    actions = ("accept_selected", "reject_selected")

    @admin.action(description="Accept and publish the selected proposals", permissions=["publish"])
    def accept_selected(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> None:
        count = 0
        for proposal in queryset.filter(status=Proposal.Status.SUBMITTED):
            actions.accept_proposal(proposal=proposal, user=request.user)  # type: ignore[arg-type]
            count += 1
        self.message_user(request, f"Published {count} proposal(s).", messages.SUCCESS)

    @admin.action(description="Reject the selected proposals", permissions=["publish"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> None:
        count = 0
        for proposal in queryset.filter(status=Proposal.Status.SUBMITTED):
            actions.reject_proposal(proposal=proposal, user=request.user)  # type: ignore[arg-type]
            count += 1
        self.message_user(request, f"Rejected {count} proposal(s).", messages.SUCCESS)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return actions.can_publish(request.user)  # type: ignore[arg-type]


@admin.register(Organization)
class OrganizationAdmin(EditorsMayEdit, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "website", "is_keeper")
    search_fields = ("name",)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("at", "verb", "service", "user")
    list_filter = ("verb",)
    fields = ("at", "verb", "service", "user", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
