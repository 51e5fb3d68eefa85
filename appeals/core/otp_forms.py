"""The sign-in form with the authenticator app's code, for staff (the admin) and for
practices' members: django-otp's form, with one app per login used without asking,
the password typed again with the code rather than written back into the page, and
a wrong code counted by django-axes's lockout as a wrong password is."""

from __future__ import annotations

from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice


class OneAppOTPMixin:
    """Mixed into a django-otp authentication form (``OTPAuthenticationForm`` or its admin variant)."""

    otp_error_messages_override = {
        "token_required": "Enter the six-digit code your authenticator app shows now.",
        "invalid_token": "That code is not right: enter the six-digit code your authenticator app shows now.",
        "device_required": "Choose the authenticator app the code is from.",
    }
    no_device_message = "No authenticator app is enrolled for this login: ask an administrator to enroll one."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.otp_error_messages = {**self.otp_error_messages, **self.otp_error_messages_override}
        self.fields["otp_device"].label = "Authenticator app"
        self.fields["otp_token"].label = "Code from your authenticator app"
        # A password manager that keeps the key can fill it in; phones show a number pad.
        self.fields["otp_token"].widget.attrs.update(autocomplete="one-time-code", inputmode="numeric")

    def _chosen_device(self, user):
        # django-otp asks the user to pick a device on a second submit; with one
        # authenticator app per login, it is used without asking.
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
