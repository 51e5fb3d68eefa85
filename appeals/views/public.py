"""The public pages that exist before the landing pages: the home page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from appeals.models import Guide


def home(request: HttpRequest) -> HttpResponse:
    guides = Guide.objects.filter(published=True).select_related("drug", "payer", "denial_type")[:50]
    return render(request, "appeals/home.html", {"guides": guides})
