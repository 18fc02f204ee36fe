"""Editors record entitlements here. A change to a period in force opens a new period."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from atlas.core.records import SourceRecord
from atlas.entitlements import actions
from atlas.entitlements.models import Entitlement, EntitlementSource

FIELDS = (
    "place",
    "service",
    "group",
    "effective_from",
    "effective_to",
    *actions.AMENDABLE,
)


class EntitlementForm(forms.ModelForm):
    takes_effect = forms.DateField(
        required=False,
        help_text="For a change: the day the new rule took effect. The current period ends "
        "that day and a new one starts; nothing is overwritten.",
    )
    legal_basis_url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    new_source_title = forms.CharField(required=False, max_length=300)
    new_source_url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    new_source_year = forms.IntegerField(required=False, min_value=1800, max_value=2100)

    class Meta:
        model = Entitlement
        fields = FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk and self.changed_data and not data.get("takes_effect"):
            self.add_error("takes_effect", "Say when the change took effect.")
        if bool(data.get("new_source_title")) != bool(data.get("new_source_url")):
            self.add_error("new_source_url", "A source needs both a title and an address.")
        return data


# URLs typed without a scheme are taken as https (Django 6's default, chosen now).
HTTPS_URLS: "dict[type[models.Field[Any, Any]], dict[str, Any]]" = {
    models.URLField: {"assume_scheme": "https"}
}


class SourceInline(admin.TabularInline):
    model = EntitlementSource
    formfield_overrides = HTTPS_URLS
    fields = ("title", "url", "year", "accessed", "position")
    extra = 1


class StaleFilter(admin.SimpleListFilter):
    title = "verification"
    parameter_name = "verification"

    def lookups(self, request: HttpRequest, model_admin: object) -> list[tuple[str, str]]:
        return [("stale", "Due for review")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Entitlement]
    ) -> QuerySet[Entitlement]:
        if self.value() == "stale":
            return queryset.filter(pk__in=Entitlement.objects.due_for_review().values("pk"))
        return queryset


@admin.register(Entitlement)
class EntitlementAdmin(admin.ModelAdmin):
    form = EntitlementForm
    formfield_overrides = HTTPS_URLS
    list_display = (
        "place",
        "service",
        "group",
        "law_level",
        "practice_level",
        "effective_from",
        "effective_to",
        "last_verified",
    )
    list_filter = ("law_level", "practice_level", "firewall", StaleFilter, "group")
    search_fields = ("place__name", "service", "group", "conditions")
    raw_id_fields = ("place",)
    inlines = (SourceInline,)

    def get_fieldsets(self, request: HttpRequest, obj: Entitlement | None = None) -> Any:
        extra = ("takes_effect", "new_source_title", "new_source_url", "new_source_year")
        return [(None, {"fields": FIELDS}), ("A change", {"fields": extra})]

    def get_readonly_fields(self, request: HttpRequest, obj: Entitlement | None = None) -> Any:
        # A recorded period keeps its identity; ended periods are history.
        if obj is None:
            return ()
        if obj.effective_to is not None:
            return FIELDS
        return ("place", "service", "group", "effective_from", "effective_to")

    def get_inlines(self, request: HttpRequest, obj: Entitlement | None) -> Any:
        return (SourceInline,) if obj is None else ()

    def save_model(self, request: HttpRequest, obj: Entitlement, form: Any, change: bool) -> None:
        if not change:
            obj.recorded_by = request.user  # type: ignore[assignment]
            obj.save()
            return
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in actions.AMENDABLE
        }
        if not changes:
            return
        data = form.cleaned_data
        sources = []
        if data.get("new_source_url"):
            sources.append(
                SourceRecord(
                    title=data["new_source_title"],
                    url=data["new_source_url"],
                    year=data.get("new_source_year"),
                    accessed=timezone.localdate(),
                )
            )
        try:
            new = actions.amend_entitlement(
                entitlement=Entitlement.objects.get(pk=obj.pk),
                changes=changes,
                effective_from=data["takes_effect"],
                sources=sources,
                user=request.user,  # type: ignore[arg-type]
            )
        except actions.AmendmentRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return
        self.message_user(
            request, f"Recorded as a new period from {new.effective_from}; the earlier one is kept."
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # On a change the sources belong to the new period (amend_entitlement copies them).
        if not change:
            super().save_related(request, form, formsets, change)
