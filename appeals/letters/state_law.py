"""The state step-therapy law block of a letter.

A letter names a state's statute only when ``applicable_state_law`` finds a
verified one for the state the policy was issued in, binding this plan type
and reaching this denial type, and only for grounds the answers actually
support: a required-trial criterion answered with one of the statute's own
grounds, or an earlier drug stopped for lack of effect (the statutes'
"tried and failed" ground).  Everywhere else the letter says nothing of
state law.
"""

from __future__ import annotations

from appeals.catalog.models import DenialType, ExceptionGround, PlanType
from appeals.catalog.state_law import (
    StateStepTherapyLaw,
    applicable_state_law,
    clock,
    criterion_takes_statutory_ground,
)
from appeals.intake.answers import EXCEPTION, CaseAnswers
from appeals.intake.forms import PriorTreatmentForm

# Outcomes that are a trial stopped for lack of effect, the one reason every recorded
# statute's "tried and failed" ground names.
LACK_OF_EFFECT = ("inadequate_response", "loss_of_response")


def _supported_grounds(law: StateStepTherapyLaw, answers: CaseAnswers, criteria: list) -> list[dict]:
    """The statute's grounds, in its order, each with the answers that support it; grounds without support are left out."""
    support: dict[str, dict[str, list]] = {item["ground"]: {"criteria": [], "treatments": []} for item in law.grounds}
    for criterion in criteria:
        if not criterion_takes_statutory_ground(getattr(criterion, "kind", None)):
            continue
        answer = answers.criteria.for_criterion(criterion.key)
        if answer.status == EXCEPTION and answer.ground in support:
            support[answer.ground]["criteria"].append({"requirement": criterion.requirement, "explanation": answer.explanation})
    if ExceptionGround.TRIED_AND_FAILED in support:
        outcomes = dict(PriorTreatmentForm.OUTCOMES)
        for treatment in answers.treatments:
            if treatment.outcome in LACK_OF_EFFECT and treatment.stopped_on:
                support[ExceptionGround.TRIED_AND_FAILED]["treatments"].append(
                    {
                        "drug": treatment.drug,
                        "dose": treatment.dose,
                        "started_on": treatment.started_on,
                        "stopped_on": treatment.stopped_on,
                        "outcome": outcomes[treatment.outcome],
                    }
                )
    return [
        {"subsection": item["subsection"], "wording": item["wording"], **support[item["ground"]]}
        for item in law.grounds
        if support[item["ground"]]["criteria"] or support[item["ground"]]["treatments"]
    ]


def state_law_block(*, answers: CaseAnswers, plan_type: PlanType | None, denial_type: DenialType, criteria: list, today) -> dict:
    """The ``state_law`` variable: empty unless a recorded statute applies and the answers support one of its grounds."""
    law = applicable_state_law(
        plan_type_slug=plan_type.slug if plan_type else None,
        denial_type_slug=denial_type.slug,
        state=answers.patient.governing_state,
        on=today,
    )
    if law is None:
        return {}
    grounds = _supported_grounds(law, answers, criteria)
    if not grounds:
        return {}
    standard = clock(law.standard_clock_amount, law.standard_clock_unit)
    urgent = clock(law.urgent_clock_amount, law.urgent_clock_unit)
    return {
        "state_name": str(law.get_state_display()),
        # Whether the person named the state the policy was issued in; if not, the patient's state stood in
        # for it, and the letter does not assert where the policy was issued.
        "policy_state_given": bool(answers.patient.policy_state),
        "citation": law.citation,
        "grounds": grounds,
        "standard_clock": str(standard) if standard else "",
        "urgent_clock": str(urgent) if urgent else "",
        "clock_counted_from": law.clock_counted_from,
        "clock_subsection": law.clock_subsection,
        "deemed_approved": law.deemed_approved,
        # Named only where it is not the clock's own subsection, already cited with the clock.
        "deemed_approved_subsection": law.deemed_approved_subsection
        if law.deemed_approved and law.deemed_approved_subsection != law.clock_subsection
        else "",
        "exception_form": law.exception_form,
        "prescriber_submits": law.prescriber_submits,
    }


def with_state_law(
    context: dict, *, answers: CaseAnswers, plan_type: PlanType | None, denial_type: DenialType, criteria: list
) -> dict:
    """The letter context with its state-law block, the statute's exception form among the
    enclosures, and ``plan.state_law_applies`` true only when the block is there."""
    block = state_law_block(
        answers=answers, plan_type=plan_type, denial_type=denial_type, criteria=criteria, today=context["today"]
    )
    context["state_law"] = block
    context["plan"]["state_law_applies"] = bool(block)
    if block.get("exception_form"):
        context["enclosures"] = [*context["enclosures"], block["exception_form"]]
    return context
