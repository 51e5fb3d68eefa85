"""The program-specific arguments in the letter body: the Part D prescriber's
supporting statement built from the answers, the ACA formulary exception, the
Medicare Advantage limits, continuation of benefits, and the urgency rule, each
asserted only for its plan type and denial type and only where the answers
support it.  Letters are rendered as the product renders them
(``letter_for_case`` on a case walked through every step)."""

from __future__ import annotations

import dataclasses
import datetime
import html
import io
import re

import pytest
from django.utils import timezone
from docx import Document

from appeals.letters import arguments
from appeals.letters.case_letter import letter_for_case
from appeals.letters.word import case_letter_docx
from appeals.models import Case, LetterTemplate
from tests.support.cases import answer_every_step, opened_case, save_answers

pytestmark = pytest.mark.django_db

ALTERNATIVES = [
    {"drug": "Tofacitinib 5 mg", "ground": "tried_and_failed", "explanation": "Stopped in 2023 after a pulmonary embolism."},
    {"drug": "Baricitinib 2 mg", "ground": "contraindicated", "explanation": "Same JAK-class thrombosis warning."},
]
CERTIFICATION = "all covered Part D drugs on any tier of your formulary"


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(days: int) -> str:
    return (today() - datetime.timedelta(days=days)).isoformat()


def walked_case(*, drug="upadacitinib", payer="humana", denial="non-formulary", plan_type="medicare-part-d", plan=None, **steps):
    """A case answered on every step, then with the plan type and the given steps' answers replaced."""
    case, _ = opened_case(drug=drug, payer=payer, denial=denial)
    answer_every_step(case)
    case = Case.objects.get(pk=case.pk)
    save_answers(case, "plan", {**case.step_answers("plan"), "plan_type": plan_type, **(plan or {})})
    for step, data in steps.items():
        save_answers(case, step, data)
    return Case.objects.get(pk=case.pk)


def letter_text(case: Case, voice: str = "prescriber") -> str:
    template = LetterTemplate.objects.get(denial_type=case.denial_type, voice=voice, payer=None, plan_type=None)
    body = letter_for_case(case, template).html()
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture
def verified_ma(monkeypatch):
    """The Medicare Advantage provisions as if staff had confirmed their text,
    to test when they are asserted (they are not verified as shipped)."""
    for key in ("ma_step_therapy_new_starts", "ma_medicare_coverage_rules_first", "ma_authorization_course_of_treatment"):
        monkeypatch.setitem(arguments.PROVISIONS, key, dataclasses.replace(arguments.PROVISIONS[key], verified=True))


def test_d9_part_d_non_formulary_letter_contains_the_423_578_b_5_statement_built_from_the_answers(demo_catalog):
    case = walked_case(alternatives={"items": ALTERNATIVES})
    text = letter_text(case)
    statement = text[text.index("Prescriber's supporting statement") : text.index("point by point")]
    assert "I request a formulary exception" in statement and "42 CFR 423.578(b)" in statement
    assert CERTIFICATION in statement and "42 CFR 423.578(b)(5)(i)" in statement
    for item in ALTERNATIVES:
        assert item["drug"] in statement and item["explanation"] in statement
    assert "Tried before (same drug, class or mechanism) and stopped" in statement
    # The patient's letter refers to the prescriber's statement; it does not make it.
    patient = letter_text(case, voice="patient")
    assert "The exception needs my prescriber's supporting statement" in patient and CERTIFICATION not in patient


def test_the_statement_survives_into_the_word_file(demo_catalog):
    case = walked_case(alternatives={"items": ALTERNATIVES})
    template = LetterTemplate.objects.get(denial_type=case.denial_type, voice="prescriber", payer=None, plan_type=None)
    document = Document(io.BytesIO(case_letter_docx(case, template)))
    text = " ".join(paragraph.text for paragraph in document.paragraphs)
    assert CERTIFICATION in text and "Tofacitinib 5 mg" in text and "42 CFR 423.578(b)(5)(i)" in text


def test_without_alternatives_the_letter_does_not_claim_they_were_assessed_and_the_review_warns(demo_catalog):
    case = walked_case(alternatives={"items": []})
    text = letter_text(case)
    assert "I request a formulary exception" in text
    assert CERTIFICATION not in text and "423.578(b)(5)(i)" not in text
    warnings = arguments.case_arguments(case)["warnings"]
    assert any("No formulary alternatives are listed" in warning for warning in warnings)


def test_no_part_d_statement_or_exception_rules_for_a_commercial_plan(demo_catalog):
    case = walked_case(payer="cigna", plan_type="employer-self-funded", alternatives={"items": ALTERNATIVES})
    text = letter_text(case)
    assert "423.578" not in text and CERTIFICATION not in text and "Prescriber's supporting statement" not in text
    assert "156.122" not in text and "438.420" not in text


def test_part_d_quantity_limit_letter_states_the_dose_restriction_ground(demo_catalog):
    case = walked_case(denial="quantity-limit")
    text = letter_text(case)
    assert "I request an exception to your quantity limit" in text
    assert "the number of doses your limit (1 vial per 28 days) allows has been, or is likely to be, ineffective" in text
    assert "42 CFR 423.578(b)(5)(ii)" in text and CERTIFICATION not in text


def test_part_d_step_therapy_letter_lists_each_prior_treatment_with_dates_and_outcome(demo_catalog):
    treatments = {"items": [{"drug": "Adalimumab", "dose": "40 mg", "started_on": "2022-01-05", "stopped_on": "2023-02-01",
                             "outcome": "loss_of_response", "notes": "DAS28 rose to 5.1."}]}  # fmt: skip
    text = letter_text(walked_case(denial="step-therapy", treatments=treatments))
    assert "I request an exception to your step-therapy requirement" in text and "42 CFR 423.578(b)(5)(iii)" in text
    assert "Adalimumab 40 mg" in text and "01/2022–02/2023, worked, then stopped working: DAS28 rose to 5.1." in text


def test_ma_step_therapy_not_new_start_is_asserted_only_when_the_answers_show_the_drug_in_the_past_year(
    demo_catalog, verified_ma
):
    recent = {
        "items": [{"drug": "Anifrolumab", "started_on": days_ago(400), "stopped_on": days_ago(30), "outcome": "intolerance"}]
    }
    not_approved = {"previously_approved": "no"}
    shown = letter_text(
        walked_case(drug="anifrolumab", denial="step-therapy", plan_type="medicare-advantage", treatments=recent,
                    authorization=not_approved)
    )  # fmt: skip
    assert "My patient is not a new start" in shown and "42 CFR 422.136" in shown

    long_ago = {
        "items": [{"drug": "Anifrolumab", "started_on": days_ago(900), "stopped_on": days_ago(400), "outcome": "intolerance"}]
    }
    other_drug = {
        "items": [{"drug": "Belimumab", "started_on": days_ago(200), "stopped_on": "", "outcome": "inadequate_response"}]
    }
    for treatments in (long_ago, other_drug, {"items": []}):
        text = letter_text(
            walked_case(drug="anifrolumab", denial="step-therapy", plan_type="medicare-advantage", treatments=treatments,
                        authorization=not_approved)
        )  # fmt: skip
        assert "not a new start" not in text and "422.136" not in text


def test_ma_not_new_start_from_an_approval_that_ran_within_the_past_year(demo_catalog, verified_ma):
    approval = {"previously_approved": "yes", "authorization_number": "PA-5", "approved_until": days_ago(100)}
    text = letter_text(
        walked_case(drug="anifrolumab", denial="step-therapy", plan_type="medicare-advantage",
                    treatments={"items": []}, authorization=approval)
    )  # fmt: skip
    assert "under your approval through" in text and "422.136" in text
    lapsed = {**approval, "approved_until": days_ago(500)}
    text = letter_text(
        walked_case(drug="anifrolumab", denial="step-therapy", plan_type="medicare-advantage",
                    treatments={"items": []}, authorization=lapsed)
    )  # fmt: skip
    assert "422.136" not in text


def test_ma_course_of_treatment_only_when_previously_approved(demo_catalog, verified_ma):
    approved = letter_text(
        walked_case(drug="anifrolumab", denial="site-of-care", plan_type="medicare-advantage",
                    authorization={"previously_approved": "yes", "authorization_number": "PA-77"})
    )  # fmt: skip
    assert "(authorization PA-77)" in approved and "42 CFR 422.138(c)" in approved
    assert "42 CFR 422.101(b)(6)" in approved  # site of care turns on which coverage criteria apply
    for answer in ("no", "unsure"):
        text = letter_text(
            walked_case(drug="anifrolumab", denial="site-of-care", plan_type="medicare-advantage",
                        authorization={"previously_approved": answer})
        )  # fmt: skip
        assert "422.138" not in text


def test_unverified_provisions_are_never_asserted_as_shipped(demo_catalog):
    unverified = [p.citation for p in arguments.PROVISIONS.values() if not p.verified]
    assert "42 CFR 422.136" in unverified
    recent = {"items": [{"drug": "Anifrolumab", "started_on": days_ago(60), "stopped_on": "", "outcome": "intolerance"}]}
    case = walked_case(drug="anifrolumab", payer="humana", denial="step-therapy", plan_type="medicare-advantage",
                       treatments=recent, authorization={"previously_approved": "yes", "approved_until": days_ago(-60)})  # fmt: skip
    text = letter_text(case)
    for citation in unverified:
        assert citation not in text
    insured = walked_case(drug="anifrolumab", payer="cigna", denial="step-therapy", plan_type="employer-fully-insured",
                          authorization={"previously_approved": "yes", "approved_until": days_ago(-60)})  # fmt: skip
    assert "2560.503-1(f)(2)(ii)" not in letter_text(insured)


@pytest.mark.parametrize(
    ("plan_type", "expedited", "citation"),
    [
        ("medicare-advantage", True, "42 CFR 422.584(c)(2)(ii)"),
        ("medicare-part-d", True, "42 CFR 423.584(c)(2)(ii)"),
    ],
)
def test_the_urgency_certification_cites_the_programs_own_rule(demo_catalog, plan_type, expedited, citation):
    case = walked_case(drug="anifrolumab", denial="step-therapy", plan_type=plan_type, plan={"expedited": expedited})
    text = letter_text(case)
    assert "obliges you to expedite this review" in text and citation in text
    other = "423.584" if plan_type == "medicare-advantage" else "422.584"
    assert other not in text
    assert "you must expedite the review" in letter_text(case, voice="patient")


def test_no_urgency_rule_without_an_expedited_request_or_for_a_plan_type_without_a_read_rule(demo_catalog):
    standard = letter_text(walked_case(drug="anifrolumab", denial="step-therapy", plan_type="medicare-advantage",
                                       plan={"expedited": False}))  # fmt: skip
    # (422.584 may still be named in the rights list: the right to ask for an expedited review.)
    assert "obliges you to expedite" not in standard
    erisa = letter_text(walked_case(drug="anifrolumab", payer="cigna", denial="step-therapy",
                                    plan_type="employer-self-funded", plan={"expedited": True}))  # fmt: skip
    assert "obliges you to expedite" not in erisa


def test_a_part_d_case_at_the_pharmacy_counter_cites_the_coverage_determination_rule(demo_catalog):
    case = walked_case(denial="step-therapy", plan={"expedited": True, "stage": "pharmacy_rejection"})
    text = letter_text(case)
    assert "(42 CFR 423.570)" in text and "423.584(c)(2)(ii)" not in text


def test_aca_formulary_exception_only_for_a_non_formulary_denial_on_an_individual_plan(demo_catalog):
    text = letter_text(walked_case(payer="cigna", plan_type="aca-individual", alternatives={"items": ALTERNATIVES}))
    assert "45 CFR 156.122(c)" in text and "within 72 hours" in text and "within 24 hours" in text
    assert "external exception review by an independent review organization" in text
    assert "I ask for external exception review" in letter_text(
        walked_case(payer="cigna", plan_type="aca-individual"), voice="patient"
    )
    for payer, plan_type, denial in (
        ("cigna", "aca-individual", "step-therapy"),
        ("cigna", "employer-fully-insured", "non-formulary"),
        ("humana", "medicare-part-d", "non-formulary"),
    ):
        assert "156.122" not in letter_text(walked_case(payer=payer, plan_type=plan_type, denial=denial))


def test_medicaid_continuation_is_asked_only_for_an_authorization_still_running(demo_catalog):
    running = {"previously_approved": "yes", "authorization_number": "PA-9", "approved_until": days_ago(-45)}
    case = walked_case(payer="molina", plan_type="medicaid-managed-care", authorization=running)
    text = letter_text(case)
    assert "My patient asks that the treatment continue while this appeal is pending" in text and "42 CFR 438.420" in text
    assert "I ask that my treatment continue while this appeal is pending" in letter_text(case, voice="patient")
    guidance = arguments.case_arguments(case)["guidance"]
    assert any("within 10 days" in item["text"] and item["citation"] == "42 CFR 438.420" for item in guidance)
    # The patient's own timing is guidance for the person, not an argument to the plan.
    assert "within 10 days" not in text

    for authorization in (
        {"previously_approved": "no"},
        {"previously_approved": "yes", "approved_until": days_ago(10)},  # the approval has run out
        {"previously_approved": "yes"},  # its period is not known
    ):
        assert "438.420" not in letter_text(walked_case(payer="molina", plan_type="medicaid-managed-care",
                                                        authorization=authorization))  # fmt: skip


def test_fehb_consent_is_an_enclosure_and_part_d_ire_rule_is_guidance(demo_catalog):
    fehb = arguments.case_arguments(walked_case(payer="fep-blue", plan_type="fehb"))
    assert any("5 CFR 890.105(a)(2)" in item for item in fehb["enclosures"])
    part_d = arguments.case_arguments(walked_case(alternatives={"items": ALTERNATIVES}))
    assert [item["citation"] for item in part_d["guidance"]] == ["42 CFR 423.600(c)"]
    assert "423.600(c)" not in letter_text(walked_case(alternatives={"items": ALTERNATIVES}))


def test_nothing_is_asserted_when_the_plan_type_is_not_known(demo_catalog):
    case = walked_case(plan_type="not-sure", alternatives={"items": ALTERNATIVES}, plan={"expedited": True})
    text = letter_text(case)
    # (The deadline table of "not sure" is another matter: only this module's arguments are checked.)
    for phrase in ("Prescriber's supporting statement", "423.578(b)(5)(i)", "156.122", "obliges you to expedite",
                   "438.420", "422.136", "Rules of this plan type"):  # fmt: skip
        assert phrase not in text
    assert arguments.case_arguments(case) == {
        "prescriber": {"statement": None, "points": [], "urgency": None},
        "patient": {"statement": None, "points": [], "urgency": None},
        "enclosures": [],
        "guidance": [],
        "warnings": [],
    }


def test_the_review_page_warns_what_the_statement_needs_without_blocking(client, demo_catalog):
    case, case_url = opened_case(drug="upadacitinib", payer="humana", denial="non-formulary")
    answer_every_step(case)
    save_answers(Case.objects.get(pk=case.pk), "alternatives", {"items": []})
    page = html.unescape(client.get(case_url + "review/").content.decode())
    assert "Before you go on" in page and "No formulary alternatives are listed" in page
    assert "Continue to payment" in page

    commercial, commercial_url = opened_case(drug="upadacitinib", payer="cigna", denial="non-formulary")
    answer_every_step(commercial)
    assert "Before you go on" not in client.get(commercial_url + "review/").content.decode()


def test_the_status_page_next_steps_carry_the_guidance_and_the_packet_the_enclosure(demo_catalog):
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    from appeals.delivery.status import next_steps
    from appeals.letters.packet import case_packet

    running = {"previously_approved": "yes", "approved_until": days_ago(-45)}
    case = walked_case(payer="molina", plan_type="medicaid-managed-care", authorization=running)
    steps = next_steps(SimpleNamespace(case=case, template=None))
    page = html.unescape(render_to_string("appeals/delivery/next_steps.html", {"next": steps, "calendar_url": "#"}))
    assert "Good to know for this plan" in page and "within 10 days" in page and "42 CFR 438.420" in page

    fehb = walked_case(drug="pembrolizumab", payer="fep-blue", denial="medical-necessity", plan_type="fehb")
    assert any("890.105(a)(2)" in item for item in next_steps(SimpleNamespace(case=fehb, template=None))["enclosures"])
    packet = html.unescape(case_packet(fehb, None, today=today()).office_html(None))
    enclosures = packet[packet.index("Also attach, where it applies") :]
    assert "specific written consent for the prescriber to pursue this disputed claim (5 CFR 890.105(a)(2))" in enclosures


def test_an_expedited_case_lists_the_prescribers_urgency_statement_and_ma_guidance_names_the_notice(demo_catalog):
    expedited = arguments.case_arguments(walked_case(drug="anifrolumab", denial="step-therapy", plan={"expedited": True}))
    assert any(item.startswith("If the member files: the prescriber's statement") for item in expedited["enclosures"])
    standard = arguments.case_arguments(walked_case(drug="anifrolumab", denial="step-therapy", plan={"expedited": False}))
    assert standard["enclosures"] == []
    erisa = arguments.case_arguments(walked_case(drug="anifrolumab", payer="cigna", denial="step-therapy",
                                                 plan_type="employer-self-funded", plan={"expedited": True}))  # fmt: skip
    assert erisa["enclosures"] == []  # no verified rule binds the plan to the physician's indication here

    ma = arguments.case_arguments(walked_case(drug="anifrolumab", denial="step-therapy", plan_type="medicare-advantage",
                                              plan={"expedited": False}))  # fmt: skip
    assert [item["citation"] for item in ma["guidance"]] == ["42 CFR 422.578"]
