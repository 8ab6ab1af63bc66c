"""Rubrics, grades, calibrations and grader QA over HTTP (extension API, `/api/podium/v1`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from podium.auth.dependencies import CurrentPrincipal
from podium.db import SessionDep
from podium.errors import ERROR_RESPONSES, Invalid
from podium.grading import service
from podium.grading.schemas import (
    CalibrationCreate,
    CalibrationGradeCreate,
    CalibrationRead,
    CalibrationUpdate,
    Deleted,
    GradeCreate,
    GradeRead,
    GraderQaCreate,
    GradeState,
    GradeSummary,
    GradeType,
    GradeUpdate,
    RubricCreate,
    RubricRead,
    RubricSaved,
    RubricSummary,
    RubricUpdate,
)
from podium.pagination import PageDep
from podium.wire import Page, UtcIn

RUBRICS = "rubrics"
GRADES = "grades"
CALIBRATIONS = "calibrations"

ext_router = APIRouter()


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: ERROR_RESPONSES[code] for code in codes}


RubricIdPath = Annotated[str, Path(description="The rubric's id")]
GradeIdPath = Annotated[str, Path(description="The grade's id (the exports' `answer_id`)")]
CalibrationIdPath = Annotated[str, Path(description="The calibration's id")]
IncludeDeleted = Annotated[
    bool, Query(description="Also answer with (or list) soft-deleted objects")
]


# --- rubrics ------------------------------------------------------------------------------------


@ext_router.post(
    "/rubrics",
    status_code=201,
    response_model=RubricRead,
    tags=[RUBRICS],
    summary="Create a rubric",
    responses=_errors(400, 413, 422),
)
async def create_rubric(
    principal: CurrentPrincipal, session: SessionDep, body: RubricCreate
) -> RubricRead:
    """Creates a rubric (version 1) with its whole structure: sections, criteria, options and
    feedback options. Ids are generated where absent and kept where given (1 to 17 letters,
    digits, `_` or `-`, unique per kind within the rubric).

    Checked, with a 422 naming the element by its place in the body
    (`sections[1].criteria[0].options[2].points`): option points within the criterion's
    `[minPoints, maxPoints]`, no negative points, `maxPoints` for every linear scale, options for
    every choice criterion and none for a linear scale, the standard sections' weights adding up
    to 100 on a weighted rubric (`weighted: true`), weights on bonus sections of a
    bonus-weighted rubric, auto-fail sections holding only criteria with an auto-fail option and
    no points, and feedback options matching `feedbackMode`."""
    return await service.create_rubric(session, principal=principal, data=body)


@ext_router.get(
    "/rubrics",
    response_model=Page[RubricSummary],
    tags=[RUBRICS],
    summary="List rubrics",
    responses=_errors(422),
)
async def list_rubrics(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageDep,
    active: Annotated[bool | None, Query(description="Only active (or inactive) rubrics")] = None,
    includeDeleted: IncludeDeleted = False,
) -> Page[RubricSummary]:
    """A page of the account's rubrics in id order, without their structure (read one rubric
    for it)."""
    return await service.list_rubrics(
        session,
        account_id=principal.account_id,
        page=page,
        active=active,
        include_deleted=includeDeleted,
    )


@ext_router.get(
    "/rubrics/{rubric_id}",
    response_model=RubricRead,
    tags=[RUBRICS],
    summary="Get a rubric",
    responses=_errors(404, 422),
)
async def get_rubric(
    principal: CurrentPrincipal,
    session: SessionDep,
    rubric_id: RubricIdPath,
    version: Annotated[
        int | None,
        Query(ge=1, le=2**31 - 1, description="An older version's number (default: current)"),
    ] = None,
    includeDeleted: IncludeDeleted = False,
) -> RubricRead:
    """A rubric with the structure of its current version, or of `version`. `versions` lists
    every version and whether grades use it. 404 for another account's rubric, a deleted one
    (unless `includeDeleted`), or a version the rubric does not have."""
    return await service.get_rubric(
        session,
        account_id=principal.account_id,
        rubric_id=rubric_id,
        version=version,
        include_deleted=includeDeleted,
    )


_UPDATE_DOC = """

A structural change (sections, criteria, options, weights, points...) updates the current
version in place, unless grades (not deleted) use that version and the change is one that can
change their scores: then it makes a new version, and those grades keep theirs. Such changes:
adding a scoring, auto-fail or bonus section or a scoring criterion; deleting a section,
criterion, option or feedback option; adding an option with points, changing an option's points
or its auto-fail flag; changing a criterion's kind, points range or `required`; moving a
criterion or option elsewhere; changing a section's type, default answer or weight; turning
`weighted` or `bonusWeighted` on or off. `versionCreated` and `versionChanges` say what
happened. Name, description and `active` always apply in place. Elements are matched by id:
send the ids read back, or the elements count as deleted and added."""


@ext_router.put(
    "/rubrics/{rubric_id}",
    response_model=RubricSaved,
    tags=[RUBRICS],
    summary="Replace a rubric",
    description="Replaces a rubric's settings and structure (the body of a create)." + _UPDATE_DOC,
    responses=_errors(400, 404, 413, 422),
)
async def replace_rubric(
    principal: CurrentPrincipal, session: SessionDep, rubric_id: RubricIdPath, body: RubricCreate
) -> RubricSaved:
    return await service.update_rubric(session, principal=principal, rubric_id=rubric_id, data=body)


@ext_router.patch(
    "/rubrics/{rubric_id}",
    response_model=RubricSaved,
    tags=[RUBRICS],
    summary="Update a rubric",
    description="Changes the fields sent; `sections`, when sent, is the whole new structure."
    + _UPDATE_DOC,
    responses=_errors(400, 404, 413, 422),
)
async def update_rubric(
    principal: CurrentPrincipal, session: SessionDep, rubric_id: RubricIdPath, body: RubricUpdate
) -> RubricSaved:
    return await service.update_rubric(session, principal=principal, rubric_id=rubric_id, data=body)


@ext_router.delete(
    "/rubrics/{rubric_id}",
    response_model=Deleted,
    tags=[RUBRICS],
    summary="Delete a rubric",
    responses=_errors(404),
)
async def delete_rubric(
    principal: CurrentPrincipal, session: SessionDep, rubric_id: RubricIdPath
) -> Deleted:
    """Soft-deletes a rubric (200 `{"id", "deleted": true}`): it is no longer listed (unless
    `includeDeleted`) nor graded with; its grades and versions stay."""
    return await service.delete_rubric(session, principal=principal, rubric_id=rubric_id)


# --- grades -------------------------------------------------------------------------------------


@ext_router.post(
    "/grades",
    status_code=201,
    response_model=GradeRead,
    tags=[GRADES],
    summary="Create a grade",
    responses=_errors(400, 413, 422),
)
async def create_grade(
    principal: CurrentPrincipal, session: SessionDep, body: GradeCreate
) -> GradeRead:
    """Grades a ticket for an agent with a rubric (its current version) and answers 201 with the
    grade, its scores, section scores, answers and annotations.

    - `ticketId` is the helpdesk ticket id; `agentId` a helpdesk agent id or email (default: the
      ticket's first agent); `graderId`/`graderEmail` a user of this account (default: the
      token's user). Each unknown one is a 422 naming it; so is an inactive rubric.
    - `answers` are keyed by criterion id: `{"optionIds": [...]}`, `{"value": 4}` or
      `{"na": true}`, each with optional `feedbackOptionIds` and `comment`. Sections with a
      default answer fill the criteria left out.
    - `state: submitted` (default) needs every required criterion answered (422 naming
      `answers.<criterionId>`) and feedback where a selected option requires it. A `draft` may
      leave criteria unanswered: it is scored over what it answers.
    - Scores: `rubricScore` is a percentage (0 when auto-failed, above 100 possible with bonus,
      `null` when nothing counts); see the scoring rules in the docs."""
    return await service.create_grade(session, principal=principal, data=body)


@ext_router.get(
    "/grades",
    response_model=Page[GradeSummary],
    tags=[GRADES],
    summary="List grades",
    responses=_errors(422),
)
async def list_grades(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageDep,
    ticketId: Annotated[
        str | None, Query(max_length=320, description="Only grades of this helpdesk ticket id")
    ] = None,
    agentId: Annotated[
        str | None,
        Query(max_length=320, description="Only grades of this agent (a helpdesk id or email)"),
    ] = None,
    graderId: Annotated[
        str | None, Query(max_length=17, description="Only grades by this user id")
    ] = None,
    graderEmail: Annotated[
        str | None, Query(max_length=320, description="Only grades by this grader email")
    ] = None,
    rubricId: Annotated[
        str | None, Query(max_length=17, description="Only grades with this rubric")
    ] = None,
    gradeType: Annotated[GradeType | None, Query(description="Only grades of this type")] = None,
    state: Annotated[GradeState | None, Query(description="Only drafts or submitted")] = None,
    calibrationId: Annotated[
        str | None, Query(max_length=17, description="Only grades of this calibration")
    ] = None,
    targetGradeId: Annotated[
        str | None,
        Query(max_length=17, description="Only grader QA grades re-grading this grade"),
    ] = None,
    startDate: Annotated[
        UtcIn | None, Query(description="Only grades reported at or after this time (inclusive)")
    ] = None,
    endDate: Annotated[
        UtcIn | None, Query(description="Only grades reported before this time (exclusive)")
    ] = None,
    includeDeleted: IncludeDeleted = False,
) -> Page[GradeSummary]:
    """Grades matching every filter given, ordered by `reportedAt`, then id; without their
    answers (read one grade for them). Deleted grades are left out unless `includeDeleted`. A
    ticket or agent that matches nothing gives an empty page."""
    if startDate is not None and endDate is not None and startDate > endDate:
        raise Invalid.param("startDate", "must not be after endDate")
    return await service.list_grades(
        session,
        account_id=principal.account_id,
        page=page,
        ticket_id=ticketId,
        agent_ref=agentId,
        grader_id=graderId,
        grader_email=graderEmail,
        rubric_id=rubricId,
        grade_type=gradeType,
        state=state,
        calibration_id=calibrationId,
        target_grade_id=targetGradeId,
        start=startDate,
        end=endDate,
        include_deleted=includeDeleted,
    )


@ext_router.get(
    "/grades/{grade_id}",
    response_model=GradeRead,
    tags=[GRADES],
    summary="Get a grade",
    responses=_errors(404, 422),
)
async def get_grade(
    principal: CurrentPrincipal,
    session: SessionDep,
    grade_id: GradeIdPath,
    includeDeleted: IncludeDeleted = False,
) -> GradeRead:
    """One grade with its section scores, answers (labels as the grader saw them) and
    annotations. 404 for another account's grade, or a deleted one unless `includeDeleted`."""
    return await service.get_grade(
        session, account_id=principal.account_id, grade_id=grade_id, include_deleted=includeDeleted
    )


@ext_router.patch(
    "/grades/{grade_id}",
    response_model=GradeRead,
    tags=[GRADES],
    summary="Update a grade",
    responses=_errors(400, 404, 413, 422),
)
async def update_grade(
    principal: CurrentPrincipal, session: SessionDep, grade_id: GradeIdPath, body: GradeUpdate
) -> GradeRead:
    """Changes the fields sent and rescores the grade against its rubric version.

    Each criterion in `answers` replaces that criterion's answer (selection, feedback and
    comment); `null` clears it (a draft's only). `annotations` replaces the list (send the ids
    of those to keep). `state: submitted` submits a draft; a submitted grade cannot go back to
    draft. `gradingSeconds` replaces the total. Grader QA and calibration alignments that
    involve the grade are recomputed."""
    return await service.update_grade(session, principal=principal, grade_id=grade_id, data=body)


@ext_router.post(
    "/grades/{grade_id}/submit",
    response_model=GradeRead,
    tags=[GRADES],
    summary="Submit a draft grade",
    responses=_errors(404, 422),
)
async def submit_grade(
    principal: CurrentPrincipal, session: SessionDep, grade_id: GradeIdPath
) -> GradeRead:
    """Submits a draft: it must then be complete (422 naming `answers.<criterionId>`). A grade
    submitted already is answered as it is (200, nothing changes)."""
    return await service.submit_grade(session, principal=principal, grade_id=grade_id)


@ext_router.delete(
    "/grades/{grade_id}",
    response_model=Deleted,
    tags=[GRADES],
    summary="Delete a grade",
    responses=_errors(404),
)
async def delete_grade(
    principal: CurrentPrincipal, session: SessionDep, grade_id: GradeIdPath
) -> Deleted:
    """Soft-deletes a grade (200 `{"id", "deleted": true}`): `deletedAt` and `updatedAt` are
    set (exports select by `updatedAt`), reads answer 404 unless `includeDeleted`. Deleting a
    final calibration grade clears its calibrators' alignment."""
    return await service.delete_grade(session, principal=principal, grade_id=grade_id)


@ext_router.post(
    "/grades/{grade_id}/grader-qa",
    status_code=201,
    response_model=GradeRead,
    tags=[GRADES],
    summary="Grader QA: re-grade a grade as the benchmark",
    responses=_errors(400, 404, 409, 413, 422),
)
async def create_grader_qa(
    principal: CurrentPrincipal, session: SessionDep, grade_id: GradeIdPath, body: GraderQaCreate
) -> GradeRead:
    """Creates the benchmark re-grade of a submitted agent-QA grade (`gradeType: grader_qa`,
    `targetGradeId`: the original) on the original's rubric version, by the benchmark grader
    (`graderId`/`graderEmail`, default the token's user; not the original grader; one per
    benchmark grader: 409). Once both are submitted, `alignmentScore` (percent) and each
    answer's `alignment` say how close the original is: per criterion `1 − |original −
    benchmark| ÷ max`, weighted by the criterion's share of the points (10 vs 7 of 15 → 80%).
    Changing either grade recomputes it."""
    return await service.create_grader_qa(
        session, principal=principal, grade_id=grade_id, data=body
    )


# --- calibrations -------------------------------------------------------------------------------


@ext_router.post(
    "/calibrations",
    status_code=201,
    response_model=CalibrationRead,
    tags=[CALIBRATIONS],
    summary="Create a calibration",
    responses=_errors(400, 413, 422),
)
async def create_calibration(
    principal: CurrentPrincipal, session: SessionDep, body: CalibrationCreate
) -> CalibrationRead:
    """Creates a calibration of one ticket with one rubric: calibrators then add their
    individual grades and the final calibrator (default: the token's user) the final one,
    the benchmark (`POST /calibrations/{id}/grades`)."""
    return await service.create_calibration(session, principal=principal, data=body)


@ext_router.get(
    "/calibrations",
    response_model=Page[CalibrationRead],
    tags=[CALIBRATIONS],
    summary="List calibrations",
    responses=_errors(422),
)
async def list_calibrations(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageDep,
    ticketId: Annotated[
        str | None, Query(max_length=320, description="Only calibrations of this ticket")
    ] = None,
    rubricId: Annotated[
        str | None, Query(max_length=17, description="Only calibrations with this rubric")
    ] = None,
    includeDeleted: IncludeDeleted = False,
) -> Page[CalibrationRead]:
    """A page of calibrations in id order, each with its calibrators' alignment."""
    return await service.list_calibrations(
        session,
        account_id=principal.account_id,
        page=page,
        ticket_id=ticketId,
        rubric_id=rubricId,
        include_deleted=includeDeleted,
    )


@ext_router.get(
    "/calibrations/{calibration_id}",
    response_model=CalibrationRead,
    tags=[CALIBRATIONS],
    summary="Get a calibration",
    responses=_errors(404, 422),
)
async def get_calibration(
    principal: CurrentPrincipal,
    session: SessionDep,
    calibration_id: CalibrationIdPath,
    includeDeleted: IncludeDeleted = False,
) -> CalibrationRead:
    """One calibration: its final grade's id and each calibrator's grade with its alignment
    with the final grade (percent; `null` until both are submitted)."""
    return await service.get_calibration(
        session,
        account_id=principal.account_id,
        calibration_id=calibration_id,
        include_deleted=includeDeleted,
    )


@ext_router.patch(
    "/calibrations/{calibration_id}",
    response_model=CalibrationRead,
    tags=[CALIBRATIONS],
    summary="Update a calibration",
    responses=_errors(400, 404, 413, 422),
)
async def update_calibration(
    principal: CurrentPrincipal,
    session: SessionDep,
    calibration_id: CalibrationIdPath,
    body: CalibrationUpdate,
) -> CalibrationRead:
    """Changes the calibration's name, kind, schedule or final calibrator (the fields sent)."""
    return await service.update_calibration(
        session, principal=principal, calibration_id=calibration_id, data=body
    )


@ext_router.delete(
    "/calibrations/{calibration_id}",
    response_model=Deleted,
    tags=[CALIBRATIONS],
    summary="Delete a calibration",
    responses=_errors(404),
)
async def delete_calibration(
    principal: CurrentPrincipal, session: SessionDep, calibration_id: CalibrationIdPath
) -> Deleted:
    """Soft-deletes a calibration and its grades (200 `{"id", "deleted": true}`)."""
    return await service.delete_calibration(
        session, principal=principal, calibration_id=calibration_id
    )


@ext_router.post(
    "/calibrations/{calibration_id}/grades",
    status_code=201,
    response_model=GradeRead,
    tags=[CALIBRATIONS],
    summary="Add a calibration grade",
    responses=_errors(400, 404, 409, 413, 422),
)
async def create_calibration_grade(
    principal: CurrentPrincipal,
    session: SessionDep,
    calibration_id: CalibrationIdPath,
    body: CalibrationGradeCreate,
) -> GradeRead:
    """Adds a calibrator's individual grade (`gradeType: calibration_review`, one per
    calibrator: 409), or with `final: true` the final grade (`calibration_final`, by the final
    calibrator only, one per calibration: 409). All of a calibration's grades use the rubric
    version of its first grade. Once the final grade and a calibrator's grade are both
    submitted, the calibrator's grade carries its alignment with the final (`alignmentScore`,
    percent, and each answer's `alignment`), computed like grader QA; any later change of either
    recomputes it. Update, submit and delete these grades through `/grades/{id}`."""
    return await service.create_calibration_grade(
        session, principal=principal, calibration_id=calibration_id, data=body
    )
