"""The packet: the staff-edited letter inside the pages the product adds
around it, as two documents in one download.

- The *submission* (templates/pdf/packet.html): the fax cover, the letter, the
  exhibit index and the request pages that apply.  It is what is sent, and the
  cover's page count is its own page count.
- The *office sheet* (templates/pdf/office_sheet.html): how to send it, the
  exhibits to attach, what to keep and the patient's own dates.  It is laid
  out as its own document after the submission, so it is never counted on the
  cover nor numbered as part of what is sent.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from appeals.intake.models import Case
from appeals.letters.case_letter import letter_for_case, letter_title
from appeals.letters.engine import render_letter_body
from appeals.letters.exhibits import exhibit_label
from appeals.letters.filings import CLAIM_FILE
from appeals.letters.models import LetterTemplate
from appeals.letters.pdf import documents_to_pdf, html_to_pdf, render_html

# Between the two documents in a stored HTML snapshot.
OFFICE_SHEET_MARK = "<!-- office sheet: not sent -->"
# Around the letter and the exhibit index in the submission's HTML (templates/pdf/packet.html).
PREVIEW_START, PREVIEW_END = "<!-- preview -->", "<!-- /preview -->"


def letter_preview(snapshot: str) -> str:
    """The letter and its exhibit index as the PDF printed them, cut from the
    letter's stored HTML (so a page showing it can never differ from the PDF);
    empty for a snapshot made before the markers existed."""
    start, end = snapshot.find(PREVIEW_START), snapshot.find(PREVIEW_END)
    if start < 0 or end < start:
        return ""
    return snapshot[start + len(PREVIEW_START) : end].strip()


@dataclass(frozen=True)
class Packet:
    html: str  # the submission's HTML
    title: str
    page_context: dict  # what the office sheet is rendered from

    def office_html(self, submission_pages: int | None) -> str:
        """The office sheet; ``submission_pages`` is known once the submission is laid out."""
        return render_to_string("pdf/office_sheet.html", {**self.page_context, "submission_pages": submission_pages})

    def preview_html(self) -> str:
        """Both documents as one HTML page (the staff preview), before any page is counted."""
        return f"{self.html}\n{OFFICE_SHEET_MARK}\n{self.office_html(None)}"


@dataclass(frozen=True)
class PacketPdf:
    data: bytes
    page_count: int  # the submission's pages: what the cover counts
    office_pages: int
    html: str  # both documents' HTML, for the letter's snapshot


def packet_from_context(context: dict, body: str, *, voice: str) -> Packet:
    """The packet for a letter context (a case's, or a sample's) and a template body.
    Raises LetterTemplateError when the body cannot render this context."""
    letter = render_letter_body(body, context)
    title = letter_title(context)
    exhibits = context.get("exhibits") or []
    page_context = {
        **context,
        "voice": voice,
        "title": title,
        "voice_filings": [filing for filing in context.get("filings") or [] if voice in filing["voices"]],
        "exhibit_range": (f"A to {exhibit_label(len(exhibits) - 1)}" if len(exhibits) > 1 else "A") if exhibits else "",
    }
    # The letter is autoescaped by the letter engine; the packet's own templates escape the rest.
    html = render_to_string("pdf/packet.html", {**page_context, "letter_html": mark_safe(letter)})
    return Packet(html=html, title=title, page_context=page_context)


def packet_pdf(packet: Packet) -> PacketPdf:
    """The submission, then the office sheet, in one PDF."""
    submission = render_html(packet.html)
    count = len(submission.pages)
    office_html = packet.office_html(count)
    office = render_html(office_html)
    return PacketPdf(
        data=documents_to_pdf(submission, office),
        page_count=count,
        office_pages=len(office.pages),
        html=f"{packet.html}\n{OFFICE_SHEET_MARK}\n{office_html}",
    )


def claim_file_request_pdf(case: Case, *, today: datetime.date) -> bytes | None:
    """The claim-file request on its own page, in the member's voice, for the
    person to send at once and for free; None where there is no plan decision
    to ask the file of (a request to an outside reviewer, or no decision yet)."""
    context = letter_for_case(case, None, today=today).context
    filing = next((item for item in context["filings"] if item["key"] == CLAIM_FILE), None)
    if filing is None:
        return None
    html = render_to_string("pdf/claim_file_request.html", {**context, "filing": filing, "voice": "patient"})
    return html_to_pdf(html).data


def case_packet(case: Case, template: LetterTemplate | None, *, today: datetime.date) -> Packet:
    letter = letter_for_case(case, template, today=today)
    return packet_from_context(letter.context, letter.body, voice=letter.voice)
