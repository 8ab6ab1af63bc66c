"""The scoring engine: the worked examples of the MaestroQA documentation, each rule Podium chose
where the documentation is silent (docs/scoring.md), validation, and properties over random
rubrics and grades."""

from __future__ import annotations

import dataclasses
import math
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podium.errors import Invalid
from podium.grading import (
    NA,
    Criterion,
    Option,
    Rubric,
    ScoringError,
    Section,
    Selection,
    alignment,
    default_answers,
    scale,
    score,
    select,
    validate_answers,
    validate_rubric,
    with_defaults,
)

# --- builders ---------------------------------------------------------------------------------


def linear(id_: str, max_points: float, *, min_points: float = 0, required: bool = True):
    return Criterion(id_, f"Question {id_}", "linear_scale", min_points, max_points, (),
                     required=required)


def choice(id_: str, max_points: float, *options: Option, kind="multiple_choice",
           min_points: float = 0):
    return Criterion(id_, f"Question {id_}", kind, min_points, max_points, options)


def opt(id_: str, points: float | None, *, auto_fail: bool = False) -> Option:
    return Option(id_, f"Option {id_}", points, auto_fail)


def section(id_: str, *criteria: Criterion, kind="standard", weight=None, default_answer=None):
    return Section(id_, f"Section {id_}", kind, weight, criteria, default_answer)


def rubric(*sections: Section, weighted=False, bonus_weighted=False) -> Rubric:
    return Rubric("r1", "Support QA", weighted, bonus_weighted, sections)


def yes_no_fail(id_: str) -> Criterion:
    """An auto-fail criterion: "Did the agent share a password?" No / Yes (fails the grade)."""
    return choice(id_, 0, opt(f"{id_}-no", None), opt(f"{id_}-yes", None, auto_fail=True))


# --- worked examples (docs 4544009, 4547978, 6956558) -----------------------------------------


def thirty_five_points() -> Rubric:
    """Max 35: a 5-point "Privacy and Security" section and 30 points elsewhere."""
    return rubric(
        section("greeting", linear("g1", 10), linear("g2", 5)),
        section("solution", linear("s1", 10), linear("s2", 5)),
        section("privacy", linear("p1", 5)),
    )


def test_total_point_rubric_35_points_earned_21_is_60_percent():
    answers = {"g1": scale(6), "g2": scale(3), "s1": scale(5), "s2": scale(2), "p1": scale(5)}
    result = score(thirty_five_points(), answers)
    assert result.max_rubric_score == 35
    assert result.earned_points == 21
    assert result.rubric_score == pytest.approx(60.0)
    assert result.auto_failed is False


def test_na_section_leaves_numerator_and_max_16_of_30():
    answers = {"g1": scale(6), "g2": scale(3), "s1": scale(5), "s2": scale(2), "p1": NA}
    result = score(thirty_five_points(), answers)
    assert result.max_rubric_score == 30
    assert result.earned_points == 16
    assert result.rubric_score == pytest.approx(53.333333, abs=1e-5)
    privacy = result.section("privacy")
    assert (privacy.earned, privacy.max_points, privacy.normalized) == (None, 0.0, None)
    assert result.criterion("p1").is_na and result.criterion("p1").earned is None
    assert result.criterion("p1").max_points == 5


def weighted_example(*, weighted: bool) -> Rubric:
    return rubric(
        section("a", linear("a1", 3), weight=10),
        section("b", linear("b1", 10), weight=30),
        section("c", linear("c1", 5), weight=50),
        section("d", linear("d1", 2), weight=10),
        weighted=weighted,
    )


EXAMPLE_ANSWERS = {"a1": scale(3), "b1": scale(5), "c1": scale(4), "d1": scale(1)}


def test_custom_weighted_sections_10_30_50_10_is_70_percent():
    result = score(weighted_example(weighted=True), EXAMPLE_ANSWERS)
    assert result.rubric_score == pytest.approx(70.0)
    assert [s.normalized for s in result.sections] == pytest.approx([1.0, 0.5, 0.8, 0.5])
    assert [s.weight for s in result.sections] == [10, 30, 50, 10]
    assert result.max_rubric_score == 20


def test_same_grade_as_total_point_is_65_percent():
    result = score(weighted_example(weighted=False), EXAMPLE_ANSWERS)
    assert result.earned_points == 13
    assert result.rubric_score == pytest.approx(65.0)


def test_alignment_10_vs_7_of_15_is_80_percent_weighing_15_of_80():
    r = rubric(section("s", linear("big", 15), linear("rest", 65)))
    result = alignment(
        r,
        {"big": scale(10), "rest": scale(40)},
        {"big": scale(7), "rest": scale(40)},
    )
    big = result.criterion("big")
    assert big.alignment == pytest.approx(0.8)
    assert big.weight == pytest.approx(0.1875)
    assert big.alignment * big.weight == pytest.approx(0.15)
    assert result.rubric_max == 80
    assert result.rubric_alignment == pytest.approx(0.15 + 65 / 80)


# --- auto-fail --------------------------------------------------------------------------------


def test_auto_fail_section_selection_forces_zero():
    r = rubric(section("s", linear("q", 10)), section("af", yes_no_fail("pw"), kind="auto_fail"))
    passed = score(r, {"q": scale(10), "pw": select("pw-no")})
    failed = score(r, {"q": scale(10), "pw": select("pw-yes")})
    assert passed.rubric_score == 100 and not passed.auto_failed
    assert failed.rubric_score == 0 and failed.auto_failed
    # The auto-fail section adds no points; section results keep their points.
    assert failed.max_rubric_score == 10
    assert failed.section("s").earned == 10
    assert failed.section("af").max_points == 0


def test_auto_fail_option_in_standard_section_forces_zero_even_with_bonus():
    r = rubric(
        section("s", choice("id", 5, opt("ok", 5), opt("leak", 0, auto_fail=True)), linear("q", 5)),
        section("b", linear("extra", 5), kind="bonus"),
    )
    result = score(r, {"id": select("leak"), "q": scale(5), "extra": scale(5)})
    assert result.rubric_score == 0 and result.auto_failed
    assert result.criterion("id").auto_failed


def test_auto_fail_overrides_all_na():
    r = rubric(section("s", linear("q", 10)), section("af", yes_no_fail("pw"), kind="auto_fail"))
    assert score(r, {"q": NA, "pw": select("pw-yes")}).rubric_score == 0


def test_auto_fail_criterion_marked_na_does_not_fail():
    r = rubric(section("s", linear("q", 10)), section("af", yes_no_fail("pw"), kind="auto_fail"))
    result = score(r, {"q": scale(4), "pw": NA})
    assert not result.auto_failed and result.rubric_score == pytest.approx(40)


# --- bonus ------------------------------------------------------------------------------------


def test_unweighted_bonus_points_join_the_earned_points_and_can_pass_100():
    r = rubric(section("s", linear("q", 20)), section("b", linear("wow", 5), kind="bonus"))
    result = score(r, {"q": scale(20), "wow": scale(4)})
    assert result.max_rubric_score == 20  # bonus is not part of the 100% basis
    assert result.bonus_points == 4
    assert result.bonus_score == pytest.approx(20.0)
    assert result.rubric_score == pytest.approx(120.0)


def test_weighted_bonus_adds_normalized_times_weight_percentage_points():
    r = rubric(
        section("s", linear("q", 20)),
        section("b", linear("wow", 4), kind="bonus", weight=10),
        bonus_weighted=True,
    )
    result = score(r, {"q": scale(15), "wow": scale(2)})
    assert result.bonus_score == pytest.approx(5.0)
    assert result.rubric_score == pytest.approx(75.0 + 5.0)
    assert result.section("b").effective_weight == 10


def test_weighted_rubric_with_unweighted_bonus_uses_standard_max_points():
    r = weighted_example(weighted=True)
    bonus = section("bonus", linear("wow", 5), kind="bonus")
    r = dataclasses.replace(r, sections=(*r.sections, bonus))
    result = score(r, {**EXAMPLE_ANSWERS, "wow": scale(2)})
    assert result.bonus_score == pytest.approx(100 * 2 / 20)
    assert result.rubric_score == pytest.approx(70.0 + 10.0)


def test_weighted_rubric_with_weighted_bonus():
    r = weighted_example(weighted=True)
    r = dataclasses.replace(
        r,
        bonus_weighted=True,
        sections=(*r.sections, section("bonus", linear("wow", 5), kind="bonus", weight=20)),
    )
    result = score(r, {**EXAMPLE_ANSWERS, "wow": scale(5)})
    assert result.rubric_score == pytest.approx(90.0)


def test_bonus_na_adds_nothing():
    r = rubric(section("s", linear("q", 20)), section("b", linear("wow", 5), kind="bonus"))
    result = score(r, {"q": scale(10), "wow": NA})
    assert result.bonus_score is None and result.rubric_score == pytest.approx(50.0)


# --- N/A --------------------------------------------------------------------------------------


def test_weighted_rubric_renormalises_weights_over_sections_with_a_max():
    answers = {**EXAMPLE_ANSWERS, "b1": NA}
    result = score(weighted_example(weighted=True), answers)
    # (1.0 × 10 + 0.8 × 50 + 0.5 × 10) ÷ 70
    assert result.rubric_score == pytest.approx(100 * 55 / 70)
    applied = [s.effective_weight for s in result.sections]
    assert applied == pytest.approx([100 * 10 / 70, None, 100 * 50 / 70, 100 * 10 / 70])
    assert result.section("b").weight == 30


def test_na_inside_a_weighted_section_shrinks_only_that_section():
    r = rubric(
        section("a", linear("a1", 4), linear("a2", 6), weight=50),
        section("b", linear("b1", 10), weight=50),
        weighted=True,
    )
    result = score(r, {"a1": scale(2), "a2": NA, "b1": scale(10)})
    assert result.section("a").max_points == 4
    assert result.rubric_score == pytest.approx(0.5 * 50 + 1.0 * 50)


def test_everything_na_scores_none():
    result = score(thirty_five_points(), dict.fromkeys(["g1", "g2", "s1", "s2", "p1"], NA))
    assert result.rubric_score is None
    assert result.max_rubric_score == 0
    assert result.earned_points is None


def test_everything_na_in_weighted_rubric_scores_none():
    result = score(weighted_example(weighted=True), dict.fromkeys(EXAMPLE_ANSWERS, NA))
    assert result.rubric_score is None


def test_bonus_without_any_standard_points_scores_none():
    r = rubric(section("s", linear("q", 20)), section("b", linear("wow", 5), kind="bonus"))
    assert score(r, {"q": NA, "wow": scale(5)}).rubric_score is None


def test_only_zero_weight_sections_left_scores_none():
    r = rubric(
        section("a", linear("a1", 4), weight=100),
        section("b", linear("b1", 4), weight=0),
        weighted=True,
    )
    assert score(r, {"a1": NA, "b1": scale(4)}).rubric_score is None
    assert score(r, {"a1": scale(1), "b1": scale(0)}).rubric_score == pytest.approx(25)


# --- criteria and options ---------------------------------------------------------------------


def checkbox_rubric() -> Rubric:
    box = choice(
        "box", 4,
        opt("greet", 1), opt("empathy", 2), opt("close", 2), opt("none", None),
        kind="checkbox",
    )
    return rubric(section("s", box, linear("q", 4)))


@pytest.mark.parametrize(
    ("selected", "earned"),
    [
        (("greet",), 1.0),
        (("greet", "empathy"), 3.0),
        (("greet", "empathy", "close"), 4.0),  # 5 capped at the criterion max
        (("greet", "none"), 1.0),  # the non-scoring option adds nothing
        ((), 0.0),  # nothing ticked is an answer: min_points
    ],
)
def test_checkbox_sums_selected_points_capped_at_max(selected, earned):
    result = score(checkbox_rubric(), {"box": select(*selected), "q": scale(4)})
    assert result.criterion("box").earned == earned
    assert result.max_rubric_score == 8


def test_checkbox_with_only_non_scoring_options_counts_like_na():
    result = score(checkbox_rubric(), {"box": select("none"), "q": scale(2)})
    assert result.criterion("box").status == "non_scoring"
    assert result.max_rubric_score == 4 and result.rubric_score == pytest.approx(50)


def test_empty_checkbox_scores_min_points():
    box = choice("box", 4, opt("a", 2), opt("b", 4), kind="checkbox", min_points=1)
    assert score(rubric(section("s", box)), {"box": select()}).criterion("box").earned == 1


def test_non_scoring_option_of_a_scoring_criterion_leaves_the_score():
    r = rubric(section("s", choice("q", 5, opt("yes", 5), opt("no", 0), opt("n/a", None)),
                       linear("other", 5)))
    result = score(r, {"q": select("n/a"), "other": scale(5)})
    assert result.criterion("q").status == "non_scoring"
    assert result.max_rubric_score == 5 and result.rubric_score == 100


def test_non_scoring_criterion_never_counts():
    reason = choice("reason", 0, opt("billing", None), opt("bug", None), kind="dropdown")
    r = rubric(section("s", reason, linear("q", 10)))
    result = score(r, {"reason": select("bug"), "q": scale(5)})
    assert result.criterion("reason").counted is False
    assert result.max_rubric_score == 10 and result.rubric_score == pytest.approx(50)


def test_dropdown_scores_the_chosen_option():
    r = rubric(section("s", choice("tone", 3, opt("t0", 0), opt("t2", 2), opt("t3", 3),
                                   kind="dropdown")))
    assert score(r, {"tone": select("t2")}).rubric_score == pytest.approx(200 / 3)


def test_optional_criterion_left_unanswered_counts_like_na():
    r = rubric(section("s", linear("q", 10), linear("extra", 10, required=False)))
    result = score(r, {"q": scale(7)})
    assert result.criterion("extra").status == "unanswered"
    assert result.rubric_score == pytest.approx(70)


def test_scores_keep_full_precision():
    r = rubric(section("s", linear("q", 3)))
    assert score(r, {"q": scale(1)}).rubric_score == 100 / 3


# --- default answers --------------------------------------------------------------------------


def test_default_answers_max_and_na():
    r = rubric(
        section(
            "s",
            choice("mc", 5, opt("bad", 0), opt("good", 5), opt("leak", 5, auto_fail=True)),
            choice("box", 3, opt("x", 1), opt("y", 2), opt("z", None), kind="checkbox"),
            linear("lin", 4),
            default_answer="max",
        ),
        section("af", yes_no_fail("pw"), kind="auto_fail", default_answer="max"),
        section("later", linear("l1", 5), default_answer="na"),
        section("plain", linear("p1", 5)),
    )
    defaults = default_answers(r)
    assert defaults == {
        "mc": select("good"),
        "box": select("x", "y"),
        "lin": scale(4),
        "pw": select("pw-no"),
        "l1": NA,
    }
    result = score(r, with_defaults(r, {"p1": scale(5), "l1": scale(1)}))
    assert result.rubric_score == pytest.approx(100 * 18 / 22)


# --- alignment rules --------------------------------------------------------------------------


def alignment_rubric() -> Rubric:
    return rubric(
        section("s", linear("a", 10), linear("b", 10),
                choice("kind", 0, opt("k1", None), opt("k2", None))),
        section("af", yes_no_fail("pw"), kind="auto_fail"),
    )


def answers(a, b, *, kind="k1", pw="pw-no"):
    return {"a": a, "b": b, "kind": select(kind), "pw": select(pw)}


def test_alignment_na_on_both_sides_is_full_agreement():
    result = alignment(alignment_rubric(), answers(NA, scale(5)), answers(NA, scale(5)))
    assert result.criterion("a").alignment == 1.0
    assert result.rubric_alignment == 1.0


def test_alignment_na_on_one_side_is_full_disagreement():
    result = alignment(alignment_rubric(), answers(NA, scale(5)), answers(scale(10), scale(5)))
    assert result.criterion("a").alignment == 0.0
    assert result.criterion("a").original is None and result.criterion("a").benchmark == 10
    assert result.rubric_alignment == pytest.approx(0.5)


def test_alignment_ignores_non_scoring_criteria():
    result = alignment(alignment_rubric(), answers(scale(4), scale(5), kind="k1"),
                       answers(scale(4), scale(5), kind="k2"))
    assert result.criterion("kind").alignment is None
    assert result.criterion("kind").weight == 0
    assert result.rubric_alignment == 1.0


def test_alignment_auto_fail_on_one_side_is_zero():
    result = alignment(alignment_rubric(), answers(scale(4), scale(5), pw="pw-yes"),
                       answers(scale(4), scale(5)))
    assert result.criterion("pw").alignment == 0.0 and result.criterion("pw").weight == 0
    assert result.rubric_alignment == 0.0
    assert result.original.rubric_score == 0


def test_alignment_auto_fail_on_both_sides_compares_the_points():
    result = alignment(alignment_rubric(), answers(scale(4), scale(5), pw="pw-yes"),
                       answers(scale(6), scale(5), pw="pw-yes"))
    assert result.criterion("pw").alignment == 1.0
    assert result.rubric_alignment == pytest.approx(1 - 0.2 * 0.5)


def test_alignment_of_rubric_without_points_is_none():
    r = rubric(section("s", choice("kind", 0, opt("k1", None), opt("k2", None))))
    assert alignment(r, {"kind": select("k1")}, {"kind": select("k2")}).rubric_alignment is None


def test_alignment_validates_both_grades():
    with pytest.raises(ScoringError) as err:
        alignment(alignment_rubric(), answers(scale(4), scale(5)), answers(scale(40), scale(5)))
    assert err.value.param == "answers.a"


# --- validation -------------------------------------------------------------------------------


def test_scoring_error_is_a_422_naming_the_parameter():
    err = ScoringError("answers.q1", "no such criterion in this rubric")
    assert isinstance(err, Invalid) and err.status_code == 422
    assert err.errors == [("answers.q1", "no such criterion in this rubric")]
    assert (err.param, err.reason) == ("answers.q1", "no such criterion in this rubric")


@pytest.mark.parametrize(
    ("broken", "param", "words"),
    [
        (rubric(section("s", linear("q", 5)), section("s", linear("q2", 5))),
         "sections.s", "duplicate section"),
        (rubric(section("s", linear("q", 5)), section("t", linear("q", 5))),
         "criteria.q", "duplicate criterion"),
        (rubric(section("s", choice("q", 5, opt("o", 1)), choice("q2", 5, opt("o", 2)))),
         "options.o", "duplicate option"),
        (rubric(section("s", linear("q", 5, min_points=6))), "criteria.q.min_points", "<="),
        (rubric(section("s", linear("q", 5, min_points=-1))), "criteria.q.min_points", ">= 0"),
        (rubric(section("s", linear("q", math.inf))), "criteria.q.max_points", "finite"),
        (rubric(section("s", choice("q", 5, opt("o", 6)))), "options.o.points", "within"),
        (rubric(section("s", choice("q", 5, opt("o", 1), min_points=2))),
         "options.o.points", "within"),
        (rubric(section("s", choice("q", 5))), "criteria.q.options", "needs options"),
        (rubric(section("s", Criterion("q", "Q", "linear_scale", 0, 5, (opt("o", 1),)))),
         "criteria.q.options", "no options"),
        (rubric(section("s", Criterion("q", "Q", "essay", 0, 5))), "criteria.q.kind", "one of"),
        (rubric(section("s", linear("q", 5), kind="extra")), "sections.s.kind", "one of"),
        (rubric(section("a", linear("q", 5), weight=60), section("b", linear("r", 5), weight=30),
                weighted=True), "sections.weight", "add up to 100"),
        (rubric(section("a", linear("q", 5), weight=None), weighted=True),
         "sections.a.weight", "numeric weight"),
        (rubric(section("a", linear("q", 5), weight=110), section("b", linear("r", 5),
                                                                  weight=-10), weighted=True),
         "sections.b.weight", ">= 0"),
        (rubric(section("s", linear("q", 5)), section("b", linear("r", 5), kind="bonus"),
                bonus_weighted=True), "sections.b.weight", "numeric weight"),
        (rubric(section("af", choice("q", 0, opt("o", None)), kind="auto_fail")),
         "criteria.q", "auto-fail option"),
        (rubric(section("af", choice("q", 5, opt("o", 5, auto_fail=True)), kind="auto_fail")),
         "criteria.q", "no points"),
        (rubric(section("s", linear("q", 5), default_answer="min")),
         "sections.s.default_answer", "'na', 'max'"),
    ],
)
def test_validate_rubric_names_the_broken_part(broken, param, words):
    with pytest.raises(ScoringError) as err:
        validate_rubric(broken)
    assert err.value.param == param
    assert words in err.value.reason


def test_weights_may_miss_100_by_float_noise_only():
    thirds = [section(s, linear(f"{s}1", 5), weight=100 / 3) for s in "abc"]
    validate_rubric(rubric(*thirds, weighted=True))
    off = [section(s, linear(f"{s}1", 5), weight=33.3333) for s in "abc"]
    with pytest.raises(ScoringError):
        validate_rubric(rubric(*off, weighted=True))


def test_weights_are_ignored_by_total_point_rubrics():
    validate_rubric(rubric(section("a", linear("q", 5), weight=7)))


def answers_rubric() -> Rubric:
    return rubric(
        section(
            "s",
            choice("mc", 5, opt("m0", 0), opt("m5", 5)),
            choice("dd", 5, opt("d0", 0), opt("d5", 5), kind="dropdown"),
            choice("box", 5, opt("b1", 1), opt("b2", 2), kind="checkbox"),
            linear("lin", 5, min_points=1),
        )
    )


GOOD = {"mc": select("m5"), "dd": select("d0"), "box": select("b1", "b2"), "lin": scale(3)}


@pytest.mark.parametrize(
    ("change", "param", "words"),
    [
        ({"nope": NA}, "answers.nope", "no such criterion"),
        ({"mc": select("d0")}, "answers.mc", "not an option"),
        ({"mc": select("m0", "m5")}, "answers.mc", "exactly one option"),
        ({"dd": select()}, "answers.dd", "exactly one option"),
        ({"box": select("b1", "b1")}, "answers.box", "selected twice"),
        ({"box": select("b3")}, "answers.box", "not an option"),
        ({"mc": scale(5)}, "answers.mc", "answered with options"),
        ({"lin": select("m0")}, "answers.lin", "with a number"),
        ({"lin": scale(6)}, "answers.lin", "outside the scale"),
        ({"lin": scale(0)}, "answers.lin", "outside the scale"),
        ({"lin": scale(math.nan)}, "answers.lin", "finite number"),
        ({"lin": Selection()}, "answers.lin", "finite number"),
        ({"lin": scale(True)}, "answers.lin", "finite number"),
        ({"mc": "m5"}, "answers.mc", "N/A or a selection"),
    ],
)
def test_validate_answers_names_the_criterion(change, param, words):
    with pytest.raises(ScoringError) as err:
        validate_answers(answers_rubric(), {**GOOD, **change})
    assert err.value.param == param
    assert words in err.value.reason


def test_missing_answer_to_required_criterion_is_refused():
    incomplete = {k: v for k, v in GOOD.items() if k != "dd"}
    with pytest.raises(ScoringError) as err:
        score(answers_rubric(), incomplete)
    assert err.value.param == "answers.dd"
    assert "Question dd" in err.value.reason


def test_valid_answers_pass():
    validate_answers(answers_rubric(), GOOD)
    validate_answers(answers_rubric(), dict.fromkeys(GOOD, NA))


# --- properties -------------------------------------------------------------------------------

def quarters(low: float, high: float):
    """Multiples of 0.25 within [low, high] (both multiples of 0.25)."""
    return st.integers(round(low * 4), round(high * 4)).map(lambda n: n / 4)


@st.composite
def rubrics(draw, *, weighted=None, bonus=True, auto_fail=True, equal_weights=False):
    ids = count(1)
    weighted = draw(st.booleans()) if weighted is None else weighted
    bonus_weighted = draw(st.booleans())
    n_standard = draw(st.integers(1, 4))
    kinds = ["standard"] * n_standard
    if bonus:
        kinds += ["bonus"] * draw(st.integers(0, 2))
    if auto_fail:
        kinds += ["auto_fail"] * draw(st.integers(0, 1))
    kinds = draw(st.permutations(kinds))
    if equal_weights:
        weights = [100 / n_standard] * n_standard
    else:
        cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=n_standard - 1,
                                    max_size=n_standard - 1)))
        weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    sections = []
    for kind in kinds:
        criteria = [draw(criteria_for(kind, ids)) for _ in range(draw(st.integers(1, 4)))]
        weight = None
        if kind == "standard":
            weight = weights.pop()
        elif kind == "bonus":
            weight = draw(st.integers(0, 20))
        sections.append(Section(f"s{next(ids)}", "S", kind, weight, tuple(criteria)))
    r = Rubric("r", "R", weighted, bonus_weighted, tuple(sections))
    validate_rubric(r)
    return r


@st.composite
def criteria_for(draw, section_kind, ids):
    cid = f"c{next(ids)}"
    if section_kind == "auto_fail":
        kind = draw(st.sampled_from(["multiple_choice", "dropdown", "checkbox"]))
        options = [Option(f"o{next(ids)}", "pass", None, False),
                   Option(f"o{next(ids)}", "fail", None, True)]
        return Criterion(cid, "Q", kind, 0, 0, tuple(draw(st.permutations(options))))
    kind = draw(st.sampled_from(["multiple_choice", "dropdown", "linear_scale", "checkbox"]))
    max_points = draw(quarters(0.25, 10))
    min_points = draw(st.just(0.0) | quarters(0, max_points))
    if kind == "linear_scale":
        return Criterion(cid, "Q", kind, min_points, max_points)
    non_scoring_criterion = draw(st.integers(0, 9)) == 0
    # The first option reaches the max, as options of a real criterion do.
    options = [Option(f"o{next(ids)}", "best", None if non_scoring_criterion else max_points)]
    for _ in range(draw(st.integers(0, 3))):
        points = draw(st.one_of(st.none(), quarters(min_points, max_points)))
        options.append(Option(
            f"o{next(ids)}", "other",
            None if non_scoring_criterion else points,
            draw(st.integers(0, 5)) == 0,
        ))
    return Criterion(cid, "Q", kind, min_points, max_points, tuple(options))


@st.composite
def answers_for(draw, r, *, na=True, auto_fail=True):
    out = {}
    for _, c in r.criteria():
        options = [o for o in c.options if auto_fail or not o.auto_fail]
        if (na and draw(st.integers(0, 4)) == 0) or (c.kind != "linear_scale" and not options):
            out[c.id] = NA
        elif c.kind == "linear_scale":
            out[c.id] = scale(draw(quarters(c.min_points, c.max_points) | st.just(c.max_points)))
        elif c.kind == "checkbox":
            chosen = draw(st.lists(st.sampled_from(options), unique_by=lambda o: o.id))
            out[c.id] = select(*(o.id for o in chosen))
        else:
            out[c.id] = select(draw(st.sampled_from(options)).id)
    return out


@st.composite
def graded(draw, **rubric_options):
    r = draw(rubrics(**rubric_options))
    return r, draw(answers_for(r))


PROPERTY = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def selected_auto_fail(r, answers):
    return any(
        o.auto_fail
        for _, c in r.criteria()
        if isinstance(answers[c.id], Selection)
        for o in c.options
        if o.id in answers[c.id].option_ids
    )


def has_standard_points(r):
    """Whether a grade can score at all: a scoring standard criterion, in a section with a
    positive weight when the rubric is weighted."""
    return any(
        c.is_scoring
        for s, c in r.criteria()
        if s.kind == "standard" and (not r.weighted or (s.weight or 0) > 0)
    )


@PROPERTY
@given(graded(bonus=False))
def test_score_stays_within_0_and_100_without_bonus(case):
    r, answers = case
    result = score(r, answers)
    assert result.rubric_score is None or 0 <= result.rubric_score <= 100 + 1e-9
    for s in result.sections:
        assert s.normalized is None or 0 <= s.normalized <= 1


@PROPERTY
@given(graded())
def test_any_selected_auto_fail_option_scores_zero(case):
    r, answers = case
    result = score(r, answers)
    assert result.auto_failed == selected_auto_fail(r, answers)
    if result.auto_failed:
        assert result.rubric_score == 0


@PROPERTY
@given(st.data())
def test_choosing_an_auto_fail_option_fails_whatever_else(data):
    r = data.draw(rubrics().filter(
        lambda r: any(c.has_auto_fail for _, c in r.criteria())))
    answers = data.draw(answers_for(r))
    c = data.draw(st.sampled_from([c for _, c in r.criteria() if c.has_auto_fail]))
    answers[c.id] = select(next(o.id for o in c.options if o.auto_fail))
    result = score(r, answers)
    assert result.auto_failed and result.rubric_score == 0


@PROPERTY
@given(st.data())
def test_marking_a_criterion_na_never_changes_the_others(data):
    r, answers = data.draw(graded())
    section, criterion = data.draw(st.sampled_from(list(r.criteria())))
    before = score(r, answers)
    after = score(r, {**answers, criterion.id: NA})
    for b, a in zip(before.criteria, after.criteria, strict=True):
        if b.criterion_id != criterion.id:
            assert a == b
    for b, a in zip(before.sections, after.sections, strict=True):
        if b.section_id != section.id:
            assert (a.earned, a.max_points, a.normalized) == (b.earned, b.max_points, b.normalized)
    dropped = before.criterion(criterion.id)
    expected = before.max_rubric_score - (
        dropped.max_points if dropped.counted and section.kind == "standard" else 0
    )
    assert after.max_rubric_score == pytest.approx(expected)
    assert after.criterion(criterion.id).is_na


@PROPERTY
@given(rubrics(bonus=False))
def test_best_answers_score_100(r):
    r = dataclasses.replace(r, sections=tuple(
        dataclasses.replace(s, default_answer="max") for s in r.sections))
    result = score(r, default_answers(r))
    assert not result.auto_failed
    if has_standard_points(r):
        assert result.rubric_score == pytest.approx(100.0, abs=1e-9)
    else:
        assert result.rubric_score is None


@PROPERTY
@given(graded(weighted=True, equal_weights=True, bonus=False, auto_fail=False))
def test_equal_weights_give_the_mean_of_section_percentages(case):
    r, answers = case
    result = score(r, answers)
    if result.auto_failed:
        return
    live = [s.normalized for s in result.sections if s.normalized is not None]
    if not live:
        assert result.rubric_score is None
    else:
        assert result.rubric_score == pytest.approx(100 * sum(live) / len(live))


@PROPERTY
@given(graded(weighted=False, bonus=False))
def test_weights_proportional_to_section_max_give_the_total_point_score(case):
    r, answers = case
    total_point = score(r, answers)
    if total_point.rubric_score is None or total_point.auto_failed:
        return
    maxes = {s.section_id: s.max_points for s in total_point.sections}
    weighted = dataclasses.replace(r, weighted=True, sections=tuple(
        dataclasses.replace(s, weight=100 * maxes[s.id] / total_point.max_rubric_score)
        for s in r.sections))
    assert score(weighted, answers).rubric_score == pytest.approx(total_point.rubric_score)


@PROPERTY
@given(graded())
def test_a_grade_is_fully_aligned_with_itself(case):
    r, answers = case
    result = alignment(r, answers, answers)
    if any(c.is_scoring for _, c in r.criteria()):
        assert result.rubric_alignment == 1.0
    else:
        assert result.rubric_alignment is None


@PROPERTY
@given(st.data())
def test_alignment_is_symmetric_and_between_0_and_1(data):
    r = data.draw(rubrics())
    first = data.draw(answers_for(r))
    second = data.draw(answers_for(r))
    forward = alignment(r, first, second)
    backward = alignment(r, second, first)
    assert forward.rubric_alignment == backward.rubric_alignment
    assert [c.alignment for c in forward.criteria] == [c.alignment for c in backward.criteria]
    assert forward.rubric_alignment is None or 0 <= forward.rubric_alignment <= 1
    for c in forward.criteria:
        assert c.alignment is None or 0 <= c.alignment <= 1
    assert math.fsum(c.weight for c in forward.criteria) == pytest.approx(
        1.0 if forward.rubric_max else 0.0)
