from typing import Any

from django import forms
from django.contrib import admin

from atlas.places.actions import names_problem
from atlas.places.models import Place

FIELDS = ("kind", "code", "name", "country_code", "parent", "names")


class PlaceForm(forms.ModelForm):
    class Meta:
        model = Place
        fields = FIELDS
        help_texts = {
            "names": 'A city\'s name in other interface languages, e.g. {"ar": "برشلونة"}; '
            "the finder matches them too.",
        }

    def clean_names(self) -> dict[str, str]:
        names: Any = self.cleaned_data.get("names") or {}
        problem = names_problem(names)
        if problem is not None:
            language, message = problem
            raise forms.ValidationError(f"{language}: {message}" if language else message)
        return {language: name.strip() for language, name in names.items()}


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    form = PlaceForm
    list_display = ("name", "kind", "code", "country_code", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "code", "normalized_name")
    fields = FIELDS
    raw_id_fields = ("parent",)
