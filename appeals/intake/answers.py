"""A case's answers: the one typed schema of what the wizard stores.

The answers are kept as a dict of steps (``Case.answers``, encrypted JSON).
The wizard (``appeals.intake.steps``) turns a valid form into its step's
dataclass and stores it with ``stored_step``; it and everything else read
them through the dataclasses here, by attribute (``case.typed_answers``).
A field's name is written once, in this module: a test checks that each
step's form asks exactly for the fields its dataclass names, and another
that nothing outside this module reads the stored dict by key."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from typing import ClassVar, Self

from django.utils.dateparse import parse_date

from appeals.catalog.models import PlanType
from appeals.catalog.plan_rules import stage_or_default

# The plan step's "Not sure" choice: deadlines are then shown for every plan type.
NOT_SURE = "not-sure"
# A criterion's status on the criteria step.
MET = "met"
EXCEPTION = "exception"


@dataclass(frozen=True)
class StepAnswers:
    """One step's answers.  A field not stored is empty ("" or an empty list);
    dates (the names in DATES) are stored as ISO strings and read as dates."""

    DATES: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_dict(cls, stored: dict | None) -> Self:
        stored = stored or {}
        values = {}
        for item in dataclasses.fields(cls):
            if item.name not in stored:
                continue
            value = stored[item.name]
            if item.name in cls.DATES and isinstance(value, str) and value:
                value = parse_date(value)
            values[item.name] = value
        return cls(**values)

    def as_dict(self) -> dict:
        """Every field by name (the plain data a letter template sees)."""
        return {item.name: getattr(self, item.name) for item in dataclasses.fields(self)}

    def to_stored(self) -> dict:
        """As the wizard stores it: dates as ISO strings."""
        return {name: value.isoformat() if isinstance(value, datetime.date) else value for name, value in self.as_dict().items()}


@dataclass(frozen=True)
class PlanAnswers(StepAnswers):
    DATES = ("notice_date", "notice_received_on")
    plan_type: str = ""
    stage: str = ""  # an AppealStage value; empty on cases answered before the question existed
    notice_date: datetime.date | str = ""
    notice_received_on: datetime.date | str = ""
    already_given: bool = False  # the drug was given and billed: a payment (post-service) request
    expedited: bool = False
    claim_number: str = ""
    reference_number: str = ""
    # Where the notice says to send the appeal, when it differs from the catalog's address for the payer.
    appeals_address: str = ""
    appeals_fax: str = ""

    @property
    def is_unsure(self) -> bool:
        return self.plan_type == NOT_SURE

    @property
    def appeal_stage(self) -> str:
        """The stage the rules follow: a case answered before the question is a first written denial."""
        return stage_or_default(self.stage)


@dataclass(frozen=True)
class PatientAnswers(StepAnswers):
    DATES = ("birth_date",)
    patient_name: str = ""
    birth_date: datetime.date | str = ""
    member_id: str = ""
    group_number: str = ""
    state: str = ""
    # The state the policy was issued in; empty means the patient's own state.
    policy_state: str = ""
    email: str = ""
    # The patient's own return address and phone, for the patient's letter and its fax cover.
    mailing_address: str = ""
    phone: str = ""
    # Someone who files for the patient (a parent, a spouse): the packet then adds an appointment page.
    representative_name: str = ""
    representative_relationship: str = ""

    @property
    def governing_state(self) -> str:
        """Whose insurance law governs the policy: the state it was issued in, else the patient's."""
        return self.policy_state or self.state


@dataclass(frozen=True)
class DiagnosisAnswers(StepAnswers):
    DATES = ("diagnosed_on", "activity_measured_on", "earlier_activity_measured_on")
    icd10_code: str = ""
    diagnosed_on: datetime.date | str = ""
    severity: str = ""
    activity_measure: str = ""
    activity_score: str = ""
    activity_measured_on: datetime.date | str = ""
    # An earlier score on the same measure, so the letter can show the course of the disease.
    earlier_activity_score: str = ""
    earlier_activity_measured_on: datetime.date | str = ""
    icd10_description: str = ""  # looked up from the code when the step is saved


@dataclass(frozen=True)
class EvidenceAnswers(StepAnswers):
    compendia: list[str] = field(default_factory=list)
    evidence_level: str = ""  # the compendium's rating or the guideline's category, as the office reads it
    guidelines: str = ""
    literature: str = ""


@dataclass(frozen=True)
class RequestedDrugAnswers(StepAnswers):
    product: str = ""  # a Drug's slug
    dose: str = ""
    route: str = ""
    frequency: str = ""
    quantity: str = ""
    quantity_limit: str = ""
    quantity_reason: str = ""
    site: str = ""
    site_reason: str = ""
    why_now: str = ""  # the prescriber's reason for this drug at this point of the disease
    delay_risk: str = ""  # what a delay in treatment would risk, in the prescriber's words


@dataclass(frozen=True)
class TreatmentAnswers(StepAnswers):
    DATES = ("started_on", "stopped_on")
    drug: str = ""
    dose: str = ""
    started_on: datetime.date | str = ""
    stopped_on: datetime.date | str = ""
    outcome: str = ""
    notes: str = ""


@dataclass(frozen=True)
class AlternativeAnswers(StepAnswers):
    drug: str = ""
    ground: str = ""
    explanation: str = ""


@dataclass(frozen=True)
class AuthorizationAnswers(StepAnswers):
    DATES = ("approved_until",)
    previously_approved: str = ""
    authorization_number: str = ""
    approved_until: datetime.date | str = ""
    history: str = ""


@dataclass(frozen=True)
class CriterionAnswer(StepAnswers):
    DATES = ("evidence_date",)
    key: str = ""
    status: str = ""
    evidence: str = ""
    evidence_date: datetime.date | str = ""
    ground: str = ""
    explanation: str = ""

    @property
    def met(self) -> bool:
        return self.status == MET


@dataclass(frozen=True)
class CriteriaAnswers:
    items: list[CriterionAnswer] = field(default_factory=list)
    other_reasons: str = ""

    @classmethod
    def from_dict(cls, stored: dict | None) -> CriteriaAnswers:
        stored = stored or {}
        return cls(
            items=[CriterionAnswer.from_dict(item) for item in stored.get("items", [])],
            other_reasons=stored.get("other_reasons", ""),
        )

    def to_stored(self) -> dict:
        return {"items": [item.to_stored() for item in self.items], "other_reasons": self.other_reasons}

    def answered(self, key: str) -> CriterionAnswer | None:
        return next((item for item in self.items if item.key == key), None)

    def for_criterion(self, key: str) -> CriterionAnswer:
        """The criterion's answer, empty when it has none."""
        return self.answered(key) or CriterionAnswer(key=key)


@dataclass(frozen=True)
class UnlistedNames(StepAnswers):
    """The drug or insurer as the person typed it, when the catalog does not hold it
    (the case then points at the catalog's stand-in row): the name the letter prints."""

    drug_name: str = ""
    payer_name: str = ""


@dataclass(frozen=True)
class OfficeAnswers(StepAnswers):
    """Who prescribed the drug, as the patient knows it: enough to reach the office and
    to start the prescriber step, which the office completes and the letter reads."""

    prescriber_name: str = ""
    practice_name: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""


@dataclass(frozen=True)
class PrescriberAnswers(StepAnswers):
    prescriber_name: str = ""
    credentials: str = ""
    specialty: str = ""
    npi: str = ""
    practice_name: str = ""
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    peer_to_peer_times: str = ""  # when the prescriber can take a reviewer's call


@dataclass(frozen=True)
class LetterChoice(StepAnswers):
    template_id: int | None = None


def _items(cls, stored: dict | None) -> list:
    return [cls.from_dict(item) for item in (stored or {}).get("items", [])]


@dataclass(frozen=True)
class CallRecord(StepAnswers):
    """A call with the plan, as logged on the status page's timeline: copied into the
    answers when the next level is made, so that level's submission lists the calls."""

    DATES = ("called_on",)
    called_on: datetime.date | str = ""
    who: str = ""
    reference: str = ""
    said: str = ""


@dataclass(frozen=True)
class CaseAnswers:
    """Every step of a case, typed.  Steps not answered (or not asked of this
    case) are empty."""

    unlisted: UnlistedNames = field(default_factory=UnlistedNames)
    plan: PlanAnswers = field(default_factory=PlanAnswers)
    patient: PatientAnswers = field(default_factory=PatientAnswers)
    office: OfficeAnswers = field(default_factory=OfficeAnswers)
    diagnosis: DiagnosisAnswers = field(default_factory=DiagnosisAnswers)
    evidence: EvidenceAnswers = field(default_factory=EvidenceAnswers)
    drug: RequestedDrugAnswers = field(default_factory=RequestedDrugAnswers)
    treatments: list[TreatmentAnswers] = field(default_factory=list)
    alternatives: list[AlternativeAnswers] = field(default_factory=list)
    authorization: AuthorizationAnswers = field(default_factory=AuthorizationAnswers)
    criteria: CriteriaAnswers = field(default_factory=CriteriaAnswers)
    prescriber: PrescriberAnswers = field(default_factory=PrescriberAnswers)
    letter: LetterChoice = field(default_factory=LetterChoice)
    calls: list[CallRecord] = field(default_factory=list)

    # The step (slug) each attribute is stored under, and its schema.
    STEPS: ClassVar[dict[str, type]] = {
        "unlisted": UnlistedNames,
        "plan": PlanAnswers,
        "patient": PatientAnswers,
        "office": OfficeAnswers,
        "diagnosis": DiagnosisAnswers,
        "evidence": EvidenceAnswers,
        "drug": RequestedDrugAnswers,
        "treatments": TreatmentAnswers,
        "alternatives": AlternativeAnswers,
        "authorization": AuthorizationAnswers,
        "criteria": CriteriaAnswers,
        "prescriber": PrescriberAnswers,
        "letter": LetterChoice,
        "calls": CallRecord,
    }
    LISTS: ClassVar[tuple[str, ...]] = ("treatments", "alternatives", "calls")

    @classmethod
    def from_dict(cls, answers: dict) -> CaseAnswers:
        return cls(
            **{
                name: _items(schema, answers.get(name)) if name in cls.LISTS else schema.from_dict(answers.get(name))
                for name, schema in cls.STEPS.items()
            }
        )

    def to_stored(self) -> dict:
        """Every step as the wizard stores it (``Case.answers``)."""
        return {name: stored_step(name, getattr(self, name)) for name in self.STEPS}

    def step(self, slug: str) -> StepAnswers | CriteriaAnswers | list[StepAnswers]:
        """One step's answers by the step's slug (a list for the list steps)."""
        if slug not in self.STEPS:
            raise KeyError(f"no step {slug!r} in the answers' schema")
        return getattr(self, slug)

    def plan_type(self) -> PlanType | None:
        """The one rule for a case's plan type: the one chosen on the plan step,
        or None when the step is not answered or the person is not sure."""
        slug = self.plan.plan_type
        if not slug or slug == NOT_SURE:
            return None
        return PlanType.objects.filter(slug=slug).first()


def stored_step(slug: str, answers: StepAnswers | CriteriaAnswers | list[StepAnswers]) -> dict:
    """One step's answers as ``Case.answers`` keeps them: the one way a step is
    written (the wizard builds the step's dataclass, this stores it)."""
    schema = CaseAnswers.STEPS[slug]
    if slug in CaseAnswers.LISTS:
        if not all(isinstance(item, schema) for item in answers):
            raise TypeError(f"the {slug} step stores a list of {schema.__name__}")
        return {"items": [item.to_stored() for item in answers]}
    if not isinstance(answers, schema):
        raise TypeError(f"the {slug} step stores {schema.__name__}, not {type(answers).__name__}")
    return answers.to_stored()


def with_plan_type(stored: dict, slug: str) -> dict:
    """Stored answers as if the plan step had chosen another plan type (a copy)."""
    return {**stored, "plan": {**(stored.get("plan") or {}), "plan_type": slug}}
