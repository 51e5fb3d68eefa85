"""State step-therapy exception laws, as versioned statute rows, and the one
rule for when a letter may assert one.

A state's law binds only the coverage the state regulates and only the
protocols the statute names.  It never reaches a self-funded ERISA plan
(ERISA §514(b)(2)(B), 29 U.S.C. 1144), Medicare, FEHB, TRICARE or a church
plan, and a letter asserts it only where the statute's own text was read and
recorded here with its source.  A statute is amended by adding a row with the
amendment's effective date; the latest row in force on the letter's date wins.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from localflavor.us.models import USStateField
from simple_history.models import HistoricalRecords

from appeals.catalog.models import Criterion, ExceptionGround


class ClockUnit(models.TextChoices):
    HOURS = "hours", "hours"
    BUSINESS_DAYS = "business_days", "business days"
    CALENDAR_DAYS = "calendar_days", "calendar days"


class Market(models.TextChoices):
    """The coverage a state statute can bind.  Which plan type belongs to which
    market is ``MARKET_BY_PLAN_TYPE``; every other plan type has none."""

    FULLY_INSURED = "fully_insured", "Fully insured employer plan"
    INDIVIDUAL = "individual", "Individual or marketplace plan"
    MEDICAID_MCO = "medicaid_mco", "Medicaid managed care plan"
    STATE_EMPLOYEE = "state_employee", "State or other non-federal governmental employee plan"


# Plan types (by slug) a state insurance statute can reach, and as what.  Self-funded
# employer plans, Medicare Part D and Advantage, FEHB and a case whose plan type is
# not known are absent on purpose: no state step-therapy statute binds them.  A plan
# type added later reaches no state law until it is added here.
MARKET_BY_PLAN_TYPE = {
    "employer-fully-insured": Market.FULLY_INSURED,
    "aca-individual": Market.INDIVIDUAL,
    "medicaid-managed-care": Market.MEDICAID_MCO,
}

# The denial type step-therapy statutes are written for.
STEP_THERAPY_DENIAL = "step-therapy"
SITE_OF_CARE_DENIAL = "site-of-care"

# Criterion kinds a step-therapy statute speaks to: a required trial of another drug.
# A diagnosis, severity, dosing, prescriber or safety-screening criterion is not a
# step, and no statutory ground answers it.
STEP_CRITERION_KINDS = frozenset({Criterion.Kind.PRIOR_THERAPY})
# Criteria no exception ground answers under any denial type: the diagnosis is a fact
# to document, and a prescriber requirement is met by who prescribes.
NEVER_EXCEPTED_KINDS = frozenset({Criterion.Kind.DIAGNOSIS, Criterion.Kind.PRESCRIBER})


def criterion_takes_statutory_ground(kind: str | None) -> bool:
    return kind in STEP_CRITERION_KINDS


def criterion_takes_exception_ground(kind: str | None, denial_type_slug: str) -> bool:
    """Whether the wizard offers exception grounds for a criterion.  In a step-therapy
    denial the grounds are the statutes' own, so only the required trial takes one
    (a TB screening cannot be "contraindicated"); elsewhere they are the payer's
    exception terms, for every kind but a diagnosis or prescriber requirement.  A
    site-of-care requirement is about where the drug is given, which no drug
    exception ground ("tried before", "stable on the drug") answers: its answer is
    the clinical reason for the site."""
    if kind in STEP_CRITERION_KINDS:
        return True
    if kind in NEVER_EXCEPTED_KINDS or kind is None:
        return False
    return denial_type_slug not in (STEP_THERAPY_DENIAL, SITE_OF_CARE_DENIAL)


def validate_statute_grounds(value: object) -> None:
    """A list of {"ground": ExceptionGround value, "subsection": "(c)(2)", "wording": "…"}."""
    if not isinstance(value, list):
        raise ValidationError("Grounds must be a list.")
    seen = set()
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict) or set(item) != {"ground", "subsection", "wording"}:
            raise ValidationError(f"Ground {number}: give exactly ground, subsection and wording.")
        if item["ground"] not in ExceptionGround.values:
            raise ValidationError(f"Ground {number}: unknown ground “{item['ground']}”.")
        if item["ground"] in seen:
            raise ValidationError(f"Ground {number}: “{item['ground']}” is listed twice.")
        if not all(isinstance(item[key], str) and item[key].strip() for key in ("subsection", "wording")):
            raise ValidationError(f"Ground {number}: the subsection and the statute's wording are both needed.")
        seen.add(item["ground"])


def validate_denial_type_slugs(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ValidationError('Denial types must be a list of denial-type slugs, e.g. ["step-therapy"].')


class StateStepTherapyLawQuerySet(models.QuerySet):
    def in_force_on(self, state: str, day: datetime.date) -> StateStepTherapyLaw | None:
        """The latest version of the state's statute in force on ``day``, verified or not."""
        return self.filter(state=state, effective_date__lte=day).order_by("-effective_date", "-pk").first()


class StateStepTherapyLaw(models.Model):
    """One version of one state's step-therapy exception statute, as read.

    Record only what the statute's text says.  A row whose text was not read in
    full for the part a letter would use stays unverified, and letters never cite it.
    """

    state = USStateField(help_text="The state whose statute this is.")
    citation = models.CharField(max_length=120, help_text="Statute and section, e.g. Tex. Ins. Code §1369.0546.")
    title = models.CharField(max_length=200, help_text="The section's heading.")
    effective_date = models.DateField(
        help_text="When this version took effect. An amendment is a new row with its own date; the latest in force wins."
    )
    source_url = models.URLField(max_length=500, help_text="Where the statute text was read.")
    retrieved_on = models.DateField(help_text="The day the text was read.")
    statute_text_excerpt = models.TextField(
        blank=True, help_text="What was read, in short: the subsections the grounds and clocks come from."
    )
    verified = models.BooleanField(
        default=False,
        help_text="Only a verified row is cited in a letter: its grounds, clocks and the plans it binds were read in the statute itself.",
    )
    verified_by = models.CharField(max_length=200, blank=True, help_text="Who read it, and against what.")
    binds_fully_insured = models.BooleanField(default=False, help_text="Insured employer group plans.")
    binds_individual = models.BooleanField(default=False, help_text="Individual and marketplace policies.")
    binds_medicaid_mco = models.BooleanField(default=False, help_text="Only if the statute says so.")
    binds_state_employee_plan = models.BooleanField(default=False, help_text="Only if the statute says so.")
    denial_types = models.JSONField(
        default=list,
        validators=[validate_denial_type_slugs],
        help_text='Slugs of the denial types the statute reaches, e.g. ["step-therapy"]; add another only if the statute covers it.',
    )
    grounds = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_statute_grounds],
        help_text='The exception grounds the statute provides: a list of {"ground": one of '
        + ", ".join(ExceptionGround.values)
        + ', "subsection": "(c)(2)", "wording": the statute\'s terms, paraphrased}.',
    )
    standard_clock_amount = models.PositiveSmallIntegerField(null=True, blank=True)
    standard_clock_unit = models.CharField(max_length=16, choices=ClockUnit.choices, blank=True)
    urgent_clock_amount = models.PositiveSmallIntegerField(null=True, blank=True)
    urgent_clock_unit = models.CharField(max_length=16, choices=ClockUnit.choices, blank=True)
    clock_subsection = models.CharField(max_length=60, blank=True, help_text="Where the clocks are, e.g. (d).")
    clock_counted_from = models.CharField(
        max_length=200,
        blank=True,
        help_text="What starts the clock, in the statute's terms, e.g. receipt of complete documentation.",
    )
    deemed_approved = models.BooleanField(default=False, help_text="The exception is granted if the plan misses the clock.")
    deemed_approved_subsection = models.CharField(max_length=60, blank=True)
    exception_form = models.CharField(
        max_length=255, blank=True, help_text="A form the statute requires for the request, attached to the letter."
    )
    prescriber_submits = models.BooleanField(
        default=False,
        help_text="The statute's text has the prescriber submit the exception request (Texas (b): 'the prescribing "
        "provider submits'). A patient's letter then points to the prescriber's request instead of making it.",
    )
    carve_outs = models.TextField(blank=True, help_text="e.g. no step therapy at all for stage IV metastatic cancer.")
    notes = models.TextField(blank=True, help_text="What was not read or not verified, and anything else staff should know.")
    history = HistoricalRecords()

    objects = StateStepTherapyLawQuerySet.as_manager()

    class Meta:
        ordering = ["state", "-effective_date"]
        verbose_name = "state step-therapy law"
        constraints = [
            models.UniqueConstraint(fields=["state", "citation", "effective_date"], name="one_statute_version_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.citation} (from {self.effective_date:%Y-%m-%d}){'' if self.verified else ' — unverified'}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for prefix in ("standard", "urgent"):
            amount, unit = getattr(self, f"{prefix}_clock_amount"), getattr(self, f"{prefix}_clock_unit")
            if (amount is None) != (not unit):
                errors[f"{prefix}_clock_unit"] = "Give the amount and its unit together, or neither."
        if (self.standard_clock_amount is not None or self.urgent_clock_amount is not None) and not self.clock_subsection:
            errors["clock_subsection"] = "Say where in the statute the clock is."
        if self.deemed_approved and not self.deemed_approved_subsection:
            errors["deemed_approved_subsection"] = "Say where in the statute the plan's silence counts as approval."
        if self.verified and not (self.grounds and self.verified_by):
            errors["verified"] = "A verified row needs the statute's grounds and who read it."
        if errors:
            raise ValidationError(errors)

    def binds(self, market: str | None) -> bool:
        return {
            Market.FULLY_INSURED: self.binds_fully_insured,
            Market.INDIVIDUAL: self.binds_individual,
            Market.MEDICAID_MCO: self.binds_medicaid_mco,
            Market.STATE_EMPLOYEE: self.binds_state_employee_plan,
        }.get(market, False)

    def ground(self, value: str) -> dict | None:
        return next((item for item in self.grounds if item["ground"] == value), None)


@dataclass(frozen=True)
class Clock:
    amount: int
    unit: str

    def __str__(self) -> str:
        label = ClockUnit(self.unit).label
        return f"{self.amount} {label[:-1] if self.amount == 1 else label}"


def clock(amount: int | None, unit: str) -> Clock | None:
    return Clock(amount, unit) if amount is not None and unit else None


def applicable_state_law(
    *, plan_type_slug: str | None, denial_type_slug: str, state: str, on: datetime.date
) -> StateStepTherapyLaw | None:
    """The one rule for whether a letter may assert a state step-therapy law: the
    statute for the state the policy was issued in, in force on the letter's date,
    verified, binding this kind of plan and reaching this denial type.  None otherwise.
    (Which criteria a statutory ground may answer is ``criterion_takes_statutory_ground``.)"""
    market = MARKET_BY_PLAN_TYPE.get(plan_type_slug or "")
    if market is None or not state:
        return None
    law = StateStepTherapyLaw.objects.in_force_on(state, on)
    if law is None or not law.verified or not law.binds(market) or denial_type_slug not in law.denial_types:
        return None
    return law
