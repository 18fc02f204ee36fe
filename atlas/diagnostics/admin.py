from django.contrib import admin

from atlas.diagnostics.models import Answer, Assessment


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ("question", "value", "evidence", "comment", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("place", "title", "period", "status", "framework_version")
    list_filter = ("status", "framework_version")
    search_fields = ("place__name", "title")
    readonly_fields = (
        "framework",
        "framework_version",
        "framework_fingerprint",
        "aggregation",
        "weighting",
        "result",
        "opened_by",
        "created_at",
        "submitted_at",
        "published_at",
    )
    inlines = [AnswerInline]
