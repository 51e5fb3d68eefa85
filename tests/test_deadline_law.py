"""Deadlines that are never later than the real one, checked against the law review's
findings G1, G2, G4, G5, D2 and A4 and its hand-check table (notice dated 2026-11-10).
Every date is passed in explicitly; nothing here depends on today's date."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace

import pytest
from icalendar import Calendar

from appeals.catalog.deadlines import (
    CaseDates,
    add_period,
    business_day_on_or_after,
    business_day_on_or_before,
    compute_deadlines,
    holiday_name,
    is_business_day,
)
from appeals.demo.plan_types import PLAN_TYPES
from tests.test_deadlines import by_step, rules_for

D = datetime.date
HAND_CHECK = CaseDates(notice_date=D(2026, 11, 10), today=D(2026, 11, 12))
ANY_DATE = re.compile(r"(January|February|March|April|May|June|July|August|September|October|November|December) \d")


def external_review_rule(**changes) -> SimpleNamespace:
    """The 4-month external-review filing rule of 45 CFR 147.136(d)(2)(i)."""
    fields = {
        "step": "file_next_level",
        "amount": 4,
        "unit": "months",
        "counted_from": "appeal_decision",
        "receipt_presumption_days": None,
        "automatic": False,
        "citation": "45 CFR 147.136(d)(2)(i)",
        "explanation": "",
        "rolls_forward": True,
    }
    return SimpleNamespace(**{**fields, **changes})


# --- The hand-check table (law review §1g) ---------------------------------------


@pytest.mark.parametrize(
    ("plan", "filing_due", "standard_due", "expedited_due"),
    [
        ("employer-self-funded", D(2027, 5, 9), D(2026, 12, 12), D(2026, 11, 15)),  # 180 d (a Sunday)
        ("employer-fully-insured", D(2027, 5, 9), D(2026, 12, 12), D(2026, 11, 15)),
        ("aca-individual", D(2027, 5, 9), D(2026, 12, 12), D(2026, 11, 15)),
        ("medicare-part-d", D(2027, 1, 14), D(2026, 11, 19), D(2026, 11, 15)),  # (11/10 + 5) + 60
        ("medicare-advantage", D(2027, 1, 9), D(2026, 11, 19), D(2026, 11, 15)),  # a Saturday
        ("medicaid-managed-care", D(2027, 1, 9), D(2026, 12, 12), D(2026, 11, 15)),  # a Saturday
        ("fehb", D(2027, 5, 10), D(2026, 12, 12), D(2026, 11, 15)),  # 6 months
    ],
)
def test_hand_check_table_of_the_law_review(plan, filing_due, standard_due, expedited_due):
    standard = by_step(compute_deadlines(rules_for(plan), HAND_CHECK))
    expedited = by_step(compute_deadlines(rules_for(plan), CaseDates(**{**HAND_CHECK.__dict__, "expedited": True})))
    assert standard["file_appeal"].due == filing_due
    assert standard["decision_standard"].due == standard_due
    assert expedited["decision_expedited"].due == expedited_due
    # The review's "next level filed by" column counted from the plan's latest permitted decision;
    # that date is later than the real one whenever the plan decides early, so it is no longer given.
    for result in (standard, expedited):
        next_level = result["file_next_level"]
        assert next_level.due is None and not ANY_DATE.search(next_level.when)


# --- G1: clocks in hours -----------------------------------------------------------


def test_g1_an_hour_clock_is_stated_as_hours_with_the_latest_day_it_can_end():
    dates = CaseDates(notice_date=D(2026, 11, 10), today=D(2026, 11, 12), expedited=True)
    decision = by_step(compute_deadlines(rules_for("employer-self-funded"), dates))["decision_expedited"]
    assert decision.hours == 72 and decision.due == D(2026, 11, 15)  # the same clock time, three days on
    assert decision.when == (
        "within 72 hours of the plan receiving the appeal: by November 15, 2026 at the latest if it arrives today"
    )
    # A clock that is not a whole number of days ends, at the latest, on the day rounding up gives
    # (25 hours from 23:30 on March 1 end at 00:30 on March 3); the rule in hours is always shown with it.
    assert add_period(D(2026, 3, 1), 25, "hours") == D(2026, 3, 3)


def test_g1_the_module_no_longer_claims_rounding_up_is_never_later():
    from appeals.catalog import deadlines

    assert "rounded up, so a date shown is\nnever later" not in deadlines.__doc__
    assert "72 hours from receipt is\n  the same clock time three days later" in deadlines.__doc__


# --- G2: the next level before and after the plan decides ------------------------------


@pytest.mark.parametrize("plan", [p["slug"] for p in PLAN_TYPES])
def test_g2_a_next_level_window_is_never_a_date_before_the_plan_decides(plan):
    for expedited in (False, True):
        dates = CaseDates(notice_date=D(2026, 11, 10), today=D(2026, 11, 12), expedited=expedited)
        for deadline in compute_deadlines(rules_for(plan), dates):
            if deadline.step in ("file_next_level", "next_level_decision_standard", "next_level_decision_expedited"):
                assert deadline.due is None and deadline.days_left is None
                assert deadline.status in ("after_decision", "plan", "automatic")
                assert not ANY_DATE.search(deadline.when)
                if deadline.status != "automatic":
                    assert deadline.when.startswith("within ")


def test_g2_the_windows_read_as_the_rules_do():
    dates = HAND_CHECK
    part_d = by_step(compute_deadlines(rules_for("medicare-part-d"), dates))["file_next_level"]
    assert part_d.when == "within 65 days of the date on the plan's decision on the appeal"
    assert part_d.advice.startswith("Write down the date on the plan's decision")
    aca = by_step(compute_deadlines([external_review_rule()], dates))["file_next_level"]
    assert aca.when == "within 4 months of receiving the plan's decision on the appeal"


def test_g2_once_the_plan_decides_the_next_level_is_dated_from_that_decision():
    # The review's example: the plan decides on 2026-11-20, well before its own deadline.
    dates = CaseDates(notice_date=D(2026, 11, 10), today=D(2026, 11, 21), appeal_decided_on=D(2026, 11, 20))
    result = by_step(compute_deadlines(rules_for("employer-self-funded"), dates))
    next_level = result["file_next_level"]
    # Four months from the decision is Saturday, March 20, 2027 (not 2027-04-12, counted from the plan's
    # latest permitted decision); DOL's external review rule moves that Saturday to Monday.
    assert next_level.due == D(2027, 3, 22) and not next_level.assumed_start
    assert next_level.when == "must be received by Monday, March 22, 2027"
    assert next_level.aim_by == D(2027, 3, 19)
    assert "November 20, 2026" in next_level.counted_from
    part_d = by_step(compute_deadlines(rules_for("medicare-part-d"), dates))["file_next_level"]
    assert part_d.due == D(2027, 1, 24)  # 65 days from the date on the redetermination notice


def test_g2_the_calendar_holds_no_estimated_or_unknown_date():
    from appeals.delivery.ready import deadlines_calendar

    deadlines = compute_deadlines(rules_for("medicare-part-d"), HAND_CHECK)
    events = list(Calendar.from_ical(deadlines_calendar(deadlines, uid_prefix="t")).walk("VEVENT"))
    # Only the filing deadline: the plan's decision counts from an assumed receipt "today",
    # and the next level from a decision not yet made.
    assert [str(event["SUMMARY"]) for event in events] == ["Appeal: File the appeal with the plan"]
    filing = events[0]
    assert filing.decoded("dtstart") == D(2027, 1, 8)  # the safe date, not the presumed-receipt date
    assert "must be received by this date" in str(filing["DESCRIPTION"])
    assert "January 14, 2027" in str(filing["DESCRIPTION"])


# --- D2 / G5: receipt, and the presumption of receipt --------------------------------


# Church plans and TRICARE are recognised but carry no rules the letter can cite.
@pytest.mark.parametrize("plan", [p["slug"] for p in PLAN_TYPES if p["rules"]])
def test_d2_a_filing_deadline_says_it_must_be_received(plan):
    filing = by_step(compute_deadlines(rules_for(plan), HAND_CHECK))["file_appeal"]
    assert filing.is_filing and filing.when.startswith("must be received by ")


def test_d2_part_d_shows_the_safe_60_day_date_with_the_65_day_legal_date():
    filing = by_step(compute_deadlines(rules_for("medicare-part-d"), HAND_CHECK))["file_appeal"]
    assert filing.due == D(2027, 1, 14)  # 42 CFR 423.582(b): 60 days after receipt presumed on 11/15
    # 60 days from the date on the notice is Saturday January 9: to arrive, Friday January 8.
    assert filing.aim_by == D(2027, 1, 8) and filing.target == D(2027, 1, 8)
    assert filing.when == "must be received by Thursday, January 14, 2027"
    (note,) = filing.notes
    assert "5 days after its date" in note and "can dispute" in note and "Friday, January 8, 2027" in note


def test_d2_a_known_receipt_date_is_the_start_and_needs_no_safe_date_for_the_presumption():
    dates = CaseDates(notice_date=D(2026, 11, 10), today=D(2026, 11, 18), notice_received_on=D(2026, 11, 17))
    filing = by_step(compute_deadlines(rules_for("medicare-part-d"), dates))["file_appeal"]
    assert filing.due == D(2027, 1, 16)  # the hand check's known-receipt case
    # Only the weekend remains to warn about (January 16, 2027 is a Saturday).
    assert filing.aim_by == D(2027, 1, 15) and "Saturday" in filing.notes[0] and "dispute" not in filing.notes[0]


def test_g5_with_no_presumption_the_count_from_the_printed_date_has_no_presumption_warning():
    dates = CaseDates(notice_date=D(2026, 11, 8), today=D(2026, 11, 12))  # 180 days on: Friday 2027-05-07
    filing = by_step(compute_deadlines(rules_for("employer-self-funded"), dates))["file_appeal"]
    assert filing.due == D(2027, 5, 7) and filing.aim_by is None and filing.notes == ()
    assert "counted from its date to be safe" in filing.counted_from


def test_g5_the_receipt_help_text_says_what_the_presumption_does():
    from appeals.intake.forms import PlanForm

    help_text = PlanForm.base_fields["notice_received_on"].help_text
    assert "never later than the real deadline" not in help_text and "5 days after the printed date" in help_text


def test_d2_after_the_safe_date_the_advice_is_to_send_today_with_proof_of_arrival():
    dates = CaseDates(notice_date=D(2026, 11, 10), today=D(2027, 1, 11))  # after Jan 8, before Jan 14
    filing = by_step(compute_deadlines(rules_for("medicare-part-d"), dates))["file_appeal"]
    assert filing.status == "near" and filing.is_warning
    assert "safe date has passed" in filing.advice and "Thursday, January 14, 2027" in filing.advice
    passed = by_step(compute_deadlines(rules_for("medicare-part-d"), CaseDates(D(2026, 11, 10), D(2027, 1, 15))))
    assert passed["file_appeal"].status == "passed"


# --- G4: weekends and federal holidays -----------------------------------------------


def test_g4_a_deadline_on_a_saturday_is_flagged_and_not_moved():
    filing = by_step(compute_deadlines(rules_for("medicare-advantage"), HAND_CHECK))["file_appeal"]
    assert filing.due == D(2027, 1, 9) and filing.aim_by == D(2027, 1, 8)
    assert filing.notes == (
        "January 9, 2027 is a Saturday; do not count on the deadline moving to the next business day: make sure it "
        "arrives by Friday, January 8, 2027.",
    )


def test_g4_a_deadline_on_a_federal_holiday_is_flagged_and_not_moved():
    # 60 days from 2026-11-19 is Monday 2027-01-18, Martin Luther King Jr. Day.
    dates = CaseDates(notice_date=D(2026, 11, 19), today=D(2026, 11, 20))
    filing = by_step(compute_deadlines(rules_for("medicaid-managed-care"), dates))["file_appeal"]
    assert filing.due == D(2027, 1, 18) and filing.aim_by == D(2027, 1, 15)
    assert "a federal holiday (Martin Luther King Jr. Day)" in filing.notes[0]


def test_g4_business_days_come_from_the_holidays_package():
    assert holiday_name(D(2027, 7, 5)) == "Independence Day (observed)"
    assert not is_business_day(D(2027, 7, 5)) and not is_business_day(D(2027, 7, 3))
    assert is_business_day(D(2027, 7, 6))
    assert business_day_on_or_before(D(2027, 7, 5)) == D(2027, 7, 2)
    # Extending a last day, only the holidays of 5 U.S.C. 6103(a) count, not the observed days off.
    assert business_day_on_or_after(D(2027, 7, 3)) == D(2027, 7, 5)
    assert business_day_on_or_after(D(2027, 1, 18)) == D(2027, 1, 19)  # Martin Luther King Jr. Day


def test_g4_the_plans_own_deadline_is_not_given_a_filing_warning():
    dates = CaseDates(notice_date=D(2026, 11, 10), today=D(2026, 12, 10))  # decision due Saturday 2027-01-09
    decision = by_step(compute_deadlines(rules_for("medicaid-managed-care"), dates))["decision_standard"]
    assert decision.due == D(2027, 1, 9) and decision.notes == () and decision.aim_by is None


# --- A4: the 4-month external-review count -------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2026, 10, 28), D(2027, 2, 28)),  # a matching day
        (D(2026, 10, 30), D(2027, 3, 1)),  # no February 30: the first day of the fifth month
        (D(2026, 10, 31), D(2027, 3, 1)),
        (D(2027, 10, 31), D(2028, 3, 1)),  # 2028 has a February 29, but no February 31
        (D(2027, 10, 29), D(2028, 2, 29)),
    ],
)
def test_a4_month_count_of_147_136_d_2_i(start, expected):
    assert add_period(start, 4, "months", month_end_extends=True) == expected
    # Without the rule's extension the month end is clamped, which is never later.
    assert add_period(start, 4, "months") <= expected


def test_a4_the_legal_date_is_computed_and_the_earlier_safe_date_shown():
    def next_level(decided_on, **changes):
        dates = CaseDates(notice_date=D(2026, 9, 1), today=decided_on, appeal_decided_on=decided_on)
        return by_step(compute_deadlines([external_review_rule(**changes)], dates))["file_next_level"]

    # October 31 + 4 months: no February 31, so March 1 (a Monday); aim for Friday February 26.
    month_end = next_level(D(2026, 10, 31))
    assert month_end.due == D(2027, 3, 1) and month_end.aim_by == D(2027, 2, 26)
    assert "extends the last day to Monday, March 1, 2027" in month_end.notes[0]
    # A Saturday rolls forward to Monday under this rule only.
    weekend = next_level(D(2026, 11, 20))
    assert weekend.due == D(2027, 3, 22) and weekend.aim_by == D(2027, 3, 19)
    # A federal holiday too: May 31, 2027 is Memorial Day.
    holiday = next_level(D(2027, 1, 31))
    assert holiday.due == D(2027, 6, 1) and holiday.aim_by == D(2027, 5, 28)
    # An observed day off (Monday July 5, 2027, for Independence Day on a Sunday) is not a holiday
    # of 5 U.S.C. 6103(a): the last day is not extended past it, and it is flagged.
    observed = next_level(D(2027, 3, 5))
    assert observed.due == D(2027, 7, 5) and observed.aim_by == D(2027, 7, 2)
    assert "Independence Day (observed)" in observed.notes[0] and "may not extend" in observed.notes[0]
    # A rule without the extension keeps the clamped date and only warns.
    plain = next_level(D(2026, 10, 31), rolls_forward=False)
    assert plain.due == D(2027, 2, 28) and plain.aim_by == D(2027, 2, 26)
    assert "do not count on the deadline moving" in plain.notes[0]
    # Counted from the date on the decision; the rule counts from its receipt, which is later.
    assert "counts from the day you receive it" in month_end.counted_from
    assert month_end.due <= add_period(D(2026, 11, 3), 4, "months", month_end_extends=True)


def test_a4_only_the_federal_external_review_of_self_funded_plans_rolls_forward_in_the_shipped_rules():
    rolling = {
        (entry["slug"], stage, rule["step"]): rule["citation"]
        for entry in PLAN_TYPES
        for stage, content in entry["stages"].items()
        for rule in content["rules"]
        if rule.get("rolls_forward")
    }
    # DOL's process extends the last day in its own text; a state's process (insured plans) is the
    # state's law, which the catalog does not hold, so those rules warn instead of moving the date.
    assert rolling == {
        ("employer-self-funded", "first_denial", "file_next_level"): "29 CFR 2590.715-2719(d)(2)(i)",
        ("employer-self-funded", "appeal_denied", "file_next_level"): "29 CFR 2590.715-2719(d)(2)(i)",
        ("employer-self-funded", "final_internal_denial", "file_appeal"): "29 CFR 2590.715-2719(d)(2)(i)",
    }


def stage_rules(slug: str, stage: str) -> list[SimpleNamespace]:
    entry = next(plan for plan in PLAN_TYPES if plan["slug"] == slug)
    defaults = {"amount": None, "unit": "days", "receipt_presumption_days": None, "automatic": False, "explanation": ""}
    return [SimpleNamespace(**{**defaults, **rule}) for rule in entry["stages"][stage]["rules"]]


def test_a4_a_self_funded_external_review_request_due_on_a_saturday_may_arrive_on_monday():
    # Four months from September 9, 2026 is Saturday, January 9, 2027.
    dates = CaseDates(notice_date=D(2026, 9, 9), today=D(2026, 9, 10))
    federal = by_step(compute_deadlines(stage_rules("employer-self-funded", "final_internal_denial"), dates))
    assert federal["file_appeal"].due == D(2027, 1, 11) and federal["file_appeal"].aim_by == D(2027, 1, 8)
    assert "extends the last day to Monday, January 11, 2027" in federal["file_appeal"].notes[0]
    # The state process of an insured plan: the date stays, flagged, with no claim about what the state's law says.
    state = by_step(compute_deadlines(stage_rules("employer-fully-insured", "final_internal_denial"), dates))
    assert state["file_appeal"].due == D(2027, 1, 9) and state["file_appeal"].aim_by == D(2027, 1, 8)
    assert state["file_appeal"].notes == (
        "January 9, 2027 is a Saturday; do not count on the deadline moving to the next business day: make sure it "
        "arrives by Friday, January 8, 2027.",
    )
