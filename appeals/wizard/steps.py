"""The wizard's steps.  Each knows whether a case needs it (from the denial
type) and whether the case has answered it; the dispatch view sends a person
to the first step that is needed and not yet answered."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.utils.dateparse import parse_date

from appeals.deadlines import CaseDates, Deadline, compute_deadlines
from appeals.models import AppealDeadlineRule, Case
from appeals.wizard.forms import NOT_SURE, PatientForm, PlanForm


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type[forms.Form]

    def is_applicable(self, case: Case) -> bool:
        return True

    def is_completed(self, case: Case) -> bool:
        return case.step_answers(self.slug) is not None

    def form_kwargs(self, case: Case) -> dict:
        return {}


@dataclass(frozen=True)
class PlanStep(Step):
    def form_kwargs(self, case: Case) -> dict:
        return {"payer": case.payer}


STEPS: list[Step] = [
    PlanStep("plan", "Plan and denial", PlanForm),
    Step("patient", "Patient", PatientForm),
]


def applicable_steps(case: Case) -> list[Step]:
    return [step for step in STEPS if step.is_applicable(case)]


def step_by_slug(slug: str) -> Step | None:
    return next((step for step in STEPS if step.slug == slug), None)


def first_incomplete(case: Case) -> Step | None:
    return next((step for step in applicable_steps(case) if not step.is_completed(case)), None)


def reachable(case: Case, step: Step) -> bool:
    """A step opens only when every needed step before it is answered."""
    for earlier in applicable_steps(case):
        if earlier.slug == step.slug:
            return True
        if not earlier.is_completed(case):
            return False
    return False


def to_json_ready(cleaned: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in cleaned.items()}


def initial_from(answers: dict | None) -> dict:
    return dict(answers or {})


def case_deadlines(case: Case, today: datetime.date) -> tuple[list[Deadline], str]:
    """Deadlines from the plan step's answers, and the plan type they are for.
    With "Not sure", the plan type whose filing window closes first."""
    plan = case.step_answers("plan")
    if not plan:
        return [], ""
    rules_by_plan: dict[str, list[AppealDeadlineRule]] = {}
    rules = AppealDeadlineRule.objects.select_related("plan_type")
    if plan["plan_type"] == NOT_SURE:
        rules = rules.filter(plan_type__payers=case.payer)
    else:
        rules = rules.filter(plan_type__slug=plan["plan_type"])
    for rule in rules:
        rules_by_plan.setdefault(rule.plan_type.name, []).append(rule)
    dates = CaseDates(
        notice_date=parse_date(plan["notice_date"]),
        today=today,
        expedited=bool(plan.get("expedited")),
        notice_received_on=parse_date(plan["notice_received_on"]) if plan.get("notice_received_on") else None,
    )
    results = {name: compute_deadlines(plan_rules, dates) for name, plan_rules in rules_by_plan.items()}
    if not results:
        return [], ""

    def filing_due(deadlines: list[Deadline]) -> datetime.date:
        return next((d.due for d in deadlines if d.step == "file_appeal" and d.due), datetime.date.max)

    name = min(results, key=lambda plan_name: filing_due(results[plan_name]))
    return results[name], name
