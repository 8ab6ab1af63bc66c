"""Rubrics, grades, calibrations and grader QA on the wire (extension API, camelCase).

A rubric is sent and read whole: sections -> criteria -> options (and feedback options). Ids of
sections, criteria, options and feedback options are optional on input (generated when absent)
and kept when given, so a client updates an element by sending its id back. A grade's answers
are keyed by criterion id.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)

from podium.auth.schemas import Patch
from podium.grading.models import (
    CALIBRATION_KINDS,
    CRITERION_KINDS,
    DEFAULT_ANSWERS,
    FEEDBACK_MODES,
    GRADE_STATES,
    GRADE_TYPES,
    OPTION_FEEDBACK,
    SECTION_KINDS,
)
from podium.wire import UtcIn, UtcOut, Wire

MAX_SECTIONS = 100
MAX_CRITERIA = 200
MAX_OPTIONS = 100
MAX_FEEDBACK_OPTIONS = 100
MAX_ANNOTATIONS = 500
MAX_TEXT = 20_000
MAX_NOTES = 100_000
MAX_POINTS = 1_000_000.0
MAX_SECONDS = 2**31 - 1
MAX_OCCURRENCE = 2**31 - 1

SectionKind = Literal["standard", "bonus", "auto_fail"]
CriterionKind = Literal["multiple_choice", "dropdown", "linear_scale", "checkbox"]
DefaultAnswer = Literal["na", "max"]
FeedbackMode = Literal["none", "general", "per_option"]
OptionFeedback = Literal["no_change", "show", "require"]
GradeType = Literal["grading", "calibration_review", "calibration_final", "grader_qa"]
GradeState = Literal["draft", "submitted"]
CalibrationKind = Literal["team", "benchmark"]
AnnotationKind = Literal["text", "audio"]
for _lit, _values in (
    (SectionKind, SECTION_KINDS),
    (CriterionKind, CRITERION_KINDS),
    (DefaultAnswer, DEFAULT_ANSWERS),
    (FeedbackMode, FEEDBACK_MODES),
    (OptionFeedback, OPTION_FEEDBACK),
    (GradeType, GRADE_TYPES),
    (GradeState, GRADE_STATES),
    (CalibrationKind, CALIBRATION_KINDS),
):
    assert set(_lit.__args__) == set(_values)  # type: ignore[attr-defined]


def _stripped(limit: int, *, empty: bool = False) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value and not empty:
                raise ValueError("must not be empty")
            if len(value) > limit:
                raise ValueError(f"must be at most {limit} characters")
        return value

    return BeforeValidator(check)


PublicId = Annotated[
    StrictStr,
    Field(
        min_length=1,
        max_length=17,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="1 to 17 letters, digits, `_` or `-`; generated when absent",
        examples=["qppMJnv8L6KGZMYEN"],
    ),
]
DocId = Annotated[StrictStr, Field(min_length=1, max_length=17, examples=["qppMJnv8L6KGZMYEN"])]
Name = Annotated[StrictStr, _stripped(200)]
Label = Annotated[StrictStr, _stripped(500)]
LongText = Annotated[StrictStr, Field(max_length=MAX_TEXT)]
Notes = Annotated[StrictStr, Field(max_length=MAX_NOTES)]
Points = Annotated[StrictFloat, Field(ge=0, le=MAX_POINTS, allow_inf_nan=False)]
Weight = Annotated[StrictFloat, Field(ge=0, le=MAX_POINTS, allow_inf_nan=False)]
Seconds = Annotated[StrictInt, Field(ge=0, le=MAX_SECONDS)]


def _int_to_str(value: Any) -> Any:
    # helpdesk ids are numbers in many helpdesks; clients that read them from JSON send them bare
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


HelpdeskRef = Annotated[
    StrictStr, BeforeValidator(_int_to_str), _stripped(320), Field(examples=["10061553646875"])
]
EmailRef = Annotated[StrictStr, _stripped(320), Field(examples=["grader@example.com"])]


# --- rubrics ------------------------------------------------------------------------------------

_ID_DOC = (
    "Keep an element's id to update it; without one it is a new element and gets a generated "
    "id (1 to 17 letters, digits, `_` or `-`; unique per kind within the rubric)"
)


class FeedbackOptionIn(Wire):
    id: PublicId | None = Field(default=None, description=_ID_DOC)
    label: Label = Field(description="What the grader picks, e.g. `Use the customer's name`")


class OptionIn(Wire):
    id: PublicId | None = Field(default=None, description=_ID_DOC)
    label: Label = Field(description="The option's text, e.g. `Yes`")
    points: Points | None = Field(
        default=None,
        description="Points this option earns; `null` makes it a non-scoring option (it "
        "neither earns nor loses points: the criterion then counts like N/A)",
    )
    autoFail: StrictBool = Field(
        default=False, description="Selecting this option makes the grade's score 0"
    )
    feedback: OptionFeedback = Field(
        default="no_change",
        description="With `feedbackMode: per_option`: `show` offers the option's feedback "
        "options when it is selected, `require` also makes choosing one mandatory on submit",
    )
    feedbackOptions: list[FeedbackOptionIn] = Field(
        default_factory=list,
        max_length=MAX_FEEDBACK_OPTIONS,
        description="Feedback options of this option (per-option feedback only)",
    )


class CriterionIn(Wire):
    id: PublicId | None = Field(default=None, description=_ID_DOC)
    text: Annotated[StrictStr, _stripped(MAX_TEXT)] = Field(
        description="The question, e.g. `Did the agent greet the customer?`"
    )
    description: LongText = Field(default="", description="Help text shown to the grader")
    kind: CriterionKind = Field(
        description="`multiple_choice` and `dropdown` take one option, `checkbox` any number "
        "(their points add up, capped at `maxPoints`), `linear_scale` a number"
    )
    minPoints: Points = Field(default=0.0, description="The fewest points (default 0)")
    maxPoints: Points | None = Field(
        default=None,
        description="The most points. Required for a linear scale; otherwise defaults to the "
        "highest option's points (multiple choice, dropdown) or the sum of the options' "
        "points (checkbox)",
    )
    required: StrictBool = Field(
        default=True,
        description="A submitted grade must answer it (N/A is an answer); an unanswered "
        "optional criterion counts like N/A",
    )
    feedbackMode: FeedbackMode = Field(
        default="none",
        description="`none`; `general`: one set of feedback options for the criterion; "
        "`per_option`: each option has its own (multiple choice and dropdown only)",
    )
    options: list[OptionIn] = Field(
        default_factory=list,
        max_length=MAX_OPTIONS,
        description="The options of a choice criterion (none for a linear scale)",
    )
    feedbackOptions: list[FeedbackOptionIn] = Field(
        default_factory=list,
        max_length=MAX_FEEDBACK_OPTIONS,
        description="The feedback options of the criterion (`feedbackMode: general`)",
    )


class SectionIn(Wire):
    id: PublicId | None = Field(default=None, description=_ID_DOC)
    name: Name = Field(description="The section's name, e.g. `Greeting`")
    kind: SectionKind = Field(
        default="standard",
        description="`standard`; `bonus` (can push the score above 100); `auto_fail` (only "
        "auto-fail criteria: it never adds points, it can only fail the grade)",
    )
    weight: Weight | None = Field(
        default=None,
        description="Percentage weight: standard sections of a weighted rubric (they add up to "
        "100), bonus sections of a bonus-weighted rubric; ignored elsewhere",
    )
    defaultAnswer: DefaultAnswer | None = Field(
        default=None,
        description="How a new grade's answers are pre-filled: `na` (N/A) or `max` (the best "
        "answer that does not auto-fail)",
    )
    criteria: list[CriterionIn] = Field(
        min_length=1, max_length=MAX_CRITERIA, description="The section's criteria, in order"
    )


class RubricSettings(Wire):
    """Fields of a rubric that are not its structure."""

    description: LongText = Field(default="", description="What the rubric is for")
    weighted: StrictBool = Field(
        default=False,
        description="Custom weighted sections: score = Σ section % × weight. Otherwise a total "
        "point rubric: score = earned ÷ max points",
    )
    bonusWeighted: StrictBool = Field(
        default=False,
        description="Bonus sections add `normalized × weight` percentage points (otherwise "
        "their points are added to the earned points)",
    )
    active: StrictBool = Field(
        default=True, description="Inactive rubrics keep their grades but cannot be graded with"
    )


class RubricCreate(RubricSettings):
    name: Name = Field(description="The rubric's name")
    sections: list[SectionIn] = Field(
        min_length=1, max_length=MAX_SECTIONS, description="The rubric's sections, in order"
    )


class RubricUpdate(Patch):
    """A partial update: absent fields are left alone. `sections`, when sent, is the whole new
    structure (elements are matched by id; elements without an id are new)."""

    name: Name | None = Field(default=None, description="The rubric's name")
    description: LongText | None = Field(default=None, description="What the rubric is for")
    weighted: StrictBool | None = Field(default=None, description="Custom weighted sections")
    bonusWeighted: StrictBool | None = Field(
        default=None, description="Whether bonus sections are weighted"
    )
    active: StrictBool | None = Field(default=None, description="Whether it may be graded with")
    sections: Annotated[list[SectionIn], Field(min_length=1, max_length=MAX_SECTIONS)] | None = (
        Field(default=None, description="The whole new structure (elements matched by id)")
    )


class FeedbackOptionRead(BaseModel):
    id: str = Field(description="The feedback option's id")
    label: str = Field(description="What the grader picks")


class OptionRead(BaseModel):
    id: str = Field(description="The option's id (stable across versions)")
    label: str = Field(description="The option's text")
    points: float | int | None = Field(description="Points earned; `null`: non-scoring option")
    autoFail: bool = Field(description="Whether selecting it makes the grade's score 0")
    feedback: str = Field(description="Per-option feedback: `no_change`, `show` or `require`")
    feedbackOptions: list[FeedbackOptionRead] = Field(
        description="The option's own feedback options (per-option feedback)"
    )


class CriterionRead(BaseModel):
    id: str = Field(description="The criterion's id (stable across versions)")
    text: str = Field(description="The question")
    description: str = Field(description="Help text shown to the grader")
    kind: str = Field(description="`multiple_choice`, `dropdown`, `linear_scale` or `checkbox`")
    minPoints: float | int = Field(description="The fewest points")
    maxPoints: float | int = Field(description="The most points")
    required: bool = Field(description="Whether a submitted grade must answer it")
    feedbackMode: str = Field(description="`none`, `general` or `per_option`")
    options: list[OptionRead] = Field(description="The options (none for a linear scale)")
    feedbackOptions: list[FeedbackOptionRead] = Field(
        description="The criterion's feedback options (general feedback)"
    )


class SectionRead(BaseModel):
    id: str = Field(description="The section's id (stable across versions)")
    name: str = Field(description="The section's name")
    kind: str = Field(description="`standard`, `bonus` or `auto_fail`")
    weight: float | int | None = Field(description="Percentage weight, where weights apply")
    defaultAnswer: str | None = Field(description="`na`, `max` or `null`: how grades pre-fill")
    criteria: list[CriterionRead] = Field(description="The criteria, in order")


class RubricVersionInfo(BaseModel):
    version: int = Field(description="The version's number, from 1")
    createdAt: UtcOut = Field(description="When the version was made")
    inUse: bool = Field(description="Whether a grade (not deleted) uses this version")


class RubricSummary(BaseModel):
    id: str = Field(description="The rubric's id (the exports' `rubric_id`); never changes")
    name: str = Field(description="The rubric's name")
    description: str = Field(description="What the rubric is for")
    weighted: bool = Field(description="Custom weighted sections (else total points)")
    bonusWeighted: bool = Field(description="Whether bonus sections are weighted")
    active: bool = Field(description="Whether new grades may use it")
    currentVersion: int = Field(description="The version new grades use")
    createdAt: UtcOut = Field(description="When the rubric was created")
    updatedAt: UtcOut = Field(description="When the rubric last changed")
    deletedAt: UtcOut | None = Field(description="When the rubric was deleted, or `null`")


class RubricRead(RubricSummary):
    version: int = Field(description="The version shown (the current one unless `?version=`)")
    versions: list[RubricVersionInfo] = Field(description="Every version, oldest first")
    sections: list[SectionRead] = Field(description="The structure of the version shown")


class RubricSaved(RubricRead):
    versionCreated: bool = Field(
        description="Whether this change created a new version (the rubric had grades and the "
        "change can change their scores)"
    )
    versionChanges: list[str] = Field(
        description="The changes that made a new version (empty when none was made)"
    )


# --- grades -------------------------------------------------------------------------------------


class AnswerIn(Wire):
    """One criterion's answer: `optionIds` (choice criteria), `value` (linear scale) or
    `na: true`; with none of them the criterion is left unanswered."""

    optionIds: Annotated[list[PublicId], Field(max_length=MAX_OPTIONS)] | None = Field(
        default=None,
        description="Selected option ids: exactly one for multiple choice and dropdown, any "
        "number for checkbox (`[]`: none ticked)",
    )
    value: Annotated[StrictFloat, Field(allow_inf_nan=False)] | None = Field(
        default=None, description="The linear-scale value (the points earned)"
    )
    na: StrictBool = Field(default=False, description="N/A: the criterion does not apply")
    feedbackOptionIds: Annotated[list[PublicId], Field(max_length=MAX_FEEDBACK_OPTIONS)] = Field(
        default_factory=list, description="Selected feedback option ids"
    )
    comment: LongText = Field(default="", description="The grader's comment on this criterion")

    @model_validator(mode="after")
    def _one_kind(self) -> AnswerIn:
        given = [n for n in ("optionIds", "value") if getattr(self, n) is not None]
        if self.na:
            given.append("na")
        if len(given) > 1:
            raise ValueError(f"give one of optionIds, value or na (got {', '.join(given)})")
        return self


Answers = Annotated[
    dict[PublicId, AnswerIn | None],
    Field(
        max_length=2000,
        description="Answers keyed by criterion id. On update, each criterion sent replaces "
        "its answer; `null` clears it",
    ),
]


class AnnotationIn(Wire):
    id: PublicId | None = Field(
        default=None, description="Send an existing annotation's id to keep it (on update)"
    )
    kind: AnnotationKind = Field(
        default="text",
        description="`text`: a highlight in the conversation; `audio`: a moment of a recording",
    )
    criterionId: PublicId | None = Field(
        default=None, description="The criterion it is about; `null` for a general comment"
    )
    highlight: LongText = Field(default="", description="The highlighted text (text kind)")
    startWord: Annotated[StrictStr, Field(max_length=200)] = Field(
        default="", description="First word of the highlight (default: from `highlight`)"
    )
    endWord: Annotated[StrictStr, Field(max_length=200)] = Field(
        default="", description="Last word of the highlight (default: from `highlight`)"
    )
    startOccurrence: Annotated[StrictInt, Field(ge=0, le=MAX_OCCURRENCE)] | None = Field(
        default=None, description="Which occurrence of `startWord` in the conversation (from 0)"
    )
    endOccurrence: Annotated[StrictInt, Field(ge=0, le=MAX_OCCURRENCE)] | None = Field(
        default=None, description="Which occurrence of `endWord` in the conversation (from 0)"
    )
    recordingTimestamp: Annotated[StrictFloat, Field(ge=0, le=1e9, allow_inf_nan=False)] | None = (
        Field(default=None, description="Seconds into the recording (audio kind, required)")
    )
    feedback: LongText = Field(default="", description="The grader's feedback on it")

    @model_validator(mode="after")
    def _complete(self) -> AnnotationIn:
        if self.kind == "audio" and self.recordingTimestamp is None:
            raise ValueError("an audio annotation needs recordingTimestamp")
        if self.kind == "text" and not self.highlight.strip():
            raise ValueError("a text annotation needs highlight")
        return self


Annotations = Annotated[
    list[AnnotationIn],
    Field(
        max_length=MAX_ANNOTATIONS,
        description="Highlights in the conversation and moments of a recording, with feedback",
    ),
]

_GRADER_DOC = "The grader: a user of this account, by id; default: the token's user"
_GRADER_EMAIL_DOC = "The grader by email (instead of graderId)"
_STATE_DOC = (
    "`submitted` (default) needs a complete answer set; a `draft` may leave criteria unanswered "
    "and scores what is answered"
)


class GradeWork(Wire):
    """What a grader fills in, on every kind of grade."""

    graderId: DocId | None = Field(default=None, description=_GRADER_DOC)
    graderEmail: EmailRef | None = Field(default=None, description=_GRADER_EMAIL_DOC)
    answers: Answers = Field(default_factory=dict)
    generalNotes: Notes = Field(default="", description="General notes on the grade")
    annotations: Annotations = Field(default_factory=list)
    state: GradeState = Field(default="submitted", description=_STATE_DOC)
    gradingSeconds: Seconds = Field(default=0, description="Time spent grading, in seconds")
    startedAt: UtcIn | None = Field(
        default=None,
        description="When grading started (default: now minus gradingSeconds)",
    )
    reportedAt: UtcIn | None = Field(
        default=None, description="The date the grade is reported as (default: now)"
    )


class GradeCreate(GradeWork):
    ticketId: HelpdeskRef = Field(description="The ticket's helpdesk `ticket_id`")
    agentId: HelpdeskRef | None = Field(
        default=None,
        description="The graded agent: a helpdesk agent id or the agent's email; default: the "
        "ticket's first agent",
    )
    rubricId: DocId = Field(description="An active rubric of this account")


class CalibrationGradeCreate(GradeWork):
    final: StrictBool = Field(
        default=False,
        description="The final (benchmark) grade, made by the final calibrator; otherwise an "
        "individual calibration grade (one per calibrator)",
    )


class GraderQaCreate(GradeWork):
    """The benchmark re-grade of an original grade; the grader is the benchmark grader."""


class GradeUpdate(Patch):
    """A partial update: absent fields are left alone."""

    graderId: DocId | None = Field(default=None, description=_GRADER_DOC)
    graderEmail: EmailRef | None = Field(default=None, description=_GRADER_EMAIL_DOC)
    agentId: HelpdeskRef | None = Field(
        default=None, description="Another agent (helpdesk agent id or email)"
    )
    answers: Answers | None = Field(
        default=None,
        description="Answers keyed by criterion id; each one sent replaces that criterion's "
        "answer, `null` clears it",
    )
    generalNotes: Notes | None = Field(default=None, description="General notes on the grade")
    annotations: Annotations | None = Field(
        default=None,
        description="Replaces the annotations: those sent with an id are kept and updated, "
        "the others not sent are deleted",
    )
    state: GradeState | None = Field(
        default=None, description="`submitted` submits a draft; a submitted grade stays submitted"
    )
    gradingSeconds: Seconds | None = Field(
        default=None, description="The total time spent grading, in seconds (replaces it)"
    )
    reportedAt: UtcIn | None = Field(default=None, description="The date it is reported as")


class SectionScoreRead(BaseModel):
    sectionId: str = Field(description="The section's id")
    name: str = Field(description="The section's name in the grade's rubric version")
    kind: str = Field(description="`standard`, `bonus` or `auto_fail`")
    earned: float | int | None = Field(description="Points earned; `null` when nothing counted")
    maxPoints: float | int = Field(description="Points of the section's counted criteria")
    normalized: float | int | None = Field(description="earned ÷ maxPoints, from 0 to 1")
    weight: float | int | None = Field(description="The section's configured weight")
    effectiveWeight: float | int | None = Field(
        description="The weight applied after N/A sections gave theirs away"
    )


class AnswerRead(BaseModel):
    criterionId: str = Field(description="The criterion's id")
    sectionId: str = Field(description="Its section's id")
    text: str = Field(description="The criterion's question")
    status: str = Field(description="`scored`, `na`, `non_scoring` or `unanswered`")
    na: bool = Field(description="Whether the answer is N/A")
    optionIds: list[str] = Field(description="Selected option ids")
    value: float | int | None = Field(description="The linear-scale value")
    feedbackOptionIds: list[str] = Field(description="Selected feedback option ids")
    answerLabel: str = Field(
        description="The answer as the grader saw it: option labels joined with `; `, the "
        "linear value, `N/A`, or empty when unanswered"
    )
    feedbackLabel: str = Field(description="The selected feedback options' labels")
    comment: str = Field(description="The grader's comment on this criterion")
    earned: float | int | None = Field(description="Points earned; `null` unless it counted")
    maxPoints: float | int = Field(description="The criterion's most points")
    autoFailed: bool = Field(description="Whether this answer failed the grade")
    alignment: float | int | None = Field(
        description="Grader QA and calibration grades: this criterion's alignment, percent"
    )


class AnnotationRead(BaseModel):
    id: str = Field(description="The annotation's id")
    kind: str = Field(description="`text` or `audio`")
    criterionId: str | None = Field(description="The criterion it is about; `null`: general")
    highlight: str = Field(description="The highlighted text")
    startWord: str = Field(description="First word of the highlight")
    endWord: str = Field(description="Last word of the highlight")
    startOccurrence: int | None = Field(description="Which occurrence of `startWord`")
    endOccurrence: int | None = Field(description="Which occurrence of `endWord`")
    recordingTimestamp: float | int | None = Field(description="Seconds into the recording")
    feedback: str = Field(description="The grader's feedback")
    createdAt: UtcOut = Field(description="When it was made")
    updatedAt: UtcOut = Field(description="When it last changed")


class GradeSummary(BaseModel):
    id: str = Field(description="The grade's id (the exports' `answer_id`)")
    gradeType: GradeType = Field(
        description="`grading` (agent QA), `calibration_review`, `calibration_final` or `grader_qa`"
    )
    state: GradeState = Field(description="`draft` or `submitted`")
    ticketId: str = Field(description="The ticket's helpdesk id")
    agentId: str = Field(description="The helpdesk agent id the grade was given for")
    agentName: str = Field(description="The agent's name")
    agentEmail: str = Field(description="The agent's email")
    rubricId: str = Field(description="The rubric's id")
    rubricName: str = Field(description="The rubric's name")
    rubricVersion: int = Field(description="The rubric version the grade was made with")
    graderId: str | None = Field(description="The grader's user id")
    graderEmail: str = Field(description="The grader's email")
    calibrationId: str | None = Field(description="Calibration grades: the calibration")
    targetGradeId: str | None = Field(description="Grader QA: the original grade")
    generalNotes: str = Field(description="General notes on the grade")
    source: str = Field(description="How the grade was made (`manual`)")
    rubricScore: float | int | None = Field(
        description="Percent; may pass 100 with bonus; 0 when auto-failed; `null` when nothing "
        "counted"
    )
    maxRubricScore: float | int = Field(description="Points of the counted standard criteria")
    earnedPoints: float | int | None = Field(description="Points earned in standard sections")
    bonusScore: float | int | None = Field(description="Percentage points added by bonus")
    autoFailed: bool = Field(description="Whether an auto-fail option was selected")
    alignmentScore: float | int | None = Field(
        description="Grader QA: alignment with the original grade; calibration grade: with the "
        "final grade. Percent (0 to 100); `null` until both grades are submitted"
    )
    csatScore: float | int | None = Field(description="The ticket's CSAT score")
    gradingSeconds: int = Field(description="Time spent grading, in seconds")
    startedAt: UtcOut | None = Field(description="When grading started")
    firstGradedAt: UtcOut | None = Field(description="When the grade was first saved")
    submittedAt: UtcOut | None = Field(description="When the grade was submitted")
    reportedAt: UtcOut = Field(description="The date the grade is reported as")
    createdAt: UtcOut = Field(description="When the grade was created")
    updatedAt: UtcOut = Field(
        description="When the grade (or its alignment) last changed; exports select by it"
    )
    deletedAt: UtcOut | None = Field(description="When the grade was deleted, or `null`")


class GradeRead(GradeSummary):
    sections: list[SectionScoreRead] = Field(description="Section scores, in rubric order")
    answers: list[AnswerRead] = Field(
        description="One per criterion of the grade's rubric version, in rubric order"
    )
    annotations: list[AnnotationRead] = Field(description="Highlights and recording moments")


class Deleted(BaseModel):
    """What a DELETE answers."""

    id: str = Field(description="The id of what was deleted")
    deleted: bool = Field(default=True, description="Always true")


# --- calibrations -------------------------------------------------------------------------------


class CalibrationCreate(Wire):
    ticketId: HelpdeskRef = Field(description="The ticket's helpdesk `ticket_id`")
    agentId: HelpdeskRef | None = Field(
        default=None, description="A helpdesk agent id or email; default: the ticket's first agent"
    )
    rubricId: DocId = Field(description="An active rubric of this account")
    name: Annotated[StrictStr, _stripped(200, empty=True)] = Field(
        default="", description="The calibration's name"
    )
    kind: CalibrationKind = Field(default="team", description="`team` or `benchmark` calibration")
    finalCalibratorId: DocId | None = Field(
        default=None, description="The user who makes the final grade; default: the token's user"
    )
    finalCalibratorEmail: EmailRef | None = Field(
        default=None, description="The final calibrator by email (instead of the id)"
    )
    scheduledFor: UtcIn | None = Field(default=None, description="When the session is scheduled")


class CalibrationUpdate(Patch):
    name: Annotated[StrictStr, _stripped(200, empty=True)] | None = Field(
        default=None, description="The calibration's name"
    )
    kind: CalibrationKind | None = Field(default=None, description="`team` or `benchmark`")
    finalCalibratorId: DocId | None = Field(
        default=None, description="The user who makes the final grade"
    )
    finalCalibratorEmail: EmailRef | None = Field(
        default=None, description="The final calibrator by email (instead of the id)"
    )
    scheduledFor: UtcIn | None = Field(default=None, description="When the session is scheduled")


class CalibratorAlignment(BaseModel):
    gradeId: str = Field(description="The calibrator's grade")
    graderId: str | None = Field(description="The calibrator's user id")
    graderEmail: str = Field(description="The calibrator's email")
    state: GradeState = Field(description="`draft` or `submitted`")
    alignmentScore: float | int | None = Field(
        description="Alignment with the final grade, percent; `null` until both are submitted"
    )


class CalibrationRead(BaseModel):
    id: str = Field(description="The calibration's id")
    name: str = Field(description="The calibration's name")
    kind: str = Field(description="`team` or `benchmark`")
    ticketId: str = Field(description="The ticket's helpdesk id")
    agentId: str = Field(description="The helpdesk agent id its grades are given for")
    rubricId: str = Field(description="The rubric's id")
    finalCalibratorId: str | None = Field(description="The user who makes the final grade")
    scheduledFor: UtcOut | None = Field(description="When the session is scheduled")
    finalGradeId: str | None = Field(description="The final (benchmark) grade, once made")
    calibrators: list[CalibratorAlignment] = Field(
        description="The individual calibration grades (not deleted) and their alignment"
    )
    createdAt: UtcOut = Field(description="When it was created")
    updatedAt: UtcOut = Field(description="When it last changed")
    deletedAt: UtcOut | None = Field(description="When it was deleted, or `null`")
