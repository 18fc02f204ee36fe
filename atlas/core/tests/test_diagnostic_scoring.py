"""The diagnostic scoring engine against reference cases computed by hand.

The reference framework (tests/diagnostic/reference/) has two areas of two dimensions each;
weights in brackets, "NA ok" where a question may be answered not-applicable:

    health [area 2]
        health-law [dim 3]       h-law-1 [2] yes/partly/no, h-law-2 [1] yes/partly/no,
                                 h-law-3 [1] five-point, NA ok
        health-practice [dim 1]  h-practice-1 [1] five-point (pairs with h-law-1),
                                 h-practice-2 [3] always 100 / often 60 / rarely 20 / never 0
    cost [area 1]
        cost-rules [dim 1]       c-rules-1 [1] yes/partly/no, c-rules-2 [2] yes/partly/no, NA ok
        cost-practice [dim 2]    c-practice-1 [1] (pairs with c-rules-1), c-practice-2 [1]

Every expected number below is worked out in the comment beside it, from the answers alone.
"""

from fractions import Fraction
from pathlib import Path

import pytest

from atlas.core.diagnostic import (
    AnswerError,
    Coverage,
    Framework,
    Result,
    compare,
    law_practice_gaps,
    load_framework,
    round_score,
    score,
)

REFERENCE = Path(__file__).parent / "diagnostic" / "reference"

# Case A: every question answered, nothing not applicable.
ALL_ANSWERED = {
    "h-law-1": "yes",  # 100
    "h-law-2": "partly",  # 50
    "h-law-3": "largely",  # 75
    "h-practice-1": "marginally",  # 25
    "h-practice-2": "often",  # 60
    "c-rules-1": "no",  # 0
    "c-rules-2": "yes",  # 100
    "c-practice-1": "partly",  # 50
    "c-practice-2": "yes",  # 100
}

# Case B: not-applicable items, unanswered items, and a dimension with nothing answered.
GAPS_IN_ANSWERS = {
    "h-law-1": "yes",  # 100
    "h-law-2": None,  # unanswered (None)
    "h-law-3": "not-applicable",
    # h-practice-1 absent, h-practice-2 None: health-practice has nothing answered
    "h-practice-2": None,
    "c-rules-1": "partly",  # 50
    "c-rules-2": "not-applicable",
    "c-practice-1": "no",  # 0
    "c-practice-2": "partly",  # 50
}


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework(REFERENCE)


def scores(result: Result) -> dict[str, float | None]:
    """Every rounded score of a result, by slug, and the overall one under 'overall'."""
    return {
        **{slug: level.score for slug, level in result.dimensions.items()},
        **{slug: level.score for slug, level in result.areas.items()},
        "overall": result.overall.score,
    }


def test_it_scores_all_answers_by_dimension_with_plain_means(framework: Framework) -> None:
    result = score(framework, ALL_ANSWERED)
    assert scores(result) == {
        "health-law": 75.0,  # (100 + 50 + 75) / 3
        "health-practice": 42.5,  # (25 + 60) / 2
        "cost-rules": 50.0,  # (0 + 100) / 2
        "cost-practice": 75.0,  # (50 + 100) / 2
        "health": 58.8,  # (75 + 42.5) / 2 = 58.75, half up
        "cost": 62.5,  # (50 + 75) / 2
        "overall": 60.6,  # (58.75 + 62.5) / 2 = 60.625
    }
    assert result.overall.exact == Fraction(485, 8)  # 60.625 exactly


def test_it_scores_all_answers_straight_into_areas_with_plain_means(framework: Framework) -> None:
    result = score(framework, ALL_ANSWERED, aggregation="area")
    assert result.areas["health"].score == 62.0  # (100 + 50 + 75 + 25 + 60) / 5 = 310 / 5
    assert result.areas["cost"].score == 62.5  # (0 + 100 + 50 + 100) / 4 = 250 / 4
    # (62 + 62.5) / 2 = 62.25 → 62.3 half up (Python's round(62.25, 1) gives 62.2)
    assert result.overall.score == 62.3
    # Dimensions are still reported, the same as under "dimension" aggregation.
    assert result.dimensions["health-practice"].score == 42.5


def test_the_two_aggregations_give_different_numbers(framework: Framework) -> None:
    by_dimension = score(framework, ALL_ANSWERED, aggregation="dimension")
    by_area = score(framework, ALL_ANSWERED, aggregation="area")
    assert (by_dimension.areas["health"].score, by_area.areas["health"].score) == (58.8, 62.0)
    assert (by_dimension.overall.score, by_area.overall.score) == (60.6, 62.3)
    assert (by_dimension.aggregation, by_area.aggregation) == ("dimension", "area")


def test_it_scores_all_answers_by_dimension_with_weights(framework: Framework) -> None:
    result = score(framework, ALL_ANSWERED, weighting="weighted")
    assert scores(result) == {
        "health-law": 81.3,  # (2×100 + 1×50 + 1×75) / (2+1+1) = 325 / 4 = 81.25
        "health-practice": 51.3,  # (1×25 + 3×60) / (1+3) = 205 / 4 = 51.25
        "cost-rules": 66.7,  # (1×0 + 2×100) / (1+2) = 200 / 3
        "cost-practice": 75.0,  # (1×50 + 1×100) / 2
        "health": 73.8,  # (3×81.25 + 1×51.25) / (3+1) = 295 / 4 = 73.75
        "cost": 72.2,  # (1×200/3 + 2×75) / (1+2) = (650/3) / 3 = 650 / 9 = 72.22…
        "overall": 73.2,  # (2×73.75 + 1×650/9) / (2+1) = (3955/18) / 3 = 3955 / 54 = 73.24…
    }
    assert result.overall.exact == Fraction(3955, 54)
    assert result.weighting == "weighted"


def test_it_scores_all_answers_straight_into_areas_with_weights(framework: Framework) -> None:
    result = score(framework, ALL_ANSWERED, aggregation="area", weighting="weighted")
    # (2×100 + 1×50 + 1×75 + 1×25 + 3×60) / (2+1+1+1+3) = 530 / 8 = 66.25 → 66.3
    assert result.areas["health"].score == 66.3
    # (1×0 + 2×100 + 1×50 + 1×100) / (1+2+1+1) = 350 / 5 = 70
    assert result.areas["cost"].score == 70.0
    # (2×66.25 + 1×70) / (2+1) = 202.5 / 3 = 67.5
    assert result.overall.score == 67.5


def test_plain_weighting_ignores_every_weight_in_the_files(framework: Framework) -> None:
    plain = score(framework, ALL_ANSWERED, weighting="plain")
    weighted = score(framework, ALL_ANSWERED, weighting="weighted")
    assert plain.dimensions["health-law"].score == 75.0  # weights 2, 1, 1 not applied
    assert weighted.dimensions["health-law"].score == 81.3


def test_it_leaves_not_applicable_and_unanswered_questions_out(framework: Framework) -> None:
    result = score(framework, GAPS_IN_ANSWERS)
    assert scores(result) == {
        "health-law": 100.0,  # h-law-1 only: h-law-2 unanswered, h-law-3 not applicable
        "health-practice": None,  # nothing answered: no score, not 0
        "cost-rules": 50.0,  # c-rules-1 only: c-rules-2 not applicable
        "cost-practice": 25.0,  # (0 + 50) / 2
        "health": 100.0,  # the law dimension alone; the empty one is left out
        "cost": 37.5,  # (50 + 25) / 2
        "overall": 68.8,  # (100 + 37.5) / 2 = 68.75
    }


def test_it_leaves_items_out_under_every_setting(framework: Framework) -> None:
    by_area = score(framework, GAPS_IN_ANSWERS, aggregation="area")
    assert by_area.areas["health"].score == 100.0  # h-law-1 alone
    assert by_area.areas["cost"].score == 33.3  # (50 + 0 + 50) / 3
    assert by_area.overall.score == 66.7  # (100 + 100/3) / 2 = 200 / 3
    weighted = score(framework, GAPS_IN_ANSWERS, weighting="weighted")
    assert weighted.areas["cost"].score == 33.3  # (1×50 + 2×25) / (1+2) = 100 / 3
    assert weighted.overall.score == 77.8  # (2×100 + 1×100/3) / (2+1) = 700 / 9 = 77.77…


def test_it_reports_coverage_at_every_level(framework: Framework) -> None:
    result = score(framework, GAPS_IN_ANSWERS)
    health_law = result.dimensions["health-law"].coverage
    assert health_law == Coverage(answered=1, not_applicable=1, total=3)
    assert (health_law.applicable, health_law.unanswered, health_law.share) == (2, 1, 50.0)
    assert result.dimensions["health-practice"].coverage.share == 0.0  # 0 of 2
    assert result.areas["health"].coverage == Coverage(answered=1, not_applicable=1, total=5)
    assert result.areas["health"].coverage.share == 25.0  # 1 of 4 applicable
    assert result.areas["cost"].coverage == Coverage(answered=3, not_applicable=1, total=4)
    assert result.areas["cost"].coverage.share == 100.0  # 3 of 3 applicable
    assert result.overall.coverage == Coverage(answered=4, not_applicable=2, total=9)
    assert result.overall.coverage.share == 57.1  # 4 of 7 applicable = 57.14…


def test_a_level_with_nothing_applicable_has_no_score_and_no_share(framework: Framework) -> None:
    result = score(framework, {"c-rules-2": "not-applicable"})
    rules = result.dimensions["cost-rules"]
    assert rules.score is None
    assert rules.coverage == Coverage(answered=0, not_applicable=1, total=2)
    assert rules.coverage.share == 0.0  # c-rules-1 still applies, unanswered
    nothing = score(framework, {})
    assert nothing.overall.score is None
    assert all(level.score is None for level in nothing.areas.values())
    assert nothing.overall.coverage.share == 0.0  # 0 of 9


def test_it_records_the_framework_and_settings_with_the_result(framework: Framework) -> None:
    result = score(framework, ALL_ANSWERED)
    assert (result.framework_slug, result.framework_version) == ("reference", "1")
    assert result.fingerprint == framework.fingerprint
    assert (result.aggregation, result.weighting) == ("dimension", "plain")  # the file's own
    assert result.questions["h-practice-2"].score == 60
    assert result.questions["h-law-3"].status == "answered"
    gaps = score(framework, GAPS_IN_ANSWERS).questions
    assert (gaps["h-law-3"].status, gaps["h-law-3"].score) == ("not-applicable", None)
    assert (gaps["h-practice-1"].status, gaps["h-practice-1"].answer) == ("unanswered", None)
    data = result.as_dict()
    assert data["fingerprint"] == framework.fingerprint
    assert data["areas"]["health"] == {
        "score": 58.8,
        "answered": 5,
        "not_applicable": 0,
        "total": 5,
        "share": 100.0,
    }


def test_it_is_deterministic_whatever_the_order_of_the_answers(framework: Framework) -> None:
    reversed_answers = dict(reversed(list(ALL_ANSWERED.items())))
    assert score(framework, reversed_answers) == score(framework, ALL_ANSWERED)


def test_it_rounds_half_up_once_on_output() -> None:
    assert round_score(Fraction(12125, 200)) == 60.6  # 60.625 → 60.6 (second decimal 2)
    assert round_score(Fraction(249, 4)) == 62.3  # 62.25 → 62.3, where round() gives 62.2
    assert round_score(Fraction(-249, 4)) == -62.3  # halves go away from zero
    assert round_score(Fraction(1, 30)) == 0.0


def test_it_rejects_an_unknown_question(framework: Framework) -> None:
    with pytest.raises(AnswerError, match="question 'h-law-9': unknown question"):
        score(framework, {"h-law-9": "yes"})


def test_it_rejects_an_option_the_question_does_not_offer(framework: Framework) -> None:
    with pytest.raises(AnswerError, match="question 'h-practice-2': no option 'largely'"):
        score(framework, {"h-practice-2": "largely"})


def test_it_rejects_not_applicable_where_the_question_does_not_allow_it(
    framework: Framework,
) -> None:
    with pytest.raises(AnswerError, match="question 'h-law-1': .*'not-applicable'"):
        score(framework, {"h-law-1": "not-applicable"})


def test_it_rejects_an_unknown_setting(framework: Framework) -> None:
    with pytest.raises(ValueError, match="unknown aggregation 'question'"):
        score(framework, ALL_ANSWERED, aggregation="question")
    with pytest.raises(ValueError, match="unknown weighting 'heavy'"):
        score(framework, ALL_ANSWERED, weighting="heavy")


def test_it_flags_practice_below_law(framework: Framework) -> None:
    answers = {**ALL_ANSWERED, "c-rules-1": "yes", "c-practice-1": "partly"}
    gaps = law_practice_gaps(framework, answers)
    # h-law-1 yes 100 vs h-practice-1 marginally 25: 75 points; c-rules-1 yes 100 vs
    # c-practice-1 partly 50: 50 points. Largest first.
    assert [(gap.law_question, gap.practice_question, gap.difference) for gap in gaps] == [
        ("h-law-1", "h-practice-1", 75),
        ("c-rules-1", "c-practice-1", 50),
    ]
    assert (gaps[0].area, gaps[0].services) == ("health", ("health-primary",))


def test_practice_at_or_above_law_or_unanswered_is_no_gap(framework: Framework) -> None:
    # c-rules-1 no 0 vs c-practice-1 partly 50: practice above law.
    assert [gap.law_question for gap in law_practice_gaps(framework, ALL_ANSWERED)] == ["h-law-1"]
    # h-practice-1 unanswered: no pair to compare.
    assert law_practice_gaps(framework, {"h-law-1": "yes"}) == []
    assert law_practice_gaps(framework, {"h-law-1": "partly", "h-practice-1": "partly"}) == []


def test_it_compares_two_rounds(framework: Framework) -> None:
    comparison = compare(score(framework, ALL_ANSWERED), score(framework, GAPS_IN_ANSWERS))
    # Overall 60.625 → 68.75: the exact change 8.125 rounds to 8.1, although the rounded
    # scores 60.6 and 68.8 differ by 8.2.
    assert (comparison.overall.previous, comparison.overall.current) == (60.6, 68.8)
    assert comparison.overall.change == 8.1
    assert [(area.slug, area.previous, area.current, area.change) for area in comparison.areas] == [
        ("health", 58.8, 100.0, 41.3),  # 100 − 58.75 = 41.25
        ("cost", 62.5, 37.5, -25.0),
    ]
    # Scored in both: h-law-1 100 → 100, c-rules-1 0 → 50, c-practice-1 50 → 0,
    # c-practice-2 100 → 50; the others are unanswered or not applicable in round two.
    assert [(q.slug, q.previous, q.current) for q in comparison.went_up] == [("c-rules-1", 0, 50)]
    assert [(q.slug, q.previous, q.current) for q in comparison.went_down] == [
        ("c-practice-1", 50, 0),
        ("c-practice-2", 100, 50),
    ]
    assert comparison.same_version and comparison.same_content


def test_a_change_is_none_where_either_round_has_no_score(framework: Framework) -> None:
    comparison = compare(score(framework, {"c-rules-1": "yes"}), score(framework, ALL_ANSWERED))
    changes = {area.slug: area.change for area in comparison.areas}
    assert changes == {"health": None, "cost": -37.5}  # cost 100 → 62.5
    assert comparison.overall.change == -39.4  # 100 → 60.625 = −39.375, away from zero


def test_it_refuses_to_compare_results_scored_differently(framework: Framework) -> None:
    with pytest.raises(ValueError, match="different aggregation"):
        compare(score(framework, ALL_ANSWERED), score(framework, ALL_ANSWERED, aggregation="area"))
