"""Assessment rounds of the self-diagnostic: a place team's answers to one framework version.

The questionnaire itself is data (atlas/core/data/diagnostic/), not rows: a round records
the framework slug, version and fingerprint it was opened on, and the scoring settings, so
its result can always be recomputed and compared with rounds on the same version.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Assessment(models.Model):
    """One assessment round of a place. Only its team sees it until it is submitted; only
    a published round is public."""

    class Status(models.TextChoices):
        # A round's status, in a context of its own: in some languages "round" takes a
        # different grammatical gender from "practice", which shares these words.
        DRAFT = "draft", pgettext_lazy("assessment round status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("assessment round status", "Submitted")
        PUBLISHED = "published", pgettext_lazy("assessment round status", "Published")

    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="assessments")
    title = models.CharField(max_length=200)
    period = models.DateField(help_text=_("The date the answers describe."))
    framework = models.CharField(max_length=60)
    framework_version = models.CharField(max_length=20)
    framework_fingerprint = models.CharField(max_length=64)
    aggregation = models.CharField(max_length=20)
    weighting = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The scored result (core.diagnostic.Result.as_dict), written on submission.
    result = models.JSONField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["place", "-period", "-id"]
        indexes = [models.Index(fields=["framework", "framework_version", "status"])]

    def __str__(self) -> str:
        return f"{self.place} — {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Answer(models.Model):
    """A team's answer to one question of a round, with its evidence and comment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=60)
    # An option value of the question, "not-applicable", or "" for not answered yet.
    value = models.CharField(max_length=60, blank=True)
    evidence = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}={self.value}"
