"""What every page's template may name: the address people write to (the footer)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {"contact_email": settings.CONTACT_EMAIL}
