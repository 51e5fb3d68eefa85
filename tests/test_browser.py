"""Real Chromium: a staff member signs in to admin and finds the catalog."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from django.db import connections
from pypdf import PdfReader

from appeals.models import Order
from tests.conftest import ROOT, wait_for
from tests.support.wizard_answers import days_ago

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page(chromium_path, monkeypatch):
    yield from _browser_page(chromium_path, monkeypatch, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone_without_javascript(chromium_path, monkeypatch):
    yield from _browser_page(
        chromium_path,
        monkeypatch,
        viewport={"width": 375, "height": 812},
        java_script_enabled=False,
        has_touch=True,
        accept_downloads=True,
    )


def _browser_page(chromium_path, monkeypatch, **context_options):
    # Playwright's sync API runs an event loop in this thread; the Django ORM
    # calls made by fixtures in the same thread are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(**context_options)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # Inside sync_playwright() the main greenlet runs in its own
            # contextvars context, so database work done by the test got its
            # own Django connection; close it before the context goes away.
            connections.close_all()
            # The live server answers each browser connection on its own
            # thread, which closes its database connection when the browser
            # hangs up; wait for that so none outlives the test database.
            wait_for(lambda: not any("process_request_thread" in thread.name for thread in threading.enumerate()), 10)


def _phone_page(chromium_path, monkeypatch, **context_options):
    """A phone-sized page (375 px, touch, mobile) with JavaScript on, plus any other options."""
    from tests.support.browser_checks import PHONE_WIDTH

    yield from _browser_page(
        chromium_path,
        monkeypatch,
        viewport={"width": PHONE_WIDTH, "height": 812},
        is_mobile=True,
        has_touch=True,
        **context_options,
    )


def screenshot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_staff_signs_in_and_finds_a_drug_and_the_feed_upload(page, live_site, demo_catalog, django_user_model):
    django_user_model.objects.create_superuser("staff", "staff@example.com", "a-long-staff-password")
    page.goto(f"{live_site.url}/admin/")
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill("a-long-staff-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Drugs").first.click()
    page.get_by_role("textbox").first.fill("saphnelo")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=saphnelo**")
    expect(page.get_by_role("link", name="Anifrolumab")).to_be_visible()
    screenshot(page, "admin-drug-search")

    page.goto(f"{live_site.url}/admin/appeals/criteriaimport/")
    page.get_by_role("link", name="Import a criteria feed").click()
    expect(page.get_by_label("File")).to_be_visible()
    screenshot(page, "admin-criteria-upload")
    assert os.path.getsize(ARTIFACTS / "admin-criteria-upload.png") > 0


def test_a_patient_goes_from_a_landing_page_into_the_wizard(page, live_site, demo_catalog):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_site.url}/appeal/anifrolumab/cigna/step-therapy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anifrolumab denied for failing step therapy by Cigna?")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing scrolls sideways on a phone
    screenshot(page, "landing-phone")
    # The start button near the top (the same link ends the page): within the first phone screen.
    start = page.get_by_role("link", name="Start my appeal").first
    assert start.bounding_box()["y"] < 800
    start.click()
    expect(page.get_by_label("Promo code (optional)")).to_have_value("SEO25")
    page.get_by_role("button", name="Start").click()

    page.get_by_label("Employer plan, fully insured").check()
    page.get_by_label("Date printed on the plan's latest letter").fill("2099-01-01")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("The notice date cannot be in the future.")).to_be_visible()
    expect(page.get_by_label("Employer plan, fully insured")).to_be_checked()  # kept after the error
    page.get_by_label("Date printed on the plan's latest letter").fill(days_ago(29))
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Patient", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Your deadlines")).to_be_visible()
    expect(page.get_by_text("29 CFR 2560.503-1(h)(3)(i)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "wizard-patient-phone")


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url


@pytest.mark.pipeline
def test_the_whole_wizard_on_a_phone_without_javascript(
    phone_without_javascript, live_site, demo_catalog, settings, celery_worker
):
    """Every wizard step, then the local payment page, the status page and the PDF."""
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    page = phone_without_javascript
    page.goto(f"{live_site.url}/start/?drug=anifrolumab&payer=cigna&denial=step-therapy&promo=SEO25")
    page.get_by_role("button", name="Start").click()

    page.get_by_label("Employer plan, self-funded").check()
    page.get_by_label("Date printed on the plan's latest letter").fill(days_ago(29))
    page.get_by_role("button", name="Save and continue").click()

    for label, value in {"Patient's full name": "Ana Lucia Ferreira", "Date of birth": "1979-05-30", "Member ID": "CG55001",
                         "Email": "ana@example.org"}.items():  # fmt: skip
        page.get_by_label(label).fill(value)
    page.get_by_label("State where the patient lives").select_option("TX")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="The prescriber", level=1)).to_be_visible()
    page.get_by_label("Doctor or clinician who prescribed it").fill("Lena Ortiz")
    page.get_by_label("Their practice or clinic").fill("Hill Country Rheumatology")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Who fills in the clinical part?", level=1)).to_be_visible()
    _no_sideways_scroll(page)
    page.get_by_role("button", name="I'll fill it in myself").click()

    expect(page.get_by_role("heading", name="Diagnosis", level=1)).to_be_visible()
    page.get_by_label("ICD-10-CM diagnosis code").fill("M32.1")
    page.get_by_label("How severe is the disease now?").select_option("severe")
    page.get_by_role("button", name="Save and continue").click()
    expect(
        page.get_by_text("M32.1 (Systemic lupus erythematosus with organ or system involvement) is a category")
    ).to_be_visible()
    expect(page.get_by_label("How severe is the disease now?")).to_have_value("severe")  # kept
    page.get_by_label("ICD-10-CM diagnosis code").fill("M32.14")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_label("Dose").first.fill("300 mg")
    page.get_by_label("Route").select_option("iv")
    page.get_by_label("How often").fill("every 4 weeks")
    page.get_by_label("Quantity or billing units per fill or dose").fill("300 units of J0491")
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Prior treatments", level=1)).to_be_visible()
    page.locator("[name=treatments-0-drug]").fill("Hydroxychloroquine")
    page.locator("[name=treatments-0-started_on]").fill("2020-01-10")
    page.locator("[name=treatments-0-outcome]").select_option("inadequate_response")
    page.get_by_role("button", name="Add another").click()  # works without JavaScript: the server adds the row
    page.locator("[name=treatments-1-drug]").fill("Mycophenolate")
    page.locator("[name=treatments-1-started_on]").fill("2021-02-01")
    page.locator("[name=treatments-1-stopped_on]").fill("2021-01-01")
    page.locator("[name=treatments-1-outcome]").select_option("intolerance")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("The stop date is before the start date.")).to_be_visible()
    expect(page.locator("[name=treatments-0-drug]")).to_have_value("Hydroxychloroquine")
    page.locator("[name=treatments-1-stopped_on]").fill("2022-01-01")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="The criteria", level=1)).to_be_visible()
    for group in page.locator("fieldset.wizard-item").all():
        group.get_by_label("Yes, the chart shows it").check()
        group.get_by_label("Which document shows it").fill("Rheumatology note")
        group.get_by_label("Date of that document").fill(days_ago(42))
    _no_sideways_scroll(page)
    screenshot(page, "wizard-criteria-phone")
    page.get_by_role("button", name="Save and continue").click()

    for label, value in {"Prescriber's name": "Lena Ortiz", "Credentials": "MD", "Specialty": "Rheumatology",
                         "NPI (National Provider Identifier)": "1234567890", "Practice or clinic": "Hill Country Rheumatology",
                         "Street address": "1200 Main Street", "City": "Austin", "ZIP code": "78701",
                         "Office phone": "512 555 0142"}.items():  # fmt: skip
        page.get_by_label(label, exact=False).first.fill(value)
    page.locator("[name=state]").select_option("TX")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("That NPI's check digit does not match")).to_be_visible()
    page.get_by_label("NPI (National Provider Identifier)").fill("1234567893")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Review", level=1)).to_be_visible()
    expect(page.locator(".letter-preview")).to_contain_text("Ana Lucia Ferreira")
    expect(page.locator(".letter-preview")).to_contain_text("NPI 1234567893")
    _no_sideways_scroll(page)
    screenshot(page, "wizard-review-phone")
    page.get_by_role("button", name="Continue to payment — $30").click()
    expect(page.get_by_role("heading", name="Payment", level=1)).to_be_visible()
    expect(page.get_by_text("$30", exact=True)).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("ana@example.org")
    screenshot(page, "payment-phone")
    page.get_by_role("button", name="Pay $30").click()

    expect(page.get_by_text("No card is charged.")).to_be_visible()
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Pay $30 (test)").click()
    # Without JavaScript the status page refreshes itself (meta refresh) until the worker is done.
    expect(page.get_by_text("Ready.", exact=True)).to_be_visible(timeout=90_000)
    _no_sideways_scroll(page)
    screenshot(page, "status-ready-phone")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download the PDF packet").click()
    packet = PdfReader(pdf.value.path())
    assert "Ana Lucia Ferreira" in packet.pages[1].extract_text()
    order = Order.objects.get()
    assert (order.amount_cents, order.promo_code, order.status) == (3000, "SEO25", Order.Status.PAID)
