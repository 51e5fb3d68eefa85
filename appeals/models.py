from appeals.catalog.diagnosis import DiagnosisCode
from appeals.catalog.models import (
    AppealDeadlineRule,
    AppealInstrument,
    CatalogRequest,
    CriteriaImport,
    Criterion,
    DenialType,
    Drug,
    Guide,
    Payer,
    PlanType,
    ReviewerProfile,
)
from appeals.catalog.pricing import Pricing, PromoCode
from appeals.catalog.state_law import StateStepTherapyLaw
from appeals.core.models import WorkerHeartbeat
from appeals.delivery.models import LetterAccess, LetterShare
from appeals.intake.models import Case
from appeals.letters.models import Letter, LetterTemplate
from appeals.orders.models import Order, ProcessedEvent, PromoRedemption
from appeals.tracking.models import Outcome, Reminder, Track, TrackEvent

__all__ = [
    "AppealDeadlineRule",
    "AppealInstrument",
    "Case",
    "CatalogRequest",
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
    "Outcome",
    "Payer",
    "PlanType",
    "Pricing",
    "ProcessedEvent",
    "PromoCode",
    "PromoRedemption",
    "Reminder",
    "ReviewerProfile",
    "StateStepTherapyLaw",
    "Track",
    "TrackEvent",
    "WorkerHeartbeat",
]
