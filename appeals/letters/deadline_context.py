"""The deadlines as a letter and its packet see them.

The letter goes to the plan, so it states only the plan's own time limit for
deciding this appeal, with its rule.  The person's own future deadlines (when
to ask for the next level, and so on) belong on the pages the person keeps:
the packet's "before sending" page, the status page and the calendar file.
"""

from __future__ import annotations

from appeals.catalog.deadlines import PLAN_DECISION_STEPS, Deadline


def _row(deadline: Deadline) -> dict:
    return {
        "step": deadline.step,
        "label": deadline.label,
        "due": deadline.due,  # None while the start is not known: then only ``when`` says it
        "aim_by": deadline.aim_by,
        "when": deadline.when,
        "window": deadline.window,
        "notes": list(deadline.notes),
        "citation": deadline.citation,
        "status": deadline.status,
        "is_filing": deadline.is_filing,
    }


def deadline_context(deadlines: list[Deadline], *, plan_type_known: bool) -> dict:
    """``plan_type_known``: False when the person chose "Not sure"; the deadlines are then
    another plan type's (the one whose window closes first), safe for the person to plan by
    but not a rule to state to the plan, so the letter states none."""
    rows = [_row(deadline) for deadline in deadlines]
    plan_rows = [row for row in rows if row["step"] in PLAN_DECISION_STEPS] if plan_type_known else []
    return {
        "plan_deadlines": plan_rows,
        # Letter bodies saved before the split name the plan's deadlines "deadlines"; they too
        # must never put the person's own deadlines in a letter to the plan.
        "deadlines": plan_rows,
        "patient_deadlines": rows,
    }
