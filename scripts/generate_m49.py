"""Generate atlas/core/data/m49.csv and m49-labels.csv from packaged copies of UN M49.

The UN Statistics Division's "Standard Country or Area Codes for Statistical Use" (M49)
gives every country or area a three-digit code and places it in a geographic hierarchy:
World (001) > region > sub-region > intermediate region (the last only in Africa, the
Americas and the Channel Islands). Nothing here is typed from memory:

- codes, parents and English names come from the OCHA "Countries & Territories Taxonomy"
  CSV bundled in the ``hdx-python-country`` wheel, which carries the M49 columns;
- ISO 3166-1 codes come from ``pycountry`` (the runtime catalogue), and every country's
  M49 code is checked against its ISO numeric code;
- ``country_converter``'s bundled ``country_data.tsv`` is read as a second opinion on each
  country's lowest region and UN code; disagreements are printed, not silently merged;
- region names in es, fr, ar, ru, pt, uk and fa come from the Unicode CLDR as bundled in
  ``babel``, except the few in LABEL_OVERRIDES, written by hand where CLDR has no name or
  names a different thing.

Run it in a throwaway virtualenv; none of these packages but pycountry is a runtime
dependency, and no package is imported except pycountry and babel (the other two are
read as data files, so ``--no-deps`` installs are enough):

    python3 -m venv /tmp/m49venv
    /tmp/m49venv/bin/pip install --no-deps hdx-python-country==4.2.5 \\
        country_converter==1.3.2 pycountry==26.2.16 babel==2.18.0
    /tmp/m49venv/bin/python scripts/generate_m49.py

Then update the versions and the date in atlas/core/data/README-m49.md.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pycountry
from babel import Locale
from babel.core import get_global

DATA_DIR = Path(__file__).resolve().parent.parent / "atlas" / "core" / "data"
TAXONOMY_FILE = "hdx/location/Countries & Territories Taxonomy MVP - C&T Taxonomy.csv"
COUNTRY_CONVERTER_FILE = "country_converter/country_data.tsv"

LANGUAGES = ("en", "es", "fr", "ar", "pt", "ru", "uk", "fa")

# M49's root. The taxonomy lists regions but has no row for the world itself.
WORLD_CODE = "001"
WORLD_NAME = "World"

# The taxonomy's three region columns, top down, with the level name UNSD uses.
LEVELS = (
    ("Region", "region"),
    ("Sub-region", "sub-region"),
    ("Intermediate Region", "intermediate-region"),
)

# Written by hand (the README says so). CLDR has no name for 830, names 419 "Latin America"
# and 053 "Australasia" where M49 means "Latin America and the Caribbean" and "Australia and
# New Zealand", calls 202 "Tropical Africa" in Russian, and 001 "the whole world" in Russian.
# Country names inside these labels follow CLDR's spelling so they match the country names
# shown beside them (hence "Nueva Zelanda", where UN Spanish writes "Nueva Zelandia").
LABEL_OVERRIDES: dict[str, dict[str, str]] = {
    "001": {"ru": "Мир"},
    "053": {
        "es": "Australia y Nueva Zelanda",
        "fr": "Australie et Nouvelle-Zélande",
        "ar": "أستراليا ونيوزيلندا",
        "pt": "Austrália e Nova Zelândia",
        "ru": "Австралия и Новая Зеландия",
        "uk": "Австралія і Нова Зеландія",
        "fa": "استرالیا و نیوزیلند",
    },
    "202": {"ru": "Африка к югу от Сахары"},
    "419": {
        "es": "América Latina y el Caribe",
        "fr": "Amérique latine et Caraïbes",
        "ar": "أمريكا اللاتينية ومنطقة البحر الكاريبي",
        "pt": "América Latina e Caribe",
        "ru": "Латинская Америка и Карибский бассейн",
        "uk": "Латинська Америка і Карибський басейн",
        "fa": "امریکای لاتین و کارائیب",
    },
    "830": {
        "es": "Islas del Canal",
        "fr": "Îles Anglo-Normandes",
        "ar": "جزر القنال",
        "pt": "Ilhas do Canal",
        "ru": "Нормандские острова",
        "uk": "Нормандські острови",
        "fa": "جزایر مانش",
    },
}


@dataclass(frozen=True)
class Row:
    """One line of m49.csv: a region or a country, with its parent region."""

    code: str
    level: str
    name: str
    parent: str
    alpha2: str = ""
    alpha3: str = ""
    note: str = ""


def package_file(distribution: str, path: str) -> Path:
    """Return a data file shipped inside an installed distribution, without importing it."""
    located = Path(str(metadata.distribution(distribution).locate_file(path)))
    if not located.is_file():
        sys.exit(f"{distribution} is installed but has no {path}")
    return located


def m49_code(value: str) -> str:
    """Zero-pad a code the taxonomy stores as an integer ("39" -> "039")."""
    return f"{int(value):03d}"


def read_taxonomy() -> dict[str, dict[str, str]]:
    """Return the taxonomy's current rows keyed by ISO 3166-1 alpha-2."""
    path = package_file("hdx-python-country", TAXONOMY_FILE)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["ISO 3166-1 Alpha 2-Codes"]: row
        for row in rows
        # Skip the deprecated Netherlands Antilles, the one row without an alpha-2 code.
        if row["ISO 3166-1 Alpha 2-Codes"] and row["Deprecated"] != "Y"
    }


def build_rows(taxonomy: dict[str, dict[str, str]]) -> tuple[list[Row], list[Row]]:
    """Return (regions, countries), failing on any inconsistency in the source."""
    regions: dict[str, Row] = {WORLD_CODE: Row(WORLD_CODE, "global", WORLD_NAME, "")}
    countries: list[Row] = []
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        source = taxonomy.get(country.alpha_2)
        if source is None:
            sys.exit(f"the taxonomy has no row for ISO 3166-1 {country.alpha_2}")
        if source["ISO 3166-1 Alpha 3-Codes"] != country.alpha_3:
            sys.exit(f"{country.alpha_2}: alpha-3 differs from pycountry's")
        if m49_code(source["m49 numerical code"]) != country.numeric:
            sys.exit(f"{country.alpha_2}: M49 code differs from the ISO numeric code")
        parent = WORLD_CODE
        for column, level in LEVELS:
            if not source[f"{column} Code"]:
                continue
            code = m49_code(source[f"{column} Code"])
            row = Row(code, level, source[f"{column} Name"], parent)
            if regions.setdefault(code, row) != row:
                sys.exit(f"region {code} is named or placed two ways: {row} / {regions[code]}")
            parent = code
        name, notes = source["M49 English"], []
        if not name:
            name = source["Preferred Term"]
            notes.append("not listed in M49; region and name from the OCHA taxonomy")
        if parent == WORLD_CODE:
            notes.append("M49 places it in no region, only in the World")
        countries.append(
            Row(
                country.numeric,
                "country",
                name,
                parent,
                country.alpha_2,
                country.alpha_3,
                "; ".join(notes),
            )
        )
    return sorted(regions.values(), key=lambda r: r.code), countries


def cross_check(regions: list[Row], countries: list[Row]) -> list[str]:
    """Compare with country_converter's lowest UN region and UN code; return differences."""
    path = package_file("country_converter", COUNTRY_CONVERTER_FILE)
    with path.open(encoding="utf-8", newline="") as handle:
        # A few ISO2 cells are patterns that also match an alias, such as "^GB$|^UK$".
        theirs = {
            code: row
            for row in csv.DictReader(handle, delimiter="\t")
            for code in row["ISO2"].replace("^", "").replace("$", "").split("|")
        }
    names = {region.code: region.name for region in regions}
    differences = []
    for country in countries:
        other = theirs.get(country.alpha2)
        if other is None:
            differences.append(f"{country.alpha2}: no row in country_converter")
            continue
        if other["UNregion"] != names[country.parent]:
            differences.append(
                f"{country.alpha2}: lowest region {names[country.parent]!r} here, "
                f"{other['UNregion']!r} in country_converter"
            )
        if other["UNcode"] and m49_code(other["UNcode"]) != country.code:
            differences.append(f"{country.alpha2}: UN code {other['UNcode']} in country_converter")
    return differences


def build_labels(regions: list[Row]) -> list[tuple[str, str, str]]:
    """Return (code, language, label) for every region in every interface language."""
    labels = []
    for language in LANGUAGES:
        territories = Locale.parse(language).territories
        for region in regions:
            if language == "en":
                label = region.name  # M49's own English name
            else:
                label = LABEL_OVERRIDES.get(region.code, {}).get(language) or territories.get(
                    region.code, ""
                )
            if not label:
                sys.exit(f"no {language} label for region {region.code} {region.name}")
            # CLDR writes some names for use mid-sentence ("région micronésienne").
            labels.append((region.code, language, label[0].upper() + label[1:]))
    return sorted(labels)


def write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[str]]) -> None:
    """Write a UTF-8 CSV with Unix line endings, so regenerating gives a clean diff."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    """Generate both CSVs and print what they were made from."""
    regions, countries = build_rows(read_taxonomy())
    write_csv(
        DATA_DIR / "m49.csv",
        ["code", "level", "name", "parent", "alpha2", "alpha3", "note"],
        (
            [row.code, row.level, row.name, row.parent, row.alpha2, row.alpha3, row.note]
            for row in [*regions, *countries]
        ),
    )
    write_csv(DATA_DIR / "m49-labels.csv", ["code", "language", "label"], build_labels(regions))
    print(f"{len(regions)} regions, {len(countries)} countries written to {DATA_DIR}")
    for name in ("hdx-python-country", "country_converter", "pycountry", "babel"):
        print(f"  {name} {metadata.version(name)}")
    print(f"  CLDR {get_global('cldr')['version']}")
    for row in countries:
        if row.note:
            print(f"note: {row.alpha2} {row.name}: {row.note}")
    for difference in cross_check(regions, countries):
        print(f"country_converter differs: {difference}")


if __name__ == "__main__":
    main()
