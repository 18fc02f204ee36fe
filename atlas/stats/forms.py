from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from atlas.core.stats.spec import default_specs
from atlas.places.models import Place
from atlas.stats.actions import ENGINES


def spec_choices() -> list[tuple[str, str]]:
    """Each specification by its title in the page's language (English where it has none)."""
    language = get_language() or "en"
    return [(slug, spec.title_in(language)) for slug, spec in default_specs().items()]


class RunForm(forms.Form):
    place = forms.ModelChoiceField(queryset=Place.objects.order_by("name"), label=_("Place"))
    records = forms.FileField(
        label=_("Records (CSV or Parquet)"),
        help_text=_("Read once, aggregated and deleted: record-level data is never stored."),
    )
    specs = forms.MultipleChoiceField(
        choices=spec_choices,
        required=False,
        label=_("Table specifications (tables chosen together are protected as one linked set)"),
        widget=forms.CheckboxSelectMultiple,
    )
    spec_file = forms.FileField(
        required=False,
        label=_("Or your own table specification (TOML)"),
    )
    engine = forms.ChoiceField(
        choices=[(e, e) for e in ENGINES], initial="duckdb", label=_("Engine")
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("specs") and not data.get("spec_file"):
            raise forms.ValidationError(_("Choose a table specification or upload one."))
        return data
