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
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from appeals.core.otp_forms import OneAppOTPMixin


class StaffOTPLoginForm(OneAppOTPMixin, OTPAdminAuthenticationForm):
    """Username, password and the six-digit code on one form."""


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
