"""Taking payment for an order: Stripe Checkout, the local test payment, and
Stripe's webhook events.

What Stripe is told about an order is its public id, the email the receipt goes
to, and money (list price, the promo's name and discount).  Never a patient's
name, birth date, member ID, diagnosis, drug, payer or plan: Stripe is a
payment processor, not a place for health information.

Every path that learns an order was paid (the webhook, the status page asking
Stripe when the person is back before the webhook, the local test page) ends in
``record_payment``: ``Order.mark_paid`` does the work once whatever the order of
arrival, and the letter it made is sent to a worker when the transaction commits.
"""

from __future__ import annotations

import datetime
import json
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from appeals.letters.models import Letter
from appeals.letters.tasks import queue_render
from appeals.orders.models import Order, ProcessedEvent

logger = logging.getLogger(__name__)

LINE_ITEM_NAME = "Appeal letter packet (PDF, ready to sign)"


def record_payment(order: Order, *, provider: str, amount_cents: int | None, currency: str | None, reference: str = "") -> bool:
    """The one way a payment is recorded: the order is marked paid (the model
    owns that state change) and its new letter is queued for rendering (the
    side effect, which a model does not trigger).  True only for the call that did it."""
    paid = order.mark_paid(provider=provider, amount_cents=amount_cents, currency=currency, reference=reference)
    if paid and order.letter_id is not None:
        queue_render(order.letter)
    if paid and order.case is not None and order.case.office_token_hash:
        # Paid, the case is a record: the office's link closes (the office is sent its own
        # share link when the letter is ready), so it never reaches the letter's page.
        order.case.revoke_office_link(by_person=False)
    return paid


def make_new_version(order: Order, template) -> Letter | None:
    """A paid case changed after payment: the next version of its letter, made at
    no charge and queued for rendering; None when the answers did not change."""
    letter = order.new_letter_version(template)
    if letter is not None:
        queue_render(letter)
    return letter


class PaymentUnavailable(Exception):
    """No way to take payment is configured (no Stripe key, and not in development)."""


class PaymentStartFailed(Exception):
    """Stripe did not create the checkout session; the person may try again."""


def local_payments_allowed() -> bool:
    """The local test payment page exists only in development without a Stripe key,
    so a production server can never take an order without charging for it."""
    return settings.DEBUG and not settings.STRIPE_SECRET_KEY


def current_provider() -> Order.Provider:
    if settings.STRIPE_SECRET_KEY:
        return Order.Provider.STRIPE
    if local_payments_allowed():
        return Order.Provider.LOCAL
    raise PaymentUnavailable("STRIPE_SECRET_KEY is not set")


LIVE_KEY_PREFIXES = ("sk_live_", "rk_live_")
TEST_KEY_PREFIXES = ("sk_test_", "rk_test_")


def stripe_key_is_live() -> bool | None:
    """Whether STRIPE_SECRET_KEY is a live-mode key (True), a test-mode key
    (False), or neither (None: no key, or not a Stripe secret key)."""
    key = settings.STRIPE_SECRET_KEY
    if key.startswith(LIVE_KEY_PREFIXES):
        return True
    if key.startswith(TEST_KEY_PREFIXES):
        return False
    return None


def stripe_client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses={"api": base} if base else {}, max_network_retries=2)


# --- Starting a payment ------------------------------------------------------------


def start_payment(order: Order, request: HttpRequest) -> str:
    """Where to send the person to pay ``order``: Stripe's page, the local test
    page, or (nothing to pay) the status page of the order, now paid."""
    if order.amount_cents == 0:
        # A 100% discount: Stripe Checkout cannot take a zero payment, and there is nothing to take.
        record_payment(order, provider=Order.Provider.FREE, amount_cents=0, currency=order.currency)
        return order.status_path()
    if order.provider == Order.Provider.LOCAL:
        if not local_payments_allowed():
            raise PaymentUnavailable("the local payment page is for development only")
        return reverse("local_payment", kwargs={"public_id": order.public_id})
    return _stripe_session_url(order, request)


def _stripe_session_url(order: Order, request: HttpRequest) -> str:
    client = stripe_client()
    _expire_replaced_sessions(client, order)
    # Stripe is sent back to a page keyed by the order's public id, never the
    # status link (which opens the letter): this browser's session says the
    # order is its own, and only then is the person sent on to the status page.
    return_url = request.build_absolute_uri(reverse("payment_return", kwargs={"public_id": order.public_id}))
    remember_checkout(request, order)
    with transaction.atomic():
        # Under the order's lock, so two submits at once make one session, not two.
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.stripe_session_is_open():
            return locked.stripe_session_url
        params: dict = {
            "mode": "payment",
            "client_reference_id": order.public_id,
            "metadata": {"order": order.public_id},
            "payment_intent_data": {"metadata": {"order": order.public_id}},
            "customer_email": order.email,
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": order.currency,
                        "unit_amount": order.list_price_cents,
                        "product_data": {"name": LINE_ITEM_NAME},
                    },
                }
            ],
            "success_url": f"{return_url}?outcome=paid",
            "cancel_url": f"{return_url}?outcome=cancelled",
        }
        try:
            if order.discount_cents:
                params["discounts"] = [{"coupon": _coupon_for(client, order)}]
            # The library retries with one idempotency key; a second submit waits on the lock above.
            session = client.v1.checkout.sessions.create(params=params)
        except stripe.StripeError as exc:
            logger.error("stripe checkout session not created", extra={"order": order.public_id, "error": type(exc).__name__})
            raise PaymentStartFailed from exc
        expires_at = datetime.datetime.fromtimestamp(session.expires_at, tz=datetime.UTC) if session.expires_at else None
        locked.attach_stripe_session(session_id=session.id, url=session.url, expires_at=expires_at)
    order.refresh_from_db()
    return session.url


CHECKOUTS_SESSION_KEY = "checkout_orders"


def remember_checkout(request: HttpRequest, order: Order) -> None:
    """Note in the browser's session that it started paying for ``order`` (its public id only)."""
    started = request.session.get(CHECKOUTS_SESSION_KEY, [])
    if order.public_id not in started:
        request.session[CHECKOUTS_SESSION_KEY] = [*started, order.public_id][-10:]


def started_checkout(request: HttpRequest, order: Order) -> bool:
    return order.public_id in request.session.get(CHECKOUTS_SESSION_KEY, [])


def _coupon_for(client: stripe.StripeClient, order: Order) -> str:
    """A one-use coupon for exactly this order's discount.  The amount off is
    computed here, in cents, even for a percent code, so Stripe's total is the
    order's amount to the cent (its own percent rounding could differ)."""
    coupon = client.v1.coupons.create(
        params={
            "amount_off": order.discount_cents,
            "currency": order.currency,
            "duration": "once",
            "max_redemptions": 1,
            "name": order.promo_code or "Discount",
            "metadata": {"order": order.public_id},
        },
        options={"idempotency_key": f"coupon-{order.public_id}"},
    )
    return coupon.id


def _expire_replaced_sessions(client: stripe.StripeClient, order: Order) -> None:
    """Close the Stripe sessions of this case's cancelled orders, so a tab left
    open on one of them cannot pay a second time.  Best effort: a session paid
    meanwhile is still honoured by the webhook (and reviewed if the case is
    paid twice)."""
    if order.case_id is None:
        return
    now = timezone.now()
    replaced = Order.objects.filter(
        case_id=order.case_id, status=Order.Status.CANCELLED, stripe_session_expires_at__gt=now
    ).exclude(pk=order.pk)
    for old in replaced:
        try:
            client.v1.checkout.sessions.expire(old.stripe_session_id)
        except stripe.StripeError as exc:
            logger.warning("stripe session not expired", extra={"order": old.public_id, "error": type(exc).__name__})
            continue
        old.stripe_session_closed(at=now)


# --- Learning that an order was paid -----------------------------------------------


def _apply_session(order: Order, session: dict) -> str:
    """Move the order as a Checkout Session's state says; what was done, in a word."""
    if session.get("status") == "complete" and session.get("payment_status") == "paid":
        changed = record_payment(
            order,
            provider=Order.Provider.STRIPE,
            amount_cents=session.get("amount_total"),
            currency=session.get("currency"),
            reference=session.get("payment_intent") or "",
        )
        return "paid" if changed else ("review" if order.status == Order.Status.REVIEW else "unchanged")
    if session.get("status") == "complete":
        return "processing" if order.mark_processing() else "unchanged"
    return "unchanged"


def sync_from_stripe(order: Order) -> str:
    """Ask Stripe for the order's session (the person is back from Stripe and the
    webhook has not arrived yet) and apply what it says.  Stripe being
    unreachable leaves the order as it is: the webhook will come."""
    if order.provider != Order.Provider.STRIPE or not order.stripe_session_id or not order.is_open:
        return "unchanged"
    if not settings.STRIPE_SECRET_KEY:
        return "unchanged"
    try:
        session = stripe_client().v1.checkout.sessions.retrieve(order.stripe_session_id)
    except stripe.StripeError as exc:
        logger.warning("stripe session not retrieved", extra={"order": order.public_id, "error": type(exc).__name__})
        return "unchanged"
    session = session.to_dict()
    if session.get("client_reference_id") != order.public_id:
        logger.error("stripe session belongs to another order", extra={"order": order.public_id})
        return "unchanged"
    return _apply_session(order, session)


def _order_of(session: dict) -> Order | None:
    public_id = session.get("client_reference_id") or (session.get("metadata") or {}).get("order")
    return Order.objects.filter(public_id=public_id).first() if public_id else None


def _on_completed(session: dict) -> tuple[str, Order | None]:
    order = _order_of(session)
    return (_apply_session(order, session), order) if order else ("no order", None)


def _on_async_succeeded(session: dict) -> tuple[str, Order | None]:
    # The session says complete + paid: the same rule as a completed session.
    # Arriving before `completed`, it pays the order; `completed` then changes nothing.
    return _on_completed(session)


def _on_async_failed(session: dict) -> tuple[str, Order | None]:
    order = _order_of(session)
    if order is None:
        return "no order", None
    if session.get("id") != order.stripe_session_id:
        return "old session", order  # a newer session of the order may still be paid
    return ("failed" if order.mark_failed() else "unchanged"), order


def _on_expired(session: dict) -> tuple[str, Order | None]:
    order = _order_of(session)
    if order is None:
        return "no order", None
    if session.get("id") != order.stripe_session_id:
        return "old session", order
    order.stripe_session_closed(at=None)
    return ("cancelled" if order.cancel(reason="the Stripe session expired") else "unchanged"), order


HANDLERS = {
    "checkout.session.completed": _on_completed,
    "checkout.session.async_payment_succeeded": _on_async_succeeded,
    "checkout.session.async_payment_failed": _on_async_failed,
    "checkout.session.expired": _on_expired,
}


class MalformedEvent(Exception):
    """A correctly signed event that is not shaped like the events handled."""


def verified_event(payload: bytes, signature: str | None) -> stripe.Event:
    """The event Stripe signed.  ValueError for a body that is not a JSON
    object (Stripe's events always are; the library fails on a list or a
    number with a TypeError), stripe.SignatureVerificationError for a wrong
    or missing signature: both answered 400."""
    if not isinstance(json.loads(payload), dict):
        raise ValueError("the payload is not a JSON object")
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)


_SESSION_TEXT_FIELDS = ("id", "client_reference_id", "status", "payment_status", "currency", "payment_intent")


def _check_session_shape(session: dict) -> None:
    """The Checkout Session fields the handlers read have the types Stripe
    documents; otherwise MalformedEvent (answered 400, nothing recorded)."""
    wrong = [name for name in _SESSION_TEXT_FIELDS if not isinstance(session.get(name), str | None)]
    amount = session.get("amount_total")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
        wrong.append("amount_total")
    metadata = session.get("metadata")
    if metadata is not None and (not isinstance(metadata, dict) or not isinstance(metadata.get("order"), str | None)):
        wrong.append("metadata")
    if wrong:
        raise MalformedEvent(f"the Checkout Session's {', '.join(wrong)} are not as Stripe sends them")


def handle_event(event: stripe.Event) -> str:
    """Apply a verified Stripe event once.  The event's id is recorded in the
    same transaction as its effect: a repeated delivery finds it and does
    nothing, and a failure part-way (the database) records nothing, so the
    error reaches Stripe as a 5xx and its retry is handled in full."""
    raw = event.to_dict()
    event_id, event_type = raw.get("id"), raw.get("type")
    session = raw["data"].get("object") if isinstance(raw.get("data"), dict) else None
    if not isinstance(event_id, str) or not event_id or not isinstance(event_type, str) or not isinstance(session, dict):
        raise MalformedEvent("the event has no id, type or data object")
    # A test-mode event reaching a live site (or the reverse) is signed with a
    # secret that leaked into the wrong place: it pays nothing.
    livemode, live_key = raw.get("livemode"), stripe_key_is_live()
    if not isinstance(livemode, bool) or live_key is None or livemode is not live_key:
        raise MalformedEvent("the event's livemode does not match the mode of STRIPE_SECRET_KEY")
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = ProcessedEvent.objects.create(event_id=event_id[:255], type=event_type[:100])
        except IntegrityError:
            logger.info("stripe event already handled", extra={"event": event_id, "type": event_type})
            return "duplicate"
        handler = HANDLERS.get(event_type)
        if handler:
            # Checked before anything is done, so an error from here on is a
            # real one: a 500, an error email, and Stripe's retry.
            _check_session_shape(session)
        result, order = handler(session) if handler else ("ignored", None)
        record.result, record.order = result, order
        record.save(update_fields=["result", "order"])
    logger.info(
        "stripe event handled",
        extra={"event": event_id, "type": event_type, "result": result, "order": order.public_id if order else ""},
    )
    return result
