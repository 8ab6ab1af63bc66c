"""Rubrics, grades, calibrations and grader QA: the rules.

Rubrics. A rubric's structure lives in versions. Creating a rubric makes version 1. An edit of
the structure updates the current version in place, unless grades (not deleted) use it and the
edit is one that can change their scores (`structure.versioning_changes`): then it becomes a new
version and those grades keep theirs. Settings (name, description, active) always apply in place.

Grades. Every save scores the grade with `podium.grading.scoring` and stores the results on the
grade, its section rows and its criterion rows (labels snapshotted), so exports read them. A new
grade's answers are completed with its sections' default answers. A submitted grade must answer
every required criterion (N/A is an answer) and pick feedback where an option requires it; a
draft may leave criteria unanswered and is scored over what it answers (unanswered criteria
count like N/A, so a draft's score is provisional; None when nothing counts yet). A grade keeps
the rubric version it was made with; edits rescore it against that version.

Alignment. A grader-QA grade is aligned with the grade it re-grades; a calibration grade with
its calibration's final grade; both only once both grades are submitted (None before). Any
change of either side recomputes it. Stored as percentages (0 to 100), like rubric scores.

Locks (PostgreSQL; SQLite runs one writer at a time): a rubric edit holds the rubric row FOR
UPDATE and a grade save holds it FOR SHARE, so a version is never edited under a grade being
scored against it. Grader QA writes lock the original grade, then the QA grades; calibration
writes lock the calibration: alignments are never computed from a half-committed pair.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from podium import clock, ids
from podium.agents import repository as agents_repository
from podium.agents.models import Agent
from podium.audit import service as audit
from podium.auth.models import User
from podium.auth.service import Principal
from podium.errors import Conflict, Invalid, NotFound
from podium.grading import repository, scoring
from podium.grading.models import (
    Annotation,
    Calibration,
    Grade,
    GradeAnswer,
    Rubric,
    RubricCriterion,
    RubricFeedbackOption,
    RubricOption,
    RubricSection,
    RubricVersion,
)
from podium.grading.repository import GradeFilters, GradeRow
from podium.grading.schemas import (
    AnnotationIn,
    AnnotationRead,
    AnswerIn,
    AnswerRead,
    CalibrationCreate,
    CalibrationGradeCreate,
    CalibrationRead,
    CalibrationUpdate,
    CalibratorAlignment,
    CriterionRead,
    Deleted,
    FeedbackOptionRead,
    GradeCreate,
    GradeRead,
    GraderQaCreate,
    GradeSummary,
    GradeUpdate,
    GradeWork,
    OptionRead,
    RubricCreate,
    RubricRead,
    RubricSaved,
    RubricSummary,
    RubricUpdate,
    RubricVersionInfo,
    SectionIn,
    SectionRead,
    SectionScoreRead,
)
from podium.grading.structure import (
    AnswerState,
    CriterionDef,
    FeedbackOptionDef,
    OptionDef,
    SectionDef,
    Structure,
    alignment_percent,
    engine_answers,
    grade_answer_rows,
    grade_section_rows,
    state_from_row,
    structure_rows,
    versioning_changes,
    with_default_states,
)
from podium.pagination import PageParams
from podium.tickets.models import Ticket
from podium.tickets.schemas import wire_number
from podium.wire import Page

# activity log item types and actions (MaestroQA's activity log words, domain.md §2.5)
RUBRIC = audit.RUBRIC
SCORES = audit.SCORES
CALIBRATIONS = audit.CALIBRATIONS
SUBMIT = audit.SUBMIT
START_GRADING = audit.START_GRADING

_GRADE_NOUNS = {
    "grading": "grade",
    "calibration_review": "calibration grade",
    "calibration_final": "final calibration grade",
    "grader_qa": "grader QA grade",
}
_SINGLE_CHOICE = ("multiple_choice", "dropdown")
_CAMEL = {"min_points": "minPoints", "max_points": "maxPoints", "default_answer": "defaultAnswer"}


def _plausible_id(id: str) -> bool:
    # ids are at most 17 characters; anything longer names nothing
    return 0 < len(id) <= 17


# --- rubric structure from the wire -------------------------------------------------------------


@dataclasses.dataclass
class _Paths:
    """Where each element of a structure sits in the request body (`sections[1].criteria[0]`)."""

    sections: dict[str, str] = dataclasses.field(default_factory=dict)
    criteria: dict[str, str] = dataclasses.field(default_factory=dict)
    options: dict[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, structure: Structure) -> _Paths:
        paths = cls()
        for i, s in enumerate(structure.sections):
            paths.sections[s.id] = f"sections[{i}]"
            for j, c in enumerate(s.criteria):
                paths.criteria[c.id] = f"sections[{i}].criteria[{j}]"
                for k, o in enumerate(c.options):
                    paths.options[o.id] = f"sections[{i}].criteria[{j}].options[{k}]"
        return paths

    def wire_param(self, engine_param: str) -> str:
        """`criteria.<id>.min_points` -> `sections[0].criteria[2].minPoints`."""
        group, _, rest = engine_param.partition(".")
        element, _, attribute = rest.partition(".")
        table = {"sections": self.sections, "criteria": self.criteria, "options": self.options}
        if group not in table:
            return engine_param
        if group == "sections" and element == "weight" and not attribute:
            return "sections"  # the weights' sum: no one section is wrong
        base = table[group].get(element, group)
        if attribute:
            return f"{base}.{_CAMEL.get(attribute, attribute)}"
        return base


def _check_unique(seen: dict[str, str], id_: str, path: str, what: str) -> None:
    if id_ in seen:
        raise Invalid.param(f"{path}.id", f"duplicate {what} id {id_!r} (also at {seen[id_]})")
    seen[id_] = path


def _default_max(kind: str, options: Sequence[OptionDef]) -> float:
    points = [o.points for o in options if o.points is not None]
    if not points:
        return 0.0
    return float(sum(p for p in points if p > 0)) if kind == "checkbox" else float(max(points))


def _criterion_from_wire(c: Any, path: str, seen: dict[str, dict[str, str]]) -> CriterionDef:
    cid = c.id or ids.new_id()
    _check_unique(seen["criterion"], cid, path, "criterion")
    options: list[OptionDef] = []
    feedback: list[FeedbackOptionDef] = []
    mode = c.feedbackMode
    if mode == "per_option" and c.kind not in _SINGLE_CHOICE:
        raise Invalid.param(
            f"{path}.feedbackMode", "per-option feedback is for multiple choice and dropdown"
        )
    if mode == "general" and not c.feedbackOptions:
        raise Invalid.param(
            f"{path}.feedbackOptions", "feedbackMode general needs at least one feedback option"
        )
    if mode != "general" and c.feedbackOptions:
        raise Invalid.param(
            f"{path}.feedbackOptions",
            "criterion feedback options need feedbackMode general"
            + (" (with per_option, each option has its own)" if mode == "per_option" else ""),
        )
    for k, fo in enumerate(c.feedbackOptions):
        fid = fo.id or ids.new_id()
        _check_unique(seen["feedback"], fid, f"{path}.feedbackOptions[{k}]", "feedback option")
        feedback.append(FeedbackOptionDef(fid, fo.label, None))
    for k, o in enumerate(c.options):
        op = f"{path}.options[{k}]"
        oid = o.id or ids.new_id()
        _check_unique(seen["option"], oid, op, "option")
        if mode != "per_option" and o.feedback != "no_change":
            raise Invalid.param(
                f"{op}.feedback", "per-option feedback needs feedbackMode per_option"
            )
        if o.feedbackOptions and (mode != "per_option" or o.feedback == "no_change"):
            raise Invalid.param(
                f"{op}.feedbackOptions",
                "an option has feedback options only with feedbackMode per_option and feedback "
                "show or require",
            )
        if o.feedback in ("show", "require") and not o.feedbackOptions:
            raise Invalid.param(
                f"{op}.feedbackOptions", f"feedback {o.feedback} needs at least one feedback option"
            )
        for m, fo in enumerate(o.feedbackOptions):
            fid = fo.id or ids.new_id()
            _check_unique(seen["feedback"], fid, f"{op}.feedbackOptions[{m}]", "feedback option")
            feedback.append(FeedbackOptionDef(fid, fo.label, oid))
        options.append(OptionDef(oid, o.label, o.points, o.autoFail, o.feedback))
    max_points = c.maxPoints
    if max_points is None:
        if c.kind == "linear_scale":
            raise Invalid.param(f"{path}.maxPoints", "is required for a linear scale")
        max_points = max(_default_max(c.kind, options), c.minPoints)
    return CriterionDef(
        id=cid,
        text=c.text,
        kind=c.kind,
        min_points=c.minPoints,
        max_points=max_points,
        description=c.description,
        required=c.required,
        feedback_mode=mode,
        options=tuple(options),
        feedback_options=tuple(feedback),
    )


def _structure_from_wire(
    *, name: str, weighted: bool, bonus_weighted: bool, sections: Sequence[SectionIn]
) -> Structure:
    seen: dict[str, dict[str, str]] = {
        k: {} for k in ("section", "criterion", "option", "feedback")
    }
    out = []
    for i, s in enumerate(sections):
        sp = f"sections[{i}]"
        sid = s.id or ids.new_id()
        _check_unique(seen["section"], sid, sp, "section")
        criteria = tuple(
            _criterion_from_wire(c, f"{sp}.criteria[{j}]", seen) for j, c in enumerate(s.criteria)
        )
        out.append(SectionDef(sid, s.name, s.kind, s.weight, s.defaultAnswer, criteria))
    return Structure(
        name=name, weighted=weighted, bonus_weighted=bonus_weighted, sections=tuple(out)
    )


def _validate_structure(structure: Structure, rubric_id: str) -> None:
    """The scoring engine's rules, with the offending element named by its place in the body."""
    try:
        scoring.validate_rubric(structure.scoring(rubric_id))
    except scoring.ScoringError as exc:
        raise Invalid.param(_Paths.of(structure).wire_param(exc.param), exc.reason) from None


# --- rubric reads -------------------------------------------------------------------------------


def _section_read(s: SectionDef) -> SectionRead:
    return SectionRead(
        id=s.id,
        name=s.name,
        kind=s.kind,
        weight=wire_number(s.weight),
        defaultAnswer=s.default_answer,
        criteria=[
            CriterionRead(
                id=c.id,
                text=c.text,
                description=c.description,
                kind=c.kind,
                minPoints=wire_number(c.min_points),  # type: ignore[arg-type]
                maxPoints=wire_number(c.max_points),  # type: ignore[arg-type]
                required=c.required,
                feedbackMode=c.feedback_mode,
                options=[
                    OptionRead(
                        id=o.id,
                        label=o.label,
                        points=wire_number(o.points),
                        autoFail=o.auto_fail,
                        feedback=o.feedback,
                        feedbackOptions=[
                            FeedbackOptionRead(id=f.id, label=f.label) for f in c.feedback_for(o.id)
                        ],
                    )
                    for o in c.options
                ],
                feedbackOptions=[
                    FeedbackOptionRead(id=f.id, label=f.label) for f in c.feedback_for(None)
                ],
            )
            for c in s.criteria
        ],
    )


def _rubric_summary(rubric: Rubric) -> dict[str, Any]:
    return {
        "id": rubric.id,
        "name": rubric.name,
        "description": rubric.description,
        "weighted": rubric.weighted,
        "bonusWeighted": rubric.bonus_weighted,
        "active": rubric.active,
        "currentVersion": rubric.current_version,
        "createdAt": rubric.created_at,
        "updatedAt": rubric.updated_at,
        "deletedAt": rubric.deleted_at,
    }


async def _rubric_read(
    session: AsyncSession, *, rubric: Rubric, version: RubricVersion | None = None
) -> RubricRead:
    account_id = rubric.account_id
    versions = await repository.versions_of(session, account_id=account_id, rubric_pk=rubric.id)
    if version is None:
        version = next(v for v in versions if v.id == rubric.current_version_pk)
    structure = await repository.load_structure(session, account_id=account_id, version=version)
    used = await repository.versions_in_use(
        session, account_id=account_id, version_pks=(v.id for v in versions)
    )
    summary = _rubric_summary(rubric)
    if version.id != rubric.current_version_pk:
        # an older version shows its own settings
        summary.update(
            name=version.name, weighted=version.weighted, bonusWeighted=version.bonus_weighted
        )
    return RubricRead(
        **summary,
        version=version.version,
        versions=[
            RubricVersionInfo(version=v.version, createdAt=v.created_at, inUse=v.id in used)
            for v in versions
        ],
        sections=[_section_read(s) for s in structure.sections],
    )


async def _get_rubric(
    session: AsyncSession,
    *,
    account_id: str,
    rubric_id: str,
    include_deleted: bool = False,
    lock: repository.Lock = None,
) -> Rubric:
    rubric = None
    if _plausible_id(rubric_id):
        rubric = await repository.get_rubric(
            session,
            account_id=account_id,
            rubric_id=rubric_id,
            include_deleted=include_deleted,
            lock=lock,
        )
    if rubric is None:
        raise NotFound(f"no rubric {rubric_id!r} in this account")
    return rubric


async def get_rubric(
    session: AsyncSession,
    *,
    account_id: str,
    rubric_id: str,
    version: int | None = None,
    include_deleted: bool = False,
) -> RubricRead:
    """A rubric with the structure of its current version, or of `version`."""
    rubric = await _get_rubric(
        session, account_id=account_id, rubric_id=rubric_id, include_deleted=include_deleted
    )
    row = None
    if version is not None:
        row = await repository.get_version(
            session, account_id=account_id, rubric_pk=rubric.id, version=version
        )
        if row is None:
            raise NotFound(f"rubric {rubric_id!r} has no version {version}")
    return await _rubric_read(session, rubric=rubric, version=row)


async def list_rubrics(
    session: AsyncSession,
    *,
    account_id: str,
    page: PageParams,
    active: bool | None = None,
    include_deleted: bool = False,
) -> Page[RubricSummary]:
    """A page of the account's rubrics in id order (without their structure)."""
    total, rows = await repository.page_rubrics(
        session, account_id=account_id, page=page, active=active, include_deleted=include_deleted
    )
    items = [RubricSummary(**_rubric_summary(r)) for r in rows]
    return Page(
        startIndex=page.start_index, totalResults=total, itemsPerPage=len(items), Resources=items
    )


# --- rubric writes ------------------------------------------------------------------------------


async def _write_structure(
    session: AsyncSession, *, account_id: str, version_pk: str, structure: Structure
) -> None:
    rows = structure_rows(structure, account_id=account_id, version_pk=version_pk)
    for model in (RubricSection, RubricCriterion, RubricOption, RubricFeedbackOption):
        await repository.insert_rows(session, model, rows[model.__tablename__])


async def _new_version(
    session: AsyncSession, *, rubric: Rubric, number: int, structure: Structure
) -> RubricVersion:
    version = RubricVersion(
        id=ids.new_id(),
        account_id=rubric.account_id,
        rubric_pk=rubric.id,
        version=number,
        name=structure.name,
        weighted=structure.weighted,
        bonus_weighted=structure.bonus_weighted,
        created_at=clock.now(),
    )
    session.add(version)
    await session.flush()
    await _write_structure(
        session, account_id=rubric.account_id, version_pk=version.id, structure=structure
    )
    rubric.current_version_pk = version.id
    rubric.current_version = number
    return version


def _record(session: AsyncSession, principal: Principal, item: str, action: str, what: str) -> None:
    audit.record(
        session, actor=principal.actor, item_type=item, action_type=action, description=what
    )


async def create_rubric(
    session: AsyncSession, *, principal: Principal, data: RubricCreate
) -> RubricRead:
    """Creates a rubric and its version 1."""
    now = clock.now()
    rubric = Rubric(
        id=ids.new_id(),
        account_id=principal.account_id,
        name=data.name,
        description=data.description,
        weighted=data.weighted,
        bonus_weighted=data.bonusWeighted,
        active=data.active,
        current_version=1,
        created_at=now,
        updated_at=now,
    )
    structure = _structure_from_wire(
        name=data.name,
        weighted=data.weighted,
        bonus_weighted=data.bonusWeighted,
        sections=data.sections,
    )
    _validate_structure(structure, rubric.id)
    session.add(rubric)
    await session.flush()
    await _new_version(session, rubric=rubric, number=1, structure=structure)
    await session.flush()
    n = sum(1 for _ in structure.criteria())
    _record(
        session,
        principal,
        RUBRIC,
        audit.ADD,
        f'Created rubric "{rubric.name}" ({rubric.id}): '
        f"{audit.plural(len(structure.sections), 'section')}, "
        f"{audit.plural(n, 'criterion', 'criteria')}",
    )
    return await _rubric_read(session, rubric=rubric)


async def update_rubric(
    session: AsyncSession,
    *,
    principal: Principal,
    rubric_id: str,
    data: RubricUpdate | RubricCreate,
) -> RubricSaved:
    """Changes a rubric (PATCH: the fields sent; PUT: all of them). A structural edit of a
    version that grades use, of a kind that can change their scores, makes a new version."""
    account_id = principal.account_id
    rubric = await _get_rubric(session, account_id=account_id, rubric_id=rubric_id, lock="update")
    sent = (
        data.model_fields_set if isinstance(data, RubricUpdate) else set(RubricCreate.model_fields)
    )
    current = await repository.get_version_by_pk(
        session, account_id=account_id, version_pk=rubric.current_version_pk or ""
    )
    assert current is not None, "a rubric always has a current version"
    old = await repository.load_structure(session, account_id=account_id, version=current)

    name = data.name if "name" in sent and data.name is not None else rubric.name
    weighted = (
        data.weighted if "weighted" in sent and data.weighted is not None else rubric.weighted
    )
    bonus_weighted = (
        data.bonusWeighted
        if "bonusWeighted" in sent and data.bonusWeighted is not None
        else rubric.bonus_weighted
    )
    if "sections" in sent and data.sections is not None:
        new = _structure_from_wire(
            name=name, weighted=weighted, bonus_weighted=bonus_weighted, sections=data.sections
        )
    else:
        new = Structure(
            name=name, weighted=weighted, bonus_weighted=bonus_weighted, sections=old.sections
        )
    _validate_structure(new, rubric.id)

    reasons = versioning_changes(old, new)
    created = False
    if new != old:
        in_use = await repository.versions_in_use(
            session, account_id=account_id, version_pks=[current.id]
        )
        if reasons and in_use:
            current = await _new_version(
                session, rubric=rubric, number=rubric.current_version + 1, structure=new
            )
            created = True
        else:
            if new.sections != old.sections:
                await repository.delete_structure(
                    session, account_id=account_id, version_pk=current.id
                )
                await _write_structure(
                    session, account_id=account_id, version_pk=current.id, structure=new
                )
            current.name, current.weighted, current.bonus_weighted = (
                new.name,
                new.weighted,
                new.bonus_weighted,
            )
    rubric.name, rubric.weighted, rubric.bonus_weighted = name, weighted, bonus_weighted
    if "description" in sent and data.description is not None:
        rubric.description = data.description
    active_changed = "active" in sent and data.active is not None and data.active != rubric.active
    if "active" in sent and data.active is not None:
        rubric.active = data.active
    rubric.updated_at = clock.now()
    await session.flush()

    fields = ", ".join(sorted(f for f in sent if getattr(data, f, None) is not None)) or "nothing"
    what = f'Updated rubric "{rubric.name}" ({rubric.id}): {fields}'
    if created:
        what += f"; new version {rubric.current_version} ({'; '.join(reasons)})"
    if active_changed:
        what += "; now active" if rubric.active else "; now inactive"
    _record(session, principal, RUBRIC, audit.UPDATE, what)
    read = await _rubric_read(session, rubric=rubric)
    return RubricSaved(
        **read.model_dump(), versionCreated=created, versionChanges=reasons if created else []
    )


async def delete_rubric(session: AsyncSession, *, principal: Principal, rubric_id: str) -> Deleted:
    """Soft-deletes a rubric: it is no longer listed or graded with; its grades stay."""
    rubric = await _get_rubric(
        session, account_id=principal.account_id, rubric_id=rubric_id, lock="update"
    )
    now = clock.now()
    rubric.deleted_at = now
    rubric.updated_at = now
    await session.flush()
    _record(
        session, principal, RUBRIC, audit.DELETE, f'Deleted rubric "{rubric.name}" ({rubric.id})'
    )
    return Deleted(id=rubric.id)


# --- who and what a grade is about --------------------------------------------------------------


async def _ticket(session: AsyncSession, account_id: str, ticket_id: str) -> Ticket:
    ticket = await repository.get_ticket_by_id(
        session, account_id=account_id, ticket_id=ticket_id, hold=True
    )
    if ticket is None:
        raise Invalid.param("ticketId", f"no ticket with ticket_id {ticket_id!r} in this account")
    return ticket


async def _agent(
    session: AsyncSession, account_id: str, ref: str | None, ticket: Ticket
) -> tuple[Agent, str]:
    """The graded agent and the helpdesk id the grade is given for."""
    if ref is None:
        first = await repository.first_ticket_agent(
            session, account_id=account_id, ticket_pk=ticket.id
        )
        if first is None:
            raise Invalid.param("agentId", "is required: the ticket has no agent")
        return first
    resolved = await agents_repository.resolve_refs(session, account_id=account_id, refs=[ref])
    if ref not in resolved:
        raise Invalid.param("agentId", f"no agent with agentId or email {ref!r} in this account")
    return resolved[ref]


async def _rubric_for_grading(session: AsyncSession, account_id: str, rubric_id: str) -> Rubric:
    rubric = None
    if _plausible_id(rubric_id):
        rubric = await repository.get_rubric(
            session, account_id=account_id, rubric_id=rubric_id, lock="share"
        )
    if rubric is None:
        raise Invalid.param("rubricId", f"no rubric {rubric_id!r} in this account")
    if not rubric.active:
        raise Invalid.param("rubricId", f"rubric {rubric_id!r} is inactive")
    return rubric


async def _user(
    session: AsyncSession,
    principal: Principal,
    *,
    user_id: str | None,
    email: str | None,
    id_param: str,
    email_param: str,
    default_to_token: bool = True,
) -> User | None:
    """The user named by id or email (or the token's user); None when none is named."""
    if user_id is not None and email is not None:
        raise Invalid.param(id_param, f"give {id_param} or {email_param}, not both")
    account_id = principal.account_id
    if user_id is not None:
        user = None
        if _plausible_id(user_id):
            user = await repository.get_user(session, account_id=account_id, user_id=user_id)
        if user is None:
            raise Invalid.param(id_param, f"no user {user_id!r} in this account")
        return user
    if email is not None:
        user = await repository.get_user(session, account_id=account_id, email=email.lower())
        if user is None:
            raise Invalid.param(email_param, f"no user with email {email!r} in this account")
        return user
    if default_to_token and principal.user_id is not None:
        return await repository.get_user(session, account_id=account_id, user_id=principal.user_id)
    return None


async def _grader(session: AsyncSession, principal: Principal, work: Any) -> User:
    user = await _user(
        session,
        principal,
        user_id=work.graderId,
        email=work.graderEmail,
        id_param="graderId",
        email_param="graderEmail",
    )
    if user is None:
        raise Invalid.param("graderId", "is required: the API token belongs to no user")
    return user


# --- answers ------------------------------------------------------------------------------------


def _state_from_wire(answer: AnswerIn | None) -> AnswerState:
    if answer is None:
        return AnswerState()
    value: scoring.Answer | None = None
    if answer.na:
        value = scoring.NA
    elif answer.value is not None:
        value = scoring.scale(answer.value)
    elif answer.optionIds is not None:
        value = scoring.select(*answer.optionIds)
    return AnswerState(
        answer=value,
        feedback_option_ids=tuple(answer.feedbackOptionIds),
        comment=answer.comment,
    )


def _known_criteria(structure: Structure, answers: Mapping[str, Any]) -> None:
    for cid in answers:
        if structure.criterion(cid) is None:
            raise Invalid.param(f"answers.{cid}", "no such criterion in this rubric")


def _check_feedback(
    structure: Structure, states: Mapping[str, AnswerState], complete: bool
) -> None:
    """Feedback options must belong to the criterion (general feedback) or to a selected option
    (per-option feedback); on a submitted grade, a selected option with feedback `require`
    needs one of its feedback options."""
    for cid, state in states.items():
        found = structure.criterion(cid)
        if found is None:
            continue  # the engine names unknown criteria
        _, criterion = found
        param = f"answers.{cid}.feedbackOptionIds"
        chosen = state.feedback_option_ids
        if len(set(chosen)) != len(chosen):
            raise Invalid.param(param, "a feedback option is selected twice")
        selected: tuple[str, ...] = ()
        if isinstance(state.answer, scoring.Selection):
            selected = state.answer.option_ids
        if criterion.feedback_mode == "per_option":
            allowed = {f.id for o in selected for f in criterion.feedback_for(o)}
        elif criterion.feedback_mode == "general":
            allowed = {f.id for f in criterion.feedback_for(None)}
        else:
            allowed = set()
        for fid in chosen:
            if fid not in allowed:
                raise Invalid.param(
                    param,
                    f"feedback option {fid!r} is not offered for this answer"
                    if allowed or criterion.feedback_mode != "none"
                    else "this criterion has no feedback options",
                )
        if complete and criterion.feedback_mode == "per_option":
            for oid in selected:
                option = criterion.option(oid)
                if option is not None and option.feedback == "require":
                    mine = {f.id for f in criterion.feedback_for(oid)}
                    if not mine.intersection(chosen):
                        raise Invalid.param(
                            param, f'option "{option.label}" requires a feedback option'
                        )


async def _load_states(
    session: AsyncSession, *, account_id: str, grade_pk: str
) -> tuple[dict[str, AnswerState], list[GradeAnswer]]:
    rows = await repository.grade_answers(session, account_id=account_id, grade_pk=grade_pk)
    return {r.criterion_id: state_from_row(r) for r in rows}, rows


async def _score_and_store(
    session: AsyncSession,
    *,
    grade: Grade,
    structure: Structure,
    states: Mapping[str, AnswerState],
) -> None:
    """Scores the grade's answers and stores the scores on the grade and its rows."""
    complete = grade.state == "submitted"
    rubric = structure.scoring(grade.rubric_pk, all_optional=not complete)
    result = scoring.score(rubric, engine_answers(states))  # ScoringError is a 422
    _check_feedback(structure, states, complete)
    grade.rubric_score = result.rubric_score
    grade.max_rubric_score = result.max_rubric_score
    grade.earned_points = result.earned_points
    grade.bonus_score = result.bonus_score
    grade.auto_failed = result.auto_failed
    grade.alignment_score = None
    await session.flush()
    await repository.replace_scores(
        session,
        account_id=grade.account_id,
        grade_pk=grade.id,
        sections=grade_section_rows(
            structure, result, account_id=grade.account_id, grade_pk=grade.id
        ),
        answers=grade_answer_rows(
            structure, states, result, account_id=grade.account_id, grade_pk=grade.id
        ),
    )


# --- annotations --------------------------------------------------------------------------------


def _annotation_fields(a: AnnotationIn) -> dict[str, Any]:
    words = a.highlight.split()
    return {
        "kind": a.kind,
        "criterion_id": a.criterionId,
        "highlight": a.highlight,
        "start_word": a.startWord or (words[0][:200] if words else ""),
        "end_word": a.endWord or (words[-1][:200] if words else ""),
        "start_occurrence": a.startOccurrence,
        "end_occurrence": a.endOccurrence,
        "recording_timestamp": a.recordingTimestamp,
        "feedback": a.feedback,
    }


async def _save_annotations(
    session: AsyncSession,
    *,
    grade: Grade,
    structure: Structure,
    annotations: Sequence[AnnotationIn],
    replace: bool,
) -> None:
    """Adds the annotations; with `replace`, those sent with an id update the grade's existing
    ones and the others are deleted (soft)."""
    account_id = grade.account_id
    existing = {}
    if replace:
        existing = {
            a.id: a
            for a in await repository.annotations_of(
                session, account_id=account_id, grade_pk=grade.id
            )
        }
    now = clock.now()
    kept: set[str] = set()
    for i, a in enumerate(annotations):
        if a.criterionId is not None and structure.criterion(a.criterionId) is None:
            raise Invalid.param(
                f"annotations[{i}].criterionId", f"no criterion {a.criterionId!r} in this rubric"
            )
        fields = {**_annotation_fields(a), "position": i}
        if a.id is not None and a.id in existing:
            if a.id in kept:
                raise Invalid.param(f"annotations[{i}].id", f"annotation {a.id!r} is sent twice")
            row = existing[a.id]
            for key, value in fields.items():
                setattr(row, key, value)
            row.updated_at = now
            kept.add(a.id)
        elif a.id is not None and replace:
            raise Invalid.param(f"annotations[{i}].id", f"no annotation {a.id!r} on this grade")
        else:
            session.add(
                Annotation(
                    id=ids.new_id(),
                    account_id=account_id,
                    grade_pk=grade.id,
                    created_at=now,
                    updated_at=now,
                    **fields,
                )
            )
    for id_, row in existing.items():
        if id_ not in kept:
            row.deleted_at = now
            row.updated_at = now
    await session.flush()


# --- alignment ----------------------------------------------------------------------------------


class _Structures:
    """Structures of versions, loaded once per request."""

    def __init__(self, session: AsyncSession, account_id: str):
        self.session = session
        self.account_id = account_id
        self.cache: dict[str, Structure] = {}

    async def get(self, version_pk: str) -> Structure:
        if version_pk not in self.cache:
            version = await repository.get_version_by_pk(
                self.session, account_id=self.account_id, version_pk=version_pk
            )
            assert version is not None, "a grade's version is never deleted"
            self.cache[version_pk] = await repository.load_structure(
                self.session, account_id=self.account_id, version=version
            )
        return self.cache[version_pk]


async def _align(
    session: AsyncSession,
    structures: _Structures,
    *,
    subject: Grade,
    benchmark: Grade | None,
    now: Any,
) -> None:
    """Stores `subject`'s alignment with `benchmark` (None unless both are submitted and on the
    same rubric version); moves `subject.updated_at` when it changed."""
    account_id = subject.account_id
    states, rows = await _load_states(session, account_id=account_id, grade_pk=subject.id)
    per_criterion: dict[str, float | None] = {r.criterion_id: None for r in rows}
    total: float | None = None
    if (
        benchmark is not None
        and subject.state == "submitted"
        and benchmark.state == "submitted"
        and subject.version_pk == benchmark.version_pk
    ):
        structure = await structures.get(subject.version_pk)
        other, _ = await _load_states(session, account_id=account_id, grade_pk=benchmark.id)
        # all optional: a criterion added to the version since either grade was saved counts
        # as unanswered on that side instead of making the pair unscorable
        result = scoring.alignment(
            structure.scoring(subject.rubric_pk, all_optional=True),
            engine_answers(states),
            engine_answers(other),
        )
        total = alignment_percent(result.rubric_alignment)
        per_criterion.update(
            {c.criterion_id: alignment_percent(c.alignment) for c in result.criteria}
        )
    changed = subject.alignment_score != total or any(
        r.alignment != per_criterion.get(r.criterion_id) for r in rows
    )
    if not changed:
        return
    subject.alignment_score = total
    subject.updated_at = now
    await session.flush()
    await repository.set_answer_alignment(
        session, account_id=account_id, grade_pk=subject.id, values=per_criterion
    )


async def _refresh_alignment(session: AsyncSession, *, grade: Grade) -> None:
    """Recomputes every alignment `grade` takes part in, after it was saved or deleted."""
    account_id = grade.account_id
    structures = _Structures(session, account_id)
    now = clock.now()
    live = grade.deleted_at is None
    if grade.grade_type == "grader_qa" and grade.target_grade_pk is not None:
        original = await repository.get_grade(
            session, account_id=account_id, grade_id=grade.target_grade_pk, include_deleted=True
        )
        if live:
            await _align(session, structures, subject=grade, benchmark=original, now=now)
    elif grade.grade_type == "grading":
        for qa in await repository.grades_where(
            session,
            account_id=account_id,
            filters=GradeFilters(grade_type="grader_qa", target_grade_pk=grade.id),
            lock="update",
        ):
            await _align(session, structures, subject=qa, benchmark=grade, now=now)
    elif grade.calibration_pk is not None:
        grades = await repository.grades_where(
            session,
            account_id=account_id,
            filters=GradeFilters(calibration_pk=grade.calibration_pk),
            lock="update",
        )
        final = next((g for g in grades if g.grade_type == "calibration_final"), None)
        if grade.grade_type == "calibration_review":
            if live:
                await _align(session, structures, subject=grade, benchmark=final, now=now)
        else:
            for review in grades:
                if review.grade_type == "calibration_review":
                    await _align(session, structures, subject=review, benchmark=final, now=now)


# --- grade reads --------------------------------------------------------------------------------


def _summary_fields(row: GradeRow) -> dict[str, Any]:
    g = row.grade
    return {
        "id": g.id,
        "gradeType": g.grade_type,
        "state": g.state,
        "ticketId": row.ticket_id,
        "agentId": g.agent_id,
        "agentName": row.agent_name,
        "agentEmail": row.agent_email,
        "rubricId": g.rubric_pk,
        "rubricName": row.rubric_name,
        "rubricVersion": row.version,
        "graderId": g.grader_pk,
        "graderEmail": g.grader_email,
        "calibrationId": g.calibration_pk,
        "targetGradeId": g.target_grade_pk,
        "generalNotes": g.general_notes,
        "source": g.source,
        "rubricScore": wire_number(g.rubric_score),
        "maxRubricScore": wire_number(g.max_rubric_score),
        "earnedPoints": wire_number(g.earned_points),
        "bonusScore": wire_number(g.bonus_score),
        "autoFailed": g.auto_failed,
        "alignmentScore": wire_number(g.alignment_score),
        "csatScore": wire_number(row.csat_score),
        "gradingSeconds": g.grading_seconds,
        "startedAt": g.first_started_at,
        "firstGradedAt": g.first_graded_at,
        "submittedAt": g.submitted_at,
        "reportedAt": g.reported_at,
        "createdAt": g.created_at,
        "updatedAt": g.updated_at,
        "deletedAt": g.deleted_at,
    }


async def _grade_read(session: AsyncSession, *, grade: Grade) -> GradeRead:
    account_id = grade.account_id
    rows = await repository.grade_rows(session, account_id=account_id, grade_pks=[grade.id])
    structure = await _Structures(session, account_id).get(grade.version_pk)
    sections = await repository.grade_sections(session, account_id=account_id, grade_pk=grade.id)
    answers = await repository.grade_answers(session, account_id=account_id, grade_pk=grade.id)
    annotations = await repository.annotations_of(session, account_id=account_id, grade_pk=grade.id)
    section_defs = {s.id: s for s in structure.sections}
    return GradeRead(
        **_summary_fields(rows[grade.id]),
        sections=[
            SectionScoreRead(
                sectionId=s.section_id,
                name=section_defs[s.section_id].name if s.section_id in section_defs else "",
                kind=section_defs[s.section_id].kind if s.section_id in section_defs else "",
                earned=wire_number(s.earned),
                maxPoints=wire_number(s.max_points),  # type: ignore[arg-type]
                normalized=wire_number(s.normalized),
                weight=wire_number(s.weight),
                effectiveWeight=wire_number(s.effective_weight),
            )
            for s in sections
        ],
        answers=[_answer_read(a, structure) for a in answers],
        annotations=[
            AnnotationRead(
                id=a.id,
                kind=a.kind,
                criterionId=a.criterion_id,
                highlight=a.highlight,
                startWord=a.start_word,
                endWord=a.end_word,
                startOccurrence=a.start_occurrence,
                endOccurrence=a.end_occurrence,
                recordingTimestamp=wire_number(a.recording_timestamp),
                feedback=a.feedback,
                createdAt=a.created_at,
                updatedAt=a.updated_at,
            )
            for a in annotations
        ],
    )


def _answer_read(a: GradeAnswer, structure: Structure) -> AnswerRead:
    found = structure.criterion(a.criterion_id)
    return AnswerRead(
        criterionId=a.criterion_id,
        sectionId=a.section_id,
        text=found[1].text if found else "",
        status=a.status,
        na=a.status == "na",
        optionIds=list(a.option_ids or []),
        value=wire_number(a.value),
        feedbackOptionIds=list(a.feedback_option_ids or []),
        answerLabel=a.answer_label,
        feedbackLabel=a.feedback_label,
        comment=a.comment,
        earned=wire_number(a.earned),
        maxPoints=wire_number(a.max_points),  # type: ignore[arg-type]
        autoFailed=a.auto_failed,
        alignment=wire_number(a.alignment),
    )


async def _get_grade(
    session: AsyncSession,
    *,
    account_id: str,
    grade_id: str,
    include_deleted: bool = False,
    lock: repository.Lock = None,
) -> Grade:
    grade = None
    if _plausible_id(grade_id):
        grade = await repository.get_grade(
            session,
            account_id=account_id,
            grade_id=grade_id,
            include_deleted=include_deleted,
            lock=lock,
        )
    if grade is None:
        raise NotFound(f"no grade {grade_id!r} in this account")
    return grade


async def get_grade(
    session: AsyncSession, *, account_id: str, grade_id: str, include_deleted: bool = False
) -> GradeRead:
    """One grade with its section scores, answers and annotations."""
    grade = await _get_grade(
        session, account_id=account_id, grade_id=grade_id, include_deleted=include_deleted
    )
    return await _grade_read(session, grade=grade)


async def list_grades(
    session: AsyncSession,
    *,
    account_id: str,
    page: PageParams,
    ticket_id: str | None = None,
    agent_ref: str | None = None,
    grader_id: str | None = None,
    grader_email: str | None = None,
    rubric_id: str | None = None,
    grade_type: str | None = None,
    state: str | None = None,
    calibration_id: str | None = None,
    target_grade_id: str | None = None,
    start: Any = None,
    end: Any = None,
    include_deleted: bool = False,
) -> Page[GradeSummary]:
    """A page of grades matching every filter, by reportedAt then id. A ticket or agent no row
    has matches nothing (an empty page, not an error)."""
    empty: Page[GradeSummary] = Page(
        startIndex=page.start_index, totalResults=0, itemsPerPage=0, Resources=[]
    )
    ticket_pk = agent_pk = None
    if ticket_id is not None:
        ticket = await repository.get_ticket_by_id(
            session, account_id=account_id, ticket_id=ticket_id
        )
        if ticket is None:
            return empty
        ticket_pk = ticket.id
    if agent_ref is not None:
        agent = await agents_repository.find(session, account_id=account_id, ref=agent_ref)
        if agent is None:
            return empty
        agent_pk = agent.id
    if grader_email is not None:
        # users keep their email, so the user's grades are the grades by that email; their id
        # is what the index has
        grader = await repository.get_user(
            session, account_id=account_id, email=grader_email.lower()
        )
        if grader is not None:
            if grader_id is not None and grader_id != grader.id:
                return empty
            grader_id, grader_email = grader.id, None
    filters = GradeFilters(
        ticket_pk=ticket_pk,
        agent_pk=agent_pk,
        grader_pk=grader_id,
        grader_email=grader_email.lower() if grader_email is not None else None,
        rubric_pk=rubric_id,
        grade_type=grade_type,
        state=state,
        calibration_pk=calibration_id,
        target_grade_pk=target_grade_id,
        start=start,
        end=end,
        include_deleted=include_deleted,
    )
    total, pks = await repository.page_grades(
        session, account_id=account_id, filters=filters, page=page
    )
    rows = await repository.grade_rows(session, account_id=account_id, grade_pks=pks)
    items = [GradeSummary(**_summary_fields(rows[pk])) for pk in pks if pk in rows]
    return Page(
        startIndex=page.start_index, totalResults=total, itemsPerPage=len(items), Resources=items
    )


# --- grade writes -------------------------------------------------------------------------------


def _describe(grade: Grade, ticket_id: str) -> str:
    noun = _GRADE_NOUNS.get(grade.grade_type, "grade")
    return (
        f"{noun} {grade.id} of ticket {ticket_id} for agent {grade.agent_id}"
        f" by {grade.grader_email}"
    )


def _score_text(grade: Grade) -> str:
    if grade.rubric_score is None:
        return "score N/A"
    return f"score {grade.rubric_score:.4g}%"


async def _create(
    session: AsyncSession,
    *,
    principal: Principal,
    work: GradeWork,
    grade_type: str,
    ticket: Ticket,
    agent: Agent,
    agent_id: str,
    rubric: Rubric,
    version_pk: str,
    grader: User,
    calibration: Calibration | None = None,
    target: Grade | None = None,
) -> Grade:
    """Creates a grade of any type from what the grader filled in."""
    account_id = principal.account_id
    structure = await _Structures(session, account_id).get(version_pk)
    _known_criteria(structure, work.answers)
    states = {cid: _state_from_wire(a) for cid, a in work.answers.items() if a is not None}
    states = {cid: s for cid, s in states.items() if s != AnswerState()}
    states = with_default_states(structure, structure.scoring(rubric.id), states)
    now = clock.now()
    grade = Grade(
        id=ids.new_id(),
        account_id=account_id,
        rubric_pk=rubric.id,
        version_pk=version_pk,
        ticket_pk=ticket.id,
        agent_pk=agent.id,
        agent_id=agent_id,
        grader_pk=grader.id,
        grader_email=grader.email,
        grade_type=grade_type,
        calibration_pk=calibration.id if calibration is not None else None,
        target_grade_pk=target.id if target is not None else None,
        state=work.state,
        general_notes=work.generalNotes,
        source="manual",
        grading_seconds=work.gradingSeconds,
        first_started_at=work.startedAt or now - timedelta(seconds=work.gradingSeconds),
        first_graded_at=now,
        submitted_at=now if work.state == "submitted" else None,
        reported_at=work.reportedAt or now,
        created_at=now,
        updated_at=now,
    )
    session.add(grade)
    await session.flush()
    await _score_and_store(session, grade=grade, structure=structure, states=states)
    await _save_annotations(
        session, grade=grade, structure=structure, annotations=work.annotations, replace=False
    )
    await _refresh_alignment(session, grade=grade)
    action = audit.ADD if grade.state == "submitted" else START_GRADING
    verb = "Created" if grade.state == "submitted" else "Started"
    _record(
        session,
        principal,
        SCORES,
        action,
        f'{verb} {_describe(grade, ticket.ticket_id)} on rubric "{rubric.name}": '
        f"{_score_text(grade)}",
    )
    return grade


async def create_grade(
    session: AsyncSession, *, principal: Principal, data: GradeCreate
) -> GradeRead:
    """Creates a grade (agent QA) of a ticket for an agent with a rubric."""
    account_id = principal.account_id
    ticket = await _ticket(session, account_id, data.ticketId)
    agent, agent_id = await _agent(session, account_id, data.agentId, ticket)
    rubric = await _rubric_for_grading(session, account_id, data.rubricId)
    grader = await _grader(session, principal, data)
    grade = await _create(
        session,
        principal=principal,
        work=data,
        grade_type="grading",
        ticket=ticket,
        agent=agent,
        agent_id=agent_id,
        rubric=rubric,
        version_pk=rubric.current_version_pk or "",
        grader=grader,
    )
    return await _grade_read(session, grade=grade)


async def _lock_for_write(session: AsyncSession, *, account_id: str, grade_id: str) -> Grade:
    """The grade, locked with what its alignment depends on, in the one order every writer
    takes: the calibration or the original grade first, then the grade."""
    grade = await _get_grade(session, account_id=account_id, grade_id=grade_id)
    if grade.calibration_pk is not None:
        await repository.get_calibration(
            session,
            account_id=account_id,
            calibration_id=grade.calibration_pk,
            include_deleted=True,
            lock="update",
        )
    elif grade.grade_type == "grader_qa" and grade.target_grade_pk is not None:
        await repository.get_grade(
            session,
            account_id=account_id,
            grade_id=grade.target_grade_pk,
            include_deleted=True,
            lock="update",
        )
    await repository.get_rubric(
        session,
        account_id=account_id,
        rubric_id=grade.rubric_pk,
        include_deleted=True,
        lock="share",
    )
    locked = await repository.get_grade(
        session, account_id=account_id, grade_id=grade.id, lock="update"
    )
    if locked is None:  # deleted meanwhile
        raise NotFound(f"no grade {grade_id!r} in this account")
    return locked


async def update_grade(
    session: AsyncSession, *, principal: Principal, grade_id: str, data: GradeUpdate
) -> GradeRead:
    """Changes a grade (the fields sent) and rescores it; `state: submitted` submits a draft."""
    account_id = principal.account_id
    grade = await _lock_for_write(session, account_id=account_id, grade_id=grade_id)
    sent = data.model_fields_set
    if data.state == "draft" and grade.state == "submitted":
        raise Invalid.param("state", "a submitted grade cannot become a draft again")
    if "graderId" in sent or "graderEmail" in sent:
        grader = await _grader(session, principal, data)
        grade.grader_pk, grade.grader_email = grader.id, grader.email
    ticket = await repository.get_ticket_by_pk(session, account_id=account_id, pk=grade.ticket_pk)
    assert ticket is not None
    if data.agentId is not None:
        agent, agent_id = await _agent(session, account_id, data.agentId, ticket)
        grade.agent_pk, grade.agent_id = agent.id, agent_id
    structure = await _Structures(session, account_id).get(grade.version_pk)
    states, _ = await _load_states(session, account_id=account_id, grade_pk=grade.id)
    if data.answers is not None:
        _known_criteria(structure, data.answers)
        for cid, answer in data.answers.items():
            states[cid] = _state_from_wire(answer)
    submitting = data.state == "submitted" and grade.state == "draft"
    now = clock.now()
    if submitting:
        grade.state = "submitted"
        grade.submitted_at = grade.submitted_at or now
    if data.generalNotes is not None:
        grade.general_notes = data.generalNotes
    if data.gradingSeconds is not None:
        grade.grading_seconds = data.gradingSeconds
    if data.reportedAt is not None:
        grade.reported_at = data.reportedAt
    grade.updated_at = now
    await _score_and_store(session, grade=grade, structure=structure, states=states)
    if data.annotations is not None:
        await _save_annotations(
            session, grade=grade, structure=structure, annotations=data.annotations, replace=True
        )
    await _refresh_alignment(session, grade=grade)
    fields = ", ".join(sorted(f for f in sent if f != "state")) or "nothing"
    if submitting:
        what = f"Submitted {_describe(grade, ticket.ticket_id)}: {_score_text(grade)}"
        if fields != "nothing":
            what += f" (changed {fields})"
        _record(session, principal, SCORES, SUBMIT, what)
    else:
        what = f"Updated {_describe(grade, ticket.ticket_id)}: {fields}; {_score_text(grade)}"
        _record(session, principal, SCORES, audit.UPDATE, what)
    return await _grade_read(session, grade=grade)


async def submit_grade(session: AsyncSession, *, principal: Principal, grade_id: str) -> GradeRead:
    """Submits a draft (it must then be complete); a submitted grade is answered as it is."""
    grade = await _get_grade(session, account_id=principal.account_id, grade_id=grade_id)
    if grade.state == "submitted":
        return await _grade_read(session, grade=grade)
    return await update_grade(
        session, principal=principal, grade_id=grade_id, data=GradeUpdate(state="submitted")
    )


async def delete_grade(session: AsyncSession, *, principal: Principal, grade_id: str) -> Deleted:
    """Soft-deletes a grade: reads answer 404 (unless asked to include deleted grades) and the
    exports see it as deleted. A final calibration grade's alignments go with it."""
    account_id = principal.account_id
    grade = await _lock_for_write(session, account_id=account_id, grade_id=grade_id)
    now = clock.now()
    grade.deleted_at = now
    grade.updated_at = now
    await session.flush()
    if grade.grade_type == "calibration_final":
        await _refresh_alignment(session, grade=grade)
    ticket = await repository.get_ticket_by_pk(session, account_id=account_id, pk=grade.ticket_pk)
    _record(
        session,
        principal,
        SCORES,
        audit.DELETE,
        f"Deleted {_describe(grade, ticket.ticket_id if ticket else grade.ticket_pk)}",
    )
    return Deleted(id=grade.id)


# --- grader QA ----------------------------------------------------------------------------------


async def create_grader_qa(
    session: AsyncSession, *, principal: Principal, grade_id: str, data: GraderQaCreate
) -> GradeRead:
    """Creates the benchmark re-grade of a submitted grade (grader QA) and its alignment."""
    account_id = principal.account_id
    original = await _get_grade(session, account_id=account_id, grade_id=grade_id, lock="update")
    if original.grade_type != "grading":
        raise Invalid.param(
            "id", f"grader QA re-grades agent QA grades, not a {original.grade_type}"
        )
    if original.state != "submitted":
        raise Invalid.param("id", "the grade is a draft: grader QA needs a submitted grade")
    grader = await _grader(session, principal, data)
    if grader.id == original.grader_pk:
        raise Invalid.param("graderId", "the benchmark grader must not be the original grader")
    others = await repository.grades_where(
        session,
        account_id=account_id,
        filters=GradeFilters(grade_type="grader_qa", target_grade_pk=original.id),
    )
    if any(g.grader_pk == grader.id for g in others):
        raise Conflict(
            f"{grader.email} already has a grader QA grade of grade {original.id}",
            [("graderId", f"{grader.email} already re-graded this grade")],
        )
    rubric = await _get_rubric(
        session,
        account_id=account_id,
        rubric_id=original.rubric_pk,
        include_deleted=True,
        lock="share",
    )
    ticket = await repository.get_ticket_by_pk(
        session, account_id=account_id, pk=original.ticket_pk
    )
    agent = await repository.get_agent(session, account_id=account_id, pk=original.agent_pk)
    assert ticket is not None and agent is not None
    grade = await _create(
        session,
        principal=principal,
        work=data,
        grade_type="grader_qa",
        ticket=ticket,
        agent=agent,
        agent_id=original.agent_id,
        rubric=rubric,
        version_pk=original.version_pk,
        grader=grader,
        target=original,
    )
    return await _grade_read(session, grade=grade)


# --- calibrations -------------------------------------------------------------------------------


async def _get_calibration(
    session: AsyncSession,
    *,
    account_id: str,
    calibration_id: str,
    include_deleted: bool = False,
    lock: repository.Lock = None,
) -> Calibration:
    row = None
    if _plausible_id(calibration_id):
        row = await repository.get_calibration(
            session,
            account_id=account_id,
            calibration_id=calibration_id,
            include_deleted=include_deleted,
            lock=lock,
        )
    if row is None:
        raise NotFound(f"no calibration {calibration_id!r} in this account")
    return row


async def _calibration_read(session: AsyncSession, *, calibration: Calibration) -> CalibrationRead:
    account_id = calibration.account_id
    grades = await repository.grades_where(
        session, account_id=account_id, filters=GradeFilters(calibration_pk=calibration.id)
    )
    tickets = await repository.ticket_ids_of(
        session, account_id=account_id, ticket_pks=[calibration.ticket_pk]
    )
    final = next((g for g in grades if g.grade_type == "calibration_final"), None)
    return CalibrationRead(
        id=calibration.id,
        name=calibration.name,
        kind=calibration.kind,
        ticketId=tickets.get(calibration.ticket_pk, ""),
        agentId=calibration.agent_id,
        rubricId=calibration.rubric_pk,
        finalCalibratorId=calibration.final_calibrator_pk,
        scheduledFor=calibration.scheduled_for,
        finalGradeId=final.id if final is not None else None,
        calibrators=[
            CalibratorAlignment(
                gradeId=g.id,
                graderId=g.grader_pk,
                graderEmail=g.grader_email,
                state=g.state,  # type: ignore[arg-type]
                alignmentScore=wire_number(g.alignment_score),
            )
            for g in sorted(grades, key=lambda g: (g.created_at, g.id))
            if g.grade_type == "calibration_review"
        ],
        createdAt=calibration.created_at,
        updatedAt=calibration.updated_at,
        deletedAt=calibration.deleted_at,
    )


async def _final_calibrator(session: AsyncSession, principal: Principal, data: Any) -> User | None:
    return await _user(
        session,
        principal,
        user_id=data.finalCalibratorId,
        email=data.finalCalibratorEmail,
        id_param="finalCalibratorId",
        email_param="finalCalibratorEmail",
    )


async def create_calibration(
    session: AsyncSession, *, principal: Principal, data: CalibrationCreate
) -> CalibrationRead:
    """Creates a calibration of a ticket with a rubric; calibrators then add their grades."""
    account_id = principal.account_id
    ticket = await _ticket(session, account_id, data.ticketId)
    agent, agent_id = await _agent(session, account_id, data.agentId, ticket)
    rubric = await _rubric_for_grading(session, account_id, data.rubricId)
    final = await _final_calibrator(session, principal, data)
    if final is None:
        raise Invalid.param("finalCalibratorId", "is required: the API token belongs to no user")
    now = clock.now()
    row = Calibration(
        id=ids.new_id(),
        account_id=account_id,
        name=data.name,
        kind=data.kind,
        ticket_pk=ticket.id,
        agent_pk=agent.id,
        agent_id=agent_id,
        rubric_pk=rubric.id,
        final_calibrator_pk=final.id,
        scheduled_for=data.scheduledFor,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    named = f' "{row.name}"' if row.name else ""
    _record(
        session,
        principal,
        CALIBRATIONS,
        audit.ADD,
        f"Created {row.kind} calibration{named} ({row.id}) of ticket {ticket.ticket_id} on rubric "
        f'"{rubric.name}", final calibrator {final.email}',
    )
    return await _calibration_read(session, calibration=row)


async def get_calibration(
    session: AsyncSession, *, account_id: str, calibration_id: str, include_deleted: bool = False
) -> CalibrationRead:
    """One calibration with its calibrators' alignment."""
    row = await _get_calibration(
        session,
        account_id=account_id,
        calibration_id=calibration_id,
        include_deleted=include_deleted,
    )
    return await _calibration_read(session, calibration=row)


async def list_calibrations(
    session: AsyncSession,
    *,
    account_id: str,
    page: PageParams,
    ticket_id: str | None = None,
    rubric_id: str | None = None,
    include_deleted: bool = False,
) -> Page[CalibrationRead]:
    """A page of calibrations in id order."""
    ticket_pk = None
    if ticket_id is not None:
        ticket = await repository.get_ticket_by_id(
            session, account_id=account_id, ticket_id=ticket_id
        )
        if ticket is None:
            return Page(startIndex=page.start_index, totalResults=0, itemsPerPage=0, Resources=[])
        ticket_pk = ticket.id
    total, rows = await repository.page_calibrations(
        session,
        account_id=account_id,
        page=page,
        ticket_pk=ticket_pk,
        rubric_pk=rubric_id,
        include_deleted=include_deleted,
    )
    items = [await _calibration_read(session, calibration=r) for r in rows]
    return Page(
        startIndex=page.start_index, totalResults=total, itemsPerPage=len(items), Resources=items
    )


async def update_calibration(
    session: AsyncSession, *, principal: Principal, calibration_id: str, data: CalibrationUpdate
) -> CalibrationRead:
    """Changes a calibration's name, kind, schedule or final calibrator."""
    row = await _get_calibration(
        session, account_id=principal.account_id, calibration_id=calibration_id, lock="update"
    )
    sent = data.model_fields_set
    if "finalCalibratorId" in sent or "finalCalibratorEmail" in sent:
        final = await _final_calibrator(session, principal, data)
        assert final is not None
        row.final_calibrator_pk = final.id
    if data.name is not None:
        row.name = data.name
    if data.kind is not None:
        row.kind = data.kind
    if data.scheduledFor is not None:
        row.scheduled_for = data.scheduledFor
    row.updated_at = clock.now()
    await session.flush()
    fields = ", ".join(sorted(sent)) or "nothing"
    _record(
        session, principal, CALIBRATIONS, audit.UPDATE, f"Updated calibration {row.id}: {fields}"
    )
    return await _calibration_read(session, calibration=row)


async def delete_calibration(
    session: AsyncSession, *, principal: Principal, calibration_id: str
) -> Deleted:
    """Soft-deletes a calibration and its grades."""
    account_id = principal.account_id
    row = await _get_calibration(
        session, account_id=account_id, calibration_id=calibration_id, lock="update"
    )
    now = clock.now()
    row.deleted_at = now
    row.updated_at = now
    grades = await repository.grades_where(
        session,
        account_id=account_id,
        filters=GradeFilters(calibration_pk=row.id),
        lock="update",
    )
    for grade in grades:
        grade.deleted_at = now
        grade.updated_at = now
    await session.flush()
    _record(
        session,
        principal,
        CALIBRATIONS,
        audit.DELETE,
        f"Deleted calibration {row.id} and its {audit.plural(len(grades), 'grade')}",
    )
    return Deleted(id=row.id)


async def create_calibration_grade(
    session: AsyncSession,
    *,
    principal: Principal,
    calibration_id: str,
    data: CalibrationGradeCreate,
) -> GradeRead:
    """Adds a calibrator's individual grade, or (`final`) the final calibrator's final grade."""
    account_id = principal.account_id
    calibration = await _get_calibration(
        session, account_id=account_id, calibration_id=calibration_id, lock="update"
    )
    grader = await _grader(session, principal, data)
    grades = await repository.grades_where(
        session, account_id=account_id, filters=GradeFilters(calibration_pk=calibration.id)
    )
    if data.final:
        if grader.id != calibration.final_calibrator_pk:
            raise Invalid.param(
                "graderId",
                "only the calibration's final calibrator "
                f"({calibration.final_calibrator_pk}) makes the final grade",
            )
        if any(g.grade_type == "calibration_final" for g in grades):
            raise Conflict(
                f"calibration {calibration.id} has a final grade already",
                [("final", "the calibration has a final grade already")],
            )
        grade_type = "calibration_final"
    else:
        if any(g.grade_type == "calibration_review" and g.grader_pk == grader.id for g in grades):
            raise Conflict(
                f"{grader.email} has a calibration grade in calibration {calibration.id} already",
                [("graderId", f"{grader.email} has a calibration grade here already")],
            )
        grade_type = "calibration_review"
    rubric = await _get_rubric(
        session,
        account_id=account_id,
        rubric_id=calibration.rubric_pk,
        include_deleted=True,
        lock="share",
    )
    version_pk = await repository.calibration_version_pk(
        session, account_id=account_id, calibration_pk=calibration.id
    )
    if version_pk is None:
        if rubric.deleted_at is not None:
            raise Invalid.param("rubricId", f"the calibration's rubric {rubric.id} was deleted")
        version_pk = rubric.current_version_pk or ""
    ticket = await repository.get_ticket_by_pk(
        session, account_id=account_id, pk=calibration.ticket_pk
    )
    agent = await repository.get_agent(session, account_id=account_id, pk=calibration.agent_pk)
    assert ticket is not None and agent is not None
    grade = await _create(
        session,
        principal=principal,
        work=data,
        grade_type=grade_type,
        ticket=ticket,
        agent=agent,
        agent_id=calibration.agent_id,
        rubric=rubric,
        version_pk=version_pk,
        grader=grader,
        calibration=calibration,
    )
    calibration.updated_at = clock.now()
    await session.flush()
    return await _grade_read(session, grade=grade)
