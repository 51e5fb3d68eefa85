from appeals.models.cases import Case
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
from appeals.models.diagnosis import DiagnosisCode
from appeals.models.letters import Letter, LetterAccess, LetterShare, LetterTemplate
from appeals.models.orders import Order, ProcessedEvent, PromoRedemption
from appeals.models.pricing import Pricing, PromoCode
from appeals.models.workers import WorkerHeartbeat

__all__ = [
    "AppealDeadlineRule",
    "Case",
    "CriteriaImport",
    "Criterion",
    "DenialType",
    "DiagnosisCode",
    "Drug",
    "Guide",
    "Letter",
    "LetterAccess",
    "LetterShare",
    "LetterTemplate",
    "Order",
    "Payer",
    "PlanType",
    "Pricing",
    "ProcessedEvent",
    "PromoCode",
    "PromoRedemption",
    "WorkerHeartbeat",
]
