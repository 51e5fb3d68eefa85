"""Checkout: the payment page, the way back from Stripe, paying again from
the status page, the local test payment, and Stripe's webhook.

The payment page shows patient data (the case's drug, payer and denial), so
it is no-store and noindex like the wizard.  The state changes are model
methods (``Order.for_checkout``, ``payments.record_payment`` …) and the talking
to Stripe is in ``appeals.orders.payments``; these views only connect requests
to them.  The status page itself is ``appeals.web.delivery.letter_status``.
"""

from __future__ import annotations

import logging

import stripe
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from appeals.catalog.pricing import Pricing
from appeals.core.ratelimits import checkout_rate
from appeals.letters.case_letter import chosen_template, fitting_templates
from appeals.orders import payments
from appeals.orders.forms import CheckoutForm
from appeals.orders.models import SETTLED, Order, PromoUnavailable, quote
from appeals.practices import billing as pack_billing
from appeals.web.case_pages import (
    case_context,
    case_or_404,
    order_by_status_token_or_404,
    unanswered_step_redirect,
)

logger = logging.getLogger(__name__)


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=checkout_rate, method="POST", block=False)
def case_payment(request: HttpRequest, token: str) -> HttpResponse:
    case = case_or_404(token)
    settled = case.orders.filter(status__in=SETTLED).first()
    if settled is not None:
        if case.opened_by_office:
            # The letter's page is the payer's and the patient's, never reached through the office's link.
            return render(request, "appeals/wizard/office_paid.html", case_context(case, token, "review"))
        # Paid (or being paid) already: its status page, never a second charge.
        return redirect(settled.status_path())
    if unanswered := unanswered_step_redirect(case, token):
        return unanswered
    pricing = Pricing.current()
    if request.method == "POST":
        form = CheckoutForm(request.POST, pricing=pricing, case=case, ignore_promo="list_price" in request.POST)
        if request.limited:
            form.is_valid()  # the typed email and code are shown again, with this message
            form.add_error(
                None, "Many payments were started from your connection in the last hour. Please wait a few minutes and try again."
            )
        elif form.is_valid():
            template = chosen_template(fitting_templates(case), case.typed_answers.letter.template_id)
            try:
                order = Order.for_checkout(
                    case=case,
                    email=form.cleaned_data["email"],
                    price=form.cleaned_data["quote"],
                    template=template,
                    provider=payments.current_provider(),
                )
                if order.status != Order.Status.PENDING:
                    return redirect(order.status_path())
                return redirect(payments.start_payment(order, request))
            except PromoUnavailable as refused:
                form.refuse_promo(refused.refusal)
            except payments.PaymentUnavailable:
                form.add_error(None, "Payment is not available at the moment. Nothing was charged; please try again later.")
            except payments.PaymentStartFailed:
                form.add_error(None, "We could not reach the payment service. Nothing was charged; please try again.")
        # The form's own price when it got that far (a refused code: the list price and why).
        price = form.cleaned_data.get("quote") or quote(pricing, "", "")
    else:
        # Whoever pays gets the letter's status link: the office's address on the office's link.
        answers = case.typed_answers
        email = answers.office.email if case.opened_by_office else answers.patient.email
        form = CheckoutForm(initial={"email": email, "promo": case.promo_code}, pricing=pricing, case=case)
        price = quote(pricing, case.promo_code, email, case=case)
    context = case_context(case, token, "review")
    context.update(form=form, price=price, pricing=pricing, local_payment=payments.local_payments_allowed())
    return render(request, "appeals/wizard/payment.html", context, status=429 if request.limited else 200)


@never_cache
@require_GET
def payment_return(request: HttpRequest, public_id: str) -> HttpResponse:
    """Where Stripe sends the person back.  The browser that started the
    payment goes on to its status page; any other (a link opened elsewhere)
    is told the link comes by email, and learns nothing about the order."""
    order = Order.objects.filter(public_id=public_id[:40]).first()
    outcome = "cancelled" if request.GET.get("outcome") == "cancelled" else "returned"
    if order is not None and payments.started_checkout(request, order):
        return redirect(f"{order.status_path()}?{outcome}=1")
    return render(request, "appeals/checkout/returned_elsewhere.html", {"noindex": True, "cancelled": outcome == "cancelled"})


@never_cache
@require_POST
def letter_pay(request: HttpRequest, token: str) -> HttpResponse:
    """Pay (again) from the status page: after leaving Stripe's page, a failed
    bank payment, or a cancelled test payment.  The order keeps its amount."""
    order = order_by_status_token_or_404(token)
    if not order.can_be_paid:
        if order.case is None or order.case.purged_at is not None:
            messages.info(request, "This case's answers were deleted, so it can no longer be paid for. Nothing was charged.")
        return redirect(order.status_path())
    if order.status in (Order.Status.CANCELLED, Order.Status.FAILED):
        try:
            reopened = order.reopen()
        except PromoUnavailable:
            messages.error(
                request, f"Code {order.promo_code} no longer applies: please start again from your case's payment page."
            )
            return redirect(order.status_path())
        if not reopened:
            messages.info(request, "This case has another order: please use your case's payment page.")
            return redirect(order.status_path())
    if order.status != Order.Status.PENDING:
        return redirect(order.status_path())
    try:
        return redirect(payments.start_payment(order, request))
    except (payments.PaymentUnavailable, payments.PaymentStartFailed):
        messages.error(request, "We could not reach the payment service. Nothing was charged; please try again.")
        return redirect(order.status_path())


@never_cache
@require_http_methods(["GET", "POST"])
def local_payment(request: HttpRequest, public_id: str) -> HttpResponse:
    """Development's stand-in for Stripe: no card, and the same ``mark_paid`` as
    the webhook.  It does not exist with DEBUG off or a Stripe key set."""
    if not payments.local_payments_allowed():
        raise Http404("No local payments here.")
    order = get_object_or_404(Order, public_id=public_id, provider=Order.Provider.LOCAL)
    if request.method == "POST":
        if "pay" in request.POST:
            payments.record_payment(
                order, provider=Order.Provider.LOCAL, amount_cents=order.amount_cents, currency=order.currency
            )
        elif "cancel" in request.POST:
            order.cancel(reason="cancelled on the local payment page")
        return redirect(order.status_path())
    return render(request, "appeals/checkout/local_payment.html", {"order": order, "noindex": True, "title": "Test payment"})


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's events, verified by signature.  A repeated or unknown event is
    answered 200 with nothing done; a database error propagates as a 500, so
    Stripe delivers the event again."""
    try:
        event = payments.verified_event(request.body, request.headers.get("Stripe-Signature"))
    except (ValueError, stripe.SignatureVerificationError):
        logger.warning("stripe webhook refused: the payload or its signature is not valid")
        return HttpResponseBadRequest("invalid payload or signature")
    try:
        if pack_billing.is_pack_event(event):
            # A practice's letter pack (metadata kind "pack"): credited once, recorded like an order's event.
            return JsonResponse({"result": pack_billing.handle_pack_event(event)})
        return JsonResponse({"result": payments.handle_event(event)})
    except payments.MalformedEvent as exc:
        logger.warning("stripe webhook refused: %s", exc)
        return HttpResponseBadRequest("event not understood")
