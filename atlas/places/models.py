from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from atlas.core import places as catalogue


class Place(models.Model):
    """A UN M49 region, an ISO 3166 country or subdivision, or a city.

    Regions and countries are loaded by `atlas setup`; subdivisions and cities
    are created when content first names them (see `places.actions.resolve_place`).
    """

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        COUNTRY = "country", _("Country")
        SUBDIVISION = "subdivision", _("Subdivision")
        CITY = "city", _("City")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    # M49 code for a region, ISO 3166-1 alpha-2 for a country, ISO 3166-2 for a
    # subdivision; empty for a city, which is known by its name and country.
    code = models.CharField(max_length=10, blank=True)
    name = models.CharField(max_length=120)
    normalized_name = models.CharField(max_length=120, db_index=True)
    country_code = models.CharField(max_length=2, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # A made-up place for demonstrations ("Demo City"): its name always carries the word
    # "fictional", in every language, wherever label() is shown.
    fictional = models.BooleanField(default=False)
    # A city's name in other interface languages, {language: name}, from
    # atlas/core/data/city-names.toml (see places.actions); `name` where a language has none.
    # Countries and regions take theirs from pycountry and the M49 labels instead.
    names = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                condition=~models.Q(kind="city"),
                name="one_place_per_code",
            ),
            models.UniqueConstraint(
                fields=["country_code", "normalized_name"],
                condition=models.Q(kind="city"),
                name="one_city_per_name_and_country",
            ),
        ]

    def __str__(self) -> str:
        if self.fictional:
            return f"{self.name} (fictional)"
        if self.kind == self.Kind.CITY:
            return f"{self.name} ({self.country_code})"
        return self.name

    def label(self, language: str) -> str:
        """The place's name in an interface language, where a translation is known; a
        city's `name` in a language `names` does not give."""
        if self.fictional:
            with translation.override(language):
                return gettext("%(name)s (fictional)") % {"name": self.name}
        if self.kind == self.Kind.COUNTRY:
            return catalogue.country_name(self.code, language)
        if self.kind == self.Kind.REGION:
            return catalogue.region(self.code).labels.get(language, self.name)
        return str(self.names.get(language) or self.name)

    def as_reference(self) -> dict[str, str]:
        """The place as the interchange formats name it: {"iso": "ES"}, {"m49": "150"},
        or {"country": "ES", "city": "Barcelona"} (with its subdivision when known)."""
        if self.kind == self.Kind.CITY:
            parent = self.parent
            ref = {"country": self.country_code, "city": self.name}
            if parent is not None and parent.kind == self.Kind.SUBDIVISION:
                ref["subdivision"] = parent.code
            return ref
        if self.kind == self.Kind.REGION:
            return {"m49": self.code}
        return {"iso": self.code}

    def region_codes(self) -> list[str]:
        """The M49 regions this place lies in, narrowest first."""
        if self.kind == self.Kind.REGION:
            return catalogue.region_ancestors(self.code)
        if self.country_code:
            return catalogue.country_regions(self.country_code)
        return []
