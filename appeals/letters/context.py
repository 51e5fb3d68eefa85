"""The plain data a letter is written from, built from a case's answers.

Templates see only this (dicts, lists, strings and dates), never model
instances, so a template cannot reach beyond what the letter should say.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateparse import parse_date

from appeals.deadlines import Deadline
from appeals.models import Case, Drug, PlanType
from appeals.models.catalog import ExceptionGround
from appeals.wizard.forms import MET, NOT_SURE, CompendiaForm, PriorTreatmentForm, RequestedDrugForm
from appeals.wizard.steps import current_criteria


def _dates(item: dict, *names: str) -> dict:
    return {**item, **{name: parse_date(item[name]) for name in names if item.get(name)}}


def letter_context(case: Case, deadlines: list[Deadline]) -> dict:
    answers = case.answers
    plan = answers.get("plan", {})
    patient = _dates(answers.get("patient", {}), "birth_date")
    diagnosis = _dates(answers.get("diagnosis", {}), "diagnosed_on", "activity_measured_on")
    requested = answers.get("drug", {})
    product = Drug.objects.filter(slug=requested.get("product")).first() if requested.get("product") else case.drug
    plan_type = PlanType.objects.filter(slug=plan.get("plan_type")).first() if plan.get("plan_type") != NOT_SURE else None
    outcomes = dict(PriorTreatmentForm.OUTCOMES)
    sites = dict(RequestedDrugForm.base_fields["site"].choices)
    by_key = {item["key"]: item for item in answers.get("criteria", {}).get("items", [])}

    criteria = []
    for criterion in current_criteria(case):
        item = by_key.get(criterion.key, {})
        criteria.append(
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
        "denial_type": {"name": case.denial_type.name, "title_phrase": case.denial_type.title_phrase},
        "payer": {
            "name": case.payer.name,
            "appeals_address": case.payer.appeals_address,
            "appeals_fax": case.payer.appeals_fax,
        },
        "plan": {
            "type": plan_type.name if plan_type else "",
            "governing_law": plan_type.governing_law if plan_type else "",
            "next_level": plan_type.next_level if plan_type else "",
            "state_law_applies": bool(plan_type and plan_type.state_step_therapy_law_applies),
            "notice_date": parse_date(plan["notice_date"]) if plan.get("notice_date") else None,
            "expedited": bool(plan.get("expedited")),
            "claim_number": plan.get("claim_number", ""),
            "reference_number": plan.get("reference_number", ""),
        },
        "patient": patient,
        "diagnosis": diagnosis,
        "drug": {
            "name": product.name if product else case.drug.name,
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
            {**_dates(item, "started_on", "stopped_on"), "outcome": outcomes.get(item.get("outcome"), "")}
            for item in answers.get("treatments", {}).get("items", [])
        ],
        "alternatives": [
            {**item, "ground": ExceptionGround(item["ground"]).label if item.get("ground") else ""}
            for item in answers.get("alternatives", {}).get("items", [])
        ],
        "evidence": {
            "compendia": [
                label for value, label in CompendiaForm.COMPENDIA if value in answers.get("evidence", {}).get("compendia", [])
            ],
            "guidelines": answers.get("evidence", {}).get("guidelines", ""),
            "literature": answers.get("evidence", {}).get("literature", ""),
        },
        "authorization": _dates(answers.get("authorization", {}), "approved_until"),
        "criteria": criteria,
        "other_reasons": answers.get("criteria", {}).get("other_reasons", ""),
        "prescriber": answers.get("prescriber", {}),
        "deadlines": [{"label": d.label, "due": d.due, "citation": d.citation, "status": d.status} for d in deadlines if d.due],
    }
