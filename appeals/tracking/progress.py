"""Where a tracked case stands and the one deadline that matters now: the timeline's
next line, and what a reminder is about.  From the case's deadlines (the law engine
at the stage the case is at) and its track."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from appeals.catalog.deadlines import FILE_APPEAL, FILE_NEXT_LEVEL, PLAN_DECISION_STEPS, CaseDates, Deadline, compute_deadlines
from appeals.catalog.plan_rules import rules_for
from appeals.delivery.status import patient_deadlines
from appeals.intake.models import Case
from appeals.tracking.levels import next_stage
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


def next_level_filing(case: Case, track: Track, today: datetime.date) -> Deadline | None:
    """After an upheld answer: the window to file the request this site would make next, by
    that stage's own rule, counted from the answer's date (as the next level's letter will
    count it).  An ERISA plan's second-level appeal has no federal window (the plan's letter
    gives it): then None, rather than the external review's window.  Where the site makes no
    further request, the current stage's rule for the next level, if any."""
    plan = case.typed_answers.plan
    plan_type = case.plan_type()
    stage = next_stage(plan_type, plan.appeal_stage, final=track.answer_final)
    if stage is None:
        return None
    dates = CaseDates(notice_date=case.appeal_decided_on, today=today, expedited=bool(plan.expedited))
    return _step(compute_deadlines(rules_for(plan_type, stage), dates), {FILE_APPEAL})


def case_progress(case: Case, track: Track, today: datetime.date | None = None) -> Progress:
    today = today or timezone.localdate()
    if track.is_closed:
        return Progress(CLOSED, None)
    deadlines, _ = patient_deadlines(case)
    if track.answer == Answer.UPHELD:
        if case.appeal_decided_on is None:
            return Progress(UPHELD, None)
        plan = case.typed_answers.plan
        if next_stage(case.plan_type(), plan.appeal_stage, final=track.answer_final) is not None:
            return Progress(UPHELD, next_level_filing(case, track, today))
        return Progress(UPHELD, _step(deadlines, {FILE_NEXT_LEVEL}))
    if track.sent_on is None:
        return Progress(SEND, _step(deadlines, {FILE_APPEAL}))
    return Progress(AWAITING, _step(deadlines, PLAN_DECISION_STEPS))
