"""The diagnostic as an XLSForm: pyxform converts it and ODK Validate accepts it, and a
KoboToolbox-style export of the form imports back into the same answers and scores.

The form is converted once per module, with ODK Validate (Java). The tests read what they
need from the converted XForm itself — field paths, choice names, labels, the framework
identity — and from the framework's TOML files, not from the mapping code under test, and
write their exports as KoboToolbox does ("XML values and headers": group paths as headers,
choice names as values, its metadata columns around them).
"""

import csv
import io
import shutil
import time
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from pyxform.validators import odk_validate
from pyxform.xls2xform import ConvertResult, convert

from atlas.core.diagnostic import DEFAULT_DIRECTORY, NOT_APPLICABLE, default_framework, score
from atlas.core.diagnostic.kobo import (
    MAX_FILE_BYTES,
    MAX_SUBMISSIONS,
    KoboImportError,
    Submission,
    read_kobo_export,
)
from atlas.core.diagnostic.xlsform import write_xlsform
from atlas.core.languages import LANGUAGES

XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"

# The metadata columns of a KoboToolbox export, with a plausible value for one submission.
KOBO_LEADING = {"start": "2026-03-02T09:14:03.000+01:00", "end": "2026-03-02T10:02:41.000+01:00"}
KOBO_TRAILING = {
    "meta/instanceID": "uuid:5a3e9f0c-1111-4c3e-9d55-2f0b1c9e0a01",
    "__version__": "vGmnXQZ4cxK3JM2rGZPdSf",
    "_id": "412937",
    "_uuid": "5a3e9f0c-1111-4c3e-9d55-2f0b1c9e0a01",
    "_submission_time": "2026-03-02T09:02:44",
    "_validation_status": "",
    "_notes": "",
    "_status": "submitted_via_web",
    "_submitted_by": "",
    "_tags": "",
    "_index": "1",
}


# --- the converted form ---------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A select_one of the converted XForm, as KoboToolbox exports it."""

    path: str  # group/field, the export header
    comment_path: str  # the text field that follows it
    labels: Mapping[str, str]  # XForm language → label
    hints: Mapping[str, str]
    choices: Mapping[str, str]  # English choice label → choice name


@dataclass(frozen=True)
class ConvertedForm:
    xlsform: Path
    result: ConvertResult
    validations: list[list[str]]
    root: ET.Element
    # English question text → its field.
    fields: Mapping[str, Field]
    identity: str


def _itext(model: ET.Element) -> dict[str, dict[str, str]]:
    """Return XForm language → text id → text."""
    texts: dict[str, dict[str, str]] = {}
    for translation in model.iter(f"{XF}translation"):
        language = translation.attrib["lang"]
        texts[language] = {
            text.attrib["id"]: "".join(text.find(f"{XF}value").itertext())  # type: ignore[union-attr]
            for text in translation.iter(f"{XF}text")
        }
    return texts


def _read_xform(xform: str) -> tuple[ET.Element, dict[str, Field], str]:
    root = ET.fromstring(xform)  # noqa: S314 (the XForm pyxform just wrote)
    model = root.find(f"{H}head/{XF}model")
    assert model is not None
    itext = _itext(model)
    english = next(language for language in itext if language.endswith("(en)"))
    items: dict[str, list[tuple[str, str]]] = {}
    for instance in model.findall(f"{XF}instance"):
        if "id" in instance.attrib:
            items[instance.attrib["id"]] = [
                (item.findtext(f"{XF}name", ""), item.findtext(f"{XF}itextId", ""))
                for item in instance.iter(f"{XF}item")
            ]
    body = root.find(f"{H}body")
    assert body is not None
    controls = [
        element
        for element in body.iter()
        if element.tag in (f"{XF}select1", f"{XF}input") and "ref" in element.attrib
    ]
    fields: dict[str, Field] = {}
    for control, following in zip(controls, controls[1:], strict=False):
        if control.tag != f"{XF}select1":
            continue
        assert following.tag == f"{XF}input"
        ref = control.attrib["ref"]
        nodeset = control.find(f"{XF}itemset").attrib["nodeset"]  # type: ignore[union-attr]
        list_id = nodeset.split("'")[1]
        labels = {language: texts[f"{ref}:label"] for language, texts in itext.items()}
        fields[labels[english]] = Field(
            path="/".join(ref.split("/")[2:]),
            comment_path="/".join(following.attrib["ref"].split("/")[2:]),
            labels=labels,
            hints={language: texts[f"{ref}:hint"] for language, texts in itext.items()},
            choices={itext[english][text_id]: name for name, text_id in items[list_id]},
        )
    binds = {bind.attrib["nodeset"]: bind.attrib for bind in model.iter(f"{XF}bind")}
    calculated = [attrib for attrib in binds.values() if "calculate" in attrib]
    assert len(calculated) == 1
    identity = calculated[0]["calculate"].strip("'\"")
    return root, fields, identity


@pytest.fixture(scope="module")
def form(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConvertedForm]:
    """The shipped framework written as an XLSForm, converted by pyxform with ODK Validate."""
    assert shutil.which("java"), "ODK Validate needs Java; the form cannot be validated"
    assert odk_validate.install_exists(), "pyxform's ODK_Validate.jar is missing"
    xlsform = write_xlsform(default_framework(), tmp_path_factory.mktemp("form") / "form.xlsx")
    validations: list[list[str]] = []
    check_xform = odk_validate.check_xform

    def spy(path: str) -> list[str]:
        warnings: list[str] = check_xform(path)
        validations.append(warnings)
        return warnings

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(odk_validate, "check_xform", spy)
        result = convert(xlsform=str(xlsform), validate=True, warnings=[])
    root, fields, identity = _read_xform(result.xform)
    yield ConvertedForm(xlsform, result, validations, root, fields, identity)


def test_odk_validate_ran_on_the_form_and_accepted_it(form: ConvertedForm) -> None:
    # check_xform raises ODKValidateError on an invalid form; a timeout or a crash of the
    # validator comes back as a warning instead, which would let a skipped check pass.
    assert len(form.validations) == 1
    skipped = ("took to long", "Bad return code")
    assert not [warning for warning in form.validations[0] if any(s in warning for s in skipped)]
    assert form.result.warnings == []


def _as_pyxform_writes(text: str) -> str:
    """pyxform turns typographic quotes into straight ones in every text of the XForm."""
    return text.translate(
        str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
    )


def _toml_questions() -> list[dict[str, Any]]:
    """Every question of the shipped framework, read straight from its TOML files."""
    questions: list[dict[str, Any]] = []
    for path in sorted(DEFAULT_DIRECTORY.glob("q-*.toml")):
        questions.extend(tomllib.loads(path.read_text(encoding="utf-8"))["question"])
    return questions


def _toml_scales() -> dict[str, list[dict[str, Any]]]:
    data = tomllib.loads((DEFAULT_DIRECTORY / "framework.toml").read_text(encoding="utf-8"))
    return {scale["slug"]: scale["options"] for scale in data["scale"]}


def test_the_form_has_a_select_one_per_question_in_eight_languages(form: ConvertedForm) -> None:
    questions = _toml_questions()
    assert len(questions) == 76
    assert len(form.fields) == 76
    scales = _toml_scales()
    translations = [t.attrib["lang"] for t in form.root.iter(f"{XF}translation")]
    assert translations == [
        "English (en)",
        "Español (es)",
        "Français (fr)",
        "العربية (ar)",
        "Português (pt)",
        "Русский (ru)",
        "Українська (uk)",
        "فارسی (fa)",
    ]
    not_applicable = 0
    for question in questions:
        field = form.fields[_as_pyxform_writes(question["text"]["en"])]
        for language, xform_language in zip(LANGUAGES, translations, strict=True):
            assert field.labels[xform_language] == _as_pyxform_writes(question["text"][language])
            assert field.hints[xform_language] == _as_pyxform_writes(question["guidance"][language])
        options = question.get("options") or scales[question["scale"]]
        expected = {
            _as_pyxform_writes(option["labels"]["en"]): option["value"] for option in options
        }
        if question.get("allow_not_applicable"):
            expected["Not applicable"] = "not_applicable"
            not_applicable += 1
        assert field.choices == expected
    assert not_applicable == 11


def test_the_form_has_a_group_per_area_and_records_the_framework(form: ConvertedForm) -> None:
    groups = [g.attrib["ref"] for g in form.root.iter(f"{XF}group")]
    assert len(groups) == 23
    assert "/data/legal_framework" in groups
    framework = default_framework()
    assert form.identity == f"objective-15 2026.1 {framework.fingerprint}"
    instance = form.root.find(f"{H}head/{XF}model/{XF}instance/{XF}data")
    assert instance is not None
    assert instance.attrib == {"id": "objective_15_2026_1", "version": "2026.1"}
    settings = load_workbook(form.xlsform)["settings"]
    rows = list(settings.iter_rows(values_only=True))
    assert dict(zip(rows[0], rows[1], strict=True)) == {
        "form_title": "Objective 15 inclusive services diagnostic",
        "form_id": "objective_15_2026_1",
        "version": "2026.1",
        "default_language": "English (en)",
    }


# --- a KoboToolbox export of the form -------------------------------------------------------

Answers = dict[str, str]


def _submissions() -> list[tuple[Answers, dict[str, str]]]:
    """Four consultations, as answers (slug → value) and comments (slug → text).

    1. Options cycled through question by question; every third question that allows it is
       not applicable, every seventh unanswered; comments with quotes, separators, a line
       break and Arabic script on some.
    2. Every question's highest option: each question offers a 100, so the overall is 100.0.
    3. Every question's lowest option: each offers a 0, so the overall is 0.0.
    4. One answer, "partly" (50) on health-emergency-law: health-entitlement 50, health 50,
       overall 50.0, 1 of 76 answered.
    """
    framework = default_framework()
    cycled: Answers = {}
    comments: dict[str, str] = {}
    for position, question in enumerate(framework.questions):
        if position % 7 == 6:
            continue
        if question.allow_not_applicable and position % 3 == 0:
            cycled[question.slug] = NOT_APPLICABLE
        else:
            cycled[question.slug] = question.options[position % len(question.options)].value
        if position % 5 == 0:
            comments[question.slug] = f'Decree 12/2024; see "annex {position}",\nart. 3 — مرسوم'
    highest = {q.slug: max(q.options, key=lambda o: o.score).value for q in framework.questions}
    lowest = {q.slug: min(q.options, key=lambda o: o.score).value for q in framework.questions}
    return [
        (cycled, comments),
        (highest, {}),
        (lowest, {"health-emergency-law": "No law at all."}),
        ({"health-emergency-law": "partly"}, {}),
    ]


def _kobo_table(
    form: ConvertedForm, submissions: Sequence[tuple[Answers, Mapping[str, str]]]
) -> list[list[str]]:
    """Return the export's rows, header first, mapping each answer through the XForm."""
    framework = default_framework()
    toml = {q["slug"]: _as_pyxform_writes(q["text"]["en"]) for q in _toml_questions()}
    header = list(KOBO_LEADING)
    for question in framework.questions:
        field = form.fields[toml[question.slug]]
        header += [field.path, field.comment_path]
    header += ["atlas_framework", *KOBO_TRAILING]
    rows = [header]
    for answers, comments in submissions:
        row = list(KOBO_LEADING.values())
        for question in framework.questions:
            field = form.fields[toml[question.slug]]
            value = answers.get(question.slug)
            if value is None:
                choice = ""
            elif value == NOT_APPLICABLE:
                choice = field.choices["Not applicable"]
            else:
                choice = field.choices[_as_pyxform_writes(question.option(value).labels["en"])]
            row += [choice, comments.get(question.slug, "")]
        row += [form.identity, *KOBO_TRAILING.values()]
        rows.append(row)
    return rows


def _write_csv(
    path: Path, rows: Sequence[Sequence[str]], delimiter: str = ";", bom: bool = False
) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL).writerows(rows)
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8", newline="")
    return path


def _write_xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Objective 15 inclusive servic"  # KoboToolbox cuts the title to 31 characters
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
    workbook.save(path)
    return path


def _as_pairs(submissions: Sequence[Submission]) -> list[tuple[Answers, dict[str, str]]]:
    return [(dict(s.answers), dict(s.comments)) for s in submissions]


@pytest.mark.parametrize(
    ("kind", "delimiter", "bom"),
    [("csv", ";", False), ("csv", ",", False), ("csv", ";", True), ("xlsx", "", False)],
)
def test_a_kobo_export_imports_back_into_the_same_answers_and_scores(
    form: ConvertedForm, tmp_path: Path, kind: str, delimiter: str, bom: bool
) -> None:
    framework = default_framework()
    expected = _submissions()
    rows = _kobo_table(form, expected)
    if kind == "csv":
        path = _write_csv(tmp_path / "export.csv", rows, delimiter, bom)
    else:
        path = _write_xlsx(tmp_path / "export.xlsx", rows)

    imported = read_kobo_export(path, framework)

    assert [s.row for s in imported] == [2, 3, 4, 5]
    assert imported[0].uuid == "5a3e9f0c-1111-4c3e-9d55-2f0b1c9e0a01"
    assert _as_pairs(imported) == expected
    assert len(imported[0].answers) == 76 - 76 // 7  # every seventh question is unanswered
    assert sum(v == NOT_APPLICABLE for v in imported[0].answers.values()) >= 1
    for (answers, _), submission in zip(expected, imported, strict=True):
        assert score(framework, submission.answers).as_dict() == score(framework, answers).as_dict()
    results = [score(framework, submission.answers) for submission in imported]
    assert [result.overall.score for result in results[1:]] == [100.0, 0.0, 50.0]
    assert results[3].areas["health"].score == 50.0
    assert results[3].overall.coverage.answered == 1
    assert results[2].overall.coverage.answered == 76


def test_headers_without_group_paths_are_read_too(form: ConvertedForm, tmp_path: Path) -> None:
    rows = _kobo_table(form, _submissions()[3:])
    rows[0] = [
        column.split("/")[-1] if "/" in column and not column.startswith("meta/") else column
        for column in rows[0]
    ]
    imported = read_kobo_export(_write_csv(tmp_path / "export.csv", rows), default_framework())
    assert _as_pairs(imported) == [({"health-emergency-law": "partly"}, {})]


# --- hostile and broken files ---------------------------------------------------------------


def _problems(path: Path) -> list[str]:
    with pytest.raises(KoboImportError) as caught:
        read_kobo_export(path, default_framework())
    assert str(caught.value).startswith(f"{path}: import refused, nothing was imported:\n")
    return [str(problem) for problem in caught.value.problems]


def _set(rows: list[list[str]], row: int, column: str, value: str) -> None:
    """Set the cell at spreadsheet row ``row`` (header = 1) of ``column``."""
    rows[row - 1][rows[0].index(column)] = value


def test_every_bad_value_is_reported_with_its_row_and_column(
    form: ConvertedForm, tmp_path: Path
) -> None:
    rows = _kobo_table(form, _submissions())
    _set(rows, 3, "health/health_primary_law", "maybe")
    _set(rows, 5, "health/health_emergency_law", "Partly")  # a label, not the choice name
    # health-emergency-law does not allow "not applicable".
    _set(rows, 4, "health/health_emergency_law", "not_applicable")
    problems = _problems(_write_csv(tmp_path / "export.csv", rows))
    assert problems == [
        "row 3, column 'health/health_primary_law': 'maybe' is not a choice of this question: "
        "yes, partly, no",
        "row 4, column 'health/health_emergency_law': 'not_applicable' is not a choice of this "
        "question: yes, partly, no",
        "row 5, column 'health/health_emergency_law': 'Partly' is not a choice of this question: "
        "yes, partly, no",
    ]


def test_a_wrong_header_is_refused_naming_the_column(form: ConvertedForm, tmp_path: Path) -> None:
    rows = _kobo_table(form, _submissions()[3:])
    rows[0][rows[0].index("health/health_emergency_law")] = "health/health_emergency"
    rows[0][rows[0].index("cost/cost_fee_waiver_law_comment")] = "Comment"
    rows[0].append("health/health_primary_law")
    rows[1].append("yes")
    problems = _problems(_write_csv(tmp_path / "export.csv", rows))
    assert problems == [
        "row 1, column 'health/health_emergency': not a field of this form; export with "
        "'XML values and headers'",
        "row 1, column 'Comment': not a field of this form; export with 'XML values and headers'",
        "row 1, column 'health/health_primary_law': a repeated column",
        "row 1, column 'health/health_emergency_law': missing column of this question",
    ]


def test_a_file_of_another_framework_version_is_refused(
    form: ConvertedForm, tmp_path: Path
) -> None:
    fingerprint = default_framework().fingerprint
    rows = _kobo_table(form, _submissions()[2:])
    _set(rows, 2, "atlas_framework", f"objective-15 2025.3 {fingerprint}")
    _set(rows, 3, "atlas_framework", f"objective-15 2026.1 {'0' * 64}")
    problems = _problems(_write_csv(tmp_path / "export.csv", rows))
    assert problems == [
        "row 2, column 'atlas_framework': this file answers framework objective-15 2025.3, "
        "not objective-15 2026.1",
        "row 3, column 'atlas_framework': this file answers framework objective-15 2026.1 with "
        f"other content (fingerprint 000000000000…, not {fingerprint[:12]}…)",
    ]


def test_a_formula_in_an_xlsx_export_is_refused(form: ConvertedForm, tmp_path: Path) -> None:
    rows: list[list[Any]] = [list(row) for row in _kobo_table(form, _submissions()[3:])]
    _set(rows, 2, "health/health_primary_law", '=IF(1=1,"yes","no")')
    problems = _problems(_write_xlsx(tmp_path / "export.xlsx", rows))
    assert problems == [
        "row 2, column 'health/health_primary_law': a formula, not a value; export the data "
        "again from KoboToolbox"
    ]


def test_a_row_longer_than_the_header_and_text_not_in_utf8_are_refused(
    form: ConvertedForm, tmp_path: Path
) -> None:
    rows = _kobo_table(form, _submissions()[2:])
    rows[2].append("stray")
    problems = _problems(_write_csv(tmp_path / "export.csv", rows))
    width = len(rows[0])
    assert problems == [f"row 3: {width + 1} cells, but the header row has {width}"]

    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes('"start";"health/health_emergency_law"\n"é";"yes"\n'.encode("latin-1"))
    assert _problems(latin1) == ["not UTF-8 text (byte 39); export the data again as CSV"]

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert _problems(empty) == ["row 1: the file is empty; no header row"]


def _repeat_csv(path: Path, header: Sequence[str], row: Sequence[str], copies: int) -> Path:
    line = io.StringIO(newline="")
    csv.writer(line, delimiter=";", quoting=csv.QUOTE_ALL).writerow(row)
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, delimiter=";", quoting=csv.QUOTE_ALL).writerow(header)
        stream.write(line.getvalue() * copies)
    return path


def test_a_10_mb_csv_export_within_the_row_limit_is_read_fast(
    form: ConvertedForm, tmp_path: Path
) -> None:
    header, row = _kobo_table(form, _submissions()[1:2])  # every question answered
    path = _repeat_csv(tmp_path / "big.csv", header, row, 9_900)
    assert path.stat().st_size > 10_000_000
    started = time.perf_counter()
    imported = read_kobo_export(path, default_framework())
    elapsed = time.perf_counter() - started
    assert len(imported) == 9_900
    assert imported[-1].row == 9_901
    assert len(imported[-1].answers) == 76
    assert elapsed < 10.0  # about 1.5 s on the development machine


def test_an_export_above_the_row_limit_is_refused_fast(form: ConvertedForm, tmp_path: Path) -> None:
    header, row = _kobo_table(form, _submissions()[3:4])  # one answer
    path = _repeat_csv(tmp_path / "many.csv", header, row, MAX_SUBMISSIONS + 500)
    started = time.perf_counter()
    problems = _problems(path)
    assert time.perf_counter() - started < 5.0
    assert problems == [
        f"row {MAX_SUBMISSIONS + 2}: more than {MAX_SUBMISSIONS} submissions; split the export "
        "by date or by form version"
    ]

    rows: list[list[str]] = [header, *([["2026-03-02"]] * (MAX_SUBMISSIONS + 1))]
    workbook = _write_xlsx(tmp_path / "many.xlsx", rows)
    started = time.perf_counter()
    problems = _problems(workbook)
    assert time.perf_counter() - started < 2.0
    assert problems == [
        f"the sheet has {MAX_SUBMISSIONS + 1} data rows; the limit is {MAX_SUBMISSIONS} "
        "submissions, so split the export by date or by form version"
    ]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)
    assert _problems(path) == [
        f"the file has {MAX_FILE_BYTES + 1} bytes; the limit is {MAX_FILE_BYTES}"
    ]
