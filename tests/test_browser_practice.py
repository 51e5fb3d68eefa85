"""Real Chromium: a practice's administrator signs up with a second factor and invites
a staffer; the staffer joins (with their own second factor), adds a case a patient
started to the practice's list through the office's link, completes its clinical
part, pays it from the practice's letters and downloads the letter; the
administrator sees that download in the audit log; a staffer of another practice
gets 404 for the case.  Screenshots go to test-artifacts/."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django_otp.oath import TOTP
from pypdf import PdfReader

from appeals.intake.steps import PATIENT_PART, first_incomplete
from appeals.models import AuditEntry, Order, Practice, PracticeCase
from tests.support.cases import _as_post, opened_case
from tests.support.practices import make_member
from tests.support.tracked import render_newest
from tests.support.wizard_answers import PATIENT, answers_for
from tests.test_browser import _browser_page, screenshot
from tests.test_browser_accessibility import _answer, _step_form

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = pytest.mark.browser
PASSWORD = "a-long-practice-password"


@pytest.fixture
def admin_page(chromium_path, monkeypatch):
    yield from _browser_page(chromium_path, monkeypatch, viewport={"width": 1024, "height": 900}, accept_downloads=True)


def another(page, **options):
    context = page.context.browser.new_context(viewport={"width": 1024, "height": 900}, accept_downloads=True, **options)
    new = context.new_page()
    new.set_default_timeout(15_000)
    return new


def code_from_key(key: str) -> str:
    return f"{TOTP(base64.b32decode(key)).token():06d}"


def enroll(page) -> str:
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    key = page.locator("code.totp-key").inner_text()
    page.get_by_label("The six-digit code your app shows").fill(code_from_key(key))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Your authenticator app is set up")).to_be_visible()
    return key


def patient_started_case():
    """A case whose patient part the patient answered, and the link they sent the office."""
    case, _ = opened_case(drug="anifrolumab", payer="cigna", denial="step-therapy")
    while (step := first_incomplete(case, PATIENT_PART)) is not None:
        form = step.build_form(case, data=_as_post(answers_for(step.slug, step.build_form(case))))
        assert form.is_valid(), (step.slug, form.errors)
        case.save_step(step.slug, step.answers_from(form))
    return case, case.open_office_link()


def test_a_practice_signs_up_invites_and_its_staffer_finishes_pays_and_downloads_a_case(
    admin_page, live_site, demo_catalog, django_capture_on_commit_callbacks
):
    base = live_site.url
    admin = admin_page
    admin.goto(f"{base}/practice/signup/")
    admin.get_by_label("Practice name").fill("Hill Country Rheumatology")
    admin.get_by_label("Your name").fill("Rosa Admin")
    admin.get_by_label("Your work email").fill("rosa@hillcountry.example")
    admin.locator("#id_password1").fill(PASSWORD)
    admin.locator("#id_password2").fill(PASSWORD)
    admin.get_by_role("button", name="Create the practice").click()
    enroll(admin)
    screenshot(admin, "practice-case-list-empty")

    mail.outbox.clear()
    admin.get_by_role("link", name="Members").click()
    admin.get_by_label("Their work email").fill("nia@hillcountry.example")
    admin.get_by_role("button", name="Send the invitation").click()
    expect(admin.get_by_text("Invitation sent.")).to_be_visible()
    (invitation,) = mail.outbox
    join_path = re.search(r"/practice/join/\S+/", invitation.body).group(0)

    staffer = another(admin)
    staffer.goto(base + join_path)
    staffer.get_by_label("Your name").fill("Nia Nurse")
    staffer.locator("#id_password1").fill(PASSWORD)
    staffer.locator("#id_password2").fill(PASSWORD)
    staffer.get_by_role("button", name="Join").click()
    enroll(staffer)

    case, office_token = patient_started_case()
    Practice.objects.filter(name="Hill Country Rheumatology").update(letters_left=1)
    staffer.goto(f"{base}/case/{office_token}/")
    staffer.get_by_role("button", name="Add this case to Hill Country Rheumatology's list").click()
    expect(staffer.get_by_text("The case is in your practice's list.")).to_be_visible()
    row = PracticeCase.objects.get(case=case)
    staffer.get_by_role("button", name="Open the clinical part").click()
    steps = []
    while "/review/" not in staffer.url:
        step = staffer.url.rstrip("/").split("/")[-1]
        assert step not in steps, f"came back to {step}"
        steps.append(step)
        _answer(staffer, answers_for(step, _step_form(staffer, step)))
        staffer.get_by_role("button", name="Save and continue").click()
        staffer.wait_for_load_state()
    assert steps[-1] == "prescriber"
    staffer.goto(f"{base}/practice/cases/{row.pk}/")
    staffer.get_by_role("button", name="Pay with one of the practice's letters").click()
    order = Order.objects.get(case=case)
    assert (order.status, order.provider, order.promo_code) == ("paid", "pack", "")
    render_newest(order, django_capture_on_commit_callbacks)
    staffer.reload()
    # Paid from the practice's letters, the letter's page (tracking, the next level) is the practice's.
    expect(staffer.get_by_role("link", name="Open the letter's page")).to_be_visible()
    screenshot(staffer, "practice-case-paid")
    with staffer.expect_download() as info:
        staffer.get_by_role("link", name="Download the PDF packet").click()
    packet = Path(info.value.path()).read_bytes()
    assert PATIENT["patient_name"] in PdfReader(io.BytesIO(packet)).pages[1].extract_text()
    staffer.get_by_role("link", name="Cases", exact=True).click()
    expect(staffer.locator("table")).to_contain_text("Anifrolumab")
    screenshot(staffer, "practice-case-list")

    admin.get_by_role("link", name="Audit log").click()
    expect(admin.locator("table")).to_contain_text("nia@hillcountry.example")
    expect(admin.locator("table")).to_contain_text("Downloaded the PDF packet")
    screenshot(admin, "practice-audit-log")
    assert AuditEntry.objects.filter(user__email="nia@hillcountry.example", action="pdf", case=case).count() == 1

    # A staffer of another practice, signed in with their own code, gets 404 for the case and its file.
    elsewhere = make_member(Practice.objects.create(name="Elsewhere Oncology"), "sam@elsewhere.example")
    outsider = another(admin)
    outsider.goto(f"{base}/practice/login/")
    outsider.get_by_label("Email").fill(elsewhere.user.email)
    outsider.locator("#id_password").fill(PASSWORD)
    device = elsewhere.user.totpdevice_set.get()
    outsider.get_by_label("Code from your authenticator app").fill(code_from_key(base64.b32encode(device.bin_key).decode()))
    outsider.get_by_role("button", name="Sign in").click()
    expect(outsider.get_by_role("heading", level=1)).to_contain_text("Cases")
    assert outsider.goto(f"{base}/practice/cases/{row.pk}/").status == 404
    assert outsider.request.get(f"{base}/practice/cases/{row.pk}/pdf/").status == 404
    for page in (staffer, outsider):
        page.context.close()
