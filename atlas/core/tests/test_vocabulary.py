"""The shared vocabulary: the shipped files, the loader's rules and the lookup API.

Rule tests start from ``scenarios/minimal_vocabulary`` (one valid term of each kind) and break
one thing, either with a scenario directory named for what it breaks or with a file written
here, then check that the error names the file, the term and the field.
"""

import ast
import doctest
import json
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType

import pytest

from atlas.core import languages as languages_module
from atlas.core import vocabulary as vocabulary_module
from atlas.core.languages import LANGUAGE_NAMES, LANGUAGES, RTL_LANGUAGES, is_rtl
from atlas.core.vocabulary import (
    KINDS,
    Term,
    Vocabulary,
    VocabularyError,
    default_vocabulary,
    load_vocabulary,
)

SCENARIOS = Path(__file__).parent / "scenarios"

# The fixed slugs of /work/brief/vocabulary-slugs.md (2026-11), which content is tagged with.
# Services map to their sector; a sector maps to None.
BRIEF_SERVICES: dict[str, str | None] = {
    "health": None,
    **dict.fromkeys(
        [
            "health-emergency",
            "health-primary",
            "health-secondary",
            "health-maternity",
            "health-child",
            "health-mental",
            "health-sexual-reproductive",
            "health-dental",
            "health-medicines",
        ],
        "health",
    ),
    "education": None,
    **dict.fromkeys(
        [
            "education-early-childhood",
            "education-school",
            "education-higher",
            "education-vocational",
            "education-language",
        ],
        "education",
    ),
    "housing": None,
    **dict.fromkeys(["housing-shelter", "housing-social", "housing-tenancy-protection"], "housing"),
    "water-sanitation": None,
    "water-sanitation-access": "water-sanitation",
    "legal-advice": None,
    **dict.fromkeys(["legal-advice-immigration", "legal-advice-general"], "legal-advice"),
    "justice": None,
    **dict.fromkeys(
        ["justice-crime-reporting", "justice-victim-support", "justice-labour-rights"], "justice"
    ),
    "civil-registration": None,
    **dict.fromkeys(["civil-birth-registration", "civil-residence-register"], "civil-registration"),
    "identification": None,
    "identification-municipal-id": "identification",
    "financial": None,
    "financial-bank-account": "financial",
    "social-protection": None,
    **dict.fromkeys(["social-assistance", "social-care"], "social-protection"),
    "food": None,
    "food-assistance": "food",
    "employment": None,
    **dict.fromkeys(
        ["employment-services", "employment-regularisation-through-work"], "employment"
    ),
    "municipal": None,
    **dict.fromkeys(
        ["municipal-all-services", "municipal-libraries-culture", "municipal-transport"],
        "municipal",
    ),
}
BRIEF_FLAT_KINDS: dict[str, set[str]] = {
    "group": {
        "regular-migrant",
        "irregular-migrant",
        "asylum-seeker",
        "refused-asylum-seeker",
        "refugee",
        "stateless-person",
        "child",
        "unaccompanied-child",
        "trafficking-victim",
        "domestic-violence-victim",
        "crime-victim",
        "migrant-worker",
        "domestic-worker",
        "pregnant-woman",
        "homeless-person",
        "older-person",
        "all-residents",
        "uninsured-person",
    },
    "barrier": {
        "legal-status",
        "documents-id",
        "proof-of-address",
        "cost",
        "fear-of-detection",
        "information",
        "language",
        "discrimination",
        "capacity-resources",
        "bureaucracy",
        "gender-specific",
        "child-specific",
        "coordination",
    },
    "measure": {
        "registration-regardless-of-status",
        "municipal-id",
        "accept-alternative-documents",
        "anonymous-service",
        "firewall-rule",
        "free-or-reduced-cost",
        "reimbursement-scheme",
        "ngo-funding",
        "multilingual-information",
        "one-stop-centre",
        "staff-training",
        "legal-advice-regularisation",
        "regularisation-programme",
        "legal-entitlement",
        "shelter-provision",
        "mediation-national-authorities",
        "monitoring-body",
        "civil-society-consultation",
        "financial-inclusion",
        "coordination-body",
        "advocacy-national-change",
    },
    "actor-type": {
        "local-government",
        "regional-government",
        "national-government",
        "public-service-provider",
        "police",
        "ngo",
        "faith-based-organisation",
        "migrant-organisation",
        "un-agency",
        "international-organisation",
        "research-body",
        "private-sector",
        "trade-union",
        "professional-body",
        "court",
    },
}

# A valid barrier, as in scenarios/minimal_vocabulary/barriers.toml; tests break one field.
COST_LABELS = {
    "en": "Cost",
    "es": "Coste",
    "fr": "Coût",
    "ar": "التكلفة",
    "pt": "Custo",
    "ru": "Стоимость",
    "uk": "Вартість",
    "fa": "هزینه",
}


def a_barrier(without: Iterable[str] = (), **changes: object) -> dict[str, object]:
    """Return the valid barrier ``cost`` with some fields changed or left out."""
    term: dict[str, object] = {
        "slug": "cost",
        "labels": dict(COST_LABELS),
        "definition": "Fees or charges keep a person from using a service.",
        "source": "UN Network on Migration WG6 key advocacy messages (seed document)",
    }
    term.update(changes)
    for key in without:
        del term[key]
    return term


def toml_file(kind: str, *terms: Mapping[str, object], version: str = "2026.11") -> str:
    """Write a vocabulary file as TOML text (JSON strings are valid TOML basic strings)."""

    def value(item: object) -> str:
        if isinstance(item, Mapping):
            pairs = ", ".join(f"{key} = {value(inner)}" for key, inner in item.items())
            return "{ " + pairs + " }"
        return json.dumps(item, ensure_ascii=False)

    lines = ["[meta]", f"kind = {value(kind)}", f"version = {value(version)}"]
    for term in terms:
        lines += ["", "[[term]]", *(f"{key} = {value(item)}" for key, item in term.items())]
    return "\n".join(lines) + "\n"


def build_vocabulary(
    tmp_path: Path,
    scenario: str | None = None,
    files: Mapping[str, str] | None = None,
    without: Iterable[str] = (),
) -> Path:
    """Copy the minimal vocabulary, lay a scenario's files and written files over it."""
    directory = tmp_path / "vocabulary"
    shutil.copytree(SCENARIOS / "minimal_vocabulary", directory)
    if scenario is not None:
        for path in sorted((SCENARIOS / scenario).glob("*.toml")):
            shutil.copy(path, directory / path.name)
    for name, text in (files or {}).items():
        (directory / name).write_text(text, encoding="utf-8")
    for name in without:
        (directory / name).unlink()
    return directory


def assert_rejected(
    directory: Path, *, file: str, slug: str | None, field: str | None, problem: str
) -> None:
    """Loading ``directory`` fails, and the error names the file, term and field at fault."""
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary(directory)
    error = caught.value
    assert (error.file.name, error.slug, error.field) == (Path(file).name, slug, field)
    assert problem in error.problem
    message = str(error)
    assert Path(file).name in message
    if slug is not None:
        assert f"term {slug!r}" in message
    if field is not None:
        assert f"field {field!r}" in message


# The shipped files -----------------------------------------------------------------------


def test_the_shipped_vocabulary_loads() -> None:
    vocabulary = load_vocabulary()

    assert vocabulary.version == "2026.11"
    assert all(vocabulary.terms(kind) for kind in KINDS)


def test_the_shipped_services_are_exactly_those_of_the_brief_under_the_same_sectors() -> None:
    services = default_vocabulary().terms("service")

    assert {term.slug: term.parent for term in services} == BRIEF_SERVICES


@pytest.mark.parametrize("kind", sorted(BRIEF_FLAT_KINDS))
def test_the_shipped_kind_holds_exactly_the_slugs_of_the_brief(kind: str) -> None:
    terms = default_vocabulary().terms(kind)

    assert {term.slug for term in terms} == BRIEF_FLAT_KINDS[kind]
    assert all(term.parent is None for term in terms)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_term_has_a_label_in_each_language(language: str) -> None:
    vocabulary = default_vocabulary()
    unlabelled = [
        f"{kind}:{term.slug}"
        for kind in KINDS
        for term in vocabulary.terms(kind)
        if not term.labels.get(language, "").strip()
    ]

    assert unlabelled == []


@pytest.mark.parametrize(
    ("language", "first", "last"),
    [("ar", "\u0600", "\u06ff"), ("fa", "\u0600", "\u06ff"), ("ru", "Ѐ", "ӿ"), ("uk", "Ѐ", "ӿ")],
)
def test_shipped_labels_are_written_in_their_languages_script(
    language: str, first: str, last: str
) -> None:
    vocabulary = default_vocabulary()
    wrong_script = [
        term.slug
        for kind in KINDS
        for term in vocabulary.terms(kind)
        if not any(first <= char <= last for char in term.labels[language])
    ]

    assert wrong_script == []


def test_shipped_persian_labels_use_persian_not_arabic_yeh_and_kaf() -> None:
    vocabulary = default_vocabulary()
    arabic_letters = [
        term.slug
        for kind in KINDS
        for term in vocabulary.terms(kind)
        if "ي" in term.labels["fa"] or "ك" in term.labels["fa"]
    ]

    assert arabic_letters == []


@pytest.mark.parametrize("kind", ["barrier", "measure"])
def test_every_shipped_barrier_and_measure_cites_a_source(kind: str) -> None:
    terms = default_vocabulary().terms(kind)

    assert [term.slug for term in terms if not (term.source or "").strip()] == []


def test_the_default_vocabulary_is_loaded_once() -> None:
    assert default_vocabulary() is default_vocabulary()


# Lookups ---------------------------------------------------------------------------------


def test_expanding_health_includes_its_services() -> None:
    expanded = default_vocabulary().expand("service", ["health"])

    assert "health" in expanded
    assert "health-primary" in expanded
    assert expanded == {"health"} | {
        slug for slug, sector in BRIEF_SERVICES.items() if sector == "health"
    }


def test_expanding_a_service_or_a_flat_term_gives_back_just_that_term() -> None:
    vocabulary = default_vocabulary()

    assert vocabulary.expand("service", ["health-primary"]) == {"health-primary"}
    assert vocabulary.expand("barrier", ["cost", "language"]) == {"cost", "language"}
    assert vocabulary.expand("service", []) == set()


def test_expanding_an_unknown_slug_raises_a_key_error() -> None:
    with pytest.raises(KeyError, match="helth"):
        default_vocabulary().expand("service", ["health", "helth"])


def test_get_returns_the_term_and_its_labels() -> None:
    term = default_vocabulary().get("service", "health-primary")

    assert (term.kind, term.slug, term.parent) == ("service", "health-primary", "health")
    assert term.label("es") == "Atención primaria"
    assert term.label("ar") == "الرعاية الصحية الأولية"


def test_get_names_the_missing_slug_and_kind() -> None:
    with pytest.raises(KeyError, match="no group term 'refugees'"):
        default_vocabulary().get("group", "refugees")


def test_an_unknown_kind_is_a_value_error_naming_the_kinds() -> None:
    with pytest.raises(ValueError, match="unknown vocabulary kind 'services'"):
        default_vocabulary().terms("services")


def test_has_says_whether_a_slug_is_a_term_of_that_kind() -> None:
    vocabulary = default_vocabulary()

    assert vocabulary.has("measure", "firewall-rule")
    assert not vocabulary.has("service", "firewall-rule")


def test_terms_come_in_file_order() -> None:
    slugs = [term.slug for term in default_vocabulary().terms("service")]

    assert slugs[:3] == ["health", "health-emergency", "health-primary"]


def test_children_are_the_services_of_a_sector_in_file_order() -> None:
    vocabulary = default_vocabulary()

    assert [term.slug for term in vocabulary.children("service", "housing")] == [
        "housing-shelter",
        "housing-social",
        "housing-tenancy-protection",
    ]
    assert vocabulary.children("service", "housing-social") == []
    assert vocabulary.children("group", "child") == []


def test_sectors_are_the_services_without_a_parent() -> None:
    sectors = default_vocabulary().sectors()

    assert [term.slug for term in sectors] == [
        slug for slug, sector in BRIEF_SERVICES.items() if sector is None
    ]


def test_the_sector_of_a_service_is_its_parent_and_a_sector_is_its_own() -> None:
    vocabulary = default_vocabulary()

    assert vocabulary.sector_of("civil-residence-register").slug == "civil-registration"
    assert vocabulary.sector_of("civil-registration").slug == "civil-registration"


def test_validate_slugs_returns_the_unknown_ones_in_order() -> None:
    unknown = default_vocabulary().validate_slugs(
        "barrier", ["cost", "costs", "language", "fear", "costs"]
    )

    assert unknown == ["costs", "fear"]


def test_a_label_falls_back_to_english_for_a_language_without_one() -> None:
    term = default_vocabulary().get("group", "refugee")

    assert term.label("de") == term.label("en") == "Refugee"


def test_a_term_can_be_kept_in_a_set() -> None:
    term = default_vocabulary().get("group", "refugee")

    assert term in {term}


def test_a_vocabulary_can_be_built_from_terms() -> None:
    term = Term("group", "refugee", None, {"en": "Refugee"}, "A refugee.", None)
    vocabulary = Vocabulary("test", [term])

    assert vocabulary.get("group", "refugee") is term
    assert vocabulary.terms("service") == []


# Loading rules ---------------------------------------------------------------------------


def test_it_loads_the_minimal_vocabulary_the_rule_tests_start_from(tmp_path: Path) -> None:
    vocabulary = load_vocabulary(build_vocabulary(tmp_path))

    assert [term.slug for term in vocabulary.terms("service")] == ["health", "health-primary"]
    assert vocabulary.get("measure", "firewall-rule").source


def test_the_same_slug_may_name_terms_of_two_kinds(tmp_path: Path) -> None:
    directory = build_vocabulary(
        tmp_path, files={"groups_more.toml": toml_file("group", a_barrier())}
    )

    vocabulary = load_vocabulary(directory)

    assert vocabulary.has("group", "cost")
    assert vocabulary.has("barrier", "cost")


def test_it_rejects_an_unknown_kind(tmp_path: Path) -> None:
    directory = build_vocabulary(tmp_path, files={"barriers.toml": toml_file("obstacle")})

    assert_rejected(
        directory, file="barriers.toml", slug=None, field="meta.kind", problem="unknown kind"
    )


def test_it_rejects_an_unknown_parent(tmp_path: Path) -> None:
    directory = build_vocabulary(tmp_path, "vocabulary_with_unknown_parent")

    assert_rejected(
        directory,
        file="services.toml",
        slug="health-primary",
        field="parent",
        problem="unknown parent 'helth'",
    )


def test_it_rejects_a_parent_that_is_itself_a_child(tmp_path: Path) -> None:
    directory = build_vocabulary(tmp_path, "vocabulary_with_three_levels")

    assert_rejected(
        directory,
        file="services.toml",
        slug="health-primary-gp",
        field="parent",
        problem="two levels only",
    )


def test_it_rejects_a_parent_on_a_kind_other_than_service(tmp_path: Path) -> None:
    directory = build_vocabulary(tmp_path, "vocabulary_with_a_parent_on_a_group")

    assert_rejected(
        directory,
        file="groups.toml",
        slug="refugee",
        field="parent",
        problem="cannot have a parent",
    )


def test_it_rejects_a_duplicate_slug_within_a_file(tmp_path: Path) -> None:
    barriers = toml_file("barrier", a_barrier(), a_barrier(definition="Cost, again."))
    directory = build_vocabulary(tmp_path, files={"barriers.toml": barriers})

    assert_rejected(
        directory,
        file="barriers.toml",
        slug="cost",
        field="slug",
        problem="already defined earlier in this file",
    )


def test_it_rejects_a_duplicate_slug_across_files_of_the_same_kind(tmp_path: Path) -> None:
    directory = build_vocabulary(tmp_path, "vocabulary_with_a_duplicate_slug_across_files")

    assert_rejected(
        directory,
        file="services_more.toml",
        slug="health-primary",
        field="slug",
        problem="already defined in services.toml",
    )


@pytest.mark.parametrize(
    "slug", ["Cost", "high_cost", "high--cost", "-cost", "cost-", "high cost", "coût", ""]
)
def test_it_rejects_bad_slug_syntax(tmp_path: Path, slug: str) -> None:
    directory = build_vocabulary(
        tmp_path, files={"barriers.toml": toml_file("barrier", a_barrier(slug=slug))}
    )

    assert_rejected(directory, file="barriers.toml", slug=slug, field="slug", problem="bad slug")


def test_it_rejects_a_term_without_a_slug(tmp_path: Path) -> None:
    directory = build_vocabulary(
        tmp_path, files={"barriers.toml": toml_file("barrier", a_barrier(without=["slug"]))}
    )

    assert_rejected(
        directory, file="barriers.toml", slug=None, field="slug", problem="term number 1"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_rejects_a_missing_label(tmp_path: Path, language: str) -> None:
    labels = {code: label for code, label in COST_LABELS.items() if code != language}
    directory = build_vocabulary(
        tmp_path, files={"barriers.toml": toml_file("barrier", a_barrier(labels=labels))}
    )

    assert_rejected(
        directory,
        file="barriers.toml",
        slug="cost",
        field=f"labels.{language}",
        problem="missing label",
    )


@pytest.mark.parametrize("label", ["", "   "])
def test_it_rejects_an_empty_label(tmp_path: Path, label: str) -> None:
    labels = {**COST_LABELS, "fa": label}
    directory = build_vocabulary(
        tmp_path, files={"barriers.toml": toml_file("barrier", a_barrier(labels=labels))}
    )

    assert_rejected(
        directory, file="barriers.toml", slug="cost", field="labels.fa", problem="empty label"
    )


def test_it_rejects_a_label_in_a_language_we_do_not_offer(tmp_path: Path) -> None:
    labels = {**COST_LABELS, "de": "Kosten"}
    directory = build_vocabulary(
        tmp_path, files={"barriers.toml": toml_file("barrier", a_barrier(labels=labels))}
    )

    assert_rejected(
        directory, file="barriers.toml", slug="cost", field="labels.de", problem="unknown language"
    )


def test_it_rejects_a_missing_definition(tmp_path: Path) -> None:
    barriers = toml_file("barrier", a_barrier(without=["definition"]))
    directory = build_vocabulary(tmp_path, files={"barriers.toml": barriers})

    assert_rejected(
        directory,
        file="barriers.toml",
        slug="cost",
        field="definition",
        problem="missing definition",
    )


def test_it_rejects_a_definition_of_more_than_one_line(tmp_path: Path) -> None:
    barriers = toml_file("barrier", a_barrier(definition="Fees.\nAnd charges."))
    directory = build_vocabulary(tmp_path, files={"barriers.toml": barriers})

    assert_rejected(
        directory, file="barriers.toml", slug="cost", field="definition", problem="one line"
    )


def test_it_rejects_a_barrier_without_a_source(tmp_path: Path) -> None:
    barriers = toml_file("barrier", a_barrier(without=["source"]))
    directory = build_vocabulary(tmp_path, files={"barriers.toml": barriers})

    assert_rejected(
        directory, file="barriers.toml", slug="cost", field="source", problem="missing source"
    )


def test_it_rejects_a_measure_without_a_source(tmp_path: Path) -> None:
    directory = build_vocabulary(tmp_path, "vocabulary_with_a_measure_without_source")

    assert_rejected(
        directory,
        file="measures.toml",
        slug="firewall-rule",
        field="source",
        problem="missing source",
    )


def test_it_accepts_a_group_without_a_source(tmp_path: Path) -> None:
    vocabulary = load_vocabulary(build_vocabulary(tmp_path))

    assert vocabulary.get("group", "refugee").source is None


@pytest.mark.parametrize("missing", ["actor_types.toml", "services.toml"])
def test_it_rejects_a_vocabulary_missing_a_kind(tmp_path: Path, missing: str) -> None:
    directory = build_vocabulary(tmp_path, without=[missing])

    assert_rejected(
        directory, file=directory.name, slug=None, field="meta.kind", problem="no file for kind"
    )


def test_it_rejects_files_with_different_versions(tmp_path: Path) -> None:
    directory = build_vocabulary(tmp_path, "vocabulary_with_mixed_versions")

    assert_rejected(
        directory,
        file="groups.toml",
        slug=None,
        field="meta.version",
        problem="version '2026.12' differs from version '2026.11'",
    )


def test_it_rejects_a_file_without_a_version(tmp_path: Path) -> None:
    groups = (SCENARIOS / "minimal_vocabulary" / "groups.toml").read_text(encoding="utf-8")
    groups = groups.replace('version = "2026.11"\n', "")
    directory = build_vocabulary(tmp_path, files={"groups.toml": groups})

    assert_rejected(
        directory, file="groups.toml", slug=None, field="meta.version", problem="missing version"
    )


def test_it_rejects_an_unknown_field_such_as_a_misspelt_one(tmp_path: Path) -> None:
    term = a_barrier(without=["labels"], lables=COST_LABELS)
    directory = build_vocabulary(tmp_path, files={"barriers.toml": toml_file("barrier", term)})

    assert_rejected(
        directory, file="barriers.toml", slug="cost", field="lables", problem="unknown field"
    )


def test_it_rejects_a_file_that_is_not_toml(tmp_path: Path) -> None:
    directory = build_vocabulary(tmp_path, files={"barriers.toml": "[meta\nkind = barrier\n"})

    assert_rejected(
        directory, file="barriers.toml", slug=None, field=None, problem="not valid TOML"
    )


def test_it_rejects_an_empty_directory(tmp_path: Path) -> None:
    assert_rejected(
        tmp_path, file=tmp_path.name, slug=None, field=None, problem="no vocabulary files"
    )


# Languages -------------------------------------------------------------------------------


def test_arabic_and_persian_are_the_right_to_left_languages() -> None:
    assert {code for code in LANGUAGES if is_rtl(code)} == RTL_LANGUAGES == {"ar", "fa"}
    assert is_rtl("fa-IR")
    assert not is_rtl("fr")


def test_each_language_has_its_own_name() -> None:
    assert list(LANGUAGE_NAMES) == list(LANGUAGES)
    assert LANGUAGE_NAMES["es"] == "Español"
    assert LANGUAGE_NAMES["fa"] == "فارسی"


# The module itself -----------------------------------------------------------------------


@pytest.mark.parametrize("module", [vocabulary_module, languages_module])
def test_the_docstring_examples_hold(module: ModuleType) -> None:
    result = doctest.testmod(module)

    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("module", [vocabulary_module, languages_module])
def test_it_imports_nothing_from_django(module: ModuleType) -> None:
    source = Path(str(module.__file__)).read_text(encoding="utf-8")
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])

    assert "django" not in imported
