"""The plain data a letter is written from, built from a case's answers.

Templates see only this (dicts, lists, strings and dates), never model
instances, so a template cannot reach beyond what the letter should say.
"""

from __future__ import annotations

from django.utils import timezone

from appeals.catalog.deadlines import Deadline
from appeals.catalog.models import DenialType, Drug, ExceptionGround, Payer
from appeals.catalog.plan_rules import expedited_available
from appeals.catalog.state_law import criterion_takes_exception_ground
from appeals.intake.answers import CaseAnswers
from appeals.intake.forms import CompendiaForm, PriorTreatmentForm, RequestedDrugForm
from appeals.intake.models import Case
from appeals.intake.steps import current_criteria
from appeals.letters.arguments import drug_names, program_arguments
from appeals.letters.criteria_source import criteria_source, criterion_source
from appeals.letters.deadline_context import deadline_context
from appeals.letters.exhibits import number_exhibits
from appeals.letters.filings import submission_filings
from appeals.letters.instrument import instrument_context, outside_decider
from appeals.letters.medical_case import medical_case
from appeals.letters.state_law import with_state_law


def letter_context(case: Case, deadlines: list[Deadline]) -> dict:
    return build_letter_context(
        answers=case.typed_answers,
        drug=case.letter_drug(),
        payer=case.letter_payer(),
        denial_type=case.denial_type,
        criteria=current_criteria(case),
        deadlines=deadlines,
    )


def build_letter_context(
    *, answers: CaseAnswers, drug: Drug, payer: Payer, denial_type: DenialType, criteria: list, deadlines: list[Deadline]
) -> dict:
    """The context from a case's answers; ``criteria`` are objects with key, requirement,
    source_title, effective_date and, for Criterion rows, provenance and retrieved_on."""
    plan = answers.plan
    requested = answers.drug
    product = Drug.objects.filter(slug=requested.product).first() if requested.product else drug
    plan_type = answers.plan_type()
    outcomes = dict(PriorTreatmentForm.OUTCOMES)
    sites = dict(RequestedDrugForm.base_fields["site"].choices)

    criteria_rows = []
    for criterion in criteria:
        item = answers.criteria.for_criterion(criterion.key)
        criteria_rows.append(
            {
                "requirement": criterion.requirement,
                "kind": getattr(criterion, "kind", "") or "",
                **criterion_source(criterion),
                "effective_date": criterion.effective_date,
                "met": item.met,
                "evidence": item.evidence,
                "evidence_date": item.evidence_date or None,
                # A ground stored for a criterion no ground answers (e.g. a safety screening) is not printed.
                "exception_ground": ExceptionGround(item.ground).label
                if item.ground and criterion_takes_exception_ground(getattr(criterion, "kind", None), denial_type.slug)
                else "",
                "explanation": item.explanation,
            }
        )

    # The request this letter makes, and who decides it (appeals/letters/instrument.py).
    request = instrument_context(
        answers=answers, plan_type=plan_type, drug_name=product.name if product else drug.name, denial_type=denial_type
    )["instrument"]
    context = {
        "today": timezone.localdate(),
        "denial_type": {"slug": denial_type.slug, "name": denial_type.name, "title_phrase": denial_type.title_phrase},
        "payer": {
            "name": payer.name,
            # The address and fax on the person's own notice come first; the catalog's are the default.
            "appeals_address": plan.appeals_address or payer.appeals_address,
            "appeals_fax": plan.appeals_fax or payer.appeals_fax,
            "appeals_phone": payer.appeals_phone,
        },
        "plan": {
            "type": plan_type.name if plan_type else "",
            "governing_law": plan_type.governing_law if plan_type else "",
            "first_level_reviewer": plan_type.first_level_reviewer if plan_type else "",
            "next_level": plan_type.next_level if plan_type else "",
            "rights": plan_type.rights() if plan_type else [],
            "state_law_applies": bool(plan_type and plan_type.state_step_therapy_law_applies),
            "notice_date": plan.notice_date or None,
            # Asked for only where the request can be expedited at all (not, e.g., an Original Medicare claim appeal).
            "expedited": bool(plan.expedited) and expedited_available(plan_type, plan.appeal_stage),
            "claim_number": plan.claim_number,
            "reference_number": plan.reference_number,
        },
        "patient": answers.patient.as_dict(),
        "diagnosis": answers.diagnosis.as_dict(),
        "drug": {
            "name": product.name if product else drug.name,
            "generic_name": product.generic_name if product else "",
            "hcpcs_code": product.hcpcs_code if product else "",
            "dose": requested.dose,
            "route": dict(Drug.Route.choices).get(requested.route, ""),
            "frequency": requested.frequency,
            "quantity": requested.quantity,
            "quantity_limit": requested.quantity_limit,
            "quantity_reason": requested.quantity_reason,
            "site": sites[requested.site] if requested.site else "",
            "site_reason": requested.site_reason,
            "why_now": requested.why_now,
            "delay_risk": requested.delay_risk,
            # Catalog facts the medical case may cite, with the label as their exhibit.
            "label_dose": product.typical_dose if product else drug.typical_dose,
            "fda_approval_date": product.fda_approval_date if product else drug.fda_approval_date,
        },
        "treatments": [{**item.as_dict(), "outcome": outcomes.get(item.outcome, "")} for item in answers.treatments],
        # Calls with the plan logged while tracking earlier levels: the next level's submission lists them.
        "calls": [item.as_dict() for item in answers.calls],
        "alternatives": [
            {**item.as_dict(), "ground": ExceptionGround(item.ground).label if item.ground else ""}
            for item in answers.alternatives
        ],
        "evidence": {
            "compendia": [label for value, label in CompendiaForm.COMPENDIA if value in answers.evidence.compendia],
            "evidence_level": answers.evidence.evidence_level,
            "guidelines": answers.evidence.guidelines,
            "literature": answers.evidence.literature,
        },
        "authorization": answers.authorization.as_dict(),
        "criteria": criteria_rows,
        **criteria_source(criteria),
        "other_reasons": answers.criteria.other_reasons,
        "prescriber": answers.prescriber.as_dict(),
        "enclosures": denial_type.enclosure_list() + (plan_type.enclosure_list() if plan_type else []),
        **deadline_context(
            deadlines,
            plan_type_known=plan_type is not None and plan_type.letter_cites_law,
            # The clock is the decider's when that is not the plan: an outside reviewer, or the
            # independent reviewer that a final denial's external review request (filed with
            # the plan, as under 29 CFR 2590.715-2719(d)) is assigned to.
            decided_by=request["decided_by"] if outside_decider(request) else "",
            noun=request["noun"] if request["addressed_to_plan"] else "request",
        ),
        "arguments": program_arguments(
            answers=answers,
            plan_type_slug=plan.plan_type,
            denial_type_slug=denial_type.slug,
            drug_names=drug_names(product or drug),
            drug_name=(product or drug).name,
        ),
        "instrument": request,
        "filings": submission_filings(answers=answers, plan_type=plan_type, request=request, today=timezone.localdate()),
    }
    context = with_state_law(context, answers=answers, plan_type=plan_type, denial_type=denial_type, criteria=criteria)
    # The exhibits first, so the criteria table and the medical case can cite them.
    numbered = number_exhibits(context)
    context = {
        **context,
        "criteria": numbered["criteria"],
        "exhibits": numbered["exhibits"],
        "exhibit_for": numbered["exhibit_for"],
    }
    return {**context, "medical_case": medical_case(context, numbered["exhibit_for"], denial_slug=denial_type.slug)}
