"""Practices and their members for tests: a member signed in with a verified second factor."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from appeals.models import Membership, Practice


def make_member(practice: Practice, email: str, role: str = "staff") -> Membership:
    user = get_user_model().objects.create_user(username=email, email=email, password="a-long-practice-password")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return Membership.objects.create(user=user, practice=practice, role=role)


def sign_in(client, membership: Membership) -> None:
    """The member's session, verified by their authenticator app."""
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=membership.user, confirmed=True).persistent_id
    session.save()


def code_for(device: TOTPDevice) -> str:
    """The six digits the authenticator app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def member(practice: Practice, email: str, role: str = "staff"):
    """A member of ``practice`` and a browser (a test Client) signed in with a second factor."""
    from django.test import Client

    membership = make_member(practice, email, role)
    browser = Client()
    sign_in(browser, membership)
    return membership, browser
