from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    """Access in law or in practice, best first."""

    FULL = "full", pgettext_lazy("access level", "Full access")
    PARTIAL = "partial", pgettext_lazy("access level", "Partial access")
    EMERGENCY_ONLY = "emergency-only", pgettext_lazy("access level", "Emergency only")
    NONE = "none", pgettext_lazy("access level", "No access")
    UNCLEAR = "unclear", pgettext_lazy("access level", "Unclear")


class Cost(models.TextChoices):
    FREE = "free", pgettext_lazy("cost", "Free")
    REDUCED = "reduced", pgettext_lazy("cost", "Reduced cost")
    FULL_PAYMENT = "full-payment", pgettext_lazy("cost", "Full payment")
    UNCLEAR = "unclear", pgettext_lazy("cost", "Unclear")


class Documents(models.TextChoices):
    NONE = "none", pgettext_lazy("documents", "No documents needed")
    ALTERNATIVES = (
        "alternatives-accepted",
        pgettext_lazy("documents", "Alternatives accepted (e.g. municipal ID, residence register)"),
    )
    VALID_PERMIT = "valid-permit", pgettext_lazy("documents", "Valid residence permit required")
    UNCLEAR = "unclear", pgettext_lazy("documents", "Unclear")


class Firewall(models.TextChoices):
    LEGAL_PROHIBITION = (
        "legal-prohibition",
        pgettext_lazy("firewall", "Law forbids passing data to immigration enforcement"),
    )
    LOCAL_POLICY = "local-policy", pgettext_lazy("firewall", "Local policy only")
    NO_RULE = "no-rule", pgettext_lazy("firewall", "No rule")
    DUTY_TO_REPORT = "duty-to-report", pgettext_lazy("firewall", "Duty to report")
    UNCLEAR = "unclear", pgettext_lazy("firewall", "Unclear")


class EntitlementQuerySet(models.QuerySet["Entitlement"]):
    def in_force(self, on: date) -> "EntitlementQuerySet":
        """Periods covering the date: [effective_from, effective_to), open ends allowed."""
        return self.filter(
            models.Q(effective_from__isnull=True) | models.Q(effective_from__lte=on),
            models.Q(effective_to__isnull=True) | models.Q(effective_to__gt=on),
        )

    def due_for_review(self) -> "EntitlementQuerySet":
        limit = timezone.localdate() - timedelta(days=settings.ATLAS_STALE_AFTER_DAYS)
        return self.filter(models.Q(last_verified__isnull=True) | models.Q(last_verified__lt=limit))


class Entitlement(models.Model):
    """What a group may use in a place, for a service, over a period — in law and in practice.

    A change never overwrites a row: it closes the period and opens a new one
    (see `entitlements.actions.amend_entitlement`).
    """

    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="entitlements")
    service = models.CharField(max_length=60)
    group = models.CharField(max_length=60)
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    law_level = models.CharField(max_length=16, choices=Level.choices)
    practice_level = models.CharField(max_length=16, choices=Level.choices, default=Level.UNCLEAR)
    practice_evidence = models.TextField(blank=True)
    cost = models.CharField(max_length=16, choices=Cost.choices, default=Cost.UNCLEAR)
    documents = models.CharField(
        max_length=24, choices=Documents.choices, default=Documents.UNCLEAR
    )
    firewall = models.CharField(max_length=20, choices=Firewall.choices, default=Firewall.UNCLEAR)
    firewall_detail = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    legal_basis = models.TextField(blank=True)
    legal_basis_url = models.URLField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    source_notes = models.TextField(blank=True)
    source_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_verified = models.DateField(null=True, blank=True)
    verified_by = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = EntitlementQuerySet.as_manager()

    class Meta:
        ordering = ["place", "service", "group", "effective_from"]
        indexes = [
            models.Index(fields=["group", "service", "place"], name="entitlement_group_service"),
            models.Index(fields=["place", "service", "group"], name="entitlement_place_service"),
            # Covers the matrix query, so it reads the index alone (benchmarks/entitlements.md).
            models.Index(
                fields=[
                    "group",
                    "place",
                    "effective_from",
                    "effective_to",
                    "service",
                    "law_level",
                    "practice_level",
                    "id",
                ],
                name="entitlement_matrix",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "service", "group", "effective_from"],
                name="one_entitlement_per_period_start",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(effective_to__gt=models.F("effective_from")),
                name="entitlement_period_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place} · {self.service} · {self.group} · {self.period_label}"

    @property
    def period_label(self) -> str:
        start = self.effective_from.isoformat() if self.effective_from else "…"
        end = self.effective_to.isoformat() if self.effective_to else "…"
        return f"{start} – {end}"

    @property
    def is_stale(self) -> bool:
        if self.last_verified is None:
            return True
        limit = timedelta(days=settings.ATLAS_STALE_AFTER_DAYS)
        return timezone.localdate() - self.last_verified > limit


class EntitlementSource(models.Model):
    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    accessed = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title
