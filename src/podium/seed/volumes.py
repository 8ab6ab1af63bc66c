"""How much demo data a scale means."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Volumes:
    """Row counts the seed writes. Comments are 2 to 8 per ticket, so their count is drawn."""

    users: int = 10
    agents: int = 40
    extra_groups: int = 0
    tickets: int = 400
    coaching_sessions: int = 200
    coaching_points: int = 400
    todos: int = 300
    # the share of coaching points and to-dos that belong to a coaching session
    linked_point_share: float = 0.4
    linked_todo_share: float = 0.3
    # agent-QA grades (one per graded ticket, at most one per ticket), the grader-QA re-grades
    # of some of them, and calibrations (3 to 4 grades each)
    grades: int = 200
    grader_qa: int = 16
    calibrations: int = 6
    # the shares of agent-QA grades left as drafts and deleted
    draft_grade_share: float = 0.04
    deleted_grade_share: float = 0.02

    @classmethod
    def for_scale(cls, scale: int) -> Volumes:
        """Tickets and coaching grow with `scale`; people grow with its square root."""
        if scale < 1:
            raise ValueError("scale must be 1 or more")
        root = math.sqrt(scale)
        return cls(
            users=round(10 * root),
            agents=round(40 * root),
            extra_groups=round(root) - 1,
            tickets=400 * scale,
            coaching_sessions=200 * scale,
            coaching_points=400 * scale,
            todos=300 * scale,
            grades=200 * scale,
            grader_qa=16 * scale,
            calibrations=6 * scale,
        )

    def planned_rows(self) -> int:
        """An estimate of every row written (for the progress bar)."""
        return (
            self.users
            + self.agents * 4
            + self.tickets * 7
            + self.coaching_sessions
            + self.coaching_points
            + self.todos
            + round(self.coaching_points * self.linked_point_share)
            + round(self.todos * self.linked_todo_share)
            # a calibration has about 3.4 grades; a grade about 4.3 section rows, 7.7 answer
            # rows and 0.4 annotations
            + round(
                (min(self.grades, self.tickets) + self.grader_qa + 3.4 * self.calibrations) * 13.4
            )
        )

    def as_dict(self) -> dict[str, float]:
        return asdict(self)
