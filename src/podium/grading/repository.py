"""Queries for rubrics, grades, calibrations and grader QA; every one scoped to an account."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from podium.agents.models import Agent
from podium.auth.models import User
from podium.grading.models import (
    Annotation,
    Calibration,
    Grade,
    GradeAnswer,
    GradeSection,
    Rubric,
    RubricCriterion,
    RubricFeedbackOption,
    RubricOption,
    RubricSection,
    RubricVersion,
)
from podium.grading.structure import Structure, structure_from_rows
from podium.pagination import PageParams, paginate
from podium.tickets.models import Ticket, TicketAgent

Lock = Literal["share", "update"] | None


def scoped(model: Any, account_id: str) -> ColumnElement[bool]:
    """The one account-scoping condition every query of this domain starts from."""
    return model.account_id == account_id


def _locked(stmt: Select[Any], lock: Lock) -> Select[Any]:
    # PostgreSQL holds the rows until the transaction ends; SQLite runs one writer at a time.
    # A row read under a lock is read again even if the session holds it already: it may have
    # changed while the lock was awaited.
    if lock == "update":
        return stmt.with_for_update().execution_options(populate_existing=True)
    if lock == "share":
        return stmt.with_for_update(read=True).execution_options(populate_existing=True)
    return stmt


def _fresh(stmt: Select[Any]) -> Select[Any]:
    """Rows written with bulk statements in this transaction are read as they are now, never
    as an object the session still holds from before."""
    return stmt.execution_options(populate_existing=True)


async def insert_rows(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(model), rows)


# --- rubrics ------------------------------------------------------------------------------------


async def get_rubric(
    session: AsyncSession,
    *,
    account_id: str,
    rubric_id: str,
    include_deleted: bool = False,
    lock: Lock = None,
) -> Rubric | None:
    stmt = select(Rubric).where(scoped(Rubric, account_id), Rubric.id == rubric_id)
    if not include_deleted:
        stmt = stmt.where(Rubric.deleted_at.is_(None))
    return (await session.execute(_locked(stmt, lock))).scalar_one_or_none()


async def page_rubrics(
    session: AsyncSession,
    *,
    account_id: str,
    page: PageParams,
    active: bool | None,
    include_deleted: bool,
) -> tuple[int, list[Rubric]]:
    where: list[ColumnElement[bool]] = [scoped(Rubric, account_id)]
    if active is not None:
        where.append(Rubric.active.is_(active))
    if not include_deleted:
        where.append(Rubric.deleted_at.is_(None))
    return await paginate(session, model=Rubric, where=where, page=page)


async def get_version(
    session: AsyncSession, *, account_id: str, rubric_pk: str, version: int
) -> RubricVersion | None:
    stmt = select(RubricVersion).where(
        scoped(RubricVersion, account_id),
        RubricVersion.rubric_pk == rubric_pk,
        RubricVersion.version == version,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_version_by_pk(
    session: AsyncSession, *, account_id: str, version_pk: str
) -> RubricVersion | None:
    stmt = select(RubricVersion).where(
        scoped(RubricVersion, account_id), RubricVersion.id == version_pk
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def versions_of(
    session: AsyncSession, *, account_id: str, rubric_pk: str
) -> list[RubricVersion]:
    stmt = (
        select(RubricVersion)
        .where(scoped(RubricVersion, account_id), RubricVersion.rubric_pk == rubric_pk)
        .order_by(RubricVersion.version)
    )
    return list((await session.execute(stmt)).scalars().all())


async def versions_in_use(
    session: AsyncSession, *, account_id: str, version_pks: Iterable[str]
) -> set[str]:
    """The versions among `version_pks` that a grade (not deleted) uses."""
    pks = list(set(version_pks))
    if not pks:
        return set()
    used = set()
    for pk in pks:  # one index probe each (ix_grades_version_pk); a rubric has few versions
        stmt = select(
            exists().where(
                scoped(Grade, account_id), Grade.version_pk == pk, Grade.deleted_at.is_(None)
            )
        )
        if (await session.execute(stmt)).scalar():
            used.add(pk)
    return used


async def load_structure(
    session: AsyncSession, *, account_id: str, version: RubricVersion
) -> Structure:
    """The structure of a version: four queries, each in position order."""
    parts = []
    for model, order in (
        (RubricSection, (RubricSection.position,)),
        (RubricCriterion, (RubricCriterion.section_id, RubricCriterion.position)),
        (RubricOption, (RubricOption.criterion_id, RubricOption.position)),
        (RubricFeedbackOption, (RubricFeedbackOption.criterion_id, RubricFeedbackOption.position)),
    ):
        stmt = (
            select(model)
            .where(scoped(model, account_id), model.version_pk == version.id)
            .order_by(*order)
        )
        parts.append(list((await session.execute(stmt)).scalars().all()))
    sections, criteria, options, feedback = parts
    return structure_from_rows(
        name=version.name,
        weighted=version.weighted,
        bonus_weighted=version.bonus_weighted,
        sections=sections,
        criteria=criteria,
        options=options,
        feedback_options=feedback,
    )


async def delete_structure(session: AsyncSession, *, account_id: str, version_pk: str) -> None:
    """Removes a version's sections (its criteria, options and feedback options go with them)."""
    for model in (RubricFeedbackOption, RubricOption, RubricCriterion, RubricSection):
        await session.execute(
            delete(model).where(scoped(model, account_id), model.version_pk == version_pk)
        )


# --- people and tickets -------------------------------------------------------------------------


async def get_ticket_by_id(
    session: AsyncSession, *, account_id: str, ticket_id: str, hold: bool = False
) -> Ticket | None:
    """The ticket with this helpdesk id; `hold` keeps it FOR KEY SHARE (PostgreSQL) until the
    transaction ends, so it is not deleted under a grade being made for it."""
    stmt = select(Ticket).where(scoped(Ticket, account_id), Ticket.ticket_id == ticket_id)
    if hold:
        stmt = stmt.with_for_update(read=True, key_share=True)
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_ticket_by_pk(session: AsyncSession, *, account_id: str, pk: str) -> Ticket | None:
    stmt = select(Ticket).where(scoped(Ticket, account_id), Ticket.id == pk)
    return (await session.execute(stmt)).scalar_one_or_none()


async def first_ticket_agent(
    session: AsyncSession, *, account_id: str, ticket_pk: str
) -> tuple[Agent, str] | None:
    """The ticket's first agent and the helpdesk id it is on the ticket with."""
    stmt = (
        select(Agent, TicketAgent.agent_id)
        .join(TicketAgent, TicketAgent.agent_pk == Agent.id)
        .where(scoped(TicketAgent, account_id), TicketAgent.ticket_pk == ticket_pk)
        .order_by(TicketAgent.position)
        .limit(1)
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row is not None else None


async def get_agent(session: AsyncSession, *, account_id: str, pk: str) -> Agent | None:
    stmt = select(Agent).where(scoped(Agent, account_id), Agent.id == pk)
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_user(
    session: AsyncSession, *, account_id: str, user_id: str | None = None, email: str | None = None
) -> User | None:
    stmt = select(User).where(scoped(User, account_id))
    if user_id is not None:
        stmt = stmt.where(User.id == user_id)
    if email is not None:
        stmt = stmt.where(User.email == email)
    return (await session.execute(stmt)).scalar_one_or_none()


# --- grades -------------------------------------------------------------------------------------


async def get_grade(
    session: AsyncSession,
    *,
    account_id: str,
    grade_id: str,
    include_deleted: bool = False,
    lock: Lock = None,
) -> Grade | None:
    stmt = select(Grade).where(scoped(Grade, account_id), Grade.id == grade_id)
    if not include_deleted:
        stmt = stmt.where(Grade.deleted_at.is_(None))
    return (await session.execute(_locked(stmt, lock))).scalar_one_or_none()


@dataclass(frozen=True)
class GradeFilters:
    ticket_pk: str | None = None
    agent_pk: str | None = None
    grader_pk: str | None = None
    grader_email: str | None = None
    rubric_pk: str | None = None
    grade_type: str | None = None
    state: str | None = None
    calibration_pk: str | None = None
    target_grade_pk: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    include_deleted: bool = False


def _grade_conditions(account_id: str, f: GradeFilters) -> list[ColumnElement[bool]]:
    where = [scoped(Grade, account_id)]
    for column, value in (
        (Grade.ticket_pk, f.ticket_pk),
        (Grade.agent_pk, f.agent_pk),
        (Grade.grader_pk, f.grader_pk),
        (Grade.grader_email, f.grader_email),
        (Grade.rubric_pk, f.rubric_pk),
        (Grade.grade_type, f.grade_type),
        (Grade.state, f.state),
        (Grade.calibration_pk, f.calibration_pk),
        (Grade.target_grade_pk, f.target_grade_pk),
    ):
        if value is not None:
            where.append(column == value)
    if f.start is not None:
        where.append(Grade.reported_at >= f.start)
    if f.end is not None:
        where.append(Grade.reported_at < f.end)
    if not f.include_deleted:
        where.append(Grade.deleted_at.is_(None))
    return where


async def page_grades(
    session: AsyncSession, *, account_id: str, filters: GradeFilters, page: PageParams
) -> tuple[int, list[str]]:
    """(total, the ids of this page's grades in (reported_at, id) order). Without
    `include_deleted`, the count and the ids come from the partial `ix_grades_live_*` indexes
    alone; only the page's rows are loaded afterwards."""
    where = _grade_conditions(account_id, filters)
    total = (
        await session.execute(select(func.count()).select_from(Grade).where(*where))
    ).scalar_one()
    if page.count == 0 or page.start_index >= total:
        return total, []
    end = min(page.start_index + page.count, total)
    if total - end < page.start_index:
        # a page nearer the end is found walking the index backwards (as podium.pagination)
        stmt = (
            select(Grade.id)
            .where(*where)
            .order_by(Grade.reported_at.desc(), Grade.id.desc())
            .offset(total - end)
            .limit(end - page.start_index)
        )
        return total, list(reversed((await session.execute(stmt)).scalars().all()))
    stmt = (
        select(Grade.id)
        .where(*where)
        .order_by(Grade.reported_at, Grade.id)
        .offset(page.start_index)
        .limit(page.count)
    )
    return total, list((await session.execute(stmt)).scalars().all())


@dataclass(frozen=True)
class GradeRow:
    """A grade and the names a read shows with it."""

    grade: Grade
    rubric_name: str
    version: int
    ticket_id: str
    csat_score: float | None
    agent_name: str
    agent_email: str


async def grade_rows(
    session: AsyncSession, *, account_id: str, grade_pks: Sequence[str]
) -> dict[str, GradeRow]:
    """grade id -> the grade with its rubric, version, ticket and agent names; one query."""
    if not grade_pks:
        return {}
    stmt = (
        select(
            Grade,
            Rubric.name,
            RubricVersion.version,
            Ticket.ticket_id,
            Ticket.csat_score,
            Agent.name,
            Agent.email,
        )
        .join(Rubric, Rubric.id == Grade.rubric_pk)
        .join(RubricVersion, RubricVersion.id == Grade.version_pk)
        .join(Ticket, Ticket.id == Grade.ticket_pk)
        .join(Agent, Agent.id == Grade.agent_pk)
        .where(scoped(Grade, account_id), Grade.id.in_(list(grade_pks)))
    )
    out = {}
    for grade, rubric_name, version, ticket_id, csat, agent_name, agent_email in (
        await session.execute(stmt)
    ).all():
        out[grade.id] = GradeRow(
            grade, rubric_name, version, ticket_id, csat, agent_name, agent_email
        )
    return out


async def grade_sections(
    session: AsyncSession, *, account_id: str, grade_pk: str
) -> list[GradeSection]:
    stmt = (
        select(GradeSection)
        .where(scoped(GradeSection, account_id), GradeSection.grade_pk == grade_pk)
        .order_by(GradeSection.position)
    )
    return list((await session.execute(_fresh(stmt))).scalars().all())


async def grade_answers(
    session: AsyncSession, *, account_id: str, grade_pk: str
) -> list[GradeAnswer]:
    stmt = (
        select(GradeAnswer)
        .where(scoped(GradeAnswer, account_id), GradeAnswer.grade_pk == grade_pk)
        .order_by(GradeAnswer.position)
    )
    return list((await session.execute(_fresh(stmt))).scalars().all())


async def annotations_of(
    session: AsyncSession, *, account_id: str, grade_pk: str
) -> list[Annotation]:
    stmt = (
        select(Annotation)
        .where(
            scoped(Annotation, account_id),
            Annotation.grade_pk == grade_pk,
            Annotation.deleted_at.is_(None),
        )
        .order_by(Annotation.position, Annotation.created_at, Annotation.id)
    )
    return list((await session.execute(_fresh(stmt))).scalars().all())


async def replace_scores(
    session: AsyncSession,
    *,
    account_id: str,
    grade_pk: str,
    sections: list[dict[str, Any]],
    answers: list[dict[str, Any]],
) -> None:
    """Replaces a grade's section and criterion rows."""
    for model in (GradeSection, GradeAnswer):
        await session.execute(
            delete(model).where(scoped(model, account_id), model.grade_pk == grade_pk)
        )
    await insert_rows(session, GradeSection, sections)
    await insert_rows(session, GradeAnswer, answers)


async def set_answer_alignment(
    session: AsyncSession, *, account_id: str, grade_pk: str, values: dict[str, float | None]
) -> None:
    """Sets each criterion's alignment on a grade's answers, in one statement."""
    if not values:
        return
    table = GradeAnswer.__table__
    stmt = (
        update(table)
        .where(
            table.c.account_id == account_id,
            table.c.grade_pk == grade_pk,
            table.c.criterion_id == bindparam("b_criterion"),
        )
        .values(alignment=bindparam("b_alignment"))
    )
    await session.execute(stmt, [{"b_criterion": k, "b_alignment": v} for k, v in values.items()])


async def grades_where(
    session: AsyncSession,
    *,
    account_id: str,
    filters: GradeFilters,
    lock: Lock = None,
) -> list[Grade]:
    """Every grade matching the filters, in id order (for the few grades of a calibration or
    of one original grade's grader QA)."""
    stmt = select(Grade).where(*_grade_conditions(account_id, filters)).order_by(Grade.id)
    return list((await session.execute(_locked(stmt, lock))).scalars().all())


async def calibration_version_pk(
    session: AsyncSession, *, account_id: str, calibration_pk: str
) -> str | None:
    """The rubric version the calibration's grades use (that of its first grade)."""
    stmt = (
        select(Grade.version_pk)
        .where(scoped(Grade, account_id), Grade.calibration_pk == calibration_pk)
        .order_by(Grade.created_at, Grade.id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


# --- calibrations -------------------------------------------------------------------------------


async def get_calibration(
    session: AsyncSession,
    *,
    account_id: str,
    calibration_id: str,
    include_deleted: bool = False,
    lock: Lock = None,
) -> Calibration | None:
    stmt = select(Calibration).where(
        scoped(Calibration, account_id), Calibration.id == calibration_id
    )
    if not include_deleted:
        stmt = stmt.where(Calibration.deleted_at.is_(None))
    return (await session.execute(_locked(stmt, lock))).scalar_one_or_none()


async def page_calibrations(
    session: AsyncSession,
    *,
    account_id: str,
    page: PageParams,
    ticket_pk: str | None,
    rubric_pk: str | None,
    include_deleted: bool,
) -> tuple[int, list[Calibration]]:
    where: list[ColumnElement[bool]] = [scoped(Calibration, account_id)]
    if ticket_pk is not None:
        where.append(Calibration.ticket_pk == ticket_pk)
    if rubric_pk is not None:
        where.append(Calibration.rubric_pk == rubric_pk)
    if not include_deleted:
        where.append(Calibration.deleted_at.is_(None))
    return await paginate(session, model=Calibration, where=where, page=page)


async def ticket_ids_of(
    session: AsyncSession, *, account_id: str, ticket_pks: Iterable[str]
) -> dict[str, str]:
    pks = list(set(ticket_pks))
    if not pks:
        return {}
    stmt = select(Ticket.id, Ticket.ticket_id).where(scoped(Ticket, account_id), Ticket.id.in_(pks))
    return {pk: tid for pk, tid in (await session.execute(stmt)).all()}
