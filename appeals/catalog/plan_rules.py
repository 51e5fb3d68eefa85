"""Which rules and which request apply to a case: its plan type and the stage
it is at.  One place, so the wizard, the status page and the letter agree.

A case answered before the plan step asked for the stage is read as a first
written denial, which is what every case was then."""

from __future__ import annotations

from appeals.catalog.models import AppealDeadlineRule, AppealInstrument, AppealStage, Payer, PlanType


def stage_or_default(stage: str | None) -> str:
    return stage if stage in AppealStage.values else AppealStage.FIRST_DENIAL


def rules_for(plan_type: PlanType | None, stage: str | None) -> list[AppealDeadlineRule]:
    """The plan type's deadline rules for the stage (none for an unknown plan type)."""
    if plan_type is None or plan_type.pk is None:
        return []
    return list(AppealDeadlineRule.objects.filter(plan_type=plan_type, stage=stage_or_default(stage)).order_by("step"))


def instrument_for(plan_type: PlanType | None, stage: str | None) -> AppealInstrument | None:
    """What is requested at this stage of this plan type, if the catalog knows."""
    if plan_type is None or plan_type.pk is None:
        return None
    return AppealInstrument.objects.filter(plan_type=plan_type, stage=stage_or_default(stage)).first()


def rules_by_plan_type_for_payer(payer: Payer, stage: str | None) -> dict[PlanType, list[AppealDeadlineRule]]:
    """For a person who does not know their plan type: the stage's rules of
    every plan type the payer sells whose law the letter can cite."""
    rules = (
        AppealDeadlineRule.objects.select_related("plan_type")
        .filter(plan_type__letter_cites_law=True, stage=stage_or_default(stage))
        .order_by("plan_type__order", "plan_type__name", "step")
    )
    # An insurer with no plan types recorded (one outside the catalog) may sell any: every
    # plan type counts, as the plan step offers them all.
    if payer.plan_types.exists():
        rules = rules.filter(plan_type__payers=payer)
    by_plan: dict[PlanType, list[AppealDeadlineRule]] = {}
    for rule in rules:
        by_plan.setdefault(rule.plan_type, []).append(rule)
    return by_plan


def expedited_available(plan_type: PlanType | None, stage: str | None) -> bool:
    """Whether the request at this stage can be decided on an expedited basis.
    Unknown coverage: the letter may still ask (it cites no clock for it); a
    known plan type must have an expedited rule for the stage (Original
    Medicare's claim appeals, for instance, have none)."""
    if plan_type is None or plan_type.pk is None or not plan_type.letter_cites_law:
        return True
    return AppealDeadlineRule.objects.filter(
        plan_type=plan_type, stage=stage_or_default(stage), step=AppealDeadlineRule.Step.DECISION_EXPEDITED
    ).exists()
