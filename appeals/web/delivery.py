"""A ready letter's files, reached through the status link: the PDF packet,
the Word version and the deadlines as a calendar file; and the share links
that give the prescriber's office the case summary and the same files.
Every page and download is recorded (LetterAccess).  File names say what
the file is, never who it is for."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from appeals.delivery.downloads import FILES, recorded_download
from appeals.delivery.forms import AppealDecisionForm, ShareLinkForm
from appeals.delivery.models import LetterAccess, LetterShare, ShareLimitReached
from appeals.delivery.ready import deadlines_calendar, next_steps
from appeals.intake.steps import case_deadlines
from appeals.letters.case_letter import letter_for_case
from appeals.letters.models import Letter
from appeals.orders.models import Order
from appeals.web.checkout import status_page


def ready_letter_or_404(token: str) -> tuple[Order, Letter]:
    order = Order.objects.by_status_token(token)
    letter = order.letter if order is not None and order.status == Order.Status.PAID else None
    if letter is None or letter.status != Letter.Status.READY:
        raise Http404("There is no ready letter at this link.")
    return order, letter


@never_cache
@require_GET
def letter_file(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    if kind not in FILES:
        raise Http404("No such file.")
    _, letter = ready_letter_or_404(token)
    return recorded_download(letter, kind, LetterAccess.Who.OWNER)


def calendar_response(order: Order) -> HttpResponse:
    deadlines, _ = case_deadlines(order.case, timezone.localdate())
    response = HttpResponse(
        deadlines_calendar(deadlines, uid_prefix=order.public_id), content_type="text/calendar; charset=utf-8"
    )
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
    share = get_object_or_404(LetterShare, pk=share_id, letter=letter)
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
        order = Order.objects.filter(letter=share.letter, status=Order.Status.PAID).first()
        if not share.is_active or share.letter.status != Letter.Status.READY or order is None:
            context = {"revoked": share.revoked_at is not None, "noindex": True}
            return render(request, "appeals/letters/shared_gone.html", context, status=410)
        return view(request, token, share, order, **kwargs)

    return wrapped


@never_cache
@require_GET
@through_live_share
def shared_letter(request: HttpRequest, token: str, share: LetterShare, order: Order) -> HttpResponse:
    letter = share.letter
    LetterAccess.record(letter, LetterAccess.Who.SHARE, LetterAccess.What.PAGE, share_id=share.pk)
    return render(
        request,
        "appeals/letters/shared.html",
        {
            "share": share,
            "token": token,
            "letter": letter,
            "summary": letter_for_case(order.case, letter.template).context,
            "case": order.case,
            "next": next_steps(order),
            "calendar_url": reverse("shared_calendar", kwargs={"token": token}),
            "noindex": True,
        },
    )


@never_cache
@require_GET
@through_live_share
def shared_file(request: HttpRequest, token: str, share: LetterShare, order: Order, kind: str) -> HttpResponse:
    return recorded_download(share.letter, kind, LetterAccess.Who.SHARE, share_id=share.pk)


@never_cache
@require_GET
@through_live_share
def shared_calendar(request: HttpRequest, token: str, share: LetterShare, order: Order) -> HttpResponse:
    LetterAccess.record(share.letter, LetterAccess.Who.SHARE, LetterAccess.What.ICS, share_id=share.pk)
    return calendar_response(order)
