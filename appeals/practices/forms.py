"""The practice's account forms."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django_otp.forms import OTPAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from appeals.catalog.models import UNLISTED, DenialType, Drug, Payer
from appeals.core.otp_forms import OneAppOTPMixin
from appeals.practices.models import Prescriber, Role


class _PasswordPair(forms.Form):
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label="The password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        elif first:
            try:
                validate_password(first)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class SignupForm(_PasswordPair):
    field_order = ["practice_name", "full_name", "email", "password1", "password2"]
    practice_name = forms.CharField(label="Practice name", max_length=120)
    full_name = forms.CharField(label="Your name", max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label="Your work email", widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class JoinForm(_PasswordPair):
    field_order = ["full_name", "password1", "password2"]
    full_name = forms.CharField(label="Your name", max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"}))


class InviteForm(forms.Form):
    email = forms.EmailField(label="Their work email")
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.STAFF)


class NewCaseForm(forms.Form):
    drug = forms.ModelChoiceField(label="Drug", queryset=Drug.objects.exclude(slug=UNLISTED).order_by("name"))
    payer = forms.ModelChoiceField(label="Insurer", queryset=Payer.objects.exclude(slug=UNLISTED).order_by("name"))
    denial_type = forms.ModelChoiceField(label="What the denial is about", queryset=DenialType.objects.order_by("name"))
    patient_email = forms.EmailField(
        label="The patient's email (optional)",
        required=False,
        help_text="We email the patient a link to their part (plan, patient details). Leave it empty to fill in "
        "both parts yourselves.",
    )


class EnrollForm(forms.Form):
    code = forms.CharField(
        label="The six-digit code your app shows",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


# A member who has not finished setting up their authenticator app may sign in with the password
# alone this long after joining, and is then sent to set it up; later only an administrator helps.
ENROLLMENT_WINDOW = datetime.timedelta(days=7)


class PracticeLoginForm(OneAppOTPMixin, OTPAuthenticationForm):
    """Email, password and the code from the authenticator app, on one form."""

    needs_enrollment = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def clean_otp(self, user):
        membership = getattr(user, "membership", None) if user is not None else None
        unenrolled = user is not None and not TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()
        if unenrolled and membership is not None and membership.joined_at > timezone.now() - ENROLLMENT_WINDOW:
            self.needs_enrollment = True
            return
        super().clean_otp(user)


class PrescriberForm(forms.ModelForm):
    class Meta:
        model = Prescriber
        fields = [
            "name",
            "credentials",
            "specialty",
            "npi",
            "practice_name",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "zip_code",
            "phone",
            "fax",
        ]
        labels = {"npi": "NPI", "zip_code": "ZIP code", "address_line1": "Address", "address_line2": "Address, line 2"}
