"""Staff log in to the admin with a password and a code from an authenticator
app (TOTP) when STAFF_REQUIRE_OTP is on (production); with it off (`make run`,
the rest of the suite) the plain login works."""

from __future__ import annotations

import re
from base64 import b32decode
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
PASSWORD = "a-long-test-password"


@pytest.fixture
def otp_required(settings):
    settings.STAFF_REQUIRE_OTP = True


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("staff", "staff@example.org", PASSWORD)


@pytest.fixture
def device(staff):
    return TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=True)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def code_for(device: TOTPDevice, at: datetime = NOW) -> str:
    with time_machine.travel(at, tick=False):
        return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in(client, token: str | None = None, password: str = PASSWORD, address: str = "203.0.113.7"):
    data = {"username": "staff", "password": password}
    if token is not None:
        data["otp_token"] = token
    return client.post("/admin/login/?next=/admin/", data, REMOTE_ADDR=address)


def test_with_otp_required_a_password_alone_does_not_open_the_admin(client, otp_required, device, frozen):
    page = log_in(client)
    assert page.status_code == 200 and "Code from your authenticator app" in page.content.decode()
    assert 'autocomplete="one-time-code"' in page.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_with_otp_required_a_wrong_code_does_not_open_the_admin(client, otp_required, device, frozen):
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    page = log_in(client, wrong)
    assert page.status_code == 200 and "That code is not right" in page.content.decode()
    assert "a-long-test-password" not in page.content.decode()  # the password is not written back into the page
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_with_otp_required_the_code_of_the_moment_opens_the_admin(client, otp_required, device, frozen):
    response = log_in(client, code_for(device))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_with_otp_required_a_code_from_minutes_ago_is_refused(client, otp_required, device, frozen):
    page = log_in(client, code_for(device, NOW - timedelta(minutes=5)))
    assert page.status_code == 200 and "_auth_user_id" not in client.session


def test_with_otp_required_a_staff_member_without_a_device_cannot_log_in(client, otp_required, staff, frozen):
    page = log_in(client, "123456")
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    assert "No authenticator app is enrolled" in page.content.decode()


def test_with_two_apps_the_staff_member_chooses_one(client, otp_required, staff, device, frozen):
    second = TOTPDevice.objects.create(user=staff, name="Spare phone", confirmed=True)
    page = log_in(client, code_for(second))
    assert "Choose the authenticator app" in page.content.decode() and "Spare phone" in page.content.decode()
    data = {"username": "staff", "password": PASSWORD, "otp_device": second.persistent_id, "otp_token": code_for(second)}
    assert client.post("/admin/login/?next=/admin/", data, REMOTE_ADDR="203.0.113.7").status_code == 302


def test_with_otp_required_a_session_without_a_code_is_not_let_in(client, otp_required, staff):
    client.force_login(staff)  # a password login from before the setting was on
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_wrong_codes_count_towards_the_lockout(client, otp_required, device, frozen):
    right = code_for(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert log_in(client, wrong).status_code == 200
    assert log_in(client, wrong).status_code == 429
    locked = log_in(client, right)
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


def test_without_otp_the_password_opens_the_admin(client, settings, staff):
    settings.STAFF_REQUIRE_OTP = False
    response = log_in(client)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_setting_follows_debug_unless_set(monkeypatch):
    import subprocess
    import sys

    from tests.conftest import ROOT

    def setting(**environ):
        code = "from denialhelp.settings import STAFF_REQUIRE_OTP as v; print(v)"
        env = {"PATH": "/usr/bin:/bin", "DENIALHELP_VAR_DIR": str(ROOT / "var"), **environ}
        return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True).stdout.strip()

    assert setting(DEBUG="true") == "False"
    assert setting(DEBUG="true", STAFF_REQUIRE_OTP="true") == "True"


def test_enroll_totp_prints_a_key_whose_codes_open_the_admin(client, otp_required, staff, capsys, frozen):
    call_command("enroll_totp", "staff")
    printed = capsys.readouterr().out
    key = re.search(r"type in this key: ([A-Z2-7]+)", printed).group(1)
    assert "█" in printed or "▀" in printed  # the QR code
    device = TOTPDevice.objects.get(user=staff)
    assert b32decode(key) == device.bin_key and device.confirmed
    assert log_in(client, code_for(device)).status_code == 302


def test_enroll_totp_refuses_a_second_device_unless_replacing(staff, device, capsys):
    with pytest.raises(CommandError, match="already has an authenticator app"):
        call_command("enroll_totp", "staff")
    call_command("enroll_totp", "staff", "--replace")
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_enroll_totp_names_what_is_wrong_with_the_user(django_user_model):
    django_user_model.objects.create_user("patient", "p@example.org", PASSWORD)
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("enroll_totp", "nobody")
    with pytest.raises(CommandError, match="is not staff"):
        call_command("enroll_totp", "patient")
