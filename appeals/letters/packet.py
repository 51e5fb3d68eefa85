"""The packet's HTML: the staff-edited letter inside the pages the product
adds around it (see templates/pdf/packet.html)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from appeals.deadlines import DECISION_EXPEDITED, FILE_APPEAL, STEP_LABELS
from appeals.letters.context import letter_context
from appeals.letters.defaults import default_body
from appeals.letters.engine import render_letter
from appeals.models import Case, LetterTemplate
from appeals.wizard.steps import case_deadlines


@dataclass(frozen=True)
class Packet:
    html: str
    title: str


def packet_from_context(context: dict, body: str, *, voice: str) -> Packet:
    """The packet for a letter context (a case's, or a sample's) and a template body.
    Raises LetterTemplateError when the body cannot render this context."""
    letter = render_letter(body, context)
    title = f"Appeal: {context['drug']['name']}, {context['payer']['name']}"
    html = render_to_string(
        "pdf/packet.html",
        # The letter is autoescaped by the letter engine; the packet's own template escapes the rest.
        {
            **context,
            "letter_html": mark_safe(letter),
            "voice": voice,
            "title": title,
            "filing_label": STEP_LABELS[FILE_APPEAL],
            "expedited_label": STEP_LABELS[DECISION_EXPEDITED],
        },
    )
    return Packet(html=html, title=title)


def case_packet(case: Case, template: LetterTemplate | None, *, today: datetime.date) -> Packet:
    deadlines, _ = case_deadlines(case, today)
    context = letter_context(case, deadlines)
    if template is None:
        return packet_from_context(context, default_body("prescriber"), voice=LetterTemplate.Voice.PRESCRIBER)
    return packet_from_context(context, template.body, voice=template.voice)
