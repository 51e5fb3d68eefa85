"""Rendering a letter's packet: the logic behind the Celery task, callable
and testable without a worker."""

from __future__ import annotations

import datetime
import logging
import time

from django.db import transaction
from django.utils import timezone

from appeals.letters.engine import LetterTemplateError
from appeals.letters.models import Letter
from appeals.letters.packet import case_packet, packet_pdf
from appeals.letters.signals import letter_ready
from appeals.letters.word import case_letter_docx

logger = logging.getLogger(__name__)


class PermanentRenderError(Exception):
    """Rendering this letter cannot succeed by trying again."""


def render_packet(letter_id: int) -> str:
    letter = Letter.objects.select_related("case__drug", "case__payer", "case__denial_type", "template").get(pk=letter_id)
    if not letter.start_rendering():
        return letter.status
    started = time.perf_counter()
    template = letter.template
    version = template.current_version() if template else None
    today = timezone.localdate()  # the PDF and the Word file count their deadlines from the same day
    try:
        packet = case_packet(letter.case, template, today=today)
    except LetterTemplateError as exc:
        raise PermanentRenderError(f"The letter template cannot render this case: {exc}") from exc
    pdf = packet_pdf(packet)
    docx = letter_docx(letter.case, template, today=today)
    finished = letter.finish(
        html=pdf.html,
        pdf=pdf.data,
        docx=docx,
        template_version=version,
        page_count=pdf.page_count,
        render_ms=round((time.perf_counter() - started) * 1000),
    )
    if finished:
        letter_id = letter.pk
        transaction.on_commit(lambda: letter_ready.send(sender=Letter, letter_id=letter_id))
    return letter.status


def letter_docx(case, template, *, today: datetime.date) -> bytes:
    """The editable Word version of the letter (see appeals.letters.word)."""
    return case_letter_docx(case, template, today=today)
