"""The deadlines as a letter and its packet see them.

The letter goes to the plan, so it states only the plan's own time limit for
deciding this appeal, with its rule.  The person's own future deadlines (when
to ask for the next level, and so on) belong on the pages the person keeps:
the packet's "before sending" page, the status page and the calendar file.
"""

from __future__ import annotations

from django.utils.text import capfirst

from appeals.catalog.deadlines import DECISION_EXPEDITED, PLAN_DECISION_STEPS, Deadline

PLAN_RECEIVES = "the plan receiving the appeal"


def _row(deadline: Deadline, decided_by: str = "", noun: str = "appeal") -> dict:
    label, when, window = deadline.label, deadline.when, deadline.window
    if deadline.step in PLAN_DECISION_STEPS and (decided_by or noun != "appeal"):
        # The request goes to an outside reviewer (an IRE, OPM, a hearing office): the clock is
        # that reviewer's, and the letter must not call it the plan's.  A first request for
        # coverage is not an appeal either.
        receives = f"{decided_by or 'the plan'} receiving the {noun}"
        if decided_by:
            expedited = " (expedited)" if deadline.step == DECISION_EXPEDITED else ""
            label = f"{capfirst(decided_by)} must decide{expedited}"
        when, window = when.replace(PLAN_RECEIVES, receives), window.replace(PLAN_RECEIVES, receives)
    return {
        "step": deadline.step,
        "label": label,
        "due": deadline.due,  # None while the start is not known: then only ``when`` says it
        "aim_by": deadline.aim_by,
        "when": when,
        "window": window,
        "notes": list(deadline.notes),
        "citation": deadline.citation,
        "status": deadline.status,
        "is_filing": deadline.is_filing,
    }


def deadline_context(deadlines: list[Deadline], *, plan_type_known: bool, decided_by: str = "", noun: str = "appeal") -> dict:
    """``plan_type_known``: False when the person chose "Not sure"; the deadlines are then
    another plan type's (the one whose window closes first), safe for the person to plan by
    but not a rule to state to the plan, so the letter states none.  ``decided_by``: who
    decides when it is not the plan (the request goes to an outside reviewer); ``noun``:
    "appeal", or "request" before any written decision."""
    rows = [_row(deadline, decided_by, noun) for deadline in deadlines]
    plan_rows = [row for row in rows if row["step"] in PLAN_DECISION_STEPS] if plan_type_known else []
    return {
        "plan_deadlines": plan_rows,
        # Letter bodies saved before the split name the plan's deadlines "deadlines"; they too
        # must never put the person's own deadlines in a letter to the plan.
        "deadlines": plan_rows,
        "patient_deadlines": rows,
    }
