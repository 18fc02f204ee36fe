"""Code lists and table specifications: the shipped files load, broken files are refused."""

from pathlib import Path

import pytest

from atlas.core.languages import LANGUAGES
from atlas.core.stats import primary
from atlas.core.stats.spec import (
    SpecError,
    default_codelists,
    default_specs,
    load_codelists,
    load_spec,
)
from atlas.core.stats.tables import Measure

CODELISTS = """
[meta]
version = "t"

[codelist.gender]
total = "total"
codes = [
  { code = "female", parent = "total" },
  { code = "male", parent = "total" },
]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def spec_text(threshold: int = 10, dimensions: str = '["gender"]', extra: str = "") -> str:
    return f"""
[meta]
version = "t"

[table]
slug = "t"
title = "T"
dimensions = {dimensions}
measure = "persons"

[rules]
threshold = {threshold}
{extra}
"""


def test_the_shipped_code_lists_have_the_documented_hierarchies() -> None:
    codelists = default_codelists()
    area, age = codelists["area"], codelists["age"]
    # 24 fictional areas under 3 provinces under the country total.
    assert (len(area.leaves), len(area.codes)) == (24, 28)
    assert area.parent["DEMO-A09"] == "DEMO-P2" and area.parent["DEMO-P2"] == "DEMO"
    # 19 bands (15-19 split at 18) under 3 broad bands under the total.
    assert len(age.leaves) == 19 and len(age.codes) == 23
    assert age.leaves_under("0-17") == ("0-4", "5-9", "10-14", "15-17")
    assert codelists.ages["15-17"] == (15, 17) and codelists.ages["18-19"] == (18, 19)
    assert codelists["status"].leaves == (
        "citizen",
        "regular-migrant",
        "asylum-seeker-refugee",
        "irregular-migrant",
        "unknown",
    )
    assert codelists.status == "status"
    service = codelists["service"]
    assert service.parent["education-language"] == "education"
    assert service.parent["education"] == "total"


def test_the_starter_specs_load_with_their_rules() -> None:
    specs = default_specs()
    full = specs["service-use-5d"]
    assert full.dimensions == ("area", "age", "gender", "status", "service")
    assert (full.rules.threshold, full.rules.p, full.rules.status_dimension) == (10, 15.0, "status")
    contacts = specs["contacts-by-service-status"]
    assert contacts.measure is Measure.CONTACTS
    # A table without the status dimension has no status dimension to check.
    assert specs["persons-by-area-age-gender"].rules.status_dimension is None


def test_it_refuses_a_threshold_below_five(tmp_path: Path) -> None:
    codelists = load_codelists(write(tmp_path, "c.toml", CODELISTS))
    path = write(tmp_path, "s.toml", spec_text(threshold=3))
    with pytest.raises(SpecError) as error:
        load_spec(path, codelists)
    assert error.value.key == "rules.threshold"
    assert str(path) in str(error.value) and "below 5" in str(error.value)


def test_it_accepts_a_threshold_of_five(tmp_path: Path) -> None:
    codelists = load_codelists(write(tmp_path, "c.toml", CODELISTS))
    spec = load_spec(write(tmp_path, "s.toml", spec_text(threshold=5)), codelists)
    assert spec.rules.threshold == 5


def test_it_refuses_an_unknown_code_list(tmp_path: Path) -> None:
    codelists = load_codelists(write(tmp_path, "c.toml", CODELISTS))
    path = write(tmp_path, "s.toml", spec_text(dimensions='["gender", "colour"]'))
    with pytest.raises(SpecError, match="unknown code list 'colour'") as error:
        load_spec(path, codelists)
    assert error.value.key == "table.dimensions"


@pytest.mark.parametrize(
    ("codes", "problem"),
    [
        ('{ code = "a", parent = "total" }, { code = "b", parent = "c" }', "unknown parent 'c'"),
        ('{ code = "a", parent = "total" }, { code = "a", parent = "total" }', "duplicate code"),
        ('{ code = "total", parent = "total" }', "duplicate code 'total'"),
        ('{ code = "a", parent = "b" }, { code = "b", parent = "a" }', "cycle"),
    ],
)
def test_it_refuses_a_broken_hierarchy(tmp_path: Path, codes: str, problem: str) -> None:
    path = write(
        tmp_path,
        "c.toml",
        f'[meta]\nversion = "t"\n[codelist.x]\ntotal = "total"\ncodes = [{codes}]\n',
    )
    with pytest.raises(SpecError, match=problem) as error:
        load_codelists(path)
    assert error.value.file == path and (error.value.key or "").startswith("codelist.x")


def test_it_refuses_a_file_without_a_version(tmp_path: Path) -> None:
    path = write(tmp_path, "c.toml", CODELISTS.replace('version = "t"', ""))
    with pytest.raises(SpecError, match="version") as error:
        load_codelists(path)
    assert error.value.key == "meta.version"


def test_a_spec_gives_the_one_rules_of_the_protection_half(tmp_path: Path) -> None:
    codelists = load_codelists(write(tmp_path, "c.toml", CODELISTS))
    extra = "p = 20\nsparsity_limit = 0.25\ndominance_n = 2\ndominance_k = 85"
    spec = load_spec(write(tmp_path, "s.toml", spec_text(threshold=7, extra=extra)), codelists)
    assert type(spec.rules) is primary.Rules
    assert spec.rules == primary.Rules(
        threshold=7, p=20.0, status_dimension=None, max_unsafe_share=0.25, nk=(2, 85.0)
    )
    assert spec.rules.protection_level == 7


def test_a_spec_chooses_the_optimal_secondary_suppression_for_persons_only(
    tmp_path: Path,
) -> None:
    codelists = load_codelists(write(tmp_path, "c.toml", CODELISTS))
    spec = load_spec(write(tmp_path, "s.toml", spec_text(extra='secondary = "optimal"')), codelists)
    assert spec.rules.secondary == "optimal"
    assert load_spec(write(tmp_path, "d.toml", spec_text()), codelists).rules.secondary == (
        "elimination"
    )
    for extra, problem in (
        ('secondary = "fastest"', "must be one of elimination, optimal"),
        ("secondary = 1", "must be one of"),
    ):
        with pytest.raises(SpecError, match=problem) as error:
            load_spec(write(tmp_path, "e.toml", spec_text(extra=extra)), codelists)
        assert error.value.key == "rules.secondary"
    nights = spec_text(extra='secondary = "optimal"').replace('"persons"', '"nights"')
    with pytest.raises(SpecError, match="tables of persons only") as error:
        load_spec(write(tmp_path, "n.toml", nights), codelists)
    assert error.value.key == "rules.secondary"


def test_it_refuses_a_dominance_n_the_engine_cannot_check(tmp_path: Path) -> None:
    codelists = load_codelists(write(tmp_path, "c.toml", CODELISTS))
    extra = "dominance_n = 3\ndominance_k = 85"
    with pytest.raises(SpecError) as error:
        load_spec(write(tmp_path, "s.toml", spec_text(extra=extra)), codelists)
    assert error.value.key == "rules.dominance_n"


def test_a_title_is_english_or_given_in_every_language(tmp_path: Path) -> None:
    codelists = load_codelists(write(tmp_path, "codelists.toml", CODELISTS))
    english = load_spec(write(tmp_path, "en.toml", spec_text()), codelists)
    assert english.title_in("ar") == "T" and not english.title_translations
    texts = {language: f"T-{language}" for language in LANGUAGES}
    table = "{ " + ", ".join(f'{k} = "{v}"' for k, v in texts.items()) + " }"
    every = spec_text().replace('title = "T"', f"title = {table}")
    spec = load_spec(write(tmp_path, "all.toml", every), codelists)
    assert spec.title == "T-en" and spec.title_in("fa") == "T-fa"
    short = every.replace(', ar = "T-ar"', "")
    with pytest.raises(SpecError, match="no text in language 'ar'") as refused:
        load_spec(write(tmp_path, "short.toml", short), codelists)
    assert refused.value.key == "table.title.ar"
    with pytest.raises(SpecError, match="title of 't' must be") as refused:
        load_spec(write(tmp_path, "none.toml", spec_text().replace('title = "T"', "")), codelists)
    assert refused.value.key == "table.title"
