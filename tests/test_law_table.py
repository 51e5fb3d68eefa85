"""The law each letter states, as one table: plan type × stage × the state the
policy was issued in × denial type.

Each row is a case built through the wizard's own steps, then given the row's
plan type, stage and states.  For each, the prescriber's letter (and for the
claims it must not make, the patient's letter too) is read back as text:

- ``cites``: what the letter must say (the request it makes, the rule it cites);
- ``never``: what it must not say (another program's rule, a state law that does
  not apply, a clock the product cannot source);
- ``clocks``: the catalog's clocks for the row's plan type and stage (step →
  amount and unit), which the wizard, the status page and the letter use.

The rows cover the outside law review's WRONG items (E16, E21, A7, D14, D15,
C5, G3) and the IMPRECISE ones that change what a letter says (E10, E12, E13,
E15, E17, M4, C7, C8).  Dates are relative to the day the suite runs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from appeals.catalog.models import PlanType
from appeals.catalog.plan_rules import rules_for
from appeals.letters.case_letter import letter_for_case
from appeals.letters.packet import case_packet
from appeals.models import Case, LetterTemplate
from tests.support.cases import answer_every_step, opened_case, save_answers
from tests.support.wizard_answers import days_ago

pytestmark = pytest.mark.django_db

NO_STATE_LAW = ("step-therapy law", "where my patient lives", "where I live")
TEXAS = "Tex. Ins. Code §1369.0546"


@dataclass(frozen=True)
class Row:
    id: str
    plan: str
    stage: str
    denial: str
    policy_state: str = "TX"
    patient_state: str = ""  # defaults to the policy state
    drug: str = "anifrolumab"
    payer: str = "cigna"
    expedited: bool = False
    already_given: bool = False  # a payment request for a drug already given (post-service)
    cites: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    clocks: dict = field(default_factory=dict)
    steps: dict = field(default_factory=dict)  # other steps' answers, as stored
    patient_cites: tuple[str, ...] = ()  # what the patient's own letter must say
    packet: tuple[str, ...] = ()  # what the prescriber's packet (fax cover, enclosures, checklist) must say
    packet_never: tuple[str, ...] = ()


D, H, M = "days", "hours", "months"
ERISA_FIRST = {"file_appeal": (180, D), "decision_standard": (30, D), "decision_expedited": (72, H)}

ROWS = [
    # --- Employer plans under ERISA, self-funded: DOL's rules, never a state's (E12, E13, E18) ---
    Row("esf-first-tx-step", "employer-self-funded", "first_denial", "step-therapy",
        cites=("Appeal of an adverse benefit determination", "29 CFR 2560.503-1"),
        never=(TEXAS, "45 CFR 147.136(d)", *NO_STATE_LAW), clocks=ERISA_FIRST),
    Row("esf-pharmacy-tx-nonformulary", "employer-self-funded", "pharmacy_rejection", "non-formulary",
        drug="upadacitinib", cites=("Request for coverage (pre-service claim)", "To the coverage reviewer"),
        never=("423.578", "156.122", TEXAS, "To the appeals reviewer", "Rights that apply to this appeal"),
        clocks={"decision_standard": (15, D), "decision_expedited": (72, H)},
        packet=("The pharmacy's or the plan's refusal, if you have it in writing", "To Cigna, Appeals"),
        packet_never=("The denial notice from",)),
    Row("esf-appeal-denied-ca-necessity", "employer-self-funded", "appeal_denied", "medical-necessity",
        policy_state="CA", drug="pembrolizumab", payer="aetna", cites=("Second-level appeal",),
        never=("45 CFR 147.136(d)",), clocks={"decision_standard": (15, D)}),
    Row("esf-final-ny-necessity", "employer-self-funded", "final_internal_denial", "medical-necessity",
        policy_state="NY", drug="pembrolizumab", payer="aetna", cites=("Request for external review", "29 CFR 2590.715-2719"),
        never=("45 CFR 147.136(d)",), clocks={"file_appeal": (4, M), "decision_standard": (45, D), "decision_expedited": (72, H)},
        packet=("To Aetna, Appeals",)),  # DOL's external review is filed with the plan
    Row("esf-first-tx-site", "employer-self-funded", "first_denial", "site-of-care", drug="atezolizumab", payer="anthem",
        never=(TEXAS, *NO_STATE_LAW), clocks=ERISA_FIRST),
    # G6: a drug already given is a payment request, whose decision clocks the catalog does not hold: none is stated.
    Row("esf-first-already-given", "employer-self-funded", "first_denial", "step-therapy", already_given=True,
        cites=("Appeal of an adverse benefit determination",), never=("The plan must decide", "30 days")),
    Row("esf-first-expedited", "employer-self-funded", "first_denial", "step-therapy", expedited=True,
        cites=("29 CFR 2560.503-1(i)(2)(i)",), never=(TEXAS,), clocks=ERISA_FIRST),
    # --- Employer plans, fully insured: the state where the policy was issued (E15, E16, E17, A7) ---
    Row("efi-first-tx-step", "employer-fully-insured", "first_denial", "step-therapy",
        cites=(TEXAS, "(c)(2)", "29 CFR 2560.503-1"), never=("where my patient lives",), clocks=ERISA_FIRST,
        # Texas has the prescriber submit the exception request (§1369.0546(b)): the patient points to it.
        patient_cites=("the request for an exception to the protocol is submitted by my prescriber",)),
    Row("efi-first-al-step", "employer-fully-insured", "first_denial", "step-therapy", policy_state="AL",
        never=NO_STATE_LAW, clocks=ERISA_FIRST),
    Row("efi-first-al-site", "employer-fully-insured", "first_denial", "site-of-care", policy_state="AL",
        drug="atezolizumab", payer="anthem", never=NO_STATE_LAW),
    Row("efi-first-tx-site", "employer-fully-insured", "first_denial", "site-of-care", drug="atezolizumab",
        payer="anthem", never=(TEXAS, *NO_STATE_LAW)),
    Row("efi-first-tx-necessity", "employer-fully-insured", "first_denial", "medical-necessity", drug="pembrolizumab",
        payer="aetna", never=(TEXAS, *NO_STATE_LAW)),
    Row("efi-lives-tx-policy-al", "employer-fully-insured", "first_denial", "step-therapy", policy_state="AL",
        patient_state="TX", never=(TEXAS, *NO_STATE_LAW)),
    Row("efi-lives-al-policy-tx", "employer-fully-insured", "first_denial", "step-therapy", policy_state="TX",
        patient_state="AL", cites=(TEXAS, "policy issued in Texas")),
    Row("efi-final-tx-necessity", "employer-fully-insured", "final_internal_denial", "medical-necessity",
        drug="pembrolizumab", payer="aetna", cites=("Request for external review", "45 CFR 147.136(c)"),
        never=("147.136(d)(2)(iii)(B)(6)", "147.136(d)(3)(iv)", "29 CFR 2560.503-1(h)(2)(iii)"), clocks={"file_appeal": (4, M)},
        packet=("To An independent review organization under the state's external review law",
                "Sent to the state external review office named in the plan's final denial",
                "with a copy to Aetna", "The notice of the decision being reviewed"),
        packet_never=("Aetna, Appeals", "The denial notice from")),
    Row("efi-first-sd-step", "employer-fully-insured", "first_denial", "step-therapy", policy_state="SD",
        cites=("S.D. Codified Laws §58-17H-55", "5 calendar days", "deemed granted"),
        patient_cites=("The statute provides an exception to the protocol on the grounds below, and I ask the plan to grant it",)),
    Row("efi-first-mo-step", "employer-fully-insured", "first_denial", "step-therapy", policy_state="MO",
        cites=("376.2034",), never=(TEXAS,)),
    Row("efi-first-ny-step", "employer-fully-insured", "first_denial", "step-therapy", policy_state="NY",
        never=NO_STATE_LAW),  # no New York statute text was read: no claim
    # --- ACA individual market ---
    Row("aca-first-tx-step", "aca-individual", "first_denial", "step-therapy",
        cites=(TEXAS, "45 CFR 147.136"), never=("29 CFR 2590.715-2719",), clocks={"file_appeal": (180, D)}),
    Row("aca-pharmacy-al-nonformulary", "aca-individual", "pharmacy_rejection", "non-formulary", policy_state="AL",
        drug="upadacitinib", cites=("Request for a coverage decision and formulary exception", "45 CFR 156.122(c)",
                                    "within 72 hours of the plan receiving the request"),
        never=NO_STATE_LAW, clocks={"decision_standard": (72, H), "decision_expedited": (24, H)}),
    Row("aca-first-al-nonformulary", "aca-individual", "first_denial", "non-formulary", policy_state="AL",
        drug="upadacitinib", never=(*NO_STATE_LAW, "423.578")),
    Row("aca-appeal-denied-tx-necessity", "aca-individual", "appeal_denied", "medical-necessity", drug="pembrolizumab",
        payer="aetna", cites=("Request for external review",), never=("Second-level appeal",), clocks={"file_appeal": (4, M)}),
    # --- State and local government employer plans: 45 CFR 147.136, not ERISA (E21) ---
    Row("gov-first-tx-step", "non-federal-governmental", "first_denial", "step-therapy",
        cites=("45 CFR 147.136",), never=("ERISA",), clocks=ERISA_FIRST),
    Row("gov-final-necessity", "non-federal-governmental", "final_internal_denial", "medical-necessity",
        drug="pembrolizumab", payer="aetna", cites=("Request for external review",), never=("ERISA",), clocks={"file_appeal": (4, M)}),
    # --- Medicare Part D: the stage decides the instrument (D14); the exception argued (D9); no state law (D16) ---
    Row("partd-pharmacy-nonformulary-expedited", "medicare-part-d", "pharmacy_rejection", "non-formulary",
        drug="upadacitinib", payer="humana", expedited=True,
        cites=("Request for a coverage determination and exception", "423.578(b)(5)", "42 CFR 423.570"),
        never=("Request for redetermination", TEXAS), clocks={"decision_standard": (72, H), "decision_expedited": (24, H)}),
    Row("partd-first-nonformulary", "medicare-part-d", "first_denial", "non-formulary", drug="upadacitinib",
        payer="humana", cites=("Request for redetermination", "423.578(b)(5)(i)", "all covered Part D drugs on any tier",
                               "my patient will ask for the next level of review: The Part D Independent Review Entity"),
        never=(TEXAS, *NO_STATE_LAW), clocks={"file_appeal": (60, D), "decision_standard": (7, D), "decision_expedited": (72, H)}),
    Row("partd-first-quantity", "medicare-part-d", "first_denial", "quantity-limit", drug="upadacitinib",
        payer="humana", cites=("423.578(b)(5)(ii)",), never=(TEXAS,)),
    Row("partd-first-tx-step", "medicare-part-d", "first_denial", "step-therapy", drug="upadacitinib", payer="humana",
        cites=("423.578(b)(5)(iii)",), never=(TEXAS, *NO_STATE_LAW)),
    Row("partd-appeal-denied-nonformulary", "medicare-part-d", "appeal_denied", "non-formulary", drug="upadacitinib",
        payer="humana", cites=("Independent Review Entity",), never=("Request for redetermination",),
        clocks={"file_appeal": (65, D), "decision_standard": (7, D)},
        packet=("To The Part D Independent Review Entity", "with a copy to Humana"), packet_never=("Humana, Appeals",)),
    Row("mapd-first-nonformulary", "medicare-advantage-part-d", "first_denial", "non-formulary", drug="upadacitinib",
        payer="humana", cites=("Request for redetermination", "423.578(b)(5)"), never=("422.590", "422.582"),
        clocks={"file_appeal": (60, D), "decision_standard": (7, D)}),
    # --- Medicare Advantage, Part B drug (M4) ---
    Row("ma-first-tx-step", "medicare-advantage", "first_denial", "step-therapy", payer="humana",
        cites=("Request for reconsideration", "42 CFR 422.590(c)",
               "If you uphold the denial, you must send the case on to the next level yourself (42 CFR 422.592(a))"),
        never=(TEXAS, "423.578", *NO_STATE_LAW, "will ask for the next level"),
        clocks={"file_appeal": (60, D), "decision_standard": (7, D), "decision_expedited": (72, H)}),
    Row("ma-first-expedited", "medicare-advantage", "first_denial", "step-therapy", payer="humana", expedited=True,
        cites=("422.584(c)(2)(ii)",), never=("423.584",)),
    Row("ma-pharmacy-step", "medicare-advantage", "pharmacy_rejection", "step-therapy", payer="humana",
        cites=("Request for an organization determination",), clocks={"decision_standard": (72, H), "decision_expedited": (24, H)}),
    Row("ma-appeal-denied", "medicare-advantage", "appeal_denied", "step-therapy", payer="humana",
        cites=("Part C Independent Review Entity",), clocks={"file_appeal": (None, D)}),
    # --- Original Medicare, Part B drug: file with the contractor, nothing is forwarded (D15) ---
    Row("om-first-necessity", "original-medicare-part-b", "first_denial", "medical-necessity", drug="pembrolizumab",
        payer="humana", cites=("Request for redetermination", "42 CFR 405"), never=("422.592", "422.590", "Copy: Humana"),
        clocks={"file_appeal": (120, D), "file_next_level": (180, D)},
        # No plan decided an Original Medicare claim: the packet goes to the contractor on the notice, copied to no one.
        packet=("To The Medicare Administrative Contractor",
                "Sent to the Medicare Administrative Contractor named on the Medicare Summary Notice",
                "The notice of the decision being reviewed"),
        packet_never=("Humana, Appeals", "The denial notice from Humana", "a copy to Humana", ",,"),
        # The contractor reviews its own decision, so the redetermination's own right is claimed.
        patient_cites=("A redetermination by someone who did not make the initial determination (42 CFR 405.948)",)),
    Row("om-appeal-denied", "original-medicare-part-b", "appeal_denied", "medical-necessity", drug="pembrolizumab",
        payer="humana", cites=("Qualified Independent Contractor",), never=("Copy: Humana", "42 CFR 405.948"),
        clocks={"file_appeal": (180, D)},
        packet=("To The Qualified Independent Contractor (QIC)",), packet_never=("Humana, Appeals", "a copy to Humana")),
    # --- Medicaid managed care (C5, C7, C8) ---
    Row("mcd-first-tx-step", "medicaid-managed-care", "first_denial", "step-therapy", drug="upadacitinib", payer="molina",
        cites=("42 CFR 438",), never=("1927(d)(5)", TEXAS, *NO_STATE_LAW),
        clocks={"file_appeal": (60, D), "decision_standard": (30, D), "file_next_level": (120, D)}),
    Row("mcd-appeal-denied", "medicaid-managed-care", "appeal_denied", "step-therapy", drug="upadacitinib", payer="molina",
        cites=("state fair hearing",), clocks={"file_appeal": (120, D)},
        # The plan's appeal rights are not the state hearing officer's to grant.
        never=("438.406(b)(2)(ii)", "Rights that apply to this appeal"),
        packet=("with a copy to Molina",), packet_never=("Molina Healthcare, Appeals", "Molina, Appeals")),
    Row("mcd-first-running-approval", "medicaid-managed-care", "first_denial", "step-therapy", drug="upadacitinib",
        payer="molina", cites=("438.420",), patient_cites=("My plan approved this treatment before (authorization PA-1)",),
        steps={"authorization": {"previously_approved": "yes", "authorization_number": "PA-1", "approved_until": days_ago(-45)}}),
    # --- FEHB: no state law, no ERISA ---
    Row("fehb-first-tx-step", "fehb", "first_denial", "step-therapy", payer="fep-blue", cites=("5 CFR 890.105",),
        never=(TEXAS, "ERISA", *NO_STATE_LAW), clocks={"file_appeal": (6, M), "decision_standard": (30, D)}),
    Row("fehb-appeal-denied", "fehb", "appeal_denied", "medical-necessity", drug="pembrolizumab", payer="fep-blue",
        clocks={"file_appeal": (90, D)},
        # OPM decides this request: its clock is not called the plan's.
        never=("before the carrier decides", "The plan must decide"),
        cites=("Office of Personnel Management", "The Office of Personnel Management must decide",
               "of the Office of Personnel Management receiving the request"),
        packet=("Sent to the Office of Personnel Management",)),
    # --- Plan type not known, or coverage whose law the product does not hold (G3) ---
    Row("unsure-first-tx-step", "not-sure", "first_denial", "step-therapy", drug="nivolumab", payer="aetna",
        cites=("Appeal of a coverage denial",), never=("CFR", "ERISA", TEXAS, "This request is made under", *NO_STATE_LAW),
        # The person keeps only the earliest window to file: what follows it is another program's.
        packet=("The plan type was not known, so this is the earliest date to file",),
        packet_never=("Dates to keep after sending", "Nothing to file", "automatic")),
    Row("unsure-pharmacy-nonformulary", "not-sure", "pharmacy_rejection", "non-formulary", drug="upadacitinib",
        never=("CFR", "ERISA", TEXAS)),
    Row("church-first-tx-step", "church-plan", "first_denial", "step-therapy", never=("CFR", "ERISA", TEXAS)),
    Row("tricare-first-step", "tricare", "first_denial", "step-therapy", never=("CFR", "ERISA", TEXAS)),
]  # fmt: skip


def case_for(row: Row) -> Case:
    case, _ = opened_case(drug=row.drug, payer=row.payer, denial=row.denial)
    answer_every_step(case)
    case = Case.objects.get(pk=case.pk)
    plan = {**case.step_answers("plan"), "plan_type": row.plan, "stage": row.stage, "expedited": row.expedited}
    if row.already_given:
        plan["already_given"] = True
    save_answers(case, "plan", plan)
    patient = {**case.step_answers("patient"), "state": row.patient_state or row.policy_state}
    patient["policy_state"] = row.policy_state if row.patient_state else ""
    save_answers(case, "patient", patient)
    for step, stored in row.steps.items():
        save_answers(case, step, stored)
    return Case.objects.get(pk=case.pk)


def letter_text(case: Case, voice: str) -> str:
    template = LetterTemplate.objects.get(denial_type=case.denial_type, voice=voice, payer=None, plan_type=None)
    body = letter_for_case(case, template).html()
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def packet_text(case: Case) -> str:
    template = LetterTemplate.objects.get(denial_type=case.denial_type, voice="prescriber", payer=None, plan_type=None)
    packet = case_packet(case, template, today=timezone.localdate())
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", packet.preview_html())))
    return re.sub(r" ([,.;:])", r"\1", text)  # "<strong>Aetna</strong>, Appeals" reads "Aetna, Appeals"


def test_the_table_covers_every_plan_type_stage_and_the_wrong_items():
    assert len(ROWS) >= 40 and len({row.id for row in ROWS}) == len(ROWS)
    plans = {row.plan for row in ROWS}
    assert {"employer-self-funded", "employer-fully-insured", "non-federal-governmental", "aca-individual"} <= plans
    assert {"medicare-part-d", "medicare-advantage-part-d", "medicare-advantage", "original-medicare-part-b"} <= plans
    assert {"medicaid-managed-care", "fehb", "church-plan", "tricare", "not-sure"} <= plans
    assert {row.stage for row in ROWS} == {"pharmacy_rejection", "first_denial", "appeal_denied", "final_internal_denial"}


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_letter_states_only_the_law_of_its_case(demo_catalog, row):
    case = case_for(row)
    prescriber, patient = letter_text(case, "prescriber"), letter_text(case, "patient")
    for text in row.cites:
        assert text in prescriber, f"{row.id}: the letter must say {text!r}"
    for text in row.never:
        assert text not in prescriber, f"{row.id}: the prescriber's letter must not say {text!r}"
        assert text not in patient, f"{row.id}: the patient's letter must not say {text!r}"
    for text in row.patient_cites:
        assert text in patient, f"{row.id}: the patient's letter must say {text!r}"
    if row.clocks:
        plan_type = PlanType.objects.get(slug=row.plan)
        rules = {rule.step: (rule.amount, rule.unit) for rule in rules_for(plan_type, row.stage)}
        for step, clock in row.clocks.items():
            assert rules.get(step) == clock, f"{row.id}: {step} should be {clock}, is {rules.get(step)}"


PACKET_ROWS = [row for row in ROWS if row.packet or row.packet_never]


@pytest.mark.parametrize("row", PACKET_ROWS, ids=[row.id for row in PACKET_ROWS])
def test_each_packet_is_addressed_as_its_letter(demo_catalog, row):
    text = packet_text(case_for(row))
    for expected in row.packet:
        assert expected in text, f"{row.id}: the packet must say {expected!r}"
    for unwanted in row.packet_never:
        assert unwanted not in text, f"{row.id}: the packet must not say {unwanted!r}"
