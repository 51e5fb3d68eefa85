from appeals.models.catalog import (
    AppealDeadlineRule,
    CriteriaImport,
    Criterion,
    DenialType,
    Drug,
    Guide,
    Payer,
    PlanType,
)

__all__ = [
    "AppealDeadlineRule",
    "CriteriaImport",
    "Criterion",
    "DenialType",
    "Drug",
    "Guide",
    "Payer",
    "PlanType",
]
