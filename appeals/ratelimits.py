"""Who a request comes from, for rate limits and the admin login lockout."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address.  Behind the TLS proxy that is the last address
    in X-Forwarded-For, the one the proxy itself appended: anything before it
    is whatever the client chose to send."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 (an address to count under, not one to bind)


def start_rate(group: str, request: HttpRequest) -> str:
    return settings.RATELIMIT_START


def checkout_rate(group: str, request: HttpRequest) -> str:
    return settings.RATELIMIT_CHECKOUT
