"""The ranked gap list: severities computed by hand, ties, practice below law, exclusions.

Shipped gap weights used below (atlas/core/data/gap_weights.toml): health-emergency and
health-child 1.0; justice 0.9; health, education, housing and social-protection 0.7;
civil-registration and the default 0.5; kind practice-below-law 0.6. A practice-below-law gap's
weight w becomes w + (1 − w) × 0.6.
"""

from pathlib import Path

import pytest

from atlas.core.diagnostic import default_framework, score
from atlas.core.diagnostic.example import example_framework
from atlas.core.diagnostic.gaps import Gap, gap_weight, gaps_by_area, rank_gaps
from atlas.core.gap_weights import DEFAULT_WEIGHTS_PATH, GapWeights, load_gap_weights


def weights_with(tmp_path: Path, *replacements: tuple[str, str]) -> GapWeights:
    """The shipped gap weights with some text replaced (each ``old`` must be there once)."""
    text = DEFAULT_WEIGHTS_PATH.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "gap_weights.toml"
    path.write_text(text, encoding="utf-8")
    return load_gap_weights(path)


def ranked(framework_answers: dict[str, str | None], **options: object) -> list[Gap]:
    framework = example_framework()
    return rank_gaps(framework, score(framework, framework_answers), **options)  # type: ignore[arg-type]


def test_severities_match_the_hand_computed_list() -> None:
    gaps = ranked(
        {
            "law-a": "yes",  # 100: no gap
            "law-b": "partly",  # (100 − 50) × 0.7 = 35
            "practice-a": "partly",  # below law-a: (100 − 50) × (0.7 + 0.3 × 0.6) = 44
            "rules-a": "no",  # no service: (100 − 0) × 0.5 = 50
            "practice-b": "partly",  # no service: (100 − 50) × 0.5 = 25
        }
    )
    assert [(gap.question, gap.severity) for gap in gaps] == [
        ("rules-a", 50.0),
        ("practice-a", 44.0),
        ("law-b", 35.0),
        ("practice-b", 25.0),
    ]
    first = gaps[0]
    assert (first.area, first.dimension, first.asks_about, first.score) == (
        "cost",
        "cost-rules",
        "law",
        0.0,
    )


def test_the_heaviest_service_counts() -> None:
    # cost-fee-waiver-law probes health-emergency (1.0), health-primary (0.9),
    # health-maternity (1.0) and health-medicines (0.9): weight 1.0, so "partly" is 50.
    # fw-police-victims-rule probes two justice services (sector weight 0.9): 50 × 0.9 = 45.
    framework = default_framework()
    result = score(framework, {"cost-fee-waiver-law": "partly", "fw-police-victims-rule": "partly"})
    assert [(gap.question, gap.severity) for gap in rank_gaps(framework, result)] == [
        ("cost-fee-waiver-law", 50.0),
        ("fw-police-victims-rule", 45.0),
    ]


def test_practice_below_law_is_flagged_and_weighs_more() -> None:
    framework = default_framework()
    # fw-data-passed-practice checks fw-data-sharing-rule; its services weigh at most 0.7.
    # "not-known" scores 25 against a law answer of 100: (100 − 25) × 0.88 = 66.
    result = score(
        framework, {"fw-data-sharing-rule": "all-services", "fw-data-passed-practice": "not-known"}
    )
    (gap,) = rank_gaps(framework, result)
    assert gap.question == "fw-data-passed-practice"
    assert gap.practice_below_law is True
    assert (gap.law_question, gap.law_score) == ("fw-data-sharing-rule", 100.0)
    assert gap.severity == 66.0
    assert gap.services == framework.question("fw-data-passed-practice").services
    assert gap.barriers == ("fear-of-detection",)


def test_practice_equal_to_law_is_not_flagged() -> None:
    # Both "partly": a gap each, neither flagged; both weigh 0.7 → 35, law question first.
    gaps = ranked({"law-a": "partly", "practice-a": "partly"})
    assert [(gap.question, gap.severity, gap.practice_below_law) for gap in gaps] == [
        ("law-a", 35.0, False),
        ("practice-a", 35.0, False),
    ]
    assert (gaps[1].law_question, gaps[1].law_score) == ("law-a", 50.0)
    assert (gaps[0].law_question, gaps[0].law_score) == (None, None)


def test_practice_with_its_law_unanswered_is_not_flagged() -> None:
    (gap,) = ranked({"practice-a": "no"})
    assert (gap.practice_below_law, gap.law_question, gap.law_score) == (False, "law-a", None)
    assert gap.severity == 70.0  # (100 − 0) × 0.7


def test_not_applicable_and_unanswered_questions_are_not_gaps() -> None:
    gaps = ranked({"rules-a": "not-applicable", "law-a": "no"})
    assert [gap.question for gap in gaps] == ["law-a"]
    assert ranked({}) == []


def test_ties_keep_area_order_then_question_order(tmp_path: Path) -> None:
    # With health weighted 0.5 like the default, "no" on law-a, law-b and practice-b all give
    # 50: health (the first area) before cost, although "cost" sorts first alphabetically.
    weights = weights_with(
        tmp_path, ("[service.health]\nweight = 0.7", "[service.health]\nweight = 0.5")
    )
    gaps = ranked({"practice-b": "no", "law-b": "no", "law-a": "no"}, weights=weights)
    assert [(gap.question, gap.severity) for gap in gaps] == [
        ("law-a", 50.0),
        ("law-b", 50.0),
        ("practice-b", 50.0),
    ]


def test_ties_in_the_shipped_framework_follow_file_order() -> None:
    # health-emergency-law (health-emergency, 1.0) and health-children-law (health-child, 1.0)
    # answered "no" both give 100; the file lists emergency first, alphabetical order would not.
    framework = default_framework()
    result = score(framework, {"health-children-law": "no", "health-emergency-law": "no"})
    assert [gap.question for gap in rank_gaps(framework, result)] == [
        "health-emergency-law",
        "health-children-law",
    ]


def test_threshold() -> None:
    answers: dict[str, str | None] = {"law-a": "partly", "law-b": "no", "practice-b": "yes"}
    assert [gap.question for gap in ranked(answers)] == ["law-b", "law-a"]
    assert [gap.question for gap in ranked(answers, threshold=50)] == ["law-b"]
    assert ranked(answers, threshold=0) == []


def test_the_practice_below_law_weight_comes_from_the_gap_weights(tmp_path: Path) -> None:
    question = example_framework().question("practice-a")  # health: 0.7
    none = weights_with(
        tmp_path,
        ("[kind.practice-below-law]\nweight = 0.6", "[kind.practice-below-law]\nweight = 0"),
    )
    assert gap_weight(question, weights=none, practice_below_law=True) == pytest.approx(0.7)
    full = weights_with(
        tmp_path,
        ("[kind.practice-below-law]\nweight = 0.6", "[kind.practice-below-law]\nweight = 1.0"),
    )
    assert gap_weight(question, weights=full, practice_below_law=True) == 1
    # With kind weight 1 the practice gap weighs 1: (100 − 0) × 1 = 100.
    gaps = ranked({"law-a": "yes", "practice-a": "no", "law-b": "yes"}, weights=full)
    assert [(gap.question, gap.severity, gap.practice_below_law) for gap in gaps] == [
        ("practice-a", 100.0, True)
    ]


def test_a_finer_scale_and_a_heavy_service() -> None:
    # health-primary-practice (health-primary and health-medicines, 0.9) below
    # health-primary-law: 0.9 + 0.1 × 0.6 = 0.96; "marginally" scores 25: 75 × 0.96 = 72.
    framework = default_framework()
    result = score(
        framework, {"health-primary-law": "yes", "health-primary-practice": "marginally"}
    )
    (gap,) = rank_gaps(framework, result)
    assert (gap.score, gap.severity, gap.practice_below_law) == (25.0, 72.0, True)


def test_severity_is_exact_and_rounds_half_up(tmp_path: Path) -> None:
    # Health weighted 0.301: law-b "partly" is 50 × 0.301 = 15.05 exactly, shown 15.1 (in
    # binary floating point it is 15.049999…, which round() takes to 15.0); law-a "no" is 30.1.
    weights = weights_with(
        tmp_path, ("[service.health]\nweight = 0.7", "[service.health]\nweight = 0.301")
    )
    gaps = ranked({"law-a": "no", "law-b": "partly"}, weights=weights)
    assert [(gap.question, gap.severity) for gap in gaps] == [("law-a", 30.1), ("law-b", 15.1)]
    assert round(50 * 0.301, 1) == 15.0  # what a float computation would have shown


def test_a_result_of_another_framework_is_refused() -> None:
    result = score(example_framework(), {"law-a": "no"})
    with pytest.raises(ValueError, match="example 1, not objective-15"):
        rank_gaps(default_framework(), result)


def test_gaps_by_area_keeps_the_ranking() -> None:
    gaps = ranked({"law-a": "no", "rules-a": "partly", "law-b": "partly", "practice-b": "no"})
    # law-a 70, practice-b 50, law-b 35, rules-a 25
    assert [gap.question for gap in gaps] == ["law-a", "practice-b", "law-b", "rules-a"]
    assert {
        area: [gap.question for gap in items] for area, items in gaps_by_area(gaps).items()
    } == {
        "health": ["law-a", "law-b"],
        "cost": ["practice-b", "rules-a"],
    }
