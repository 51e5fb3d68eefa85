"""What the letter requests, and under which law: the ``instrument`` key of a
letter's context.

The request depends on the plan type and on where the person is (a pharmacy
rejection is not yet a denial; a denied appeal goes to an outside reviewer),
so it comes from the catalog's AppealInstrument row for that plan type and
stage (``appeals.catalog.plan_rules``).  When the plan type is unknown, or is
coverage whose law the product does not hold, the letter makes a plain
request with no citation, states no governing law and lists no rights: it says
less rather than borrow another program's rules.
"""

from __future__ import annotations

import datetime

from appeals.catalog.deadlines import FILE_NEXT_LEVEL
from appeals.catalog.models import AppealInstrument, AppealStage, DenialType, PlanType
from appeals.catalog.plan_rules import instrument_for, rules_for
from appeals.intake.answers import CaseAnswers

# The stages at which the plan itself reviews its own decision: the plan type's
# appeal rights (documents, a new reviewer, a specialist) are owed then.  A
# first coverage request and a review outside the plan make no such claims.
STAGES_WITH_APPEAL_RIGHTS = (AppealStage.FIRST_DENIAL, AppealStage.APPEAL_DENIED)

# Titles for a request the catalog cannot name (unknown or unsupported coverage): no program's words.
PLAIN_TITLES = {
    AppealStage.PHARMACY_REJECTION: "Request for coverage",
    AppealStage.FIRST_DENIAL: "Appeal of a coverage denial",
    AppealStage.APPEAL_DENIED: "Further appeal of a coverage denial",
    AppealStage.FINAL_INTERNAL_DENIAL: "Request for review of a coverage denial",
}


def _long(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _subject(drug_name: str, denial_type: DenialType, notice_date, reviews_decision: bool) -> str:
    """What the request is about, e.g. 'the decision dated March 3, 2026 that denied Saphnelo for failing step therapy'."""
    if reviews_decision:
        dated = f" dated {_long(notice_date)}" if isinstance(notice_date, datetime.date) else ""
        return f"the decision{dated} that denied {drug_name} {denial_type.title_phrase}"
    return f"{drug_name}, which was refused {denial_type.title_phrase}"


def _reviews_its_own_decision(instrument: AppealInstrument | None, stage: str) -> bool:
    """Whether this request goes back to whoever made the decision, which is who owes the plan
    type's appeal rights: the plan at its own appeal levels, or, where there is no plan (Original
    Medicare), the Medicare contractor at its redetermination.  A request to an outside reviewer
    (an IRE, a QIC, a state office, OPM) asserts none of them."""
    if stage not in STAGES_WITH_APPEAL_RIGHTS:
        return False
    if instrument is None or instrument.addressed_to_plan:
        return True
    return not instrument.copy_to_plan and stage == AppealStage.FIRST_DENIAL


def outside_decider(request: dict) -> bool:
    """Whether someone other than the plan decides the request (``request`` is the
    ``instrument`` dict below): one sent to an outside reviewer, or the external review
    after a final internal denial, which some programs have filed with the plan."""
    return bool(request["decided_by"]) and (
        not request["addressed_to_plan"] or request["stage"] == AppealStage.FINAL_INTERNAL_DENIAL
    )


def instrument_context(*, answers: CaseAnswers, plan_type: PlanType | None, drug_name: str, denial_type: DenialType) -> dict:
    plan = answers.plan
    stage = plan.appeal_stage
    cites_law = bool(plan_type is not None and plan_type.letter_cites_law)
    instrument: AppealInstrument | None = instrument_for(plan_type, stage) if cites_law else None
    reviews_decision = instrument.reviews_decision if instrument else stage != AppealStage.PHARMACY_REJECTION
    subject = _subject(drug_name, denial_type, plan.notice_date, reviews_decision)
    if instrument is not None and instrument.request:
        opening = f"I request {instrument.request}, concerning {subject}."
        title = instrument.title
    elif reviews_decision:
        opening = f"I ask you to review {subject}."
        title = PLAIN_TITLES[stage]
    else:
        opening = f"I ask you to cover {subject}."
        title = PLAIN_TITLES[stage]
    law = instrument.law if instrument is not None else ""
    to_plan = instrument.addressed_to_plan if instrument else True
    rights = plan_type.rights() if cites_law and _reviews_its_own_decision(instrument, stage) else []
    next_level = plan_type.next_level if cites_law and stage == AppealStage.FIRST_DENIAL else ""
    automatic = None
    if next_level:
        automatic = next((r for r in rules_for(plan_type, stage) if r.step == FILE_NEXT_LEVEL and r.automatic), None)
    return {
        "instrument": {
            "stage": stage,
            "title": title,
            "opening": opening,
            "law_sentence": f"This request is made under {law}." if law else "",
            "reviews_decision": reviews_decision,
            # What the letter calls itself: a first request for coverage is not yet an appeal.
            "noun": "appeal" if reviews_decision else "request",
            "decided_by": instrument.decided_by if instrument else "",
            "addressed_to_plan": to_plan,
            "send_to": instrument.send_to if instrument else "",
            # Original Medicare has no plan to copy: the Medicare contractor decided the claim.
            "copy_to_plan": not to_plan and (instrument.copy_to_plan if instrument else True),
            "rights": rights,
            # A copy of the case file is asked for, not claimed as a right, where no cited right covers it.
            "ask_case_file": bool(rights)
            and not any("cop" in r["text"].lower() or "case file" in r["text"].lower() for r in rights),
            # Who decides after this request, only where the request is the plan's first appeal.
            "next_level": next_level,
            # Where the plan must send the case on by itself (Medicare Advantage), the rule that says so:
            # the letter then does not say the patient will ask.
            "next_level_automatic_citation": automatic.citation if automatic else "",
            "cites_law": cites_law,
        }
    }
