"""Orders: one payment for one case's letter, and the Stripe events already handled.

An Order is made at checkout with its amount fixed on the server in integer
cents (list price, discount, amount).  It is reached in two ways, each by a
different random value:

- its *public id*, the only reference ever sent to Stripe (client_reference_id
  and metadata), so nothing Stripe holds names the patient or the case;
- its *status token*, the link to the status page: 256 random bits of which the
  database keeps a SHA-256 digest for the lookup (as for a case's link).  An
  encrypted copy is kept as well, so the app itself can lead to the page later
  (from the case's payment page once paid, from an email sent when the letter
  is ready).  That copy is protected by the same keys as the patient data the
  page shows, so a database copy without the keys still opens nothing.

Every change of state is a method that locks the row and checks the state
first (the model of pretix's ``OrderPayment.confirm``), so a webhook delivered
twice, delivered out of order, racing the person's own return from Stripe, or
the local payment page pressed twice, has its effect exactly once.

State machine::

    PENDING ──► PROCESSING (a bank payment Stripe is still collecting)
       │  │          │
       │  └──────────┴──► PAID (a Letter is created and queued) or REVIEW
       │                  (money taken but the amount differs, or the case
       │                  was already paid: staff refund or fix by hand)
       ├──► FAILED (the bank payment failed)
       └──► CANCELLED (left at the local payment page, replaced by a newer
                       order for the case, or its Stripe session expired)

A payment Stripe reports as made is honoured from any state but PAID and
REVIEW, since the money was taken whatever we thought of the order.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import secrets

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from encrypted_fields.fields import EncryptedCharField, EncryptedEmailField

from appeals.catalog.pricing import Pricing, PromoCode, format_cents
from appeals.core.tokens import lookup_digest, new_link_token
from appeals.intake.models import Case
from appeals.letters.models import Letter, LetterTemplate
from appeals.orders.email_identity import email_digest, legacy_digests_of

logger = logging.getLogger(__name__)

CURRENCY = "usd"


# --- Price and promo rules -----------------------------------------------------


class Refusal(models.TextChoices):
    """Why a promo code does not apply, in words the person reads."""

    UNKNOWN = "unknown", "We do not know this code."
    INACTIVE = "inactive", "This code is no longer offered."
    NOT_YET_VALID = "not_yet_valid", "This code is not valid yet."
    EXPIRED = "expired", "This code has expired."
    USED_UP = "used_up", "This code has been used as many times as it allows."
    FIRST_LETTER_ONLY = (
        "first_letter_only",
        "This code is for a first letter only, and this email address has paid for one before.",
    )
    IN_USE = (
        "in_use",
        "This code is for a first letter only, and this email address is already using it in a payment "
        "that is not finished. You can go on at the list price, or finish that payment.",
    )


class PromoUnavailable(Exception):
    """The code could not be reserved for the order (checked again under the
    promo's lock): the person is offered the list price instead."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.value)
        self.refusal = refusal


class ShowsMoney:
    """Dollars for display, from the integer cents a quote or an order holds."""

    @property
    def amount(self) -> str:
        return format_cents(self.amount_cents)

    @property
    def list_price(self) -> str:
        return format_cents(self.list_price_cents)

    @property
    def discount(self) -> str:
        return format_cents(self.discount_cents)


@dataclasses.dataclass(frozen=True)
class Quote(ShowsMoney):
    """What a letter costs this person today: computed on the server, in cents."""

    list_price_cents: int
    promo: PromoCode | None = None
    typed_code: str = ""
    refusal: Refusal | None = None

    @property
    def amount_cents(self) -> int:
        return self.promo.price_cents(self.list_price_cents) if self.promo else self.list_price_cents

    @property
    def discount_cents(self) -> int:
        return self.list_price_cents - self.amount_cents


def promo_refusal(
    promo: PromoCode | None,
    email: str,
    today: datetime.date | None = None,
    *,
    case: Case | None = None,
    order: Order | None = None,
) -> Refusal | None:
    """Why ``promo`` cannot be used by ``email`` today, or None when it can.

    A use is a live ``PromoRedemption``: reserved by an open order or
    confirmed by a paid one; a code typed but never checked out with uses
    nothing up, and a cancelled order gives its use back.  The uses of
    ``order`` itself, and of ``case``'s pending orders (which a new checkout
    of the case replaces), are not counted.  Only a check under the promo's
    lock (``PromoRedemption.reserve``) is final."""
    today = today or timezone.localdate()
    if promo is None:
        return Refusal.UNKNOWN
    if not promo.active:
        return Refusal.INACTIVE
    if promo.valid_from and today < promo.valid_from:
        return Refusal.NOT_YET_VALID
    if promo.valid_until and today > promo.valid_until:
        return Refusal.EXPIRED
    live = PromoRedemption.objects.live()
    if order is not None:
        live = live.exclude(order=order)
    if case is not None:
        live = live.exclude(order__case=case, order__status=Order.Status.PENDING)
    if promo.max_redemptions is not None and live.filter(promo=promo).count() >= promo.max_redemptions:
        return Refusal.USED_UP
    if promo.first_letter_only and email:
        if Order.objects.paid().for_email(email).exclude(pk=order.pk if order else None).exists():
            return Refusal.FIRST_LETTER_ONLY
        if live.filter(first_letter=True, email_digest=email_digest(email)).exists():
            return Refusal.IN_USE
    return None


def quote(pricing: Pricing, code: str, email: str, today: datetime.date | None = None, *, case: Case | None = None) -> Quote:
    """The price for a typed code (empty: no code) and the email the letter goes to
    (for ``case``, whose own pending order a new checkout replaces).
    A refused code leaves the list price, with the reason."""
    code = code.strip().upper()
    if not code:
        return Quote(list_price_cents=pricing.list_price_cents)
    promo = PromoCode.objects.filter(code__iexact=code).first()
    refusal = promo_refusal(promo, email, today, case=case)
    if refusal is not None:
        return Quote(list_price_cents=pricing.list_price_cents, typed_code=code, refusal=refusal)
    return Quote(list_price_cents=pricing.list_price_cents, promo=promo, typed_code=code)


# --- Orders --------------------------------------------------------------------


class OrderQuerySet(models.QuerySet):
    def paid(self) -> OrderQuerySet:
        return self.filter(status=Order.Status.PAID)

    def for_email(self, email: str) -> OrderQuerySet:
        """Orders of this mailbox: by its keyed digest, or by an old unkeyed one
        kept for orders whose address was deleted before digests were keyed."""
        return self.filter(Q(email_digest=email_digest(email)) | Q(legacy_email_digest__in=legacy_digests_of(email)))

    def open(self) -> OrderQuerySet:
        """Orders a payment may still arrive for through the normal path."""
        return self.filter(status__in=[Order.Status.PENDING, Order.Status.PROCESSING])

    def forget_emails(self) -> int:
        """Retention: the address goes with the case's answers."""
        return self.update(email=None)

    def by_status_token(self, token: str) -> Order | None:
        digest = lookup_digest(token)
        if digest is None:
            return None
        return (
            self.select_related("letter", "case__drug", "case__payer", "case__denial_type")
            .filter(status_token_hash=digest)
            .first()
        )


class Order(ShowsMoney, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        PROCESSING = "processing", "Payment processing"
        PAID = "paid", "Paid"
        FAILED = "failed", "Payment failed"
        CANCELLED = "cancelled", "Cancelled"
        REVIEW = "review", "Needs staff review"

    class Provider(models.TextChoices):
        STRIPE = "stripe", "Stripe Checkout"
        LOCAL = "local", "Local test payment (development only)"
        FREE = "free", "No payment (100% discount)"
        PACK = "pack", "A physician practice's prepaid letter"

    public_id = models.CharField(max_length=40, unique=True, editable=False, help_text="The only reference sent to Stripe.")
    status_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status_token_encrypted = EncryptedCharField(max_length=100, editable=False)
    case = models.ForeignKey(Case, null=True, on_delete=models.SET_NULL, related_name="orders")
    template = models.ForeignKey(
        LetterTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Chosen at review."
    )
    letter = models.OneToOneField(Letter, null=True, blank=True, on_delete=models.SET_NULL, related_name="order")
    email = EncryptedEmailField(null=True, blank=True, help_text="Where the letter is sent; deleted with the case's data.")
    email_digest = models.CharField(
        max_length=64,
        db_index=True,
        editable=False,
        help_text="Keyed HMAC of the canonical address (appeals.orders.email_identity).",
    )
    legacy_email_digest = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text="The unkeyed SHA-256 digest of an address deleted before digests were keyed (empty otherwise).",
    )

    list_price_cents = models.PositiveIntegerField()
    discount_cents = models.PositiveIntegerField(default=0)
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default=CURRENCY)
    promo = models.ForeignKey(PromoCode, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    promo_code = models.CharField(max_length=40, blank=True, help_text="The code as applied.")

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    provider = models.CharField(max_length=20, choices=Provider.choices)
    problem = models.TextField(blank=True, help_text="Why the order needs review (no patient data).")
    stripe_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_session_url = models.TextField(blank=True)
    stripe_session_expires_at = models.DateTimeField(null=True, blank=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When it failed, was cancelled or sent to review.")

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents=models.F("list_price_cents") - models.F("discount_cents")),
                name="order_amount_is_list_price_less_discount",
            ),
        ]

    def __str__(self) -> str:
        # Never a patient detail: this string reaches admin lists and logs.
        return f"Order {self.public_id} ({self.get_status_display()}, {self.amount})"

    # --- Making one ------------------------------------------------------

    @classmethod
    def for_checkout(cls, *, case: Case, email: str, price: Quote, template: LetterTemplate | None, provider: Provider) -> Order:
        """The order to pay for this case: the case's paid or processing order if
        it has one (the caller sends the person to its status page), the open one
        with the same terms (a double submit or a return from Stripe's back
        button pays the same order, never a second one), or a new one, which
        cancels the case's other pending orders so only one can still be paid.

        A new order with a promo code reserves its use (``PromoRedemption``),
        or raises ``PromoUnavailable`` with nothing made when another checkout
        took the last use or this email's first letter meanwhile."""
        with transaction.atomic():
            # The case row is the lock serialising two checkouts of one case.
            Case.objects.select_for_update().get(pk=case.pk)
            orders = cls.objects.filter(case=case)
            settled = orders.filter(status__in=SETTLED).first()
            if settled is not None:
                return settled
            same = (
                orders.filter(
                    status=cls.Status.PENDING,
                    email_digest=email_digest(email),
                    amount_cents=price.amount_cents,
                    list_price_cents=price.list_price_cents,
                    promo=price.promo,
                    template=template,
                    provider=provider,
                )
                .order_by("-created_at")
                .first()
            )
            if same is not None and same.email == email.strip():
                return same
            for stale in orders.filter(status=cls.Status.PENDING):
                stale.cancel(reason="replaced by a newer order for the case")
            token, digest = new_link_token()
            order = cls.objects.create(
                public_id=f"dh_{secrets.token_urlsafe(18)}",
                status_token_hash=digest,
                status_token_encrypted=token,
                case=case,
                template=template,
                email=email.strip(),
                email_digest=email_digest(email),
                list_price_cents=price.list_price_cents,
                discount_cents=price.discount_cents,
                amount_cents=price.amount_cents,
                currency=CURRENCY,
                promo=price.promo,
                promo_code=price.promo.code if price.promo else "",
                provider=provider,
            )
            if price.promo is not None:
                refusal = PromoRedemption.reserve(order)
                if refusal is not None:
                    raise PromoUnavailable(refusal)  # rolls back the order and the cancellations
            return order

    # --- Reading ---------------------------------------------------------

    @property
    def status_token(self) -> str:
        return self.status_token_encrypted

    def status_path(self) -> str:
        return reverse("letter_status", kwargs={"token": self.status_token})

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.PROCESSING)

    @property
    def can_be_paid(self) -> bool:
        """The one rule for "pay (again)" on the status page: an order not paid
        (PENDING, or CANCELLED / FAILED and so reopened first) whose case's
        answers are still kept."""
        payable = (self.Status.PENDING, self.Status.CANCELLED, self.Status.FAILED)
        return self.status in payable and self.case is not None and self.case.purged_at is None

    def stripe_session_closed(self, at: datetime.datetime | None = None) -> None:
        """Record that the stored Checkout Session can no longer be paid: expired
        by us at ``at``, or (None) expired by Stripe."""
        Order.objects.filter(pk=self.pk).update(stripe_session_expires_at=at)
        self.stripe_session_expires_at = at

    def stripe_session_is_open(self, now: datetime.datetime | None = None) -> bool:
        """Whether the stored Checkout Session can still be paid (as far as we know)."""
        now = now or timezone.now()
        return bool(self.stripe_session_id and self.stripe_session_expires_at and self.stripe_session_expires_at > now)

    # --- State changes (each locks the row and checks the state first) ----

    def _locked(self) -> Order:
        return Order.objects.select_for_update().get(pk=self.pk)

    def mark_paid(self, *, provider: str, amount_cents: int | None, currency: str | None, reference: str = "") -> bool:
        """A payment was made: → PAID and the letter created (queued for rendering
        when the transaction commits).  True only for the call that did it.

        Returns early, changing nothing, when the order is already PAID or in
        REVIEW.  The money is checked against the order: a different amount or
        currency, or a case another order has already paid for, sends the order
        to REVIEW with the reason and creates no letter."""
        with transaction.atomic():
            if self.case_id is not None:
                # Case first, then order (the lock order of checkout), so two
                # orders of one case paid at once are seen one after the other.
                Case.objects.select_for_update().filter(pk=self.case_id).first()
            order = self._locked()
            if order.status in (self.Status.PAID, self.Status.REVIEW):
                self.refresh_from_db()
                return False
            if reference and provider == self.Provider.STRIPE and not order.stripe_payment_intent:
                order.stripe_payment_intent = reference
            problem = order._payment_problem(amount_cents, currency) or order._case_problem() or order._promo_problem()
            now = timezone.now()
            if problem:
                order.status, order.problem, order.closed_at = self.Status.REVIEW, problem, now
                order.save(update_fields=["status", "problem", "closed_at", "stripe_payment_intent", "updated_at"])
                logger.error("payment needs review", extra={"order": order.public_id, "problem": problem})
                self.refresh_from_db()
                return False
            order.status, order.paid_at = self.Status.PAID, now
            if order.case is not None:
                order.letter = Letter.create_for_case(order.case, order.template)
            order.save(update_fields=["status", "paid_at", "letter", "stripe_payment_intent", "updated_at"])
        self.refresh_from_db()
        logger.info("order paid", extra={"order": self.public_id, "provider": provider, "amount_cents": self.amount_cents})
        return True

    def new_letter_version(self, template) -> Letter | None:
        """A paid order whose case's answers changed since its newest letter gets
        the next version of the letter, at no charge (queued by the caller,
        ``appeals.orders.payments.make_new_version``).  None when there is
        nothing to make: not paid, the case deleted, or the answers unchanged
        (a second click, or a change undone)."""
        with transaction.atomic():
            if self.case_id is None:
                return None
            case = Case.objects.select_for_update().filter(pk=self.case_id, purged_at__isnull=True).first()
            order = self._locked()
            if case is None or order.status != self.Status.PAID:
                return None
            newest = case.letters.order_by("-version").first()
            if newest is not None and newest.matches_answers():
                return None
            order.letter = Letter.create_for_case(case, template)
            order.template = template
            order.save(update_fields=["letter", "template", "updated_at"])
        self.refresh_from_db()
        logger.info("letter version made", extra={"order": self.public_id, "version": self.letter.version})
        return self.letter

    def _payment_problem(self, amount_cents: int | None, currency: str | None) -> str:
        if amount_cents != self.amount_cents or (currency or "").lower() != self.currency:
            return (
                f"Paid {amount_cents} {currency} but the order is for {self.amount_cents} {self.currency}: "
                "check the payment in Stripe and refund or correct it."
            )
        other = Order.objects.paid().filter(case_id=self.case_id).exclude(pk=self.pk).first() if self.case_id else None
        if other is not None:
            return f"The case was already paid by order {other.public_id}: refund this payment."
        return ""

    def _promo_problem(self) -> str:
        """Confirms the order's use of its promo code; when that use was given
        back (the order was cancelled) and another checkout has taken it since,
        the discount cannot be honoured: what staff should do."""
        if self.promo_id is None:
            return ""
        refusal = PromoRedemption.confirm(self)
        if refusal is None:
            return ""
        return (
            f"Code {self.promo_code} could no longer be honoured when the payment arrived ({refusal.label}) "
            "Refund the payment in Stripe, or accept it at the discounted price by hand."
        )

    def _case_problem(self) -> str:
        case = Case.objects.filter(pk=self.case_id).first() if self.case_id else None
        if case is not None and case.purged_at is not None:
            return "The case's answers were deleted (retention) before this payment arrived: refund it."
        return ""

    def mark_processing(self) -> bool:
        """PENDING → PROCESSING: the checkout finished with a bank payment that
        takes days.  Anything else is left as it is (a late event never undoes a payment)."""
        with transaction.atomic():
            order = self._locked()
            if order.status != self.Status.PENDING:
                return False
            order.status = self.Status.PROCESSING
            order.save(update_fields=["status", "updated_at"])
        self.refresh_from_db()
        return True

    def mark_failed(self) -> bool:
        """PENDING or PROCESSING → FAILED: the bank payment did not go through."""
        with transaction.atomic():
            order = self._locked()
            if order.status not in (self.Status.PENDING, self.Status.PROCESSING):
                return False
            order.status, order.closed_at = self.Status.FAILED, timezone.now()
            # Its Checkout Session is finished: paying again needs a new one.
            order.stripe_session_expires_at = None
            order.save(update_fields=["status", "closed_at", "stripe_session_expires_at", "updated_at"])
            PromoRedemption.release(order)
        self.refresh_from_db()
        logger.info("order payment failed", extra={"order": self.public_id})
        return True

    def cancel(self, reason: str = "") -> bool:
        """PENDING → CANCELLED.  A payment that still arrives for it is honoured
        (see ``mark_paid``)."""
        with transaction.atomic():
            order = self._locked()
            if order.status != self.Status.PENDING:
                return False
            order.status, order.closed_at = self.Status.CANCELLED, timezone.now()
            order.problem = reason
            order.save(update_fields=["status", "closed_at", "problem", "updated_at"])
            PromoRedemption.release(order)
        self.refresh_from_db()
        return True

    def reopen(self) -> bool:
        """CANCELLED or FAILED → PENDING, to pay again from the status page,
        unless the case has been paid or is being paid by another order.
        Its promo code is reserved again, or ``PromoUnavailable`` is raised
        with the order left as it was."""
        with transaction.atomic():
            if self.case_id is not None:
                Case.objects.select_for_update().filter(pk=self.case_id).first()
            order = self._locked()
            if order.status not in (self.Status.CANCELLED, self.Status.FAILED):
                return False
            if order.case_id is None or order._case_problem():
                return False
            others = Order.objects.filter(case_id=order.case_id).exclude(pk=order.pk)
            taken = [self.Status.PENDING, *SETTLED]
            if order.case_id is None or others.filter(status__in=taken).exists():
                return False
            order.status, order.closed_at, order.problem = self.Status.PENDING, None, ""
            order.save(update_fields=["status", "closed_at", "problem", "updated_at"])
            if order.promo_id is not None and (refusal := PromoRedemption.reserve(order)) is not None:
                raise PromoUnavailable(refusal)
        self.refresh_from_db()
        return True

    def attach_stripe_session(self, *, session_id: str, url: str, expires_at: datetime.datetime | None) -> None:
        Order.objects.filter(pk=self.pk).update(
            stripe_session_id=session_id, stripe_session_url=url, stripe_session_expires_at=expires_at, updated_at=timezone.now()
        )
        self.refresh_from_db()


# Orders that mean the case is paid for, or being paid for: the case gets no
# second order, and keeps its data until its letter is delivered.
SETTLED = (Order.Status.PAID, Order.Status.PROCESSING, Order.Status.REVIEW)


class PromoRedemptionQuerySet(models.QuerySet):
    def live(self) -> PromoRedemptionQuerySet:
        """The uses that count against a code's limits."""
        return self.exclude(state=PromoRedemption.State.RELEASED)


class PromoRedemption(models.Model):
    """One order's use of a promo code: reserved when the order is made (before
    anything goes to Stripe), confirmed when it is paid, released when it is
    cancelled (replaced, expired at Stripe, left, or its case deleted) or its
    bank payment fails.

    Reserving locks the promo code's row, so checkouts of one code are counted
    one after the other; a partial unique index on the digest of first-letter
    uses is the last guard (two first-letter codes at once, or a bug here)."""

    class State(models.TextChoices):
        RESERVED = "reserved", "Reserved (being paid)"
        CONFIRMED = "confirmed", "Confirmed (paid)"
        RELEASED = "released", "Released (not paid)"

    promo = models.ForeignKey(PromoCode, on_delete=models.PROTECT, related_name="redemptions")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="redemption")
    email_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    first_letter = models.BooleanField(
        default=False, help_text="A first-letter-only use: one live per email address (the code's setting when reserved)."
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.RESERVED, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PromoRedemptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email_digest"],
                condition=Q(first_letter=True) & ~Q(state="released") & ~Q(email_digest=""),
                name="one_live_first_letter_promo_use_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.promo.code} for order {self.order_id} ({self.get_state_display()})"

    @classmethod
    def reserve(cls, order: Order, state: State = State.RESERVED) -> Refusal | None:
        """Take a use of ``order``'s promo code for it (again), or say why not.
        Runs in the caller's transaction, which holds the order's case."""
        with transaction.atomic():
            promo = PromoCode.objects.select_for_update().get(pk=order.promo_id)
            # (An order whose address was deleted can only be checked against the cap.)
            refusal = promo_refusal(promo, order.email or "", order=order)
            if refusal is not None:
                return refusal
            try:
                with transaction.atomic():
                    cls.objects.update_or_create(
                        order=order,
                        defaults={
                            "promo": promo,
                            "email_digest": order.email_digest,
                            "first_letter": promo.first_letter_only,
                            "state": state,
                        },
                    )
            except IntegrityError:
                # Another first-letter code for this address, reserved at the same moment.
                return Refusal.IN_USE
        return None

    @classmethod
    def confirm(cls, order: Order) -> Refusal | None:
        """The order is being paid: its use is confirmed, taken again if it had
        been given back (and another checkout has not taken it since)."""
        updated = cls.objects.filter(order=order, state=cls.State.RESERVED).update(
            state=cls.State.CONFIRMED, updated_at=timezone.now()
        )
        if updated or cls.objects.filter(order=order, state=cls.State.CONFIRMED).exists():
            return None
        return cls.reserve(order, state=cls.State.CONFIRMED)

    @classmethod
    def release(cls, order: Order) -> None:
        cls.objects.filter(order=order, state=cls.State.RESERVED).update(state=cls.State.RELEASED, updated_at=timezone.now())


class ProcessedEvent(models.Model):
    """A Stripe event already handled: its id is unique, so a delivery Stripe
    repeats (or two deliveries racing) is seen as a duplicate.  The row is
    written in the same transaction as the event's effect, so an event whose
    handling failed is not recorded and Stripe's retry is handled in full."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    result = models.CharField(max_length=40, blank=True, help_text="What handling it did.")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
