"""The scoring engine: rubric structure, a grade's answers, scores and grader-QA alignment.

Pure values and functions: no database, no HTTP, no clock. Every rule below follows
`docs/scoring.md`, which also lists each case the MaestroQA documentation leaves open and the
rule Podium chose for it. In short:

- A criterion *counts* when it is scoring (a linear scale, or a choice criterion with at least
  one scoring option, and `max_points > 0`) and its answer is a selection that scores (a linear
  value, an empty or scoring checkbox selection, or a scoring option). N/A, an unanswered
  optional criterion and a selection made only of non-scoring options do not count: they leave
  both the earned points and the max, exactly like N/A.
- Total-point rubric: `rubric_score = 100 × Σ earned ÷ Σ max` over the counted criteria of the
  standard sections.
- Custom weighted sections: `rubric_score = 100 × Σ (earned_s ÷ max_s) × weight_s ÷ Σ weight_s`
  over the standard sections that still have a max, so N/A sections hand their weight to the
  others in proportion (with no N/A, Σ weight_s = 100 and this is the documented formula).
- Bonus sections add percentage points on top (and may push the score above 100): weighted bonus
  adds `(earned_b ÷ max_b) × weight_b`; unweighted bonus adds `100 × earned_b ÷ Σ max` of the
  standard sections (a bonus point is worth what a standard point is worth in a total-point
  rubric, whichever way the standard sections are scored).
- Any selected auto-fail option makes the score 0, whatever else was chosen (bonus, all N/A);
  an auto-fail criterion marked N/A does not fail; section and criterion results keep their
  points on a failed grade.
- A section where nothing counts has `earned`/`normalized` None and max 0.
- No counted standard criterion (everything N/A): the score is None, exported as "N/A"; bonus
  points alone do not make a score.
- An empty checkbox selection counts and earns `min_points`; points are never negative.
- Alignment rules (N/A, auto-fail, non-scoring criteria): see `alignment`.
- Full float precision throughout; exports round.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from podium.errors import Invalid

SectionKind = Literal["standard", "bonus", "auto_fail"]
CriterionKind = Literal["multiple_choice", "dropdown", "linear_scale", "checkbox"]
DefaultAnswer = Literal["na", "max"]
CriterionStatus = Literal["scored", "na", "non_scoring", "unanswered"]

SECTION_KINDS: tuple[str, ...] = ("standard", "bonus", "auto_fail")
CRITERION_KINDS: tuple[str, ...] = ("multiple_choice", "dropdown", "linear_scale", "checkbox")
SINGLE_CHOICE_KINDS: tuple[str, ...] = ("multiple_choice", "dropdown")
DEFAULT_ANSWERS: tuple[str, ...] = ("na", "max")
WEIGHT_TOLERANCE = 1e-6


class ScoringError(Invalid):
    """A rubric or a grade's answers break a scoring rule; `param` names the offending part.

    A subclass of `Invalid`, so a service that lets it through answers 422 naming the parameter.
    """

    def __init__(self, param: str, message: str):
        super().__init__(f"{param}: {message}", [(param, message)])
        self.param = param
        self.reason = message


# --- Rubric structure -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a choice criterion. `points=None` makes it a non-scoring option."""

    id: str
    label: str
    points: float | None = None
    auto_fail: bool = False

    @property
    def is_scoring(self) -> bool:
        return self.points is not None


@dataclass(frozen=True, slots=True)
class Criterion:
    """A question of a rubric. Linear scales have no options; the value answered is the points.

    `required=False` lets a grade leave the criterion unanswered; it then counts like N/A.
    """

    id: str
    text: str
    kind: CriterionKind
    min_points: float
    max_points: float
    options: tuple[Option, ...] = ()
    required: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(self.options))

    @property
    def is_scoring(self) -> bool:
        """Whether answers to this criterion can carry points at all."""
        if not self.max_points > 0:
            return False
        if self.kind == "linear_scale":
            return True
        return any(o.is_scoring for o in self.options)

    @property
    def has_auto_fail(self) -> bool:
        return any(o.auto_fail for o in self.options)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True, slots=True)
class Section:
    """A group of criteria. `weight` is a percentage, used by weighted rubrics only.

    `default_answer` ("na" / "max" / None) says how a new grade is pre-filled; see
    `default_answers`.
    """

    id: str
    name: str
    kind: SectionKind
    weight: float | None
    criteria: tuple[Criterion, ...] = ()
    default_answer: DefaultAnswer | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "criteria", tuple(self.criteria))


@dataclass(frozen=True, slots=True)
class Rubric:
    """A rubric (scorecard). `weighted` = custom weighted sections; `bonus_weighted` = bonus
    sections add `(earned ÷ max) × weight` percentage points instead of raw points."""

    id: str
    name: str
    weighted: bool
    bonus_weighted: bool
    sections: tuple[Section, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "sections", tuple(self.sections))

    def criteria(self) -> Iterator[tuple[Section, Criterion]]:
        """Every criterion with its section, in rubric order."""
        for section in self.sections:
            for criterion in section.criteria:
                yield section, criterion

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for _, c in self.criteria() if c.id == criterion_id), None)


# --- A grade's answers ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NotApplicable:
    """The N/A answer: the criterion leaves both the earned points and the max."""


NA = NotApplicable()


@dataclass(frozen=True, slots=True)
class Selection:
    """A non-N/A answer: option ids for choice criteria (several only for checkbox), or a
    number for a linear scale."""

    option_ids: tuple[str, ...] = ()
    value: float | None = None

    def __post_init__(self) -> None:
        ids = self.option_ids
        object.__setattr__(self, "option_ids", (ids,) if isinstance(ids, str) else tuple(ids))


Answer = Selection | NotApplicable
Answers = Mapping[str, Answer]


def select(*option_ids: str) -> Selection:
    """A selection of options (one for multiple choice and dropdown; any number for checkbox)."""
    return Selection(option_ids=option_ids)


def scale(value: float) -> Selection:
    """The answer of a linear-scale criterion."""
    return Selection(value=value)


# --- Results ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CriterionScore:
    """The points of one criterion on one grade.

    `earned` is None unless the criterion counts (`status == "scored"`); `max_points` is the
    criterion's max whether or not it counts (the export's `max_question_score`).
    """

    criterion_id: str
    section_id: str
    status: CriterionStatus
    earned: float | None
    max_points: float
    auto_failed: bool

    @property
    def is_na(self) -> bool:
        return self.status == "na"

    @property
    def counted(self) -> bool:
        return self.status == "scored"


@dataclass(frozen=True, slots=True)
class SectionScore:
    """The points of one section. `earned` and `normalized` are None when no criterion of the
    section counts; `max_points` is then 0. `effective_weight` is the weight actually applied
    after N/A sections were dropped (weighted rubrics, and weighted bonus), else None."""

    section_id: str
    kind: SectionKind
    earned: float | None
    max_points: float
    normalized: float | None
    weight: float | None
    effective_weight: float | None


@dataclass(frozen=True, slots=True)
class GradeScore:
    """A grade's score. `rubric_score` is a percentage (None when nothing counts, 0 when
    auto-failed, above 100 possible with bonus); `max_rubric_score` is the points of the
    counted standard criteria (bonus excluded: it is the 100% basis)."""

    rubric_id: str
    criteria: tuple[CriterionScore, ...]
    sections: tuple[SectionScore, ...]
    rubric_score: float | None
    max_rubric_score: float
    earned_points: float | None
    bonus_points: float | None
    bonus_score: float | None
    auto_failed: bool

    def criterion(self, criterion_id: str) -> CriterionScore:
        return next(c for c in self.criteria if c.criterion_id == criterion_id)

    def section(self, section_id: str) -> SectionScore:
        return next(s for s in self.sections if s.section_id == section_id)


@dataclass(frozen=True, slots=True)
class CriterionAlignment:
    """How far the original grade's points on one criterion are from the benchmark's.

    `alignment` is None for criteria that carry no points and no auto-fail; `weight` is the
    criterion's share of the rubric alignment (`max ÷ rubric max`, 0 for non-scoring ones).
    """

    criterion_id: str
    original: float | None
    benchmark: float | None
    max_points: float
    alignment: float | None
    weight: float


@dataclass(frozen=True, slots=True)
class Alignment:
    """Grader-QA / calibration alignment as a fraction in [0, 1] (exports show percent).

    `rubric_alignment` is None only for a rubric without any scoring criterion (and no
    auto-fail disagreement)."""

    criteria: tuple[CriterionAlignment, ...]
    rubric_alignment: float | None
    rubric_max: float
    original: GradeScore
    benchmark: GradeScore

    def criterion(self, criterion_id: str) -> CriterionAlignment:
        return next(c for c in self.criteria if c.criterion_id == criterion_id)


# --- Validation -------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _unique(ids: Iterable[tuple[str, str]], what: str) -> None:
    seen: set[str] = set()
    for param, id_ in ids:
        if not isinstance(id_, str) or not id_:
            raise ScoringError(param, f"{what} id must be a non-empty string")
        if id_ in seen:
            raise ScoringError(param, f"duplicate {what} id {id_!r}")
        seen.add(id_)


def validate_rubric(rubric: Rubric) -> None:
    """Check a rubric can be scored; raise ScoringError naming the first broken part.

    Rules: ids unique per kind across the rubric (sections, criteria, options); known kinds;
    finite points with 0 <= min_points <= max_points (negative points are not supported); scoring
    options' points within [min_points, max_points]; linear scales have no options and choice
    criteria have at least one; the standard sections of a weighted rubric have weights >= 0
    summing to 100 (within 1e-6); bonus sections of a bonus-weighted rubric have a weight >= 0;
    an auto-fail section holds only choice criteria with at least one auto-fail option and no
    scoring option (it never adds points, it only fails the grade).
    """
    _unique(((f"sections.{s.id}", s.id) for s in rubric.sections), "section")
    _unique(((f"criteria.{c.id}", c.id) for _, c in rubric.criteria()), "criterion")
    _unique(
        ((f"options.{o.id}", o.id) for _, c in rubric.criteria() for o in c.options), "option"
    )
    for section in rubric.sections:
        sp = f"sections.{section.id}"
        if section.kind not in SECTION_KINDS:
            raise ScoringError(f"{sp}.kind", f"must be one of {', '.join(SECTION_KINDS)}")
        if section.default_answer is not None and section.default_answer not in DEFAULT_ANSWERS:
            raise ScoringError(f"{sp}.default_answer", "must be 'na', 'max' or None")
        weight_needed = (rubric.weighted and section.kind == "standard") or (
            rubric.bonus_weighted and section.kind == "bonus"
        )
        if weight_needed:
            if section.weight is None or not _is_number(section.weight):
                raise ScoringError(f"{sp}.weight", "a weighted section needs a numeric weight")
            if section.weight < 0:
                raise ScoringError(f"{sp}.weight", "must be >= 0")
        for criterion in section.criteria:
            _validate_criterion(section, criterion)
    if rubric.weighted:
        total = math.fsum(s.weight or 0.0 for s in rubric.sections if s.kind == "standard")
        if abs(total - 100.0) > WEIGHT_TOLERANCE:
            raise ScoringError(
                "sections.weight",
                f"the weights of the standard sections of a weighted rubric must add up to 100"
                f" (they add up to {total:g})",
            )


def _validate_criterion(section: Section, criterion: Criterion) -> None:
    cp = f"criteria.{criterion.id}"
    if criterion.kind not in CRITERION_KINDS:
        raise ScoringError(f"{cp}.kind", f"must be one of {', '.join(CRITERION_KINDS)}")
    for name in ("min_points", "max_points"):
        if not _is_number(getattr(criterion, name)):
            raise ScoringError(f"{cp}.{name}", "must be a finite number")
    if criterion.min_points < 0:
        raise ScoringError(f"{cp}.min_points", "must be >= 0")
    if criterion.min_points > criterion.max_points:
        raise ScoringError(f"{cp}.min_points", "must be <= max_points")
    if criterion.kind == "linear_scale":
        if criterion.options:
            raise ScoringError(f"{cp}.options", "a linear scale has no options")
    elif not criterion.options:
        raise ScoringError(f"{cp}.options", f"a {criterion.kind} criterion needs options")
    for option in criterion.options:
        op = f"options.{option.id}"
        if option.points is None:
            continue
        if not _is_number(option.points):
            raise ScoringError(f"{op}.points", "must be a finite number or None (non-scoring)")
        if not criterion.min_points <= option.points <= criterion.max_points:
            raise ScoringError(
                f"{op}.points",
                f"must be within the criterion's points [{criterion.min_points:g},"
                f" {criterion.max_points:g}]",
            )
    if section.kind == "auto_fail":
        if criterion.kind == "linear_scale" or not criterion.has_auto_fail:
            raise ScoringError(
                cp, "an auto-fail section holds only criteria with an auto-fail option"
            )
        if any(o.is_scoring for o in criterion.options):
            raise ScoringError(cp, "options of an auto-fail section carry no points")


def validate_answers(rubric: Rubric, answers: Answers) -> None:
    """Check a grade's answers against its rubric; raise ScoringError naming the criterion.

    Refused: an unknown criterion id; an answer that is neither N/A nor a Selection; an unknown
    or repeated option id; several options for a non-checkbox criterion; no option for a
    multiple choice or dropdown criterion; a number for a choice criterion or options for a
    linear scale; a linear value that is missing, not finite or outside [min_points, max_points];
    a required criterion without an answer (N/A is an answer).
    """
    known = {c.id: c for _, c in rubric.criteria()}
    for criterion_id in answers:
        if criterion_id not in known:
            raise ScoringError(f"answers.{criterion_id}", "no such criterion in this rubric")
    for criterion in known.values():
        param = f"answers.{criterion.id}"
        answer = answers.get(criterion.id)
        if answer is None:
            if criterion.required:
                raise ScoringError(param, f"criterion {criterion.text!r} needs an answer or N/A")
            continue
        if isinstance(answer, NotApplicable):
            continue
        if not isinstance(answer, Selection):
            raise ScoringError(param, "must be N/A or a selection")
        if criterion.kind == "linear_scale":
            if answer.option_ids:
                raise ScoringError(param, "a linear scale is answered with a number, not options")
            if answer.value is None or not _is_number(answer.value):
                raise ScoringError(param, "a linear scale needs a finite number")
            if not criterion.min_points <= answer.value <= criterion.max_points:
                raise ScoringError(
                    param,
                    f"{answer.value:g} is outside the scale [{criterion.min_points:g},"
                    f" {criterion.max_points:g}]",
                )
            continue
        if answer.value is not None:
            raise ScoringError(param, f"a {criterion.kind} criterion is answered with options")
        if criterion.kind in SINGLE_CHOICE_KINDS and len(answer.option_ids) != 1:
            raise ScoringError(
                param, f"a {criterion.kind} criterion takes exactly one option"
                f" ({len(answer.option_ids)} given)"
            )
        if len(set(answer.option_ids)) != len(answer.option_ids):
            raise ScoringError(param, "an option is selected twice")
        for option_id in answer.option_ids:
            if criterion.option(option_id) is None:
                raise ScoringError(
                    param, f"option {option_id!r} is not an option of this criterion"
                )


# --- Scoring ----------------------------------------------------------------------------------


def _score_criterion(
    section: Section, criterion: Criterion, answer: Answer | None
) -> CriterionScore:
    def result(
        status: CriterionStatus, earned: float | None, auto_failed: bool = False
    ) -> CriterionScore:
        return CriterionScore(
            criterion_id=criterion.id,
            section_id=section.id,
            status=status,
            earned=earned,
            max_points=criterion.max_points,
            auto_failed=auto_failed,
        )

    if answer is None:
        return result("unanswered", None)
    if isinstance(answer, NotApplicable):
        return result("na", None)
    if criterion.kind == "linear_scale":
        if not criterion.is_scoring or answer.value is None:
            return result("non_scoring", None)
        return result("scored", float(answer.value))
    chosen = [o for o in criterion.options if o.id in answer.option_ids]
    auto_failed = any(o.auto_fail for o in chosen)
    scoring = [o for o in chosen if o.is_scoring]
    # An empty checkbox selection is a real answer ("none of these"): it scores min_points.
    # A selection made only of non-scoring options leaves the score, like N/A.
    if not criterion.is_scoring or (chosen and not scoring):
        return result("non_scoring", None, auto_failed)
    earned = math.fsum(o.points for o in scoring if o.points is not None)
    earned = min(max(earned, criterion.min_points), criterion.max_points)
    return result("scored", float(earned), auto_failed)


def _section_score(section: Section, criteria: list[CriterionScore]) -> SectionScore:
    counted = [c for c in criteria if c.counted]
    max_points = math.fsum(c.max_points for c in counted)
    if not counted or max_points <= 0:
        return SectionScore(section.id, section.kind, None, 0.0, None, section.weight, None)
    earned = math.fsum(c.earned for c in counted if c.earned is not None)
    return SectionScore(
        section.id, section.kind, earned, max_points, earned / max_points, section.weight, None
    )


def _weighted(sections: list[SectionScore]) -> tuple[float | None, dict[str, float]]:
    """100 × Σ normalized × weight ÷ Σ weight over sections that have a max, and the weights
    actually applied (renormalised to 100)."""
    live = [s for s in sections if s.normalized is not None]
    total_weight = math.fsum(s.weight or 0.0 for s in live)
    if not live or total_weight <= 0:
        return None, {}
    value = 100.0 * math.fsum((s.normalized or 0.0) * (s.weight or 0.0) for s in live)
    value /= total_weight
    applied = {s.section_id: 100.0 * (s.weight or 0.0) / total_weight for s in live}
    return value, applied


def score(rubric: Rubric, answers: Answers) -> GradeScore:
    """Score a grade: validates rubric and answers, then applies the rules of docs/scoring.md.

    Sections' and criteria's results are always computed; `auto_failed` forces only
    `rubric_score` to 0 (section scores keep their points, as the export shows them).
    """
    validate_rubric(rubric)
    validate_answers(rubric, answers)

    criterion_scores: list[CriterionScore] = []
    section_scores: list[SectionScore] = []
    for section in rubric.sections:
        in_section = [_score_criterion(section, c, answers.get(c.id)) for c in section.criteria]
        criterion_scores.extend(in_section)
        section_scores.append(_section_score(section, in_section))

    standard = [s for s in section_scores if s.kind == "standard"]
    bonus = [s for s in section_scores if s.kind == "bonus"]
    auto_failed = any(c.auto_failed for c in criterion_scores)

    max_rubric_score = math.fsum(s.max_points for s in standard)
    standard_earned = [s.earned for s in standard if s.earned is not None]
    earned_points = math.fsum(standard_earned) if standard_earned else None
    live_bonus = [s for s in bonus if s.earned is not None and s.normalized is not None]
    bonus_points = math.fsum(s.earned or 0.0 for s in live_bonus) if live_bonus else None

    applied: dict[str, float] = {}
    if rubric.weighted:
        base, applied = _weighted(standard)
    elif earned_points is not None and max_rubric_score > 0:
        base = 100.0 * earned_points / max_rubric_score
    else:
        base = None

    bonus_score: float | None = None
    if base is not None and live_bonus:
        if rubric.bonus_weighted:
            # Percentage points: a full bonus section adds its weight; no renormalising,
            # since bonus weights are not shares of the 100.
            bonus_score = math.fsum(
                (s.normalized or 0.0) * (s.weight or 0.0) for s in live_bonus
            )
            applied.update({s.section_id: s.weight or 0.0 for s in live_bonus})
        else:
            bonus_score = 100.0 * (bonus_points or 0.0) / max_rubric_score

    if auto_failed:
        rubric_score: float | None = 0.0
    elif base is None:
        rubric_score = None
    else:
        rubric_score = base + (bonus_score or 0.0)

    sections = tuple(
        _with_effective_weight(s, applied.get(s.section_id)) for s in section_scores
    )
    return GradeScore(
        rubric_id=rubric.id,
        criteria=tuple(criterion_scores),
        sections=sections,
        rubric_score=rubric_score,
        max_rubric_score=max_rubric_score,
        earned_points=earned_points,
        bonus_points=bonus_points,
        bonus_score=bonus_score,
        auto_failed=auto_failed,
    )


def _with_effective_weight(section: SectionScore, weight: float | None) -> SectionScore:
    if weight is None:
        return section
    return SectionScore(
        section.section_id,
        section.kind,
        section.earned,
        section.max_points,
        section.normalized,
        section.weight,
        weight,
    )


# --- Default answers --------------------------------------------------------------------------


def default_answers(rubric: Rubric) -> dict[str, Answer]:
    """The pre-filled answers of a new grade, from each section's `default_answer`.

    "na" pre-fills N/A. "max" pre-fills the best answer that does not auto-fail: the highest
    scoring option (first on ties; the first non-auto-fail option when none scores) for
    multiple choice and dropdown, every option with positive points for checkbox (the sum is
    capped at max), `max_points` for a linear scale. Sections without a default are left out.
    """
    out: dict[str, Answer] = {}
    for section in rubric.sections:
        if section.default_answer is None:
            continue
        for criterion in section.criteria:
            if section.default_answer == "na":
                out[criterion.id] = NA
            elif criterion.kind == "linear_scale":
                out[criterion.id] = scale(criterion.max_points)
            elif criterion.kind == "checkbox":
                out[criterion.id] = select(
                    *(
                        o.id
                        for o in criterion.options
                        if not o.auto_fail and o.points is not None and o.points > 0
                    )
                )
            else:
                passing = [o for o in criterion.options if not o.auto_fail]
                if passing:
                    best = max(
                        passing, key=lambda o: -math.inf if o.points is None else o.points
                    )
                    out[criterion.id] = select(best.id)
    return out


def with_defaults(rubric: Rubric, answers: Answers) -> dict[str, Answer]:
    """`answers` completed with the rubric's default answers where a criterion has none."""
    return {**default_answers(rubric), **answers}


# --- Alignment --------------------------------------------------------------------------------


def alignment(rubric: Rubric, original_answers: Answers, benchmark_answers: Answers) -> Alignment:
    """Grader-QA / calibration alignment of an original grade against the benchmark grade.

    Per criterion that carries points: both counted → `1 − |original − benchmark| ÷ max`;
    neither counted (N/A, unanswered, or only non-scoring options, on both sides) → 1; counted on
    one side only → 0. Rubric alignment = Σ criterion alignment × max ÷ rubric max, where the
    rubric max is the sum of the max of every scoring criterion (standard and bonus), the same
    for both grades whatever they marked N/A. Criteria without points (non-scoring, auto-fail
    sections) weigh 0; those with an auto-fail option report 1 when both sides agree on failing
    and 0 otherwise. If exactly one grade is auto-failed the rubric alignment is 0: the two
    grades disagree on the outcome itself.
    """
    original = score(rubric, original_answers)
    benchmark = score(rubric, benchmark_answers)
    scoring = [c for _, c in rubric.criteria() if c.is_scoring]
    rubric_max = math.fsum(c.max_points for c in scoring)

    rows: list[CriterionAlignment] = []
    terms: list[float] = []
    for _, criterion in rubric.criteria():
        o = original.criterion(criterion.id)
        b = benchmark.criterion(criterion.id)
        value: float | None
        weight = 0.0
        if criterion.is_scoring:
            if o.earned is not None and b.earned is not None:
                value = 1.0 - abs(o.earned - b.earned) / criterion.max_points
            else:
                value = 1.0 if o.counted == b.counted else 0.0
            terms.append(value * criterion.max_points)
            weight = criterion.max_points / rubric_max
        elif criterion.has_auto_fail:
            value = 1.0 if o.auto_failed == b.auto_failed else 0.0
        else:
            value = None
        rows.append(
            CriterionAlignment(
                criterion_id=criterion.id,
                original=o.earned,
                benchmark=b.earned,
                max_points=criterion.max_points,
                alignment=value,
                weight=weight,
            )
        )

    rubric_alignment: float | None
    if original.auto_failed != benchmark.auto_failed:
        rubric_alignment = 0.0
    elif rubric_max > 0:
        rubric_alignment = math.fsum(terms) / rubric_max
    else:
        rubric_alignment = None
    return Alignment(
        criteria=tuple(rows),
        rubric_alignment=rubric_alignment,
        rubric_max=rubric_max,
        original=original,
        benchmark=benchmark,
    )
