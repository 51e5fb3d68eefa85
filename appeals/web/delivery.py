"""The status page an order's link opens, and a ready letter's files reached
through it: the PDF packet, the Word version and the deadlines as a calendar
file; and the share links that give the prescriber's office the case summary
and the same files.  What the pages show is ``appeals.delivery.status``; these
views connect requests to it.  Every page and download is recorded
(LetterAccess).  File names say what the file is, never who it is for."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from appeals.delivery.downloads import FILES, recorded_download
from appeals.delivery.forms import AppealDecisionForm, ShareLinkForm
from appeals.delivery.models import LetterAccess, LetterShare, ShareLimitReached
from appeals.delivery.retention import purge_case
from appeals.delivery.status import (
    case_shares,
    deadlines_file,
    order_of_live_share,
    ready_letter,
    refresh_seconds,
    shared_context,
    status_context,
    version_of,
)
from appeals.letters.models import Letter
from appeals.orders import payments
from appeals.orders.models import Order
from appeals.tracking.timeline import tracking_context
from appeals.web.case_pages import order_by_status_token_or_404


@never_cache
@require_GET
def letter_status(request: HttpRequest, token: str) -> HttpResponse:
    """The order, and once paid its letter.  Back from Stripe before the
    webhook, it asks Stripe itself, so the person does not wait on the webhook."""
    order = order_by_status_token_or_404(token)
    returned = "returned" in request.GET
    if returned and order.status == Order.Status.PENDING:
        payments.sync_from_stripe(order)
    return status_page(request, order, token, refresh=refresh_seconds(order, returned=returned), returned=returned)


def status_page(
    request: HttpRequest,
    order: Order,
    token: str,
    *,
    refresh: int | None = None,
    returned: bool = False,
    share_form: ShareLinkForm | None = None,
    decision_form: AppealDecisionForm | None = None,
    track_forms: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    # A form shown again with its errors is not a new visit.
    context = status_context(order, record_visit=share_form is None and decision_form is None and not track_forms)
    if decision_form is not None:
        context["decision_form"] = decision_form
    if context["next"] and order.case is not None:
        # After the letter: the timeline, the tracking forms and the next level.
        context["tracking"] = tracking_context(order.case, forms=track_forms)
    context.update(
        token=token,
        refresh_seconds=refresh,
        returned=returned,
        cancelled_return="cancelled" in request.GET,
        calendar_url=reverse("letter_calendar", kwargs={"token": token}),
        share_form=share_form or ShareLinkForm(),
        noindex=True,
    )
    return render(request, "appeals/delivery/status.html", context, status=status)


def ready_letter_or_404(token: str) -> tuple[Order, Letter]:
    order = Order.objects.by_status_token(token)
    letter = ready_letter(order)
    if letter is None:
        raise Http404("There is no ready letter at this link.")
    return order, letter


@never_cache
@require_GET
def letter_file(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    if kind not in FILES:
        raise Http404("No such file.")
    _, letter = ready_letter_or_404(token)
    return recorded_download(letter, kind, LetterAccess.Who.OWNER)


@never_cache
@require_GET
def letter_version_file(request: HttpRequest, token: str, version: int, kind: str) -> HttpResponse:
    """An earlier version's file, kept after the answers changed."""
    if kind not in FILES:
        raise Http404("No such file.")
    letter = version_of(Order.objects.by_status_token(token), version)
    if letter is None:
        raise Http404("There is no such version at this link.")
    return recorded_download(letter, kind, LetterAccess.Who.OWNER)


def calendar_response(order: Order) -> HttpResponse:
    response = HttpResponse(deadlines_file(order), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appeal-deadlines.ics"'
    return response


@never_cache
@require_GET
def letter_calendar(request: HttpRequest, token: str) -> HttpResponse:
    order, letter = ready_letter_or_404(token)
    LetterAccess.record(letter, LetterAccess.Who.OWNER, LetterAccess.What.ICS)
    return calendar_response(order)


@never_cache
@require_POST
def letter_decision_record(request: HttpRequest, token: str) -> HttpResponse:
    """The date on the plan's decision on the appeal: from then on the next level's
    deadline is a date (counted from it) instead of a window in words."""
    order, _ = ready_letter_or_404(token)
    form = AppealDecisionForm.for_case(order.case, request.POST)
    if form.is_valid():
        order.case.record_appeal_decision(form.cleaned_data["decided_on"])
        messages.success(request, "Saved. The next level's deadline is now counted from the plan's decision.")
        return redirect(f"{order.status_path()}#next-title")
    return status_page(request, order, token, decision_form=form, status=400)


# --- Share links for the prescriber's office --------------------------------


@never_cache
@require_POST
def letter_share_create(request: HttpRequest, token: str) -> HttpResponse:
    order, letter = ready_letter_or_404(token)
    form = ShareLinkForm(request.POST)
    if form.is_valid():
        try:
            share = LetterShare.make(letter, days=form.cleaned_data["days"], label=form.cleaned_data["label"])
        except ShareLimitReached as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Share link made. Copy it below and send it to the prescriber's office.")
            return redirect(f"{order.status_path()}#share-{share.pk}")
    return status_page(request, order, token, share_form=form, status=400)


@never_cache
@require_POST
def letter_share_revoke(request: HttpRequest, token: str, share_id: int) -> HttpResponse:
    order, letter = ready_letter_or_404(token)
    share = get_object_or_404(case_shares(letter), pk=share_id)
    share.revoke()
    messages.success(request, "Share link revoked: it no longer opens the letter.")
    return redirect(f"{order.status_path()}#share")


def through_live_share(view):
    """The view gets the live share for the token and its paid order; the
    office is told why not otherwise: 404 for a link that never existed, 410
    for one revoked or expired."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, token: str, **kwargs) -> HttpResponse:
        share = LetterShare.objects.by_token(token)
        if share is None:
            raise Http404("This link does not open a letter.")
        order = order_of_live_share(share)
        if order is None:
            context = {"revoked": share.revoked_at is not None, "noindex": True}
            return render(request, "appeals/delivery/shared_gone.html", context, status=410)
        return view(request, token, share, order, **kwargs)

    return wrapped


@never_cache
@require_GET
@through_live_share
def shared_letter(request: HttpRequest, token: str, share: LetterShare, order: Order) -> HttpResponse:
    context = shared_context(share, order)
    context.update(token=token, calendar_url=reverse("shared_calendar", kwargs={"token": token}), noindex=True)
    # The office sees where the appeal stands (read only: the person records it).
    context["tracking"] = tracking_context(order.case)
    return render(request, "appeals/delivery/shared.html", context)


@never_cache
@require_GET
@through_live_share
def shared_file(request: HttpRequest, token: str, share: LetterShare, order: Order, kind: str) -> HttpResponse:
    return recorded_download(ready_letter(order), kind, LetterAccess.Who.SHARE, share_id=share.pk)


@never_cache
@require_GET
@through_live_share
def shared_calendar(request: HttpRequest, token: str, share: LetterShare, order: Order) -> HttpResponse:
    LetterAccess.record(ready_letter(order), LetterAccess.Who.SHARE, LetterAccess.What.ICS, share_id=share.pk)
    return calendar_response(order)


@never_cache
@require_POST
def letter_delete(request: HttpRequest, token: str) -> HttpResponse:
    """The person deletes the case behind a paid letter now, instead of on the schedule:
    the answers, every version's files and the share links stop at once.  The order's
    receipt stays (it names no patient)."""
    order = order_by_status_token_or_404(token)
    if order.case is None or order.case.purged_at is not None:
        return redirect(order.status_path())
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm that the letter and its answers should be deleted.")
        return redirect(order.status_path())
    purge_case(order.case_id)
    messages.success(request, "The letter, its files and the answers it was made from are deleted.")
    return redirect(order.status_path())
