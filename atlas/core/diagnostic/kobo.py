"""Reading a KoboToolbox export of the diagnostic's XLSForm back into answers.

A city that consulted its departments or civil society with the form of
`atlas.core.diagnostic.xlsform` downloads the data from KoboToolbox as CSV or XLSX, "XML values
and headers". `read_kobo_export` reads such a file into one `Submission` per data row: question
slug → option value (or "not-applicable"), and question slug → comment.

What it accepts:

- CSV in UTF-8, with or without a byte order mark, separated by ``;`` (KoboToolbox's default)
  or ``,`` (the header row decides); or XLSX, the first sheet. A file is XLSX if it starts as a
  ZIP archive does, whatever its name.
- Headers with the group path (``health/health_emergency_law``, "include groups in headers")
  or without it (``health_emergency_law``).
- KoboToolbox's and ODK's metadata columns (``start``, ``end``, ``_id``, ``_uuid``,
  ``_submission_time``, ``__version__``, ``meta/instanceID``, ``formhub/uuid``, every other
  column whose name starts with ``_``, ...) are left aside. ``__version__`` holds KoboToolbox's
  own id of the deployed form, not the framework version; the framework is checked through the
  form's ``atlas_framework`` column (`atlas.core.diagnostic.xlsform.IDENTITY_FIELD`).
- An empty cell is an unanswered question; a value is a choice name of the question
  (``not_applicable`` where the question allows it).

All or nothing: every problem in the file is collected, and if there is one, `KoboImportError`
is raised with all of them (each naming the row, as a spreadsheet shows it with the header as
row 1, and the column) and no submission is returned. Refused: a file of another framework
version or fingerprint, a missing question column, a column that is neither a field of the form
nor metadata, a repeated column, a value that is not a choice of its question, a formula in an
XLSX cell, a row longer than the header, text that is not UTF-8, more than `MAX_SUBMISSIONS`
data rows, a file larger than `MAX_FILE_BYTES` (an XLSX whose content unpacks to more than
`MAX_UNPACKED_BYTES`).

>>> from atlas.core.diagnostic.example import example_framework
>>> text = (
...     '"start";"health/law_a";"health/law_b";"health/practice_a";"cost/rules_a";'
...     '"cost/rules_a_comment";"cost/practice_b";"_id"\\n'
...     '"2026-03-01";"yes";"partly";"";"not_applicable";"No fee rules.";"no";"17"\\n'
... )
>>> [submission] = parse_kobo_export(text.encode(), example_framework())
>>> submission.row, dict(submission.answers)
(2, {'law-a': 'yes', 'law-b': 'partly', 'rules-a': 'not-applicable', 'practice-b': 'no'})
>>> dict(submission.comments)
{'rules-a': 'No fee rules.'}
>>> parse_kobo_export(text.replace('"partly"', '"maybe"').encode(), example_framework())
Traceback (most recent call last):
...
atlas.core.diagnostic.kobo.KoboImportError: import refused, nothing was imported:
row 2, column 'health/law_b': 'maybe' is not a choice of this question: yes, partly, no
"""

import csv
import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from openpyxl import load_workbook

from atlas.core.diagnostic.framework import NOT_APPLICABLE, Framework, Question
from atlas.core.diagnostic.xlsform import (
    IDENTITY_FIELD,
    NOT_APPLICABLE_CHOICE,
    form_fields,
    framework_identity,
)

# One consultation is a few dozen answers; 10,000 rows is far above any real one and keeps a
# file that is not a consultation from tying up the importer.
MAX_SUBMISSIONS = 10_000
# 10,000 rows of 76 questions with comments and metadata fit well within this.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# A comment longer than this is not a comment (the csv module's own default field limit).
MAX_CELL_CHARACTERS = 131_072
# The error message lists this many problems; `KoboImportError.problems` holds them all.
MAX_REPORTED_PROBLEMS = 50

# The metadata fields of XLSForm (the "metadata" types) and of KoboToolbox exports that do not
# start with "_"; names starting with "_" and paths under meta/ and formhub/ are metadata too.
METADATA_COLUMNS: frozenset[str] = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "phonenumber",
        "simserial",
        "subscriberid",
        "username",
        "email",
        "audit",
        "start-geopoint",
        "background-audio",
        "instanceID",
        "instanceName",
    }
)
_METADATA_PREFIXES: tuple[str, ...] = ("_", "meta/", "formhub/")
_CSV_DELIMITERS: tuple[str, ...] = (";", ",")
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class KoboProblem:
    """One problem in an export: the row (header = 1; None for the file) and the column."""

    row: int | None
    column: str | None
    problem: str

    def __str__(self) -> str:
        where = [f"row {self.row}"] if self.row is not None else []
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.problem}" if where else self.problem


class KoboImportError(ValueError):
    """An export with at least one problem; nothing was imported.

    >>> str(KoboImportError([KoboProblem(3, "health/law_a", "'maybe' is not a choice")]))
    "import refused, nothing was imported:\\nrow 3, column 'health/law_a': 'maybe' is not a choice"
    """

    def __init__(self, problems: Sequence[KoboProblem], *, file: Path | None = None) -> None:
        self.problems = tuple(problems)
        self.file = file
        lines = [str(problem) for problem in self.problems[:MAX_REPORTED_PROBLEMS]]
        if len(self.problems) > MAX_REPORTED_PROBLEMS:
            lines.append(f"… and {len(self.problems) - MAX_REPORTED_PROBLEMS} more problems")
        where = "" if file is None else f"{file}: "
        super().__init__(f"{where}import refused, nothing was imported:\n" + "\n".join(lines))


@dataclass(frozen=True)
class Submission:
    """One data row: its row number, KoboToolbox id, answers and comments.

    ``answers`` maps question slug → option value or "not-applicable" and leaves unanswered
    questions out, as `atlas.core.diagnostic.score` reads them; ``comments`` holds the
    non-empty comment fields.
    """

    row: int
    uuid: str | None
    answers: Mapping[str, str]
    comments: Mapping[str, str]


def read_kobo_export(path: Path | str, framework: Framework) -> list[Submission]:
    """Read a KoboToolbox export (CSV or XLSX) of ``framework``'s form; see the module.

    Raise `KoboImportError` naming the file and every problem found.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise KoboImportError(
            [KoboProblem(None, None, f"the file has {size} bytes; the limit is {MAX_FILE_BYTES}")],
            file=path,
        )
    try:
        return parse_kobo_export(path.read_bytes(), framework)
    except KoboImportError as error:
        raise KoboImportError(error.problems, file=path) from None


def parse_kobo_export(content: bytes, framework: Framework) -> list[Submission]:
    """Read the bytes of a KoboToolbox export (CSV or XLSX); see `read_kobo_export`."""
    if len(content) > MAX_FILE_BYTES:
        limit = f"the file has {len(content)} bytes; the limit is {MAX_FILE_BYTES}"
        raise KoboImportError([KoboProblem(None, None, limit)])
    rows = _xlsx_rows(content) if content.startswith(_ZIP_MAGIC) else _csv_rows(content)
    return _read_rows(rows, framework)


# --- reading rows ---------------------------------------------------------------------------


class _Stop(Exception):
    """Raised inside a row reader for a problem that ends the reading of the file."""

    def __init__(self, problem: KoboProblem) -> None:
        self.problem = problem


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problem = f"not UTF-8 text (byte {error.start}); export the data again as CSV"
        raise KoboImportError([KoboProblem(None, None, problem)]) from None
    first_line = text.split("\n", 1)[0]
    # The header row decides: the delimiter that splits it into more columns wins.
    delimiter = max(
        _CSV_DELIMITERS,
        key=lambda candidate: len(next(csv.reader([first_line], delimiter=candidate), [])),
    )
    return _csv_records(text, delimiter)


def _csv_records(text: str, delimiter: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    row = 0
    try:
        for row, cells in enumerate(reader, start=1):  # noqa: B007 (row is read on error)
            yield cells
    except csv.Error as error:
        raise _Stop(KoboProblem(row + 1, None, f"not readable as CSV: {error}")) from None


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        problem = f"not a readable XLSX workbook ({error}); export the data again"
        raise KoboImportError([KoboProblem(None, None, problem)]) from None
    if unpacked > MAX_UNPACKED_BYTES:
        problem = f"the workbook unpacks to {unpacked} bytes; the limit is {MAX_UNPACKED_BYTES}"
        raise KoboImportError([KoboProblem(None, None, problem)])
    try:
        # Formulas are read as formulas (data_only=False), so that they can be refused: their
        # cached results may be stale or missing, and KoboToolbox never writes one.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        problem = f"not a readable XLSX workbook ({error}); export the data again"
        raise KoboImportError([KoboProblem(None, None, problem)]) from None
    return _sheet_rows(workbook)


def _sheet_rows(workbook: Any) -> Iterator[list[str]]:
    """Yield the first sheet's rows as text, trailing empty cells dropped; refuse formulas."""
    sheet = workbook.worksheets[0]
    headers: list[str] = []
    try:
        # The size the sheet declares (its <dimension>) refuses a huge sheet before it is
        # read; the rows are counted as they are read in any case.
        declared = sheet.max_row
        if isinstance(declared, int) and declared - 1 > MAX_SUBMISSIONS:
            problem = (
                f"the sheet has {declared - 1} data rows; the limit is {MAX_SUBMISSIONS} "
                "submissions, so split the export by date or by form version"
            )
            raise _Stop(KoboProblem(None, None, problem))
        for row, cells in enumerate(sheet.iter_rows(), start=1):
            values: list[str] = []
            for position, cell in enumerate(cells):
                if cell.data_type == "f":
                    column = headers[position] if position < len(headers) else None
                    problem = "a formula, not a value; export the data again from KoboToolbox"
                    raise _Stop(KoboProblem(row, column, problem))
                values.append("" if cell.value is None else _cell_text(cell.value))
            while values and values[-1] == "":
                values.pop()
            if row == 1:
                headers = values
            yield values
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- checking rows --------------------------------------------------------------------------


def _is_metadata(column: str) -> bool:
    return column in METADATA_COLUMNS or column.startswith(_METADATA_PREFIXES)


def _read_rows(rows: Iterator[list[str]], framework: Framework) -> list[Submission]:
    problems: list[KoboProblem] = []
    submissions: list[Submission] = []
    try:
        header = next(rows, None)
        if header is None or not any(cell.strip() for cell in header):
            raise KoboImportError([KoboProblem(1, None, "the file is empty; no header row")])
        columns = _read_header(header, framework, problems)
        if problems:
            # A file of another framework version says so before its columns are listed.
            first = next(rows, [])
            for position, column in enumerate(columns):
                value = first[position].strip() if position < len(first) else ""
                if column.kind == "identity" and value and value != framework_identity(framework):
                    identity = KoboProblem(2, header[position], _identity_problem(value, framework))
                    problems.insert(0, identity)
            raise KoboImportError(problems)
        count = 0
        for row, cells in enumerate(rows, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > MAX_SUBMISSIONS:
                problem = (
                    f"more than {MAX_SUBMISSIONS} submissions; split the export by date "
                    "or by form version"
                )
                problems.append(KoboProblem(row, None, problem))
                break
            submission = _read_row(row, cells, header, columns, framework, problems)
            if submission is not None:
                submissions.append(submission)
    except _Stop as stop:
        problems.append(stop.problem)
    if problems:
        raise KoboImportError(problems)
    return submissions


@dataclass(frozen=True)
class _Column:
    """What a column holds: a question's answer or comment, the framework identity, or else."""

    kind: str  # "answer", "comment", "identity" or "metadata"
    question: Question | None = None


def _read_header(
    header: Sequence[str], framework: Framework, problems: list[KoboProblem]
) -> list[_Column]:
    by_name: dict[str, _Column] = {IDENTITY_FIELD: _Column("identity")}
    for field in form_fields(framework).values():
        question = framework.question(field.question)
        for kind, name in (("answer", field.name), ("comment", field.comment)):
            by_name[name] = by_name[f"{field.group}/{name}"] = _Column(kind, question)

    columns: list[_Column] = []
    seen: dict[str, str] = {}
    for position, raw in enumerate(header):
        name = raw.strip()
        if _is_metadata(name):
            columns.append(_Column("metadata"))
            continue
        column = by_name.get(name)
        if column is None:
            problem = (
                "not a field of this form; export with 'XML values and headers'"
                if name
                else f"a column with no header (column {position + 1})"
            )
            problems.append(KoboProblem(1, name, problem))
            columns.append(_Column("metadata"))
            continue
        key = column.kind + ":" + ("" if column.question is None else column.question.slug)
        if key in seen:
            again = "a repeated column" if seen[key] == name else f"the same field as {seen[key]!r}"
            problems.append(KoboProblem(1, name, again))
        seen[key] = name
        columns.append(column)

    present = {
        column.question.slug for column in columns if column.kind == "answer" and column.question
    }
    fields = form_fields(framework)
    for question in framework.questions:
        if question.slug not in present:
            field = fields[question.slug]
            problems.append(
                KoboProblem(1, f"{field.group}/{field.name}", "missing column of this question")
            )
    return columns


def _read_row(
    row: int,
    cells: Sequence[str],
    header: Sequence[str],
    columns: Sequence[_Column],
    framework: Framework,
    problems: list[KoboProblem],
) -> Submission | None:
    if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
        problems.append(
            KoboProblem(row, None, f"{len(cells)} cells, but the header row has {len(header)}")
        )
        return None
    found = len(problems)
    answers: dict[str, str] = {}
    comments: dict[str, str] = {}
    uuid: str | None = None
    expected_identity = framework_identity(framework)
    for position, column in enumerate(columns):
        raw = cells[position] if position < len(cells) else ""
        name = header[position].strip()
        if len(raw) > MAX_CELL_CHARACTERS:
            problem = f"{len(raw)} characters; the limit is {MAX_CELL_CHARACTERS}"
            problems.append(KoboProblem(row, name, problem))
            continue
        value = raw.strip()
        if column.kind == "metadata":
            if name in ("_uuid", "meta/instanceID") and value and uuid is None:
                uuid = value.removeprefix("uuid:")
            continue
        if column.kind == "identity":
            if value and value != expected_identity:
                problems.append(KoboProblem(row, name, _identity_problem(value, framework)))
            continue
        question = column.question
        assert question is not None
        if column.kind == "comment":
            if value:
                comments[question.slug] = value
            continue
        if not value:
            continue
        answer = _answer(value, question)
        if answer is None:
            problems.append(KoboProblem(row, name, _choice_problem(value, question)))
        else:
            answers[question.slug] = answer
    if len(problems) > found:
        return None
    return Submission(
        row=row,
        uuid=uuid,
        answers=MappingProxyType(_in_order(answers, framework)),
        comments=MappingProxyType(_in_order(comments, framework)),
    )


def _answer(value: str, question: Question) -> str | None:
    """Return the scoring engine's answer for a choice name, or None if it is not a choice."""
    if value == NOT_APPLICABLE_CHOICE and question.allow_not_applicable:
        return NOT_APPLICABLE
    if any(option.value == value for option in question.options):
        return value
    return None


def _choice_problem(value: str, question: Question) -> str:
    choices = [option.value for option in question.options]
    if question.allow_not_applicable:
        choices.append(NOT_APPLICABLE_CHOICE)
    shown = value if len(value) <= 40 else value[:40] + "…"
    return f"{shown!r} is not a choice of this question: {', '.join(choices)}"


def _identity_problem(value: str, framework: Framework) -> str:
    parts = value.split()
    if len(parts) == 3 and parts[:2] != [framework.slug, framework.version]:
        return (
            f"this file answers framework {parts[0]} {parts[1]}, not "
            f"{framework.slug} {framework.version}"
        )
    if len(parts) == 3:
        return (
            f"this file answers framework {framework.slug} {framework.version} with other "
            f"content (fingerprint {parts[2][:12]}…, not {framework.fingerprint[:12]}…)"
        )
    return f"{value[:40]!r} is not the identity of framework {framework.slug} {framework.version}"


def _in_order(values: Mapping[str, str], framework: Framework) -> dict[str, str]:
    return {
        question.slug: values[question.slug]
        for question in framework.questions
        if question.slug in values
    }
