"""HTML in, PDF bytes out (WeasyPrint).  A pure function: no database, and
WeasyPrint may read nothing but the app's own static files."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
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
        if ".." in relative.split("/"):
            raise ForbiddenResource("a static path may not go up")
        found = finders.find(relative)
        if not found:
            raise ForbiddenResource(f"no such static file: {relative[:80]}")
        path = Path(found)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def html_to_pdf(html: str) -> Pdf:
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesOnly()).render()
    return Pdf(data=document.write_pdf(), page_count=len(document.pages))
