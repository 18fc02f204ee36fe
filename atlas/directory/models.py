"""The service directory: services for people without papers, their organisations, locations,
opening hours, phones and sources, with the status-safety facts the finder filters on.

The rows are converted to and from `atlas.core.hsds.model.Entry` by `directory.actions`
(`to_entry`, `from_entry`); HSDS 3.1 export, import, validation and the redaction of
confidential locations all happen in `atlas.core.hsds`.

Confidential: a service with ``confidential=True`` (a shelter, a service for victims of
violence or trafficking), or a `Location` with ``confidential=True``, keeps its address and
coordinates for editors in the admin only. Pages must use `Service.public_locations` (never
``service.locations.all()``) and show the phones and e-mail instead of an address.
"""

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atlas.core.hsds.model import Cost, DataSharing, Documents, Tristate
from atlas.places.models import Place


class TristateChoices(models.TextChoices):
    YES = Tristate.YES.value, _("Yes")
    NO = Tristate.NO.value, _("No")
    UNKNOWN = Tristate.UNKNOWN.value, _("Not known")


class DocumentsChoices(models.TextChoices):
    NONE = Documents.NONE.value, _("No documents needed")
    ALTERNATIVES_ACCEPTED = Documents.ALTERNATIVES_ACCEPTED.value, _("Other documents accepted")
    ID_REQUIRED = Documents.ID_REQUIRED.value, _("Identity document required")
    UNKNOWN = Documents.UNKNOWN.value, _("Not known")


class CostChoices(models.TextChoices):
    FREE = Cost.FREE.value, _("Free")
    REDUCED = Cost.REDUCED.value, _("Reduced cost")
    PAID = Cost.PAID.value, _("Paid")
    UNKNOWN = Cost.UNKNOWN.value, _("Not known")


class DataSharingChoices(models.TextChoices):
    BY_LAW = DataSharing.BY_LAW.value, _("Not passed to immigration: by law")
    BY_POLICY = DataSharing.BY_POLICY.value, _("Not passed to immigration: by policy")
    UNKNOWN = DataSharing.UNKNOWN.value, _("Not known")
    NO = DataSharing.NO.value, _("May be passed on")


class Organization(models.Model):
    """The organisation that provides one or more services."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    # The organisation keeps directory records up to date (for itself or for others).
    is_keeper = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(models.QuerySet["Service"]):
    def published(self) -> "ServiceQuerySet":
        return self.filter(status=Service.Status.PUBLISHED)

    def speaking(self, language: str) -> "ServiceQuerySet":
        """Services whose staff speak ``language`` (an ISO 639-1 code)."""
        return self.filter(languages__icontains=f'"{language.lower()}"')

    def offering(self, slug: str) -> "ServiceQuerySet":
        """Services tagged with the vocabulary service ``slug``, or in the sector ``slug``."""
        return self.filter(models.Q(sector=slug) | models.Q(services__icontains=f'"{slug}"'))

    def serving(self, place: Place) -> "ServiceQuerySet":
        """Services for people in ``place``: those of the place itself, of the country (or
        subdivision) it lies in (a national scheme serves every city), and of the places
        within it (a country's cities)."""
        from atlas.places.tree import PlaceTree

        tree = PlaceTree.load()
        above = [
            pk
            for pk in tree.chain(place.pk)
            if tree.nodes[pk].kind != Place.Kind.REGION or pk == place.pk
        ]
        below = [pk for pk in tree.nodes if place.pk in tree.chain(pk)]
        return self.filter(place_id__in=set(above) | set(below))

    def stale(self) -> "ServiceQuerySet":
        """Never verified, or not within ATLAS_DIRECTORY_STALE_DAYS (see Service.is_stale)."""
        limit = timezone.localdate() - timedelta(days=settings.ATLAS_DIRECTORY_STALE_DAYS)
        return self.filter(models.Q(last_verified__isnull=True) | models.Q(last_verified__lt=limit))


class Service(models.Model):
    """A service a person without papers may use, in the place it serves (a city, or a whole
    country for a national scheme)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    # The HSDS id of the service: stable across exports and imports.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services"
    )
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="directory_services"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    # Vocabulary slugs (atlas/core/data/vocabulary/services.toml): the sector, and the
    # services within it (a list of slugs).
    sector = models.CharField(max_length=60, db_index=True)
    services = models.JSONField(default=list, blank=True)
    eligibility = models.TextField(blank=True)
    how_to_get_there = models.TextField(
        blank=True, help_text=_("Not shown for a confidential service.")
    )
    what_to_bring = models.TextField(blank=True)
    what_happens_to_your_data = models.TextField(blank=True)
    # ISO 639-1 codes of the languages staff speak.
    languages = models.JSONField(default=list, blank=True)
    interpreters = models.CharField(
        max_length=8, choices=TristateChoices.choices, default=TristateChoices.UNKNOWN
    )
    # Status-safety facts: never guessed; "unknown" unless a source states them.
    open_to_all = models.CharField(
        max_length=8, choices=TristateChoices.choices, default=TristateChoices.UNKNOWN
    )
    status_not_asked = models.CharField(
        max_length=8, choices=TristateChoices.choices, default=TristateChoices.UNKNOWN
    )
    anonymous_use = models.CharField(
        max_length=8,
        choices=TristateChoices.choices,
        default=TristateChoices.UNKNOWN,
        db_index=True,
    )
    documents = models.CharField(
        max_length=24,
        choices=DocumentsChoices.choices,
        default=DocumentsChoices.UNKNOWN,
        db_index=True,
    )
    cost = models.CharField(
        max_length=8, choices=CostChoices.choices, default=CostChoices.UNKNOWN, db_index=True
    )
    data_sharing = models.CharField(
        max_length=10, choices=DataSharingChoices.choices, default=DataSharingChoices.UNKNOWN
    )
    for_women = models.BooleanField(default=False)
    for_children = models.BooleanField(default=False)
    # Every location of the service is confidential (a shelter, a service for victims of
    # violence or trafficking): no page, API response or export shows an address or position.
    confidential = models.BooleanField(default=False)
    # A fictional record for demonstrations: its page says it is not real.
    demo = models.BooleanField(default=False)
    # IANA time zone for "open now"; empty: the project's TIME_ZONE.
    time_zone = models.CharField(max_length=60, blank=True)
    # HSDS service status (active, inactive, defunct, temporarily closed).
    hsds_status = models.CharField(max_length=20, default="active")
    # What HSDS carries and the finder does not filter on, in core's terms (see
    # directory.actions): cost options, required documents, contacts, fees and
    # application text, interpretation services.
    hsds_extra = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    last_verified = models.DateField(null=True, blank=True)
    # The organisation that keeps the record (not necessarily the provider).
    kept_by = models.CharField(max_length=300, blank=True)
    kept_by_email = models.EmailField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_services",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [("publish_service", "Can publish or archive a directory service")]
        indexes = [models.Index(fields=["status", "place"], name="directory_status_place")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_stale(self) -> bool:
        """Never verified, or last verified more than ATLAS_DIRECTORY_STALE_DAYS ago."""
        if self.last_verified is None:
            return True
        limit = timedelta(days=settings.ATLAS_DIRECTORY_STALE_DAYS)
        return timezone.localdate() - self.last_verified > limit

    def public_locations(self) -> list["Location"]:
        """The locations a page may show with an address: none for a confidential service,
        and never a confidential location."""
        if self.confidential:
            return []
        return [loc for loc in self.locations.all() if not loc.confidential]

    @property
    def has_confidential_location(self) -> bool:
        return self.confidential or any(loc.confidential for loc in self.locations.all())

    def zone(self) -> ZoneInfo:
        """The time zone opening hours are given in."""
        try:
            return ZoneInfo(self.time_zone or settings.TIME_ZONE)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(settings.TIME_ZONE)

    def is_open_at(self, moment: datetime) -> bool | None:
        """Whether the service is open at ``moment`` by its weekly hours, in its time zone;
        None when no opening hours are recorded."""
        hours = [s for s in self.schedules.all() if s.weekday and s.opens and s.closes]
        if not hours:
            return None
        local = moment.astimezone(self.zone())
        weekday, now = local.isoweekday(), local.time()
        return any(s.weekday == weekday and s.covers(now) for s in hours)

    def is_open_now(self) -> bool | None:
        return self.is_open_at(timezone.now())


class Location(models.Model):
    """A place where the service is given. A confidential one keeps its address for editors."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="locations")
    # The HSDS id of the location.
    uuid = models.UUIDField(default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=300, blank=True)
    # The coarse area (a city or district): all that is published of a confidential location.
    area = models.CharField(max_length=120, blank=True)
    address_1 = models.CharField(max_length=300, blank=True)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=120, blank=True)
    state_province = models.CharField(max_length=120, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    # ISO 3166-1 alpha-2.
    country = models.CharField(max_length=2, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    confidential = models.BooleanField(default=False)
    transport_notes = models.TextField(blank=True)
    accessibility_notes = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["service", "uuid"], name="one_location_per_uuid")
        ]

    def __str__(self) -> str:
        return self.name or self.area or self.city or str(self.uuid)

    @property
    def is_confidential(self) -> bool:
        return self.confidential or self.service.confidential


class Phone(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=40)
    description = models.CharField(max_length=300, blank=True)
    # ISO 639-1 code of the language the line answers in; empty if not known.
    language = models.CharField(max_length=8, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.number


class Schedule(models.Model):
    """An opening time on one weekday (1 = Monday … 7 = Sunday), in the service's time zone.

    A row with no weekday carries notes only ("by appointment")."""

    class Weekday(models.IntegerChoices):
        MONDAY = 1, _("Monday")
        TUESDAY = 2, _("Tuesday")
        WEDNESDAY = 3, _("Wednesday")
        THURSDAY = 4, _("Thursday")
        FRIDAY = 5, _("Friday")
        SATURDAY = 6, _("Saturday")
        SUNDAY = 7, _("Sunday")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, null=True, blank=True)
    opens = models.TimeField(null=True, blank=True)
    closes = models.TimeField(null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["weekday", "opens", "id"]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens}-{self.closes}"

    def covers(self, moment: time) -> bool:
        """Whether the service is open at ``moment`` on this schedule's day (a closing time
        before the opening time runs past midnight: only the part before midnight counts)."""
        if self.opens is None or self.closes is None:
            return False
        if self.closes <= self.opens:
            return moment >= self.opens
        return self.opens <= moment < self.closes


class ServiceSource(models.Model):
    """A document the service's facts come from."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500)
    accessed = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Proposal(models.Model):
    """A contributor's proposed new service or change to one, as an HSDS 3.1 service object,
    waiting for an editor (see directory.actions.propose / accept_proposal)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("proposal", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("proposal", "Accepted")
        REJECTED = "rejected", pgettext_lazy("proposal", "Rejected")

    # Empty for a new service.
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="proposals"
    )
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+")
    payload = models.JSONField()
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.payload.get('name', '?')} ({self.status})"


class Event(models.Model):
    """The history of a service: who created, proposed, changed, published or archived it."""

    class Verb(models.TextChoices):
        CREATED = "created", pgettext_lazy("service history", "Created")
        PROPOSED = "proposed", pgettext_lazy("service history", "Change proposed")
        SUBMITTED = "submitted", pgettext_lazy("service history", "Submitted")
        CHANGED = "changed", pgettext_lazy("service history", "Changed")
        PUBLISHED = "published", pgettext_lazy("service history", "Published")
        ARCHIVED = "archived", pgettext_lazy("service history", "Archived")
        IMPORTED = "imported", pgettext_lazy("service history", "Imported")
        VERIFIED = "verified", pgettext_lazy("service history", "Verified")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="events")
    verb = models.CharField(max_length=12, choices=Verb.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "service event"

    def __str__(self) -> str:
        return f"{self.verb} {self.service} by {self.user or 'anonymous'}"
