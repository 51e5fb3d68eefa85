"""The plain data a letter is written from, built from a case's answers.

Templates see only this (dicts, lists, strings and dates), never model
instances, so a template cannot reach beyond what the letter should say.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateparse import parse_date

from appeals.deadlines import Deadline
from appeals.models import Case, DenialType, Drug, Payer, PlanType
from appeals.models.catalog import ExceptionGround
from appeals.wizard.forms import (
    MET,
    NOT_SURE,
    AuthorizationHistoryForm,
    CompendiaForm,
    DiagnosisForm,
    FormularyAlternativeForm,
    PatientForm,
    PrescriberForm,
    PriorTreatmentForm,
    RequestedDrugForm,
)
from appeals.wizard.steps import current_criteria


def _dates(item: dict, *names: str) -> dict:
    return {**item, **{name: parse_date(item[name]) for name in names if item.get(name)}}


def _all_fields(form_class, answers: dict, *extra: str) -> dict:
    """Every field of a step, empty when not asked or not answered, so a
    template can name any of them for any case."""
    return {**dict.fromkeys([*form_class.base_fields, *extra], ""), **answers}


def letter_context(case: Case, deadlines: list[Deadline]) -> dict:
    return build_letter_context(
        answers=case.answers,
        drug=case.drug,
        payer=case.payer,
        denial_type=case.denial_type,
        criteria=current_criteria(case),
        deadlines=deadlines,
    )


def build_letter_context(
    *, answers: dict, drug: Drug, payer: Payer, denial_type: DenialType, criteria: list, deadlines: list[Deadline]
) -> dict:
    """The context from a case's answers; ``criteria`` are objects with key, requirement,
    source_title and effective_date (Criterion rows, or samples)."""
    plan = answers.get("plan", {})
    patient = _dates(_all_fields(PatientForm, answers.get("patient", {})), "birth_date")
    diagnosis = _dates(
        _all_fields(DiagnosisForm, answers.get("diagnosis", {}), "icd10_description"), "diagnosed_on", "activity_measured_on"
    )
    requested = answers.get("drug", {})
    product = Drug.objects.filter(slug=requested.get("product")).first() if requested.get("product") else drug
    plan_type = PlanType.objects.filter(slug=plan.get("plan_type")).first() if plan.get("plan_type") != NOT_SURE else None
    outcomes = dict(PriorTreatmentForm.OUTCOMES)
    sites = dict(RequestedDrugForm.base_fields["site"].choices)
    by_key = {item["key"]: item for item in answers.get("criteria", {}).get("items", [])}

    criteria_rows = []
    for criterion in criteria:
        item = by_key.get(criterion.key, {})
        criteria_rows.append(
            {
                "requirement": criterion.requirement,
                "source_title": criterion.source_title,
                "effective_date": criterion.effective_date,
                "met": item.get("status") == MET,
                "evidence": item.get("evidence", ""),
                "evidence_date": parse_date(item["evidence_date"]) if item.get("evidence_date") else None,
                "exception_ground": ExceptionGround(item["ground"]).label if item.get("ground") else "",
                "explanation": item.get("explanation", ""),
            }
        )

    return {
        "today": timezone.localdate(),
        "denial_type": {"name": denial_type.name, "title_phrase": denial_type.title_phrase},
        "payer": {
            "name": payer.name,
            "appeals_address": payer.appeals_address,
            "appeals_fax": payer.appeals_fax,
            "appeals_phone": payer.appeals_phone,
        },
        "plan": {
            "type": plan_type.name if plan_type else "",
            "governing_law": plan_type.governing_law if plan_type else "",
            "first_level_reviewer": plan_type.first_level_reviewer if plan_type else "",
            "next_level": plan_type.next_level if plan_type else "",
            "rights": plan_type.rights() if plan_type else [],
            "state_law_applies": bool(plan_type and plan_type.state_step_therapy_law_applies),
            "notice_date": parse_date(plan["notice_date"]) if plan.get("notice_date") else None,
            "expedited": bool(plan.get("expedited")),
            "claim_number": plan.get("claim_number", ""),
            "reference_number": plan.get("reference_number", ""),
        },
        "patient": patient,
        "diagnosis": diagnosis,
        "drug": {
            "name": product.name if product else drug.name,
            "generic_name": product.generic_name if product else "",
            "hcpcs_code": product.hcpcs_code if product else "",
            "dose": requested.get("dose", ""),
            "route": dict(Drug.Route.choices).get(requested.get("route", ""), ""),
            "frequency": requested.get("frequency", ""),
            "quantity": requested.get("quantity", ""),
            "quantity_limit": requested.get("quantity_limit", ""),
            "quantity_reason": requested.get("quantity_reason", ""),
            "site": sites[requested["site"]] if requested.get("site") else "",
            "site_reason": requested.get("site_reason", ""),
        },
        "treatments": [
            {
                **_dates(_all_fields(PriorTreatmentForm, item), "started_on", "stopped_on"),
                "outcome": outcomes.get(item.get("outcome"), ""),
            }
            for item in answers.get("treatments", {}).get("items", [])
        ],
        "alternatives": [
            {
                **_all_fields(FormularyAlternativeForm, item),
                "ground": ExceptionGround(item["ground"]).label if item.get("ground") else "",
            }
            for item in answers.get("alternatives", {}).get("items", [])
        ],
        "evidence": {
            "compendia": [
                label for value, label in CompendiaForm.COMPENDIA if value in answers.get("evidence", {}).get("compendia", [])
            ],
            "guidelines": answers.get("evidence", {}).get("guidelines", ""),
            "literature": answers.get("evidence", {}).get("literature", ""),
        },
        "authorization": _dates(_all_fields(AuthorizationHistoryForm, answers.get("authorization", {})), "approved_until"),
        "criteria": criteria_rows,
        "other_reasons": answers.get("criteria", {}).get("other_reasons", ""),
        "prescriber": _all_fields(PrescriberForm, answers.get("prescriber", {})),
        "enclosures": denial_type.enclosure_list() + (plan_type.enclosure_list() if plan_type else []),
        "deadlines": [{"label": d.label, "due": d.due, "citation": d.citation, "status": d.status} for d in deadlines if d.due],
    }
