"""The packet's HTML: the staff-edited letter inside the pages the product
adds around it (see templates/pdf/packet.html)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from appeals.intake.models import Case
from appeals.letters.case_letter import letter_for_case, letter_title
from appeals.letters.engine import render_letter_body
from appeals.letters.models import LetterTemplate


@dataclass(frozen=True)
class Packet:
    html: str
    title: str


def packet_from_context(context: dict, body: str, *, voice: str) -> Packet:
    """The packet for a letter context (a case's, or a sample's) and a template body.
    Raises LetterTemplateError when the body cannot render this context."""
    letter = render_letter_body(body, context)
    title = letter_title(context)
    html = render_to_string(
        "pdf/packet.html",
        # The letter is autoescaped by the letter engine; the packet's own template escapes the rest.
        {
            **context,
            "letter_html": mark_safe(letter),
            "voice": voice,
            "title": title,
        },
    )
    return Packet(html=html, title=title)


def case_packet(case: Case, template: LetterTemplate | None, *, today: datetime.date) -> Packet:
    letter = letter_for_case(case, template, today=today)
    return packet_from_context(letter.context, letter.body, voice=letter.voice)
