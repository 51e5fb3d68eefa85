"""A ready letter's files handed out: the same response and the same access
record whichever link asks (the status link, a share link, staff in admin).
File names say what the file is, never who it is for."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from appeals.delivery.models import LetterAccess
from appeals.letters.models import Letter

FILES = {
    "pdf": ("application/pdf", "appeal-packet.pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "appeal-letter.docx"),
}


def file_response(letter: Letter, kind: str) -> HttpResponse:
    content_type, filename = FILES[kind]
    if letter.version > 1:
        # appeal-packet-v2.pdf: a later version never overwrites the first in a download folder.
        stem, _, extension = filename.rpartition(".")
        filename = f"{stem}-v{letter.version}.{extension}"
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
