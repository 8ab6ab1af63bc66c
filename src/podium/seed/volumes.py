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
        )

    def as_dict(self) -> dict[str, float]:
        return asdict(self)
