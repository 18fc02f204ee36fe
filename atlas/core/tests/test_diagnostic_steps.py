"""The operational framework (data/diagnostic/steps.toml): the shipped steps, the gaps they
answer, and broken copies of the file, each with one rule broken."""

import json
from pathlib import Path

import pytest

from atlas.core.diagnostic import default_framework
from atlas.core.diagnostic.gaps import Gap
from atlas.core.diagnostic.steps import (
    DEFAULT_STEPS_PATH,
    STARTER_PRACTICES_DIRECTORY,
    Steps,
    StepsError,
    default_steps,
    load_steps,
    starter_practice_slugs,
)
from atlas.core.languages import LANGUAGES
from atlas.core.vocabulary import default_vocabulary

# The ten steps of the issue, in its order.
STEP_SLUGS = (
    "assess",
    "review-laws",
    "id-alternatives",
    "firewall",
    "inform",
    "train",
    "partner-civil-society",
    "finance",
    "monitor",
    "press-national-change",
)


def gap(area: str, *barriers: str) -> Gap:
    return Gap(
        question="q",
        area=area,
        dimension=f"{area}-rules",
        asks_about="law",
        score=0.0,
        severity=50.0,
        services=(),
        groups=(),
        barriers=barriers,
        practice_below_law=False,
        law_question=None,
        law_score=None,
    )


def starter_practices() -> dict[str, dict[str, object]]:
    records: dict[str, dict[str, object]] = {}
    for path in sorted(STARTER_PRACTICES_DIRECTORY.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                records[record["slug"]] = record
    return records


# --- the shipped steps ---------------------------------------------------------------------


def test_the_shipped_steps_load_in_order() -> None:
    steps = default_steps()
    assert isinstance(steps, Steps)
    assert steps.version == "2026.1"
    assert tuple(step.slug for step in steps.all) == STEP_SLUGS
    assert [step.order for step in steps.all] == list(range(1, 11))
    assert default_steps() is steps  # cached
    assert load_steps() == steps


def test_every_step_is_complete_in_every_language() -> None:
    for step in default_steps().all:
        assert 2 <= len(step.substeps) <= 4, step.slug
        for language in LANGUAGES:
            assert step.label(language).strip(), (step.slug, language)
            assert step.summary(language).strip(), (step.slug, language)
            assert all(text.strip() for text in step.substep_texts(language)), step.slug
        assert step.actor_types, step.slug
        assert step.measures, step.slug
        assert step.areas, step.slug
        assert step.example_practices, step.slug
        assert step.source, step.slug


def test_labels_fall_back_to_english() -> None:
    step = default_steps().get("firewall")
    assert step.label("fr") == "Mettre en place un pare-feu"
    assert step.label("de") == step.label("en") == "Set up a firewall"
    assert step.summary("de") == step.summary("en")


def test_unknown_step_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="no step 'walls'"):
        default_steps().get("walls")


def test_the_issue_steps_carry_their_measures() -> None:
    steps = default_steps()
    assert {"municipal-id", "registration-regardless-of-status"} <= set(
        steps.get("id-alternatives").measures
    )
    assert "firewall-rule" in steps.get("firewall").measures
    assert "multilingual-information" in steps.get("inform").measures
    assert "staff-training" in steps.get("train").measures
    assert "ngo-funding" in steps.get("partner-civil-society").measures
    assert "monitoring-body" in steps.get("monitor").measures
    assert "barcelona-action-plan" in steps.get("monitor").example_practices
    assert "advocacy-national-change" in steps.get("press-national-change").measures


def test_every_example_practice_fits_its_step() -> None:
    # A practice given as an example shares a measure or a barrier with its step.
    practices = starter_practices()
    for step in default_steps().all:
        for slug in step.example_practices:
            record = practices[slug]
            shared = set(record["measures"]) & set(step.measures)  # type: ignore[arg-type]
            shared |= set(record["barriers"]) & set(step.barriers)  # type: ignore[arg-type]
            assert shared, (step.slug, slug)


def test_every_step_is_reachable_from_an_area() -> None:
    framework = default_framework()
    reached: set[str] = set()
    for question in framework.questions:
        reached.update(
            step.slug for step in default_steps().for_gap(gap(question.area, *question.barriers))
        )
    assert reached == set(STEP_SLUGS)
    area_slugs = {area.slug for area in framework.areas}
    for step in default_steps().all:
        assert set(step.areas) <= area_slugs
        assert any(area in area_slugs for area in step.areas), step.slug


def test_every_question_of_the_framework_leads_to_a_step() -> None:
    for question in default_framework().questions:
        assert default_steps().for_gap(gap(question.area, *question.barriers)), question.slug


# --- for_gap -------------------------------------------------------------------------------


def test_for_gap_by_area() -> None:
    # No barrier: only the steps whose areas include the gap's area, in step order.
    assert [step.slug for step in default_steps().for_gap(gap("legal-framework"))] == [
        "review-laws",
        "press-national-change",
    ]
    assert [step.slug for step in default_steps().for_gap(gap("data-monitoring"))] == [
        "assess",
        "monitor",
    ]


def test_for_gap_by_barrier() -> None:
    # Area "health" is no step's area; its barriers lead to the steps that remove them.
    assert [step.slug for step in default_steps().for_gap(gap("health", "documents-id"))] == [
        "id-alternatives"
    ]
    assert [
        step.slug
        for step in default_steps().for_gap(gap("health", "cost", "fear-of-detection", "language"))
    ] == ["firewall", "inform", "finance"]
    assert default_steps().for_gap(gap("health")) == ()


def test_for_gap_with_area_and_barrier_lists_each_step_once() -> None:
    # firewall is reached through its area and its barrier; it appears once.
    slugs = [step.slug for step in default_steps().for_gap(gap("firewall", "fear-of-detection"))]
    assert slugs == ["firewall"]


def test_for_area() -> None:
    assert [step.slug for step in default_steps().for_area("participation")] == [
        "partner-civil-society",
        "monitor",
    ]
    assert default_steps().for_area("health") == ()


# --- the practice library ------------------------------------------------------------------


def test_starter_practice_slugs_are_read_from_the_jsonl_files(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        '{"slug": "one", "title": "x"}\n\n{"slug": "two"}\n', encoding="utf-8"
    )
    (tmp_path / "b.jsonl").write_text('{"slug": "three"}\n', encoding="utf-8")
    (tmp_path / "notes.txt").write_text('{"slug": "four"}\n', encoding="utf-8")
    assert starter_practice_slugs(tmp_path) == {"one", "two", "three"}
    assert set(starter_practices()) == starter_practice_slugs()


def test_explicit_areas_and_practices(tmp_path: Path) -> None:
    practices = starter_practice_slugs() - {"nyc-eo41"}
    with pytest.raises(StepsError) as raised:
        load_steps(practices=practices)
    assert raised.value.key == "step.firewall.example_practices"
    areas = [area.slug for area in default_framework().areas if area.slug != "training"]
    with pytest.raises(StepsError) as raised:
        load_steps(areas=areas)
    assert raised.value.key == "step.train.areas"


# --- broken copies -------------------------------------------------------------------------


def broken_copy(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    """Copy the shipped steps file and replace ``old`` (which must be there ``count`` times)."""
    text = DEFAULT_STEPS_PATH.read_text(encoding="utf-8")
    assert text.count(old) == count, old
    path = tmp_path / "steps.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


BROKEN = [
    pytest.param(
        'measures = ["firewall-rule", "anonymous-service"]',
        'measures = ["firewall-rule", "walls"]',
        "step.firewall.measures",
        "unknown measure 'walls'",
        id="unknown-measure",
    ),
    pytest.param(
        'actor_types = ["local-government", "public-service-provider", "professional-body"]',
        'actor_types = ["local-government", "mayor"]',
        "step.train.actor_types",
        "unknown actor-type 'mayor'",
        id="unknown-actor-type",
    ),
    pytest.param(
        'barriers = ["information", "language"]',
        'barriers = ["information", "distance"]',
        "step.inform.barriers",
        "unknown barrier 'distance'",
        id="unknown-barrier",
    ),
    pytest.param(
        'areas = ["financing", "cost"]',
        'areas = ["financing", "budget"]',
        "step.finance.areas",
        "unknown area 'budget'",
        id="unknown-area",
    ),
    pytest.param(
        'example_practices = ["barcelona-action-plan", "sao-paulo-crai"]',
        'example_practices = ["barcelona-action-plan", "atlantis-plan"]',
        "step.train.example_practices",
        "unknown practice 'atlantis-plan'",
        id="unknown-practice",
    ),
    pytest.param(
        'labels.fa = "ایجاد دیوار حفاظتی اطلاعات"\n',
        "",
        "step.firewall.labels.fa",
        "missing language",
        id="missing-label-language",
    ),
    pytest.param(
        'summaries.uk = "Забезпечити, щоб',
        'summaries.de = "Забезпечити, щоб',
        "step.firewall.summaries.uk",
        "missing language",
        id="missing-summary-language",
    ),
    pytest.param(
        'ar = "ترتيب الثغرات بحسب خطورتها والاتفاق على ما يجب معالجته أولاً."',
        'ar = "  "',
        "step.assess.substep[3].ar",
        "must be non-empty text",
        id="empty-substep",
    ),
    pytest.param(
        'en = "Rank the gaps by how severe they are and agree which to address first."',
        'en = "Rank the gaps."\nde = "Lücken ordnen."',
        "step.assess.substep[3].de",
        "unknown language",
        id="unknown-language",
    ),
    pytest.param(
        'slug = "monitor"',
        'slug = "assess"',
        "step.assess.slug",
        "duplicate step slug",
        id="duplicate-slug",
    ),
    pytest.param(
        "order = 10",
        "order = 9",
        "step.press-national-change.order",
        "order 9 is already taken",
        id="duplicate-order",
    ),
    pytest.param(
        "order = 4",
        'order = "fourth"',
        "step.firewall.order",
        "order must be a whole number above 0",
        id="bad-order",
    ),
    pytest.param(
        'slug = "finance"',
        'slug = "Finance"',
        "step[8].slug",
        "bad slug 'Finance'",
        id="bad-slug",
    ),
    pytest.param(
        'slug = "inform"\n',
        'slug = "inform"\ncolour = "blue"\n',
        "step.inform.colour",
        "unknown field",
        id="unknown-field",
    ),
    pytest.param(
        'barriers = []\nareas = ["data-monitoring"]\n',
        "barriers = []\nareas = []\n",
        "step.assess.areas",
        "at least one area or barrier",
        id="unreachable-step",
    ),
    pytest.param(
        'measures = ["staff-training"]',
        'measures = ["staff-training", "staff-training"]',
        "step.train.measures",
        "'staff-training' is listed twice",
        id="listed-twice",
    ),
    pytest.param(
        'version = "2026.1"',
        'edition = "2026.1"',
        "meta.edition",
        "unknown field in [meta]",
        id="unknown-meta-field",
    ),
    pytest.param(
        "[meta]",
        "[metadata]",
        "metadata",
        "unknown table",
        id="unknown-table",
    ),
    pytest.param(
        'labels.en = "Train front-line staff"',
        'labels.en = "Train front-line staff',
        None,
        "not valid TOML",
        id="not-toml",
    ),
]


@pytest.mark.parametrize(("old", "new", "key", "problem"), BROKEN)
def test_broken_copies_raise_naming_file_and_key(
    tmp_path: Path, old: str, new: str, key: str | None, problem: str
) -> None:
    path = broken_copy(tmp_path, old, new)
    with pytest.raises(StepsError) as raised:
        load_steps(path)
    error = raised.value
    assert error.file == path
    assert error.key == key
    assert problem in error.problem
    assert str(path) in str(error)
    if key is not None:
        assert repr(key) in str(error)


def test_a_step_without_substeps(tmp_path: Path) -> None:
    text = DEFAULT_STEPS_PATH.read_text(encoding="utf-8")
    # Drop the sub-steps of the last step (everything after its summaries).
    last = text.rindex('summaries.fa = "هرجا مانع')
    end_of_line = text.index("\n", last)
    path = tmp_path / "steps.toml"
    path.write_text(text[: end_of_line + 1], encoding="utf-8")
    with pytest.raises(StepsError) as raised:
        load_steps(path)
    assert raised.value.key == "step.press-national-change.substep"


def test_a_missing_file_or_version(tmp_path: Path) -> None:
    with pytest.raises(StepsError) as raised:
        load_steps(tmp_path / "none.toml")
    assert raised.value.file == tmp_path / "none.toml"
    path = tmp_path / "steps.toml"
    path.write_text('[meta]\nversion = " "\n', encoding="utf-8")
    with pytest.raises(StepsError) as raised:
        load_steps(path)
    assert raised.value.key == "meta.version"
    path.write_text('[meta]\nversion = "1"\n', encoding="utf-8")
    with pytest.raises(StepsError) as raised:
        load_steps(path)
    assert raised.value.key == "step"


def test_a_minimal_file_loads(tmp_path: Path) -> None:
    def languages(text: str) -> str:
        return "{ " + ", ".join(f'{language} = "{text}"' for language in LANGUAGES) + " }"

    path = tmp_path / "steps.toml"
    path.write_text(
        f"""[meta]
version = "test"

[[step]]
slug = "second"
order = 2
labels = {languages("Second")}
summaries = {languages("The second step.")}
actor_types = []
measures = []
barriers = ["cost"]
areas = []
example_practices = []
source = "A source."
[[step.substep]]
{chr(10).join(f'{language} = "Do it."' for language in LANGUAGES)}

[[step]]
slug = "first"
order = 1
labels = {languages("First")}
summaries = {languages("The first step.")}
actor_types = ["ngo"]
measures = ["ngo-funding"]
barriers = []
areas = ["health"]
example_practices = ["barcelona-padron"]
source = "Another   source,
  on two lines."
[[step.substep]]
{chr(10).join(f'{language} = "Start."' for language in LANGUAGES)}
""".replace('"Another   source,\n  on two lines."', '"""Another   source,\n  on two lines."""'),
        encoding="utf-8",
    )
    steps = load_steps(path, vocabulary=default_vocabulary())
    assert steps.version == "test"
    assert [step.slug for step in steps.all] == ["first", "second"]
    assert steps.get("first").source == "Another source, on two lines."
    assert steps.get("second").substep_texts("fa") == ("Do it.",)
    assert [step.slug for step in steps.for_gap(gap("health", "cost"))] == ["first", "second"]
