"""A ready letter's files, reached through the status link: the PDF packet,
the Word version and the deadlines as a calendar file.  Every download is
recorded (LetterAccess).  File names say what the file is, never who it is for."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from appeals.delivery import deadlines_calendar
from appeals.models import Letter, LetterAccess, Order
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


@never_cache
@require_GET
def letter_file(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    if kind not in FILES:
        raise Http404("No such file.")
    _, letter = ready_letter_or_404(token)
    if kind == "docx" and not letter.docx_file:
        raise Http404("This letter has no Word version.")
    LetterAccess.record(letter, LetterAccess.Who.OWNER, kind)
    return file_response(letter, kind)


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
