"""Rubrics (templates) with versions, grades with their section and criterion scores, annotations,
and calibrations.

Shape (mirrors MaestroQA's warehouse, `domain.md` §3):

- `Rubric` is the template a user sees; its `id` is the export's `rubric_id` and never changes.
- `RubricVersion` is an immutable snapshot of the rubric's structure once a non-deleted grade uses
  it. Editing a used rubric in a way that changes scoring creates a new version; grades keep
  pointing at the version they were made with. Section, criterion and option ids are stable
  across versions (so exports can follow a criterion over time); they are unique within a version.
- `RubricSection` / `RubricCriterion` / `RubricOption` / `RubricFeedbackOption` hold a version's
  structure, keyed by `(version_pk, <public id>)`.
- `Grade` is an answer (`answer_id`): one rubric version applied by a grader to a ticket for an
  agent. `grade_type` is `grading`, `calibration_review`, `calibration_final` or `grader_qa`.
  Scores computed by `podium.grading.scoring` are stored on the grade, its `GradeSection` rows and
  its `GradeAnswer` rows when the grade is saved, so exports read them instead of recomputing.
- `GradeAnswer` snapshots the selected options' labels (`answer_label`, `feedback_label`) as the
  grader saw them.
- `Calibration` groups the calibration grades of one ticket; its final grade is the benchmark.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from podium.db import Base, IdString, UTCDateTime
from podium.models_base import AccountScoped, IdPk, Timestamps

SECTION_KINDS = ("standard", "bonus", "auto_fail")
CRITERION_KINDS = ("multiple_choice", "dropdown", "linear_scale", "checkbox")
DEFAULT_ANSWERS = ("na", "max")
# feedback per criterion: none, one shared set ("general"), or a set per option ("per_option")
FEEDBACK_MODES = ("none", "general", "per_option")
# per option, when feedback is per option
OPTION_FEEDBACK = ("no_change", "show", "require")
GRADE_TYPES = ("grading", "calibration_review", "calibration_final", "grader_qa")
GRADE_STATES = ("draft", "submitted")
# CriterionStatus of podium.grading.scoring
ANSWER_STATUSES = ("scored", "na", "non_scoring", "unanswered")
CALIBRATION_KINDS = ("team", "benchmark")


class Rubric(IdPk, AccountScoped, Timestamps, Base):
    __tablename__ = "rubrics"
    __table_args__ = (Index("ix_rubrics_account_id_name", "account_id", "name"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    weighted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    bonus_weighted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # the version new grades use; its number is `current_version`
    current_version_pk: Mapped[str | None] = mapped_column(IdString(), nullable=True)
    current_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class RubricVersion(IdPk, AccountScoped, Base):
    __tablename__ = "rubric_versions"
    __table_args__ = (UniqueConstraint("rubric_pk", "version"),)

    rubric_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("rubrics.id", ondelete="CASCADE"), nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # rubric-level settings as they were in this version
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    weighted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    bonus_weighted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class _VersionPart(AccountScoped):
    """A row of a version's structure; the version owns it (deleting the version deletes it)."""

    version_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("rubric_versions.id", ondelete="CASCADE"), primary_key=True
    )


class RubricSection(_VersionPart, Base):
    __tablename__ = "rubric_sections"

    section_id: Mapped[str] = mapped_column(IdString(), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="standard")
    weight: Mapped[float | None] = mapped_column(Float, nullable=True)
    default_answer: Mapped[str | None] = mapped_column(String(10), nullable=True)


class RubricCriterion(_VersionPart, Base):
    __tablename__ = "rubric_criteria"
    __table_args__ = (
        ForeignKeyConstraint(
            ["version_pk", "section_id"],
            ["rubric_sections.version_pk", "rubric_sections.section_id"],
            ondelete="CASCADE",
        ),
    )

    criterion_id: Mapped[str] = mapped_column(IdString(), primary_key=True)
    section_id: Mapped[str] = mapped_column(IdString(), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    min_points: Mapped[float] = mapped_column(Float, nullable=False, default=0)
    max_points: Mapped[float] = mapped_column(Float, nullable=False, default=0)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    feedback_mode: Mapped[str] = mapped_column(String(20), nullable=False, default="none")


class RubricOption(_VersionPart, Base):
    """A scoring option (`points` set) or a non-scoring option (`points` None)."""

    __tablename__ = "rubric_options"
    __table_args__ = (
        ForeignKeyConstraint(
            ["version_pk", "criterion_id"],
            ["rubric_criteria.version_pk", "rubric_criteria.criterion_id"],
            ondelete="CASCADE",
        ),
    )

    option_id: Mapped[str] = mapped_column(IdString(), primary_key=True)
    criterion_id: Mapped[str] = mapped_column(IdString(), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    label: Mapped[str] = mapped_column(String(500), nullable=False)
    points: Mapped[float | None] = mapped_column(Float, nullable=True)
    auto_fail: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # with per-option feedback: no_change / show / require
    feedback: Mapped[str] = mapped_column(String(20), nullable=False, default="no_change")


class RubricFeedbackOption(_VersionPart, Base):
    """A feedback option of a criterion (general), or of one of its options (per option)."""

    __tablename__ = "rubric_feedback_options"
    __table_args__ = (
        ForeignKeyConstraint(
            ["version_pk", "criterion_id"],
            ["rubric_criteria.version_pk", "rubric_criteria.criterion_id"],
            ondelete="CASCADE",
        ),
    )

    feedback_option_id: Mapped[str] = mapped_column(IdString(), primary_key=True)
    criterion_id: Mapped[str] = mapped_column(IdString(), nullable=False)
    # set when the feedback belongs to one option (per-option feedback)
    option_id: Mapped[str | None] = mapped_column(IdString(), nullable=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    label: Mapped[str] = mapped_column(String(500), nullable=False)


class Calibration(IdPk, AccountScoped, Timestamps, Base):
    """A calibration of one ticket on one rubric: individual calibration grades and a final one."""

    __tablename__ = "calibrations"
    __table_args__ = (Index("ix_calibrations_account_id_created_at", "account_id", "created_at"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="team")
    ticket_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False
    )
    agent_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("agents.id", ondelete="CASCADE"), nullable=False
    )
    # the helpdesk agent id the calibration grades are given for (their `agent_id`)
    agent_id: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    rubric_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("rubrics.id", ondelete="CASCADE"), nullable=False
    )
    # the final calibrator: the user who may make the final (benchmark) grade
    final_calibrator_pk: Mapped[str | None] = mapped_column(
        IdString(), ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Grade(IdPk, AccountScoped, Base):
    """An answer: `id` is the export's `answer_id`."""

    __tablename__ = "grades"
    __table_args__ = (
        # exports select by last-updated time; the id makes the order total
        Index("ix_grades_account_id_updated_at_id", "account_id", "updated_at", "id"),
        Index("ix_grades_account_id_ticket_pk", "account_id", "ticket_pk"),
        # the grade lists (not deleted grades, by reported_at then id), whole and by filter: a
        # page and its count are read from the index alone
        *(
            Index(
                f"ix_grades_live_account_id_{name}reported_at_id",
                "account_id",
                *columns,
                "reported_at",
                "id",
                sqlite_where=text("deleted_at IS NULL"),
                postgresql_where=text("deleted_at IS NULL"),
            )
            for name, columns in (
                ("", ()),
                ("agent_pk_", ("agent_pk",)),
                ("grader_pk_", ("grader_pk",)),
                ("rubric_pk_", ("rubric_pk",)),
            )
        ),
        Index("ix_grades_target_grade_pk", "target_grade_pk"),
        Index("ix_grades_calibration_pk", "calibration_pk"),
        # whether a rubric version is in use (an edit then makes a new version)
        Index("ix_grades_version_pk", "version_pk"),
    )

    rubric_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("rubrics.id", ondelete="CASCADE"), nullable=False
    )
    version_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("rubric_versions.id", ondelete="CASCADE"), nullable=False
    )
    ticket_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False
    )
    agent_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("agents.id", ondelete="CASCADE"), nullable=False
    )
    # the helpdesk agent id the grade was given for (the export's agent_id)
    agent_id: Mapped[str] = mapped_column(String(200), nullable=False)
    # deleting a user keeps their grades (MaestroQA does the same); grader_email keeps the name
    grader_pk: Mapped[str | None] = mapped_column(
        IdString(), ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    grader_email: Mapped[str] = mapped_column(String(320), nullable=False)
    grade_type: Mapped[str] = mapped_column(String(30), nullable=False, default="grading")
    calibration_pk: Mapped[str | None] = mapped_column(
        IdString(), ForeignKey("calibrations.id", ondelete="CASCADE"), nullable=True
    )
    # grader QA: the original grade this one re-grades as the benchmark
    target_grade_pk: Mapped[str | None] = mapped_column(
        IdString(), ForeignKey("grades.id", ondelete="SET NULL"), nullable=True
    )
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    general_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source: Mapped[str] = mapped_column(String(30), nullable=False, default="manual")
    # scores (podium.grading.scoring.GradeScore); None = N/A
    rubric_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_rubric_score: Mapped[float] = mapped_column(Float, nullable=False, default=0)
    earned_points: Mapped[float | None] = mapped_column(Float, nullable=True)
    bonus_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    auto_failed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # grader QA: alignment with the original grade; calibration review: with the final grade.
    # A percentage (0 to 100), like rubric_score; None until both grades are submitted
    alignment_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    grading_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    first_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    first_graded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class GradeSection(AccountScoped, Base):
    """A section score of a grade (`section_scores`)."""

    __tablename__ = "grade_sections"

    grade_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("grades.id", ondelete="CASCADE"), primary_key=True
    )
    section_id: Mapped[str] = mapped_column(IdString(), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    earned: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_points: Mapped[float] = mapped_column(Float, nullable=False, default=0)
    normalized: Mapped[float | None] = mapped_column(Float, nullable=True)
    weight: Mapped[float | None] = mapped_column(Float, nullable=True)
    effective_weight: Mapped[float | None] = mapped_column(Float, nullable=True)


class GradeAnswer(AccountScoped, Base):
    """The answer to one criterion on a grade (`question_scores`, the `individual_answers` row)."""

    __tablename__ = "grade_answers"

    grade_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("grades.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_id: Mapped[str] = mapped_column(IdString(), primary_key=True)
    section_id: Mapped[str] = mapped_column(IdString(), nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    # selected option ids (choice criteria) or the linear-scale value
    option_ids: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    feedback_option_ids: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    # labels as the grader saw them, joined with "; " when several
    answer_label: Mapped[str] = mapped_column(Text, nullable=False, default="")
    feedback_label: Mapped[str] = mapped_column(Text, nullable=False, default="")
    earned: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_points: Mapped[float] = mapped_column(Float, nullable=False, default=0)
    auto_failed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # grader QA / calibration review: this criterion's alignment, a percentage (0 to 100); None
    # when the criterion carries no points or the grade has no alignment
    alignment: Mapped[float | None] = mapped_column(Float, nullable=True)


class Annotation(IdPk, AccountScoped, Timestamps, Base):
    """A highlight in the conversation (text) or a moment of a recording (audio), with feedback."""

    __tablename__ = "annotations"
    __table_args__ = (Index("ix_annotations_grade_pk", "grade_pk"),)

    grade_pk: Mapped[str] = mapped_column(
        IdString(), ForeignKey("grades.id", ondelete="CASCADE"), nullable=False
    )
    # None: a general comment on the grade, not tied to a criterion
    criterion_id: Mapped[str | None] = mapped_column(IdString(), nullable=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="text")
    highlight: Mapped[str] = mapped_column(Text, nullable=False, default="")
    start_word: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    end_word: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    start_occurrence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    end_occurrence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recording_timestamp: Mapped[float | None] = mapped_column(Float, nullable=True)
    feedback: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # the order the grader made them in, within the grade
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
