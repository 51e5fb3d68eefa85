"""Who a request comes from, for rate limits and the admin login lockout."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_ip(request: HttpRequest) -> str:
    """The client's address.  Behind TRUSTED_PROXY_HOPS proxies it is the entry
    of X-Forwarded-For that many from the right (the one the outermost proxy
    appended): entries further left are whatever the client chose to send.  A
    header with fewer entries than that did not come through every proxy, so
    it is not believed, and the connection's own address counts."""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops > 0:
        # python-ipware counts the proxies *listed* after the client; the
        # innermost proxy is the connection itself (REMOTE_ADDR), not listed.
        address, _routable = get_client_ip(
            request, proxy_count=hops - 1, request_header_order=["HTTP_X_FORWARDED_FOR"], strict=False
        )
        if address:
            return address
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 (an address to count under, not one to bind)


def start_rate(group: str, request: HttpRequest) -> str:
    return settings.RATELIMIT_START


def checkout_rate(group: str, request: HttpRequest) -> str:
    return settings.RATELIMIT_CHECKOUT
