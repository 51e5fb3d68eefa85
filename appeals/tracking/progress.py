"""Where a tracked case stands and the one deadline that matters now: the timeline's
next line, and what a reminder is about.  From the case's deadlines (the law engine
at the stage the case is at) and its track."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from appeals.catalog.deadlines import FILE_APPEAL, FILE_NEXT_LEVEL, PLAN_DECISION_STEPS, Deadline
from appeals.tracking.models import Answer, Track

SEND = "send"  # this level's request is not marked sent yet
AWAITING = "awaiting"  # sent; the plan (or reviewer) has not answered
UPHELD = "upheld"  # answered with the denial upheld: the next level is open
CLOSED = "closed"


@dataclass(frozen=True)
class Progress:
    phase: str
    deadline: Deadline | None  # the deadline that matters now, if the rules give one

    @property
    def dated(self) -> bool:
        """The deadline has a real date (not a window in words, not counted from an assumed start)."""
        return self.deadline is not None and self.deadline.due is not None and not self.deadline.assumed_start

    def is_late(self, today: datetime.date) -> bool:
        return self.phase == AWAITING and self.dated and today > self.deadline.due


def _step(deadlines: list[Deadline], steps) -> Deadline | None:
    return next((d for d in deadlines if d.step in steps), None)


def progress(track: Track, deadlines: list[Deadline]) -> Progress:
    if track.is_closed:
        return Progress(CLOSED, None)
    if track.answer == Answer.UPHELD:
        return Progress(UPHELD, _step(deadlines, {FILE_NEXT_LEVEL}))
    if track.sent_on is None:
        return Progress(SEND, _step(deadlines, {FILE_APPEAL}))
    return Progress(AWAITING, _step(deadlines, PLAN_DECISION_STEPS))
