"""Loading and checking diagnostic frameworks: the shipped one, and broken copies of the
reference framework (tests/diagnostic/reference/), each with one rule broken."""

import shutil
from pathlib import Path

import pytest

from atlas.core.diagnostic import (
    DEFAULT_DIRECTORY,
    Framework,
    FrameworkError,
    default_framework,
    load_framework,
)
from atlas.core.languages import LANGUAGES
from atlas.core.vocabulary import default_vocabulary

REFERENCE = Path(__file__).parent / "diagnostic" / "reference"

# A label in every language, for options written into a broken copy.
ALL_LANGUAGES = "{ " + ", ".join(f'{language} = "Yes"' for language in LANGUAGES) + " }"

CROSS_CUTTING = (
    "legal-framework",
    "documents-id",
    "cost",
    "firewall",
    "information-languages",
    "training",
    "civil-society",
    "participation",
    "data-monitoring",
    "financing",
)


def broken_copy(tmp_path: Path, file: str, old: str, new: str, count: int = 1) -> Path:
    """Copy the reference framework and replace ``old`` (which must be there) in ``file``."""
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE, directory)
    path = directory / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {file}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return directory


def error_of(directory: Path) -> FrameworkError:
    with pytest.raises(FrameworkError) as caught:
        load_framework(directory)
    return caught.value


# --- the shipped framework ------------------------------------------------------------------


def test_the_shipped_framework_loads_and_is_cached() -> None:
    framework = default_framework()
    assert framework is default_framework()
    assert (framework.slug, framework.version) == ("objective-15", "2026.1")
    assert (framework.aggregation, framework.weighting) == ("dimension", "plain")
    assert framework.directory == DEFAULT_DIRECTORY


def test_the_shipped_areas_are_every_sector_then_the_cross_cutting_ones() -> None:
    framework = default_framework()
    sectors = tuple(term.slug for term in default_vocabulary().sectors())
    assert len(sectors) == 13
    assert tuple(area.slug for area in framework.areas) == sectors + CROSS_CUTTING
    assert {area.kind for area in framework.areas[:13]} == {"sector"}
    assert {area.kind for area in framework.areas[13:]} == {"cross-cutting"}


def test_each_shipped_area_has_its_law_and_practice_dimensions() -> None:
    for area in default_framework().areas:
        parts = ("entitlement", "access") if area.kind == "sector" else ("rules", "practice")
        assert [dimension.slug for dimension in area.dimensions] == [
            f"{area.slug}-{part}" for part in parts
        ]
    health = default_framework().area("health")
    assert health.dimensions[0].label("en") == "Entitlement in law and rules"
    assert health.dimensions[1].label("en") == "Access in practice"


def test_a_sector_area_bears_its_vocabulary_label() -> None:
    vocabulary = default_vocabulary()
    for area in default_framework().areas[:13]:
        for language in LANGUAGES:
            assert area.label(language) == vocabulary.get("service", area.slug).label(language)


def test_the_shipped_scales_score_as_documented() -> None:
    framework = default_framework()
    assert [scale.slug for scale in framework.scales] == [
        "yes-partly-no",
        "all-some-none",
        "five-point",
    ]

    def points(slug: str) -> list[tuple[str, int]]:
        return [(option.value, option.score) for option in framework.scale(slug).options]

    assert points("yes-partly-no") == [("yes", 100), ("partly", 50), ("no", 0)]
    assert points("all-some-none") == [("all", 100), ("some", 50), ("none", 0)]
    assert points("five-point") == [
        ("fully", 100),
        ("largely", 75),
        ("partly", 50),
        ("marginally", 25),
        ("not-at-all", 0),
    ]


def test_the_shipped_framework_has_at_least_60_questions_in_every_area() -> None:
    framework = default_framework()
    assert len(framework.questions) >= 60
    empty = [area.slug for area in framework.areas if not area.questions]
    assert empty == []


def test_shipped_law_questions_sit_in_the_law_dimension_and_practice_in_the_other() -> None:
    for area in default_framework().areas:
        law, practice = area.dimensions
        assert {question.asks_about for question in law.questions} <= {"law"}, area.slug
        assert {question.asks_about for question in practice.questions} <= {"practice"}, area.slug


def test_every_shipped_law_question_pairs_only_within_its_area() -> None:
    framework = default_framework()
    for question in framework.questions:
        if question.pairs_with is not None:
            law = framework.question(question.pairs_with)
            assert (law.asks_about, law.area) == ("law", question.area)


# --- the reference framework ----------------------------------------------------------------


def test_the_reference_framework_nests_questions_in_file_order() -> None:
    framework = load_framework(REFERENCE)
    assert [area.slug for area in framework.areas] == ["health", "cost"]
    assert [q.slug for q in framework.dimension("health-law").questions] == [
        "h-law-1",
        "h-law-2",
        "h-law-3",
    ]
    question = framework.question("h-practice-2")
    assert (question.area, question.dimension, question.asks_about) == (
        "health",
        "health-practice",
        "practice",
    )
    assert (question.scale, [o.score for o in question.options]) == (None, [100, 60, 20, 0])
    assert framework.question("h-law-1").weight == 2.0
    assert framework.question("c-practice-2").weight == 1.0  # written as the integer 1
    assert framework.question("h-practice-1").pairs_with == "h-law-1"
    assert framework.question("h-law-3").allow_not_applicable is True
    assert framework.question("h-law-1").allow_not_applicable is False  # the default
    assert framework.question("h-law-1").field_name == "h_law_1"


def test_the_fingerprint_follows_the_content_not_the_layout(tmp_path: Path) -> None:
    original = load_framework(REFERENCE).fingerprint
    assert len(original) == 64
    assert load_framework(REFERENCE).fingerprint == original
    reformatted = broken_copy(tmp_path / "a", "q-cost.toml", "[meta]", "# a comment\n\n[meta]")
    assert load_framework(reformatted).fingerprint == original
    rescored = broken_copy(tmp_path / "b", "framework.toml", "score = 75", "score = 70")
    assert load_framework(rescored).fingerprint != original
    reweighted = broken_copy(tmp_path / "c", "q-cost.toml", "weight = 2.0", "weight = 3.0")
    assert load_framework(reweighted).fingerprint != original


def test_two_loads_of_the_same_files_are_equal() -> None:
    first: Framework = load_framework(REFERENCE)
    assert first == load_framework(REFERENCE)


# --- broken files: each names the file and the key ------------------------------------------

BROKEN = [
    pytest.param(
        "q-health.toml",
        'dimension = "health-law"',
        'dimension = "health-lawful"',
        "q-health.toml",
        "question.h-law-1.dimension",
        "unknown dimension 'health-lawful'",
        id="unknown-dimension",
    ),
    pytest.param(
        "q-health.toml",
        'dimension = "health-law"',
        'dimension = "cost-rules"',
        "q-health.toml",
        "question.h-law-1.dimension",
        "belongs to area 'cost', but this file's meta.area is 'health'",
        id="dimension-of-another-area",
    ),
    pytest.param(
        "q-cost.toml",
        'slug = "c-rules-1"',
        'slug = "h-law-1"',
        "q-health.toml",
        "question.h-law-1.slug",
        "duplicate question slug, already defined in",
        id="duplicate-question-across-files",
    ),
    pytest.param(
        "q-health.toml",
        'slug = "h-law-2"',
        'slug = "h-law-1"',
        "q-health.toml",
        "question.h-law-1.slug",
        "duplicate question slug, already defined earlier in this file",
        id="duplicate-question-in-a-file",
    ),
    pytest.param(
        "framework.toml",
        'slug = "cost-rules"',
        'slug = "health-law"',
        "framework.toml",
        "area.cost.dimension.health-law.slug",
        "duplicate dimension slug",
        id="duplicate-dimension",
    ),
    pytest.param(
        "framework.toml",
        'slug = "cost"\nkind',
        'slug = "health"\nkind',
        "framework.toml",
        "area.health.slug",
        "duplicate area slug",
        id="duplicate-area",
    ),
    pytest.param(
        "q-health.toml",
        'value = "rarely"',
        'value = "often"',
        "q-health.toml",
        "question.h-practice-2.options.often.value",
        "duplicate option value",
        id="duplicate-option-value",
    ),
    pytest.param(
        "framework.toml",
        'value = "no"',
        'value = "yes"',
        "framework.toml",
        "scale.yes-partly-no.options.yes.value",
        "duplicate option value",
        id="duplicate-scale-option-value",
    ),
    pytest.param(
        "q-health.toml",
        '"health-primary"',
        '"health-primery"',
        "q-health.toml",
        "question.h-law-1.services",
        "unknown service 'health-primery'",
        id="unknown-service",
    ),
    pytest.param(
        "q-cost.toml",
        '["irregular-migrant"]',
        '["undocumented"]',
        "q-cost.toml",
        "question.c-rules-1.groups",
        "unknown group 'undocumented'",
        id="unknown-group",
    ),
    pytest.param(
        "q-cost.toml",
        '["legal-status"]',
        '["legal-status", "red-tape"]',
        "q-cost.toml",
        "question.c-rules-1.barriers",
        "unknown barrier 'red-tape'",
        id="unknown-barrier",
    ),
    pytest.param(
        "q-cost.toml",
        'groups = ["irregular-migrant"]\n',
        "",
        "q-cost.toml",
        "question.c-rules-1.groups",
        "missing groups; write groups = [] for none",
        id="missing-groups",
    ),
    pytest.param(
        "framework.toml",
        ', fa = "Health" }',
        " }",
        "framework.toml",
        "area.health.labels.fa",
        "missing language",
        id="area-label-missing-a-language",
    ),
    pytest.param(
        "framework.toml",
        'ar = "Access in practice", ',
        "",
        "framework.toml",
        "area.health.dimension.health-practice.labels.ar",
        "missing language",
        id="dimension-label-missing-a-language",
    ),
    pytest.param(
        "q-cost.toml",
        'uk = "Question c-rules-1?", ',
        "",
        "q-cost.toml",
        "question.c-rules-1.text.uk",
        "missing language",
        id="question-text-missing-a-language",
    ),
    pytest.param(
        "q-cost.toml",
        'pt = "Evidence for c-rules-1."',
        'pt = " "',
        "q-cost.toml",
        "question.c-rules-1.evidence.pt",
        "must be non-empty text",
        id="empty-evidence",
    ),
    pytest.param(
        "q-health.toml",
        'ru = "Often", ',
        "",
        "q-health.toml",
        "question.h-practice-2.options.often.labels.ru",
        "missing language",
        id="option-label-missing-a-language",
    ),
    pytest.param(
        "framework.toml",
        'title = { en = "Reference framework", ',
        'title = { de = "Referenz", en = "Reference framework", ',
        "framework.toml",
        "meta.title.de",
        "unknown language",
        id="unknown-language",
    ),
    pytest.param(
        "framework.toml",
        "score = 100",
        "score = 120",
        "framework.toml",
        "scale.yes-partly-no.options.yes.score",
        "score 120 is outside 0–100",
        id="score-above-100",
    ),
    pytest.param(
        "q-health.toml",
        "score = 0,",
        "score = -5,",
        "q-health.toml",
        "question.h-practice-2.options.never.score",
        "score -5 is outside 0–100",
        id="score-below-0",
    ),
    pytest.param(
        "q-health.toml",
        "score = 60",
        "score = 60.5",
        "q-health.toml",
        "question.h-practice-2.options.often.score",
        "score must be a whole number",
        id="fractional-score",
    ),
    pytest.param(
        "q-cost.toml",
        'scale = "yes-partly-no"',
        "options = []",
        "q-cost.toml",
        "question.c-rules-1.options",
        "at least two options",
        id="empty-options",
    ),
    pytest.param(
        "q-cost.toml",
        'scale = "yes-partly-no"',
        f'options = [{{ value = "yes", score = 100, labels = {ALL_LANGUAGES} }}]',
        "q-cost.toml",
        "question.c-rules-1.options",
        "at least two options",
        id="a-single-option",
    ),
    pytest.param(
        "framework.toml",
        'aggregation = "dimension"',
        'aggregation = "indicator"',
        "framework.toml",
        "meta.aggregation",
        "aggregation 'indicator' is not one of dimension, area",
        id="bad-aggregation",
    ),
    pytest.param(
        "framework.toml",
        'weighting = "plain"',
        'weighting = "equal"',
        "framework.toml",
        "meta.weighting",
        "weighting 'equal' is not one of plain, weighted",
        id="bad-weighting",
    ),
    pytest.param(
        "q-health.toml",
        "weight = 2.0",
        "weight = 0",
        "q-health.toml",
        "question.h-law-1.weight",
        "weight 0 must be a finite number above 0",
        id="zero-question-weight",
    ),
    pytest.param(
        "framework.toml",
        "weight = 3.0",
        "weight = -1.0",
        "framework.toml",
        "area.health.dimension.health-law.weight",
        "weight -1.0 must be a finite number above 0",
        id="negative-dimension-weight",
    ),
    pytest.param(
        "framework.toml",
        "weight = 2.0",
        'weight = "heavy"',
        "framework.toml",
        "area.health.weight",
        "weight must be a number, not 'heavy'",
        id="area-weight-not-a-number",
    ),
    pytest.param(
        "q-cost.toml",
        'scale = "yes-partly-no"',
        'scale = "three-point"',
        "q-cost.toml",
        "question.c-rules-1.scale",
        "unknown scale 'three-point'",
        id="unknown-scale",
    ),
    pytest.param(
        "q-cost.toml",
        'scale = "yes-partly-no"',
        'scale = "yes-partly-no"\noptions = []',
        "q-cost.toml",
        "question.c-rules-1.scale",
        "not both",
        id="scale-and-options",
    ),
    pytest.param(
        "q-cost.toml",
        'scale = "yes-partly-no"\n',
        "",
        "q-cost.toml",
        "question.c-rules-1.scale",
        "not neither",
        id="neither-scale-nor-options",
    ),
    pytest.param(
        "q-health.toml",
        'value = "never"',
        'value = "not-applicable"',
        "q-health.toml",
        "question.h-practice-2.options.not-applicable.value",
        "'not-applicable' is reserved",
        id="not-applicable-option",
    ),
    pytest.param(
        "q-health.toml",
        'pairs_with = "h-law-1"',
        'pairs_with = "h-law-9"',
        "q-health.toml",
        "question.h-practice-1.pairs_with",
        "unknown question 'h-law-9'",
        id="pairs-with-an-unknown-question",
    ),
    pytest.param(
        "q-health.toml",
        'pairs_with = "h-law-1"',
        'pairs_with = "h-practice-2"',
        "q-health.toml",
        "question.h-practice-1.pairs_with",
        "'h-practice-2' asks about practice; pairs_with names a law question",
        id="pairs-with-a-practice-question",
    ),
    pytest.param(
        "q-health.toml",
        'pairs_with = "h-law-1"',
        'pairs_with = "c-rules-1"',
        "q-health.toml",
        "question.h-practice-1.pairs_with",
        "'c-rules-1' is in area 'cost'",
        id="pairs-with-another-area",
    ),
    pytest.param(
        "q-health.toml",
        "allow_not_applicable = true\n",
        'allow_not_applicable = true\npairs_with = "h-law-1"\n',
        "q-health.toml",
        "question.h-law-3.pairs_with",
        "only a practice question pairs with a law question",
        id="pairs-with-on-a-law-question",
    ),
    pytest.param(
        "framework.toml",
        'slug = "health"\nkind = "sector"',
        'slug = "healthcare"\nkind = "sector"',
        "framework.toml",
        "area.healthcare.slug",
        "a sector area must be a service sector",
        id="sector-not-in-vocabulary",
    ),
    pytest.param(
        "q-cost.toml",
        'area = "cost"',
        'area = "health"',
        "q-cost.toml",
        "meta.area",
        "differs from the file name",
        id="file-name-and-meta-area-differ",
    ),
    pytest.param(
        "q-cost.toml",
        'area = "cost"',
        'area = "transport"',
        "q-cost.toml",
        "meta.area",
        "unknown area 'transport'",
        id="unknown-area",
    ),
    pytest.param(
        "q-cost.toml",
        'source = "Test fixture."',
        'source = "Test fixture."\nsources = "Another."',
        "q-cost.toml",
        "question.c-rules-1.sources",
        "unknown field",
        id="unknown-question-field",
    ),
    pytest.param(
        "q-cost.toml",
        'source = "Test fixture."\n',
        "",
        "q-cost.toml",
        "question.c-rules-1.source",
        "missing source",
        id="missing-source",
    ),
    pytest.param(
        "q-cost.toml",
        'slug = "c-rules-1"',
        'slug = "c-rules-1-with-a-name-far-too-long-for-a-form"',
        "q-cost.toml",
        "question.c-rules-1-with-a-name-far-too-long-for-a-form.slug",
        "at most 40 characters",
        id="question-slug-too-long",
    ),
    pytest.param(
        "q-cost.toml",
        'slug = "c-rules-1"',
        'slug = "1-c-rules"',
        "q-cost.toml",
        "question.1-c-rules.slug",
        "starts with a letter",
        id="question-slug-starting-with-a-digit",
    ),
    pytest.param(
        "q-cost.toml",
        'slug = "c-rules-1"',
        'slug = "C_rules_1"',
        "q-cost.toml",
        "question[1].slug",
        "bad slug 'C_rules_1'",
        id="bad-question-slug",
    ),
    pytest.param(
        "q-cost.toml",
        "allow_not_applicable = true",
        'allow_not_applicable = "yes"',
        "q-cost.toml",
        "question.c-rules-2.allow_not_applicable",
        "must be true or false",
        id="allow-not-applicable-not-a-boolean",
    ),
    pytest.param(
        "q-cost.toml",
        'asks_about = "law"',
        'asks_about = "policy"',
        "q-cost.toml",
        "question.c-rules-1.asks_about",
        "asks_about 'policy' is not one of law, practice",
        id="bad-asks-about",
    ),
    pytest.param(
        "framework.toml",
        'version = "1"\n',
        "",
        "framework.toml",
        "meta.version",
        "missing version",
        id="missing-version",
    ),
    pytest.param(
        "q-cost.toml",
        "[meta]",
        "[meta",
        "q-cost.toml",
        None,
        "not valid TOML",
        id="not-toml",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "named_file", "key", "problem"), BROKEN)
def test_a_broken_framework_is_refused_naming_the_file_and_key(
    tmp_path: Path, file: str, old: str, new: str, named_file: str, key: str | None, problem: str
) -> None:
    error = error_of(broken_copy(tmp_path, file, old, new))
    assert error.file.name == named_file
    assert error.key == key
    assert problem in error.problem
    assert str(error).startswith(str(error.file))


def test_a_file_that_is_neither_framework_nor_questions_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE, directory)
    (directory / "questions-extra.toml").write_text("[meta]\n", encoding="utf-8")
    error = error_of(directory)
    assert error.file.name == "questions-extra.toml"
    assert "unknown file" in error.problem


def test_a_directory_without_framework_toml_is_refused(tmp_path: Path) -> None:
    error = error_of(tmp_path)
    assert error.file == tmp_path
    assert "missing framework.toml" in error.problem
