"""The page cache for the public catalog pages.

Every cached page is stored under the current *catalog version*.  Any change
staff make to what a page shows (catalog rows, criteria, guides, pricing,
promo codes) bumps the version once the transaction commits, so every page is
rendered afresh on its next visit; old entries simply expire.  One version for
the whole catalog keeps invalidation obviously correct: a page shows the
payer's plan types, related combinations and the price, so a narrower key
would have to know every one of those links.
"""

from __future__ import annotations

import functools
import time

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

VERSION_KEY = "catalog-version"
PAGE_TIMEOUT_SECONDS = 24 * 3600


def catalog_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # First use, or the cache lost the key: start a version no stored page has.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_catalog_version() -> None:
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def bump_catalog_version_on_commit(**_signal_kwargs) -> None:
    transaction.on_commit(bump_catalog_version)


def bump_on_account_change(update_fields=None, **_signal_kwargs) -> None:
    """An account saved for more than its last login may have gained or lost the
    staff status a guide's reviewer needs."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    transaction.on_commit(bump_catalog_version)


def cached_page(view):
    """Serve a GET from the page cache; store 200 responses that allow it.

    The key is the path and a hub's page number, plus today's date, because
    the criteria in force change at midnight.  Any other query string (a
    search) is answered fresh and not stored, so made-up parameters cannot
    fill the cache.  A view marks a response it must not share (a staff
    preview) with Cache-Control private or no-store.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        page = request.GET.get("page", "1")
        if request.method not in ("GET", "HEAD") or set(request.GET) - {"page"} or not (page.isascii() and page.isdigit()):
            return view(request, *args, **kwargs)
        key = f"page:{catalog_version()}:{timezone.localdate().isoformat()}:{request.path}:{int(page)}"
        stored = cache.get(key)
        if stored is not None:
            content, content_type = stored
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()  # a TemplateResponse (the sitemap views)
        cache_control = response.get("Cache-Control", "")
        if response.status_code == 200 and "private" not in cache_control and "no-store" not in cache_control:
            cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT_SECONDS)
        return response

    return wrapper
