"""Wizard forms.  Every text is bounded, every date checked against the
calendar, and every message sits at its field (crispy renders them with
aria-describedby, so screen readers announce them)."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone
from localflavor.us.us_states import STATE_CHOICES

from appeals.models import DenialType, Drug, Payer, PlanType

EARLIEST_NOTICE = datetime.date(2000, 1, 1)
OLDEST_AGE_YEARS = 125
NOT_SURE = "not-sure"


def _today() -> datetime.date:
    return timezone.localdate()


class StartForm(forms.Form):
    """Which drug, payer and denial: prefilled from a landing page's link."""

    drug = forms.ModelChoiceField(
        queryset=Drug.objects.order_by("name"), to_field_name="slug", empty_label="Choose the drug",
        label="Drug that was denied",
    )  # fmt: skip
    payer = forms.ModelChoiceField(
        queryset=Payer.objects.order_by("name"), to_field_name="slug", empty_label="Choose the insurer",
        label="Insurer or health plan",
    )  # fmt: skip
    denial = forms.ModelChoiceField(
        queryset=DenialType.objects.order_by("order", "name"), to_field_name="slug",
        empty_label="Choose the reason", label="Reason the notice gives",
    )  # fmt: skip
    promo = forms.CharField(max_length=40, required=False, label="Promo code (optional)")

    def clean_promo(self) -> str:
        return self.cleaned_data["promo"].strip().upper()


class PlanForm(forms.Form):
    plan_type = forms.ChoiceField(widget=forms.RadioSelect, label="What kind of plan is it?")
    notice_date = forms.DateField(
        label="Date printed on the denial notice",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Deadlines are counted from this date.",
    )
    notice_received_on = forms.DateField(
        required=False,
        label="Day you received the notice (if you know it)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Some plans count from receipt. Leave empty if unsure: we then count from the printed date, which "
        "is never later than the real deadline.",
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

    def __init__(self, *args, payer: Payer, **kwargs):
        super().__init__(*args, **kwargs)
        plan_types = list(payer.plan_types.order_by("order", "name")) or list(PlanType.objects.order_by("order"))
        self.plan_types = {plan_type.slug: plan_type for plan_type in plan_types}
        self.fields["plan_type"].choices = [(plan_type.slug, plan_type.name) for plan_type in plan_types] + [
            (NOT_SURE, "Not sure")
        ]
        self.fields["plan_type"].help_text = (
            "An employer plan is self-funded when the employer pays the claims and the insurer only administers "
            "them; the plan documents (the Summary Plan Description) say which. Not sure? Choose “Not sure”: we "
            "use the earliest deadline of the plan types this insurer sells, and you can change the answer later."
        )

    def clean_notice_date(self) -> datetime.date:
        day = self.cleaned_data["notice_date"]
        if day > _today():
            raise forms.ValidationError("The notice date cannot be in the future. Check the date printed on it.")
        if day < EARLIEST_NOTICE:
            raise forms.ValidationError("That date is too long ago; check the year.")
        return day

    def clean(self) -> dict:
        data = super().clean()
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
        help_text="Many states have step-therapy laws that apply to state-regulated plans.",
    )
    email = forms.EmailField(
        max_length=254, label="Email", help_text="For the link to this case and the finished letter. Nothing else."
    )

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
