"""A practice's prepaid letters: buying a pack through Stripe Checkout, crediting it
when Stripe says it is paid, and paying a case's letter from the balance.

What Stripe is told about a pack is its public id, the buyer's email (a member of
the practice, never a patient), the number of letters and the money.  No case,
patient or prescriber detail goes there.

Pack prices: the owner has not set them yet.  Until then a pack costs the current
list price (``Pricing.current()``) times its letters, with no volume discount, and
no promo code ever applies (neither to a pack nor to a letter paid from one).
"""

from __future__ import annotations

import logging
import secrets

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from appeals.catalog.pricing import Pricing, format_cents
from appeals.intake.models import Case
from appeals.intake.steps import first_incomplete
from appeals.letters.case_letter import chosen_template, fitting_templates
from appeals.letters.models import LetterTemplate
from appeals.orders import payments
from appeals.orders.models import SETTLED, Order, ProcessedEvent, Quote
from appeals.practices.models import AuditEntry, Membership, PackPurchase, Practice, PracticeCase

logger = logging.getLogger(__name__)

PACK_SIZES = (5, 10, 25)
PACK_KIND = "pack"


# --- Prices ------------------------------------------------------------------------


def pack_price_cents(letters: int, pricing: Pricing | None = None) -> int:
    """The list price times the letters: no discount (the owner has not set pack prices)."""
    pricing = pricing or Pricing.current()
    return pricing.list_price_cents * letters


def pack_offers(pricing: Pricing | None = None) -> list[dict]:
    """The packs on sale, for the billing page."""
    pricing = pricing or Pricing.current()
    return [
        {
            "letters": size,
            "amount_cents": pack_price_cents(size, pricing),
            "amount": format_cents(pack_price_cents(size, pricing)),
        }
        for size in PACK_SIZES
    ]


def line_item_name(letters: int) -> str:
    return f"{letters} appeal letters (practice pack)"


# --- Buying a pack -----------------------------------------------------------------


def start_pack_checkout(membership: Membership, letters: int, *, success_url: str, cancel_url: str) -> PackPurchase:
    """A pending pack of ``letters`` and its Stripe Checkout Session (its URL is
    ``pack.checkout_url``, set on the returned object only: it is not stored).
    ``{pack}`` in ``success_url`` and ``cancel_url`` is replaced by the pack's public id.

    ``payments.PaymentUnavailable`` without a Stripe key (packs have no local test
    page), ``payments.PaymentStartFailed`` when Stripe did not create the session
    (the pack is then left pending, never paid: the receipts show it as such)."""
    if letters not in PACK_SIZES:
        raise ValueError(f"a pack has {', '.join(map(str, PACK_SIZES))} letters, not {letters}")
    if not settings.STRIPE_SECRET_KEY:
        raise payments.PaymentUnavailable("STRIPE_SECRET_KEY is not set")
    pack = PackPurchase.objects.create(
        practice_id=membership.practice_id,
        letters=letters,
        amount_cents=pack_price_cents(letters),
        currency="usd",
        public_id=f"dhpack_{secrets.token_urlsafe(18)}",
        bought_by_id=membership.user_id,
    )
    metadata = {"kind": PACK_KIND, "pack": pack.public_id}
    params: dict = {
        "mode": "payment",
        "client_reference_id": pack.public_id,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": pack.currency,
                    "unit_amount": pack.amount_cents,
                    "product_data": {"name": line_item_name(letters)},
                },
            }
        ],
        "success_url": success_url.replace("{pack}", pack.public_id),
        "cancel_url": cancel_url.replace("{pack}", pack.public_id),
    }
    if membership.user.email:
        params["customer_email"] = membership.user.email
    try:
        # One key per pack: the library's retries, or a retry of this call, make one session.
        session = payments.stripe_client().v1.checkout.sessions.create(
            params=params, options={"idempotency_key": f"pack-session-{pack.public_id}"}
        )
    except stripe.StripeError as exc:
        logger.error("stripe pack session not created", extra={"pack": pack.public_id, "error": type(exc).__name__})
        raise payments.PaymentStartFailed from exc
    PackPurchase.objects.filter(pk=pack.pk).update(stripe_session_id=session.id)
    pack.stripe_session_id = session.id
    pack.checkout_url = session.url
    logger.info("pack checkout started", extra={"pack": pack.public_id, "letters": letters})
    return pack


def _pack_of(session: dict) -> PackPurchase | None:
    metadata = session.get("metadata") or {}
    public_id = metadata.get("pack") if metadata.get("kind") == PACK_KIND else None
    return PackPurchase.objects.filter(public_id=public_id).first() if public_id else None


def is_pack_session(session: dict) -> bool:
    metadata = session.get("metadata")
    return isinstance(metadata, dict) and metadata.get("kind") == PACK_KIND


def complete_pack(session: dict) -> bool:
    """A completed and paid Checkout Session of a pack: the pack is marked paid and
    its letters credited (once, however often this is called).  True only for the
    call that credited it."""
    if session.get("status") != "complete" or session.get("payment_status") != "paid":
        return False
    pack = _pack_of(session)
    if pack is None:
        logger.error("paid pack session names no pack", extra={"session": session.get("id")})
        return False
    if session.get("id") != pack.stripe_session_id:
        logger.error("paid session is not the pack's session", extra={"pack": pack.public_id})
        return False
    credited = pack.mark_paid(amount_cents=session.get("amount_total"), currency=session.get("currency"))
    if not credited and pack.status != PackPurchase.Status.PAID:
        # Money taken for a different amount or currency: not credited, for staff to look at.
        logger.error(
            "pack paid with a different amount",
            extra={"pack": pack.public_id, "amount_cents": session.get("amount_total"), "currency": session.get("currency")},
        )
    elif credited:
        logger.info("pack paid", extra={"pack": pack.public_id, "letters": pack.letters})
    return credited


def sync_pack_from_stripe(pack: PackPurchase) -> bool:
    """Back from Stripe before the webhook: ask Stripe for the pack's session and
    credit it if it is paid.  Stripe unreachable changes nothing (the webhook will come)."""
    if pack.status != PackPurchase.Status.PENDING or not pack.stripe_session_id or not settings.STRIPE_SECRET_KEY:
        return False
    try:
        session = payments.stripe_client().v1.checkout.sessions.retrieve(pack.stripe_session_id)
    except stripe.StripeError as exc:
        logger.warning("stripe pack session not retrieved", extra={"pack": pack.public_id, "error": type(exc).__name__})
        return False
    session = session.to_dict()
    if (session.get("metadata") or {}).get("pack") != pack.public_id:
        logger.error("stripe session belongs to another pack", extra={"pack": pack.public_id})
        return False
    credited = complete_pack(session)
    pack.refresh_from_db()
    return credited


def _cancel_pack(session: dict) -> bool:
    """The pack's session expired or its bank payment failed: a pending pack is cancelled."""
    pack = _pack_of(session)
    if pack is None or session.get("id") != pack.stripe_session_id:
        return False
    return bool(
        PackPurchase.objects.filter(pk=pack.pk, status=PackPurchase.Status.PENDING).update(status=PackPurchase.Status.CANCELLED)
    )


# --- Stripe's events for packs -----------------------------------------------------


def is_pack_event(event: stripe.Event) -> bool:
    """A Checkout Session event of a pack (metadata kind "pack"): ``handle_pack_event``'s, not the orders'."""
    raw = event.to_dict()
    data = raw.get("data")
    session = data.get("object") if isinstance(data, dict) else None
    event_type = raw.get("type")
    return (
        isinstance(event_type, str)
        and event_type.startswith("checkout.session.")
        and isinstance(session, dict)
        and is_pack_session(session)
    )


def _check_pack_session_shape(session: dict) -> None:
    wrong = [name for name in ("id", "status", "payment_status", "currency") if not isinstance(session.get(name), str | None)]
    amount = session.get("amount_total")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
        wrong.append("amount_total")
    if not isinstance(session["metadata"].get("pack"), str):
        wrong.append("metadata")
    if wrong:
        raise payments.MalformedEvent(f"the pack's Checkout Session's {', '.join(wrong)} are not as Stripe sends them")


def _on_pack_paid(session: dict) -> str:
    if session.get("status") != "complete":
        return "pack unchanged"
    if session.get("payment_status") != "paid":
        return "pack processing"  # a bank payment: async_payment_succeeded credits it
    if complete_pack(session):
        return "pack paid"
    pack = _pack_of(session)
    if pack is None:
        return "no pack"
    return "pack unchanged" if pack.status == PackPurchase.Status.PAID else "pack review"


PACK_HANDLERS = {
    "checkout.session.completed": _on_pack_paid,
    "checkout.session.async_payment_succeeded": _on_pack_paid,
    "checkout.session.async_payment_failed": lambda session: "pack cancelled" if _cancel_pack(session) else "pack unchanged",
    "checkout.session.expired": lambda session: "pack cancelled" if _cancel_pack(session) else "pack unchanged",
}


def handle_pack_event(event: stripe.Event) -> str:
    """Apply a verified pack event once, with the same rules as the orders' events
    (``payments.handle_event``): the livemode must match the key's, and the event's
    id is recorded (``ProcessedEvent``) in the same transaction as its effect, so a
    repeated delivery credits nothing and a failure part-way records nothing."""
    raw = event.to_dict()
    event_id, event_type = raw.get("id"), raw.get("type")
    session = raw["data"]["object"]
    if not isinstance(event_id, str) or not event_id:
        raise payments.MalformedEvent("the event has no id")
    livemode, live_key = raw.get("livemode"), payments.stripe_key_is_live()
    if not isinstance(livemode, bool) or live_key is None or livemode is not live_key:
        raise payments.MalformedEvent("the event's livemode does not match the mode of STRIPE_SECRET_KEY")
    handler = PACK_HANDLERS.get(event_type)
    if handler:
        _check_pack_session_shape(session)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = ProcessedEvent.objects.create(event_id=event_id[:255], type=event_type[:100])
        except IntegrityError:
            logger.info("stripe event already handled", extra={"event": event_id, "type": event_type})
            return "duplicate"
        result = handler(session) if handler else "ignored"
        record.result = result
        record.save(update_fields=["result"])
    logger.info("stripe pack event handled", extra={"event": event_id, "type": event_type, "result": result})
    return result


# --- Paying a case's letter from the pack ------------------------------------------


class PackPaymentRefused(Exception):
    """The case's letter cannot be paid from the practice's pack; the message says why."""


class NoLettersLeft(PackPaymentRefused):
    def __init__(self):
        super().__init__("Your practice has no prepaid letters left. An administrator can buy a pack.")


class AlreadyPaid(PackPaymentRefused):
    def __init__(self):
        super().__init__("This case's letter is already paid for (or a payment for it is being processed).")


class NotThePracticesCase(PackPaymentRefused):
    def __init__(self):
        super().__init__("This case is not one of your practice's cases.")


class CaseNotReady(PackPaymentRefused):
    def __init__(self, why: str = "Every step of the case must be answered before its letter is paid for."):
        super().__init__(why)


def letter_template_for(case: Case) -> LetterTemplate | None:
    """The template the case's review chose if it still fits, else the most specific
    fitting one: the payment page's rule (``appeals.web.checkout.case_payment``)."""
    return chosen_template(fitting_templates(case), case.typed_answers.letter.template_id)


def pay_from_pack(membership: Membership, case: Case, template: LetterTemplate | None = None) -> Order:
    """Pay ``case``'s letter with one of the practice's prepaid letters: a PAID order
    (provider "pack", the list price, never a promo code) whose letter is queued,
    one letter fewer on the balance, and an audit entry; all or nothing.

    ``PackPaymentRefused`` (a subclass saying why) when the practice has no letter
    left, the case is not the practice's, is not complete or was deleted, or is
    already paid or being paid."""
    with transaction.atomic():
        # The practice's row serialises spending: two members paying at once take two letters or refuse.
        practice = Practice.objects.select_for_update().get(pk=membership.practice_id)
        if not PracticeCase.objects.filter(practice=practice, case_id=case.pk).exists():
            raise NotThePracticesCase()
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.orders.filter(status__in=SETTLED).exists():
            raise AlreadyPaid()
        if case.purged_at is not None:
            raise CaseNotReady("This case's answers were deleted, so its letter can no longer be made.")
        if first_incomplete(case) is not None:
            raise CaseNotReady()
        if practice.letters_left < 1:
            raise NoLettersLeft()
        order = Order.for_checkout(
            case=case,
            email=membership.user.email,
            # The list price, no promo: a practice's letter never uses the patient's code.
            price=Quote(list_price_cents=Pricing.current().list_price_cents),
            template=template if template is not None else letter_template_for(case),
            provider=Order.Provider.PACK,
        )
        if order.status != Order.Status.PENDING or order.provider != Order.Provider.PACK:
            raise AlreadyPaid()
        # Conditional, so even a database without row locks (SQLite) never spends below zero.
        if not Practice.objects.filter(pk=practice.pk, letters_left__gte=1).update(letters_left=F("letters_left") - 1):
            raise NoLettersLeft()
        paid = payments.record_payment(
            order, provider=Order.Provider.PACK, amount_cents=order.amount_cents, currency=order.currency
        )
        if not paid or order.status != Order.Status.PAID:
            # Sent to review instead (a case paid meanwhile, deleted): nothing is spent.
            raise AlreadyPaid()
        AuditEntry.record(membership, AuditEntry.Action.PAID_FROM_PACK, case, detail=f"Order {order.public_id}")
    logger.info("letter paid from pack", extra={"order": order.public_id, "practice": practice.pk})
    if settings.STRIPE_SECRET_KEY:
        # The patient's own checkout of the case, replaced by this order: its Stripe page
        # is closed so it cannot be paid as well (best effort, as when a patient's order is replaced).
        payments._expire_replaced_sessions(payments.stripe_client(), order)
    return order
