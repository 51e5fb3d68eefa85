"""What every page's template may name: the address people write to (the footer)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    # Set by appeals.web.practice_auth on a practice's pages (no query here).
    return {
        "contact_email": settings.CONTACT_EMAIL,
        "membership": getattr(request, "membership", None),
        "practice_claim": getattr(request, "practice_claim", None),
    }
