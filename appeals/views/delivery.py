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

from appeals.delivery import deadlines_calendar, next_steps
from appeals.letters.context import letter_context
from appeals.models import Letter, LetterAccess, LetterShare, Order
from appeals.models.letters import SHARES_PER_LETTER
from appeals.wizard.forms import ShareLinkForm
from appeals.wizard.steps import case_deadlines

FILES = {
    "pdf": ("application/pdf", "appeal-packet.pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "appeal-letter.docx"),
}


def ready_letter_or_404(token: str) -> tuple[Order, Letter]:
    order = Order.objects.by_status_token(token)
    letter = order.letter if order is not None and order.status == Order.Status.PAID else None
    if letter is None or letter.status != Letter.Status.READY:
        raise Http404("There is no ready letter at this link.")
    return order, letter


def file_response(letter: Letter, kind: str) -> HttpResponse:
    content_type, filename = FILES[kind]
    data = letter.pdf_bytes() if kind == "pdf" else letter.docx_bytes()
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def recorded_download(letter: Letter, kind: str, who: str, **record) -> HttpResponse:
    """A ready letter's file, the access recorded first: the one way every
    link (status, share, admin) hands out a file."""
    if kind not in FILES:
        raise Http404("No such file.")
    if kind == "docx" and not letter.docx_file:
        raise Http404("This letter has no Word version.")
    LetterAccess.record(letter, who, kind, **record)
    return file_response(letter, kind)


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


# --- Share links for the prescriber's office --------------------------------


@never_cache
@require_POST
def letter_share_create(request: HttpRequest, token: str) -> HttpResponse:
    from appeals.views.checkout import status_page

    order, letter = ready_letter_or_404(token)
    form = ShareLinkForm(request.POST)
    if form.is_valid() and letter.shares.active().count() >= SHARES_PER_LETTER:
        form.add_error(None, f"This letter already has {SHARES_PER_LETTER} working share links. Revoke one to make another.")
    if not form.is_valid():
        return status_page(request, order, token, share_form=form, status=400)
    share = LetterShare.make(letter, days=form.cleaned_data["days"], label=form.cleaned_data["label"])
    messages.success(request, "Share link made. Copy it below and send it to the prescriber's office.")
    return redirect(f"{order.status_path()}#share-{share.pk}")


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
    deadlines, _ = case_deadlines(order.case, timezone.localdate())
    return render(
        request,
        "appeals/letters/shared.html",
        {
            "share": share,
            "token": token,
            "letter": letter,
            "summary": letter_context(order.case, deadlines),
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
