"""Security headers, the staff login lockout, rate limits, and patient data
kept out of logs and error reports."""

from __future__ import annotations

import sys

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from appeals.letters.rendering import render_packet
from appeals.models import Letter
from tests.support.wizard_answers import PATIENT
from tests.test_letter_rendering import finished_case, prescriber_template
from tests.test_wizard_steps import open_case

pytestmark = pytest.mark.django_db

PATIENT_STRINGS = [PATIENT["patient_name"], PATIENT["birth_date"], "04/17/1981", PATIENT["member_id"]]


def test_pages_carry_the_security_headers(client, demo_catalog):
    for url in ["/", "/appeal/anifrolumab/cigna/step-therapy/", "/start/", "/admin/login/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
        assert directives["script-src"] == "'self'" and "unsafe-inline" not in csp, csp
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
        assert len(response["X-Request-ID"]) == 32


def test_hsts_is_sent_over_https_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_no_page_has_inline_script(client, demo_catalog):
    case_url = open_case(client)
    for url in ["/", "/appeal/anifrolumab/cigna/step-therapy/", "/start/", case_url, client.get(case_url)["Location"]]:
        html = client.get(url).content.decode()
        for chunk in html.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            assert "src=" in tag or 'type="application/ld+json"' in tag, (url, tag)


def test_admin_login_locks_after_five_failures_from_that_address(client, django_user_model):
    django_user_model.objects.create_superuser("staff", "staff@example.org", "a-long-test-password")
    for _ in range(4):
        response = client.post("/admin/login/", {"username": "staff", "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 200 and "Please enter the correct username" in response.content.decode()
    fifth = client.post("/admin/login/", {"username": "staff", "password": "wrong"}, REMOTE_ADDR="203.0.113.7")
    assert fifth.status_code == 429
    locked = client.post("/admin/login/", {"username": "staff", "password": "a-long-test-password"}, REMOTE_ADDR="203.0.113.7")
    assert locked.status_code == 429 and "Sign-in locked" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The same staff member elsewhere is not locked out by someone guessing here.
    other = client.post("/admin/login/", {"username": "staff", "password": "a-long-test-password"}, REMOTE_ADDR="198.51.100.4")
    assert other.status_code == 302 and "_auth_user_id" in client.session


def test_starting_cases_is_rate_limited_and_keeps_the_choice(client, demo_catalog, settings):
    settings.RATELIMIT_START = "3/h"
    choice = {"drug": "anifrolumab", "payer": "cigna", "denial": "step-therapy", "promo": "SEO25"}
    for _ in range(3):
        assert client.post("/start/", choice, REMOTE_ADDR="192.0.2.10").status_code == 302
    limited = client.post("/start/", choice, REMOTE_ADDR="192.0.2.10")
    assert limited.status_code == 429
    assert "Please wait a few minutes" in limited.content.decode()
    assert limited.context["form"].data["drug"] == "anifrolumab"
    # Another client is unaffected.
    assert client.post("/start/", choice, REMOTE_ADDR="192.0.2.11").status_code == 302


def test_behind_the_proxy_the_address_the_proxy_appended_counts(client, demo_catalog, settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_HOPS = 1  # what BEHIND_TLS_PROXY=true sets by default
    settings.RATELIMIT_START = "1/h"
    choice = {"drug": "anifrolumab", "payer": "cigna", "denial": "step-therapy"}
    assert client.post("/start/", choice, HTTP_X_FORWARDED_FOR="1.1.1.1, 192.0.2.20").status_code == 302
    # A client rotating a forged first entry is still the same client.
    assert client.post("/start/", choice, HTTP_X_FORWARDED_FOR="2.2.2.2, 192.0.2.20").status_code == 429


@pytest.fixture
def app_log():
    """What the app's own console handler writes (its filters and formatter
    included), captured in memory."""
    import io
    import logging

    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler) and h.filters)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def test_the_whole_flow_logs_no_patient_data_or_link_tokens(client, demo_catalog, app_log):
    import logging

    case = finished_case(client)
    token_url = open_case(client)  # a second case, to log a 404 for a path with a token in it
    assert client.get(token_url + "no-such-step/").status_code == 404
    letter = Letter.objects.create(case=case, template=prescriber_template(case))
    render_packet(letter.pk)
    # While the letter's case is being handled, an exception quoting patient data, logged the way a library might.
    try:
        raise ValueError(f"could not parse {PATIENT['patient_name']} born {PATIENT['birth_date']}")
    except ValueError:
        logging.getLogger("some.library").exception("parse failed for member %s", PATIENT["member_id"])
    logged = app_log.getvalue()
    assert "letter rendered" in logged and "parse failed for member [redacted]" in logged, logged[-2000:]
    assert "could not parse [redacted] born [redacted]" in logged
    assert "Not Found: /case/[redacted]/no-such-step/" in logged
    for secret in PATIENT_STRINGS + [token_url.strip("/").split("/")[-1]]:
        assert secret not in logged, secret


def test_error_reports_show_no_submitted_values_or_local_variables(settings):
    request = RequestFactory().post(
        "/case/x/patient/", {"patient_name": PATIENT["patient_name"], "member_id": PATIENT["member_id"]}
    )
    patient_name = PATIENT["patient_name"]  # a local variable of the failing frame
    try:
        raise RuntimeError("failure")
    except RuntimeError:
        report = ExceptionReporter(request, *sys.exc_info(), is_email=True).get_traceback_text()
    assert "failure" in report and "patient_name" in report
    assert patient_name not in report and PATIENT["member_id"] not in report


def test_starting_payments_is_rate_limited_and_keeps_what_was_typed(client, demo_catalog, settings):
    from appeals.models import Order
    from tests.support.payment_helpers import reviewed_case

    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    settings.RATELIMIT_CHECKOUT = "2/h"
    _, case_url = reviewed_case(client)
    for _ in range(2):
        assert client.post(case_url + "payment/", {"email": "pat@example.org", "promo": "SEO25", "pay": ""}).status_code == 302
    limited = client.post(case_url + "payment/", {"email": "pat@example.org", "promo": "SEO25", "pay": ""})
    assert limited.status_code == 429 and "Please wait a few minutes" in limited.content.decode()
    assert 'value="pat@example.org"' in limited.content.decode()
    assert Order.objects.count() == 1


def test_error_emails_carry_the_traceback_without_link_tokens_or_patient_data(settings, mailoutbox):
    import logging

    from appeals.core import phi

    settings.DEBUG = False
    settings.ADMINS = [("Staff", "staff@example.org")]
    phi.remember({"patient": {"patient_name": PATIENT["patient_name"], "member_id": PATIENT["member_id"]}})
    token = "Zr-GiLrXLd8M4YXOqRVt2eWBGcqFkVT31W4DVoqUGGk"
    request = RequestFactory().get(f"/letters/{token}/", {"member": PATIENT["member_id"]})
    try:
        raise RuntimeError(f"could not render for {PATIENT['patient_name']}")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", request.path, exc_info=True, extra={"status_code": 500, "request": request}
        )
    [mail] = mailoutbox
    assert "Traceback (most recent call last)" in mail.body and "could not render for [redacted]" in mail.body
    assert "/letters/[redacted]" in mail.body and not mail.alternatives
    for secret in (token, PATIENT["patient_name"], PATIENT["member_id"]):
        assert secret not in mail.subject + mail.body, secret


def test_json_log_lines_redact_exceptions(settings):
    import io
    import json
    import logging

    from appeals.core import phi

    phi.remember({"patient": {"patient_name": PATIENT["patient_name"]}})
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(phi.PatientSafeJsonFormatter("%(levelname)s %(message)s"))
    handler.addFilter(phi.PatientDataFilter())
    logger = logging.getLogger("tests.json")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError(f"bad value {PATIENT['patient_name']}")
        except ValueError:
            logger.exception("failed at /shared/%s/", "Zr-GiLrXLd8M4YXOqRVt2eWBGcqFkVT31W4DVoqUGGk")
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert "ValueError: bad value [redacted]" in line["exc_info"] and line["message"] == "failed at /shared/[redacted]/"


def test_a_bad_host_header_is_refused_and_logged_without_emailing_staff(client, settings, mailoutbox):
    import logging

    settings.DEBUG = False
    settings.ADMINS = [("Staff", "staff@example.org")]
    logged = []
    handler = logging.Handler()
    handler.emit = logged.append
    logger = logging.getLogger("django.security.DisallowedHost")
    logger.addHandler(handler)
    try:
        response = client.get("/", HTTP_HOST="scanner.example")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 400
    assert mailoutbox == []
    assert [record.levelname for record in logged] == ["ERROR"]  # still one line in the log
