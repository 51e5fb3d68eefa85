"""End to end with real parts: a landing page, the wizard, checkout through the
real stripe library against the fake Stripe API, a signed webhook, and a real
Celery worker rendering the letter."""

from __future__ import annotations

import html
import re

import pytest

from appeals.models import Letter, Order
from appeals.orders.models import Refusal
from tests.conftest import wait_for
from tests.support.payment_helpers import deliver, pay, reviewed_case, reviewed_case_through_the_wizard
from tests.support.wizard_answers import PATIENT

pytestmark = pytest.mark.pipeline


def test_from_a_landing_page_to_a_rendered_letter_paid_with_seo25(client, celery_worker, demo_catalog, fake_stripe):
    landing = html.unescape(client.get("/appeal/anifrolumab/cigna/step-therapy/").content.decode())
    start_link = re.search(r'href="(/start/\?[^"]+)"', landing).group(1)
    assert "promo=SEO25" in start_link and "$30" in landing
    assert client.get(start_link).status_code == 200

    case, case_url = reviewed_case_through_the_wizard(client, promo="SEO25")
    response = pay(client, case_url)
    order = Order.objects.get(case=case)
    assert response["Location"] == fake_stripe.sessions[order.stripe_session_id]["url"]

    fake_stripe.complete(order.stripe_session_id)
    assert deliver(client, fake_stripe.event("checkout.session.completed", order.stripe_session_id)).json() == {"result": "paid"}

    order.refresh_from_db()
    letter_id = order.letter_id

    def ready() -> bool:
        return Letter.objects.get(pk=letter_id).status in (Letter.Status.READY, Letter.Status.FAILED)

    assert wait_for(ready, timeout=120), celery_worker.log()
    letter = Letter.objects.get(pk=letter_id)
    assert letter.status == Letter.Status.READY, letter.failure_reason
    download = client.get(order.status_path() + "pdf/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert download.content == letter.pdf_bytes()
    assert (order.amount_cents, order.list_price_cents, order.discount_cents) == (3000, 4000, 1000)
    page = client.get(order.status_path()).content.decode()
    assert "Ready." in page and 'http-equiv="refresh"' not in page

    # A second letter for the same email does not get the first-letter price.
    second_case, second_url = reviewed_case(client, drug="nivolumab", payer="aetna", denial="non-formulary", promo="SEO25")
    refused = pay(client, second_url, email=PATIENT["email"].upper())
    assert Refusal.FIRST_LETTER_ONLY.label in html.unescape(refused.content.decode())
    assert not Order.objects.filter(case=second_case).exists()
