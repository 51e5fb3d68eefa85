"""The staff admin, with a second factor (a TOTP authenticator app) when
STAFF_REQUIRE_OTP is on, as it is by default with DEBUG off.

django-otp does the work: its admin site lets in only a user whose session
was verified by one of their devices, and its login form asks for the code.
On a developer machine (`make run`) the plain admin login is kept, so a fresh
checkout needs no authenticator app.  Staff enroll a device with
`manage.py enroll_totp USERNAME`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice


class StaffOTPLoginForm(OTPAdminAuthenticationForm):
    """Username, password and the six-digit code on one form."""

    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": "Enter the six-digit code your authenticator app shows now.",
        "invalid_token": "That code is not right: enter the six-digit code your authenticator app shows now.",
        "device_required": "Choose the authenticator app the code is from.",
    }
    no_device_message = "No authenticator app is enrolled for this login: ask an administrator to enroll one."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_device"].label = "Authenticator app"
        self.fields["otp_token"].label = "Code from your authenticator app"
        # A password manager that keeps the key can fill it in; phones show a number pad.
        self.fields["otp_token"].widget.attrs.update(autocomplete="one-time-code", inputmode="numeric")

    def _chosen_device(self, user):
        # django-otp asks the user to pick a device on a second submit; staff
        # have one authenticator app, so it is used without asking.
        chosen = super()._chosen_device(user)
        if chosen is None and not self.cleaned_data.get("otp_device"):
            devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True)[:2])
            if len(devices) == 1:
                chosen = devices[0]
        return chosen

    def _update_form(self, user):
        super()._update_form(user)
        # django-otp writes the password back into the page for a second
        # submit; it is typed again with the code instead.
        self.fields["password"].widget.render_value = False

    def clean_otp(self, user):
        if user is not None and not TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
            raise ValidationError(self.no_device_message, code="no_device")
        try:
            super().clean_otp(user)
        except ValidationError:
            if user is not None and self.cleaned_data.get("otp_token"):
                # A code that did not let them in (wrong, or sent while
                # django-otp throttles the device) counts as a failed login for
                # django-axes's lockout, as a wrong password does.
                user_login_failed.send(sender=type(self), credentials={"username": user.get_username()}, request=self.request)
            raise


class StaffAdminSite(OTPAdminSite):
    def __init__(self, name: str = "admin"):
        super().__init__(name)

    @property
    def login_form(self):
        return StaffOTPLoginForm if settings.STAFF_REQUIRE_OTP else None

    @property
    def login_template(self):
        return "admin/staff_otp_login.html" if settings.STAFF_REQUIRE_OTP else None

    def has_permission(self, request) -> bool:
        if settings.STAFF_REQUIRE_OTP:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
