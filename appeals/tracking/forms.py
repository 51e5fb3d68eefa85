"""The status page's tracking forms.  Every date is checked against the others the
case holds (no decision before the request was sent, nothing in the future), and a
form with an error is shown again with everything typed kept."""

from __future__ import annotations

import datetime

from django import forms
from django.core.validators import FileExtensionValidator

from appeals.catalog.deadlines import long_date
from appeals.tracking.models import Answer, SentHow

ATTACHMENT_MAX_BYTES = 900 * 1024  # under the request cap (REQUEST_BODY_MAX_BYTES), with the form around it
ATTACHMENT_TYPES = ["pdf", "jpg", "jpeg", "png"]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


def _attachment(label: str) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        validators=[FileExtensionValidator(ATTACHMENT_TYPES)],
        help_text="A PDF or photo, up to 900 KB. Kept encrypted, and deleted with the case.",
    )


class _TrackForm(forms.Form):
    def __init__(self, *args, today: datetime.date, not_before: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.not_before = not_before

    def _day(self, name: str, what: str, *, after: datetime.date | None = None, after_what: str = "") -> datetime.date:
        day = self.cleaned_data[name]
        if day is None:
            return day
        if day > self.today:
            raise forms.ValidationError(f"That date is in the future: enter the date {what}.")
        floor = after or self.not_before
        if floor and day < floor:
            raise forms.ValidationError(
                f"That is before {after_what or 'the date on the decision it answers'} ({long_date(floor)})."
            )
        return day

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("attachment")
        if upload is not None and upload.size > ATTACHMENT_MAX_BYTES:
            self.add_error("attachment", "That file is over 900 KB: send a smaller scan or a photo of the page.")
        return cleaned


class SentForm(_TrackForm):
    sent_on = forms.DateField(label="Date you sent it", widget=_date_input())
    how = forms.ChoiceField(label="How you sent it", choices=SentHow.choices, widget=forms.RadioSelect)
    received_on = forms.DateField(
        label="Date it arrived (optional)",
        required=False,
        widget=_date_input(),
        help_text="By mail, the delivery date on the tracking: the plan's time to decide counts from it. By fax, "
        "portal or by hand it is the day you sent it.",
    )
    attachment = _attachment("Fax confirmation or mailing receipt (optional)")

    def clean_sent_on(self):
        return self._day("sent_on", "you sent it", after_what="the day this letter was ready")

    def clean_received_on(self):
        sent = self.cleaned_data.get("sent_on")
        return self._day("received_on", "it arrived", after=sent, after_what="the date you sent it")


class ArrivalForm(_TrackForm):
    received_on = forms.DateField(
        label="Date it arrived", widget=_date_input(), help_text="The delivery date on the mail tracking."
    )

    def clean_received_on(self):
        return self._day("received_on", "it arrived", after_what="the date you sent it")


class AnswerForm(_TrackForm):
    answer = forms.ChoiceField(label="What the answer says", choices=Answer.choices, widget=forms.RadioSelect)
    decided_on = forms.DateField(
        label="Date printed on the answer", widget=_date_input(), help_text="The next level's deadline counts from it."
    )
    approved_until = forms.DateField(
        label="Approved until (optional)",
        required=False,
        widget=_date_input(),
        help_text="The end date on an approval: we remind you to renew before it, with your answers carried over.",
    )
    final = forms.BooleanField(
        label="The answer says the plan's internal appeals are over (it offers external review, not another appeal)",
        required=False,
    )
    attachment = _attachment("The answer letter (optional)")

    def __init__(self, *args, asks_final: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not asks_final:
            del self.fields["final"]

    def clean_decided_on(self):
        return self._day("decided_on", "printed on the answer", after_what="the day the request was sent")

    def clean(self):
        cleaned = super().clean()
        until, decided = cleaned.get("approved_until"), cleaned.get("decided_on")
        if until is not None:
            if cleaned.get("answer") == Answer.UPHELD:
                self.add_error("approved_until", "An end date goes with an approval: leave it empty for a denial.")
            elif decided is not None and until <= decided:
                self.add_error("approved_until", "The approval must end after the date of the answer.")
            elif until > self.today + datetime.timedelta(days=3 * 366):
                self.add_error("approved_until", "That is more than three years ahead: check the year.")
        return cleaned


class CallForm(_TrackForm):
    called_on = forms.DateField(label="Date of the call", widget=_date_input())
    who = forms.CharField(label="Who you spoke to", max_length=100, help_text="A name or a department, as they gave it.")
    reference = forms.CharField(label="Reference number (optional)", max_length=60, required=False)
    said = forms.CharField(
        label="What was said (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="If you make the next level's packet, it lists your calls (date, who, reference, what was said).",
    )

    def clean_called_on(self):
        return self._day("called_on", "of the call", after_what="the date on the decision")


class KeepForm(forms.Form):
    keep = forms.BooleanField(required=False)
