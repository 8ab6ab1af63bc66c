"""Queries of the exports domain, every one scoped to an account: the export rows, and the
queries whose rows become the CSV files (one `FileQuery` per file).

A `FileQuery` names its columns in file order, each with a *kind* that says how its values
are written (see `podium.exports.writers`); the query itself is written once and serves both
writers: on PostgreSQL the kinds become SQL that formats each value inside `COPY`, on SQLite
the raw values are formatted in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    and_,
    exists,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from podium.agents.models import Agent, AgentGroup, AgentGroupMember, AgentHelpdeskId
from podium.audit.models import ActivityLog
from podium.exports.models import Export
from podium.grading.models import (
    Annotation,
    Grade,
    GradeAnswer,
    GradeSection,
    Rubric,
    RubricCriterion,
    RubricSection,
)
from podium.pagination import PageParams, paginate
from podium.tickets.models import Ticket

# --- export rows ------------------------------------------------------------------------------


async def get_export(
    session: AsyncSession, *, account_id: str, export_id: str, lock: bool = False
) -> Export | None:
    stmt = select(Export).where(Export.account_id == account_id, Export.id == export_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def page_exports(
    session: AsyncSession, *, account_id: str, page: PageParams
) -> tuple[int, list[Export]]:
    return await paginate(session, model=Export, where=[Export.account_id == account_id], page=page)


async def set_status(
    session: AsyncSession, *, account_id: str, export_id: str, values: dict[str, Any]
) -> int:
    """Updates the export's columns; returns the rows changed (0 when it is gone)."""
    result = await session.execute(
        update(Export)
        .where(Export.account_id == account_id, Export.id == export_id)
        .values(**values)
    )
    return result.rowcount  # type: ignore[attr-defined, no-any-return]


# --- the files' queries -----------------------------------------------------------------------

Kind = Literal["text", "date", "score", "number", "int", "bool"]
"""How a column's values are written:

- `text`: as stored; None and "" are an empty cell
- `date`: UTC `2020-06-25T14:03:22.123Z`; None is `Unknown`
- `score`: a number rounded to 2 decimals, integers without decimals (`8`, `53.33`); None
  (a score that does not count) is `N/A`
- `number`: like `score`, but None (no such value) is an empty cell
- `int`: an integer
- `bool`: `True` / `False`
"""

Formatter = Callable[[Kind, ColumnElement[Any]], ColumnElement[Any]]


@dataclass(frozen=True)
class Column:
    """A column of a file: its header, its kind, and the value. `per_grade` columns are the
    grade's (ticket, agent, rubric, dates...), the same on every row of a grade."""

    name: str
    kind: Kind
    expr: ColumnElement[Any]
    per_grade: bool = False


def _as_is(_kind: Kind, expr: ColumnElement[Any]) -> ColumnElement[Any]:
    return expr


@dataclass(frozen=True)
class FileQuery:
    """One CSV file: its name (`total_scores`), its columns in file order, and its query,
    built with a formatter (`select(fmt)`; raw values without one)."""

    name: str
    columns: tuple[Column, ...]
    build: Callable[[Formatter], Select[Any]]

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def select(self, fmt: Formatter | None = None) -> Select[Any]:
        return self.build(fmt or _as_is)


def _simple(
    name: str,
    columns: list[Column],
    from_: FromClause,
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[ColumnElement[Any]] = (),
) -> FileQuery:
    def build(fmt: Formatter) -> Select[Any]:
        return (
            select(*(fmt(c.kind, c.expr).label(c.name) for c in columns))
            .select_from(from_)
            .where(*where)
            .order_by(*order_by)
        )

    return FileQuery(name, tuple(columns), build)


@dataclass(frozen=True)
class GradeSelection:
    """Which grades a raw export holds: submitted grades of the account last updated in
    [start, end), of the types asked for, deleted ones only when asked."""

    account_id: str
    start: datetime
    end: datetime
    calibrations: Literal["all", "none", "only"] = "none"
    grader_qa: bool = False
    deleted: bool = False

    @property
    def grade_types(self) -> tuple[str, ...]:
        if self.calibrations == "only":
            return ("calibration_review", "calibration_final")
        types = ["grading"]
        if self.calibrations == "all":
            types += ["calibration_review", "calibration_final"]
        if self.grader_qa:
            types.append("grader_qa")
        return tuple(types)

    def conditions(self, grade: Any = Grade) -> list[ColumnElement[bool]]:
        where = [
            grade.account_id == self.account_id,
            grade.updated_at >= self.start,
            grade.updated_at < self.end,
            grade.state == "submitted",
            grade.grade_type.in_(self.grade_types),
        ]
        if not self.deleted:
            where.append(grade.deleted_at.is_(None))
        return where


RAW_FILES = ("total_scores", "section_scores", "individual_answers", "annotations", "csat")

# the original grade of a grader-QA grade
_target = aliased(Grade, name="target")


def _graded() -> FromClause:
    """Grades with what every row of theirs shows: ticket, agent, rubric, original grade."""
    return (
        Grade.__table__.join(Ticket, Ticket.id == Grade.ticket_pk)
        .join(Agent, Agent.id == Grade.agent_pk)
        .join(Rubric, Rubric.id == Grade.rubric_pk)
        .outerjoin(_target, _target.id == Grade.target_grade_pk)
    )


def _g(name: str, kind: Kind, expr: ColumnElement[Any]) -> Column:
    return Column(name, kind, expr, per_grade=True)


GRADABLE_ID = _g("gradable_id", "text", Ticket.ticket_id)
WHO = (
    GRADABLE_ID,
    _g("agent_id", "text", Grade.agent_id),
    _g("agent_name", "text", Agent.name),
    _g("agent_email", "text", Agent.email),
    _g("rubric_id", "text", Grade.rubric_pk),
    _g("rubric_name", "text", Rubric.name),
)
WHEN = (
    _g("date_graded", "date", Grade.updated_at),
    _g("grader", "text", Grade.grader_email),
    _g("grade_type", "text", Grade.grade_type),
    _g("ticket_created_at", "date", Ticket.first_seen),
)
REPORTED = _g("date_reported_as", "date", Grade.reported_at)
SOURCE = _g("source", "text", Grade.source)
ALIGNMENT = _g("alignment_score", "number", Grade.alignment_score)
GRADER_QA = (
    _g("target_answer_id", "text", Grade.target_grade_pk),
    _g("original_grader", "text", _target.grader_email),
)


def _per_grade(
    name: str,
    sel: GradeSelection,
    columns: list[Column],
    detail: Callable[[Any], tuple[FromClause, Sequence[ColumnElement[bool]]]],
) -> FileQuery:
    """A file of several rows per grade (sections, answers, annotations).

    The grade's own columns are read and formatted once per grade, in a materialised CTE `g`,
    then joined to the detail rows: a grade with 20 answers formats its dates once, not 20
    times. `detail(g)` gives the detail rows' FROM (joined to `g` on `g.c.grade_pk`, with the
    grade's rubric version as `g.c.grade_version_pk`) and their conditions.

    Rows come in no promised order (MaestroQA's files are not sorted either): an ORDER BY here
    would sort every row of the export, which costs more than writing them.
    """
    grade_columns = [c for c in columns if c.per_grade]

    def build(fmt: Formatter) -> Select[Any]:
        g = (
            select(
                Grade.id.label("grade_pk"),
                Grade.version_pk.label("grade_version_pk"),
                *(fmt(c.kind, c.expr).label(c.name) for c in grade_columns),
            )
            .select_from(_graded())
            .where(*sel.conditions())
            .cte("g")
            .prefix_with("MATERIALIZED")
        )
        from_, where = detail(g)
        return (
            select(
                *(
                    g.c[c.name] if c.per_grade else fmt(c.kind, c.expr).label(c.name)
                    for c in columns
                )
            )
            .select_from(from_)
            .where(*where)
        )

    return FileQuery(name, tuple(columns), build)


def total_scores(sel: GradeSelection) -> FileQuery:
    """One row per grade, by last update (then id)."""
    columns = [
        *WHO,
        Column("rubric_score", "score", Grade.rubric_score),
        Column("max_rubric_score", "score", Grade.max_rubric_score),
        Column("comment", "text", Grade.general_notes),
        *WHEN,
        Column("date_first_started", "date", Grade.first_started_at),
        Column("date_first_graded", "date", Grade.first_graded_at),
        REPORTED,
        SOURCE,
        Column("total_grading_time", "int", Grade.grading_seconds),
        ALIGNMENT,
        *GRADER_QA,
    ]
    return _simple(
        "total_scores", columns, _graded(), sel.conditions(), (Grade.updated_at, Grade.id)
    )


def section_scores(sel: GradeSelection) -> FileQuery:
    """One row per (grade, section)."""
    section = aliased(RubricSection, name="section")
    columns = [
        *WHO,
        Column("section_id", "text", GradeSection.section_id),
        Column("section_name", "text", section.name),
        Column("section_score", "score", GradeSection.earned),
        Column("max_section_score", "score", GradeSection.max_points),
        *WHEN,
        REPORTED,
        SOURCE,
        Column("section_weight", "number", GradeSection.weight),
        ALIGNMENT,
        *GRADER_QA,
    ]

    def detail(g: Any) -> tuple[FromClause, list[ColumnElement[bool]]]:
        from_ = g.join(GradeSection, GradeSection.grade_pk == g.c.grade_pk).outerjoin(
            section,
            and_(
                section.version_pk == g.c.grade_version_pk,
                section.section_id == GradeSection.section_id,
            ),
        )
        return from_, [GradeSection.account_id == sel.account_id]

    return _per_grade("section_scores", sel, columns, detail)


def individual_answers(sel: GradeSelection) -> FileQuery:
    """One row per (grade, criterion)."""
    criterion = aliased(RubricCriterion, name="criterion")
    section = aliased(RubricSection, name="section")
    columns = [
        *WHO,
        Column("question_id", "text", GradeAnswer.criterion_id),
        Column("question", "text", criterion.text),
        Column("answer_label", "text", GradeAnswer.answer_label),
        Column("feedback_answer_label", "text", GradeAnswer.feedback_label),
        Column("question_score", "score", GradeAnswer.earned),
        Column("max_question_score", "score", GradeAnswer.max_points),
        Column("comment", "text", GradeAnswer.comment),
        *WHEN,
        Column("section_id", "text", GradeAnswer.section_id),
        Column("section_name", "text", section.name),
        REPORTED,
        SOURCE,
        Column("alignment_score", "number", GradeAnswer.alignment),
        *GRADER_QA,
    ]

    def detail(g: Any) -> tuple[FromClause, list[ColumnElement[bool]]]:
        from_ = (
            g.join(GradeAnswer, GradeAnswer.grade_pk == g.c.grade_pk)
            .outerjoin(
                criterion,
                and_(
                    criterion.version_pk == g.c.grade_version_pk,
                    criterion.criterion_id == GradeAnswer.criterion_id,
                ),
            )
            .outerjoin(
                section,
                and_(
                    section.version_pk == g.c.grade_version_pk,
                    section.section_id == GradeAnswer.section_id,
                ),
            )
        )
        return from_, [GradeAnswer.account_id == sel.account_id]

    return _per_grade("individual_answers", sel, columns, detail)


def annotations(sel: GradeSelection) -> FileQuery:
    """One row per annotation (highlight or moment) kept on an exported grade."""
    criterion = aliased(RubricCriterion, name="criterion")
    section = aliased(RubricSection, name="section")
    columns = [
        *WHO,
        Column("question_id", "text", Annotation.criterion_id),
        Column("question", "text", criterion.text),
        Column("annotation_id", "text", Annotation.id),
        Column("selected_text", "text", Annotation.highlight),
        Column("comment", "text", Annotation.feedback),
        *WHEN,
        Column("section_id", "text", criterion.section_id),
        Column("section_name", "text", section.name),
        REPORTED,
        SOURCE,
    ]

    def detail(g: Any) -> tuple[FromClause, list[ColumnElement[bool]]]:
        from_ = (
            g.join(Annotation, Annotation.grade_pk == g.c.grade_pk)
            .outerjoin(
                criterion,
                and_(
                    criterion.version_pk == g.c.grade_version_pk,
                    criterion.criterion_id == Annotation.criterion_id,
                ),
            )
            .outerjoin(
                section,
                and_(
                    section.version_pk == g.c.grade_version_pk,
                    section.section_id == criterion.section_id,
                ),
            )
        )
        return from_, [Annotation.account_id == sel.account_id, Annotation.deleted_at.is_(None)]

    return _per_grade("annotations", sel, columns, detail)


def csat(sel: GradeSelection) -> FileQuery:
    """One row per ticket of an exported grade that has a CSAT score, by ticket id."""
    graded = aliased(Grade, name="graded")
    columns = [
        Column("gradable_id", "text", Ticket.ticket_id),
        Column("csat_score", "score", Ticket.csat_score),
        # Podium keeps a ticket's CSAT score, not the customer's comment
        Column("csat_comment", "text", literal("")),
        Column("ticket_created_at", "date", Ticket.first_seen),
        Column("source", "text", Ticket.source),
    ]
    has_grade = exists().where(graded.ticket_pk == Ticket.id, *sel.conditions(graded))
    return _simple(
        "csat",
        columns,
        Ticket.__table__,
        [Ticket.account_id == sel.account_id, Ticket.csat_score.is_not(None), has_grade],
        (Ticket.ticket_id, Ticket.id),
    )


RAW_QUERIES: dict[str, Callable[[GradeSelection], FileQuery]] = {
    "total_scores": total_scores,
    "section_scores": section_scores,
    "individual_answers": individual_answers,
    "annotations": annotations,
    "csat": csat,
}
assert tuple(RAW_QUERIES) == RAW_FILES


AGENT_ID_SEPARATOR = "; "


def _agent_ids(dialect: str) -> ColumnElement[Any]:
    """The agent's helpdesk ids, the one it was created with first, joined with `; `."""
    h = AgentHelpdeskId
    if dialect == "postgresql":
        return (
            select(
                func.string_agg(
                    h.helpdesk_id, aggregate_order_by(literal(AGENT_ID_SEPARATOR), h.position, h.id)
                )
            )
            .where(h.agent_pk == Agent.id)
            .scalar_subquery()
        )
    # SQLite before 3.44 has no ORDER BY inside group_concat; it concatenates in the order an
    # ordered subquery yields its rows
    ordered = (
        select(h.helpdesk_id)
        .where(h.agent_pk == Agent.id)
        .order_by(h.position, h.id)
        .correlate(Agent)
        .subquery()
    )
    return select(func.group_concat(ordered.c.helpdesk_id, AGENT_ID_SEPARATOR)).scalar_subquery()


def agent_groups(*, account_id: str, include_unavailable: bool, dialect: str) -> FileQuery:
    """One row per (group, member agent)."""
    columns = [
        Column("group_name", "text", AgentGroup.name),
        Column("group_id", "text", AgentGroup.id),
        Column("agent_name", "text", Agent.name),
        Column("agent_email", "text", Agent.email),
        Column("agent_ids", "text", _agent_ids(dialect)),
        Column("available", "bool", Agent.available),
    ]
    where: list[ColumnElement[bool]] = [AgentGroupMember.account_id == account_id]
    if not include_unavailable:
        where.append(Agent.available.is_(True))
    from_ = AgentGroupMember.__table__.join(
        AgentGroup, AgentGroup.id == AgentGroupMember.group_id
    ).join(Agent, Agent.id == AgentGroupMember.agent_pk)
    order = (AgentGroup.name, AgentGroup.id, Agent.name, Agent.id)
    return _simple("agent_groups", columns, from_, where, order)


def audit_log(*, account_id: str, start: datetime, end: datetime) -> FileQuery:
    """One row per activity log entry made in [start, end), oldest first."""
    columns = [
        Column("activity_id", "text", ActivityLog.id),
        Column("time_stamp", "date", ActivityLog.created_at),
        Column("user_email", "text", ActivityLog.actor_label),
        Column("item_type", "text", ActivityLog.item_type),
        Column("action_type", "text", ActivityLog.action_type),
        Column("description", "text", ActivityLog.description),
        Column("ip_address", "text", ActivityLog.ip_address),
    ]
    where = [
        ActivityLog.account_id == account_id,
        ActivityLog.created_at >= start,
        ActivityLog.created_at < end,
    ]
    return _simple(
        "audit_log", columns, ActivityLog.__table__, where, (ActivityLog.created_at, ActivityLog.id)
    )


def raw_queries(sel: GradeSelection, files: Sequence[str]) -> list[FileQuery]:
    return [RAW_QUERIES[name](sel) for name in files]
