"""The client's address behind proxies: only the entries the trusted proxies
appended to X-Forwarded-For are believed, for the admin lockout and the rate
limits alike."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.test import RequestFactory

from appeals.core.ratelimits import client_ip
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

CDN = "198.51.100.1"  # the outer proxy, appended by the inner one (nginx)
PROXY = "127.0.0.1"  # nginx on the same machine: the connection's own address


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.7", PROXY),  # no proxy configured: the header is not believed
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "10.9.9.9, 203.0.113.7", "203.0.113.7"),  # a forged first entry is ignored
        (2, f"10.9.9.9, 203.0.113.7, {CDN}", "203.0.113.7"),
        (2, "203.0.113.7", PROXY),  # fewer entries than proxies: it did not come through them all
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, "2001:db8::1, 2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_is_the_entry_the_outermost_trusted_proxy_appended(settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_HOPS = hops
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def failed_login(client, forwarded: str):
    return client.post(
        "/admin/login/", {"username": "staff", "password": "wrong"}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
    )


@pytest.mark.parametrize("hops", [1, 2])
def test_rotating_forged_forwarded_entries_does_not_reset_the_admin_lockout(client, django_user_model, settings, hops):
    settings.TRUSTED_PROXY_HOPS = hops
    django_user_model.objects.create_superuser("staff", "staff@example.org", "a-long-test-password")
    appended = ["203.0.113.7"] + [CDN] * (hops - 1)
    responses = [failed_login(client, ", ".join([f"10.0.0.{i}", *appended])) for i in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    locked = client.post(
        "/admin/login/",
        {"username": "staff", "password": "a-long-test-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=", ".join(["192.0.2.99", *appended]),
    )
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    # Another person behind the same proxies is not locked out by these guesses.
    other = client.post(
        "/admin/login/",
        {"username": "staff", "password": "a-long-test-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=", ".join(["10.0.0.1", "198.51.100.77", *appended[1:]]),
    )
    assert other.status_code == 302 and "_auth_user_id" in client.session


def test_rate_limits_count_each_real_client_behind_two_proxies(client, demo_catalog, settings):
    settings.TRUSTED_PROXY_HOPS = 2
    settings.RATELIMIT_START = "1/h"
    choice = {"drug": "anifrolumab", "payer": "cigna", "denial": "step-therapy"}

    def start(forwarded: str) -> int:
        return client.post("/start/", choice, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert start(f"192.0.2.20, {CDN}") == 302
    assert start(f"1.1.1.1, 192.0.2.20, {CDN}") == 429  # the same client, with a forged entry in front
    assert start(f"192.0.2.21, {CDN}") == 302  # another client through the same CDN


def test_the_hop_count_follows_the_proxy_setting_and_a_negative_one_stops_start_up():
    show = ["-c", "import django; django.setup(); from django.conf import settings; print(settings.TRUSTED_PROXY_HOPS)"]
    assert run_python({}, *show).stdout.strip() == "0"
    assert run_python({"BEHIND_TLS_PROXY": "true"}, *show).stdout.strip() == "1"
    assert run_python({"BEHIND_TLS_PROXY": "true", "TRUSTED_PROXY_HOPS": "2"}, *show).stdout.strip() == "2"
    refused = run_python({"TRUSTED_PROXY_HOPS": "-1"}, *show)
    assert refused.returncode != 0 and "TRUSTED_PROXY_HOPS must be 0 or more" in refused.stderr


def run_python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "DJANGO_SETTINGS_MODULE": "denialhelp.settings"}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120)
