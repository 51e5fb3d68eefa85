"""A made-up case with every section answered, to render letter templates
against before they are saved (and in the admin preview).  No real person."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from appeals.catalog.deadlines import CaseDates, compute_deadlines
from appeals.catalog.models import DenialType, Drug, Payer, PlanType
from appeals.catalog.plan_rules import rules_for
from appeals.intake.answers import (
    EXCEPTION,
    MET,
    NOT_SURE,
    AlternativeAnswers,
    AuthorizationAnswers,
    CaseAnswers,
    CriteriaAnswers,
    CriterionAnswer,
    DiagnosisAnswers,
    EvidenceAnswers,
    PatientAnswers,
    PlanAnswers,
    PrescriberAnswers,
    RequestedDrugAnswers,
    TreatmentAnswers,
)
from appeals.letters.context import build_letter_context


@dataclass(frozen=True)
class SampleCriterion:
    key: str
    requirement: str
    source_title: str
    effective_date: datetime.date
    kind: str = ""
    provenance: str = "typical"  # a sample is nobody's published policy
    retrieved_on: datetime.date | None = None


SAMPLE_CRITERIA = [
    SampleCriterion(
        "diagnosis", "Diagnosis confirmed by a specialist", "Sample coverage policy", datetime.date(2026, 1, 1), "diagnosis"
    ),
    SampleCriterion(
        "prior-therapy",
        "Trial of a preferred drug for 12 weeks",
        "Sample coverage policy",
        datetime.date(2026, 1, 1),
        "prior_therapy",
    ),
]


def sample_answers(plan_type: PlanType | None, today: datetime.date) -> CaseAnswers:
    """Every step answered, through the answers' schema."""
    return CaseAnswers(
        plan=PlanAnswers(plan_type=plan_type.slug if plan_type else NOT_SURE, notice_date=today - datetime.timedelta(days=12),
                         expedited=True, claim_number="CLM-000000", reference_number="REF-000000"),
        patient=PatientAnswers(patient_name="Sample Patient", birth_date=datetime.date(1980, 1, 1), member_id="SAMPLE0001",
                               group_number="G-0001", state="TX", email="sample@example.org"),
        diagnosis=DiagnosisAnswers(icd10_code="M32.14", icd10_description="Glomerular disease in systemic lupus erythematosus",
                                   diagnosed_on=datetime.date(2019, 6, 1), severity="moderate", activity_measure="SLEDAI-2K",
                                   activity_score="10", activity_measured_on=today - datetime.timedelta(days=20),
                                   earlier_activity_score="6", earlier_activity_measured_on=today - datetime.timedelta(days=200)),
        evidence=EvidenceAnswers(compendia=["drugdex"], evidence_level="Sample rating", guidelines="Sample guideline, 2025", literature="Sample study, 2024"),
        drug=RequestedDrugAnswers(dose="300 mg", route="iv", frequency="every 4 weeks", quantity="1 vial",
                                  quantity_limit="1 vial per 28 days", quantity_reason="Sample reason.",
                                  site="hospital_outpatient", site_reason="Sample reason.",
                                  why_now="Sample reason for this drug now.", delay_risk="Sample risk of delay."),
        treatments=[TreatmentAnswers(drug="Sample drug", dose="400 mg daily", started_on=datetime.date(2020, 1, 10),
                                     stopped_on=datetime.date(2021, 3, 1), outcome="inadequate_response")],
        alternatives=[AlternativeAnswers(drug="Sample alternative", ground="expected_ineffective", explanation="Sample.")],
        authorization=AuthorizationAnswers(previously_approved="yes", authorization_number="PA-0001",
                                           approved_until=datetime.date(2026, 6, 30)),
        criteria=CriteriaAnswers(items=[
            CriterionAnswer(key="diagnosis", status=MET, evidence="Clinic note", evidence_date=datetime.date(2026, 10, 1)),
            CriterionAnswer(key="prior-therapy", status=EXCEPTION, ground="contraindicated", explanation="Sample."),
        ], other_reasons="Sample other reason."),
        prescriber=PrescriberAnswers(prescriber_name="Sample Prescriber", credentials="MD", specialty="Rheumatology",
                                     npi="1234567893", practice_name="Sample Clinic", address_line1="1 Sample Street",
                                     city="Austin", state="TX", zip_code="78701", phone="(512) 555-0100", fax="(512) 555-0101",
                                     peer_to_peer_times="Sample call times"),
    )  # fmt: skip


def sample_context(denial_type: DenialType, plan_type: PlanType | None, payer: Payer | None = None) -> dict:
    today = timezone.localdate()
    answers = sample_answers(plan_type, today)
    drug = Drug(name="Sampledrug", generic_name="sampledrug-xxxx", hcpcs_code="J0000")
    payer = payer or Payer(
        name="Sample Health Plan",
        appeals_address="PO Box 1\nSample City, TX 78701",
        appeals_fax="(800) 555-0100",
        appeals_phone="(800) 555-0102",
    )
    rules = rules_for(plan_type, answers.plan.appeal_stage)
    deadlines = compute_deadlines(rules, CaseDates(notice_date=today - datetime.timedelta(days=12), today=today, expedited=True))
    return build_letter_context(
        answers=answers,
        drug=drug,
        payer=payer,
        denial_type=denial_type,
        criteria=SAMPLE_CRITERIA,
        deadlines=deadlines,
    )
