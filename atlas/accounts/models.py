from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CITY_GOVERNMENT = "city-government", _("City or local government")
        REGIONAL_GOVERNMENT = "regional-government", _("Regional government")
        NATIONAL_GOVERNMENT = "national-government", _("National government")
        NGO = "ngo", _("Non-governmental organisation")
        UN_AGENCY = "un-agency", _("UN agency")
        RESEARCH_BODY = "research-body", _("Research body")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    place = models.ForeignKey(
        "places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a signed-in person may do. Anonymous visitors need no account at all.

    Each role is a Django auth group of the same name, holding its permissions
    (created by `ensure_role_groups`); a superuser is the admin.
    """

    CONTRIBUTOR = "contributor", _("Contributor")
    EDITOR = "editor", _("Editor")
    PLACE_TEAM = "place-team", _("Place team member")
    DATA_STEWARD = "data-steward", _("Data steward")


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )

    def has_role(self, role: Role) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return self.groups.filter(name=role.value).exists()

    @property
    def is_editor(self) -> bool:
        return self.has_role(Role.EDITOR)


class PlaceMembership(models.Model):
    """A place team: the people who will own a place's diagnostic and action plan."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="place_memberships")
    place = models.ForeignKey("places.Place", on_delete=models.CASCADE, related_name="team")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "place"], name="one_membership_per_place")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.place}"
