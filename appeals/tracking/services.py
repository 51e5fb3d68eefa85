"""What the person does on the status page after the letter: mark it sent, record
the plan's answer, log a call, make the next level's packet, close the case, keep
it while the appeal runs, stop the reminders.  Each changes rows under a lock and
adds a line to the case's timeline; the next level's packet is queued after the
commit, through the same worker and law engine as the first letter."""

from __future__ import annotations

import dataclasses
import datetime
import logging

from django.db import transaction
from django.utils import timezone

from appeals.catalog.plan_rules import instrument_for
from appeals.delivery.retention import retention
from appeals.intake.models import Case
from appeals.letters.models import Letter
from appeals.orders import payments
from appeals.orders.models import Order
from appeals.tracking.levels import next_stage
from appeals.tracking.models import Answer, Outcome, SentHow, Track, TrackEvent

logger = logging.getLogger(__name__)

# Kept while the appeal runs for at most this long from the day it was asked (renewable).
KEEP_DAYS = 365
# Sent this way, the plan has it the same day (the fax confirmation or the portal's receipt shows it).
SAME_DAY = {SentHow.FAX, SentHow.PORTAL, SentHow.HAND}


class NotAllowed(Exception):
    """The action does not fit where the case is (say so to the person)."""


def _locked(case: Case) -> tuple[Case, Track]:
    Track.objects.get_or_create(case=case)
    locked_case = Case.objects.select_for_update().get(pk=case.pk)
    track = Track.objects.select_for_update().get(case=locked_case)
    return locked_case, track


def _event(track: Track, kind: str, day: datetime.date, **details) -> TrackEvent:
    event = TrackEvent(track=track, level=track.level, kind=kind, happened_on=day)
    event.set_details({key: value for key, value in details.items() if value not in ("", None)})
    event.save()
    return event


def _open(track: Track) -> None:
    if track.is_closed:
        raise NotAllowed("This case is closed.")


def mark_sent(case: Case, *, sent_on: datetime.date, how: str, received_on: datetime.date | None) -> Track:
    """This level's request was sent.  The plan's clock counts from the day it received
    it: the same day by fax, portal or hand, else the delivery date when the person has it."""
    with transaction.atomic():
        case, track = _locked(case)
        _open(track)
        if received_on is None and how in SAME_DAY:
            received_on = sent_on
        track.sent_on, track.sent_how = sent_on, how
        track.save(update_fields=["sent_on", "sent_how"])
        case.appeal_received_on = received_on
        case.save(update_fields=["appeal_received_on", "updated_at"])
        _event(track, TrackEvent.Kind.SENT, sent_on, how=how, received_on=received_on)
    return track


def record_answer(case: Case, *, decided_on: datetime.date, answer: str, final: bool = False, attachment=None) -> Track:
    """The plan answered this level's request.  An approval (in full or in part) closes
    the case and records its outcome; an upheld denial leaves it open for the next level."""
    with transaction.atomic():
        case, track = _locked(case)
        _open(track)
        track.answer, track.answer_final = answer, final
        track.save(update_fields=["answer", "answer_final"])
        case.appeal_decided_on = decided_on
        case.save(update_fields=["appeal_decided_on", "updated_at"])
        event = _event(track, TrackEvent.Kind.ANSWERED, decided_on, answer=answer, final=final or None)
        if attachment is not None:
            attach(event, attachment)
        if answer in (Answer.APPROVED, Answer.PARTLY):
            _close(case, track)
    return track


def log_call(case: Case, *, called_on: datetime.date, who: str, reference: str, said: str) -> TrackEvent:
    with transaction.atomic():
        _, track = _locked(case)
        return _event(track, TrackEvent.Kind.CALL, called_on, who=who, reference=reference, said=said)


def close(case: Case) -> Track:
    """The person ends the appeal here (after an upheld denial they will not take further)."""
    with transaction.atomic():
        case, track = _locked(case)
        _open(track)
        if track.answer != Answer.UPHELD:
            raise NotAllowed("Record the plan's answer first.")
        _close(case, track)
    return track


def _close(case: Case, track: Track) -> None:
    now = timezone.now()
    track.closed_at = now
    track.save(update_fields=["closed_at"])
    plan = case.typed_answers.plan
    Outcome.record(
        case, result=track.answer, level=track.level, stage=plan.appeal_stage, plan_type=case.plan_type(), year=now.year
    )
    _event(track, TrackEvent.Kind.CLOSED, timezone.localdate(now), answer=track.answer)
    if case.keep_until is not None:
        # Closed, the case is kept only for the usual time, to download what is needed.
        case.keep_until = now + retention()
        case.save(update_fields=["keep_until", "updated_at"])


def make_next_level(case: Case, order: Order) -> Letter:
    """The next level's packet, at no charge: the plan step moves to the next stage, the
    decision being reviewed is the plan's answer (its date becomes the notice's), and the
    order's next letter version is made from the same answers by the same worker."""
    with transaction.atomic():
        case, track = _locked(case)
        _open(track)
        if track.answer != Answer.UPHELD or case.appeal_decided_on is None:
            raise NotAllowed("Record the plan's answer (denied again, with its date) first.")
        plan = case.typed_answers.plan
        stage = next_stage(case.plan_type(), plan.appeal_stage, final=track.answer_final)
        if stage is None:
            raise NotAllowed("There is no further level this product can prepare for this plan.")
        case.save_step("plan", dataclasses.replace(plan, stage=stage, notice_date=case.appeal_decided_on, notice_received_on=""))
        case.appeal_decided_on = None
        case.appeal_received_on = None
        case.save(update_fields=["appeal_decided_on", "appeal_received_on", "updated_at"])
        track.level += 1
        track.sent_on, track.sent_how, track.answer, track.answer_final = None, "", "", False
        track.save(update_fields=["level", "sent_on", "sent_how", "answer", "answer_final"])
        request = instrument_for(case.plan_type(), stage)
        _event(track, TrackEvent.Kind.NEXT_LEVEL, timezone.localdate(), stage=stage, title=request.title if request else "")
    letter = payments.make_new_version(order, order.template)
    if letter is None:
        raise NotAllowed("The next level's packet could not be made for this order.")
    logger.info("next level made", extra={"order": order.public_id, "level": track.level})
    return letter


def keep_while_running(case: Case, keep: bool) -> datetime.datetime | None:
    """Keep the case (for at most KEEP_DAYS from today) instead of the usual deletion; or not."""
    with transaction.atomic():
        case, track = _locked(case)
        case.keep_until = timezone.now() + datetime.timedelta(days=KEEP_DAYS) if keep and not track.is_closed else None
        case.save(update_fields=["keep_until", "updated_at"])
    return case.keep_until


def stop_reminders(case: Case) -> None:
    Track.objects.get_or_create(case=case)
    Track.objects.filter(case=case, reminders_stopped_at__isnull=True).update(reminders_stopped_at=timezone.now())


def restart_reminders(case: Case) -> None:
    Track.objects.filter(case=case).update(reminders_stopped_at=None)


def attach(event: TrackEvent, upload) -> None:
    """A receipt or decision letter, kept encrypted like the letter files, named without patient data."""
    from django.core.files.base import ContentFile

    from appeals.core.crypto import encrypt

    event.attachment.save(f"event-{event.pk}.bin", ContentFile(encrypt(upload.read())), save=False)
    event.attachment_type = upload.content_type or "application/octet-stream"
    event.save(update_fields=["attachment", "attachment_type"])


def purge_track(sender, *, case_id: int, **kwargs) -> None:
    """Receiver of ``appeals.delivery.signals.case_purged``: the timeline goes with the answers
    (the track's level and answer, and the outcome, name no one and stay)."""
    files = []
    for event in TrackEvent.objects.filter(track__case_id=case_id):
        if event.attachment:
            files.append((event.attachment.storage, event.attachment.name))
    TrackEvent.objects.filter(track__case_id=case_id).delete()

    def delete_files() -> None:
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError as exc:
                logger.error("tracking file not deleted", extra={"case_id": case_id, "error": type(exc).__name__})

    transaction.on_commit(delete_files)
