"""What the wizard's pages and the payment page share about a case: finding
it by its link, the page context (progress, deadlines), the letter templates
that fit it, and the rule that review and payment wait for every step; and
finding an order by its status link."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from appeals.intake.models import Case
from appeals.intake.steps import (
    CLINICAL_PART,
    PATIENT_PART,
    case_deadlines,
    case_guidance,
    first_incomplete,
    part_steps,
)
from appeals.orders.models import Order


def case_or_404(token: str) -> Case:
    case = Case.objects.select_related("drug", "payer", "denial_type").by_token(token)
    if case is None:
        raise Http404("This link does not open a case. It may have expired.")
    return case


def order_by_status_token_or_404(token: str) -> Order:
    """The order a status link opens (the status page, paying again, its files)."""
    order = Order.objects.by_status_token(token)
    if order is None:
        raise Http404("This link does not open an order.")
    return order


def progress(case: Case, current: str) -> list[dict]:
    """The steps in order: the office's link shows its own part only; the person's shows
    both parts, with the choice of who fills in the clinical part between them."""

    def item(step) -> dict:
        return {"title": step.title, "slug": step.slug, "done": step.is_completed(case), "current": step.slug == current}

    review = {"title": "Review", "slug": "review", "done": False, "current": current == "review"}
    if case.opened_by_office:
        return [item(step) for step in part_steps(case, CLINICAL_PART)] + [review]
    handoff = {
        "title": "Who fills in the clinical part",
        "slug": "clinical",
        "done": bool(case.clinical_by),
        "current": current == "clinical",
    }
    return (
        [item(step) for step in part_steps(case, PATIENT_PART)]
        + [handoff]
        + [item(step) for step in part_steps(case, CLINICAL_PART)]
        + [review]
    )


def patient_part_summaries(case: Case) -> list[dict]:
    """What the patient gave, as the office's pages show it (read-only)."""
    return [{"step": step, "summary": step.summary(case), "editable": False} for step in part_steps(case, PATIENT_PART)]


def case_context(case: Case, token: str, current: str) -> dict:
    deadlines, deadlines_for = case_deadlines(case, timezone.localdate())
    return {
        "case": case,
        "token": token,
        "progress": progress(case, current),
        "deadlines": deadlines,
        "deadlines_for": deadlines_for,
        "deadlines_unsure": case.typed_answers.plan.is_unsure,
        "guidance": case_guidance(case),
        "noindex": True,
        "title": f"{case.drug_name} denied {case.denial_type.title_phrase} by {case.payer_name}",
        # A paid case is a record: a change makes a new version of its letter (appeals.orders.payments.make_new_version).
        "paid_letter": paid_letter(case),
        "opened_by_office": case.opened_by_office,
        "patient_part": patient_part_summaries(case) if case.opened_by_office else [],
    }


def paid_order(case: Case) -> Order | None:
    return case.orders.filter(status=Order.Status.PAID).select_related("letter").first()


def paid_letter(case: Case):
    """The newest letter of the case's paid order, or None before payment."""
    order = paid_order(case)
    return order.letter if order is not None else None


def unanswered_step_redirect(case: Case, token: str) -> HttpResponse | None:
    """Review and payment open only when every needed step is answered."""
    missing = first_incomplete(case)
    return redirect("case_step", token=token, step=missing.slug) if missing is not None else None
