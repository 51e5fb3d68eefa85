"""Reminder emails: before a filing window closes, before the plan's decision is due,
and once when it is late.  Run by Celery beat (``appeals.send_reminders``) and at a
worker's start; safe to run at any time, twice, or from two processes at once.

A reminder is *claimed* (a ``Reminder`` row, unique per case, kind, level and the
deadline it is about) in its own transaction before the email is sent: a second
sweep finds the claim and skips it, so no reminder goes out twice.  A send that
fails deletes the claim and the next sweep tries again; a worker killed between
the claim and the send loses that one reminder rather than risk a second copy.

The email names no patient, drug or plan: only the date, the rule, and the links
(the person's own page, and one that stops the reminders)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from appeals.catalog.deadlines import long_date
from appeals.delivery.status import ready_letter
from appeals.intake.models import Case
from appeals.orders.models import Order
from appeals.tracking.lateness import late_decision
from appeals.tracking.levels import next_stage
from appeals.tracking.models import Answer, Reminder, Track, TrackEvent
from appeals.tracking.progress import AWAITING, SEND, UPHELD, Progress, case_progress

logger = logging.getLogger(__name__)

# Days before the date to aim for that the filing reminders go out.
FILE_WEEK_DAYS = 7
FILE_DAY_DAYS = 1
# Days before the plan's decision is due that the person is told to expect it.
DECISION_DUE_DAYS = 2
# Days before an approval ends that the renewal is reminded of: time for the office to send the
# request and for the plan to decide before the drug stops.
RENEWAL_LEAD_DAYS = 45
_STOP_SALT = "appeals.tracking.stop-reminders"

SUBJECTS = {
    Reminder.Kind.FILE_WEEK: "Your appeal: a filing deadline is a week away",
    Reminder.Kind.FILE_DAY: "Your appeal: a filing deadline is tomorrow or today",
    Reminder.Kind.DECISION_DUE: "Your appeal: the plan's decision is due soon",
    Reminder.Kind.DECISION_LATE: "Your appeal: the plan's decision is late",
    Reminder.Kind.RENEWAL: "An approval ends soon: time to renew it",
}


def stop_token(case: Case) -> str:
    """The unguessable link that stops a case's reminders (signed with the site's key)."""
    return signing.dumps(case.pk, salt=_STOP_SALT, compress=True)


def case_for_stop_token(token: str) -> Case | None:
    try:
        case_id = signing.loads(token, salt=_STOP_SALT)
    except signing.BadSignature:
        return None
    return Case.objects.filter(pk=case_id, purged_at__isnull=True).first()


def stop_path(case: Case) -> str:
    return reverse("reminders_stop", kwargs={"token": stop_token(case)})


def reminder_for(prog: Progress, today: datetime.date) -> tuple[str, datetime.date] | None:
    """The reminder due today for where the case stands (its kind and the deadline it is
    about), or None.  Only a real date reminds: a window in words or a date counted from
    an assumed start never does."""
    if not prog.dated or prog.deadline.status == "automatic":
        return None
    deadline = prog.deadline
    if prog.phase in (SEND, UPHELD):
        days = (deadline.target - today).days
        if 0 <= days <= FILE_DAY_DAYS:
            return Reminder.Kind.FILE_DAY, deadline.due
        if FILE_DAY_DAYS < days <= FILE_WEEK_DAYS:
            return Reminder.Kind.FILE_WEEK, deadline.due
        return None
    if prog.phase == AWAITING:
        days = (deadline.due - today).days
        if 0 <= days <= DECISION_DUE_DAYS:
            return Reminder.Kind.DECISION_DUE, deadline.due
        if days < 0:
            return Reminder.Kind.DECISION_LATE, deadline.due
    return None


def renewal_due(track: Track, today: datetime.date) -> datetime.date | None:
    """The end date of an approval that ends within RENEWAL_LEAD_DAYS, or None."""
    if track.approved_until is None or track.answer not in (Answer.APPROVED, Answer.PARTLY):
        return None
    return track.approved_until if 0 <= (track.approved_until - today).days <= RENEWAL_LEAD_DAYS else None


def candidates():
    """Cases with a paid order, not deleted, whose reminders are on: open ones, and closed
    ones whose approval has an end date (for the renewal)."""
    paid = Order.objects.filter(case=OuterRef("pk"), status=Order.Status.PAID)
    off = Track.objects.filter(case=OuterRef("pk")).filter(
        Q(reminders_stopped_at__isnull=False) | Q(closed_at__isnull=False, approved_until__isnull=True)
    )
    return Case.objects.filter(Exists(paid), purged_at__isnull=True).exclude(Exists(off))


def send_due_reminders(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    sent = 0
    for case_id in candidates().values_list("pk", flat=True).iterator():
        try:
            sent += send_for_case(case_id, today)
        except Exception as exc:  # one case's failure never stops the others'
            logger.error("reminder not sent", extra={"case_id": case_id, "error": type(exc).__name__})
    if sent:
        logger.info("reminders sent", extra={"count": sent})
    return sent


def send_for_case(case_id: int, today: datetime.date) -> int:
    case = Case.objects.get(pk=case_id)
    order = Order.objects.filter(case=case, status=Order.Status.PAID).first()
    if order is None or ready_letter(order) is None or not order.email:
        return 0
    track = Track.objects.filter(case=case).first() or Track(case=case)
    if track.is_closed:
        prog, renewal = None, renewal_due(track, today)
        due = (Reminder.Kind.RENEWAL, renewal) if renewal else None
    else:
        prog = case_progress(case, track, today)
        due = reminder_for(prog, today)
    if due is None:
        return 0
    kind, about = due
    try:
        with transaction.atomic():
            # Keyed by the deadline, not the level: the next level's window is often the same
            # date as the one reminded of before the next level was made.
            reminder = Reminder.objects.create(case=case, kind=kind, level=track.level, about=about)
    except IntegrityError:
        return 0  # claimed already: sent, or being sent by another process
    try:
        sent = _send(case, order, track, prog, kind, today)
    except Exception as exc:  # a claim whose email was never sent must not stay claimed
        logger.error("reminder not built", extra={"case_id": case.pk, "error": type(exc).__name__})
        sent = False
    if not sent:
        reminder.delete()
        return 0
    reminder.sent_at = timezone.now()
    reminder.save(update_fields=["sent_at"])
    track = Track.of(case)
    event = TrackEvent(track=track, level=track.level, kind=TrackEvent.Kind.REMINDER, happened_on=today)
    event.set_details({"reminder": kind})
    event.save()
    return 1


def _send(case: Case, order: Order, track: Track, prog: Progress | None, kind: str, today: datetime.date) -> bool:
    deadline = prog.deadline if prog is not None else None
    stop_url = settings.SITE_URL + stop_path(case)
    context = {
        "kind": kind,
        "label": deadline.label if deadline else "",
        "due": long_date(deadline.due if deadline else track.approved_until),
        "aim_by": long_date(deadline.aim_by) if deadline and deadline.aim_by else "",
        "citation": deadline.citation if deadline else "",
        "sent_on": long_date(track.sent_on) if track.sent_on else "",
        "lateness": late_decision(case.plan_type(), case.typed_answers.plan.appeal_stage)
        if kind == Reminder.Kind.DECISION_LATE
        else None,
        "next_level_made_here": next_stage(case.plan_type(), case.typed_answers.plan.appeal_stage, final=track.answer_final)
        is not None,
        "link": settings.SITE_URL + order.status_path() + "#track-title",
        "stop_url": stop_url,
    }
    body = render_to_string("emails/reminder.txt", context)
    message = EmailMessage(
        SUBJECTS[kind],
        body,
        settings.DEFAULT_FROM_EMAIL,
        [order.email],
        # One-click unsubscribe (RFC 8058): mail programs show their own "stop" button.
        headers={"List-Unsubscribe": f"<{stop_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    try:
        message.send()
    except Exception as exc:
        logger.warning("reminder email not sent", extra={"case_id": case.pk, "error": type(exc).__name__})
        return False
    return True
