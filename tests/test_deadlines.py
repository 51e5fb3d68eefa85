"""Appeal deadlines computed from the demo plan types' rules (no database)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appeals.catalog.deadlines import CaseDates, add_period, compute_deadlines
from appeals.demo.plan_types import PLAN_TYPES

D = datetime.date
# Church plans and TRICARE carry no rules: the product does not hold their law.
PLAN_TYPES_WITH_RULES = [plan["slug"] for plan in PLAN_TYPES if plan["rules"]]


def rules_for(slug: str) -> list[SimpleNamespace]:
    entry = next(plan for plan in PLAN_TYPES if plan["slug"] == slug)
    defaults = {"amount": None, "unit": "days", "receipt_presumption_days": None, "automatic": False, "explanation": ""}
    return [SimpleNamespace(**{**defaults, **rule}) for rule in entry["rules"]]


def by_step(deadlines):
    return {deadline.step: deadline for deadline in deadlines}


def test_employer_plan_standard_appeal():
    dates = CaseDates(notice_date=D(2026, 3, 3), today=D(2026, 3, 10))
    result = by_step(compute_deadlines(rules_for("employer-self-funded"), dates))
    assert list(result) == ["file_appeal", "decision_standard", "file_next_level", "next_level_decision_standard"]
    filing = result["file_appeal"]
    assert filing.due == D(2026, 8, 30)  # 180 days, counted from the notice date to be safe
    assert filing.status == "open" and filing.days_left == 173
    assert filing.citation == "29 CFR 2560.503-1(h)(3)(i)"
    assert "counted from its date to be safe" in filing.counted_from
    decision = result["decision_standard"]
    assert decision.due == D(2026, 4, 9) and decision.assumed_start and decision.status == "plan"
    # The next level counts from the plan's decision, which is not known yet: no date, only the window.
    assert result["file_next_level"].due is None and result["file_next_level"].status == "after_decision"
    # DOL's external review rule counts from receipt of the decision (29 CFR 2590.715-2719(d)(2)(i)).
    assert result["file_next_level"].when == "within 4 months of receiving the plan's decision on the appeal"
    # The next level decides after it receives a request, which follows the plan's decision.
    assert result["next_level_decision_standard"].due is None
    assert result["next_level_decision_standard"].when == "within 45 days of the reviewer receiving the request"


def test_expedited_appeal_uses_the_hour_based_steps():
    dates = CaseDates(notice_date=D(2026, 3, 3), today=D(2026, 3, 4), expedited=True)
    result = by_step(compute_deadlines(rules_for("aca-individual"), dates))
    assert "decision_standard" not in result
    assert result["decision_expedited"].due == D(2026, 3, 7)  # 72 hours from today
    # The external reviewer's clock is the state's (or the federal process's): no federal paragraph is cited for it.
    assert "next_level_decision_expedited" not in result
    assert "expedited review" not in result["file_appeal"].advice


def test_part_d_presumes_receipt_five_days_after_the_notice():
    dates = CaseDates(notice_date=D(2026, 1, 10), today=D(2026, 1, 12))
    filing = by_step(compute_deadlines(rules_for("medicare-part-d"), dates))["file_appeal"]
    assert filing.due == D(2026, 3, 16)  # (Jan 10 + 5) + 60 days
    assert "presumed 5 days" in filing.counted_from


def test_a_known_receipt_date_replaces_the_presumption():
    dates = CaseDates(notice_date=D(2026, 1, 10), today=D(2026, 1, 12), notice_received_on=D(2026, 1, 20))
    filing = by_step(compute_deadlines(rules_for("medicare-part-d"), dates))["file_appeal"]
    assert filing.due == D(2026, 3, 21) and "you received the notice (January 20, 2026)" in filing.counted_from


def test_medicare_advantage_forwards_automatically():
    dates = CaseDates(notice_date=D(2026, 6, 1), today=D(2026, 6, 2))
    result = by_step(compute_deadlines(rules_for("medicare-advantage"), dates))
    assert result["file_next_level"].status == "automatic" and result["file_next_level"].due is None
    assert "Nothing to file" in result["file_next_level"].advice


def test_fehb_counts_months_from_the_notice_date():
    dates = CaseDates(notice_date=D(2026, 8, 31), today=D(2026, 9, 1))
    assert by_step(compute_deadlines(rules_for("fehb"), dates))["file_appeal"].due == D(2027, 2, 28)


def test_a_window_about_to_close_is_near_with_advice():
    dates = CaseDates(notice_date=D(2026, 1, 1), today=D(2026, 2, 20))
    filing = by_step(compute_deadlines(rules_for("medicaid-managed-care"), dates))["file_appeal"]
    assert filing.due == D(2026, 3, 2) and filing.status == "near" and filing.days_left == 10
    assert filing.advice.startswith("File within 10 days.") and "expedited review" in filing.advice
    last_day = CaseDates(notice_date=D(2026, 1, 1), today=D(2026, 3, 2))
    assert by_step(compute_deadlines(rules_for("medicaid-managed-care"), last_day))["file_appeal"].advice.startswith(
        "File today."
    )


def test_a_passed_window_says_what_can_still_be_done():
    dates = CaseDates(notice_date=D(2025, 1, 1), today=D(2026, 1, 1))
    filing = by_step(compute_deadlines(rules_for("medicaid-managed-care"), dates))["file_appeal"]
    assert filing.status == "passed" and filing.is_warning and filing.days_left < 0
    assert "new coverage request" in filing.advice and "late" in filing.advice


def test_known_filing_and_decision_dates_replace_estimates():
    dates = CaseDates(
        notice_date=D(2026, 1, 5),
        today=D(2026, 3, 1),
        appeal_filed_on=D(2026, 1, 20),
        appeal_decided_on=D(2026, 2, 10),
    )
    result = by_step(compute_deadlines(rules_for("employer-fully-insured"), dates))
    assert result["decision_standard"].due == D(2026, 2, 19) and not result["decision_standard"].assumed_start
    assert result["file_next_level"].due == D(2026, 6, 10) and not result["file_next_level"].assumed_start


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        (D(2026, 1, 31), 1, "months", D(2026, 2, 28)),
        (D(2027, 10, 31), 4, "months", D(2028, 2, 29)),
        (D(2026, 12, 30), 3, "days", D(2027, 1, 2)),
        (D(2026, 3, 1), 72, "hours", D(2026, 3, 4)),
        # The calendar day a clock started on March 1 ends on at the latest (started at 23:30, it ends March 3).
        (D(2026, 3, 1), 25, "hours", D(2026, 3, 3)),
    ],
)
def test_add_period(start, amount, unit, expected):
    assert add_period(start, amount, unit) == expected


def test_unknown_unit_is_an_error():
    with pytest.raises(ValueError):
        add_period(D(2026, 1, 1), 1, "weeks")


@given(
    plan=st.sampled_from(PLAN_TYPES_WITH_RULES),
    notice=st.dates(D(2020, 1, 1), D(2030, 12, 31)),
    offset=st.integers(-30, 400),
    expedited=st.booleans(),
)
def test_every_dated_deadline_falls_after_its_start(plan, notice, offset, expedited):
    today = notice + datetime.timedelta(days=offset)
    deadlines = compute_deadlines(rules_for(plan), CaseDates(notice_date=notice, today=today, expedited=expedited))
    assert deadlines and deadlines[0].step == "file_appeal"
    for deadline in deadlines:
        if deadline.due is not None:
            assert deadline.due > min(notice, today)
            assert deadline.days_left == (deadline.due - today).days
        if deadline.status == "passed":
            assert deadline.advice


# Notice dated 2028-02-29 (a leap day), appeal not yet filed, today 2028-03-01.  The next level
# counts from the plan's decision, which has not come: it has a window, never a date.
@pytest.mark.parametrize(
    ("plan", "filing_due", "decision_due", "next_step_due"),
    [
        ("employer-self-funded", D(2028, 8, 27), D(2028, 3, 31), None),  # 180 d; 30 d; 4 months of the decision
        ("employer-fully-insured", D(2028, 8, 27), D(2028, 3, 31), None),
        ("aca-individual", D(2028, 8, 27), D(2028, 3, 31), None),
        ("medicare-part-d", D(2028, 5, 4), D(2028, 3, 8), None),  # 65 d from the notice; 7 d; 65 d of the decision
        ("medicare-advantage", D(2028, 4, 29), D(2028, 3, 8), None),  # 60 d; 7 d; automatic
        ("medicaid-managed-care", D(2028, 4, 29), D(2028, 3, 31), None),  # 60 d; 30 d; the hearing window
        ("fehb", D(2028, 8, 29), D(2028, 3, 31), None),  # 6 months; 30 d; 90 d of the decision
    ],
)
def test_each_plan_types_standard_deadlines(plan, filing_due, decision_due, next_step_due):
    dates = CaseDates(notice_date=D(2028, 2, 29), today=D(2028, 3, 1))
    result = by_step(compute_deadlines(rules_for(plan), dates))
    assert result["file_appeal"].due == filing_due
    assert result["decision_standard"].due == decision_due
    assert result["file_next_level"].due == next_step_due
    assert result["file_next_level"].when.startswith("within ") or result["file_next_level"].status == "automatic"
    assert all(deadline.citation for deadline in result.values())


# Original Medicare decides claims, which have no expedited redetermination.
@pytest.mark.parametrize("plan", [slug for slug in PLAN_TYPES_WITH_RULES if slug != "original-medicare-part-b"])
def test_each_plan_type_decides_an_expedited_appeal_in_72_hours(plan):
    dates = CaseDates(notice_date=D(2026, 12, 30), today=D(2026, 12, 30), expedited=True)
    assert by_step(compute_deadlines(rules_for(plan), dates))["decision_expedited"].due == D(2027, 1, 2)
