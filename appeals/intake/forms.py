"""Wizard forms.  Every text is bounded, every date checked against the
calendar, and every message sits at its field (crispy renders them with
aria-describedby, so screen readers announce them)."""

from __future__ import annotations

import datetime
import re

from dateutil.relativedelta import relativedelta
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from localflavor.us.forms import USZipCodeField
from localflavor.us.us_states import STATE_CHOICES

from appeals.catalog.models import (
    UNLISTED,
    UNLISTED_DRUG_NAME,
    UNLISTED_PAYER_NAME,
    AppealStage,
    Criterion,
    DenialType,
    Drug,
    ExceptionGround,
    Payer,
    PlanType,
    normalize_us_phone,
)
from appeals.catalog.state_law import criterion_takes_exception_ground
from appeals.intake.answers import EXCEPTION, MET, NOT_SURE, CriteriaAnswers, CriterionAnswer, DiagnosisAnswers
from appeals.intake.validators import diagnosis_for, validate_npi

EARLIEST_NOTICE = datetime.date(2000, 1, 1)
OLDEST_AGE_YEARS = 125


def _today() -> datetime.date:
    return timezone.localdate()


class CatalogEntryField(forms.CharField):
    """A drug or payer typed by name (with the browser's own type-ahead from a
    <datalist>, so it works without JavaScript), resolved to its catalog row."""

    def __init__(self, *, lookup, datalist: str, noun: str, **kwargs):
        super().__init__(max_length=120, **kwargs)
        self.lookup, self.noun = lookup, noun
        self.widget.attrs.update({"list": datalist, "autocomplete": "off"})

    def clean(self, value):
        text = super().clean(value).strip()
        found = self.lookup(text)
        # Not in the catalog: the name as typed, for the form to ask whether to go on without it.
        return found if found is not None else UnlistedName(text)


class UnlistedName(str):
    """A drug or insurer name the catalog does not hold, as typed."""


STAND_IN_NAMES = {UNLISTED_DRUG_NAME.lower(), UNLISTED_PAYER_NAME.lower()}


def _names(text: str) -> list[str]:
    return [name.strip().lower() for name in re.split(r"[,\n]", text) if name.strip()]


def find_drug(text: str) -> Drug | None:
    wanted = text.lower()
    candidates = Drug.objects.exclude(slug=UNLISTED).filter(
        Q(slug__iexact=text) | Q(name__iexact=text) | Q(generic_name__iexact=text) | Q(brand_names__icontains=text)
    )
    for drug in candidates:
        if wanted in (drug.slug, drug.name.lower(), drug.generic_name.lower()) or wanted in _names(drug.brand_names):
            return drug
    return None


def find_payer(text: str) -> Payer | None:
    wanted = text.lower()
    for payer in Payer.objects.exclude(slug=UNLISTED).filter(
        Q(slug__iexact=text) | Q(name__iexact=text) | Q(aliases__icontains=text)
    ):
        if wanted in (payer.slug, payer.name.lower()) or wanted in _names(payer.aliases):
            return payer
    return None


def optional_phone(value: str) -> str:
    """A US phone or fax number written one way, or "" when none was given."""
    value = value.strip()
    return normalize_us_phone(value) if value else ""


def address_lines(value: str) -> str:
    """An address as typed, one line per line, without blank lines or stray spaces."""
    return "\n".join(line.strip() for line in value.strip().splitlines() if line.strip())


class StartForm(forms.Form):
    """Which drug, payer and denial: prefilled from a landing page's link, or typed with suggestions."""

    drug = CatalogEntryField(
        lookup=find_drug, datalist="drug-names", noun="drug", label="Drug that was denied",
        help_text="Brand or generic name, e.g. Saphnelo or anifrolumab.",
    )  # fmt: skip
    payer = CatalogEntryField(
        lookup=find_payer, datalist="payer-names", noun="insurer", label="Insurer or health plan",
        help_text="The company named on the denial notice.",
    )  # fmt: skip
    unlisted_ok = forms.BooleanField(
        required=False,
        label="Go on with the name as I typed it",
        help_text="For a drug or insurer we do not list yet: the letter is written on the general path for this kind "
        "of denial, with the name as typed, the plan's reasons as the notice gives them, and no facts of ours about it.",
    )
    denial = forms.ModelChoiceField(
        queryset=DenialType.objects.order_by("order", "name"), to_field_name="slug",
        empty_label="Choose the reason", label="Reason the notice gives",
    )  # fmt: skip
    promo = forms.CharField(max_length=40, required=False, label="Promo code (optional)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The choice to go on appears only once a typed name was not found (or was chosen already).
        if not (self.is_bound and (self.data.get("unlisted_ok") or self._a_name_is_not_listed())):
            del self.fields["unlisted_ok"]

    def _a_name_is_not_listed(self) -> bool:
        drug, payer = (str(self.data.get(name, "")).strip()[:120] for name in ("drug", "payer"))
        return bool(drug and find_drug(drug) is None) or bool(payer and find_payer(payer) is None)

    def clean(self) -> dict:
        data = super().clean()
        unlisted = {name: data[name] for name in ("drug", "payer") if isinstance(data.get(name), UnlistedName)}
        for name, text in list(unlisted.items()):
            if text.lower() in STAND_IN_NAMES:  # the catalog's placeholder is no drug's or insurer's name
                self.add_error(name, forms.ValidationError("Type the name on the denial notice.", code="stand_in"))
                del unlisted[name]
        if unlisted and not data.get("unlisted_ok"):
            for name, text in unlisted.items():
                noun = self.fields[name].noun
                self.add_error(
                    name,
                    forms.ValidationError(
                        f"The {noun} “%(text)s” is not in our list. Pick one of the suggestions as you type or check the "
                        "spelling; or, if it is right, tick “Go on with the name as I typed it” below.",
                        code="unknown",
                        params={"text": text},
                    ),
                )
            self.offers_unlisted = True
        return data

    @property
    def needs_unlisted_choice(self) -> bool:
        return getattr(self, "offers_unlisted", False)

    @staticmethod
    def initial_from_query(query) -> dict:
        """Initial answers from a landing page's ?drug=&payer=&denial=&promo= (slugs shown as names)."""
        slugs = {key: query.get(key, "")[:100] for key in ("drug", "payer", "denial", "promo")}
        drug = Drug.objects.exclude(slug=UNLISTED).filter(slug=slugs["drug"]).first()
        payer = Payer.objects.exclude(slug=UNLISTED).filter(slug=slugs["payer"]).first()
        return {
            "drug": drug.name if drug else "",
            "payer": payer.name if payer else "",
            "denial": slugs["denial"],
            "promo": slugs["promo"],
        }

    def clean_promo(self) -> str:
        return self.cleaned_data["promo"].strip().upper()


class ResumeEmailForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Email address")


class PlanForm(forms.Form):
    plan_type = forms.ChoiceField(widget=forms.RadioSelect, label="What kind of plan is it?")
    stage = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=AppealStage.choices,
        required=False,  # shown with the first written denial chosen, the usual case; left empty it is that case
        initial=AppealStage.FIRST_DENIAL,
        label="Where are you now?",
        help_text="This decides what the letter asks for: a first coverage request, an appeal, or a review outside the plan.",
    )
    notice_date = forms.DateField(
        label="Date printed on the plan's latest letter",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Deadlines are counted from this date. With no letter yet, give the day the pharmacy or the office "
        "was told no.",
    )
    notice_received_on = forms.DateField(
        required=False,
        label="Day you received the notice (if you know it)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Some plans count from receipt. Leave empty if unsure: we then count from the printed date, or, "
        "where the rule presumes a receipt date (Medicare Part D: 5 days after the printed date), show that legal "
        "date together with an earlier date to aim for.",
    )
    already_given = forms.BooleanField(
        required=False,
        label="Has the drug already been given and billed, so the plan is refusing to pay for it?",
        help_text="Then the appeal is about payment: it is decided on the standard time limits, since expedited "
        "review is only for care not yet received.",
    )
    expedited = forms.BooleanField(
        required=False,
        label="Could waiting weeks for a decision seriously jeopardize the patient's life, health or ability to "
        "regain maximum function?",
        help_text="If yes, the appeal asks for an expedited decision (usually within 72 hours). The treating "
        "physician's statement that it is urgent is what counts.",
    )
    claim_number = forms.CharField(max_length=64, required=False, label="Claim or authorization number")
    reference_number = forms.CharField(max_length=64, required=False, label="Other reference or case number")
    appeals_address = forms.CharField(
        max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        label="Where the notice says to send the appeal (optional)",
        help_text="Copy the address from the denial notice if it gives one: it is the address the letter uses.",
    )  # fmt: skip
    appeals_fax = forms.CharField(max_length=20, required=False, label="The appeals fax number on the notice (optional)")

    def __init__(self, *args, payer: Payer, **kwargs):
        super().__init__(*args, **kwargs)
        plan_types = list(payer.plan_types.order_by("order", "name")) or list(PlanType.objects.order_by("order"))
        # Coverage the letter cannot cite (church plans, TRICARE) is always a choice, so a person who has it can say
        # so and be told plainly what applies.
        plan_types += [p for p in PlanType.objects.filter(letter_cites_law=False).order_by("order") if p not in plan_types]
        self.plan_types = {plan_type.slug: plan_type for plan_type in plan_types}
        self.fields["plan_type"].choices = [(plan_type.slug, plan_type.name) for plan_type in plan_types] + [
            (NOT_SURE, "Not sure")
        ]
        self.fields["plan_type"].help_text = (
            "An employer plan is self-funded when the employer pays the claims and the insurer only administers "
            "them; the plan documents (the Summary Plan Description) say which. Not sure? Choose “Not sure”: we "
            "use the earliest deadline of the plan types this insurer sells, and you can change the answer later. "
            "The insurance card, the Summary of Benefits and Coverage, the employer's HR or benefits office, or a "
            "Medicare card tell you which plan type you have."
        )

    def clean_stage(self) -> str:
        return self.cleaned_data["stage"] or AppealStage.FIRST_DENIAL

    def clean_appeals_fax(self) -> str:
        return optional_phone(self.cleaned_data["appeals_fax"])

    def clean_appeals_address(self) -> str:
        return address_lines(self.cleaned_data["appeals_address"])

    def clean_notice_date(self) -> datetime.date:
        day = self.cleaned_data["notice_date"]
        if day > _today():
            raise forms.ValidationError("The notice date cannot be in the future. Check the date printed on it.")
        if day < EARLIEST_NOTICE:
            raise forms.ValidationError("That date is too long ago; check the year.")
        return day

    def clean(self) -> dict:
        data = super().clean()
        if data.get("already_given") and data.get("expedited"):
            # 42 CFR 423.584(a), 422.584(a): no expedited review of a request for payment; ERISA urgent care is pre-service.
            self.add_error(
                "expedited",
                "Expedited review is not available for a drug already given and billed; the appeal will use the "
                "standard time limits. Untick one of the two.",
            )
        notice, received = data.get("notice_date"), data.get("notice_received_on")
        if received:
            if received > _today():
                self.add_error("notice_received_on", "The day you received it cannot be in the future.")
            elif notice and received < notice:
                self.add_error("notice_received_on", "You cannot have received the notice before the date on it.")
        return data


class PatientForm(forms.Form):
    patient_name = forms.CharField(max_length=120, label="Patient's full name", help_text="As on the insurance card.")
    birth_date = forms.DateField(label="Date of birth", widget=forms.DateInput(attrs={"type": "date"}))
    member_id = forms.CharField(max_length=40, label="Member ID")
    group_number = forms.CharField(max_length=40, required=False, label="Group number (if on the card)")
    state = forms.ChoiceField(
        choices=[("", "Choose a state")] + list(STATE_CHOICES),
        label="State where the patient lives",
    )
    policy_state = forms.ChoiceField(
        choices=[("", "Same as where the patient lives")] + list(STATE_CHOICES),
        required=False,
        label="State where the plan or policy was issued",
        help_text="A state's insurance law, such as a step-therapy law, follows the state the policy was issued in. "
        "For a job-based plan that is usually the state of the employer's main office; the plan documents or the "
        "insurance certificate name it. Leave it as it is if you are not sure.",
    )
    email = forms.EmailField(
        max_length=254, label="Email", help_text="For the link to this case and the finished letter. Nothing else."
    )
    mailing_address = forms.CharField(
        max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        label="Patient's mailing address (optional)", help_text="Printed on the patient's own letter, so the plan can write back.",
    )  # fmt: skip
    phone = forms.CharField(max_length=20, required=False, label="Patient's phone (optional)")
    representative_name = forms.CharField(
        max_length=120, required=False, label="If someone else files for the patient: their name (optional)",
        help_text="A parent, spouse or other helper who signs for the patient. The packet then includes a page appointing them.",
    )  # fmt: skip
    representative_relationship = forms.CharField(
        max_length=60, required=False, label="Their relationship to the patient", help_text="e.g. spouse, daughter, parent"
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("representative_name") and not data.get("representative_relationship"):
            self.add_error("representative_relationship", "Say how the representative is related to the patient.")
        if data.get("representative_relationship") and not data.get("representative_name"):
            self.add_error("representative_name", "Give the representative's name, or clear the relationship.")
        return data

    def clean_phone(self) -> str:
        return optional_phone(self.cleaned_data["phone"])

    def clean_mailing_address(self) -> str:
        return address_lines(self.cleaned_data["mailing_address"])

    def clean_birth_date(self) -> datetime.date:
        day = self.cleaned_data["birth_date"]
        today = _today()
        if day > today:
            raise forms.ValidationError("A date of birth cannot be in the future.")
        if day < today - relativedelta(years=OLDEST_AGE_YEARS):  # safe on February 29
            raise forms.ValidationError("That date of birth is more than 125 years ago; check the year.")
        return day

    def clean_member_id(self) -> str:
        return self.cleaned_data["member_id"].strip()


class OfficeForm(forms.Form):
    """Who prescribed the drug: all the patient is asked of the office.  The office itself
    completes the prescriber's details (credentials, NPI, address) in the clinical part."""

    prescriber_name = forms.CharField(
        max_length=120, label="Doctor or clinician who prescribed it", help_text="The person who will sign the letter."
    )
    practice_name = forms.CharField(max_length=120, label="Their practice or clinic")
    phone = forms.CharField(max_length=20, required=False, label="Office phone (optional)")
    fax = forms.CharField(max_length=20, required=False, label="Office fax (optional)")
    email = forms.EmailField(
        max_length=254, required=False, label="Office email (optional)",
        help_text="If you want us to email the office its link to the clinical part.",
    )  # fmt: skip

    def clean_phone(self) -> str:
        return optional_phone(self.cleaned_data["phone"])

    def clean_fax(self) -> str:
        return optional_phone(self.cleaned_data["fax"])


class OfficeLinkForm(forms.Form):
    """Where to email the office its link (optional: the link can be copied instead)."""

    office_email = forms.EmailField(max_length=254, required=False, label="Office email (optional)")


def _date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"}))


def _text_area(label: str, *, max_length: int, required: bool = True, help_text: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}),
    )


def _not_in_future(form: forms.Form, field: str, message: str) -> None:
    day = form.cleaned_data.get(field)
    if day and day > _today():
        form.add_error(field, message)


ACTIVITY_EXAMPLES = {
    "Oncology": "e.g. ECOG performance status",
    "Rheumatology": "e.g. SLEDAI-2K, CDAI or DAS28-CRP",
}


class DiagnosisForm(forms.Form):
    icd10_code = forms.CharField(
        max_length=12,
        label="ICD-10-CM diagnosis code",
        help_text="On the denial notice, the prescription or the visit summary, e.g. M32.14. Letters and digits; the dot is optional.",
    )
    diagnosed_on = _date_field("Date of diagnosis (if known)", required=False)
    severity = forms.ChoiceField(
        label="How severe is the disease now?",
        choices=[("", "Choose"), ("mild", "Mild"), ("moderate", "Moderate"), ("severe", "Severe")],
        required=False,
    )
    activity_measure = forms.CharField(max_length=80, required=False, label="Disease-activity measure")
    activity_score = forms.CharField(max_length=40, required=False, label="Score or result")
    activity_measured_on = _date_field("Date it was measured", required=False)
    earlier_activity_score = forms.CharField(
        max_length=40, required=False, label="An earlier score on the same measure (optional)",
        help_text="With its date, it lets the letter show the course of the disease.",
    )  # fmt: skip
    earlier_activity_measured_on = _date_field("Date of the earlier score", required=False)

    ACTIVITY = ("activity_measure", "activity_score", "activity_measured_on")
    EARLIER = ("earlier_activity_score", "earlier_activity_measured_on")

    def __init__(self, *args, asks_activity: bool, specialty: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # The letter argues from the disease's activity whatever the denial, so the score is
        # always asked for (optional); where the denial turns on severity, severity is required.
        self.asks_activity = asks_activity
        example = ACTIVITY_EXAMPLES.get(specialty, "the score the specialist uses")
        # Help texts are printed as HTML (crispy's |safe): catalog text goes in escaped.
        self.fields["activity_measure"].help_text = format_html(
            "The score the specialist records ({}). Leave the three empty if none was recorded: the office can add it.",
            example,
        )
        if asks_activity:
            self.fields["severity"].required = True

    def clean_icd10_code(self) -> str:
        found = diagnosis_for(self.cleaned_data["icd10_code"])
        self.diagnosis_description = found.description
        return found.code

    def clean(self) -> dict:
        data = super().clean()
        _not_in_future(self, "diagnosed_on", "The date of diagnosis cannot be in the future.")
        _not_in_future(self, "activity_measured_on", "The measurement date cannot be in the future.")
        _not_in_future(self, "earlier_activity_measured_on", "The date of the earlier score cannot be in the future.")
        self._together(data, self.ACTIVITY, "Give the measure, its score and the date together, or leave all three empty.")
        self._together(data, self.EARLIER, "Give the earlier score with its date, or leave both empty.")
        if any(data.get(name) for name in self.EARLIER) and not data.get("activity_score"):
            self.add_error("earlier_activity_score", "An earlier score needs the current one above it, on the same measure.")
        earlier, latest = data.get("earlier_activity_measured_on"), data.get("activity_measured_on")
        if earlier and latest and earlier >= latest and "earlier_activity_measured_on" not in self.errors:
            self.add_error("earlier_activity_measured_on", "The earlier score's date must be before the current score's date.")
        return data

    def _together(self, data: dict, parts: tuple[str, ...], message: str) -> None:
        given = [name for name in parts if data.get(name)]
        if given and len(given) < len(parts):
            for name in parts:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)

    def to_answers(self) -> DiagnosisAnswers:
        return DiagnosisAnswers(**self.cleaned_data, icd10_description=getattr(self, "diagnosis_description", ""))


class CompendiaForm(forms.Form):
    COMPENDIA = [
        ("nccn", "NCCN Drugs & Biologics Compendium"),
        ("drugdex", "Micromedex DrugDex"),
        ("ahfs", "AHFS Drug Information"),
        ("clinical_pharmacology", "Clinical Pharmacology"),
        ("lexi", "Lexi-Drugs"),
    ]
    compendia = forms.MultipleChoiceField(
        choices=COMPENDIA,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Compendia that list this use",
        help_text="Medicare and many state laws accept a use listed in a recognised compendium. Leave empty if none or not sure.",
    )
    evidence_level = forms.CharField(
        max_length=160, required=False, label="The listing's rating or category (optional)",
        help_text="As the compendium or guideline gives it, e.g. DrugDex Class IIa, NCCN category 2A. The office can add it.",
    )  # fmt: skip
    guidelines = _text_area(
        "Specialty-society guidelines that support the use", max_length=1500, required=False,
        help_text="Name, year and recommendation, e.g. EULAR 2023 SLE recommendations, item 4.",
    )  # fmt: skip
    literature = _text_area(
        "Published studies", max_length=2000, required=False,
        help_text="One per line: authors, title, journal, year. The prescriber's office can add these later.",
    )  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("compendia") or data.get("guidelines") or data.get("literature")):
            raise forms.ValidationError(
                "A denial of an off-label or investigational use is answered with evidence: name at least one "
                "compendium, guideline or study (the prescriber's office can help)."
            )
        return data


class RequestedDrugForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Drug.objects.none(), to_field_name="slug", label="Which product exactly?")
    dose = forms.CharField(max_length=80, label="Dose", help_text="e.g. 300 mg")
    route = forms.ChoiceField(choices=[("", "Choose")] + list(Drug.Route.choices), label="Route")
    frequency = forms.CharField(max_length=80, label="How often", help_text="e.g. every 4 weeks")
    quantity = forms.CharField(
        max_length=80, label="Quantity or billing units per fill or dose", help_text="As on the prescription or the claim."
    )
    quantity_limit = forms.CharField(
        max_length=120, label="The plan's limit, as the notice gives it", help_text="e.g. 1 vial per 28 days"
    )
    quantity_reason = _text_area("Why the patient needs more than the limit", max_length=1500)
    site = forms.ChoiceField(
        label="Where the drug is to be given",
        choices=[
            ("", "Choose"),
            ("hospital_outpatient", "Hospital outpatient department"),
            ("physician_office", "Physician's office"),
            ("infusion_center", "Freestanding infusion center"),
            ("home", "Home infusion"),
        ],
    )
    site_reason = _text_area(
        "Why that site is needed", max_length=1500,
        help_text="e.g. past infusion reactions needing hospital monitoring, first doses, other conditions.",
    )  # fmt: skip
    why_now = _text_area(
        "Why this drug now (optional)", max_length=1500, required=False,
        help_text="In the prescriber's words: what it is expected to do for this patient at this point. The office can fill this in.",
    )  # fmt: skip
    delay_risk = _text_area(
        "What a delay in treatment would risk (optional)", max_length=1000, required=False,
        help_text="e.g. a flare needing steroids, loss of kidney function. The office can fill this in.",
    )  # fmt: skip

    def __init__(self, *args, drug: Drug, sections: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        if drug.is_class:
            self.fields["product"].queryset = drug.members.order_by("name")
            self.fields["product"].empty_label = f"Choose the {drug.name.lower()}"
        else:
            del self.fields["product"]
            self.fields["route"].initial = drug.route
        # Help texts are printed as HTML (crispy's |safe): staff-written catalog text goes in escaped.
        if drug.hcpcs_code:
            self.fields["quantity"].help_text = format_html(
                "As on the prescription, or billing units of {} (one unit = {}).",
                drug.hcpcs_code,
                drug.hcpcs_unit or "see the claim",
            )
        if drug.typical_dose:
            self.fields["dose"].help_text = format_html("Label dosing: {}", drug.typical_dose)
        if "dose_and_quantity" not in sections:
            del self.fields["quantity_limit"], self.fields["quantity_reason"]
        if "site_of_care" not in sections:
            del self.fields["site"], self.fields["site_reason"]

    def clean_product(self) -> str:
        """The chosen product is stored as its slug."""
        return self.cleaned_data["product"].slug


class PriorTreatmentForm(forms.Form):
    OUTCOMES = [
        ("", "Choose"),
        ("inadequate_response", "Inadequate response"),
        ("loss_of_response", "Worked, then stopped working"),
        ("intolerance", "Intolerance (side effects)"),
        ("adverse_event", "Serious adverse event"),
        ("contraindicated", "Contraindicated (could not be used)"),
    ]
    drug = forms.CharField(max_length=120, label="Drug")
    dose = forms.CharField(max_length=80, required=False, label="Dose and frequency")
    started_on = _date_field("Started")
    stopped_on = _date_field("Stopped", required=False, help_text="Leave empty if still taking it.")
    outcome = forms.ChoiceField(choices=OUTCOMES, label="Outcome")
    notes = _text_area("Notes", max_length=1000, required=False, rows=2, help_text="e.g. the side effect, the lab result.")

    def clean(self) -> dict:
        data = super().clean()
        _not_in_future(self, "started_on", "A start date cannot be in the future.")
        _not_in_future(self, "stopped_on", "A stop date cannot be in the future.")
        started, stopped = data.get("started_on"), data.get("stopped_on")
        if started and stopped and stopped < started:
            self.add_error("stopped_on", "The stop date is before the start date.")
        return data


class FormularyAlternativeForm(forms.Form):
    drug = forms.CharField(max_length=120, label="Formulary drug the plan offers")
    ground = forms.ChoiceField(label="Why it will not do", choices=[])
    explanation = _text_area("Explanation", max_length=1000, rows=2)

    def __init__(self, *args, grounds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [("", "Choose")] + [(g, ExceptionGround(g).label) for g in grounds]


class AuthorizationHistoryForm(forms.Form):
    previously_approved = forms.TypedChoiceField(
        label="Has this plan approved the drug for the patient before?",
        choices=[("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
        widget=forms.RadioSelect,
    )
    authorization_number = forms.CharField(max_length=64, required=False, label="Last authorization number (if known)")
    approved_until = _date_field("Last approval ran until (if known)", required=False)
    history = _text_area(
        "Treatment so far at the current site", max_length=1500, required=False,
        help_text="e.g. since March 2025, 14 infusions at the hospital, one infusion reaction in June.",
    )  # fmt: skip


class CriteriaForm(forms.Form):
    """One group of fields per payer criterion: met with its evidence, or an exception with its ground.

    A criterion no exception ground answers (a diagnosis, a prescriber requirement, or
    anything but the required trial in a step-therapy denial) is answered "not met"
    with an explanation only, so no letter presents it as a statutory exception."""

    other_reasons = _text_area(
        "Other reasons the denial notice gives, and your answer to each", max_length=2000, required=False,
        help_text="Anything the notice names that is not listed above.",
    )  # fmt: skip

    def __init__(self, *args, criteria: list[Criterion], grounds: list[str], denial_type: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.takes_ground = {c.key: criterion_takes_exception_ground(c.kind, denial_type) for c in criteria}
        if not criteria:
            self.fields["other_reasons"].label = "What the denial notice says is missing, and your answer to it"
            self.fields["other_reasons"].required = True
            self.fields[
                "other_reasons"
            ].help_text = "The catalog has no published criteria for this plan and drug yet; copy the reasons from the notice."
        ground_choices = [("", "Choose")] + [(g, ExceptionGround(g).label) for g in grounds]
        fields = {}
        for criterion in criteria:
            key = criterion.key
            takes_ground = self.takes_ground[key]
            fields[f"{key}__status"] = forms.ChoiceField(
                label="Does the patient meet it?",
                choices=[
                    (MET, "Yes, the chart shows it"),
                    (EXCEPTION, "No: ask for an exception" if takes_ground else "No: explain why it should not apply"),
                ],
                widget=forms.RadioSelect,
            )
            fields[f"{key}__evidence"] = forms.CharField(
                max_length=200, required=False, label="Which document shows it",
                # Feed text, printed as HTML by crispy (|safe): cut, then escaped.
                help_text=format_html("Usually: {}", criterion.evidence[: 300 - len("Usually: ")]),
            )  # fmt: skip
            fields[f"{key}__evidence_date"] = _date_field("Date of that document", required=False)
            if takes_ground:
                fields[f"{key}__ground"] = forms.ChoiceField(choices=ground_choices, required=False, label="Exception ground")
            fields[f"{key}__explanation"] = _text_area(
                "Why the exception applies" if takes_ground else "Why it should not apply to this patient",
                max_length=1500,
                required=False,
                rows=2,
            )
        # The criteria come first, in the payer's order; "other reasons" last.
        self.fields = {**fields, "other_reasons": self.fields["other_reasons"]}

    # The fields asked of each criterion, named ``<key>__<part>``: a part is a
    # field of CriterionAnswer (a test keeps the two alike).  A criterion no
    # exception ground answers has no "ground" field.
    PARTS = ("status", "evidence", "evidence_date", "ground", "explanation")

    def groups(self) -> list[tuple[Criterion, object, list, list]]:
        """Per criterion: its status field, the fields for "met", and those for "not met"."""
        return [
            (
                c,
                self[f"{c.key}__status"],
                [self[f"{c.key}__evidence"], self[f"{c.key}__evidence_date"]],
                [self[f"{c.key}__{part}"] for part in ("ground", "explanation") if f"{c.key}__{part}" in self.fields],
            )
            for c in self.criteria
        ]

    # Whose criteria the step shows: only those checked in the payer's published policy are called the payer's.
    @property
    def has_payer_policy_criteria(self) -> bool:
        return any(c.is_payer_policy for c in self.criteria)

    @property
    def has_typical_criteria(self) -> bool:
        return any(not c.is_payer_policy for c in self.criteria)

    def clean(self) -> dict:
        data = super().clean()
        for criterion in self.criteria:
            key = criterion.key
            status = data.get(f"{key}__status")
            if status == MET:
                if not data.get(f"{key}__evidence"):
                    self.add_error(f"{key}__evidence", "Name the document that shows it (e.g. the clinic note).")
                if not data.get(f"{key}__evidence_date") and f"{key}__evidence_date" not in self.errors:
                    self.add_error(f"{key}__evidence_date", "Give the document's date.")
                _not_in_future(self, f"{key}__evidence_date", "A document's date cannot be in the future.")
            elif status == EXCEPTION:
                if self.takes_ground[key] and not data.get(f"{key}__ground"):
                    self.add_error(f"{key}__ground", "Choose the ground for the exception.")
                if not data.get(f"{key}__explanation"):
                    self.add_error(f"{key}__explanation", "Explain why the exception applies.")
        return data

    def to_answers(self) -> CriteriaAnswers:
        items = []
        for criterion in self.criteria:
            key, status = criterion.key, self._given(criterion, "status")
            # Only the parts of the chosen answer: evidence when met, a ground when an exception.
            if status == MET:
                evidence, evidence_date = self._given(criterion, "evidence"), self._given(criterion, "evidence_date")
                items.append(CriterionAnswer(key=key, status=status, evidence=evidence, evidence_date=evidence_date))
            else:
                ground = self.cleaned_data.get(f"{key}__ground", "")  # absent where no ground answers it
                explanation = self._given(criterion, "explanation")
                items.append(CriterionAnswer(key=key, status=status, ground=ground, explanation=explanation))
        return CriteriaAnswers(items=items, other_reasons=self.cleaned_data.get("other_reasons", ""))

    def _given(self, criterion: Criterion, part: str):
        return self.cleaned_data[f"{criterion.key}__{part}"]

    @classmethod
    def initial_from(cls, answers: CriteriaAnswers) -> dict:
        """The form's initial values from the step's typed answers."""
        initial = {"other_reasons": answers.other_reasons}
        for item in answers.items:
            # As stored: dates as ISO text, what a date input shows.
            initial.update({f"{item.key}__{part}": value for part, value in item.to_stored().items() if part in cls.PARTS})
        return initial


class PrescriberForm(forms.Form):
    prescriber_name = forms.CharField(
        max_length=120, label="Prescriber's name", help_text="The physician or clinician who will sign."
    )
    credentials = forms.CharField(max_length=40, label="Credentials", help_text="e.g. MD, DO, NP, PA-C")
    specialty = forms.CharField(max_length=80, label="Specialty", help_text="e.g. Rheumatology")
    npi = forms.CharField(
        max_length=14, required=False, label="NPI (National Provider Identifier)",
        help_text="10 digits, on the prescription or the office's paperwork. If you don't know it, leave it empty: the office writes it in.",
    )  # fmt: skip
    practice_name = forms.CharField(max_length=120, label="Practice or clinic")
    address_line1 = forms.CharField(max_length=120, label="Street address")
    address_line2 = forms.CharField(max_length=120, required=False, label="Suite, floor (optional)")
    city = forms.CharField(max_length=80, label="City")
    state = forms.ChoiceField(choices=[("", "Choose a state")] + list(STATE_CHOICES), label="State")
    zip_code = USZipCodeField(
        label="ZIP code", error_messages={"invalid": "Enter a 5-digit ZIP code, or ZIP+4 (e.g. 78701 or 78701-1234)."}
    )
    phone = forms.CharField(max_length=20, label="Office phone")
    fax = forms.CharField(max_length=20, required=False, label="Office fax")
    email = forms.EmailField(max_length=254, required=False, label="Office email (optional)")
    peer_to_peer_times = forms.CharField(
        max_length=160, required=False, label="When the prescriber can take a peer-to-peer call (optional)",
        help_text="e.g. weekdays 12:00–1:00 pm and 4:30–5:30 pm Central. Printed on the peer-to-peer request.",
    )  # fmt: skip

    def clean_npi(self) -> str:
        value = self.cleaned_data["npi"].strip()
        return validate_npi(value) if value else ""

    def _phone(self, field: str) -> str:
        return optional_phone(self.cleaned_data[field])

    def clean_phone(self) -> str:
        return self._phone("phone")

    def clean_fax(self) -> str:
        return self._phone("fax")
