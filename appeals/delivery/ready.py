"""Delivering a ready letter: the email that says so, the deadlines as a
calendar file, and what to do next.  Nothing here puts patient data in an
email or a calendar: both travel and sync outside our control."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from appeals.catalog.deadlines import PERSON_STEPS, Deadline
from appeals.intake.steps import case_deadlines, case_guidance
from appeals.letters.models import Letter, LetterTemplate

logger = logging.getLogger(__name__)


def on_letter_ready(sender, *, letter_id: int, **kwargs) -> None:
    """Receiver of ``appeals.letters.signals.letter_ready`` (connected in AppealsConfig.ready)."""
    send_ready_email(letter_id)


def send_ready_email(letter_id: int) -> bool:
    """Email the person who paid that the letter is ready, with the status link."""
    letter = Letter.objects.select_related("order").filter(pk=letter_id).first()
    order = getattr(letter, "order", None) if letter else None
    if order is None or letter.status != Letter.Status.READY:
        return False
    link = settings.SITE_URL + order.status_path()
    body = render_to_string("emails/letter_ready.txt", {"link": link, "pages": letter.page_count})
    try:
        send_mail("Your DenialHelp appeal letter is ready", body, settings.DEFAULT_FROM_EMAIL, [order.email])
    except Exception as exc:  # the letter is ready either way; the page shows it
        logger.warning("ready email not sent", extra={"letter_id": letter_id, "error": type(exc).__name__})
        return False
    return True


def deadlines_calendar(deadlines: list[Deadline], *, uid_prefix: str) -> bytes:
    """The dated deadlines as all-day events, each with reminders a week and a day before
    for the steps the person must act on."""
    calendar = Calendar()
    calendar.add("prodid", "-//DenialHelp//Appeal deadlines//EN")
    calendar.add("version", "2.0")
    stamp = timezone.now()
    for index, deadline in enumerate(d for d in deadlines if d.due):
        event = Event()
        event.add("uid", f"{uid_prefix}-{index}@denialhelp")
        event.add("dtstamp", stamp)
        event.add("summary", f"Appeal: {deadline.label}")
        event.add("dtstart", deadline.due)
        event.add("dtend", deadline.due + datetime.timedelta(days=1))
        event.add(
            "description", f"{deadline.label} by this date ({deadline.citation}). Open your DenialHelp link for the letter."
        )
        if deadline.step in PERSON_STEPS:
            for days in (7, 1):
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", f"Appeal: {deadline.label}")
                alarm.add("trigger", datetime.timedelta(days=-days))
                event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


def next_steps(order) -> dict:
    """What the status page says once the letter is ready: who signs, where it
    goes, what to enclose, and the dates to keep."""
    case = order.case
    plan_type = case.plan_type()
    deadlines, deadlines_for = case_deadlines(case, timezone.localdate())
    voice = order.template.voice if order.template else LetterTemplate.Voice.PRESCRIBER
    return {
        "patient_signs": voice == LetterTemplate.Voice.PATIENT,
        "payer": case.payer,
        "enclosures": case.denial_type.enclosure_list() + (plan_type.enclosure_list() if plan_type else []),
        "deadlines": [d for d in deadlines if d.due],
        "deadlines_for": deadlines_for,
        "guidance": case_guidance(case),
    }
