"""Protected statistical tables. Record-level data is never stored: only what the audit
let out (a status per cell, a number only in safe and empty cells), the audit report and the
information loss."""

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atlas.core.stats.output import OutputError, PublishedTable, from_json


def digest(cells: dict[str, Any]) -> str:
    """A fingerprint of a stored table, taken when the audit passed it."""
    text = json.dumps(cells, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class StatsTableQuerySet(models.QuerySet["StatsTable"]):
    def released(self) -> "StatsTableQuerySet":
        """Published tables whose stored audit passed: the only ones anyone may see."""
        return self.filter(status=StatsTable.Status.PUBLISHED, audit__passed=True)


class StatsTable(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        REFUSED = "refused", _("Refused by the audit")

    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    run = models.CharField(
        max_length=32, db_index=True, help_text="Tables protected together (one linked set)."
    )
    slug = models.SlugField(max_length=100)
    spec_version = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=300)
    engine = models.CharField(max_length=20, default="duckdb")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    synthetic = models.BooleanField(default=False)
    cells = models.JSONField(
        default=dict, blank=True, help_text="The protected table; no number in a suppressed cell."
    )
    audit = models.JSONField(default=dict)
    cells_digest = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the cells as the audit passed them; set only by actions.",
    )
    information_loss = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = StatsTableQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.slug})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.cells:
            from_json(self.cells)  # refuses a suppressed cell that carries a number
        super().save(*args, **kwargs)

    def title_in(self, language: str) -> tuple[str, str]:
        """(title, its language): in ``language`` where the audited table carries it, else
        in English."""
        titles = self.cells.get("title_translations") if self.cells else None
        text = titles.get(language) if isinstance(titles, dict) else None
        return (text, language) if isinstance(text, str) and text else (self.title, "en")

    @property
    def passed(self) -> bool:
        """The stored audit passed, and the stored table says so too."""
        if self.audit.get("passed") is not True or not self.cells:
            return False
        if not self.cells_digest or self.cells_digest != digest(self.cells):
            return False  # changed since the audit passed it
        try:
            return self.table().passed
        except OutputError:
            return False

    def table(self) -> PublishedTable:
        """The stored table, checked again (raises OutputError if it is not one)."""
        return from_json(self.cells)
