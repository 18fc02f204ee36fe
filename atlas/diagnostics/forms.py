"""The forms of the diagnostic pages: opening a round, answering an area, inviting a
colleague and importing a KoboToolbox export. They parse input only; the writes are in
actions.py."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atlas.core.diagnostic import NOT_APPLICABLE, Area, Question
from atlas.core.diagnostic.kobo import MAX_FILE_BYTES
from atlas.diagnostics.actions import AnswerInput

# The largest KoboToolbox export the import page accepts: the reader's own limit (50 MB).
KOBO_UPLOAD_MAX_BYTES = MAX_FILE_BYTES
# Evidence and comments are a few paragraphs; this keeps a pasted document out.
MAX_NOTE_CHARACTERS = 20_000


class OpenRoundForm(forms.Form):
    title = forms.CharField(label=_("Title of the round"), max_length=200)
    period = forms.DateField(
        label=_("Date the answers describe (YYYY-MM-DD)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def value_field(question: Question) -> str:
    return f"{question.slug}__value"


def evidence_field(question: Question) -> str:
    return f"{question.slug}__evidence"


def comment_field(question: Question) -> str:
    return f"{question.slug}__comment"


class AreaAnswersForm(forms.Form):
    """One area's questions: an answer, the evidence and a comment for each.

    The question texts and options come from the framework in the page's language; the
    empty choice and "not applicable" are the site's own words.
    """

    def __init__(
        self, *args: Any, area: Area, language: str, initial_answers: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.area = area
        for question in area.questions:
            saved = initial_answers.get(question.slug)
            choices: list[tuple[str, Any]] = [("", _("Not answered"))]
            choices += [(option.value, option.label(language)) for option in question.options]
            if question.allow_not_applicable:
                choices.append((NOT_APPLICABLE, _("Not applicable")))
            self.fields[value_field(question)] = forms.ChoiceField(
                label=question.text.get(language) or question.text["en"],
                help_text=question.guidance.get(language) or question.guidance.get("en", ""),
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=saved.value if saved else "",
            )
            self.fields[evidence_field(question)] = forms.CharField(
                label=pgettext_lazy("diagnostic answer", "Evidence"),
                help_text=question.evidence.get(language) or question.evidence.get("en", ""),
                max_length=MAX_NOTE_CHARACTERS,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=saved.evidence if saved else "",
            )
            self.fields[comment_field(question)] = forms.CharField(
                label=_("Comment"),
                max_length=MAX_NOTE_CHARACTERS,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=saved.comment if saved else "",
            )

    def answers(self) -> dict[str, AnswerInput]:
        """The answers as `actions.save_answers` takes them; call is_valid() first."""
        data = self.cleaned_data
        return {
            question.slug: AnswerInput(
                value=data.get(value_field(question), ""),
                evidence=data.get(evidence_field(question), ""),
                comment=data.get(comment_field(question), ""),
            )
            for question in self.area.questions
        }


class InviteForm(forms.Form):
    username = forms.CharField(
        label=_("Username of the colleague"),
        help_text=_("They must already have an account. They will see this place's drafts."),
        max_length=150,
    )


class KoboImportForm(forms.Form):
    export = forms.FileField(
        label=_("KoboToolbox export (CSV or XLSX, exported with XML values and headers)")
    )
    # The row of the submission, for a file that holds several (the page lists them).
    row = forms.IntegerField(
        label=_("Row of the submission to import"), min_value=2, required=False
    )

    def clean_export(self) -> Any:
        upload = self.cleaned_data["export"]
        if upload.size > KOBO_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB."),
                params={"limit": KOBO_UPLOAD_MAX_BYTES // (1024 * 1024)},
            )
        return upload
