from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atlas.core.languages import LANGUAGES

LANGUAGE_CHOICES = [(code, code) for code in LANGUAGES]


class PracticeQuerySet(models.QuerySet["Practice"]):
    def published(self) -> "PracticeQuerySet":
        return self.filter(status=Practice.Status.PUBLISHED)

    def due_for_review(self) -> "PracticeQuerySet":
        """Never verified, or not within ATLAS_STALE_AFTER_DAYS (see Practice.is_stale)."""
        limit = timezone.localdate() - timedelta(days=settings.ATLAS_STALE_AFTER_DAYS)
        return self.filter(models.Q(last_verified__isnull=True) | models.Q(last_verified__lt=limit))


class Practice(models.Model):
    """A good practice: what was done, by whom, since when, for whom, and with what result."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class EvidenceLevel(models.TextChoices):
        EVALUATED = "evaluated", _("Evaluated")
        OUTCOMES_REPORTED = "outcomes-reported", _("Outcomes reported")
        DESCRIBED = "described", _("Described only")

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=600)
    description = models.TextField()
    language = models.CharField(max_length=5, choices=LANGUAGE_CHOICES, default="en")
    places = models.ManyToManyField("places.Place", related_name="practices")
    year_started = models.PositiveSmallIntegerField(null=True, blank=True)
    year_ended = models.PositiveSmallIntegerField(null=True, blank=True)
    year_note = models.TextField(blank=True)
    evidence_level = models.CharField(
        max_length=20, choices=EvidenceLevel.choices, default=EvidenceLevel.DESCRIBED
    )
    source_notes = models.TextField(
        blank=True, help_text=_("Where sources disagree: both versions, each with its source.")
    )
    last_verified = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Who proposed it. The contact is shown to editors only, never published.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_practices",
    )
    submitter_name = models.CharField(max_length=200, blank=True)
    submitter_contact = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        permissions = [("publish_practice", "Can publish or archive a practice")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_stale(self) -> bool:
        if self.last_verified is None:
            return True
        limit = timedelta(days=settings.ATLAS_STALE_AFTER_DAYS)
        return timezone.localdate() - self.last_verified > limit

    def tags(self, kind: str) -> list[str]:
        return [tag.slug for tag in self.tag_set.all() if tag.kind == kind]

    def text_in(self, language: str) -> tuple[str, str, str, str]:
        """Title, summary, description and their language, translated where a translation exists."""
        if language != self.language:
            for translation in self.translations.all():
                if translation.language == language:
                    return (
                        translation.title,
                        translation.summary,
                        translation.description,
                        language,
                    )
        return self.title, self.summary, self.description, self.language


class Tag(models.Model):
    """A vocabulary term attached to a practice (service, group, barrier or measure)."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service")
        GROUP = "group", _("Group")
        BARRIER = "barrier", _("Barrier")
        MEASURE = "measure", _("Measure")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="tag_set")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    slug = models.CharField(max_length=60)

    class Meta:
        ordering = ["kind", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "kind", "slug"], name="one_tag_per_term")
        ]
        indexes = [models.Index(fields=["kind", "slug"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.slug}"


class Actor(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", pgettext_lazy("actor role", "Lead organisation")
        PARTNER = "partner", pgettext_lazy("actor role", "Partner")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="actors")
    name = models.CharField(max_length=200)
    actor_type = models.CharField(max_length=40)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.LEAD)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    accessed = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class Outcome(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField()
    # The figure exactly as its source gives it; the unit says what it counts.
    figure = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.ForeignKey(Source, null=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text[:60]


class Replication(models.Model):
    """Where a practice spread: to another practice in the library, or to a place."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="replications")
    target = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.SET_NULL, related_name="replicated_from"
    )
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.note[:60]


class Translation(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=5, choices=LANGUAGE_CHOICES)
    title = models.CharField(max_length=200)
    summary = models.TextField(max_length=600)
    description = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "language"], name="one_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice} [{self.language}]"


class Event(models.Model):
    """The history of a practice: who submitted, changed, published or archived it, and when."""

    class Verb(models.TextChoices):
        CREATED = "created", pgettext_lazy("practice history", "Created")
        SUBMITTED = "submitted", pgettext_lazy("practice history", "Submitted")
        CHANGED = "changed", pgettext_lazy("practice history", "Changed")
        PUBLISHED = "published", pgettext_lazy("practice history", "Published")
        ARCHIVED = "archived", pgettext_lazy("practice history", "Archived")
        IMPORTED = "imported", pgettext_lazy("practice history", "Imported")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(max_length=12, choices=Verb.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "practice event"

    def __str__(self) -> str:
        return f"{self.verb} {self.practice} by {self.user or 'anonymous'}"


class SearchDocument(models.Model):
    """The text of a published practice, normalised for search (see practices/search.py).

    On SQLite an FTS5 table mirrors it through triggers; on PostgreSQL a GIN
    index covers its tsvector. Only published practices have one.
    """

    practice = models.OneToOneField(
        Practice, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    title = models.TextField()
    body = models.TextField()
    published_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.title


class Facet(models.Model):
    """One facet value of a published practice (e.g. service=health), for counting.

    Denormalised at publication so facet counts are one grouped scan.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    facet = models.CharField(max_length=12)
    value = models.CharField(max_length=60)

    class Meta:
        indexes = [
            models.Index(fields=["facet", "value", "practice"], name="facet_value_practice"),
            models.Index(fields=["practice", "facet", "value"], name="facet_practice_value"),
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class SearchIndexState(models.Model):
    """A single row whose token changes in the same transaction as any change to the
    search index (search documents and facets).

    Each process keeps facet bitmaps in memory (practices/facet_index.py) and rebuilds them
    when the token it built them under is no longer the stored one. The token is random, not
    a counter, so a rolled-back change can never leave two states under one token.
    """

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
