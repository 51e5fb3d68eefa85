"""Request bodies are refused by their declared size, before anything reads them.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE counts form fields only: the file parts
of a multipart body are streamed to FILE_UPLOAD_TEMP_DIR whatever their size
as soon as anything (the CSRF check included) reads request.POST.  So every
request whose Content-Length is over the cap is answered 413 here, without a
byte of its body read.  Only staff uploading a criteria feed get the larger
cap that file needs.

Django reads at most Content-Length bytes of a body (none when it is
missing), so a chunked body without a length would silently arrive empty: it
is refused with 411 instead.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

# What multipart framing and the form's other fields add around an uploaded file.
MULTIPART_OVERHEAD = 64 * 1024


def body_limit(request: HttpRequest) -> int:
    """The largest body this request may carry, in bytes."""
    if request.path_info == reverse("admin:appeals_criteriaimport_upload") and request.user.is_staff:
        return max(settings.REQUEST_BODY_MAX_BYTES, settings.CRITERIA_FEED_MAX_BYTES + MULTIPART_OVERHEAD)
    return settings.REQUEST_BODY_MAX_BYTES


def refused(status: int, text: str) -> HttpResponse:
    # No "Connection: close" (WSGI forbids hop-by-hop headers): gunicorn
    # itself drains or drops the unread body before reusing the connection.
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or ""
        if not declared.strip():
            if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
                return refused(411, "Length Required: send the request with a Content-Length.")
            return self.get_response(request)
        try:
            length = int(declared)
        except ValueError:
            return refused(400, "Bad Request: the Content-Length is not a number.")
        limit = body_limit(request)
        if length > limit:
            return refused(413, f"Request too large: the limit is {limit:,} bytes.")
        return self.get_response(request)
