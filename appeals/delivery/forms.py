"""The status page's forms: a share link, and the date of the plan's decision."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

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


class AppealDecisionForm(forms.Form):
    """The date on the plan's decision on the appeal, recorded from the status page so that
    the next level's deadline can be dated (until then it is shown in words only)."""

    decided_on = forms.DateField(
        label="Date printed on the plan's decision on the appeal",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When the plan answers the appeal, enter the date on its letter: the next level's deadline is counted from it.",
    )

    def __init__(self, *args, notice_date: datetime.date | None = None, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice_date = notice_date
        self.today = today

    @classmethod
    def for_case(cls, case, data=None) -> AppealDecisionForm:
        notice_date = case.typed_answers.plan.notice_date or None
        return cls(data, notice_date=notice_date, today=timezone.localdate(), initial={"decided_on": case.appeal_decided_on})

    def clean_decided_on(self) -> datetime.date:
        day = self.cleaned_data["decided_on"]
        if day > self.today:
            raise forms.ValidationError("That date is in the future: enter the date printed on the plan's decision.")
        if self.notice_date and day < self.notice_date:
            raise forms.ValidationError(
                "The plan's decision on the appeal cannot be dated before the denial it answers "
                f"({self.notice_date:%B} {self.notice_date.day}, {self.notice_date.year})."
            )
        return day
