"""Delivering a ready letter: the email that says so, and deadlines as a
calendar file.  Nothing here puts patient data in an email or a calendar:
both travel and sync outside our control.  (What the status page shows,
next steps included, is ``appeals.delivery.status``.)"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from appeals.catalog.deadlines import PERSON_STEPS, Deadline, long_date
from appeals.delivery.models import LetterShare, ShareLimitReached
from appeals.intake.models import Case
from appeals.letters.models import Letter

logger = logging.getLogger(__name__)


def on_letter_ready(sender, *, letter_id: int, **kwargs) -> None:
    """Receiver of ``appeals.letters.signals.letter_ready`` (connected in AppealsConfig.ready)."""
    send_ready_email(letter_id)


OFFICE_SHARE_DAYS = 30
OFFICE_SHARE_LABEL = "The prescriber's office (sent when the letter was ready)"


def send_ready_email(letter_id: int) -> bool:
    """Email the person who paid that the letter is ready, with the status link.  Where the
    office completed the clinical part, both sides are told: the patient (when the office
    paid) gets the status link too, and the office (when the patient paid and gave the
    office's email) a share link of its own, made with the first version."""
    letter = Letter.objects.select_related("order", "order__case").filter(pk=letter_id).first()
    order = getattr(letter, "order", None) if letter else None
    if order is None or letter.status != Letter.Status.READY:
        return False
    link = settings.SITE_URL + order.status_path()
    body = render_to_string("emails/letter_ready.txt", {"link": link, "pages": letter.page_count})
    sent = _send(letter_id, "Your DenialHelp appeal letter is ready", body, order.email)
    case = order.case
    if case is None or case.clinical_by != Case.ClinicalBy.OFFICE or case.purged_at is not None:
        return sent
    answers = case.typed_answers
    patient_email, office_email = answers.patient.email, answers.office.email
    office_paid = bool(office_email) and office_email.lower() == order.email.lower()
    if office_paid and patient_email and patient_email.lower() != order.email.lower():
        _send(letter_id, "Your DenialHelp appeal letter is ready", body, patient_email)
    # Not when the person stopped the office's link: "stop" means the office is sent nothing more.
    office_told = not office_paid and case.office_revoked_at is None and letter.version == 1
    if office_told and office_email and office_email.lower() != patient_email.lower():
        try:
            share = LetterShare.make(letter, days=OFFICE_SHARE_DAYS, label=OFFICE_SHARE_LABEL)
        except ShareLimitReached:
            return sent
        office_body = render_to_string(
            "emails/letter_ready_office.txt",
            {"link": settings.SITE_URL + share.path(), "expires_at": share.expires_at, "pages": letter.page_count},
        )
        _send(letter_id, "The appeal letter your office helped with is ready to sign", office_body, office_email)
    return sent


def _send(letter_id: int, subject: str, body: str, address: str) -> bool:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception as exc:  # the letter is ready either way; the page shows it
        logger.warning("ready email not sent", extra={"letter_id": letter_id, "error": type(exc).__name__})
        return False
    return True


def deadlines_calendar(deadlines: list[Deadline], *, uid_prefix: str) -> bytes:
    """The deadlines that have a real date as all-day events, each with reminders a week
    and a day before for the steps the person must act on.  A date counted from an assumed
    start ("if the plan receives it today") or a step whose start is not yet known is left
    out: a calendar shows no explanation, so it holds no estimate.  A filing step is put
    on the date to aim for (the business day before a weekend, the date without a receipt
    presumption) and names the rule's last day."""
    calendar = Calendar()
    calendar.add("prodid", "-//DenialHelp//Appeal deadlines//EN")
    calendar.add("version", "2.0")
    stamp = timezone.now()
    for index, deadline in enumerate(d for d in deadlines if d.target and not d.assumed_start):
        day = deadline.target
        event = Event()
        event.add("uid", f"{uid_prefix}-{index}@denialhelp")
        event.add("dtstamp", stamp)
        event.add("summary", f"Appeal: {deadline.label}")
        event.add("dtstart", day)
        event.add("dtend", day + datetime.timedelta(days=1))
        if deadline.is_filing:
            last_day = f"; the rule's last day is {long_date(deadline.due)}" if deadline.aim_by else ""
            description = f"{deadline.label}: it must be received by this date ({deadline.citation}{last_day})."
        else:
            description = f"{deadline.label} by this date ({deadline.citation})."
        event.add("description", f"{description} Open your DenialHelp link for the letter.")
        if deadline.step in PERSON_STEPS:
            for days in (7, 1):
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", f"Appeal: {deadline.label}")
                alarm.add("trigger", datetime.timedelta(days=-days))
                event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
