"""HTML in, PDF bytes out (WeasyPrint).  A pure function: no database, and
WeasyPrint may read nothing but the app's own static files."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML, Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The base every relative URL in a packet resolves against; only STATIC_URL
# paths under it are served.  ".invalid" can never resolve to a real host.
BASE_URL = "https://packet.denialhelp.invalid/"


@dataclass(frozen=True)
class Pdf:
    data: bytes
    page_count: int


class ForbiddenResource(ValueError):
    pass


def static_file_bytes(relative: str) -> bytes | None:
    """The bytes the site serves at STATIC_URL + relative, or None.

    In production `{% static %}` links the hashed names collectstatic wrote
    (packet.<hash>.css), which only the static files storage knows, so it is
    asked first; the finders serve the plain names of a developer machine,
    where nothing was collected."""
    try:
        if staticfiles_storage.exists(relative):
            with staticfiles_storage.open(relative) as handle:
                return handle.read()
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    return Path(found).read_bytes() if found else None


class StaticFilesOnly(URLFetcher):
    """Serves /static/… from the app's own static files and refuses every
    other URL (file:, http:, another host), so a packet can neither read the
    server's files nor reach the network, whatever a template links to."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(settings.STATIC_URL):
            raise ForbiddenResource(f"not one of the app's static files: {url[:80]}")
        relative = unquote(parts.path[len(settings.STATIC_URL) :])
        segments = relative.split("/")
        if ".." in segments or "" in segments or "\\" in relative or "\x00" in relative:
            raise ForbiddenResource("a static path may not go up, start at the root or be empty")
        body = static_file_bytes(relative)
        if body is None:
            raise ForbiddenResource(f"no such static file: {relative[:80]}")
        content_type = mimetypes.guess_type(segments[-1])[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def render_html(html: str) -> Document:
    """The laid-out pages of one HTML document (its own page numbers and page count)."""
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly()).render()


def html_to_pdf(html: str) -> Pdf:
    document = render_html(html)
    return Pdf(data=document.write_pdf(), page_count=len(document.pages))


def documents_to_pdf(first: Document, *others: Document) -> bytes:
    """One PDF of documents laid out separately: each keeps its own "Page N of
    M", so pages added after the first never change the first one's count."""
    pages = [page for document in (first, *others) for page in document.pages]
    return first.copy(pages).write_pdf()
