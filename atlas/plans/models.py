"""Action plans: what a place team will do about the gaps one assessment round showed.

A plan belongs to the round it was built from (and that round's place). Each action names
the gap it answers (a question of the round's framework; blank for a free action), the step
of the operational framework it follows, and the measures it uses. Owners and partners are
text, not accounts, so a plan can name a department or an organisation that is not on the
platform. Every change goes through `atlas.plans.actions`, which writes a `PlanVersion`
holding a snapshot of the whole plan.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """A place team's working document: seen by the team, public only once published."""

    assessment = models.ForeignKey(
        "diagnostics.Assessment", on_delete=models.PROTECT, related_name="plans"
    )
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["place", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.place} — {self.title}"


class PlanAction(models.Model):
    """One action of a plan: who does what, with whom, by when, for how much, measured how."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under-way", _("Under way")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveIntegerField(default=0)
    # The question of the round's framework whose gap this answers; blank for a free action.
    gap_question = models.CharField(max_length=60, blank=True)
    # The step of the operational framework it follows; blank when none applies.
    step = models.CharField(max_length=60, blank=True)
    # Measure slugs of the shared vocabulary.
    measures = models.JSONField(default=list, blank=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.CharField(
        max_length=200, blank=True, help_text=_("A department or a person's role.")
    )
    partners = models.TextField(blank=True)
    deadline = models.DateField(null=True, blank=True)
    budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text=_("ISO 4217 code, e.g. EUR."))
    indicator = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        """Done or dropped: no deadline can pass any more."""
        return self.status in (self.Status.DONE, self.Status.DROPPED)

    def is_overdue(self, today: date) -> bool:
        """The deadline has passed and the action is neither done nor dropped."""
        return self.deadline is not None and self.deadline < today and not self.is_closed


class ProgressNote(models.Model):
    """A dated note on how an action is going."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} @ {self.at:%Y-%m-%d}"


class PlanVersion(models.Model):
    """The plan and all its actions as they stood after one change, numbered from 1."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # What the change was, in words a reader of the history understands ("action 3 edited").
    change = models.CharField(max_length=200, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_version_number_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"
