"""Real Chromium: a staff member signs in to admin and finds the catalog."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from django.db import connections

from tests.conftest import ROOT, wait_for

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
    # Playwright's sync API runs an event loop in this thread; the Django ORM
    # calls made by fixtures in the same thread are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
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
    page.get_by_role("link", name="Start my appeal").click()
    expect(page.get_by_label("Promo code (optional)")).to_have_value("SEO25")
    page.get_by_role("button", name="Start").click()

    page.get_by_label("Employer plan, fully insured").check()
    page.get_by_label("Date printed on the denial notice").fill("2099-01-01")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("The notice date cannot be in the future.")).to_be_visible()
    expect(page.get_by_label("Employer plan, fully insured")).to_be_checked()  # kept after the error
    page.get_by_label("Date printed on the denial notice").fill("2026-11-02")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Patient", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Your deadlines")).to_be_visible()
    expect(page.get_by_text("29 CFR 2560.503-1(h)(3)(i)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "wizard-patient-phone")
