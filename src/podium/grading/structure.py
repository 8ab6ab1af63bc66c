"""A rubric version's structure in memory, and what is derived from it.

`Structure` is the one in-memory shape of a rubric version: built from a request body (service),
from the database rows (repository), or in code (the demo seed); turned into database rows, into
the scoring engine's `scoring.Rubric`, and compared with another structure to decide whether an
edit needs a new version (`versioning_changes`). The rows a grade's scores are stored in
(`grade_section_rows`, `grade_answer_rows`) are built here too, so the API and the seed store
exactly the same thing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from podium.grading import scoring
from podium.grading.scoring import NA, Answer, GradeScore, NotApplicable, Selection

LABEL_SEPARATOR = "; "
NA_LABEL = "N/A"


@dataclass(frozen=True, slots=True)
class FeedbackOptionDef:
    id: str
    label: str
    # the option it belongs to (per-option feedback), or None (general feedback of the criterion)
    option_id: str | None = None


@dataclass(frozen=True, slots=True)
class OptionDef:
    id: str
    label: str
    points: float | None = None
    auto_fail: bool = False
    # per-option feedback: no_change / show / require
    feedback: str = "no_change"


@dataclass(frozen=True, slots=True)
class CriterionDef:
    id: str
    text: str
    kind: str
    min_points: float
    max_points: float
    description: str = ""
    required: bool = True
    feedback_mode: str = "none"
    options: tuple[OptionDef, ...] = ()
    feedback_options: tuple[FeedbackOptionDef, ...] = ()

    def option(self, option_id: str) -> OptionDef | None:
        return next((o for o in self.options if o.id == option_id), None)

    def feedback_for(self, option_id: str | None) -> tuple[FeedbackOptionDef, ...]:
        return tuple(f for f in self.feedback_options if f.option_id == option_id)


@dataclass(frozen=True, slots=True)
class SectionDef:
    id: str
    name: str
    kind: str = "standard"
    weight: float | None = None
    default_answer: str | None = None
    criteria: tuple[CriterionDef, ...] = ()


@dataclass(frozen=True, slots=True)
class Structure:
    """A rubric version: settings and sections, criteria, options and feedback options in order."""

    name: str
    weighted: bool = False
    bonus_weighted: bool = False
    sections: tuple[SectionDef, ...] = ()
    # built on first use; a structure is immutable
    _index: dict[str, tuple[SectionDef, CriterionDef]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def criteria(self) -> Iterator[tuple[SectionDef, CriterionDef]]:
        for section in self.sections:
            for criterion in section.criteria:
                yield section, criterion

    def criterion(self, criterion_id: str) -> tuple[SectionDef, CriterionDef] | None:
        if not self._index:
            self._index.update({c.id: (s, c) for s, c in self.criteria()})
        return self._index.get(criterion_id)

    def scoring(self, rubric_id: str, *, all_optional: bool = False) -> scoring.Rubric:
        """The scoring engine's view. `all_optional` makes every criterion optional, so a draft
        (or an older grade missing a criterion added since) scores over what it answered."""
        return scoring.Rubric(
            id=rubric_id,
            name=self.name,
            weighted=self.weighted,
            bonus_weighted=self.bonus_weighted,
            sections=tuple(
                scoring.Section(
                    id=s.id,
                    name=s.name,
                    kind=s.kind,  # type: ignore[arg-type]
                    weight=s.weight,
                    default_answer=s.default_answer,  # type: ignore[arg-type]
                    criteria=tuple(
                        scoring.Criterion(
                            id=c.id,
                            text=c.text,
                            kind=c.kind,  # type: ignore[arg-type]
                            min_points=c.min_points,
                            max_points=c.max_points,
                            options=tuple(
                                scoring.Option(o.id, o.label, o.points, o.auto_fail)
                                for o in c.options
                            ),
                            required=c.required and not all_optional,
                        )
                        for c in s.criteria
                    ),
                )
                for s in self.sections
            ),
        )


# --- database rows ------------------------------------------------------------------------------


def structure_rows(
    structure: Structure, *, account_id: str, version_pk: str
) -> dict[str, list[dict[str, Any]]]:
    """The rows of `rubric_sections`, `rubric_criteria`, `rubric_options` and
    `rubric_feedback_options` holding this structure as version `version_pk`."""
    out: dict[str, list[dict[str, Any]]] = {
        "rubric_sections": [],
        "rubric_criteria": [],
        "rubric_options": [],
        "rubric_feedback_options": [],
    }
    base = {"account_id": account_id, "version_pk": version_pk}
    for s_pos, section in enumerate(structure.sections):
        out["rubric_sections"].append(
            {
                **base,
                "section_id": section.id,
                "position": s_pos,
                "name": section.name,
                "kind": section.kind,
                "weight": section.weight,
                "default_answer": section.default_answer,
            }
        )
        for c_pos, c in enumerate(section.criteria):
            out["rubric_criteria"].append(
                {
                    **base,
                    "criterion_id": c.id,
                    "section_id": section.id,
                    "position": c_pos,
                    "text": c.text,
                    "description": c.description,
                    "kind": c.kind,
                    "min_points": c.min_points,
                    "max_points": c.max_points,
                    "required": c.required,
                    "feedback_mode": c.feedback_mode,
                }
            )
            for o_pos, o in enumerate(c.options):
                out["rubric_options"].append(
                    {
                        **base,
                        "option_id": o.id,
                        "criterion_id": c.id,
                        "position": o_pos,
                        "label": o.label,
                        "points": o.points,
                        "auto_fail": o.auto_fail,
                        "feedback": o.feedback,
                    }
                )
            for f_pos, f in enumerate(c.feedback_options):
                out["rubric_feedback_options"].append(
                    {
                        **base,
                        "feedback_option_id": f.id,
                        "criterion_id": c.id,
                        "option_id": f.option_id,
                        "position": f_pos,
                        "label": f.label,
                    }
                )
    return out


def structure_from_rows(
    *,
    name: str,
    weighted: bool,
    bonus_weighted: bool,
    sections: list[Any],
    criteria: list[Any],
    options: list[Any],
    feedback_options: list[Any],
) -> Structure:
    """A structure from its rows (ORM objects or named rows), each list in position order."""
    opts: dict[str, list[OptionDef]] = {}
    for o in options:
        opts.setdefault(o.criterion_id, []).append(
            OptionDef(o.option_id, o.label, o.points, o.auto_fail, o.feedback)
        )
    feedback: dict[str, list[FeedbackOptionDef]] = {}
    for f in feedback_options:
        feedback.setdefault(f.criterion_id, []).append(
            FeedbackOptionDef(f.feedback_option_id, f.label, f.option_id)
        )
    crits: dict[str, list[CriterionDef]] = {}
    for c in criteria:
        crits.setdefault(c.section_id, []).append(
            CriterionDef(
                id=c.criterion_id,
                text=c.text,
                kind=c.kind,
                min_points=c.min_points,
                max_points=c.max_points,
                description=c.description,
                required=c.required,
                feedback_mode=c.feedback_mode,
                options=tuple(opts.get(c.criterion_id, ())),
                feedback_options=tuple(feedback.get(c.criterion_id, ())),
            )
        )
    return Structure(
        name=name,
        weighted=weighted,
        bonus_weighted=bonus_weighted,
        sections=tuple(
            SectionDef(
                id=s.section_id,
                name=s.name,
                kind=s.kind,
                weight=s.weight,
                default_answer=s.default_answer,
                criteria=tuple(crits.get(s.section_id, ())),
            )
            for s in sections
        ),
    )


# --- versioning ---------------------------------------------------------------------------------


def _weight_applies(structure: Structure, section: SectionDef) -> bool:
    return (structure.weighted and section.kind == "standard") or (
        structure.bonus_weighted and section.kind == "bonus"
    )


def _scores(criterion: CriterionDef) -> bool:
    """Whether the criterion can carry points or fail a grade."""
    if criterion.kind == "linear_scale":
        return criterion.max_points > 0
    return any(o.points is not None or o.auto_fail for o in criterion.options)


def versioning_changes(old: Structure, new: Structure) -> list[str]:
    """Why editing `old` into `new` needs a new version when grades use `old` (empty: it does
    not). The rules of MaestroQA's rubric versioning (domain.md §4): adding a scoring, auto-fail
    or bonus section; deleting a section, criterion or option; making an option auto-fail;
    adding an option with points or changing an option's points; changing section weights;
    changing a section's type or settings. Podium adds what can change a stored grade's score
    the same way: a criterion's kind, points range or required flag, the rubric's weighting, an
    added scoring criterion (a linear scale with points is "an option with points"), a criterion
    or option moved elsewhere, and a deleted feedback option (a grade may have selected it).
    Names, texts, labels, descriptions, order, feedback settings, and added non-scoring
    criteria, options and feedback options change the version in place."""
    reasons: list[str] = []
    if old.weighted != new.weighted:
        reasons.append("changed custom weighted sections")
    if old.bonus_weighted != new.bonus_weighted:
        reasons.append("changed bonus weighting")

    old_sections = {s.id: s for s in old.sections}
    new_sections = {s.id: s for s in new.sections}
    for sid, s in old_sections.items():
        if sid not in new_sections:
            reasons.append(f'deleted section "{s.name}"')
    for sid, s in new_sections.items():
        before = old_sections.get(sid)
        if before is None:
            if s.kind != "standard" or any(_scores(c) for c in s.criteria):
                reasons.append(f'added {s.kind.replace("_", "-")} section "{s.name}"')
            continue
        if before.kind != s.kind:
            reasons.append(f'changed the type of section "{s.name}"')
        if before.default_answer != s.default_answer:
            reasons.append(f'changed the default answer of section "{s.name}"')
        weighs = _weight_applies(old, before) or _weight_applies(new, s)
        if weighs and before.weight != s.weight:
            reasons.append(f'changed the weight of section "{s.name}"')

    old_criteria = {c.id: (s.id, c) for s, c in old.criteria()}
    new_criteria = {c.id: (s.id, c) for s, c in new.criteria()}
    for cid, (_, c) in old_criteria.items():
        if cid not in new_criteria:
            reasons.append(f'deleted criterion "{c.text}"')
    old_options = {o.id: (c.id, o) for _, c in old.criteria() for o in c.options}
    new_options = {o.id: (c.id, o) for _, c in new.criteria() for o in c.options}
    for cid, (sid, c) in new_criteria.items():
        if cid not in old_criteria:
            if _scores(c):
                reasons.append(f'added scoring criterion "{c.text}"')
            continue
        before_sid, before = old_criteria[cid]
        if before_sid != sid:
            reasons.append(f'moved criterion "{c.text}" to another section')
        single = ("multiple_choice", "dropdown")  # score alike: one option each
        if before.kind != c.kind and not (before.kind in single and c.kind in single):
            reasons.append(f'changed the kind of criterion "{c.text}"')
        if (before.min_points, before.max_points) != (c.min_points, c.max_points):
            reasons.append(f'changed the points of criterion "{c.text}"')
        if before.required != c.required:
            reasons.append(f'changed whether criterion "{c.text}" is required')
    for oid, (_, o) in old_options.items():
        if oid not in new_options:
            reasons.append(f'deleted option "{o.label}"')
    for oid, (cid, o) in new_options.items():
        if oid not in old_options:
            if o.points is not None:
                reasons.append(f'added option "{o.label}" with points')
            elif o.auto_fail:
                reasons.append(f'added auto-fail option "{o.label}"')
            continue
        before_cid, before_o = old_options[oid]
        if before_cid != cid:
            reasons.append(f'moved option "{o.label}" to another criterion')
        if before_o.points != o.points:
            reasons.append(f'changed the points of option "{o.label}"')
        if before_o.auto_fail != o.auto_fail:
            made = "made" if o.auto_fail else "unmade"
            reasons.append(f'{made} option "{o.label}" auto-fail')
    new_feedback = {f.id for _, c in new.criteria() for f in c.feedback_options}
    for _, c in old.criteria():
        for f in c.feedback_options:
            if f.id not in new_feedback:
                reasons.append(f'deleted feedback option "{f.label}"')
    return reasons


# --- a grade's answers --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerState:
    """What a grade holds for one criterion: the answer (None: unanswered), the selected
    feedback options and the grader's comment."""

    answer: Answer | None = None
    feedback_option_ids: tuple[str, ...] = ()
    comment: str = ""


def engine_answers(states: Mapping[str, AnswerState]) -> dict[str, Answer]:
    """The answers the scoring engine reads (unanswered criteria left out)."""
    return {cid: s.answer for cid, s in states.items() if s.answer is not None}


def with_default_states(
    structure: Structure, rubric: scoring.Rubric, states: Mapping[str, AnswerState]
) -> dict[str, AnswerState]:
    """`states` completed with the sections' default answers where a criterion has none."""
    out = dict(states)
    for cid, answer in scoring.default_answers(rubric).items():
        current = out.get(cid)
        if current is None:
            out[cid] = AnswerState(answer=answer)
        elif current.answer is None:
            out[cid] = dataclasses.replace(current, answer=answer)
    return out


def _number_label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def answer_label(criterion: CriterionDef, answer: Answer | None) -> str:
    """The answer as the grader saw it: option labels (rubric order, joined with "; "), the
    linear-scale value, "N/A", or "" when unanswered."""
    if answer is None:
        return ""
    if isinstance(answer, NotApplicable):
        return NA_LABEL
    if answer.value is not None:
        return _number_label(answer.value)
    chosen = set(answer.option_ids)
    return LABEL_SEPARATOR.join(o.label for o in criterion.options if o.id in chosen)


def feedback_label(criterion: CriterionDef, feedback_option_ids: tuple[str, ...]) -> str:
    chosen = set(feedback_option_ids)
    return LABEL_SEPARATOR.join(f.label for f in criterion.feedback_options if f.id in chosen)


def grade_section_rows(
    structure: Structure, result: GradeScore, *, account_id: str, grade_pk: str
) -> list[dict[str, Any]]:
    """The `grade_sections` rows of a scored grade."""
    rows = []
    for position, s in enumerate(result.sections):
        rows.append(
            {
                "account_id": account_id,
                "grade_pk": grade_pk,
                "section_id": s.section_id,
                "position": position,
                "earned": s.earned,
                "max_points": s.max_points,
                "normalized": s.normalized,
                "weight": s.weight,
                "effective_weight": s.effective_weight,
            }
        )
    return rows


def grade_answer_rows(
    structure: Structure,
    states: Mapping[str, AnswerState],
    result: GradeScore,
    *,
    account_id: str,
    grade_pk: str,
    alignment: Mapping[str, float | None] | None = None,
) -> list[dict[str, Any]]:
    """The `grade_answers` rows of a scored grade: one per criterion of the version, in rubric
    order, unanswered ones included (status `unanswered`)."""
    rows = []
    empty = AnswerState()
    for position, ((section, criterion), cs) in enumerate(
        zip(structure.criteria(), result.criteria, strict=True)
    ):
        state = states.get(criterion.id, empty)
        answer = state.answer
        option_ids: list[str] = []
        value = None
        if isinstance(answer, Selection):
            option_ids = list(answer.option_ids)
            value = answer.value
        rows.append(
            {
                "account_id": account_id,
                "grade_pk": grade_pk,
                "criterion_id": criterion.id,
                "section_id": section.id,
                "position": position,
                "status": cs.status,
                "option_ids": option_ids,
                "value": value,
                "feedback_option_ids": list(state.feedback_option_ids),
                "answer_label": answer_label(criterion, answer),
                "feedback_label": feedback_label(criterion, state.feedback_option_ids),
                "earned": cs.earned,
                "max_points": cs.max_points,
                "auto_failed": cs.auto_failed,
                "comment": state.comment,
                "alignment": (alignment or {}).get(criterion.id),
            }
        )
    return rows


def state_from_row(row: Any) -> AnswerState:
    """The answer a stored `grade_answers` row holds."""
    answer: Answer | None
    if row.status == "unanswered":
        answer = None
    elif row.status == "na":
        answer = NA
    elif row.value is not None:
        answer = scoring.scale(row.value)
    else:
        answer = scoring.select(*row.option_ids)
    return AnswerState(
        answer=answer,
        feedback_option_ids=tuple(row.feedback_option_ids or ()),
        comment=row.comment or "",
    )


def alignment_percent(value: float | None) -> float | None:
    """Alignment is stored and shown as a percentage (0 to 100), like rubric scores."""
    return None if value is None else 100.0 * value
