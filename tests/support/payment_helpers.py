"""Shared steps of the checkout and webhook tests: a finished case, the
payment page's POST, and a webhook delivered with Stripe's signature."""

from __future__ import annotations

import json

from appeals.models import Case, Order
from tests.conftest import WEBHOOK_SECRET
from tests.support.cases import answer_every_step, opened_case
from tests.support.fake_stripe import sign
from tests.support.wizard_answers import PATIENT
from tests.test_wizard_steps import open_case, walk


def reviewed_case(client, promo: str = "SEO25", **combo) -> tuple[Case, str]:
    """A case with every step answered (built directly: tests/support/cases.py)
    and the review confirmed on the review page; its URL."""
    case, case_url = opened_case(promo=promo, **combo)
    answer_every_step(case)
    assert client.post(case_url + "review/")["Location"] == case_url + "payment/"
    return Case.objects.get(pk=case.pk), case_url


def reviewed_case_through_the_wizard(client, promo: str = "SEO25", **combo) -> tuple[Case, str]:
    """The same, every step walked over HTTP as a person would (end-to-end tests)."""
    case_url = open_case(client, promo=promo, **combo)
    walk(client, case_url)
    assert client.post(case_url + "review/")["Location"] == case_url + "payment/"
    token = case_url.rstrip("/").rsplit("/", 1)[-1]
    return Case.objects.by_token(token), case_url


def pay(client, case_url: str, email: str = PATIENT["email"], promo: str = "SEO25", button: str = "pay"):
    return client.post(case_url + "payment/", {"email": email, "promo": promo, button: ""})


def session_of(order: Order, fake) -> dict:
    order.refresh_from_db()
    return fake.sessions[order.stripe_session_id]


def deliver(client, event: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    payload = json.dumps(event)
    return client.post(
        "/stripe/webhook/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload, secret, timestamp)
    )
