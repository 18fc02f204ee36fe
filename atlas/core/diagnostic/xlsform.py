"""The diagnostic framework as an XLSForm, for KoboToolbox and ODK.

A city can consult its departments or civil society in the field with the same questions:
`write_xlsform` writes the framework as an XLSForm workbook (sheets ``survey``, ``choices``
and ``settings``) that pyxform converts to an ODK XForm, in all eight languages. `xlsform_sheets`
returns the same rows as plain lists, and `form_fields` says where each question sits in the
form; `atlas.core.diagnostic.kobo.read_kobo_export` reads a KoboToolbox export of the form back
into answers.

The form holds:

- a group per area, in framework order (``begin_group``/``end_group``, named after the area
  slug with ``_``);
- a ``select_one`` per question, named `Question.field_name` (its slug with ``_``), whose
  choice list is the question's scale (``yes_partly_no``) or, for options written on the
  question, the question itself; the choice names are the option values, so an export "with
  XML values" holds the values the scoring engine reads. A question that allows "not
  applicable" gets the list with the choice `NOT_APPLICABLE_CHOICE` added (``yes_partly_no_na``
  for a scale);
- an optional ``text`` field per question, ``<field name>_comment``, labelled with the
  evidence the question asks for;
- a ``calculate`` field `IDENTITY_FIELD` whose value is `framework_identity` (slug, version and
  fingerprint), so every submission carries the exact framework it answers. The ``version``
  setting holds the framework version too, but a KoboToolbox export does not carry it: its
  ``__version__`` column holds KoboToolbox's own id of the deployed form (``vGmnXQZ4…``).

Labels use the XLSForm language columns, ``label::English (en)``, ``label::Español (es)``, …
(the language's own name, as `atlas.core.languages.LANGUAGE_NAMES` spells it, then its code);
the question guidance is the hint.

>>> from atlas.core.diagnostic.example import example_framework
>>> sheets = xlsform_sheets(example_framework())
>>> sheets["survey"][0][:4]
['type', 'name', 'label::English (en)', 'label::Español (es)']
>>> for row in sheets["survey"][1:5]:
...     print(row[:2])
['begin_group', 'health']
['select_one yes_partly_no', 'law_a']
['text', 'law_a_comment']
['select_one yes_partly_no', 'law_b']
>>> dict(zip(sheets["settings"][0], sheets["settings"][1]))["form_id"]
'example_1'
>>> field = form_fields(example_framework())["rules-a"]
>>> field.group, field.name, field.comment, field.list_name
('cost', 'rules_a', 'rules_a_comment', 'yes_partly_no_na')
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from atlas.core.diagnostic.framework import Framework, Option, Question
from atlas.core.languages import LANGUAGE_NAMES, LANGUAGES

# The choice name of "not applicable" in the form; the scoring engine's value is
# `atlas.core.diagnostic.framework.NOT_APPLICABLE` ("not-applicable").
NOT_APPLICABLE_CHOICE = "not_applicable"
# Its label: the wording the framework's own guidance uses for this answer in each language
# (q-civil-registration.toml, q-identification.toml).
NOT_APPLICABLE_LABELS: Mapping[str, str] = {
    "en": "Not applicable",
    "es": "No aplicable",
    "fr": "Sans objet",
    "ar": "لا ينطبق",
    "pt": "Não aplicável",
    "ru": "Неприменимо",
    "uk": "Не застосовується",
    "fa": "موضوعیت ندارد",
}
# The calculate field that carries `framework_identity` in every submission.
IDENTITY_FIELD = "atlas_framework"
COMMENT_SUFFIX = "_comment"
NOT_APPLICABLE_LIST_SUFFIX = "_na"


@dataclass(frozen=True)
class FormField:
    """Where a question sits in the form: its group, field, comment field and choice list."""

    question: str
    group: str
    name: str
    comment: str
    list_name: str


def language_column(column: str, language: str) -> str:
    """Return the XLSForm column of ``column`` (label, hint) in ``language``.

    >>> language_column("label", "ar")
    'label::العربية (ar)'
    """
    return f"{column}::{LANGUAGE_NAMES[language]} ({language})"


def form_id(framework: Framework) -> str:
    """Return the form's id: the framework slug and version, with ``_`` for anything else.

    >>> from atlas.core.diagnostic import default_framework
    >>> form_id(default_framework())
    'objective_15_2026_1'
    """
    return re.sub(r"[^A-Za-z0-9]+", "_", f"{framework.slug}_{framework.version}").strip("_")


def framework_identity(framework: Framework) -> str:
    """Return what the form's `IDENTITY_FIELD` holds: slug, version and fingerprint.

    >>> from atlas.core.diagnostic import default_framework
    >>> framework = default_framework()
    >>> framework_identity(framework) == f"objective-15 2026.1 {framework.fingerprint}"
    True
    """
    return f"{framework.slug} {framework.version} {framework.fingerprint}"


def group_name(area_slug: str) -> str:
    """Return the group name of an area: its slug with ``_`` (``legal-framework`` → ...)."""
    return area_slug.replace("-", "_")


def _list_name(question: Question) -> str:
    base = question.field_name if question.scale is None else question.scale.replace("-", "_")
    if question.allow_not_applicable:
        return base + NOT_APPLICABLE_LIST_SUFFIX
    return base


def form_fields(framework: Framework) -> dict[str, FormField]:
    """Return question slug → `FormField`, in framework order."""
    return {
        question.slug: FormField(
            question=question.slug,
            group=group_name(question.area),
            name=question.field_name,
            comment=question.field_name + COMMENT_SUFFIX,
            list_name=_list_name(question),
        )
        for question in framework.questions
    }


def _identity_calculation(identity: str) -> str:
    """Quote ``identity`` as an XPath string literal."""
    for quote in ("'", '"'):
        if quote not in identity:
            return f"{quote}{identity}{quote}"
    raise ValueError(f"the framework identity {identity!r} holds both kinds of quote")


def xlsform_sheets(framework: Framework) -> dict[str, list[list[str]]]:
    """Return the rows of the ``survey``, ``choices`` and ``settings`` sheets, header first.

    Raise ValueError if two questions would share a choice list name with different options.
    """
    labels = [language_column("label", language) for language in LANGUAGES]
    hints = [language_column("hint", language) for language in LANGUAGES]
    survey: list[list[str]] = [["type", "name", *labels, *hints, "calculation"]]

    def row(
        kind: str,
        name: str,
        label: Mapping[str, str] | None = None,
        hint: Mapping[str, str] | None = None,
        calculation: str = "",
    ) -> None:
        texts = [label[language] if label else "" for language in LANGUAGES]
        hint_texts = [hint[language] if hint else "" for language in LANGUAGES]
        survey.append([kind, name, *texts, *hint_texts, calculation])

    choice_lists: dict[str, tuple[Option, ...]] = {}
    fields = form_fields(framework)
    for area in framework.areas:
        row("begin_group", group_name(area.slug), area.labels)
        for question in area.questions:
            field = fields[question.slug]
            known = choice_lists.setdefault(field.list_name, question.options)
            if known != question.options:
                raise ValueError(
                    f"question {question.slug!r}: choice list {field.list_name!r} is already "
                    "used with other options"
                )
            row(f"select_one {field.list_name}", field.name, question.text, question.guidance)
            row("text", field.comment, question.evidence)
        row("end_group", "")
    row(
        "calculate",
        IDENTITY_FIELD,
        calculation=_identity_calculation(framework_identity(framework)),
    )

    choices: list[list[str]] = [["list_name", "name", *labels]]
    for list_name, options in choice_lists.items():
        for option in options:
            choices.append([list_name, option.value, *(option.label(lang) for lang in LANGUAGES)])
        if list_name.endswith(NOT_APPLICABLE_LIST_SUFFIX):
            choices.append(
                [
                    list_name,
                    NOT_APPLICABLE_CHOICE,
                    *(NOT_APPLICABLE_LABELS[lang] for lang in LANGUAGES),
                ]
            )

    settings = [
        ["form_title", "form_id", "version", "default_language"],
        [
            framework.label("en"),
            form_id(framework),
            framework.version,
            f"{LANGUAGE_NAMES['en']} (en)",
        ],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def write_xlsform(framework: Framework, path: Path | str) -> Path:
    """Write ``framework`` as an XLSForm workbook (.xlsx) at ``path``; return the path.

    >>> import tempfile
    >>> from atlas.core.diagnostic.example import example_framework
    >>> with tempfile.TemporaryDirectory() as directory:
    ...     written = write_xlsform(example_framework(), Path(directory) / "example.xlsx")
    ...     written.name, written.stat().st_size > 0
    ('example.xlsx', True)
    """
    path = Path(path)
    workbook = Workbook()
    default_sheet = workbook.active
    for title, rows in xlsform_sheets(framework).items():
        sheet = workbook.create_sheet(title)
        for values in rows:
            # None leaves a cell empty; an empty string would be written as a text cell.
            sheet.append([value if value != "" else None for value in values])
    if default_sheet is not None:
        workbook.remove(default_sheet)
    workbook.save(path)
    return path
