"""Appeal deadlines from a plan type's rules: pure functions, no database.

The rules are AppealDeadlineRule rows (or anything with the same
attributes).  Each computed deadline carries its rule's citation, says what
it was counted from, and whether that starting point is known or assumed.
What is shown must never be later than the real deadline, so:

- A step that counts from an event not yet known (the plan's decision, a
  reviewer's receipt of a request) is not dated at all: it carries only its
  window in words ("within 4 months of receiving the plan's decision").  It is
  dated once the case records the event.
- A filing step counts when the request *arrives*; it is shown as "must be
  received by".  Where the legal date rests on a presumption (Part D presumes
  the notice arrived 5 days after its date, 42 CFR 423.582(b)(1)) or on a
  rule that extends the last day (45 CFR 147.136(d)(2)(i)), the earlier date
  to aim for is shown with it.
- A last day on a Saturday, Sunday or federal holiday is flagged.  Only a rule
  whose text says so (``rolls_forward``) moves it to the next business day;
  for every other rule the person is told to have it arrive the business day
  before.
- A clock in hours runs from the moment of receipt: 72 hours from receipt is
  the same clock time three days later.  The date shown is the calendar day
  on which such a clock ends at the latest (hours / 24, rounded up), and it
  is always given with its rule ("72 hours after the plan receives it"),
  because the real deadline can be earlier in that day.
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import holidays
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
# The plan's own decision on this appeal: the only time limits a letter to the plan states.
PLAN_DECISION_STEPS = {DECISION_STANDARD, DECISION_EXPEDITED}
NEXT_DECISION_STEPS = {NEXT_DECISION_STANDARD, NEXT_DECISION_EXPEDITED}

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
    # Optional (read with getattr, default False): the rule's own text extends a last day that
    # falls on a weekend or federal holiday, and a month count with no matching day, as
    # 45 CFR 147.136(d)(2)(i) does.
    rolls_forward: bool


@dataclass(frozen=True)
class Deadline:
    step: str
    label: str
    due: datetime.date | None  # the last day; None: no limit, automatic, or its start is not yet known
    counted_from: str  # words: "the date on the denial notice (March 3, 2026)"
    assumed_start: bool  # the start is an estimate (e.g. "if the plan receives it today")
    citation: str
    explanation: str
    status: str  # "passed" | "near" | "open" | "automatic" | "no_limit" | "plan" | "after_decision"
    days_left: int | None
    advice: str
    window: str = ""  # the rule in words: "within 60 days of receiving the denial notice"
    aim_by: datetime.date | None = None  # an earlier, safe date to aim for, when it differs from ``due``
    notes: tuple[str, ...] = field(default=())  # weekend, holiday and presumption warnings
    hours: int | None = None  # the clock, when the rule counts hours

    @property
    def is_warning(self) -> bool:
        return self.status in ("passed", "near")

    @property
    def is_filing(self) -> bool:
        return self.step in PERSON_STEPS

    @property
    def target(self) -> datetime.date | None:
        """The date to put in a calendar or plan around: the safe one when there is one."""
        return self.aim_by or self.due

    @property
    def when(self) -> str:
        """The deadline in one phrase, never a date the rule does not give."""
        if self.status == "automatic":
            return "automatic: nothing to file"
        if self.status == "no_limit":
            return "no fixed time limit"
        if self.due is None:
            return self.window
        if self.hours:
            if_today = " if it arrives today" if self.assumed_start else ""
            return f"{self.window}: by {long_date(self.due)} at the latest{if_today}"
        if self.is_filing:
            return f"must be received by {weekday_date(self.due)}"
        if self.assumed_start:
            return f"{self.window}: by {long_date(self.due)} if it arrives today"
        return f"by {long_date(self.due)}"


@dataclass(frozen=True)
class CaseDates:
    notice_date: datetime.date
    today: datetime.date
    expedited: bool = False
    notice_received_on: datetime.date | None = None
    appeal_filed_on: datetime.date | None = None
    appeal_decided_on: datetime.date | None = None  # the date on the plan's decision on the appeal


# --- Calendar ------------------------------------------------------------------


@functools.cache
def _federal_holidays(year: int, observed: bool) -> holidays.HolidayBase:
    # The United States with no state given: the legal public holidays of 5 U.S.C. 6103(a);
    # with ``observed``, also the Friday or Monday off when one falls on a weekend (6103(b)).
    return holidays.country_holidays("US", years=year, observed=observed)


def holiday_name(day: datetime.date, *, observed: bool = True) -> str:
    return _federal_holidays(day.year, observed).get(day) or ""


def is_business_day(day: datetime.date, *, observed: bool = True) -> bool:
    return day.weekday() < 5 and not holiday_name(day, observed=observed)


def business_day_on_or_before(day: datetime.date) -> datetime.date:
    """Moving a date earlier, the observed days off count too: offices are closed then."""
    while not is_business_day(day):
        day -= datetime.timedelta(days=1)
    return day


def business_day_on_or_after(day: datetime.date) -> datetime.date:
    """Moving a last day later (only where the rule says so), only the holidays themselves
    count: 6103(b)'s observed days serve pay and leave, and a rule may not extend past them."""
    while not is_business_day(day, observed=False):
        day += datetime.timedelta(days=1)
    return day


def closed_reason(day: datetime.date) -> str:
    """Why offices are closed that day ("a Saturday", "a federal holiday (Veterans Day)"), or ""."""
    if day.weekday() >= 5:
        return f"a {day:%A}"
    name = holiday_name(day)
    return f"a federal holiday ({name})" if name else ""


def add_period(start: datetime.date, amount: int, unit: str, *, month_end_extends: bool = False) -> datetime.date:
    """``start`` plus a period.  Months keep the day of the month; where the month is too
    short the date is clamped to its last day (4 months from October 31 is February 28),
    which is never later than any reading of the rule.  With ``month_end_extends`` (45 CFR
    147.136(d)(2)(i)), a month with no matching day gives the first day of the next month
    instead (October 30 + 4 months is March 1).  Hours give the calendar day on which a
    clock started on ``start`` ends at the latest."""
    if unit == "months":
        end = start + relativedelta(months=amount)
        if month_end_extends and end.day != start.day:
            end = end + datetime.timedelta(days=1)  # the clamped last day, then the first of the next month
        return end
    if unit == "hours":
        return start + datetime.timedelta(days=math.ceil(amount / 24))
    if unit == "days":
        return start + datetime.timedelta(days=amount)
    raise ValueError(f"unknown unit {unit!r}")


def long_date(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def weekday_date(day: datetime.date) -> str:
    return f"{day:%A}, {long_date(day)}"


# --- The rules in words ---------------------------------------------------------


def _amount_words(amount: int, unit: str) -> str:
    word = {"hours": "hour", "days": "day", "months": "month"}[unit]
    return f"{amount} {word}{'s' if amount != 1 else ''}"


def window_words(rule: Rule) -> str:
    """A rule's time limit in words, without a date: what is shown while its start is unknown."""
    if rule.automatic or rule.amount is None:
        return ""
    period = _amount_words(rule.amount, rule.unit)
    kind = rule.counted_from
    if kind == "notice_date":
        return f"within {period} of the date on the denial notice"
    if kind == "notice_receipt":
        return f"within {period} of receiving the denial notice"
    if kind == "appeal_received" and rule.step in NEXT_DECISION_STEPS:
        return f"within {period} of the reviewer receiving the request"
    if kind == "appeal_received":
        return f"within {period} of the plan receiving the appeal"
    if kind == "appeal_decision":
        if getattr(rule, "rolls_forward", False):
            # 147.136(d)(2)(i) counts from receipt of the decision.
            return f"within {period} of receiving the plan's decision on the appeal"
        return f"within {period} of the date on the plan's decision on the appeal"
    raise ValueError(f"unknown starting point {kind!r}")


# --- Computing ------------------------------------------------------------------


def compute_deadlines(rules: Iterable[Rule], dates: CaseDates) -> list[Deadline]:
    by_step = {rule.step: rule for rule in rules}
    steps = EXPEDITED_STEPS if dates.expedited else STANDARD_STEPS
    return [_deadline(by_step[step], dates) for step in steps if step in by_step]


def _deadline(rule: Rule, dates: CaseDates) -> Deadline:
    step = rule.step
    start, start_words, assumed, safe_start = _start_of(rule, dates)
    window = window_words(rule)
    hours = rule.amount if rule.unit == "hours" and rule.amount else None
    due = aim_by = None
    notes: tuple[str, ...] = ()
    if rule.automatic:
        status = "automatic"
    elif rule.amount is None:
        status = "no_limit"
    elif start is None:
        status = "after_decision" if step in PERSON_STEPS else "plan"
    elif step in PERSON_STEPS:
        due, aim_by, notes = _filing_dates(rule, start, safe_start)
        status = _status(due, aim_by or due, dates.today)
    else:
        due, status = add_period(start, rule.amount, rule.unit), "plan"
    days_left = (due - dates.today).days if due is not None else None
    return Deadline(
        step=step,
        label=STEP_LABELS[step],
        due=due,
        counted_from=start_words,
        assumed_start=assumed,
        citation=rule.citation,
        explanation=rule.explanation,
        status=status,
        days_left=days_left,
        advice=_advice(step, status, due, aim_by, dates),
        window=window,
        aim_by=aim_by,
        notes=notes,
        hours=hours,
    )


def _filing_dates(
    rule: Rule, start: datetime.date, safe_start: datetime.date
) -> tuple[datetime.date, datetime.date | None, tuple[str, ...]]:
    """The last day a filing can arrive, the earlier date to aim for (or None), and notes."""
    rolls = bool(getattr(rule, "rolls_forward", False))
    amount = rule.amount or 0  # only called for rules with a time limit
    legal = add_period(start, amount, rule.unit, month_end_extends=rolls)
    if rolls:
        legal = business_day_on_or_after(legal)
    # Counted from the earliest start, with no extension, and arriving on a business day.
    plain = add_period(safe_start, amount, rule.unit)
    aim = business_day_on_or_before(min(plain, legal))
    notes = []
    if safe_start != start:
        moved = f" ({long_date(plain)}, {closed_reason(plain)})" if plain != aim else ""
        notes.append(
            f"The last day assumes the notice reached you {(start - safe_start).days} days after its date, which the "
            f"plan can dispute. To be safe, count {_amount_words(amount, rule.unit)} from the date on the "
            f"notice{moved}: make sure the appeal arrives by {weekday_date(aim)}."
        )
    elif rolls and legal != plain:
        notes.append(
            f"The rule extends the last day to {weekday_date(legal)} (a month with no matching day, or a weekend or "
            f"federal holiday, moves it on); to be safe, make sure it arrives by {weekday_date(aim)}."
        )
    elif rolls and closed_reason(legal):
        # Only an observed day off is left here: the rule's extension may not reach it.
        notes.append(
            f"{long_date(legal)} is {closed_reason(legal)}, which may not extend the deadline; make sure it arrives "
            f"by {weekday_date(aim)}."
        )
    elif closed_reason(legal):
        notes.append(
            f"{long_date(legal)} is {closed_reason(legal)}; do not count on the deadline moving to the next business "
            f"day: make sure it arrives by {weekday_date(aim)}."
        )
    return legal, (aim if aim != legal else None), tuple(notes)


def _start_of(rule: Rule, dates: CaseDates) -> tuple[datetime.date | None, str, bool, datetime.date | None]:
    """Where a rule's count starts, in words, whether it is assumed, and the earliest
    day it could start (the date on the notice, where receipt is only presumed)."""
    kind = rule.counted_from
    if kind == "notice_date":
        day = dates.notice_date
        return day, f"the date on the denial notice ({long_date(day)})", False, day
    if kind == "notice_receipt":
        if dates.notice_received_on:
            day = dates.notice_received_on
            return day, f"the day you received the notice ({long_date(day)})", False, day
        presumed = rule.receipt_presumption_days or 0
        day = dates.notice_date + datetime.timedelta(days=presumed)
        if presumed:
            words = f"receipt of the notice, presumed {presumed} days after its date ({long_date(day)})"
            return day, words, False, dates.notice_date
        return day, f"receipt of the notice, counted from its date to be safe ({long_date(day)})", False, day
    if kind == "appeal_received" and rule.step in NEXT_DECISION_STEPS:
        # The reviewer's receipt of a request that can only be sent after the plan decides.
        return None, "the reviewer's receipt of your request", True, None
    if kind == "appeal_received":
        if dates.appeal_filed_on:
            day = dates.appeal_filed_on
            return day, f"the plan's receipt of the appeal ({long_date(day)})", False, day
        return dates.today, "the plan's receipt of the appeal, if it arrives today", True, dates.today
    if kind == "appeal_decision":
        if dates.appeal_decided_on:
            day = dates.appeal_decided_on
            if getattr(rule, "rolls_forward", False):
                words = f"the date on the plan's decision ({long_date(day)}); the rule counts from the day you receive it"
                return day, words, False, day
            return day, f"the date on the plan's decision ({long_date(day)})", False, day
        # Not a date until the plan decides: if it decides early, the real deadline is earlier
        # than any date counted from the plan's own deadline.
        return None, "the plan's decision on the appeal, once it comes", True, None
    raise ValueError(f"unknown starting point {kind!r}")


def _status(due: datetime.date, aim: datetime.date, today: datetime.date) -> str:
    if today > due:
        return "passed"
    if today > aim or (aim - today).days <= NEAR_DAYS:
        return "near"
    return "open"


def _advice(step: str, status: str, due: datetime.date | None, aim_by: datetime.date | None, dates: CaseDates) -> str:
    if status == "automatic":
        return "Nothing to file: the plan must send the case on by itself if it keeps its denial."
    if status == "after_decision":
        return "Write down the date on the plan's decision when it comes: this window is counted from it."
    if status == "passed" and step == FILE_APPEAL:
        return (
            "The usual window has closed, but you still have options: ask the plan in writing to accept the appeal "
            "late and say why it was late (plans, and Medicare, can extend the time for a good reason); or ask the "
            "prescriber to send a new coverage request, since a new denial starts a new appeal window."
        )
    if status == "passed" and step == FILE_NEXT_LEVEL:
        return "The window for the next level has closed: ask the reviewer to accept a late request for good cause."
    if status == "near" and due is not None:
        tail = "" if dates.expedited else " If waiting could seriously harm the patient's health, ask for an expedited review."
        if aim_by is not None and dates.today > aim_by:
            return (
                f"The safe date has passed, but the last day is {weekday_date(due)}: send it today by fax and keep "
                f"the confirmation that shows the day it arrived.{tail}"
            )
        days = ((aim_by or due) - dates.today).days
        when = "today" if days == 0 else f"within {days} day{'s' if days != 1 else ''}"
        return (
            f"File {when}. Send what you have now and say that more evidence will follow; keep proof of the day it arrived.{tail}"
        )
    return ""
