"""Appeal deadlines from a plan type's rules: pure functions, no database.

The rules are AppealDeadlineRule rows (or anything with the same
attributes).  Each computed deadline carries its rule's citation, says what
it was counted from, and whether that starting point is known or assumed:
a plan's decision date, for example, can only be estimated until the appeal
is filed.  Hours are counted in whole days, rounded up, so a date shown is
never later than the real deadline.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from dateutil.relativedelta import relativedelta

# A window closing within this many days is flagged as near.
NEAR_DAYS = 14

FILE_APPEAL = "file_appeal"
DECISION_STANDARD = "decision_standard"
DECISION_EXPEDITED = "decision_expedited"
FILE_NEXT_LEVEL = "file_next_level"
NEXT_DECISION_STANDARD = "next_level_decision_standard"
NEXT_DECISION_EXPEDITED = "next_level_decision_expedited"

# In the order a case meets them; the decision steps are chosen by urgency.
STANDARD_STEPS = (FILE_APPEAL, DECISION_STANDARD, FILE_NEXT_LEVEL, NEXT_DECISION_STANDARD)
EXPEDITED_STEPS = (FILE_APPEAL, DECISION_EXPEDITED, FILE_NEXT_LEVEL, NEXT_DECISION_EXPEDITED)
# Steps the person must act on, as opposed to ones the plan or reviewer must meet.
PERSON_STEPS = {FILE_APPEAL, FILE_NEXT_LEVEL}

STEP_LABELS = {
    FILE_APPEAL: "File the appeal with the plan",
    DECISION_STANDARD: "The plan must decide",
    DECISION_EXPEDITED: "The plan must decide (expedited)",
    FILE_NEXT_LEVEL: "Ask for the next level of review",
    NEXT_DECISION_STANDARD: "The next level must decide",
    NEXT_DECISION_EXPEDITED: "The next level must decide (expedited)",
}


class Rule(Protocol):
    step: str
    amount: int | None
    unit: str  # "hours" | "days" | "months"
    counted_from: str  # "notice_date" | "notice_receipt" | "appeal_received" | "appeal_decision"
    receipt_presumption_days: int | None
    automatic: bool
    citation: str
    explanation: str


@dataclass(frozen=True)
class Deadline:
    step: str
    label: str
    due: datetime.date | None  # None: no time limit, automatic, or nothing to count from
    counted_from: str  # words: "the date on the denial notice (March 3, 2026)"
    assumed_start: bool  # the start is an estimate (e.g. "if the plan receives it today")
    citation: str
    explanation: str
    status: str  # "passed" | "near" | "open" | "automatic" | "no_limit" | "plan"
    days_left: int | None
    advice: str

    @property
    def is_warning(self) -> bool:
        return self.status in ("passed", "near")


@dataclass(frozen=True)
class CaseDates:
    notice_date: datetime.date
    today: datetime.date
    expedited: bool = False
    notice_received_on: datetime.date | None = None
    appeal_filed_on: datetime.date | None = None
    appeal_decided_on: datetime.date | None = None


def add_period(start: datetime.date, amount: int, unit: str) -> datetime.date:
    if unit == "months":
        # 4 months from January 31 is May 31; from October 31, February 28/29.
        return start + relativedelta(months=amount)
    if unit == "hours":
        return start + datetime.timedelta(days=math.ceil(amount / 24))
    if unit == "days":
        return start + datetime.timedelta(days=amount)
    raise ValueError(f"unknown unit {unit!r}")


def _long(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def compute_deadlines(rules: Iterable[Rule], dates: CaseDates) -> list[Deadline]:
    by_step = {rule.step: rule for rule in rules}
    steps = EXPEDITED_STEPS if dates.expedited else STANDARD_STEPS
    deadlines: list[Deadline] = []
    plan_decision_due: datetime.date | None = None
    for step in steps:
        rule = by_step.get(step)
        if rule is None:
            continue
        start, start_words, assumed = _start_of(rule, dates, plan_decision_due)
        if rule.automatic:
            due, status = None, "automatic"
        elif rule.amount is None:
            due, status = None, "no_limit"
        elif start is None:
            due, status = None, "plan"
        else:
            due = add_period(start, rule.amount, rule.unit)
            status = _status(step, due, dates.today) if step in PERSON_STEPS else "plan"
        if step in (DECISION_STANDARD, DECISION_EXPEDITED):
            plan_decision_due = due
        days_left = (due - dates.today).days if due is not None else None
        deadlines.append(
            Deadline(
                step=step,
                label=STEP_LABELS[step],
                due=due,
                counted_from=start_words,
                assumed_start=assumed,
                citation=rule.citation,
                explanation=rule.explanation,
                status=status,
                days_left=days_left,
                advice=_advice(step, status, days_left, dates.expedited),
            )
        )
    return deadlines


def _start_of(rule: Rule, dates: CaseDates, plan_decision_due: datetime.date | None) -> tuple[datetime.date | None, str, bool]:
    """Where a rule's count starts, in words, and whether it is assumed."""
    kind = rule.counted_from
    if kind == "notice_date":
        return dates.notice_date, f"the date on the denial notice ({_long(dates.notice_date)})", False
    if kind == "notice_receipt":
        if dates.notice_received_on:
            day = dates.notice_received_on
            return day, f"the day you received the notice ({_long(day)})", False
        presumed = rule.receipt_presumption_days or 0
        day = dates.notice_date + datetime.timedelta(days=presumed)
        if presumed:
            return day, f"receipt of the notice, presumed {presumed} days after its date ({_long(day)})", False
        return day, f"receipt of the notice, counted from its date to be safe ({_long(day)})", False
    if kind == "appeal_received" and rule.step in (NEXT_DECISION_STANDARD, NEXT_DECISION_EXPEDITED):
        # The next level can only receive a request after the plan has decided.
        if plan_decision_due is not None:
            return plan_decision_due, "the reviewer's receipt of your request, if sent when the plan decides", True
        return None, "the reviewer's receipt of your request", True
    if kind == "appeal_received":
        if dates.appeal_filed_on:
            day = dates.appeal_filed_on
            return day, f"the plan's receipt of the appeal ({_long(day)})", False
        return dates.today, "the plan's receipt of the appeal, if it arrives today", True
    if kind == "appeal_decision":
        if dates.appeal_decided_on:
            day = dates.appeal_decided_on
            return day, f"the date of the plan's decision ({_long(day)})", False
        if plan_decision_due is not None:
            return plan_decision_due, "the plan's decision, if it comes on its own deadline", True
        return None, "the date of the plan's decision", True
    raise ValueError(f"unknown starting point {kind!r}")


def _status(step: str, due: datetime.date, today: datetime.date) -> str:
    if today > due:
        return "passed"
    if (due - today).days <= NEAR_DAYS:
        return "near"
    return "open"


def _advice(step: str, status: str, days_left: int | None, expedited: bool) -> str:
    if status == "automatic":
        return "Nothing to file: the plan must send the case on by itself if it keeps its denial."
    if status == "passed" and step == FILE_APPEAL:
        return (
            "The usual window has closed, but you still have options: ask the plan in writing to accept the appeal "
            "late and say why it was late (plans, and Medicare, can extend the time for a good reason); or ask the "
            "prescriber to send a new coverage request, since a new denial starts a new appeal window."
        )
    if status == "passed" and step == FILE_NEXT_LEVEL:
        return "The window for the next level has closed: ask the reviewer to accept a late request for good cause."
    if status == "near":
        when = "today" if days_left == 0 else f"within {days_left} day{'s' if days_left != 1 else ''}"
        tail = "" if expedited else " If waiting could seriously harm the patient's health, ask for an expedited review."
        return (
            f"File {when}. Send what you have now and say that more evidence will follow; keep proof of the date "
            f"you sent it.{tail}"
        )
    return ""
