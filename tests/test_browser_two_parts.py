"""Real Chromium on a 375 px phone with JavaScript off: the patient part for every
demo denial type, counted (required fields, pages); then the person sends the
clinical part to the office, and the office completes it through its own link in
a second browser and reaches payment.  Screenshots are saved under test-artifacts/."""

from __future__ import annotations

import pytest

from appeals.models import Case
from tests.support.browser_checks import PHONE_WIDTH, sideways_scroll
from tests.support.wizard_answers import PATIENT, answers_for
from tests.test_browser import _browser_page, screenshot
from tests.test_browser_accessibility import PageChecks, _answer, _step_form
from tests.test_wizard_steps import COMBINATION, EXPECTED_STEPS

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": PHONE_WIDTH, "height": 812}, "java_script_enabled": False, "has_touch": True}
MAX_REQUIRED = 15
MAX_PAGES = 7
HANDOFF = "Who fills in the clinical part?"


@pytest.fixture
def person(chromium_path, monkeypatch):
    yield from _browser_page(chromium_path, monkeypatch, **PHONE)


@pytest.fixture
def phone_with_javascript(chromium_path, monkeypatch):
    """For the axe-core checks, which run as a script in the page."""
    yield from _browser_page(chromium_path, monkeypatch, **{**PHONE, "java_script_enabled": True, "is_mobile": True})


@pytest.fixture
def office(person):
    """A second browser profile: the prescriber's office, which has only its own link."""
    context = person.context.browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def required_fields(page) -> int:
    """The answers the page's form requires (a group of radio buttons is one answer)."""
    return page.evaluate("() => new Set([...document.querySelectorAll('main form [required]')].map(f => f.name)).size")


def fits(page) -> None:
    assert not sideways_scroll(page), sideways_scroll(page)


def the_patient_part(page, base_url: str, denial: str) -> tuple[int, list[str]]:
    """Walk the patient part from the start page; the required fields and the pages seen."""
    drug, payer = COMBINATION[denial]
    page.goto(f"{base_url}/start/?drug={drug}&payer={payer}&denial={denial}")
    required, pages = required_fields(page), ["start"]
    page.get_by_role("button", name="Start").click()
    while not page.get_by_role("heading", name=HANDOFF, level=1).is_visible():
        step = page.url.rstrip("/").split("/")[-1]
        assert step not in pages, f"the wizard came back to {step}"
        pages.append(step)
        required += required_fields(page)
        fits(page)
        _answer(page, answers_for(step, _step_form(page, step)))
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_load_state()
    pages.append("clinical")
    fits(page)
    return required, pages


def test_the_patient_part_of_every_denial_type_is_short_on_a_phone_without_javascript(person, live_site, demo_catalog):
    counted = {}
    for denial in sorted(EXPECTED_STEPS):
        counted[denial] = the_patient_part(person, live_site.url, denial)
        Case.objects.all().delete()
    screenshot(person, "two-parts-handoff-phone")
    for denial, (required, pages) in counted.items():
        assert required <= MAX_REQUIRED, (denial, required)
        assert len(pages) <= MAX_PAGES, (denial, pages)
        assert pages == ["start", "plan", "patient", "office", "clinical"], (denial, pages)
    # The figure quoted in the notes: every demo denial type asks the same twelve.
    assert {required for required, _ in counted.values()} == {12}


def test_the_office_completes_the_clinical_part_in_its_own_browser(person, office, live_site, demo_catalog):
    the_patient_part(person, live_site.url, "step-therapy")
    case_url = person.url.rsplit("clinical/", 1)[0]
    person.get_by_label("Office email (optional)").fill("frontdesk@hillcountry.example")
    person.get_by_role("button", name="Make the office's link").click()
    link = person.locator("input.office-link").input_value()
    assert link.startswith(live_site.url) and link != case_url
    screenshot(person, "two-parts-office-link-phone")

    office.goto(link)
    summary = office.locator("details.patient-part")
    expect(summary).to_be_visible()
    office.get_by_text("What the patient gave").click()  # <details> opens without JavaScript
    expect(summary).to_contain_text(PATIENT["patient_name"])
    steps = []
    while "/review/" not in office.url:
        step = office.url.rstrip("/").split("/")[-1]
        assert step not in steps, f"the office came back to {step}: {office.locator('.invalid-feedback').all_inner_texts()}"
        steps.append(step)
        fits(office)
        _answer(office, answers_for(step, _step_form(office, step)))
        office.get_by_role("button", name="Save and continue").click()
        office.wait_for_load_state()
    assert steps == ["diagnosis", "drug", "treatments", "criteria", "prescriber"]
    expect(office.get_by_role("heading", name="Review", level=1)).to_be_visible()
    expect(office.locator(".letter-preview")).to_contain_text(PATIENT["patient_name"])
    fits(office)
    screenshot(office, "two-parts-office-review-phone")
    office.get_by_role("button", name="Continue to payment").click()
    expect(office.get_by_role("heading", name="Payment", level=1)).to_be_visible()

    # The person, back on their own link, is taken to the review.
    person.goto(case_url)
    expect(person.get_by_role("heading", name="Review", level=1)).to_be_visible()
    expect(person.locator(".letter-preview")).to_contain_text("Lena Ortiz")


def test_a_drug_and_insurer_outside_the_catalog_go_on_from_the_start_page(phone_with_javascript, live_site, demo_catalog):
    person = phone_with_javascript
    checks = PageChecks(person)
    person.goto(f"{live_site.url}/start/")
    person.get_by_label("Drug that was denied").fill("Benlysta")
    person.get_by_label("Insurer or health plan").fill("Kaiser Permanente")
    person.get_by_label("Reason the notice gives").select_option("step-therapy")
    person.get_by_role("button", name="Start").click()
    expect(person.get_by_text("The drug “Benlysta” is not in our list")).to_be_visible()
    expect(person.get_by_label("Drug that was denied")).to_have_value("Benlysta")
    checks.checked("start-outside-catalog")
    person.get_by_label("Go on with the name as I typed it").check()
    person.get_by_role("button", name="Start").click()
    expect(person.get_by_role("heading", name="Plan and denial", level=1)).to_be_visible()
    expect(person.locator(".wizard-case").first).to_contain_text("Benlysta denied")
    checks.assert_clean()


def test_the_handoff_and_the_offices_pages_pass_axe_and_fit_a_phone(phone_with_javascript, live_site, demo_catalog):
    """axe-core runs in the page, so these checks use a phone with JavaScript on; the walks
    above are the same pages with it off."""
    page = phone_with_javascript
    checks = PageChecks(page)
    the_patient_part(page, live_site.url, "non-formulary")
    checks.checked("handoff")
    page.get_by_role("button", name="Make the office's link").click()
    checks.checked("handoff-link-made")
    link = page.locator("input.office-link").input_value()
    page.goto(link)
    while "/review/" not in page.url:
        step = page.url.rstrip("/").split("/")[-1]
        checks.checked(f"office-{step}")
        _answer(page, answers_for(step, _step_form(page, step)))
        page.get_by_role("button", name="Save and continue").click()
        page.wait_for_load_state()
    checks.checked("office-review")
    page.goto(link + "later/")
    checks.checked("office-later")
    checks.assert_clean()
