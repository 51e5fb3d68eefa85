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
from appeals.practices.models import AuditEntry, Invitation, Membership, PackPurchase, Practice, PracticeCase, Prescriber
from appeals.tracking.models import Outcome, Reminder, Track, TrackEvent

__all__ = [
    "AppealDeadlineRule",
    "AppealInstrument",
    "AuditEntry",
    "Case",
    "CatalogRequest",
    "CriteriaImport",
    "Criterion",
    "DenialType",
    "DiagnosisCode",
    "Drug",
    "Guide",
    "Invitation",
    "Letter",
    "LetterAccess",
    "LetterShare",
    "LetterTemplate",
    "Membership",
    "Order",
    "Outcome",
    "PackPurchase",
    "Payer",
    "PlanType",
    "Practice",
    "PracticeCase",
    "Prescriber",
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
