"""Rules of the codebase that a reviewer would otherwise have to remember."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ATLAS = ROOT / "atlas"


def python_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.py") if "migrations" not in p.parts]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_never_imports_django() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files(ATLAS / "core")
        if any(
            m == "django" or m.startswith(("django.", "ninja", "atlas.lib"))
            for m in imported_modules(path)
        )
    ]
    assert offenders == []


def test_core_imports_nothing_from_the_django_apps() -> None:
    apps = (
        "atlas.accounts",
        "atlas.places",
        "atlas.practices",
        "atlas.entitlements",
        "atlas.diagnostics",
        "atlas.plans",
        "atlas.directory",
        "atlas.finder",
        "atlas.leaflets",
        "atlas.pages",
        "atlas.stats",
    )
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files(ATLAS / "core")
        if any(m.startswith(apps) for m in imported_modules(path))
    ]
    assert offenders == []


def test_no_schema_or_form_takes_all_fields() -> None:
    pattern = re.compile(r"fields\s*=\s*['\"]__all__['\"]|exclude\s*=\s*[\[(]")
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files(ATLAS)
        if pattern.search(path.read_text())
    ]
    assert offenders == []


def test_no_page_refers_to_a_third_party_host() -> None:
    pattern = re.compile(
        r"googleapis|gstatic|cdn\.|unpkg|jsdelivr|google-analytics|googletagmanager|fonts\.",
    )
    suffixes = {".html", ".css", ".js"}
    offenders = [
        str(path.relative_to(ROOT))
        for path in ATLAS.rglob("*")
        if path.suffix in suffixes and pattern.search(path.read_text(errors="ignore"))
    ]
    assert offenders == []


def test_templates_have_no_inline_script_or_style() -> None:
    pattern = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in ATLAS.rglob("*.html")
        if pattern.search(path.read_text())
    ]
    assert offenders == []


def test_there_is_no_utils_module() -> None:
    assert not list(ATLAS.rglob("utils.py"))


def test_views_and_commands_do_not_write_models_directly() -> None:
    # Writes go through actions.py; a view or command calling .save(), .create() or
    # .delete() on a model is logic in the wrong place.
    pattern = re.compile(
        r"\.objects\.(create|bulk_create|update_or_create|get_or_create)\(|\.save\(|\.delete\("
    )
    places = (
        list(ATLAS.rglob("views.py"))
        + list(ATLAS.rglob("api.py"))
        + list(ATLAS.rglob("management/commands/*.py"))
    )
    offenders = [str(p.relative_to(ROOT)) for p in places if pattern.search(p.read_text())]
    assert offenders == []
