"""The plan types, their stages and the appeal rules of each, from
domain-facts.md §1 and the law review, each clock checked against the
primary text where it could be found (the citation and verification travel
with the rule; "S" means only a secondary or agency source was found).

Staff can correct every value in admin; this is only the starting data, and
migration 0019 brings existing databases up to it without overwriting what
staff changed.

A plan type has one set of rules per stage (``appeals.catalog.models.
AppealStage``): ``file_appeal`` is what the person files now and its window,
``decision_*`` the clock of whoever decides that request, ``file_next_level``
and ``next_level_decision_*`` the level after it.  A stage where nothing has a
fixed federal window simply has no ``file_appeal`` rule: the letter and the
wizard then say less rather than guess.

Where a rule counts from *receipt* of a notice and the regulation sets no
presumption, the deadline is counted from the notice date, which is never
later than the real one.

Primary texts read (stored copies): law.lawstack.com eCFR copies of 42 CFR
405.942, 405.962, 405.1002 and 423.582 ("verified against eCFR.gov as of June
20, 2026"); the AlextheYounga/ecfr mirror of 42 CFR 422.582, 422.584,
423.568, 423.578 and 423.580; lexbuild.dev 42 CFR 422.578; revassurance.com
29 CFR 2560.503-1(f)(2)(iii)(A).  Not retrieved as primary text (marked S):
42 CFR 423.572, 438.408(f)(2), 45 CFR 156.122(c), 29 CFR 2590.715-2719(d).
"""

from __future__ import annotations

FIRST_DENIAL = "first_denial"
PHARMACY_REJECTION = "pharmacy_rejection"
APPEAL_DENIED = "appeal_denied"
FINAL_INTERNAL_DENIAL = "final_internal_denial"
STAGES = (PHARMACY_REJECTION, FIRST_DENIAL, APPEAL_DENIED, FINAL_INTERNAL_DENIAL)


def _rule(step, amount, unit, counted_from, citation, verification, explanation, *, presumption=0, automatic=False, rolls=False):
    rule = {
        "step": step,
        "amount": amount,
        "unit": unit,
        "counted_from": counted_from,
        "citation": citation,
        "verification": verification,
        "explanation": explanation,
    }
    if presumption:
        rule["receipt_presumption_days"] = presumption
    if automatic:
        rule["automatic"] = True
    if rolls:
        rule["rolls_forward"] = True
    return rule


def _instrument(
    title,
    request,
    decided_by,
    law,
    person_note,
    *,
    reviews_decision=True,
    to_plan=True,
    send_to="",
    copy_to_plan=True,
    verification="V",
):
    return {
        "title": title,
        "request": request,
        "reviews_decision": reviews_decision,
        "decided_by": decided_by,
        "addressed_to_plan": to_plan,
        "send_to": send_to,
        "copy_to_plan": copy_to_plan,
        "law": law,
        "person_note": person_note,
        "verification": verification,
    }


# --- Employer plans under ERISA, and the claims rules other group plans borrow (29 CFR 2560.503-1) ---

_ERISA_INITIAL_CLAIM = [
    _rule(
        "decision_standard",
        15,
        "days",
        "appeal_received",
        "29 CFR 2560.503-1(f)(2)(iii)(A)",
        "V",
        "A pre-service claim (prior authorization or exception) is decided within 15 days of receipt; the plan may "
        "extend once by 15 days with notice.",
    ),
    _rule(
        "decision_expedited",
        72,
        "hours",
        "appeal_received",
        "29 CFR 2560.503-1(f)(2)(i)",
        "V",
        "An urgent-care claim is decided within 72 hours of receipt.",
    ),
]
_ERISA_APPEAL = [
    _rule(
        "file_appeal",
        180,
        "days",
        "notice_receipt",
        "29 CFR 2560.503-1(h)(3)(i)",
        "V",
        "At least 180 days after you receive the denial. Counted here from the date on the notice, to be safe.",
    ),
    _rule(
        "decision_standard",
        30,
        "days",
        "appeal_received",
        "29 CFR 2560.503-1(i)(2)(ii)",
        "V",
        "Pre-service appeal with one level; a plan with two levels has 15 days for each. (A claim for a drug already "
        "given and billed is post-service: 60 days, or 30 for each of two levels, under (i)(2)(iii).)",
    ),
    _rule(
        "decision_expedited",
        72,
        "hours",
        "appeal_received",
        "29 CFR 2560.503-1(i)(2)(i)",
        "V",
        "Urgent care: a claim the treating physician says is urgent must be treated as urgent (2560.503-1(m)(1)(ii)). "
        "Not available for a drug already given and billed.",
    ),
]
# The internal appeal as the level after a first request (counted from that decision).
_ERISA_APPEAL_AS_NEXT = [
    _rule(
        "file_next_level",
        180,
        "days",
        "appeal_decision",
        "29 CFR 2560.503-1(h)(3)(i)",
        "V",
        "If the plan denies the request in writing, appeal within 180 days of receiving the denial.",
    ),
    _rule(
        "next_level_decision_standard",
        30,
        "days",
        "appeal_received",
        "29 CFR 2560.503-1(i)(2)(ii)",
        "V",
        "Pre-service appeal with one level (15 days for each of two levels).",
    ),
    _rule(
        "next_level_decision_expedited",
        72,
        "hours",
        "appeal_received",
        "29 CFR 2560.503-1(i)(2)(i)",
        "V",
        "Urgent-care appeal.",
    ),
]
_ERISA_SECOND_LEVEL = [
    _rule(
        "decision_standard",
        15,
        "days",
        "appeal_received",
        "29 CFR 2560.503-1(i)(2)(ii)",
        "V",
        "A plan with two levels of pre-service appeal decides each within 15 days.",
    ),
    _rule(
        "decision_expedited",
        72,
        "hours",
        "appeal_received",
        "29 CFR 2560.503-1(i)(2)(i)",
        "V",
        "Urgent-care appeal: 72 hours for the whole review.",
    ),
]

# Federal external review for self-funded ERISA plans: the Department of Labor's rule, not HHS's.
_DOL_EXTERNAL_WHEN = (
    "Federal external review is open to plans that are not grandfathered, for denials that turn on medical "
    "judgment (medical necessity, step therapy, experimental status) and rescissions."
)
_DOL_EXTERNAL_DECISION = [
    _rule(
        "decision_standard",
        45,
        "days",
        "appeal_received",
        "29 CFR 2590.715-2719(d)(2)(iii)(B)(6)",
        "S",
        "The independent review organization decides within 45 days of receiving the request.",
    ),
    _rule(
        "decision_expedited",
        72,
        "hours",
        "appeal_received",
        "29 CFR 2590.715-2719(d)(3)(iv)",
        "S",
        "Expedited external review: 72 hours. It may be asked for at the same time as an urgent internal appeal.",
    ),
]
_DOL_EXTERNAL_AS_NEXT = [
    _rule(
        "file_next_level",
        4,
        "months",
        "appeal_decision",
        "29 CFR 2590.715-2719(d)(2)(i)",
        "S",
        "Within 4 months of receiving the final internal denial. " + _DOL_EXTERNAL_WHEN,
        rolls=True,
    ),
    _rule(
        "next_level_decision_standard",
        45,
        "days",
        "appeal_received",
        "29 CFR 2590.715-2719(d)(2)(iii)(B)(6)",
        "S",
        "The independent review organization decides within 45 days of receiving the request.",
    ),
    _rule(
        "next_level_decision_expedited",
        72,
        "hours",
        "appeal_received",
        "29 CFR 2590.715-2719(d)(3)(iv)",
        "S",
        "Expedited external review.",
    ),
]
_DOL_EXTERNAL_FILE = _rule(
    "file_appeal",
    4,
    "months",
    "notice_receipt",
    "29 CFR 2590.715-2719(d)(2)(i)",
    "S",
    "Within 4 months of receiving the final internal denial (counted here from the date on the notice, to be "
    "safe), filed with the plan. " + _DOL_EXTERNAL_WHEN,
    rolls=True,
)

# State external review (insured plans): the state statute sets the clocks; federal law sets the 4-month floor.
_STATE_EXTERNAL_NOTE = (
    "The state's external review law sets the reviewer's time limits; federal law only requires the state to allow "
    "at least 4 months to ask."
)
_STATE_EXTERNAL_AS_NEXT = [
    _rule(
        "file_next_level",
        4,
        "months",
        "appeal_decision",
        "45 CFR 147.136(c)(2)(vi)",
        "V",
        "State external review processes must allow at least 4 months after the final internal denial; the state "
        "law may allow longer.",
    ),
]
_STATE_EXTERNAL_FILE = _rule(
    "file_appeal",
    4,
    "months",
    "notice_receipt",
    "45 CFR 147.136(c)(2)(vi)",
    "V",
    "At least 4 months after receiving the final internal denial; the state's law may allow longer. Counted here "
    "from the date on the notice, to be safe. " + _STATE_EXTERNAL_NOTE,
)
# Individual coverage and public-employer plans: the state process, or the federal one where the state has none.
_EITHER_EXTERNAL_AS_NEXT = [
    _rule(
        "file_next_level",
        4,
        "months",
        "appeal_decision",
        "45 CFR 147.136(c)(2)(vi), (d)(2)(i)",
        "V",
        "At least 4 months after receiving the final internal denial, under the state process or the federal one.",
    ),
]
_EITHER_EXTERNAL_FILE = _rule(
    "file_appeal",
    4,
    "months",
    "notice_receipt",
    "45 CFR 147.136(c)(2)(vi), (d)(2)(i)",
    "V",
    "At least 4 months after receiving the final internal denial, under the state process or the federal one; "
    "counted here from the date on the notice, to be safe. The denial notice says which process applies and where "
    "to send the request.",
)

_ERISA_LAW = "ERISA §503 (29 U.S.C. 1133) and 29 CFR 2560.503-1"
_ERISA_REQUEST_NOTE = (
    "There is no written denial yet, so the first step is a written request for coverage (prior authorization or "
    "an exception to the plan's drug rules) under the plan's claims procedure. If the plan denies it, you then "
    "have 180 days to appeal."
)


def _erisa_stages(*, self_funded: bool) -> dict:
    if self_funded:
        external_as_next, external_file, external_decision = _DOL_EXTERNAL_AS_NEXT, _DOL_EXTERNAL_FILE, _DOL_EXTERNAL_DECISION
        external = _instrument(
            "Request for external review",
            "external review by an independent review organization under 29 CFR 2590.715-2719(d)",
            "an independent review organization assigned through the plan",
            "ERISA §503 and 29 CFR 2590.715-2719(d) (the Department of Labor's federal external review process)",
            "The plan's final internal denial opens federal external review, for plans that are not grandfathered "
            "and denials that turn on medical judgment. The request is filed with the plan, which assigns an "
            "independent reviewer. If the reviewer upholds the denial, the next step is a lawsuit under ERISA "
            "§502(a).",
            verification="S",
        )
    else:
        external_as_next, external_file, external_decision = _STATE_EXTERNAL_AS_NEXT, _STATE_EXTERNAL_FILE, []
        external = _instrument(
            "Request for external review",
            "external review by an independent review organization under the state's external review law, as "
            "45 CFR 147.136(c) provides",
            "an independent review organization under the state's external review law",
            "45 CFR 147.136(c) and the state's external review law",
            "The plan's final internal denial opens external review under the state's law (the denial notice names "
            "where to send it, usually the state insurance department). The state law sets the reviewer's time "
            "limits. If the reviewer upholds the denial, the next step is a lawsuit under ERISA §502(a).",
            to_plan=False,
            send_to="the state external review office named in the plan's final denial",
        )
    return {
        PHARMACY_REJECTION: {
            "instrument": _instrument(
                "Request for coverage (pre-service claim)",
                "coverage of this drug as a pre-service claim under the plan's claims procedure and 29 CFR 2560.503-1(f)",
                "the plan",
                _ERISA_LAW,
                _ERISA_REQUEST_NOTE,
                reviews_decision=False,
            ),
            "rules": _ERISA_INITIAL_CLAIM + _ERISA_APPEAL_AS_NEXT,
        },
        FIRST_DENIAL: {
            "instrument": _instrument(
                "Appeal of an adverse benefit determination",
                "a full and fair review of this adverse benefit determination under 29 CFR 2560.503-1(h)",
                "the plan",
                _ERISA_LAW,
                "This is the plan's internal appeal. Some employer plans have two levels of internal appeal; the "
                "plan's answer says whether another level follows.",
            ),
            "rules": _ERISA_APPEAL + external_as_next,
        },
        APPEAL_DENIED: {
            "instrument": _instrument(
                "Second-level appeal",
                "review at the plan's second level of appeal under 29 CFR 2560.503-1(h) and (i)(2)(ii)",
                "the plan",
                _ERISA_LAW,
                "An employer plan may have two levels of internal appeal. If the plan's letter offers a second "
                "level, its letter gives the window for asking; file it as soon as you can. If the letter says "
                "internal appeals are over, choose 'A final denial' instead: the next step is external review.",
            ),
            "rules": _ERISA_SECOND_LEVEL + external_as_next,
        },
        FINAL_INTERNAL_DENIAL: {"instrument": external, "rules": [external_file, *external_decision]},
    }


# --- Individual coverage and non-federal governmental plans (45 CFR 147.136) ---

_ACA_INTERNAL = [
    _rule(
        "file_appeal",
        180,
        "days",
        "notice_receipt",
        "45 CFR 147.136(b)(3)(i); 29 CFR 2560.503-1(h)(3)(i)",
        "V",
        "At least 180 days after you receive the denial. Counted here from the date on the notice, to be safe.",
    ),
    _rule(
        "decision_standard",
        30,
        "days",
        "appeal_received",
        "45 CFR 147.136(b)(3); 29 CFR 2560.503-1(i)(2)(ii)",
        "V",
        "Pre-service appeal (one level only for individual coverage).",
    ),
    _rule(
        "decision_expedited",
        72,
        "hours",
        "appeal_received",
        "45 CFR 147.136(b)(3); 29 CFR 2560.503-1(i)(2)(i)",
        "V",
        "Urgent care. Not available for a drug already given and billed.",
    ),
]
_GROUP_INTERNAL = [
    _rule(
        "file_appeal",
        180,
        "days",
        "notice_receipt",
        "45 CFR 147.136(b)(2)(ii); 29 CFR 2560.503-1(h)(3)(i)",
        "V",
        "At least 180 days after you receive the denial. Counted here from the date on the notice, to be safe.",
    ),
    _rule(
        "decision_standard",
        30,
        "days",
        "appeal_received",
        "45 CFR 147.136(b)(2)(ii); 29 CFR 2560.503-1(i)(2)(ii)",
        "V",
        "Pre-service appeal with one level; 15 days for each of two levels.",
    ),
    _rule(
        "decision_expedited",
        72,
        "hours",
        "appeal_received",
        "45 CFR 147.136(b)(2)(ii); 29 CFR 2560.503-1(i)(2)(i)",
        "V",
        "Urgent care. Not available for a drug already given and billed.",
    ),
]
_ACA_EXCEPTION = [
    _rule(
        "decision_standard",
        72,
        "hours",
        "appeal_received",
        "45 CFR 156.122(c)(1)",
        "S",
        "A standard exception request for a drug not on the formulary is decided within 72 hours of receipt.",
    ),
    _rule(
        "decision_expedited",
        24,
        "hours",
        "appeal_received",
        "45 CFR 156.122(c)(2)",
        "S",
        "When waiting could seriously jeopardize the patient's life, health or ability to regain maximum function "
        "(exigent circumstances): 24 hours.",
    ),
]
_ACA_EXTERNAL = _instrument(
    "Request for external review",
    "external review by an independent review organization under 45 CFR 147.136",
    "an independent review organization (under the state's process, or the federal one where the state has none)",
    "PHSA §2719 (42 U.S.C. 300gg-19) and 45 CFR 147.136",
    "Individual coverage has one level of internal appeal, so a denied appeal is final. External review runs under "
    "the state's law, or the federal process where the state has none; the denial notice says which and where to "
    "send the request. That process sets the reviewer's time limits.",
    to_plan=False,
    send_to="the external review office named in the plan's final denial",
)


def _aca_stages() -> dict:
    final = {"instrument": _ACA_EXTERNAL, "rules": [_EITHER_EXTERNAL_FILE]}
    return {
        PHARMACY_REJECTION: {
            "instrument": _instrument(
                "Request for a coverage decision and formulary exception",
                "coverage of this drug, and an exception to the formulary under the plan's exception process (45 CFR 156.122(c))",
                "the plan",
                "PHSA §2719 (42 U.S.C. 300gg-19); 45 CFR 147.136 and 156.122(c)",
                "There is no written denial yet, so the first step is a coverage request. For a drug not on the "
                "plan's list, the plan must have an exception process: 72 hours for a decision, 24 hours when "
                "waiting could seriously harm the patient. If the plan refuses the exception, you can ask for an "
                "external exception review by an independent review organization (45 CFR 156.122(c)), decided on "
                "the same clocks, as well as appeal within 180 days.",
                reviews_decision=False,
                verification="S",
            ),
            "rules": _ACA_EXCEPTION
            + [
                _rule(
                    "file_next_level",
                    180,
                    "days",
                    "appeal_decision",
                    "45 CFR 147.136(b)(3)(i)",
                    "V",
                    "If the plan denies the request, appeal within 180 days of receiving the denial.",
                )
            ],
        },
        FIRST_DENIAL: {
            "instrument": _instrument(
                "Internal appeal of an adverse benefit determination",
                "internal appeal of this adverse benefit determination under 45 CFR 147.136(b)(3)",
                "the plan",
                "PHSA §2719 (42 U.S.C. 300gg-19) and 45 CFR 147.136",
                "Individual coverage has one level of internal appeal; after it, external review.",
            ),
            "rules": _ACA_INTERNAL + _EITHER_EXTERNAL_AS_NEXT,
        },
        APPEAL_DENIED: final,
        FINAL_INTERNAL_DENIAL: final,
    }


_GOVERNMENTAL_LAW = (
    "PHSA §2719 (42 U.S.C. 300gg-19) and 45 CFR 147.136, which apply the claims standards of 29 CFR 2560.503-1 to this plan"
)


def _governmental_stages() -> dict:
    external = {
        "instrument": {
            **_ACA_EXTERNAL,
            "person_note": "A state or local government plan is not an ERISA plan. External review runs under the "
            "state's law, or the federal process where the state has none; the denial notice says which and where "
            "to send the request. That process sets the reviewer's time limits.",
        },
        "rules": [_EITHER_EXTERNAL_FILE],
    }
    return {
        PHARMACY_REJECTION: {
            "instrument": _instrument(
                "Request for coverage (pre-service claim)",
                "coverage of this drug as a pre-service claim under the plan's claims procedure (45 CFR "
                "147.136(b)(2)(ii); 29 CFR 2560.503-1(f))",
                "the plan",
                _GOVERNMENTAL_LAW,
                _ERISA_REQUEST_NOTE,
                reviews_decision=False,
            ),
            "rules": [{**rule, "citation": "45 CFR 147.136(b)(2)(ii); " + rule["citation"]} for rule in _ERISA_INITIAL_CLAIM]
            + [{**rule, "citation": "45 CFR 147.136(b)(2)(ii); " + rule["citation"]} for rule in _ERISA_APPEAL_AS_NEXT],
        },
        FIRST_DENIAL: {
            "instrument": _instrument(
                "Internal appeal of an adverse benefit determination",
                "internal appeal of this adverse benefit determination under 45 CFR 147.136(b)(2)",
                "the plan",
                _GOVERNMENTAL_LAW,
                "A state or local government plan is not an ERISA plan; the same federal claims standards reach it "
                "through 45 CFR 147.136.",
            ),
            "rules": _GROUP_INTERNAL + _EITHER_EXTERNAL_AS_NEXT,
        },
        APPEAL_DENIED: {
            "instrument": _instrument(
                "Second-level appeal",
                "review at the plan's second level of appeal under 45 CFR 147.136(b)(2)",
                "the plan",
                _GOVERNMENTAL_LAW,
                "If the plan's letter offers a second level of appeal, its letter gives the window for asking; file "
                "it as soon as you can. If the letter says internal appeals are over, choose 'A final denial' "
                "instead: the next step is external review.",
            ),
            "rules": [{**rule, "citation": "45 CFR 147.136(b)(2)(ii); " + rule["citation"]} for rule in _ERISA_SECOND_LEVEL]
            + _EITHER_EXTERNAL_AS_NEXT,
        },
        FINAL_INTERNAL_DENIAL: external,
    }


# --- Medicare Part D (stand-alone, or a Medicare Advantage plan's Part D drug) ---

_PART_D_COVERAGE_DETERMINATION = [
    _rule(
        "decision_standard",
        72,
        "hours",
        "appeal_received",
        "42 CFR 423.568(b)",
        "V",
        "Counted from receipt of the request or, for an exception request, of the prescriber's supporting statement.",
    ),
    _rule(
        "decision_expedited",
        24,
        "hours",
        "appeal_received",
        "42 CFR 423.572(a)",
        "S",
        "Expedited coverage determination: 24 hours from receipt of the request or, for an exception, of the "
        "prescriber's supporting statement.",
    ),
]
_PART_D_REDETERMINATION_FILE = _rule(
    "file_appeal",
    60,
    "days",
    "notice_receipt",
    "42 CFR 423.582(b)",
    "V",
    "60 days after receipt, presumed 5 days after the notice date: 65 days from the date on the notice. The request "
    "counts as filed when the plan receives it; file within 60 days of the notice date to be safe. Late filing is "
    "allowed for good cause (423.582(c)).",
    presumption=5,
)
_PART_D_REDETERMINATION_DECISION = [
    _rule(
        "decision_standard",
        7,
        "days",
        "appeal_received",
        "42 CFR 423.590(a)",
        "V",
        "Redetermination of a drug not yet received (14 days for a payment request).",
    ),
    _rule(
        "decision_expedited",
        72,
        "hours",
        "appeal_received",
        "42 CFR 423.590(d); 423.584(c)(2)(ii)",
        "V",
        "If the prescriber says waiting could seriously jeopardize health, the plan must expedite. Not available "
        "for a payment request.",
    ),
]
_PART_D_IRE_AS_NEXT = [
    _rule(
        "file_next_level",
        65,
        "days",
        "appeal_decision",
        "42 CFR 423.600(a)",
        "S",
        "Reconsideration by the Part D Independent Review Entity, in writing, within 65 days of the redetermination "
        "notice (CMS). The prescriber may file without being appointed representative.",
    ),
    _rule(
        "next_level_decision_standard",
        7,
        "days",
        "appeal_received",
        "42 CFR 423.600(d)",
        "V",
        "The IRE decides a drug not yet received within 7 days.",
    ),
    _rule(
        "next_level_decision_expedited",
        72,
        "hours",
        "appeal_received",
        "42 CFR 423.600(d)",
        "V",
        "Expedited reconsideration by the IRE.",
    ),
]
_PART_D_LAW = "SSA §1860D-4(g)-(h) and 42 CFR 423 Subpart M"


def _part_d_stages(*, advantage: bool) -> dict:
    plan_words = "Medicare Advantage plan" if advantage else "Part D plan"
    ire = {
        "instrument": _instrument(
            "Request for reconsideration by the Part D Independent Review Entity",
            "reconsideration of the plan's redetermination by the Part D Independent Review Entity under 42 CFR 423.600",
            "the Part D Independent Review Entity",
            _PART_D_LAW,
            f"After the {plan_words} upholds its denial on redetermination, the next level is the Part D "
            "Independent Review Entity, not the plan. Send the request to the address on the redetermination "
            "notice. For a drug not on the formulary, the IRE needs the prescriber's statement that the covered "
            "drugs would not be as effective or would cause adverse effects (42 CFR 423.600(c)).",
            to_plan=False,
            send_to="the Part D Independent Review Entity, at the address on the plan's redetermination notice",
            verification="S",
        ),
        "rules": [
            _rule(
                "file_appeal",
                65,
                "days",
                "notice_date",
                "42 CFR 423.600(a)",
                "S",
                "In writing within 65 days of the date on the redetermination notice (CMS). The prescriber may file.",
            ),
            _rule(
                "decision_standard",
                7,
                "days",
                "appeal_received",
                "42 CFR 423.600(d)",
                "V",
                "The IRE decides a drug not yet received within 7 days.",
            ),
            _rule(
                "decision_expedited",
                72,
                "hours",
                "appeal_received",
                "42 CFR 423.600(d)",
                "V",
                "Expedited reconsideration by the IRE.",
            ),
            _rule(
                "file_next_level",
                60,
                "days",
                "appeal_decision",
                "42 CFR 423.2002",
                "V",
                "A hearing before an administrative law judge, within 60 days of the IRE's decision, if the amount "
                "in controversy meets the year's threshold.",
            ),
        ],
    }
    return {
        PHARMACY_REJECTION: {
            "instrument": _instrument(
                "Request for a coverage determination and exception",
                "a coverage determination under 42 CFR 423.566 and 423.568, including a formulary exception under "
                "42 CFR 423.578(b) where the formulary or its utilization rules stand in the way",
                f"the {plan_words}",
                _PART_D_LAW,
                "A pharmacy that will not fill a prescription is not a coverage determination, so there is nothing to "
                "appeal yet. The first step is a coverage determination or exception request. The plan decides "
                "within 72 hours (24 when expedited) after it receives the prescriber's supporting statement.",
                reviews_decision=False,
            ),
            "rules": _PART_D_COVERAGE_DETERMINATION
            + [
                _rule(
                    "file_next_level",
                    60,
                    "days",
                    "appeal_decision",
                    "42 CFR 423.582(b)",
                    "V",
                    "If the plan denies the request, ask for a redetermination within 60 days of receiving its "
                    "notice (receipt is presumed 5 days after the notice date).",
                ),
                _rule(
                    "next_level_decision_standard",
                    7,
                    "days",
                    "appeal_received",
                    "42 CFR 423.590(a)",
                    "V",
                    "Redetermination of a drug not yet received.",
                ),
                _rule(
                    "next_level_decision_expedited",
                    72,
                    "hours",
                    "appeal_received",
                    "42 CFR 423.590(d)",
                    "V",
                    "Expedited redetermination.",
                ),
            ],
        },
        FIRST_DENIAL: {
            "instrument": _instrument(
                "Request for redetermination",
                "a redetermination of the plan's coverage determination under 42 CFR 423.580 and 423.582",
                f"the {plan_words}",
                _PART_D_LAW,
                "A written coverage determination is appealed by asking the plan for a redetermination.",
            ),
            "rules": [_PART_D_REDETERMINATION_FILE, *_PART_D_REDETERMINATION_DECISION, *_PART_D_IRE_AS_NEXT],
        },
        APPEAL_DENIED: ire,
        FINAL_INTERNAL_DENIAL: ire,
    }


# --- Medicare Advantage, Part B drug ---

_MA_RECONSIDERATION = [
    _rule(
        "file_appeal",
        60,
        "days",
        "notice_date",
        "42 CFR 422.582(b)",
        "V",
        "60 calendar days from the date on the notice of the organization determination.",
    ),
    _rule(
        "decision_standard",
        7,
        "days",
        "appeal_received",
        "42 CFR 422.590(c)",
        "S",
        "Reconsideration of a Part B drug; no extensions are allowed for Part B drugs.",
    ),
    _rule(
        "decision_expedited",
        72,
        "hours",
        "appeal_received",
        "42 CFR 422.590(e); 422.584(c)(2)(ii)",
        "V",
        "If a physician asks for or supports an expedited reconsideration, the plan must expedite. Not available "
        "for a payment request.",
    ),
]
_MA_AUTOMATIC = _rule(
    "file_next_level",
    None,
    "days",
    "appeal_decision",
    "42 CFR 422.592(a)",
    "V",
    "If the plan upholds its denial, it must send the case to the Independent Review Entity itself; you file nothing.",
    automatic=True,
)
_MA_LAW = "42 CFR 422 Subpart M and the Part B drug time frames of CMS-4180-F (84 FR 23832)"


def _ma_part_b_stages() -> dict:
    at_ire = {
        "instrument": _instrument(
            "Information for the Part C Independent Review Entity",
            "that the Part C Independent Review Entity, to which the plan must forward its reconsideration under "
            "42 CFR 422.592, consider this information",
            "the Part C Independent Review Entity",
            _MA_LAW,
            "When a Medicare Advantage plan upholds its denial of a Part B drug on reconsideration, it must send the "
            "case to the Independent Review Entity itself; you file nothing. You may send the reviewer more "
            "information; the IRE's letter gives its address.",
            to_plan=False,
            send_to="the Part C Independent Review Entity named in the plan's letter",
        ),
        "rules": [
            _rule(
                "file_appeal",
                None,
                "days",
                "notice_date",
                "42 CFR 422.592(a)",
                "V",
                "The plan forwards the case itself; you file nothing.",
                automatic=True,
            ),
            _rule(
                "file_next_level",
                60,
                "days",
                "appeal_decision",
                "42 CFR 422.602",
                "S",
                "A hearing before an administrative law judge, within 60 days of the IRE's decision, if the amount "
                "in controversy meets the year's threshold.",
            ),
        ],
    }
    return {
        PHARMACY_REJECTION: {
            "instrument": _instrument(
                "Request for an organization determination",
                "an organization determination (prior authorization) for this Part B drug under 42 CFR 422.566 and 422.568",
                "the Medicare Advantage plan",
                _MA_LAW,
                "There is no written decision yet, so the first step is a request for an organization determination. "
                "For a Part B drug the plan decides within 72 hours (24 when expedited), with no extension.",
                reviews_decision=False,
                verification="S",
            ),
            "rules": [
                _rule(
                    "decision_standard",
                    72,
                    "hours",
                    "appeal_received",
                    "42 CFR 422.568(b); CMS-4180-F",
                    "S",
                    "Organization determination on a Part B drug: 72 hours, no extension.",
                ),
                _rule(
                    "decision_expedited",
                    24,
                    "hours",
                    "appeal_received",
                    "42 CFR 422.572(a); CMS-4180-F",
                    "S",
                    "Expedited organization determination on a Part B drug: 24 hours.",
                ),
                _rule(
                    "file_next_level",
                    60,
                    "days",
                    "appeal_decision",
                    "42 CFR 422.582(b)",
                    "V",
                    "If the plan denies it, ask for a reconsideration within 60 days of the notice's date.",
                ),
                _rule(
                    "next_level_decision_standard",
                    7,
                    "days",
                    "appeal_received",
                    "42 CFR 422.590(c)",
                    "S",
                    "Reconsideration of a Part B drug.",
                ),
                _rule(
                    "next_level_decision_expedited",
                    72,
                    "hours",
                    "appeal_received",
                    "42 CFR 422.590(e)",
                    "S",
                    "Expedited reconsideration.",
                ),
            ],
        },
        FIRST_DENIAL: {
            "instrument": _instrument(
                "Request for reconsideration",
                "a reconsideration of the plan's organization determination under 42 CFR 422.578 and 422.582",
                "the Medicare Advantage plan",
                _MA_LAW,
                "A treating physician filing a standard reconsideration for the patient must tell the patient that "
                "they are doing so (42 CFR 422.578).",
            ),
            "rules": [*_MA_RECONSIDERATION, _MA_AUTOMATIC],
        },
        APPEAL_DENIED: at_ire,
        FINAL_INTERNAL_DENIAL: at_ire,
    }


# --- Original Medicare, Part B drug (a MAC's claim decision) ---

_ORIGINAL_MEDICARE_LAW = "SSA §1869 and 42 CFR 405 Subpart I"


def _original_medicare_stages() -> dict:
    qic = {
        "instrument": _instrument(
            "Request for reconsideration by the Qualified Independent Contractor",
            "reconsideration of the Medicare contractor's redetermination by the Qualified Independent Contractor "
            "under 42 CFR 405.960 and 405.962",
            "the Qualified Independent Contractor (QIC)",
            _ORIGINAL_MEDICARE_LAW,
            "After the Medicare contractor upholds the denial on redetermination, you must ask the Qualified "
            "Independent Contractor named on the redetermination notice yourself; nothing is forwarded "
            "automatically.",
            to_plan=False,
            send_to="the Qualified Independent Contractor named on the redetermination notice",
            copy_to_plan=False,
        ),
        "rules": [
            _rule(
                "file_appeal",
                180,
                "days",
                "notice_receipt",
                "42 CFR 405.962(a)",
                "V",
                "180 days after receipt of the redetermination, presumed 5 days after its date; the request counts "
                "as filed when the QIC receives it.",
                presumption=5,
            ),
            _rule(
                "file_next_level",
                60,
                "days",
                "appeal_decision",
                "42 CFR 405.1002(a)",
                "V",
                "A hearing before an administrative law judge within 60 days of receiving the QIC's decision, if the "
                "amount in controversy meets the year's threshold.",
            ),
        ],
    }
    return {
        PHARMACY_REJECTION: {
            "instrument": _instrument(
                "Request for information",
                "",
                "the Medicare contractor",
                "",
                "Original Medicare decides a Part B drug when the claim is billed, so there is no appeal until a claim "
                "is denied on a Medicare Summary Notice or a remittance notice. Ask the office whether it gave an "
                "Advance Beneficiary Notice, and come back with the denial.",
                reviews_decision=False,
                to_plan=False,
                copy_to_plan=False,
            ),
            "rules": [],
        },
        FIRST_DENIAL: {
            "instrument": _instrument(
                "Request for redetermination",
                "a redetermination of the initial determination on this claim under 42 CFR 405.940 and 405.942",
                "the Medicare Administrative Contractor",
                _ORIGINAL_MEDICARE_LAW,
                "Send it to the Medicare contractor named on the notice (42 CFR 405.944(a)), with the beneficiary's "
                "name, Medicare number, the drug and dates of service. If the contractor upholds the denial, you must "
                "ask for the next level yourself: nothing is forwarded automatically.",
                to_plan=False,
                send_to="the Medicare Administrative Contractor named on the Medicare Summary Notice",
                copy_to_plan=False,
            ),
            "rules": [
                _rule(
                    "file_appeal",
                    120,
                    "days",
                    "notice_receipt",
                    "42 CFR 405.942(a)",
                    "V",
                    "120 days after receipt of the initial determination, presumed 5 days after the notice date; the "
                    "request counts as filed when the contractor receives it.",
                    presumption=5,
                ),
                _rule(
                    "file_next_level",
                    180,
                    "days",
                    "appeal_decision",
                    "42 CFR 405.962(a)",
                    "V",
                    "Reconsideration by the Qualified Independent Contractor within 180 days of receiving the "
                    "redetermination (counted here from its date, to be safe). You must file it; it is not automatic.",
                ),
            ],
        },
        APPEAL_DENIED: qic,
        FINAL_INTERNAL_DENIAL: qic,
    }


# --- Medicaid managed care (42 CFR 438 Subpart F, 2016 final rule) ---

_MEDICAID_LAW = "42 CFR 438 Subpart F (as amended by the 2016 final rule, 81 FR 27498)"
_FAIR_HEARING_FILE = _rule(
    "file_appeal",
    120,
    "days",
    "notice_date",
    "42 CFR 438.408(f)(2)",
    "S",
    "No later than 120 calendar days from the date of the plan's notice of resolution.",
)


def _medicaid_stages() -> dict:
    hearing = {
        "instrument": _instrument(
            "Request for a state fair hearing",
            "a state fair hearing on the plan's decision under 42 CFR 438.408(f) and 42 CFR 431 Subpart E",
            "the state Medicaid agency's hearing office",
            _MEDICAID_LAW,
            "After the plan's appeal, the next step is a state fair hearing, asked for from the state (the plan's "
            "notice of resolution says where). A provider may ask for it with the patient's written consent where the "
            "state allows.",
            to_plan=False,
            send_to="the state fair hearing office named in the plan's notice of resolution",
        ),
        "rules": [_FAIR_HEARING_FILE],
    }
    return {
        PHARMACY_REJECTION: {
            "instrument": _instrument(
                "Request for prior authorization",
                "prior authorization of this covered outpatient drug under the plan's authorization process (42 CFR 438.210)",
                "the Medicaid plan",
                _MEDICAID_LAW,
                "There is no written decision yet, so the first step is a prior-authorization request. The plan "
                "must answer a request for a covered outpatient drug within 24 hours.",
                reviews_decision=False,
                verification="S",
            ),
            "rules": [
                _rule(
                    "decision_standard",
                    24,
                    "hours",
                    "appeal_received",
                    "42 CFR 438.210(d)(3); SSA §1927(d)(5)(A)",
                    "S",
                    "A prior-authorization request for a covered outpatient drug is answered within 24 hours.",
                ),
                _rule(
                    "file_next_level",
                    60,
                    "days",
                    "appeal_decision",
                    "42 CFR 438.402(c)(2)(ii)",
                    "V",
                    "If the plan denies it, appeal within 60 days of the date on its notice.",
                ),
                _rule(
                    "next_level_decision_standard",
                    30,
                    "days",
                    "appeal_received",
                    "42 CFR 438.408(b)(2)",
                    "V",
                    "The plan resolves the appeal within 30 days (up to 14 more with written notice).",
                ),
                _rule(
                    "next_level_decision_expedited",
                    72,
                    "hours",
                    "appeal_received",
                    "42 CFR 438.408(b)(3)",
                    "V",
                    "Expedited appeal.",
                ),
            ],
        },
        FIRST_DENIAL: {
            "instrument": _instrument(
                "Appeal of an adverse benefit determination",
                "an appeal of this adverse benefit determination under 42 CFR 438.402",
                "the Medicaid plan",
                _MEDICAID_LAW,
                "A provider may appeal for the patient with the patient's written consent.",
            ),
            "rules": [
                _rule(
                    "file_appeal",
                    60,
                    "days",
                    "notice_date",
                    "42 CFR 438.402(c)(2)(ii)",
                    "V",
                    "60 calendar days from the date on the notice. A provider may appeal with your written consent.",
                ),
                _rule(
                    "decision_standard",
                    30,
                    "days",
                    "appeal_received",
                    "42 CFR 438.408(b)(2)",
                    "V",
                    "May be extended by up to 14 days, with written notice.",
                ),
                _rule(
                    "decision_expedited",
                    72,
                    "hours",
                    "appeal_received",
                    "42 CFR 438.408(b)(3); 438.410",
                    "V",
                    "Must be granted when the provider says the standard time could seriously jeopardize health.",
                ),
                _rule(
                    "file_next_level",
                    120,
                    "days",
                    "appeal_decision",
                    "42 CFR 438.408(f)(2)",
                    "S",
                    "A state fair hearing, no later than 120 days from the date of the plan's notice of resolution.",
                ),
            ],
        },
        APPEAL_DENIED: hearing,
        FINAL_INTERNAL_DENIAL: hearing,
    }


# --- FEHB (5 CFR 890.105) ---

_FEHB_LAW = "5 CFR 890.105 and the plan brochure, Section 8"


def _fehb_stages() -> dict:
    opm = {
        "instrument": _instrument(
            "Request for review by the Office of Personnel Management",
            "review of the carrier's decision by the Office of Personnel Management under 5 CFR 890.105(e)",
            "the Office of Personnel Management",
            _FEHB_LAW,
            "After the carrier upholds its denial on reconsideration, ask OPM to review it, in writing, with copies "
            "of the request, the carrier's decision and the records. The brochure's Section 8 gives OPM's address.",
            to_plan=False,
            send_to="the Office of Personnel Management, at the address in the plan brochure's Section 8",
            verification="S",
        ),
        "rules": [
            _rule(
                "file_appeal",
                90,
                "days",
                "notice_date",
                "5 CFR 890.105(e)",
                "S",
                "Within 90 days of the date of the carrier's letter upholding the denial.",
            ),
            _rule(
                "decision_standard",
                60,
                "days",
                "appeal_received",
                "OPM FEHB disputed-claims guidance",
                "V",
                "OPM's final response.",
            ),
        ],
    }
    return {
        PHARMACY_REJECTION: {
            "instrument": _instrument(
                "Request for prior approval",
                "prior approval of this drug under the plan brochure",
                "the carrier",
                _FEHB_LAW,
                "There is no written denial yet, so the first step is a prior-approval request to the carrier. If the "
                "carrier denies it, you have 6 months to ask it to reconsider.",
                reviews_decision=False,
            ),
            "rules": [
                _rule(
                    "file_next_level",
                    6,
                    "months",
                    "appeal_decision",
                    "5 CFR 890.105(b)(1)",
                    "V",
                    "If the carrier denies it, ask it to reconsider in writing within 6 months of the denial.",
                ),
                _rule(
                    "next_level_decision_standard",
                    30,
                    "days",
                    "appeal_received",
                    "5 CFR 890.105(b)(2)",
                    "V",
                    "The carrier's reconsideration.",
                ),
            ],
        },
        FIRST_DENIAL: {
            "instrument": _instrument(
                "Request for reconsideration",
                "reconsideration of the carrier's decision under 5 CFR 890.105(b)",
                "the carrier",
                _FEHB_LAW,
                "The carrier reconsiders first; then the Office of Personnel Management.",
            ),
            "rules": [
                _rule(
                    "file_appeal",
                    6,
                    "months",
                    "notice_date",
                    "5 CFR 890.105(b)(1)",
                    "V",
                    "In writing within 6 months of the date of the denial.",
                ),
                _rule(
                    "decision_standard",
                    30,
                    "days",
                    "appeal_received",
                    "5 CFR 890.105(b)(2)",
                    "V",
                    "The carrier approves, upholds the denial in writing, or asks for more information.",
                ),
                _rule(
                    "decision_expedited",
                    72,
                    "hours",
                    "appeal_received",
                    "FEHB plan brochure, Section 8",
                    "S",
                    "Urgent pre-service claims.",
                ),
                _rule(
                    "file_next_level",
                    90,
                    "days",
                    "appeal_decision",
                    "5 CFR 890.105(e)",
                    "S",
                    "Ask OPM to review within 90 days of the carrier's decision upholding the denial.",
                ),
                _rule(
                    "next_level_decision_standard",
                    60,
                    "days",
                    "appeal_received",
                    "OPM FEHB disputed-claims guidance",
                    "V",
                    "OPM's final response.",
                ),
            ],
        },
        APPEAL_DENIED: opm,
        FINAL_INTERNAL_DENIAL: opm,
    }


def _outside_scope_stages(note: str) -> dict:
    """Coverage whose appeal law the product does not hold: every stage says so and cites nothing."""
    return {
        stage: {"instrument": _instrument("Request for review", "", "the plan", "", note, reviews_decision=False), "rules": []}
        for stage in STAGES
    }


# What a letter asserts for each plan type (domain-facts.md §1 and §4, item 9),
# one right a line, "statement | citation"; a right without a citation the
# sources give is stated without one rather than with a guessed paragraph.
_ERISA_RIGHTS = [
    "Free access to, and copies of, all documents, records and other information relevant to the claim "
    "| 29 CFR 2560.503-1(h)(2)(iii), (m)(8)",
    "The internal rule, guideline, protocol or criterion relied on, and an explanation of the scientific or clinical "
    "judgment applied to the patient's circumstances | 29 CFR 2560.503-1(g)(1)(v)(A)-(B)",
    "A review that gives no deference to the initial denial, by someone who did not make it | 29 CFR 2560.503-1(h)(3)(ii)",
    "Consultation with a health care professional with appropriate training and experience in the field of medicine "
    "involved, who was not consulted on the initial denial, and the names of the experts consulted "
    "| 29 CFR 2560.503-1(h)(3)(iii)-(v)",
    "Any new or additional evidence or rationale, free and before the decision, with time to respond "
    "| 29 CFR 2590.715-2719(b)(2)(ii)(C)",
]
_ERISA_FUNDING = "A statement of the plan's funding status (insured or self-funded) and a copy of the Summary Plan Description"
_GROUP_RIGHTS = [
    "Free access to, and copies of, all documents, records and other information relevant to the claim "
    "| 45 CFR 147.136(b)(2)(ii); 29 CFR 2560.503-1(h)(2)(iii), (m)(8)",
    "The internal rule, guideline, protocol or criterion relied on, and an explanation of the clinical judgment "
    "applied | 45 CFR 147.136(b)(2)(ii); 29 CFR 2560.503-1(g)(1)(v)",
    "A review that gives no deference to the initial denial, by someone who did not make it, with a health care "
    "professional in the field of medicine involved | 45 CFR 147.136(b)(2)(ii); 29 CFR 2560.503-1(h)(3)(ii)-(v)",
    "Any new or additional evidence or rationale, free and before the decision, with time to respond "
    "| 45 CFR 147.136(b)(2)(ii)(C)",
]

APPEAL_RIGHTS = {
    "employer-self-funded": "\n".join(
        [
            *_ERISA_RIGHTS,
            "Federal external review by an independent review organization if the denial is upheld, for a plan that is "
            "not grandfathered and a denial that turns on medical judgment, as this one does | 29 CFR 2590.715-2719(d)",
            _ERISA_FUNDING,
        ]
    ),
    "employer-fully-insured": "\n".join(
        [
            *_ERISA_RIGHTS,
            "External review under the state's external review law by an independent review organization if the "
            "denial is upheld | 45 CFR 147.136(c)",
            _ERISA_FUNDING,
        ]
    ),
    "non-federal-governmental": "\n".join(
        [
            *_GROUP_RIGHTS,
            "External review by an independent review organization if the denial is upheld | 45 CFR 147.136(c)-(d)",
            "A copy of the plan document and a statement of whether the plan is insured or self-funded",
        ]
    ),
    "aca-individual": "\n".join(
        [
            "Free access to, and copies of, all documents relevant to the claim, including the criteria relied on "
            "| 45 CFR 147.136(b)(3); 29 CFR 2560.503-1(h)(2)(iii)",
            "Review by a health care professional with appropriate training and experience in the field of medicine "
            "involved | 45 CFR 147.136(b)(3); 29 CFR 2560.503-1(h)(3)(iii)",
            "Any new or additional evidence or rationale, free and before the decision, with time to respond "
            "| 45 CFR 147.136(b)(3)",
            "External review by an independent review organization if the denial is upheld | 45 CFR 147.136(c)-(d)",
        ]
    ),
    "medicare-part-d": "\n".join(
        [
            "A redetermination by a reviewer who did not make the coverage determination, with a physician deciding "
            "any question of medical necessity | 42 CFR 423.590(f)",
            "An exception when the prescriber's statement shows the covered alternatives would be less effective or "
            "cause adverse effects | 42 CFR 423.578(b)(5)",
            "An expedited redetermination when the prescriber indicates the standard time frame may seriously "
            "jeopardize the enrollee's life, health or ability to regain maximum function | 42 CFR 423.584(c)(2)(ii)",
            "Reconsideration by the Part D Independent Review Entity, whose medical-necessity reviewer is a physician "
            "with appropriate expertise | 42 CFR 423.600",
        ]
    ),
    "medicare-advantage": "\n".join(
        [
            "Reconsideration of a medical-necessity denial by a physician with expertise in the field of medicine "
            "involved | 42 CFR 422.590(g)(2)",
            "An expedited reconsideration when a physician asks for or supports one, indicating the standard time "
            "frame could seriously jeopardize the enrollee's life, health or ability to regain maximum function "
            "| 42 CFR 422.584(c)(2)(ii)",
            "A decision on a Part B drug within 7 calendar days (72 hours expedited), with no extension | 42 CFR 422.590",
            "Automatic forwarding to the Part C Independent Review Entity if the denial is upheld | 42 CFR 422.592",
        ]
    ),
    "original-medicare-part-b": "\n".join(
        [
            "A redetermination by someone who did not make the initial determination | 42 CFR 405.948",
        ]
    ),
    "medicaid-managed-care": "\n".join(
        [
            "Review by a reviewer with appropriate clinical expertise in treating the enrollee's condition "
            "| 42 CFR 438.406(b)(2)(ii)",
            "The enrollee's case file, including medical records and any new or additional evidence considered, free "
            "and in advance of the resolution | 42 CFR 438.406(b)(5)",
            "An expedited resolution when the provider indicates the standard time could seriously jeopardize the "
            "enrollee's life, health or ability to attain, maintain or regain maximum function, with no punitive "
            "action against the provider | 42 CFR 438.410",
            "A state fair hearing after the plan's appeal, or at once if the plan misses its notice or timing rules "
            "| 42 CFR 438.408(c)(3), (f)",
        ]
    ),
    "fehb": "\n".join(
        [
            "A copy of the documents the carrier relied on, including the criteria it applied",
            "Review by a health care professional with appropriate training and experience in the field of medicine involved",
            "Any new or additional evidence or rationale, before the carrier decides | FEHB plan brochure, Section 8",
            "Review by the Office of Personnel Management if the carrier upholds the denial | 5 CFR 890.105(e)",
        ]
    ),
}
APPEAL_RIGHTS["medicare-advantage-part-d"] = APPEAL_RIGHTS["medicare-part-d"]

_CMS_1696 = "Appointment of Representative (form CMS-1696), if someone other than the enrollee or the prescriber files"
# An exception needs the prescriber's supporting statement (42 CFR 423.578(b)(5)); the
# prescriber's own letter makes it, so only a member's letter needs it enclosed.
_PART_D_STATEMENT_ENCLOSURE = (
    "If the member files: the prescriber's supporting statement (or the plan's coverage-determination form), required "
    "for an exception; a letter from the prescriber makes the statement itself"
)

# What to attach beyond the records every appeal needs (domain-facts.md §4, enclosures and who may file).
ENCLOSURES = {
    "employer-self-funded": "The plan's authorized-representative form, if the plan's procedure requires one for a "
    "non-urgent appeal filed by the physician",
    "employer-fully-insured": "The plan's authorized-representative form, if the plan's procedure requires one for a "
    "non-urgent appeal filed by the physician",
    "non-federal-governmental": "The plan's authorized-representative form, if the plan's procedure requires one for a "
    "non-urgent appeal filed by the physician",
    "aca-individual": "",
    "medicare-part-d": "\n".join(
        [
            _PART_D_STATEMENT_ENCLOSURE,
            _CMS_1696,
            "When the prescriber files a standard redetermination: a copy of the notice telling the enrollee that the "
            "prescriber is filing it (42 CFR 423.580)",
        ]
    ),
    "medicare-advantage": "Appointment of Representative (form CMS-1696), if someone other than the enrollee or a "
    "treating physician files\nWhen the treating physician files a standard reconsideration: a copy of the notice "
    "telling the enrollee that the physician is filing it (42 CFR 422.578; 422.582(a))",
    "original-medicare-part-b": "A copy of the Medicare Summary Notice or remittance notice with the denied claim\n"
    "Appointment of Representative (form CMS-1696), if someone other than the beneficiary files and is not a party",
    "medicaid-managed-care": "The enrollee's written consent, when the provider files the appeal (42 CFR 438.402(c)(1)(ii))",
    "fehb": "A copy of the carrier's denial and of every earlier letter in this dispute (OPM asks for them if the "
    "dispute reaches it)",
}
ENCLOSURES["medicare-advantage-part-d"] = ENCLOSURES["medicare-part-d"]

_CHURCH_NOTE = (
    "A church plan is not governed by ERISA's claims rules unless it has chosen to be, and this product does not "
    "hold the rules that apply to it. The letter will make the clinical case and cite no law or time limit. Your "
    "plan's own documents (the plan booklet or Summary of Benefits and Coverage, or the benefits office) give the "
    "appeal steps and their deadlines; follow those."
)
_TRICARE_NOTE = (
    "TRICARE appeals follow 32 CFR 199.10 and the TRICARE manuals, which this product does not hold. The letter will "
    "make the clinical case and cite no law or time limit. For a pharmacy drug, the Express Scripts TRICARE "
    "prior-authorization and medical-necessity forms come first; the denial letter gives the appeal steps and "
    "deadlines. A network provider cannot file a TRICARE appeal for the patient."
)

PLAN_TYPES = [
    {
        "slug": "employer-self-funded",
        "name": "Employer plan, self-funded",
        "order": 1,
        "description": "Health coverage through a private employer where the employer pays claims itself and a company "
        "such as Cigna or Aetna only administers the plan.",
        "how_to_tell": "Large employers are usually self-funded. The Summary Plan Description or the back of the card may say "
        "'self-funded', 'self-insured' or 'administered by'. If you are not sure, choose this one or 'Employer plan, fully "
        "insured' and ask the plan in your appeal to state its funding status and send the Summary Plan Description; "
        "the letter asks for both either way. A state or local government job, or a church, has its own choice below.",
        "governing_law": "ERISA §503; 29 CFR 2560.503-1; ACA (PHSA §2719) via 29 CFR 2590.715-2719",
        "first_level_reviewer": "The plan's claims administrator or pharmacy benefit manager",
        "next_level": "Federal external review by an independent review organization (for plans that are not "
        "grandfathered and denials that turn on medical judgment), then an ERISA §502(a) lawsuit",
        "state_step_therapy_law_applies": False,
        "stages": _erisa_stages(self_funded=True),
    },
    {
        "slug": "employer-fully-insured",
        "name": "Employer plan, fully insured",
        "order": 2,
        "description": "Health coverage through a private employer where an insurance company carries the risk and pays the claims.",
        "how_to_tell": "Smaller employers are usually fully insured. If the plan documents name an insurance policy "
        "issued to the employer, it is fully insured. The law of the state where the policy was issued reaches these "
        "plans: its external review law, and any step-therapy law it has.",
        "governing_law": "ERISA §503; 29 CFR 2560.503-1; ACA (PHSA §2719); state insurance law (ERISA savings clause)",
        "first_level_reviewer": "The insurer, as the plan's claims fiduciary",
        "next_level": "State external review by an independent review organization, then an ERISA §502(a) lawsuit",
        "state_step_therapy_law_applies": True,
        "stages": _erisa_stages(self_funded=False),
    },
    {
        "slug": "non-federal-governmental",
        "name": "State or local government employer plan",
        "order": 3,
        "description": "Health coverage through a job with a state, county, city, school district or other public "
        "employer (teachers, state employees, police, firefighters).",
        "how_to_tell": "If the employer is a government body or a public school, the plan is a non-federal governmental "
        "plan: it is not an ERISA plan, and federal rules reach it through the Public Health Service Act. Federal "
        "employees choose 'Federal employee plan (FEHB)'.",
        "governing_law": "PHSA §2719 (42 U.S.C. 300gg-19); 45 CFR 147.136",
        "first_level_reviewer": "The plan or its claims administrator",
        "next_level": "External review by an independent review organization (state or federal process)",
        "state_step_therapy_law_applies": False,
        "stages": _governmental_stages(),
    },
    {
        "slug": "aca-individual",
        "name": "Individual or marketplace plan",
        "order": 4,
        "description": "A plan you bought yourself, on HealthCare.gov, a state marketplace or directly from an insurer.",
        "how_to_tell": "If you, not an employer, chose and pay for the plan, it is an individual plan. There is only one "
        "level of internal appeal, then external review.",
        "governing_law": "PHSA §2719 (42 U.S.C. 300gg-19); 45 CFR 147.136",
        "first_level_reviewer": "The insurer (one level only)",
        "next_level": "External review by an independent review organization, under the state's process or the federal one",
        "state_step_therapy_law_applies": True,
        "stages": _aca_stages(),
    },
    {
        "slug": "medicare-part-d",
        "name": "Medicare Part D drug plan",
        "order": 5,
        "description": "A stand-alone Medicare prescription drug plan (PDP), alongside Original Medicare.",
        "how_to_tell": "Drugs you pick up at a pharmacy under Medicare are Part D. If your drug coverage is part of a "
        "Medicare Advantage plan, choose 'Medicare Advantage (Part D drug)' instead. Drugs infused in a clinic are "
        "usually Part B.",
        "governing_law": "SSA §1860D-4(g)-(h); 42 CFR 423 Subparts M and U",
        "first_level_reviewer": "The Part D plan sponsor (coverage determination, then redetermination)",
        "next_level": "The Part D Independent Review Entity (reconsideration), then an ALJ, the Medicare Appeals Council and federal court",
        "state_step_therapy_law_applies": False,
        "stages": _part_d_stages(advantage=False),
    },
    {
        "slug": "medicare-advantage-part-d",
        "name": "Medicare Advantage (Part D drug)",
        "order": 6,
        "description": "A Medicare Advantage plan with drug coverage (MA-PD) denying a drug under its Part D benefit, "
        "usually one picked up at a pharmacy.",
        "how_to_tell": "Medicare Advantage plans replace Original Medicare and are sold by insurers such as Humana. A "
        "pharmacy drug is usually Part D; a drug infused or injected in a clinic is usually Part B.",
        "governing_law": "SSA §1860D-4(g)-(h); 42 CFR 423 Subparts M and U",
        "first_level_reviewer": "The Medicare Advantage plan, under the Part D rules (coverage determination, then redetermination)",
        "next_level": "The Part D Independent Review Entity (reconsideration), then an ALJ, the Medicare Appeals Council and federal court",
        "state_step_therapy_law_applies": False,
        "stages": _part_d_stages(advantage=True),
    },
    {
        "slug": "medicare-advantage",
        "name": "Medicare Advantage (Part B drug)",
        "order": 7,
        "description": "A Medicare Advantage (Part C) plan denying a drug given in a clinic or infusion center under its Part B benefit.",
        "how_to_tell": "Medicare Advantage plans replace Original Medicare and are sold by insurers such as Humana. A drug "
        "infused or injected in a clinic is usually Part B; a pharmacy drug is Part D. With a red-white-and-blue "
        "Medicare card and no Medicare Advantage plan, choose 'Original Medicare (Part B drug)'.",
        "governing_law": "42 CFR 422 Subpart M; Part B drug timeframes of CMS-4180-F",
        "first_level_reviewer": "The Medicare Advantage plan (reconsideration)",
        "next_level": "Automatic forwarding to the Part C Independent Review Entity, then an ALJ, the Medicare Appeals Council and federal court",
        "state_step_therapy_law_applies": False,
        "stages": _ma_part_b_stages(),
    },
    {
        "slug": "original-medicare-part-b",
        "name": "Original Medicare (Part B drug)",
        "order": 8,
        "description": "Original Medicare (the red-white-and-blue Medicare card, no Medicare Advantage plan) denying a "
        "drug given in a clinic, decided by a Medicare Administrative Contractor.",
        "how_to_tell": "If you show the red-white-and-blue Medicare card for doctor visits and have no Medicare Advantage "
        "plan, a clinic-given drug is decided by Original Medicare; the denial comes on a Medicare Summary Notice. A "
        "stand-alone Part D plan covers only pharmacy drugs.",
        "governing_law": "SSA §1869; 42 CFR 405 Subpart I",
        "first_level_reviewer": "The Medicare Administrative Contractor (redetermination)",
        "next_level": "Reconsideration by a Qualified Independent Contractor, on the beneficiary's own request (nothing "
        "is forwarded), then an ALJ, the Medicare Appeals Council and federal court",
        "state_step_therapy_law_applies": False,
        "stages": _original_medicare_stages(),
    },
    {
        "slug": "medicaid-managed-care",
        "name": "Medicaid managed care plan",
        "order": 9,
        "description": "Medicaid coverage run by a managed care organization such as Molina.",
        "how_to_tell": "If your Medicaid card names a health plan company, you are in managed care. If it only names the "
        "state, you have fee-for-service Medicaid and appeal through a state fair hearing instead.",
        "governing_law": "42 CFR 438 Subpart F (2016 final rule, 81 FR 27498)",
        "first_level_reviewer": "The managed care organization",
        "next_level": "A state fair hearing, after the plan's appeal",
        "state_step_therapy_law_applies": False,
        "stages": _medicaid_stages(),
    },
    {
        "slug": "fehb",
        "name": "Federal employee plan (FEHB)",
        "order": 10,
        "description": "Coverage through the Federal Employees Health Benefits Program, such as FEP Blue.",
        "how_to_tell": "If you or your spouse work or worked for the federal government and chose a plan during Open Season, "
        "it is FEHB. Appeals go to the carrier, then to the Office of Personnel Management.",
        "governing_law": "5 CFR 890.105 and 890.107; the plan brochure, Section 8",
        "first_level_reviewer": "The carrier (reconsideration)",
        "next_level": "Review by the Office of Personnel Management (OPM), then a lawsuit against OPM",
        "state_step_therapy_law_applies": False,
        "stages": _fehb_stages(),
    },
    {
        "slug": "church-plan",
        "name": "Church or religious employer plan",
        "order": 11,
        "description": "Health coverage through a church, a church association or a religious employer's own plan.",
        "how_to_tell": "The plan documents say it is a church plan. Religious hospitals and universities may instead "
        "offer an ordinary insured or self-funded plan; the Summary of Benefits and Coverage or the benefits office "
        "can say which.",
        "governing_law": "",
        "first_level_reviewer": "The plan",
        "next_level": "",
        "state_step_therapy_law_applies": False,
        "letter_cites_law": False,
        "outside_scope_note": _CHURCH_NOTE,
        "stages": _outside_scope_stages(_CHURCH_NOTE),
    },
    {
        "slug": "tricare",
        "name": "TRICARE (military health plan)",
        "order": 12,
        "description": "Coverage for service members, retirees and their families through TRICARE.",
        "how_to_tell": "The card says TRICARE. TRICARE For Life pays after Medicare; a Medicare denial is appealed under "
        "Medicare's rules.",
        "governing_law": "",
        "first_level_reviewer": "TRICARE's contractor",
        "next_level": "",
        "state_step_therapy_law_applies": False,
        "letter_cites_law": False,
        "outside_scope_note": _TRICARE_NOTE,
        "stages": _outside_scope_stages(_TRICARE_NOTE),
    },
]

# A payer that sells one plan type is offered the new types its members may
# really have: a public employer's plan beside its employer plans; a Medicare
# Advantage plan's Part D benefit beside its Part B one; Original Medicare's
# Part B beside a stand-alone Part D plan.  Church plans and TRICARE are offered
# with every payer (PlanForm), since the person must be able to say so.
OFFERED_WITH = {
    "non-federal-governmental": ("employer-self-funded", "employer-fully-insured"),
    "medicare-advantage-part-d": ("medicare-advantage", "medicare-part-d"),
    "original-medicare-part-b": ("medicare-part-d",),
}

for _entry in PLAN_TYPES:
    _entry["appeal_rights"] = APPEAL_RIGHTS.get(_entry["slug"], "")
    _entry["enclosures"] = ENCLOSURES.get(_entry["slug"], "")
    # The first written denial's rules, as the plan types had before stages (and as the public pages show).
    _entry["rules"] = _entry["stages"][FIRST_DENIAL]["rules"]
