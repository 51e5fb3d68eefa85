"""Stripe's webhook: events signed as Stripe signs them, delivered as Stripe
delivers them (repeated, out of order, unknown, forged), each paying an order
once and creating one letter, queued only after the transaction commits."""

from __future__ import annotations

import json
import time

import pytest
from django.db import OperationalError, connection
from django.test import Client

from appeals.models import Letter, Order, ProcessedEvent
from tests.support.fake_stripe import sign
from tests.support.payment_helpers import deliver

pytestmark = pytest.mark.django_db


def state(order: Order) -> tuple:
    order.refresh_from_db()
    return (order.status, order.letter_id, order.paid_at, Letter.objects.count(), ProcessedEvent.objects.count())


def test_fifty_deliveries_of_one_event_make_one_payment_and_one_letter(
    client, open_order, fake_stripe, django_capture_on_commit_callbacks
):
    fake_stripe.complete(open_order.stripe_session_id)
    event = fake_stripe.event("checkout.session.completed", open_order.stripe_session_id)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        responses = [deliver(client, event) for _ in range(50)]
    assert [r.status_code for r in responses] == [200] * 50
    assert responses[0].json() == {"result": "paid"} and {r.json()["result"] for r in responses[1:]} == {"duplicate"}
    open_order.refresh_from_db()
    assert open_order.status == Order.Status.PAID and open_order.amount_cents == 3000
    assert Letter.objects.count() == 1 and open_order.letter.template == open_order.template
    assert ProcessedEvent.objects.get().result == "paid"
    # One render task, held until the transaction commits.
    assert len(callbacks) == 1 and open_order.letter.status == Letter.Status.PENDING and open_order.letter.queued_at


def test_a_checkout_paid_by_a_slow_bank_payment_waits_for_it(client, open_order, fake_stripe):
    fake_stripe.complete(open_order.stripe_session_id, paid=False)
    assert deliver(client, fake_stripe.event("checkout.session.completed", open_order.stripe_session_id)).json()["result"] == (
        "processing"
    )
    assert state(open_order)[:2] == (Order.Status.PROCESSING, None)
    assert "Payment processing" in client.get(open_order.status_path()).content.decode()

    fake_stripe.settle(open_order.stripe_session_id, succeeded=True)
    deliver(client, fake_stripe.event("checkout.session.async_payment_succeeded", open_order.stripe_session_id))
    assert state(open_order)[0] == Order.Status.PAID and open_order.letter is not None


def test_a_failed_bank_payment_fails_the_order_and_offers_to_pay_again(client, open_order, fake_stripe):
    fake_stripe.complete(open_order.stripe_session_id, paid=False)
    deliver(client, fake_stripe.event("checkout.session.completed", open_order.stripe_session_id))
    fake_stripe.settle(open_order.stripe_session_id, succeeded=False)
    response = deliver(client, fake_stripe.event("checkout.session.async_payment_failed", open_order.stripe_session_id))
    assert response.json()["result"] == "failed"
    assert state(open_order)[:2] == (Order.Status.FAILED, None) and Letter.objects.count() == 0
    page = client.get(open_order.status_path()).content.decode()
    assert "Payment failed" in page and "did not go through" in page and "Pay $30" in page

    # Paying again makes a new session for the same order.
    old_session = open_order.stripe_session_id
    again = client.post(f"/letters/{open_order.status_token}/pay/")
    open_order.refresh_from_db()
    assert open_order.status == Order.Status.PENDING and open_order.stripe_session_id != old_session
    assert again["Location"] == fake_stripe.sessions[open_order.stripe_session_id]["url"]
    # A late failure of the old session does not fail the new one.
    deliver(client, fake_stripe.event("checkout.session.async_payment_failed", old_session))
    assert state(open_order)[0] == Order.Status.PENDING


def test_async_success_before_completed_pays_once_and_the_late_completed_changes_nothing(client, open_order, fake_stripe):
    session_id = open_order.stripe_session_id
    fake_stripe.complete(session_id, paid=False)
    completed = fake_stripe.event("checkout.session.completed", session_id)  # snapshot: unpaid
    fake_stripe.settle(session_id, succeeded=True)
    succeeded = fake_stripe.event("checkout.session.async_payment_succeeded", session_id)

    assert deliver(client, succeeded).json()["result"] == "paid"
    after_payment = state(open_order)
    assert after_payment[0] == Order.Status.PAID and after_payment[3] == 1
    assert deliver(client, completed).status_code == 200
    assert state(open_order)[:4] == after_payment[:4]


def test_a_failure_or_expiry_arriving_after_the_payment_changes_nothing(client, open_order, fake_stripe):
    session_id = open_order.stripe_session_id
    fake_stripe.complete(session_id)
    deliver(client, fake_stripe.event("checkout.session.completed", session_id))
    paid = state(open_order)
    for late in ("checkout.session.async_payment_failed", "checkout.session.expired"):
        response = deliver(client, fake_stripe.event(late, session_id, payment_status="unpaid"))
        assert response.status_code == 200 and response.json()["result"] == "unchanged"
    assert state(open_order)[:4] == paid[:4]


def test_unknown_events_and_unknown_orders_are_answered_200_and_change_nothing(client, open_order, fake_stripe):
    before = state(open_order)[:4]
    fake_stripe.complete(open_order.stripe_session_id)
    for event in (
        fake_stripe.event("customer.created", open_order.stripe_session_id),
        fake_stripe.event("payment_intent.succeeded", open_order.stripe_session_id),
        fake_stripe.event(
            "checkout.session.completed", open_order.stripe_session_id, client_reference_id="dh_nobody", metadata={}
        ),
    ):
        response = deliver(client, event)
        assert response.status_code == 200 and response.json()["result"] in ("ignored", "no order")
    assert state(open_order)[:4] == before


def test_an_amount_or_currency_that_differs_from_the_order_creates_no_letter(client, open_order, fake_stripe):
    fake_stripe.complete(open_order.stripe_session_id)
    response = deliver(client, fake_stripe.event("checkout.session.completed", open_order.stripe_session_id, amount_total=2000))
    assert response.status_code == 200 and response.json()["result"] == "review"
    open_order.refresh_from_db()
    assert open_order.status == Order.Status.REVIEW and open_order.letter is None and Letter.objects.count() == 0
    assert "2000 usd" in open_order.problem and "3000 usd" in open_order.problem
    # The right amount arriving later does not undo the review: staff decide.
    deliver(client, fake_stripe.event("checkout.session.async_payment_succeeded", open_order.stripe_session_id))
    assert state(open_order)[:2] == (Order.Status.REVIEW, None)
    assert "check by hand" in client.get(open_order.status_path()).content.decode()


def test_another_currency_is_a_mismatch(client, open_order, fake_stripe):
    fake_stripe.complete(open_order.stripe_session_id)
    deliver(client, fake_stripe.event("checkout.session.completed", open_order.stripe_session_id, currency="eur"))
    assert state(open_order)[:2] == (Order.Status.REVIEW, None)


@pytest.mark.parametrize("forgery", ["wrong secret", "changed payload", "no header", "old timestamp", "not json"])
def test_a_forged_or_unsigned_event_is_refused_with_400_and_changes_nothing(client, open_order, fake_stripe, forgery):
    fake_stripe.complete(open_order.stripe_session_id)
    event = fake_stripe.event("checkout.session.completed", open_order.stripe_session_id)
    payload = json.dumps(event)
    headers = {"HTTP_STRIPE_SIGNATURE": sign(payload, "whsec_test_denialhelp_webhook")}
    if forgery == "wrong secret":
        headers = {"HTTP_STRIPE_SIGNATURE": sign(payload, "whsec_someone_else")}
    elif forgery == "changed payload":
        payload = payload.replace('"amount_total": 3000', '"amount_total": 1')
    elif forgery == "no header":
        headers = {}
    elif forgery == "old timestamp":
        headers = {"HTTP_STRIPE_SIGNATURE": sign(payload, "whsec_test_denialhelp_webhook", int(time.time()) - 3600)}
    elif forgery == "not json":
        payload = "not json"
        headers = {"HTTP_STRIPE_SIGNATURE": sign(payload, "whsec_test_denialhelp_webhook")}
    before = state(open_order)
    response = client.post("/stripe/webhook/", data=payload, content_type="application/json", **headers)
    assert response.status_code == 400
    assert state(open_order) == before and before[0] == Order.Status.PENDING


@pytest.mark.parametrize("payload", ["[]", '"x"', "1", "null", "true", "[{}]"])
def test_a_signed_body_that_is_not_a_json_object_is_a_400(client, open_order, fake_stripe, payload):
    before = state(open_order)
    headers = {"HTTP_STRIPE_SIGNATURE": sign(payload, "whsec_test_denialhelp_webhook")}
    response = client.post("/stripe/webhook/", data=payload, content_type="application/json", **headers)
    assert response.status_code == 400
    assert state(open_order) == before


@pytest.mark.parametrize(
    ("key", "livemode"),
    [("sk_test_x", True), ("rk_test_x", True), ("sk_live_x", False), ("rk_live_x", False), ("sk_test_x", None)],
)
def test_an_event_of_the_other_mode_than_the_key_is_refused_and_records_nothing(
    client, open_order, fake_stripe, settings, key, livemode
):
    settings.STRIPE_SECRET_KEY = key
    fake_stripe.complete(open_order.stripe_session_id)
    event = fake_stripe.event("checkout.session.completed", open_order.stripe_session_id)
    event["livemode"] = livemode
    if livemode is None:
        del event["livemode"]
    before = state(open_order)
    assert deliver(client, event).status_code == 400
    assert state(open_order) == before and not ProcessedEvent.objects.exists()


@pytest.mark.parametrize(("key", "livemode"), [("sk_live_x", True), ("rk_live_x", True), ("rk_test_x", False)])
def test_an_event_of_the_keys_mode_is_handled(client, open_order, fake_stripe, settings, key, livemode):
    settings.STRIPE_SECRET_KEY = key
    fake_stripe.complete(open_order.stripe_session_id)
    event = fake_stripe.event("checkout.session.completed", open_order.stripe_session_id)
    event["livemode"] = livemode
    assert deliver(client, event).json() == {"result": "paid"}


def test_the_webhook_takes_only_post_and_needs_no_csrf_token(open_order, fake_stripe):
    strict = Client(enforce_csrf_checks=True)
    assert strict.get("/stripe/webhook/").status_code == 405
    fake_stripe.complete(open_order.stripe_session_id)
    assert deliver(strict, fake_stripe.event("checkout.session.completed", open_order.stripe_session_id)).status_code == 200


def test_a_database_error_is_a_5xx_so_stripe_retries_and_the_retry_is_handled_in_full(open_order, fake_stripe):
    fake_stripe.complete(open_order.stripe_session_id)
    event = fake_stripe.event("checkout.session.completed", open_order.stripe_session_id)

    def letters_table_down(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and "appeals_letter" in sql:
            raise OperationalError("the database went away")
        return execute(sql, params, many, context)

    quiet = Client(raise_request_exception=False)
    with connection.execute_wrapper(letters_table_down):
        failed = deliver(quiet, event)
    assert failed.status_code >= 500
    assert state(open_order)[0] == Order.Status.PENDING
    assert not ProcessedEvent.objects.filter(event_id=event["id"]).exists()  # rolled back with the rest

    retried = deliver(quiet, event)
    assert retried.status_code == 200 and retried.json()["result"] == "paid"
    assert state(open_order)[0] == Order.Status.PAID and Letter.objects.count() == 1


def test_nothing_about_the_patient_reaches_the_logs(client, open_order, fake_stripe, caplog):
    from tests.support.wizard_answers import PATIENT

    caplog.set_level("DEBUG")
    fake_stripe.complete(open_order.stripe_session_id)
    deliver(client, fake_stripe.event("checkout.session.completed", open_order.stripe_session_id))
    deliver(client, fake_stripe.event("checkout.session.completed", open_order.stripe_session_id, amount_total=1))
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert open_order.public_id in logged
    for value in (PATIENT["patient_name"], PATIENT["member_id"], PATIENT["birth_date"], PATIENT["email"], "M32.14"):
        assert value not in logged
