"""The catalog: what a denial can be about and the rules that answer it.

Drugs, payers, denial types and plan types are staff-curated reference data.
Criteria arrive through the criteria feed (``appeals.catalog.criteria_import``) and are
versioned rather than edited, so a letter can name the exact version of a
requirement it answered.  Each criterion says where it came from: a payer's
published policy (with its address, the day it was read and the staff account
that checked it) or the criteria plans typically apply to the drug, which are
never called the payer's.  A Guide is the hand-written content of one
drug × payer × denial type landing page; its reviewer is a staff account with
a ReviewerProfile, and demo guides say so and stay out of search indexes.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class ExceptionGround(models.TextChoices):
    """The grounds state step-therapy laws (and most payer policies) accept for
    skipping a required drug.  The model language is near-identical across
    AR 23-79-2104(b), AZ 20-3654(B), TX Ins. Code 1369.0546(c) and others."""

    CONTRAINDICATED = "contraindicated", "Contraindicated or likely to cause harm"
    EXPECTED_INEFFECTIVE = "expected_ineffective", "Expected to be ineffective"
    TRIED_AND_FAILED = "tried_and_failed", "Tried before (same drug, class or mechanism) and stopped"
    STABLE_ON_CURRENT = "stable_on_current", "Stable on the prescribed drug"
    NOT_BEST_INTEREST = "not_best_interest", "Not in the patient's best interest"


class IntakeSection(models.TextChoices):
    """Wizard sections a denial type may need on top of the ones every case
    asks (plan and denial, patient, diagnosis, requested drug, criteria
    mapping, prescriber)."""

    PRIOR_TREATMENTS = "prior_treatments", "Prior treatments with dates and outcomes"
    DISEASE_ACTIVITY = "disease_activity", "Severity and disease-activity measures"
    DOSE_AND_QUANTITY = "dose_and_quantity", "Dose, frequency and quantity requested"
    COMPENDIA_SUPPORT = "compendia_support", "Compendium and guideline support for the use"
    FORMULARY_ALTERNATIVES = "formulary_alternatives", "Formulary alternatives and why each fails"
    SITE_OF_CARE = "site_of_care", "Site of care and why it is needed"
    AUTHORIZATION_HISTORY = "authorization_history", "Prior authorization history"


class Verification(models.TextChoices):
    """How well a rule was checked (the legend of domain-facts.md)."""

    VERIFIED = "V", "Verified against the regulation or an agency page"
    SECONDARY = "S", "Secondary source only"
    UNVERIFIED = "U", "Unverified"


hcpcs_validator = RegexValidator(r"^[A-Z][0-9]{4}$", "A HCPCS code is one capital letter and four digits, e.g. J0491.")


def normalize_us_phone(value: str) -> str:
    """'800.555.0100', '1-800-555-0100' → '(800) 555-0100'.  Raises ValidationError."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        raise ValidationError("Enter a 10-digit US number, e.g. (800) 555-0100.")
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def text_lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def parse_rights(value: str) -> list[dict[str, str]]:
    """'statement | citation' lines → [{"text": …, "citation": …}]; the citation may be left out."""
    rights = []
    for line in text_lines(value):
        text, _, citation = line.partition("|")
        rights.append({"text": text.strip(), "citation": citation.strip()})
    return rights


def validate_rights(value: str) -> None:
    for number, line in enumerate(text_lines(value), start=1):
        if line.count("|") > 1 or not line.partition("|")[0].strip():
            raise ValidationError(f"Line {number}: write the right, then optionally ' | ' and its citation.")


def _validate_choice_list(value: object, choices: type[models.TextChoices], label: str) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(f"{label} must be a list of names.")
    unknown = sorted(set(value) - set(choices.values))
    if unknown:
        raise ValidationError(f"Unknown {label.lower()}: {', '.join(unknown)}.")


class AppealStage(models.TextChoices):
    """Where the person is in the plan's process, in a patient's words.  The
    stage decides what is filed now (a coverage request, an appeal, an external
    review) and so which rules and which request the letter makes."""

    PHARMACY_REJECTION = (
        "pharmacy_rejection",
        "The pharmacy would not fill it, or the doctor's office was told no, but there is no written decision yet",
    )
    FIRST_DENIAL = "first_denial", "A first written denial from the plan"
    APPEAL_DENIED = "appeal_denied", "We already appealed, and the appeal was denied"
    FINAL_INTERNAL_DENIAL = (
        "final_internal_denial",
        "A final denial: the plan's letter says its internal appeals are over",
    )


class PlanType(models.Model):
    """A kind of coverage, which decides the appeal rules and deadlines."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in lists and in the wizard.")
    description = models.TextField(help_text="One or two sentences a patient recognises their coverage by.")
    how_to_tell = models.TextField(
        blank=True,
        help_text="Help shown in the wizard for telling this plan type from similar ones, and what to do when unsure.",
    )
    governing_law = models.CharField(
        max_length=255, blank=True, help_text="e.g. ERISA §503 and 29 CFR 2560.503-1. Empty when the letter cannot cite it."
    )
    first_level_reviewer = models.CharField(max_length=255)
    next_level = models.CharField(
        max_length=255, blank=True, help_text="Who decides after the plan, e.g. a state external review."
    )
    state_step_therapy_law_applies = models.BooleanField(
        default=False,
        help_text="Whether state step-therapy and external-review laws can reach this coverage.",
    )
    appeal_rights = models.TextField(
        blank=True,
        validators=[validate_rights],
        help_text="The rights an appeal letter asserts for this coverage, one per line, each followed by ' | ' and its "
        "citation where there is one, e.g. 'Free copies of every document relevant to the claim | 29 CFR 2560.503-1(h)(2)(iii)'.",
    )
    enclosures = models.TextField(
        blank=True,
        help_text="What an appeal under this coverage should attach beyond the usual records, one item per line "
        "(e.g. the Medicare appointment-of-representative form).",
    )
    letter_cites_law = models.BooleanField(
        default=True,
        help_text="Untick for coverage whose appeal law the product does not hold (church plans, TRICARE): the "
        "person may still choose it, is told what applies, and the letter cites no law or time limit.",
    )
    outside_scope_note = models.TextField(
        blank=True,
        help_text="For coverage the letter cannot cite: what applies instead and where the person finds the rules.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def rights(self) -> list[dict[str, str]]:
        return parse_rights(self.appeal_rights)

    def enclosure_list(self) -> list[str]:
        return text_lines(self.enclosures)


class AppealDeadlineRule(models.Model):
    """One dated step of a plan type's appeal process, as data staff can correct."""

    class Step(models.TextChoices):
        FILE_APPEAL = "file_appeal", "File the internal appeal"
        DECISION_STANDARD = "decision_standard", "Plan decides a standard appeal"
        DECISION_EXPEDITED = "decision_expedited", "Plan decides an expedited appeal"
        FILE_NEXT_LEVEL = "file_next_level", "Ask for the next level of review"
        NEXT_LEVEL_DECISION_STANDARD = "next_level_decision_standard", "Next level decides (standard)"
        NEXT_LEVEL_DECISION_EXPEDITED = "next_level_decision_expedited", "Next level decides (expedited)"

    class Unit(models.TextChoices):
        HOURS = "hours", "hours"
        DAYS = "days", "calendar days"
        MONTHS = "months", "months"

    class CountedFrom(models.TextChoices):
        NOTICE_DATE = "notice_date", "the date on the denial notice"
        NOTICE_RECEIPT = "notice_receipt", "receipt of the denial notice"
        APPEAL_RECEIVED = "appeal_received", "the plan's receipt of the appeal"
        APPEAL_DECISION = "appeal_decision", "the date of the appeal decision"

    plan_type = models.ForeignKey(PlanType, on_delete=models.CASCADE, related_name="deadline_rules")
    stage = models.CharField(
        max_length=30,
        choices=AppealStage.choices,
        default=AppealStage.FIRST_DENIAL,
        help_text="Where the person is: the file step is what they file now, the next-level steps the level after it.",
    )
    step = models.CharField(max_length=40, choices=Step.choices)
    amount = models.PositiveIntegerField(null=True, blank=True, help_text="Leave empty when the step has no time limit.")
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.DAYS)
    counted_from = models.CharField(max_length=20, choices=CountedFrom.choices)
    receipt_presumption_days = models.PositiveSmallIntegerField(
        default=0,
        help_text="When counted from receipt: receipt is presumed this many days after the notice date (Part D: 5).",
    )
    automatic = models.BooleanField(
        default=False,
        help_text="The plan forwards the case itself; the person files nothing (e.g. Medicare Advantage to the IRE).",
    )
    rolls_forward = models.BooleanField(
        default=False,
        help_text="Only for a rule whose own text extends the last day, as 45 CFR 147.136(d)(2)(i) and 29 CFR "
        "2590.715-2719(d)(2)(i) do: a last day on a Saturday, Sunday or federal holiday moves to the next business "
        "day, and a count in months with no matching day ends on the first day of the following month. Leave it off "
        "otherwise: most appeal deadlines never move, and the person is told to file by the business day before.",
    )
    citation = models.CharField(max_length=255)
    verification = models.CharField(max_length=1, choices=Verification.choices, default=Verification.VERIFIED)
    explanation = models.TextField(blank=True, help_text="Plain-language note shown with the date.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_type", "stage", "step"]
        constraints = [models.UniqueConstraint(fields=["plan_type", "stage", "step"], name="one_rule_per_plan_type_stage_step")]

    def __str__(self) -> str:
        return f"{self.plan_type} ({self.get_stage_display()}): {self.get_step_display()}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.amount is None and not self.automatic:
            errors["amount"] = "Give the time limit, or mark the step as automatic."
        if self.receipt_presumption_days and self.counted_from != self.CountedFrom.NOTICE_RECEIPT:
            errors["receipt_presumption_days"] = (
                "A receipt presumption only applies when the time counts from receipt of the notice."
            )
        if self.unit == self.Unit.HOURS and self.step in (self.Step.FILE_APPEAL, self.Step.FILE_NEXT_LEVEL):
            errors["unit"] = "Filing windows are counted in days or months."
        if errors:
            raise ValidationError(errors)


class AppealInstrument(models.Model):
    """What a letter asks for at one stage of one plan type: the request's
    name, the sentence that makes it with its legal basis, and who decides it.
    Data with its sources, so staff can correct the law without a release."""

    plan_type = models.ForeignKey(PlanType, on_delete=models.CASCADE, related_name="instruments")
    stage = models.CharField(max_length=30, choices=AppealStage.choices)
    title = models.CharField(max_length=160, help_text="The request's name for the RE line, e.g. 'Request for redetermination'.")
    request = models.CharField(
        max_length=400,
        help_text="What the letter asks for, completing 'This letter requests …', with its citation, e.g. 'a "
        "redetermination under 42 CFR 423.580 and 423.582'.  Leave empty when there is nothing the letter can request.",
        blank=True,
    )
    reviews_decision = models.BooleanField(
        default=True,
        help_text="The request reviews a written decision (untick for a first request, e.g. a coverage determination).",
    )
    decided_by = models.CharField(
        max_length=160, help_text="Who decides this request, e.g. 'the plan' or 'the Part D Independent Review Entity'."
    )
    addressed_to_plan = models.BooleanField(
        default=True, help_text="The request is sent to the plan (untick when it goes to an independent reviewer or agency)."
    )
    send_to = models.CharField(
        max_length=255,
        blank=True,
        help_text="Where it is sent when not to the plan's appeals address, e.g. 'the address on the redetermination notice'.",
    )
    copy_to_plan = models.BooleanField(
        default=True,
        help_text="When the request goes to an outside reviewer: send the plan a copy (untick where there is no plan, "
        "as in Original Medicare, whose claims a Medicare contractor decides).",
    )
    law = models.CharField(
        max_length=400,
        blank=True,
        help_text="The law the request is made under, completing 'This request is made under …'. Empty: none is stated.",
    )
    person_note = models.TextField(
        blank=True, help_text="What the person is told on the wizard and status pages about this stage, in plain words."
    )
    verification = models.CharField(max_length=1, choices=Verification.choices, default=Verification.VERIFIED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_type", "stage"]
        constraints = [models.UniqueConstraint(fields=["plan_type", "stage"], name="one_instrument_per_plan_type_stage")]

    def __str__(self) -> str:
        return f"{self.plan_type} ({self.get_stage_display()}): {self.title}"


class Drug(models.Model):
    """A single agent (anifrolumab) or a class (JAK inhibitor) with member agents."""

    class Kind(models.TextChoices):
        AGENT = "agent", "Single agent"
        CLASS = "class", "Drug class"

    class Route(models.TextChoices):
        INTRAVENOUS = "iv", "Intravenous"
        SUBCUTANEOUS = "sc", "Subcutaneous"
        IV_OR_SC = "iv_sc", "Intravenous or subcutaneous"
        ORAL = "oral", "Oral"
        OTHER = "other", "Other"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120, help_text="As page titles use it: 'Anifrolumab', 'JAK inhibitor'.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.AGENT)
    drug_class = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": Kind.CLASS},
        help_text="For an agent: the class it belongs to, if the catalog has one.",
    )
    generic_name = models.CharField(max_length=120, blank=True, help_text="Nonproprietary name, e.g. anifrolumab-fnia.")
    brand_names = models.CharField(max_length=255, blank=True, help_text="Comma-separated, e.g. Xeljanz, Xeljanz XR.")
    hcpcs_code = models.CharField(max_length=5, blank=True, validators=[hcpcs_validator])
    hcpcs_unit = models.CharField(max_length=40, blank=True, help_text="What one billing unit is, e.g. 1 mg.")
    route = models.CharField(max_length=10, choices=Route.choices, blank=True)
    typical_dose = models.CharField(max_length=255, blank=True, help_text="Label dosing, e.g. 300 mg IV every 4 weeks.")
    fda_approval_date = models.DateField(null=True, blank=True)
    label_url = models.URLField(blank=True, help_text="Link to the FDA prescribing information.")
    indication = models.TextField(blank=True, help_text="The labelled indication(s), in the label's words where possible.")
    specialty = models.CharField(max_length=80, blank=True, help_text="e.g. Rheumatology, Oncology.")
    guideline_body = models.CharField(max_length=80, blank=True, help_text="Who speaks for its use, e.g. ACR, NCCN, AAD.")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("drug_hub", args=[self.slug])

    @property
    def is_class(self) -> bool:
        return self.kind == self.Kind.CLASS

    @property
    def is_unlisted(self) -> bool:
        return self.slug == UNLISTED

    def clean(self) -> None:
        if self.drug_class_id is None:
            return
        if self.is_class:
            raise ValidationError({"drug_class": "A drug class cannot itself belong to a class."})
        if self.pk is not None and self.drug_class_id == self.pk:
            raise ValidationError({"drug_class": "A drug cannot be its own class."})
        if self.drug_class.kind != self.Kind.CLASS:
            raise ValidationError({"drug_class": "Choose a catalog entry of kind 'Drug class'."})


class Payer(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120, unique=True)
    aliases = models.TextField(
        blank=True, help_text="Other names people search for, one per line (e.g. Express Scripts for Cigna)."
    )
    plan_types = models.ManyToManyField(PlanType, related_name="payers", blank=True, help_text="The plan types it sells.")
    appeals_address = models.TextField(blank=True, help_text="Mailing address for appeals, as the letter should print it.")
    appeals_fax = models.CharField(max_length=20, blank=True)
    appeals_phone = models.CharField(max_length=20, blank=True)
    coverage_policy_url = models.URLField(blank=True, help_text="Where the payer publishes its drug coverage policies.")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[plan_types])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("payer_hub", args=[self.slug])

    @property
    def is_unlisted(self) -> bool:
        return self.slug == UNLISTED

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def clean(self) -> None:
        errors = {}
        for field in ("appeals_fax", "appeals_phone"):
            value = getattr(self, field)
            if value:
                try:
                    setattr(self, field, normalize_us_phone(value))
                except ValidationError as exc:
                    errors[field] = exc.messages
        if errors:
            raise ValidationError(errors)


class DenialType(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80, unique=True, help_text="Short name, e.g. Step therapy.")
    title_phrase = models.CharField(
        max_length=120,
        help_text="Completes '<Drug> denied … by <Payer>?', e.g. 'for failing step therapy'.",
    )
    flips_when = models.TextField(help_text="One line: what usually gets this denial overturned.")
    typical_wording = models.CharField(max_length=255, blank=True, help_text="How the denial notice usually puts it, with codes.")
    exception_grounds = models.JSONField(
        default=list, blank=True, help_text="Exception grounds a person may claim against a criterion of this denial type."
    )
    intake_sections = models.JSONField(
        default=list, blank=True, help_text="Wizard sections this denial type needs beyond the ones every case asks."
    )
    enclosures = models.TextField(
        blank=True,
        help_text="What an appeal of this denial type should attach beyond the usual records, one item per line "
        "(e.g. compendium printouts for an off-label use).",
    )
    documentation = models.TextField(
        blank=True,
        help_text='What to gather before appealing this kind of denial, one item per line: the "Documentation to '
        'gather" list of every landing page of this denial type.',
    )
    order = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("denial_hub", args=[self.slug])

    def documentation_list(self) -> list[str]:
        return text_lines(self.documentation)

    def clean(self) -> None:
        errors = {}
        for field, choices, label in (
            ("exception_grounds", ExceptionGround, "Exception grounds"),
            ("intake_sections", IntakeSection, "Intake sections"),
        ):
            try:
                _validate_choice_list(getattr(self, field), choices, label)
            except ValidationError as exc:
                errors[field] = exc.messages
        if errors:
            raise ValidationError(errors)

    def enclosure_list(self) -> list[str]:
        return text_lines(self.enclosures)

    def get_exception_grounds_display(self) -> list[str]:
        return [ExceptionGround(value).label for value in self.exception_grounds if value in ExceptionGround.values]


class CriteriaImport(models.Model):
    """One criteria-feed file that changed the catalog (a no-op import leaves no row)."""

    created_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_count = models.PositiveIntegerField(default=0)
    retired_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class Provenance(models.TextChoices):
    """Where a criterion comes from, which decides whose criterion the pages and letters may call it."""

    PAYER_POLICY = "payer_policy", "The payer's published policy (checked by staff)"
    TYPICAL = "typical", "Typical criteria for this drug (not attributed to the payer)"


class CriterionQuerySet(models.QuerySet):
    def for_combo(self, drug: Drug, payer: Payer, denial_type: DenialType) -> CriterionQuerySet:
        return self.filter(drug=drug, payer=payer, denial_type=denial_type)

    def latest_versions(self) -> CriterionQuerySet:
        """The newest version of each criterion, including one not yet in force."""
        return self.filter(retired_on__isnull=True)

    def in_force_on(self, day: datetime.date) -> CriterionQuerySet:
        return self.filter(Q(effective_date__lte=day), Q(retired_on__isnull=True) | Q(retired_on__gt=day))


class Criterion(models.Model):
    """One version of one payer requirement for a drug × denial type.

    Rows are never edited after import: a changed requirement retires this row
    (``retired_on`` = the new version's effective date) and adds a new one, so
    a letter that answered this version can still cite it.
    """

    class Kind(models.TextChoices):
        DIAGNOSIS = "diagnosis", "Diagnosis"
        PRIOR_THERAPY = "prior_therapy", "Prior therapy"
        SEVERITY = "severity", "Severity"
        DOSING = "dosing", "Dosing"
        PRESCRIBER = "prescriber", "Prescriber"
        OTHER = "other", "Other"

    drug = models.ForeignKey(Drug, on_delete=models.PROTECT, related_name="criteria")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="criteria")
    denial_type = models.ForeignKey(DenialType, on_delete=models.PROTECT, related_name="criteria")
    key = models.SlugField(max_length=80, help_text="Stable name of the criterion within its combination, from the feed.")
    position = models.PositiveSmallIntegerField(help_text="Order on the page and in the letter.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    requirement = models.TextField(help_text="What the payer requires, in the policy's words where possible.")
    evidence = models.TextField(help_text="What chart evidence answers it.")
    source_title = models.CharField(max_length=255, help_text="The document the criterion comes from.")
    source_url = models.URLField(blank=True, max_length=500)
    provenance = models.CharField(
        max_length=20,
        choices=Provenance.choices,
        default=Provenance.TYPICAL,
        help_text="Only a criterion read in the payer's own published policy, with its address, the day it was read and "
        "who checked it, is shown and written as the payer's. Anything else is a typical criterion for the drug.",
    )
    retrieved_on = models.DateField(null=True, blank=True, help_text="The day the source was read.")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"is_staff": True},
        help_text="The staff account that checked the criterion against the source.",
    )
    verification_note = models.CharField(
        max_length=500, blank=True, help_text="What was checked, e.g. the policy number and section."
    )
    effective_date = models.DateField(help_text="When this version of the criterion took effect.")
    retired_on = models.DateField(
        null=True, blank=True, help_text="When a newer version took effect or the criterion was dropped; empty while current."
    )
    criteria_import = models.ForeignKey(CriteriaImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="criteria")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CriterionQuerySet.as_manager()

    # The fields that make a version: a difference in any of them is a new version.
    VERSIONED_FIELDS = (
        "position",
        "kind",
        "requirement",
        "evidence",
        "source_title",
        "source_url",
        "provenance",
        "retrieved_on",
        "verified_by_id",
        "verification_note",
        "effective_date",
    )

    class Meta:
        ordering = ["drug", "payer", "denial_type", "position", "key", "effective_date"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["drug", "payer", "denial_type", "key"],
                condition=Q(retired_on__isnull=True),
                name="one_latest_version_per_criterion",
            ),
            models.UniqueConstraint(
                fields=["drug", "payer", "denial_type", "key", "effective_date"],
                name="one_version_per_criterion_and_date",
            ),
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True) | Q(retired_on__gte=models.F("effective_date")),
                name="criterion_retired_after_effective",
            ),
        ]
        indexes = [models.Index(fields=["drug", "payer", "denial_type", "retired_on"], name="criterion_combo_idx")]

    def __str__(self) -> str:
        return f"{self.drug} × {self.payer} × {self.denial_type}: {self.key} (from {self.effective_date})"

    @property
    def is_current(self) -> bool:
        return self.retired_on is None

    @property
    def is_payer_policy(self) -> bool:
        return self.provenance == Provenance.PAYER_POLICY

    def clean(self) -> None:
        problems = provenance_problems(
            self.provenance, self.source_url, self.retrieved_on, self.verified_by if self.verified_by_id else None
        )
        if problems:
            raise ValidationError(problems)


def provenance_problems(provenance: str, source_url: str, retrieved_on, verified_by) -> dict[str, str]:
    """What a criterion lacks to be called the payer's (empty when nothing): the model and the feed both ask this."""
    if provenance != Provenance.PAYER_POLICY:
        return {}
    problems = {}
    if not source_url:
        problems["source_url"] = "A payer's policy criterion needs the address of the published policy."
    if retrieved_on is None:
        problems["retrieved_on"] = "A payer's policy criterion needs the day the policy was read."
    elif retrieved_on > timezone.localdate():
        problems["retrieved_on"] = "The day the policy was read cannot be in the future."
    if verified_by is None:
        problems["verified_by"] = "A payer's policy criterion needs the staff account that checked it."
    elif not (verified_by.is_staff and verified_by.is_active):
        problems["verified_by"] = "Only an active staff account can verify a criterion."
    return problems


class ReviewerProfile(models.Model):
    """How a staff account is named when it signs off a guide as its reviewer.

    A guide's "Last reviewed by" line and its schema.org reviewedBy come only
    from here, so every public review claim names a real staff account.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviewer_profile",
        limit_choices_to={"is_staff": True},
    )
    display_name = models.CharField(max_length=120, help_text="The name as pages show it, e.g. 'Jordan Lee'.")
    credentials = models.CharField(
        max_length=120, help_text="Degree and field as pages show them, e.g. 'MD, rheumatology' or 'PharmD, BCPS'."
    )
    profile_url = models.URLField(blank=True, help_text="Optional public page about the reviewer (e.g. a licence lookup).")
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return f"{self.display_name}, {self.credentials}"

    def clean(self) -> None:
        if self.user_id and not self.user.is_staff:
            raise ValidationError({"user": "A reviewer must be a staff account."})


class Guide(models.Model):
    """The hand-written sections of one drug × payer × denial type page."""

    drug = models.ForeignKey(Drug, on_delete=models.PROTECT, related_name="guides")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="guides")
    denial_type = models.ForeignKey(DenialType, on_delete=models.PROTECT, related_name="guides")
    body = models.TextField(help_text="Markdown. Use '## ' headings for sections; HTML is sanitised on display.")
    meta_description = models.CharField(
        max_length=300, blank=True, help_text="For search results; a default is written when empty."
    )
    published = models.BooleanField(default=False)
    is_demo = models.BooleanField(
        default=False,
        help_text="Sample content from the demo catalog: its page says so, is marked noindex and is left out of the "
        "sitemap. A demo guide may be published without a reviewer; a real one may not.",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_guides",
        limit_choices_to={"is_staff": True, "reviewer_profile__isnull": False},
        help_text="The staff account that reviewed the guide; it needs a reviewer profile (name and credentials).",
    )
    reviewed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["drug", "payer", "denial_type"]
        constraints = [models.UniqueConstraint(fields=["drug", "payer", "denial_type"], name="one_guide_per_combination")]
        indexes = [
            models.Index(fields=["published", "updated_at"], name="guide_published_idx"),
            # A landing page's "other drugs at this payer for this denial".
            models.Index(fields=["payer", "denial_type"], name="guide_payer_denial_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.drug} × {self.payer} × {self.denial_type}"

    def get_absolute_url(self) -> str:
        return reverse("landing", args=[self.drug.slug, self.payer.slug, self.denial_type.slug])

    @property
    def title(self) -> str:
        return f"{self.drug.name} denied {self.denial_type.title_phrase} by {self.payer.name}?"

    @property
    def reviewer_profile(self) -> ReviewerProfile | None:
        """The reviewer as pages name them, or None: no review is claimed without a staff account and its profile."""
        if self.reviewer_id is None or self.reviewed_on is None:
            return None
        user = self.reviewer
        if not user.is_staff:
            return None
        return getattr(user, "reviewer_profile", None)

    @property
    def is_reviewed(self) -> bool:
        return self.reviewer_profile is not None

    def clean(self) -> None:
        errors = {}
        if self.reviewer_id is not None:
            if not self.reviewer.is_staff:
                errors["reviewer"] = "A reviewer must be a staff account."
            elif getattr(self.reviewer, "reviewer_profile", None) is None:
                errors["reviewer"] = "Give this staff account a reviewer profile (name and credentials) first."
            if self.reviewed_on is None:
                errors["reviewed_on"] = "Give the day the reviewer signed off."
        elif self.reviewed_on is not None:
            errors["reviewer"] = "A review date needs the staff account that reviewed the guide."
        if errors:
            raise ValidationError(errors)
        if self.published and not self.is_demo and not self.is_reviewed:
            raise ValidationError("A guide is published only after review: choose the reviewer and the review date.")


# A case about a drug or an insurer the catalog does not hold goes on the general path for its
# denial type: the case points at a stand-in row with this slug (never shown on a public page,
# in search or among the suggestions), the name the person typed is kept with the case's
# encrypted answers, and the name is counted for staff as a request (CatalogRequest).
UNLISTED = "unlisted"
UNLISTED_DRUG_NAME = "Drug not in the catalog"
UNLISTED_PAYER_NAME = "Insurer not in the catalog"


def unlisted_drug() -> Drug:
    drug, _ = Drug.objects.get_or_create(slug=UNLISTED, defaults={"name": UNLISTED_DRUG_NAME})
    return drug


def unlisted_payer() -> Payer:
    payer, _ = Payer.objects.get_or_create(slug=UNLISTED, defaults={"name": UNLISTED_PAYER_NAME})
    return payer


class CatalogRequest(models.Model):
    """A drug or insurer someone started an appeal for that the catalog lacks: what staff
    add next.  Only the name as typed (trimmed, lower case) and how often; no case, no patient."""

    class Kind(models.TextChoices):
        DRUG = "drug", "Drug"
        PAYER = "payer", "Insurer"

    kind = models.CharField(max_length=5, choices=Kind.choices)
    name = models.CharField(max_length=120)
    times_asked = models.PositiveIntegerField(default=0)
    first_asked_at = models.DateTimeField(default=timezone.now)
    last_asked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="catalog_request_once_per_name")]
        ordering = ["-times_asked", "name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    @classmethod
    def record(cls, kind: str, name: str) -> None:
        name = " ".join(name.split()).lower()[:120]
        if not name:
            return
        now = timezone.now()
        request, _ = cls.objects.get_or_create(kind=kind, name=name, defaults={"first_asked_at": now})
        cls.objects.filter(pk=request.pk).update(times_asked=models.F("times_asked") + 1, last_asked_at=now)
