from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from atlas.core import places as catalogue
from atlas.core.practice_format import FieldError, PracticeRecord, parse_record
from atlas.core.vocabulary import default_vocabulary
from atlas.practices.actions import submission_slug


def term_choices(kind: str, language: str) -> list[tuple[str, str]]:
    vocabulary = default_vocabulary()
    choices = []
    for term in vocabulary.terms(kind):
        label = term.label(language)
        if kind == "service" and term.parent:
            label = f"{vocabulary.get(kind, term.parent).label(language)} – {label}"
        choices.append((term.slug, label))
    return choices


def country_choices(language: str) -> list[tuple[str, str]]:
    countries = [
        (c.alpha2, catalogue.country_name(c.alpha2, language)) for c in catalogue.countries()
    ]
    return [("", "—"), *sorted(countries, key=lambda item: item[1])]


class SubmissionForm(forms.Form):
    """A public proposal of a practice. Editors review it before anything is published."""

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), max_length=600, widget=forms.Textarea(attrs={"rows": 3})
    )
    description = forms.CharField(
        label=_("What was done, by whom, for whom, and what happened"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    country = forms.ChoiceField(label=_("Country"))
    city = forms.CharField(
        label=_("City (leave empty for a national measure)"), max_length=120, required=False
    )
    year_started = forms.IntegerField(
        label=_("Year started"), min_value=1800, max_value=2100, required=False
    )
    services = forms.MultipleChoiceField(label=_("Services"), widget=forms.CheckboxSelectMultiple)
    groups = forms.MultipleChoiceField(
        label=_("Groups"), widget=forms.CheckboxSelectMultiple, required=False
    )
    barriers = forms.MultipleChoiceField(
        label=_("Barriers addressed"), widget=forms.CheckboxSelectMultiple, required=False
    )
    measures = forms.MultipleChoiceField(
        label=_("Measures"), widget=forms.CheckboxSelectMultiple, required=False
    )
    actor_name = forms.CharField(label=_("Organisation that leads it"), max_length=200)
    actor_type = forms.ChoiceField(label=_("Type of organisation"))
    source_title = forms.CharField(label=_("Source: title"), max_length=300)
    source_url = forms.URLField(
        label=_("Source: web address"), max_length=500, assume_scheme="https"
    )
    source_year = forms.IntegerField(
        label=_("Source: year"), min_value=1800, max_value=2100, required=False
    )
    submitter_name = forms.CharField(
        label=_("Your name (optional)"), max_length=200, required=False
    )
    submitter_contact = forms.CharField(
        label=_("How editors can reach you (optional, never published)"),
        max_length=200,
        required=False,
    )
    # A field people never see (hidden by the stylesheet) and bots fill in.
    website = forms.CharField(label=_("Leave this empty"), required=False)

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices(language)  # type: ignore[attr-defined]
        for name, kind in (
            ("services", "service"),
            ("groups", "group"),
            ("barriers", "barrier"),
            ("measures", "measure"),
            ("actor_type", "actor-type"),
        ):
            self.fields[name].choices = term_choices(kind, language)  # type: ignore[attr-defined]
        self._record: PracticeRecord | None = None

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        place: dict[str, str] = {"iso": data["country"]}
        if data.get("city"):
            place = {"country": data["country"], "city": data["city"]}
        raw = {
            "slug": submission_slug(data["title"]),
            "title": data["title"],
            "summary": data["summary"],
            "description": data["description"],
            "language": self._language(),
            "places": [place],
            "year_started": data.get("year_started"),
            "actors": [{"name": data["actor_name"], "type": data["actor_type"], "role": "lead"}],
            "services": data["services"],
            "groups": data["groups"],
            "barriers": data["barriers"],
            "measures": data["measures"],
            "sources": [
                {
                    "title": data["source_title"],
                    "url": data["source_url"],
                    "year": data.get("source_year"),
                }
            ],
            "status": "submitted",
        }
        try:
            self._record = parse_record(raw, vocabulary=default_vocabulary())
        except FieldError as error:
            self.add_error(None, error.message)
        return data

    def _language(self) -> str:
        from django.utils import translation

        return translation.get_language() or "en"

    def record(self) -> PracticeRecord:
        assert self._record is not None, "call is_valid() first"
        return self._record
