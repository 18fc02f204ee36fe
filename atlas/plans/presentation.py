"""What the plan pages show: actions grouped by status in words, gaps, progress, versions."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from atlas.core.diagnostic import Framework
from atlas.core.diagnostic.gaps import Gap
from atlas.core.diagnostic.steps import default_steps
from atlas.core.vocabulary import default_vocabulary
from atlas.plans.actions import GapClosure, Progress, question_text
from atlas.plans.models import PlanAction, PlanVersion


def status_label(status: str) -> str:
    try:
        return str(PlanAction.Status(status).label)
    except ValueError:
        return status


def step_label(slug: str, language: str) -> str:
    if not slug:
        return ""
    try:
        return default_steps().get(slug).label(language)
    except KeyError:
        return slug


def measure_labels(slugs: Iterable[str], language: str) -> list[str]:
    vocabulary = default_vocabulary()
    return [
        vocabulary.get("measure", slug).label(language) if vocabulary.has("measure", slug) else slug
        for slug in slugs
    ]


def safe_question_text(framework: Framework | None, slug: str, language: str) -> str:
    if not slug or framework is None:
        return slug
    try:
        return question_text(framework, slug, language)
    except KeyError:
        return slug


def gap_rows(framework: Framework, gaps: Sequence[Gap], language: str) -> list[dict[str, Any]]:
    """The round's gaps for the picker: question text, area, score, severity."""
    return [
        {
            "gap": gap,
            "text": question_text(framework, gap.question, language),
            "area": framework.area(gap.area).label(language),
        }
        for gap in gaps
    ]


def action_row(
    action: PlanAction,
    framework: Framework | None,
    language: str,
    today: date,
    *,
    show_authors: bool,
) -> dict[str, Any]:
    return {
        "action": action,
        "gap": safe_question_text(framework, action.gap_question, language),
        "step": step_label(action.step, language),
        "measures": measure_labels(action.measures, language),
        "status": status_label(action.status),
        "is_overdue": action.is_overdue(today),
        "notes": [
            {
                "note": note,
                "author": (note.author.get_username() if show_authors and note.author else ""),
            }
            for note in action.notes.all()
        ],
    }


def grouped_actions(
    actions: Iterable[PlanAction],
    framework: Framework | None,
    language: str,
    today: date,
    *,
    show_authors: bool,
) -> list[dict[str, Any]]:
    """The actions under one heading per status (in the order of the statuses), empty ones
    left out."""
    groups: dict[str, list[dict[str, Any]]] = {status: [] for status in PlanAction.Status.values}
    for action in actions:
        groups.setdefault(action.status, []).append(
            action_row(action, framework, language, today, show_authors=show_authors)
        )
    return [
        {"status": status, "label": status_label(status), "rows": rows}
        for status, rows in groups.items()
        if rows
    ]


def progress_rows(progress: Progress) -> list[dict[str, Any]]:
    return [
        {"status": status, "label": status_label(status), "count": count}
        for status, count in progress.counts.items()
    ]


def closure_rows(
    closures: Sequence[GapClosure], framework: Framework | None, language: str
) -> list[dict[str, Any]]:
    return [
        {
            "closure": closure,
            "title": closure.action.title,
            "question": safe_question_text(framework, closure.question, language),
        }
        for closure in closures
    ]


def version_rows(versions: Iterable[PlanVersion], *, show_authors: bool) -> list[dict[str, Any]]:
    return [
        {
            "version": version,
            "saved_by": (
                version.saved_by.get_username() if show_authors and version.saved_by else ""
            ),
        }
        for version in versions
    ]


def snapshot_actions(
    snapshot: Mapping[str, Any], framework: Framework | None, language: str
) -> list[dict[str, Any]]:
    """The actions of a saved version, in words."""
    rows = []
    for record in snapshot.get("actions", []):
        rows.append(
            {
                "record": record,
                "gap": safe_question_text(framework, record.get("gap_question", ""), language),
                "step": step_label(record.get("step", ""), language),
                "measures": measure_labels(record.get("measures", []), language),
                "status": status_label(record.get("status", "")),
                "note_count": len(record.get("notes", [])),
            }
        )
    return rows
