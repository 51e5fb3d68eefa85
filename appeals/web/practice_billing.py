"""A practice's letter packs and receipts: the balance and the packs on sale
(administrators), the way back from Stripe after buying one, and paying a case's
letter from the balance (any member).  The money rules are in
``appeals.practices.billing``; these views only connect requests to them."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appeals.catalog.pricing import format_cents
from appeals.orders import payments
from appeals.practices import billing as pack_billing
from appeals.practices.models import PackPurchase, PracticeCase
from appeals.web.practice_auth import practice_member_required


@never_cache
@require_http_methods(["GET", "POST"])
@practice_member_required(admin=True)
def billing(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    if request.method == "POST":
        try:
            letters = int(request.POST.get("letters", ""))
        except ValueError:
            letters = 0
        if letters not in pack_billing.PACK_SIZES:
            messages.error(request, "Choose one of the packs below.")
            return redirect("practice_billing")
        try:
            pack = _start(request, membership, letters)
        except payments.PaymentUnavailable:
            messages.error(request, "Payment is not available at the moment. Nothing was charged; please try again later.")
            return redirect("practice_billing")
        except payments.PaymentStartFailed:
            messages.error(request, "We could not reach the payment service. Nothing was charged; please try again.")
            return redirect("practice_billing")
        return redirect(pack.checkout_url)
    return _billing_page(request)


def _billing_page(request: HttpRequest, returned: PackPurchase | None = None, cancelled: bool = False) -> HttpResponse:
    membership = request.membership
    practice = membership.practice
    practice.refresh_from_db(fields=["letters_left"])
    packs = list(PackPurchase.objects.filter(practice=practice).select_related("bought_by"))
    for pack in packs:
        pack.amount = format_cents(pack.amount_cents)
    context = {
        "membership": membership,
        "practice": practice,
        "offers": pack_billing.pack_offers(),
        "packs": packs,
        "returned": returned,
        "cancelled": cancelled,
        "noindex": True,
    }
    return render(request, "appeals/practices/billing.html", context)


def _start(request: HttpRequest, membership, letters: int) -> PackPurchase:
    """The pack's Checkout Session, which sends the buyer back to the pack's own return page."""
    # The pack's id is known only once it is made: "{pack}" in the URLs is replaced by it.
    url = request.build_absolute_uri(reverse("practice_pack_return", kwargs={"public_id": "pack-id"})).replace(
        "pack-id", "{pack}"
    )
    return pack_billing.start_pack_checkout(
        membership, letters, success_url=f"{url}?outcome=paid", cancel_url=f"{url}?outcome=cancelled"
    )


@never_cache
@require_GET
@practice_member_required(admin=True)
def pack_return(request: HttpRequest, public_id: str) -> HttpResponse:
    """Back from Stripe: the pack's state, asked of Stripe when the webhook has not come yet."""
    pack = PackPurchase.objects.filter(public_id=public_id[:40], practice_id=request.membership.practice_id).first()
    if pack is None:
        raise Http404("No such pack for your practice.")
    cancelled = request.GET.get("outcome") == "cancelled"
    if pack.status == PackPurchase.Status.PENDING and not cancelled:
        pack_billing.sync_pack_from_stripe(pack)
    return _billing_page(request, returned=pack, cancelled=cancelled)


@require_POST
@practice_member_required
def pay_from_pack(request: HttpRequest, pk: int) -> HttpResponse:
    practice_case = get_object_or_404(
        PracticeCase.objects.select_related("case"), pk=pk, practice_id=request.membership.practice_id
    )
    try:
        pack_billing.pay_from_pack(request.membership, practice_case.case)
    except pack_billing.PackPaymentRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "The letter is paid from your practice's prepaid letters and is being made.")
    return redirect(reverse("practice_case", args=[pk]))
