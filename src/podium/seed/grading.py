"""Demo grading data: rubrics, agent-QA grades, grader QA and calibrations.

Three rubrics show every kind of rubric and answer: a total-point rubric with two versions (the
grades before a cut-over date use version 1), a weighted rubric with a bonus and an auto-fail
section, and a weighted rubric whose bonus section is weighted too; with multiple choice,
dropdown, linear scale and checkbox criteria, non-scoring options, general and per-option
feedback, and section default answers.

Grades are the tickets' grades: as the ticket chunks stream past, a chosen share of tickets
(selection sampling, so the counts are exact) gets a grade from a random grader, some of them
drafts, some deleted, some re-graded by a benchmark grader (grader QA); other tickets get a
calibration (calibrators' grades and a final one). Scores come from the scoring engine, like
the API's: each rubric version has a small set of answer patterns scored once, and a grade
takes one of them, so a million answer rows cost a few thousand engine calls. Alignments are
computed once per pair of patterns. Everything is drawn from the `grading` stream of the seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from podium.grading import scoring
from podium.grading.scoring import NA
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
    structure_rows,
)
from podium.seed.generate import ANCHOR, COLUMNS, DAY_MS, Chunk, Generator, Person, new_id

PATTERNS = 48
# grades of the total-point rubric reported before this use its version 1
CUTOVER = ANCHOR - timedelta(days=75)
HOUR_MS = 3600 * 1000

GENERAL_NOTES = (
    "Great ownership of the issue from start to finish.",
    "Solid ticket. Watch the wording of the closing message.",
    "Good troubleshooting, but the customer had to repeat the account details.",
    "Friendly and clear. Link the help article next time.",
    "The resolution was right; the first reply took a while.",
    "Please verify identity before discussing billing details.",
    "Nice use of the macro, personalised well.",
    "Missed the chance to offer the workaround earlier.",
)
CRITERION_COMMENTS = (
    "Use the customer's name in the first reply.",
    "This step was skipped; see the runbook.",
    "The explanation could be shorter.",
    "Confirm the fix worked before closing.",
    "The wrong macro was used here.",
    "Tone was a bit abrupt in the second message.",
)
ANNOTATION_FEEDBACK = (
    "Great empathy here.",
    "This is where the customer got confused.",
    "Avoid jargon like this.",
    "Good: the next steps are clear.",
    "Set expectations about the timeline here.",
    "Long silence on the call here.",
)


def _fb(rng: random.Random, *labels: str, option_id: str | None = None) -> list[FeedbackOptionDef]:
    return [FeedbackOptionDef(new_id(rng), label, option_id) for label in labels]


def _support_quality(rng: random.Random) -> tuple[Structure, Structure]:
    """Total points; version 2 changed the points of an option and added a checkbox option."""
    ids = {
        k: new_id(rng)
        for k in (
            "s_open",
            "s_res",
            "s_comm",
            "s_priv",
            "c_greet",
            "c_ack",
            "c_resolved",
            "c_steps",
            "c_accuracy",
            "c_tone",
            "c_grammar",
            "c_identity",
        )
    }
    o = {
        k: new_id(rng)
        for k in (
            "greet_yes",
            "greet_partly",
            "greet_no",
            "res_yes",
            "res_partly",
            "res_no",
            "res_esc",
            "st_verify",
            "st_logs",
            "st_docs",
            "st_workaround",
            "st_other",
            "st_expect",
            "gr_none",
            "gr_minor",
            "gr_many",
            "id_yes",
            "id_no",
        )
    }
    greet_fb_no = _fb(rng, "Use the customer's name", "Introduce yourself", option_id=o["greet_no"])
    greet_fb_partly = _fb(rng, "Use the customer's name", option_id=o["greet_partly"])
    steps_fb = _fb(rng, "Link the help article", "Explain the next steps")

    def build(version: int) -> Structure:
        steps = [
            OptionDef(o["st_verify"], "Verified the account", 2.0),
            OptionDef(o["st_logs"], "Checked the logs", 2.0),
            OptionDef(o["st_docs"], "Linked documentation", 2.0),
            OptionDef(o["st_workaround"], "Offered a workaround", 2.0),
        ]
        if version == 2:
            steps.append(OptionDef(o["st_expect"], "Set expectations", 2.0))
        steps.append(OptionDef(o["st_other"], "Other", None))
        minor = 1.0 if version == 1 else 2.0
        return Structure(
            name="Support Quality",
            sections=(
                SectionDef(
                    ids["s_open"],
                    "Opening",
                    criteria=(
                        CriterionDef(
                            ids["c_greet"],
                            "Did the agent greet the customer by name?",
                            "multiple_choice",
                            0.0,
                            5.0,
                            feedback_mode="per_option",
                            options=(
                                OptionDef(o["greet_yes"], "Yes", 5.0),
                                OptionDef(o["greet_partly"], "Partly", 3.0, feedback="show"),
                                OptionDef(o["greet_no"], "No", 0.0, feedback="require"),
                            ),
                            feedback_options=(*greet_fb_partly, *greet_fb_no),
                        ),
                        CriterionDef(
                            ids["c_ack"],
                            "Did the agent acknowledge the issue?",
                            "linear_scale",
                            0.0,
                            5.0,
                            description="0: not at all, 5: restated it in their words",
                        ),
                    ),
                ),
                SectionDef(
                    ids["s_res"],
                    "Resolution",
                    criteria=(
                        CriterionDef(
                            ids["c_resolved"],
                            "Was the issue resolved?",
                            "dropdown",
                            0.0,
                            10.0,
                            options=(
                                OptionDef(o["res_yes"], "Resolved", 10.0),
                                OptionDef(o["res_partly"], "Partially resolved", 5.0),
                                OptionDef(o["res_no"], "Not resolved", 0.0),
                                OptionDef(o["res_esc"], "Escalated to tier 2", None),
                            ),
                        ),
                        CriterionDef(
                            ids["c_steps"],
                            "Troubleshooting steps taken",
                            "checkbox",
                            0.0,
                            6.0,
                            feedback_mode="general",
                            options=tuple(steps),
                            feedback_options=tuple(steps_fb),
                        ),
                        CriterionDef(
                            ids["c_accuracy"],
                            "Accuracy of the information given",
                            "linear_scale",
                            0.0,
                            10.0,
                        ),
                    ),
                ),
                SectionDef(
                    ids["s_comm"],
                    "Communication",
                    default_answer="max",
                    criteria=(
                        CriterionDef(ids["c_tone"], "Tone and empathy", "linear_scale", 1.0, 5.0),
                        CriterionDef(
                            ids["c_grammar"],
                            "Grammar and spelling",
                            "multiple_choice",
                            0.0,
                            3.0,
                            options=(
                                OptionDef(o["gr_none"], "No errors", 3.0),
                                OptionDef(o["gr_minor"], "Minor errors", minor),
                                OptionDef(o["gr_many"], "Many errors", 0.0),
                            ),
                        ),
                    ),
                ),
                SectionDef(
                    ids["s_priv"],
                    "Privacy and Security",
                    default_answer="na",
                    criteria=(
                        CriterionDef(
                            ids["c_identity"],
                            "Verified the customer's identity before sharing account data",
                            "multiple_choice",
                            0.0,
                            5.0,
                            options=(
                                OptionDef(o["id_yes"], "Yes", 5.0),
                                OptionDef(o["id_no"], "No", 0.0),
                            ),
                        ),
                    ),
                ),
            ),
        )

    return build(1), build(2)


def _chat_qa(rng: random.Random) -> Structure:
    """Custom weighted sections with an (unweighted) bonus section and an auto-fail section."""
    n = lambda: new_id(rng)  # noqa: E731
    yes, no = n(), n()
    fast_yes, fast_no = n(), n()
    macro = (n(), n(), n())
    more = (n(), n())
    closing = (n(), n(), n())
    return Structure(
        name="Chat QA",
        weighted=True,
        sections=(
            SectionDef(
                n(),
                "Greeting",
                weight=20.0,
                criteria=(
                    CriterionDef(
                        n(),
                        "Greeted the customer",
                        "multiple_choice",
                        0.0,
                        2.0,
                        options=(
                            OptionDef(yes, "Yes", 2.0),
                            OptionDef(no, "No", 0.0),
                        ),
                    ),
                    CriterionDef(
                        n(),
                        "Responded within the first minute",
                        "multiple_choice",
                        0.0,
                        3.0,
                        options=(
                            OptionDef(fast_yes, "Yes", 3.0),
                            OptionDef(fast_no, "No", 0.0),
                        ),
                    ),
                ),
            ),
            SectionDef(
                n(),
                "Problem solving",
                weight=50.0,
                criteria=(
                    CriterionDef(n(), "Troubleshooting", "linear_scale", 0.0, 10.0),
                    CriterionDef(
                        n(),
                        "Used the right macro",
                        "dropdown",
                        0.0,
                        5.0,
                        options=(
                            OptionDef(macro[0], "Yes", 5.0),
                            OptionDef(macro[1], "No", 0.0),
                            OptionDef(macro[2], "No macro needed", None),
                        ),
                    ),
                ),
            ),
            SectionDef(
                n(),
                "Closing",
                weight=30.0,
                default_answer="max",
                criteria=(
                    CriterionDef(
                        n(),
                        "Offered more help",
                        "multiple_choice",
                        0.0,
                        2.0,
                        options=(
                            OptionDef(more[0], "Yes", 2.0),
                            OptionDef(more[1], "No", 0.0),
                        ),
                    ),
                    CriterionDef(
                        n(),
                        "Closing steps",
                        "checkbox",
                        0.0,
                        3.0,
                        options=(
                            OptionDef(closing[0], "Summarised the solution", 1.0),
                            OptionDef(closing[1], "Confirmed the issue is resolved", 1.0),
                            OptionDef(closing[2], "Sent the survey link", 1.0),
                        ),
                    ),
                ),
            ),
            SectionDef(
                n(),
                "Going above and beyond",
                kind="bonus",
                criteria=(CriterionDef(n(), "Delighted the customer", "linear_scale", 0.0, 3.0),),
            ),
            SectionDef(
                n(),
                "Compliance",
                kind="auto_fail",
                criteria=(
                    CriterionDef(
                        n(),
                        "Shared a password or a card number",
                        "dropdown",
                        0.0,
                        0.0,
                        options=(
                            OptionDef(n(), "No", None),
                            OptionDef(n(), "Yes", None, auto_fail=True),
                        ),
                    ),
                    CriterionDef(
                        n(),
                        "Was rude or dismissive",
                        "multiple_choice",
                        0.0,
                        0.0,
                        options=(
                            OptionDef(n(), "No", None),
                            OptionDef(n(), "Yes", None, auto_fail=True),
                        ),
                    ),
                ),
            ),
        ),
    )


def _phone_qa(rng: random.Random) -> Structure:
    """Weighted sections with a weighted bonus section."""
    n = lambda: new_id(rng)  # noqa: E731
    return Structure(
        name="Phone QA",
        weighted=True,
        bonus_weighted=True,
        sections=(
            SectionDef(
                n(),
                "Call opening",
                weight=25.0,
                criteria=(CriterionDef(n(), "Clear introduction", "linear_scale", 0.0, 4.0),),
            ),
            SectionDef(
                n(),
                "Discovery",
                weight=40.0,
                criteria=(
                    CriterionDef(n(), "Asked clarifying questions", "linear_scale", 0.0, 5.0),
                    CriterionDef(
                        n(),
                        "Confirmed the account",
                        "multiple_choice",
                        0.0,
                        3.0,
                        options=(
                            OptionDef(n(), "Yes", 3.0),
                            OptionDef(n(), "No", 0.0),
                        ),
                    ),
                ),
            ),
            SectionDef(
                n(),
                "Call control",
                weight=35.0,
                criteria=(CriterionDef(n(), "Managed hold time", "linear_scale", 0.0, 5.0),),
            ),
            SectionDef(
                n(),
                "Personal touch",
                kind="bonus",
                weight=10.0,
                criteria=(
                    CriterionDef(
                        n(),
                        "Built rapport",
                        "multiple_choice",
                        0.0,
                        1.0,
                        options=(
                            OptionDef(n(), "Yes", 1.0),
                            OptionDef(n(), "No", 0.0),
                        ),
                    ),
                ),
            ),
        ),
    )


def _random_states(structure: Structure, rng: random.Random) -> dict[str, AnswerState]:
    """A plausible, complete set of answers: mostly good, sometimes N/A, rarely auto-failed."""
    quality = rng.random()
    states: dict[str, AnswerState] = {}
    for section, c in structure.criteria():
        if section.kind == "auto_fail":
            passing = [o for o in c.options if not o.auto_fail]
            failing = [o for o in c.options if o.auto_fail]
            chosen = rng.choice(failing) if rng.random() < 0.03 else rng.choice(passing)
            states[c.id] = AnswerState(scoring.select(chosen.id))
            continue
        if (section.default_answer == "na" and rng.random() < 0.6) or rng.random() < 0.03:
            states[c.id] = AnswerState(NA)
            continue
        best = True
        if c.kind == "linear_scale":
            share = min(1.0, max(0.0, rng.gauss(0.5 + 0.45 * quality, 0.2)))
            value = float(c.min_points + round((c.max_points - c.min_points) * share))
            best = value == c.max_points
            answer: scoring.Answer = scoring.scale(value)
            selected: tuple[str, ...] = ()
        elif c.kind == "checkbox":
            picked = [
                o.id
                for o in c.options
                if (o.points or 0) > 0 and rng.random() < 0.3 + 0.6 * quality
            ]
            picked += [o.id for o in c.options if o.points is None and rng.random() < 0.08]
            best = len(picked) >= len(c.options) - 1
            selected = tuple(picked)
            answer = scoring.select(*selected)
        else:
            ranked = sorted(
                (o for o in c.options if o.points is not None and not o.auto_fail),
                key=lambda o: -(o.points or 0),
            )
            other = [o for o in c.options if o.points is None and not o.auto_fail]
            if other and rng.random() < 0.1:
                chosen = rng.choice(other)
            elif rng.random() < 0.1 + 0.85 * quality:
                chosen = ranked[0]
            else:
                chosen = rng.choice(ranked)
            best = chosen is ranked[0]
            selected = (chosen.id,)
            answer = scoring.select(chosen.id)
        feedback: list[str] = []
        if c.feedback_mode == "per_option":
            for oid in selected:
                option = c.option(oid)
                offered = c.feedback_for(oid)
                if (
                    option is not None
                    and offered
                    and (option.feedback == "require" or rng.random() < 0.4)
                ):
                    feedback.append(rng.choice(offered).id)
        elif c.feedback_mode == "general" and rng.random() < 0.3:
            feedback.append(rng.choice(c.feedback_for(None)).id)
        comment = rng.choice(CRITERION_COMMENTS) if not best and rng.random() < 0.3 else ""
        states[c.id] = AnswerState(answer, tuple(feedback), comment)
    return states


@dataclass
class Pattern:
    """A scored answer set, as the tails of its rows (without account and grade ids)."""

    states: dict[str, AnswerState]
    scores: tuple[Any, ...]  # rubric_score, max_rubric_score, earned_points, bonus, auto_failed
    sections: list[tuple[Any, ...]]
    answers: list[tuple[Any, ...]]


def _tails(rows: list[dict[str, Any]], table: str, *, drop_last: bool) -> list[tuple[Any, ...]]:
    columns = COLUMNS[table][2 : -1 if drop_last else None]
    return [tuple(row[c] for c in columns) for row in rows]


@dataclass
class Version:
    pk: str
    rubric_pk: str
    number: int
    structure: Structure
    created_at: datetime
    patterns: list[Pattern] = field(default_factory=list)
    drafts: dict[int, Pattern] = field(default_factory=dict)

    def scored(self, states: dict[str, AnswerState], *, complete: bool) -> Pattern:
        rubric = self.structure.scoring(self.rubric_pk, all_optional=not complete)
        result = scoring.score(rubric, engine_answers(states))
        section_rows = grade_section_rows(self.structure, result, account_id="", grade_pk="")
        answer_rows = grade_answer_rows(self.structure, states, result, account_id="", grade_pk="")
        return Pattern(
            states=states,
            scores=(
                result.rubric_score,
                result.max_rubric_score,
                result.earned_points,
                result.bonus_score,
                result.auto_failed,
            ),
            sections=_tails(section_rows, "grade_sections", drop_last=False),
            answers=_tails(answer_rows, "grade_answers", drop_last=True),
        )

    def draft(self, index: int) -> Pattern:
        """Pattern `index` with its last section left unanswered, scored as a draft."""
        if index not in self.drafts:
            last = {c.id for c in self.structure.sections[-1].criteria}
            states = {cid: s for cid, s in self.patterns[index].states.items() if cid not in last}
            self.drafts[index] = self.scored(states, complete=False)
        return self.drafts[index]


@dataclass
class RubricDef:
    pk: str
    versions: list[Version]

    def version_at(self, when: datetime) -> Version:
        chosen = self.versions[0]
        for v in self.versions:
            if v.created_at <= when:
                chosen = v
        return chosen


class GradingSeed:
    """Grading rows for one account; `rubrics()` first, then `with_grades(ticket chunks)`."""

    def __init__(self, gen: Generator):
        self.gen = gen
        self.account = gen.account_id
        self.rng = gen.rng("grading")
        self.rubrics_: list[RubricDef] = []
        self.alignments: dict[tuple[str, int, int], tuple[Any, list[Any]]] = {}

    def rubrics(self) -> Chunk:
        rng = self.rng
        account = self.account
        out: Chunk = {
            name: []
            for name in (
                "rubrics",
                "rubric_versions",
                "rubric_sections",
                "rubric_criteria",
                "rubric_options",
                "rubric_feedback_options",
            )
        }
        v1, v2 = _support_quality(rng)
        created = ANCHOR - timedelta(days=400)
        definitions = [
            ("Support Quality", "Email and chat tickets: every point counts.", [v1, v2]),
            ("Chat QA", "Live chat, weighted by section.", [_chat_qa(rng)]),
            ("Phone QA", "Calls, with a weighted bonus.", [_phone_qa(rng)]),
        ]
        for name, description, structures in definitions:
            rubric_pk = new_id(rng)
            versions = []
            for number, structure in enumerate(structures, start=1):
                at = created if number == 1 else CUTOVER
                version = Version(new_id(rng), rubric_pk, number, structure, at)
                versions.append(version)
                out["rubric_versions"].append(
                    (
                        version.pk,
                        account,
                        rubric_pk,
                        number,
                        structure.name,
                        structure.weighted,
                        structure.bonus_weighted,
                        at,
                    )
                )
                rows = structure_rows(structure, account_id=account, version_pk=version.pk)
                for table, table_rows in rows.items():
                    columns = COLUMNS[table]
                    out[table].extend(tuple(r[c] for c in columns) for r in table_rows)
                pattern_rng = self.gen.rng(f"grading/patterns/{name}/{number}")
                for _ in range(PATTERNS):
                    states = _random_states(structure, pattern_rng)
                    version.patterns.append(version.scored(states, complete=True))
            current = versions[-1]
            out["rubrics"].append(
                (
                    rubric_pk,
                    account,
                    name,
                    description,
                    current.structure.weighted,
                    current.structure.bonus_weighted,
                    True,
                    current.pk,
                    current.number,
                    None,
                    created,
                    current.created_at,
                )
            )
            self.rubrics_.append(RubricDef(rubric_pk, versions))
        return out

    # --- grades ---------------------------------------------------------------------------------

    def _alignment(self, version: Version, original: int, benchmark: int) -> tuple[Any, list[Any]]:
        key = (version.pk, original, benchmark)
        if key not in self.alignments:
            result = scoring.alignment(
                version.structure.scoring(version.rubric_pk),
                engine_answers(version.patterns[original].states),
                engine_answers(version.patterns[benchmark].states),
            )
            self.alignments[key] = (
                alignment_percent(result.rubric_alignment),
                [alignment_percent(c.alignment) for c in result.criteria],
            )
        return self.alignments[key]

    def with_grades(self, ticket_chunks: Iterator[Chunk]) -> Iterator[Chunk]:
        """Each ticket chunk with the grades and calibrations of its tickets added."""
        v = self.gen.volumes
        total = v.tickets
        graded = min(v.grades, total)
        drafts = round(graded * v.draft_grade_share)
        deleted = min(round(graded * v.deleted_grade_share), graded - drafts)
        qa = min(v.grader_qa, graded - drafts - deleted)
        if len(self.gen.people_.users) < 2:
            qa = 0  # a benchmark grader must not be the original grader
        quota = {"grades": graded, "calibrations": min(v.calibrations, total)}
        kinds = {"draft": drafts, "deleted": deleted, "qa": qa}
        grades_left = graded
        seen = 0
        for chunk in ticket_chunks:
            out: Chunk = {
                name: []
                for name in (
                    "calibrations",
                    "grades",
                    "grade_sections",
                    "grade_answers",
                    "annotations",
                )
            }
            first_agent = {
                row[1]: (row[3], row[4]) for row in chunk["ticket_agents"] if row[2] == 0
            }
            replies: dict[str, str] = {}
            for row in chunk["comments"]:
                if row[5] == "agent" and row[7] and row[2] not in replies:
                    replies[row[2]] = row[3]
            for ticket in chunk["tickets"]:
                left = total - seen
                seen += 1
                agent = first_agent.get(ticket[0])
                if agent is None:
                    continue
                if self.rng.random() * left < quota["grades"]:
                    quota["grades"] -= 1
                    u = self.rng.random() * grades_left
                    grades_left -= 1
                    kind = "plain"
                    for name in ("draft", "deleted", "qa"):
                        if u < kinds[name]:
                            kind = name
                            kinds[name] -= 1
                            break
                        u -= kinds[name]
                    self._graded_ticket(out, ticket, agent, replies.get(ticket[0], ""), kind)
                if self.rng.random() * left < quota["calibrations"]:
                    quota["calibrations"] -= 1
                    self._calibration(out, ticket, agent)
            chunk.update(out)
            yield chunk

    def _times(self, after: datetime) -> tuple[datetime, int]:
        """A reporting time some hours to days after `after` (never past the anchor) and a
        grading time in seconds."""
        reported = after + timedelta(milliseconds=self.rng.randrange(HOUR_MS, 4 * DAY_MS))
        return min(reported, ANCHOR - timedelta(minutes=1)), self.rng.randrange(90, 1500)

    def _grade_row(
        self,
        *,
        version: Version,
        pattern: Pattern,
        ticket: tuple[Any, ...],
        agent: tuple[str, str],
        grader: Person,
        grade_type: str,
        reported: datetime,
        seconds: int,
        state: str = "submitted",
        calibration: str | None = None,
        target: str | None = None,
        alignment: Any = None,
        notes: str = "",
        deleted_at: datetime | None = None,
    ) -> tuple[Any, ...]:
        rng = self.rng
        pk = new_id(rng)
        created = reported
        updated = created
        if rng.random() < 0.2:  # edited later
            updated = min(created + timedelta(milliseconds=rng.randrange(DAY_MS)), ANCHOR)
        if deleted_at is not None:
            updated = deleted_at
        return (
            pk,
            self.account,
            version.rubric_pk,
            version.pk,
            ticket[0],
            agent[0],
            agent[1],
            grader.pk,
            grader.email,
            grade_type,
            calibration,
            target,
            state,
            notes,
            "manual",
            *pattern.scores,
            alignment,
            seconds,
            created - timedelta(seconds=seconds),
            created,
            created if state == "submitted" else None,
            reported,
            created,
            updated,
            deleted_at,
        )

    def _add_grade(
        self, out: Chunk, row: tuple[Any, ...], pattern: Pattern, per_criterion: list[Any] | None
    ) -> None:
        pk = row[0]
        head = (self.account, pk)
        out["grades"].append(row)
        out["grade_sections"].extend(head + tail for tail in pattern.sections)
        if per_criterion is None:
            out["grade_answers"].extend((*head, *tail, None) for tail in pattern.answers)
        else:
            out["grade_answers"].extend(
                (*head, *tail, value)
                for tail, value in zip(pattern.answers, per_criterion, strict=True)
            )

    def _graded_ticket(
        self, out: Chunk, ticket: tuple[Any, ...], agent: tuple[str, str], reply: str, kind: str
    ) -> None:
        rng = self.rng
        users = self.gen.people_.users
        rubric = self.rubrics_[rng.choices((0, 1, 2), (5, 3, 2))[0]]
        reported, seconds = self._times(ticket[11])
        version = rubric.version_at(reported)
        index = rng.randrange(len(version.patterns))
        grader = rng.choice(users)
        pattern = version.draft(index) if kind == "draft" else version.patterns[index]
        deleted_at = None
        if kind == "deleted":
            deleted_at = min(
                reported + timedelta(milliseconds=rng.randrange(DAY_MS, 10 * DAY_MS)), ANCHOR
            )
        notes = rng.choice(GENERAL_NOTES) if rng.random() < 0.4 else ""
        row = self._grade_row(
            version=version,
            pattern=pattern,
            ticket=ticket,
            agent=agent,
            grader=grader,
            grade_type="grading",
            reported=reported,
            seconds=seconds,
            state="draft" if kind == "draft" else "submitted",
            notes=notes,
            deleted_at=deleted_at,
        )
        self._add_grade(out, row, pattern, None)
        if rng.random() < 0.3:
            self._annotations(out, row, version, reply)
        if kind == "qa":
            benchmark_grader = rng.choice([u for u in users if u is not grader])
            same = rng.random() < 0.4
            b_index = index if same else rng.randrange(len(version.patterns))
            total, per_criterion = self._alignment(version, index, b_index)
            qa_reported, qa_seconds = self._times(reported)
            qa_row = self._grade_row(
                version=version,
                pattern=version.patterns[b_index],
                ticket=ticket,
                agent=agent,
                grader=benchmark_grader,
                grade_type="grader_qa",
                reported=qa_reported,
                seconds=qa_seconds,
                target=row[0],
                alignment=total,
            )
            self._add_grade(out, qa_row, version.patterns[b_index], per_criterion)

    def _annotations(
        self, out: Chunk, grade: tuple[Any, ...], version: Version, reply: str
    ) -> None:
        rng = self.rng
        words = reply.split()
        criteria = [c.id for _, c in version.structure.criteria()]
        for position in range(rng.randint(1, 2)):
            criterion = rng.choice(criteria) if rng.random() < 0.7 else None
            created = grade[26]
            if words and rng.random() < 0.8:
                start = rng.randrange(len(words))
                end = min(len(words), start + rng.randint(2, 8))
                span = words[start:end]
                out["annotations"].append(
                    (
                        new_id(rng),
                        self.account,
                        grade[0],
                        criterion,
                        "text",
                        " ".join(span),
                        span[0],
                        span[-1],
                        0,
                        0,
                        None,
                        rng.choice(ANNOTATION_FEEDBACK),
                        position,
                        None,
                        created,
                        created,
                    )
                )
            else:
                out["annotations"].append(
                    (
                        new_id(rng),
                        self.account,
                        grade[0],
                        criterion,
                        "audio",
                        "",
                        "",
                        "",
                        None,
                        None,
                        float(rng.randrange(5, 900)),
                        rng.choice(ANNOTATION_FEEDBACK),
                        position,
                        None,
                        created,
                        created,
                    )
                )

    def _calibration(self, out: Chunk, ticket: tuple[Any, ...], agent: tuple[str, str]) -> None:
        rng = self.rng
        users = self.gen.people_.users
        coaches = self.gen.people_.coaches or users
        rubric = self.rubrics_[rng.choices((0, 1, 2), (5, 3, 2))[0]]
        created = min(ticket[11] + timedelta(milliseconds=rng.randrange(DAY_MS)), ANCHOR)
        version = rubric.version_at(created)
        final = rng.choice(coaches)
        calibrators = [u for u in users if u is not final]
        calibrators = rng.sample(calibrators, min(len(calibrators), rng.randint(2, 3)))
        pk = new_id(rng)
        kind = "benchmark" if rng.random() < 0.3 else "team"
        scheduled = created + timedelta(days=rng.randint(1, 7))
        day = f"{scheduled:%b} {scheduled.day}"
        out["calibrations"].append(
            (
                pk,
                self.account,
                f"Calibration {day}",
                kind,
                ticket[0],
                agent[0],
                agent[1],
                rubric.pk,
                final.pk,
                scheduled,
                None,
                created,
                created,
            )
        )
        final_index = rng.randrange(len(version.patterns))
        reported, seconds = self._times(created)
        final_row = self._grade_row(
            version=version,
            pattern=version.patterns[final_index],
            ticket=ticket,
            agent=agent,
            grader=final,
            grade_type="calibration_final",
            reported=reported,
            seconds=seconds,
            calibration=pk,
        )
        self._add_grade(out, final_row, version.patterns[final_index], None)
        for calibrator in calibrators:
            index = final_index if rng.random() < 0.3 else rng.randrange(len(version.patterns))
            total, per_criterion = self._alignment(version, index, final_index)
            r_reported, r_seconds = self._times(created)
            row = self._grade_row(
                version=version,
                pattern=version.patterns[index],
                ticket=ticket,
                agent=agent,
                grader=calibrator,
                grade_type="calibration_review",
                reported=r_reported,
                seconds=r_seconds,
                calibration=pk,
                alignment=total,
            )
            self._add_grade(out, row, version.patterns[index], per_criterion)
