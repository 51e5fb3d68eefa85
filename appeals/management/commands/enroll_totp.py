"""Give a staff member an authenticator app (TOTP) for the admin's second factor."""

from __future__ import annotations

import io
from base64 import b32encode

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Enroll an authenticator app for a staff member: prints a QR code and the key to scan or type in once. "
        "Their admin login then asks for the app's six-digit code (when STAFF_REQUIRE_OTP is on)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--replace", action="store_true", help="remove the staff member's existing devices (a lost or new phone)"
        )

    def handle(self, *args, username: str, replace: bool, **options):
        user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user named {username!r}. Create one first (make superuser).")
        if not user.is_staff:
            raise CommandError(f"{username!r} is not staff: only staff log in to the admin.")
        with transaction.atomic():
            existing = TOTPDevice.objects.devices_for_user(user, confirmed=None)
            if existing.exists() and not replace:
                raise CommandError(f"{username!r} already has an authenticator app; --replace removes it and enrolls a new one.")
            existing.delete()
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)

        qr = qrcode.QRCode(border=2)
        qr.add_data(device.config_url)
        picture = io.StringIO()
        qr.print_ascii(out=picture, invert=True)
        self.stdout.write(f"Scan this with the authenticator app of {username} (shown only now, keep it private):\n")
        self.stdout.write(picture.getvalue())
        self.stdout.write(f"Or type in this key: {b32encode(device.bin_key).decode()}\n")
