"""Catalogues are complete, current and compiled: a missing, fuzzy or stale entry fails."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "atlas" / "locale"
TRANSLATED = ("es", "fr", "ar", "pt", "ru", "uk", "fa")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="gettext is installed by `make test` (system-deps)"
)


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def entries(language: str) -> dict[str, list[str]]:
    """msgid → its msgstr forms, read with the tools gettext itself ships."""
    catalogue = gettext.GNUTranslations(compiled(language).open("rb"))
    result: dict[str, list[str]] = {}
    for key, value in catalogue._catalog.items():  # type: ignore[attr-defined]
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:
            result.setdefault(msgid, []).append(value)
    return result


def compiled(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.mo"


@needs_gettext
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_path(language))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language: str) -> None:
    text = po_path(language).read_text()
    for block in text.split("\n\n"):
        ids = re.findall(r'^msgid(?:_plural)? "(.*)"', block, re.MULTILINE)
        strs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"', block, re.MULTILINE)
        if not ids or not ids[0]:
            continue
        expected = set(PLACEHOLDER.findall(" ".join(ids)))
        for translation in strs:
            assert set(PLACEHOLDER.findall(translation)) <= expected, block


@needs_gettext
@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogues_match_their_sources(language: str, tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(po_path(language))], check=True)
    committed = gettext.GNUTranslations(compiled(language).open("rb"))._catalog  # type: ignore[attr-defined]
    rebuilt = gettext.GNUTranslations(fresh.open("rb"))._catalog  # type: ignore[attr-defined]
    assert committed == rebuilt, "run `make messages`"


@needs_gettext
def test_catalogues_hold_every_message_in_the_code(tmp_path: Path) -> None:
    copy = tmp_path / "atlas"
    shutil.copytree(
        ROOT / "atlas",
        copy,
        ignore=shutil.ignore_patterns("locale", "__pycache__", "core", "migrations"),
    )
    # Extract into the copy only: minimal settings whose LOCALE_PATHS is empty,
    # so makemessages writes to the copy's own locale/ folder.
    (copy / "locale").mkdir()
    (tmp_path / "extract_settings.py").write_text(
        "SECRET_KEY = 'x'\nUSE_I18N = True\nINSTALLED_APPS = []\nLOCALE_PATHS = []\n"
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "es",
            "--no-location",
            "--settings",
            "extract_settings",
            "--pythonpath",
            str(tmp_path),
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = (copy / "locale" / "es" / "LC_MESSAGES" / "django.po").read_text()
    current = po_path("es").read_text()
    pattern = re.compile(r'^msgid "(.+)"$', re.MULTILINE)
    missing = set(pattern.findall(fresh)) - set(pattern.findall(current))
    assert not missing, f"run `make messages`: {sorted(missing)[:5]}"
