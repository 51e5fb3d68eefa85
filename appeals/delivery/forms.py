"""The status page's form for a share link."""

from __future__ import annotations

from django import forms

from appeals.delivery.models import SHARE_LIFETIME_CHOICES


class ShareLinkForm(forms.Form):
    """A share link for the prescriber's office, made from the status page."""

    label = forms.CharField(
        label="Who it is for (optional)",
        max_length=100,
        required=False,
        help_text="Only you see this, to tell your links apart; for example “Dr. Ortiz's office”.",
    )
    days = forms.TypedChoiceField(
        label="The link works for",
        choices=[(days, f"{days} days") for days in SHARE_LIFETIME_CHOICES],
        coerce=int,
        initial=14,
    )
