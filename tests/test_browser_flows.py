"""Real Chromium through the flows after the wizard: paying through the fake
Stripe API and coming back to the letter; a staff member editing and
previewing a letter template; a physician's office opening a share link.
(Paying on the local payment page, after every wizard step, is the end of
test_browser.test_the_whole_wizard_on_a_phone_without_javascript.)

Screenshots are saved under test-artifacts/."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from appeals.models import Letter, LetterAccess, LetterShare, LetterTemplate, Order
from tests.conftest import wait_for
from tests.support.browser_checks import describe_violations, run_axe, sideways_scroll
from tests.support.payment_helpers import deliver, reviewed_case
from tests.support.wizard_answers import PATIENT
from tests.test_browser import _browser_page, screenshot

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = pytest.mark.browser


@pytest.fixture
def desktop(chromium_path, monkeypatch):
    yield from _browser_page(chromium_path, monkeypatch, viewport={"width": 1280, "height": 900}, accept_downloads=True)


@pytest.fixture
def office(desktop):
    """A second browser profile: the physician's office, which has only the share link."""
    context = desktop.context.browser.new_context(viewport={"width": 1024, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return open(info.value.path(), "rb").read()


def no_serious_violations(page) -> None:
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


@pytest.mark.pipeline
def test_paying_through_stripe_and_coming_back_before_the_webhook(
    desktop, live_site, demo_catalog, fake_stripe, celery_worker, client
):
    page = desktop
    case, case_url = reviewed_case(client, promo="SEO25")
    page.goto(f"{live_site.url}{case_url}payment/")
    expect(page.get_by_label("Email")).to_have_value(PATIENT["email"])
    expect(page.get_by_label("Promo code")).to_have_value("SEO25")
    # Stripe's hosted page is not reachable from here: the browser is shown a
    # stand-in at Stripe's address, and the fake API plays the customer paying.
    page.route(
        "https://checkout.stripe.com/**",
        lambda route: route.fulfill(content_type="text/html", body="<title>Checkout</title><h1>Stripe Checkout stand-in</h1>"),
    )
    page.get_by_role("button", name="Pay $30").click()
    page.wait_for_url("https://checkout.stripe.com/**")
    screenshot(page, "stripe-checkout-stand-in")
    order = Order.objects.get(case=case)
    session = fake_stripe.sessions[order.stripe_session_id]
    assert (session["amount_total"], session["currency"]) == (3000, "usd")
    fake_stripe.complete(order.stripe_session_id)
    page.goto(session["success_url"])  # back before the webhook

    expect(page.get_by_text("Paid", exact=True)).to_be_visible()
    expect(page.get_by_text("Ready.", exact=True)).to_be_visible(
        timeout=90_000
    )  # the page refreshes itself while the worker renders
    no_serious_violations(page)
    screenshot(page, "status-ready")
    pdf = download(page, "Download the PDF packet")
    reader = PdfReader(io.BytesIO(pdf))
    assert PATIENT["patient_name"] in reader.pages[1].extract_text() and len(reader.pages) >= 3
    assert download(page, "Download the letter as Word (to edit)").startswith(b"PK")

    # Stripe's webhook arriving afterwards (twice) changes nothing.
    event = fake_stripe.event("checkout.session.completed", order.stripe_session_id)
    for _ in range(2):
        assert deliver(client, event).status_code == 200
    assert Letter.objects.filter(case=case).count() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.amount_cents == 3000


def test_staff_edit_a_letter_template_and_preview_it(desktop, live_site, demo_catalog, django_user_model):
    django_user_model.objects.create_superuser("staff", "staff@example.com", "a-long-staff-password")
    template = LetterTemplate.objects.filter(voice=LetterTemplate.Voice.PRESCRIBER, payer=None, plan_type=None).first()
    page = desktop
    page.goto(f"{live_site.url}/admin/appeals/lettertemplate/{template.pk}/change/")
    page.get_by_label("Username").fill("staff")
    page.get_by_label("Password").fill("a-long-staff-password")
    page.get_by_role("button", name="Log in").click()

    body = page.locator("textarea[name=body]")
    original = body.input_value()
    body.fill(original + "\n<p>{{ patient.favourite_colour }}</p>")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errorlist").first).to_contain_text("favourite_colour")
    assert "favourite_colour" in body.input_value()  # what staff typed is kept
    screenshot(page, "admin-template-refused")

    body.fill(original + "\n<p>Thank you for your prompt review.</p>")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{live_site.url}/admin/appeals/lettertemplate/{template.pk}/preview/")
    page.get_by_role("button", name="Show the packet").click()
    preview = page.frame_locator("iframe.packet-preview")
    expect(preview.get_by_text("Thank you for your prompt review.")).to_be_visible()
    assert page.locator("iframe.packet-preview").bounding_box()["height"] > 600  # styled from static CSS, not inline
    screenshot(page, "admin-template-preview")
    with page.expect_popup() as popup:
        page.get_by_role("button", name="Open the PDF").click()
    pdf_response = popup.value.request.get(popup.value.url)  # the same request, read as bytes
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_response.body())).pages)
    assert "Thank you for your prompt review." in text


def test_an_office_opens_a_share_link_and_downloads_the_packet(desktop, office, live_site, paid_letter):
    owner = desktop
    owner.goto(f"{live_site.url}{paid_letter.status_path()}")
    owner.get_by_label("Who it is for (optional)").fill("Dr. Ortiz's office")
    owner.get_by_label("The link works for").select_option("7")
    owner.get_by_role("button", name="Make a share link").click()
    expect(owner.get_by_text("Share link made.")).to_be_visible()
    link = owner.locator(".share-links input").first.input_value()
    assert "/shared/" in link
    no_serious_violations(owner)
    screenshot(owner, "status-share-link")

    office.goto(link)
    expect(office.get_by_role("heading", name="Appeal packet to sign")).to_be_visible()
    expect(office.get_by_text(PATIENT["patient_name"]).first).to_be_visible()
    no_serious_violations(office)
    screenshot(office, "office-shared-letter")
    office.set_viewport_size({"width": 375, "height": 800})
    assert not sideways_scroll(office), sideways_scroll(office)
    screenshot(office, "office-shared-letter-phone")
    office.set_viewport_size({"width": 1024, "height": 800})
    pdf = download(office, "Download the PDF packet")
    assert PATIENT["patient_name"] in PdfReader(io.BytesIO(pdf)).pages[1].extract_text()
    share = LetterShare.objects.get()
    assert wait_for(lambda: share.opens() == 2, 5)
    assert set(LetterAccess.objects.filter(share_id=share.pk).values_list("what", flat=True)) == {"page", "pdf"}

    owner.reload()
    expect(owner.get_by_text("opened 2 times")).to_be_visible()
    owner.get_by_role("button", name="Revoke this link").click()
    expect(owner.get_by_text("Share link revoked")).to_be_visible()
    office.reload()
    expect(office.get_by_role("heading", name="This link no longer works")).to_be_visible()
    screenshot(office, "office-link-revoked")


def test_the_status_page_updates_itself_in_place_and_passes_axe_while_waiting(desktop, live_site, demo_catalog, client, settings):
    from appeals.letters.rendering import render_packet
    from tests.support.payment_helpers import pay

    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    case, case_url = reviewed_case(client)
    client.post(pay(client, case_url)["Location"], {"pay": ""})
    order = Order.objects.get(case=case)  # paid; its letter waits (no worker here)
    page = desktop
    page.goto(f"{live_site.url}{order.status_path()}")
    expect(page.get_by_text("Waiting", exact=True)).to_be_visible()
    no_serious_violations(page)  # no timed meta refresh for script-enabled browsers
    screenshot(page, "status-waiting")
    page.evaluate("window.keptAcrossUpdates = true")

    render_packet(order.letter_id)
    expect(page.get_by_text("Ready.", exact=True)).to_be_visible(timeout=20_000)
    assert page.evaluate("window.keptAcrossUpdates") is True  # updated in place, not reloaded
    expect(page.get_by_role("link", name="Download the PDF packet")).to_be_visible()
    no_serious_violations(page)
