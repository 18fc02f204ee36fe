"""The forms of the plan pages. They only parse input: checks that matter live in actions.py."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from atlas.core.diagnostic.steps import Step, default_steps
from atlas.core.vocabulary import default_vocabulary
from atlas.plans.models import PlanAction


def measure_choices(language: str) -> list[tuple[str, str]]:
    return [(term.slug, term.label(language)) for term in default_vocabulary().terms("measure")]


def step_choices(steps: Iterable[Step], language: str) -> list[tuple[str, Any]]:
    return [("", _("No step")), *((step.slug, step.label(language)) for step in steps)]


class PlanTitleForm(forms.Form):
    title = forms.CharField(label=_("Title of the plan"), max_length=200)


class ActionForm(forms.Form):
    """One action's editable fields, on the confirm page (one per gap) and the edit page."""

    title = forms.CharField(label=_("Action"), max_length=300)
    step = forms.ChoiceField(label=_("Step of the operational framework"), required=False)
    measures = forms.MultipleChoiceField(
        label=_("Measures"), widget=forms.CheckboxSelectMultiple, required=False
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    owner = forms.CharField(
        label=_("Owner (a department or a person's role)"), max_length=200, required=False
    )
    partners = forms.CharField(
        label=_("Partners"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    budget = forms.DecimalField(
        label=_("Budget"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    currency = forms.CharField(
        label=_("Currency (three-letter code, e.g. EUR)"), max_length=3, required=False
    )
    indicator = forms.CharField(
        label=_("Indicator of success"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=PlanAction.Status.choices)

    def __init__(
        self,
        *args: Any,
        language: str = "en",
        steps: Iterable[Step] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        offered = default_steps().all if steps is None else tuple(steps)
        self.fields["step"].choices = step_choices(offered, language)  # type: ignore[attr-defined]
        self.fields["measures"].choices = measure_choices(language)  # type: ignore[attr-defined]

    def clean_currency(self) -> str:
        code = str(self.cleaned_data.get("currency") or "").strip().upper()
        if code and (len(code) != 3 or not code.isascii() or not code.isalpha()):
            raise forms.ValidationError(_("Give a three-letter currency code, such as EUR."))
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("budget") is not None and not cleaned.get("currency"):
            self.add_error("currency", _("A budget needs its currency code."))
        return cleaned

    def changes(self) -> dict[str, Any]:
        """The cleaned values, named as `atlas.plans.actions.update_action` takes them."""
        data = dict(self.cleaned_data)
        data["measures"] = list(data.get("measures") or [])
        return data


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Progress note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
