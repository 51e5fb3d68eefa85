"""The case's timeline, as the status page and the office's share page show it: what
happened (from the track's events and the letter's versions), then the one thing
that comes next with its date, what a late decision means, and the next level."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django.utils import timezone

from appeals.catalog.deadlines import long_date
from appeals.catalog.plan_rules import instrument_for
from appeals.intake.models import Case
from appeals.letters.models import Letter
from appeals.tracking.forms import AnswerForm, ArrivalForm, CallForm, SentForm
from appeals.tracking.lateness import late_decision
from appeals.tracking.levels import asks_if_final, next_request
from appeals.tracking.models import Answer, Reminder, SentHow, Track, TrackEvent
from appeals.tracking.progress import AWAITING, CLOSED, SEND, UPHELD, case_progress


@dataclass(frozen=True)
class Line:
    day: datetime.date | None
    title: str
    detail: str = ""
    state: str = "done"  # "done" | "now" | "late" | "closed"
    citation: str = ""
    event_id: int | None = None
    has_file: bool = False
    moment: datetime.datetime | None = None  # orders lines of the same day as they happened


def _event_line(event: TrackEvent) -> Line:
    details = event.details
    kind = event.kind
    if kind == TrackEvent.Kind.SENT:
        how = SentHow(details["how"]).label if details.get("how") in SentHow.values else "sent"
        received = details.get("received_on")
        detail = f"Arrived {long_date(datetime.date.fromisoformat(received))}." if received else "Arrival date not recorded."
        return Line(event.happened_on, f"Sent ({how.lower()})", detail, event_id=event.pk, has_file=bool(event.attachment))
    if kind == TrackEvent.Kind.ANSWERED:
        answer = Answer(details["answer"]).label if details.get("answer") in Answer.values else "Answered"
        detail = "The answer says the internal appeals are over." if details.get("final") else ""
        if details.get("approved_until"):
            detail = f"Approved until {long_date(datetime.date.fromisoformat(details['approved_until']))}."
        return Line(event.happened_on, f"Answer: {answer.lower()}", detail, event_id=event.pk, has_file=bool(event.attachment))
    if kind == TrackEvent.Kind.CALL:
        parts = [f"Reference {details['reference']}." if details.get("reference") else "", details.get("said", "")]
        return Line(event.happened_on, f"Call with {details.get('who', 'the plan')}", " ".join(p for p in parts if p))
    if kind == TrackEvent.Kind.NEXT_LEVEL:
        return Line(event.happened_on, f"Next level (level {event.level}) prepared", details.get("title", ""))
    if kind == TrackEvent.Kind.REMINDER:
        reminder = details.get("reminder", "")
        label = Reminder.Kind(reminder).label if reminder in Reminder.Kind.values else "Reminder"
        return Line(event.happened_on, "Reminder emailed", label)
    if kind == TrackEvent.Kind.RENEWAL:
        return Line(event.happened_on, "Renewal started", "A new case, with the answers carried over.")
    if kind == TrackEvent.Kind.CLOSED:
        return Line(event.happened_on, "Case closed", state="closed")
    return Line(event.happened_on, event.get_kind_display())


def track_of(case: Case) -> Track:
    """The case's track, or an unsaved one: showing a page writes nothing."""
    return Track.objects.filter(case=case).first() or Track(case=case)


def sent_floor(case: Case) -> datetime.date:
    """The earliest day this level's request can have been sent: the day its letter was ready
    (today while the level's packet is still being made)."""
    track = track_of(case)
    ready = case.letters.filter(status=Letter.Status.READY, ready_at__isnull=False)
    # After the next level is made, the request to send is that level's version.
    level_start = track.events.filter(kind=TrackEvent.Kind.NEXT_LEVEL).order_by("-created_at").first() if track.pk else None
    if level_start is not None:
        ready = ready.filter(created_at__gte=level_start.created_at)
    first = ready.order_by("version").first()
    return timezone.localdate(first.ready_at) if first is not None else timezone.localdate()


def tracking_context(case: Case, *, forms: dict | None = None, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    track = track_of(case)
    prog = case_progress(case, track, today)
    plan = case.typed_answers.plan
    plan_type, stage = case.plan_type(), plan.appeal_stage
    instrument = instrument_for(plan_type, stage)
    decider = instrument.decided_by if instrument else "the plan"

    lines = [
        Line(timezone.localdate(letter.ready_at), f"Letter ready (version {letter.version})", moment=letter.ready_at)
        for letter in case.letters.filter(status=Letter.Status.READY, ready_at__isnull=False)
    ]
    events = track.events.all() if track.pk else []
    lines += [dataclasses.replace(_event_line(event), moment=event.created_at) for event in events]
    lines.sort(key=lambda line: (line.day or datetime.date.min, line.moment or timezone.now()))

    lateness = None
    deadline = prog.deadline
    if prog.phase == SEND and deadline is not None:
        lines.append(Line(deadline.target if prog.dated else None, "Send it", deadline.when, "now", deadline.citation))
    elif prog.phase == AWAITING and deadline is not None:
        late = prog.is_late(today)
        title = f"Decision due from {decider}" if not late else f"Decision from {decider} is late"
        if prog.dated:
            detail = f"Due by {long_date(deadline.due)} ({deadline.window})."
        else:
            detail = f"Due {deadline.window}. Enter the date it arrived to date it."
        lines.append(Line(deadline.due if prog.dated else None, title, detail, "late" if late else "now", deadline.citation))
        if late:
            lateness = late_decision(plan_type, stage)
    elif prog.phase == AWAITING:
        lines.append(Line(None, f"Waiting for the answer from {decider}", "", "now"))

    following = next_request(plan_type, stage, final=track.answer_final) if prog.phase == UPHELD else None
    if prog.phase == UPHELD:
        when = deadline.when if deadline is not None else ""
        title = f"Next: {following.title}" if following else "No further level this site can prepare"
        lines.append(Line(deadline.target if prog.dated else None, title, when, "now", deadline.citation if deadline else ""))

    forms = forms or {}
    notice_date = plan.notice_date or None
    return {
        "track": track,
        "phase": prog.phase,
        "phases": {"send": SEND, "awaiting": AWAITING, "upheld": UPHELD, "closed": CLOSED},
        "lines": lines,
        "lateness": lateness,
        "next_request": following,
        "stage_is_last": prog.phase == UPHELD and following is None,
        "sent_form": forms.get("sent") or SentForm(today=today, not_before=sent_floor(case)),
        "answer_form": forms.get("answer")
        or AnswerForm(today=today, not_before=track.sent_on or notice_date, asks_final=asks_if_final(plan_type, stage)),
        "call_form": forms.get("call") or CallForm(today=today),
        # Sent by mail with no delivery date yet: the decision's date waits for it.
        "arrival_form": forms.get("arrival") or ArrivalForm(today=today, not_before=track.sent_on)
        if prog.phase == AWAITING and not prog.dated and track.sent_how == "mail"
        else None,
        "keep_until": case.keep_until,
        "approved_until": track.approved_until if track.answer in (Answer.APPROVED, Answer.PARTLY) else None,
        "kept_for_renewal": bool(
            case.keep_until and track.approved_until and timezone.localdate(case.keep_until) >= track.approved_until
        ),
    }
