"""What the person does on the status page after the letter: mark it sent, record
the plan's answer, log a call, make the next level's packet, close the case, keep
it while the appeal runs, stop the reminders.  Each changes rows under a lock and
adds a line to the case's timeline; the next level's packet is queued after the
commit, through the same worker and law engine as the first letter."""

from __future__ import annotations

import dataclasses
import datetime
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from appeals.catalog.models import AppealStage
from appeals.catalog.plan_rules import instrument_for
from appeals.core.crypto import encrypt
from appeals.delivery.retention import purge_on, retention
from appeals.intake.answers import CallRecord
from appeals.intake.models import Case
from appeals.letters.models import Letter
from appeals.letters.tasks import queue_render
from appeals.orders.models import Order
from appeals.tracking.levels import next_stage
from appeals.tracking.models import Answer, Outcome, Reminder, SentHow, Track, TrackEvent

logger = logging.getLogger(__name__)

# Kept while the appeal runs for at most this long from the day it was asked.
KEEP_DAYS = 365
# Turning "keep" off never deletes at once: at least this long to download what is needed.
KEEP_OFF_GRACE_DAYS = 7
# Sent this way, the plan has it the same day (the fax confirmation or the portal's receipt shows it).
SAME_DAY = {SentHow.FAX, SentHow.PORTAL, SentHow.HAND}
# An uploaded file's type, from its checked extension (never the browser's word for it).
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


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


def decided_outside_the_plan(case: Case) -> bool:
    """The request at the case's stage is decided by an outside reviewer although it is
    filed with the plan (external review after a final denial, under the federal process):
    the reviewer's clock starts when the plan passes it on, a day the person cannot see."""
    stage = case.typed_answers.plan.appeal_stage
    instrument = instrument_for(case.plan_type(), stage)
    return instrument is not None and instrument.addressed_to_plan and stage == AppealStage.FINAL_INTERNAL_DENIAL


def mark_sent(case: Case, *, sent_on: datetime.date, how: str, received_on: datetime.date | None, attachment=None) -> TrackEvent:
    """This level's request was sent.  The decider's clock counts from the day it received
    it: the same day by fax, portal or hand, else the delivery date when the person has it."""
    with transaction.atomic():
        case, track = _locked(case)
        _open(track)
        if received_on is None and how in SAME_DAY:
            received_on = sent_on
        track.sent_on, track.sent_how = sent_on, how
        track.save(update_fields=["sent_on", "sent_how"])
        case.appeal_received_on = None if decided_outside_the_plan(case) else received_on
        case.save(update_fields=["appeal_received_on", "updated_at"])
        event = _event(track, TrackEvent.Kind.SENT, sent_on, how=how, received_on=received_on)
        if attachment is not None:
            attach(event, attachment)
    return event


def record_arrival(case: Case, received_on: datetime.date) -> None:
    """The delivery date of a request sent by mail, entered after marking it sent: the
    decider's clock is dated from it."""
    with transaction.atomic():
        case, track = _locked(case)
        _open(track)
        if track.sent_on is None or track.answer:
            raise NotAllowed("Mark the request sent first.")
        if not decided_outside_the_plan(case):
            case.appeal_received_on = received_on
            case.save(update_fields=["appeal_received_on", "updated_at"])
        sent = track.events.filter(kind=TrackEvent.Kind.SENT, level=track.level).order_by("-created_at").first()
        if sent is not None:
            sent.set_details({**sent.details, "received_on": received_on})
            sent.save(update_fields=["details_encrypted"])


def record_answer(
    case: Case,
    *,
    decided_on: datetime.date,
    answer: str,
    final: bool = False,
    attachment=None,
    approved_until: datetime.date | None = None,
) -> Track:
    """The plan answered this level's request.  An approval (in full or in part) closes
    the case and records its outcome; an upheld denial leaves it open for the next level."""
    with transaction.atomic():
        case, track = _locked(case)
        _open(track)
        if track.sent_on is None:
            raise NotAllowed("Mark the request sent first.")
        track.answer, track.answer_final = answer, final
        track.approved_until = approved_until if answer in (Answer.APPROVED, Answer.PARTLY) else None
        track.save(update_fields=["answer", "answer_final", "approved_until"])
        case.appeal_decided_on = decided_on
        case.save(update_fields=["appeal_decided_on", "updated_at"])
        event = _event(
            track, TrackEvent.Kind.ANSWERED, decided_on, answer=answer, final=final or None, approved_until=track.approved_until
        )
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
    today = timezone.localdate(now)
    track.closed_at = now
    track.save(update_fields=["closed_at"])
    plan = case.typed_answers.plan
    Outcome.record(
        case, result=track.answer, level=track.level, stage=plan.appeal_stage, plan_type=case.plan_type(), year=today.year
    )
    _event(track, TrackEvent.Kind.CLOSED, today, answer=track.answer)
    if case.keep_until is not None:
        # Closed, the case is kept only for the usual time, to download what is needed.
        case.keep_until = now + retention()
        case.save(update_fields=["keep_until", "updated_at"])


def _calls(track: Track) -> list[CallRecord]:
    return [
        CallRecord(
            called_on=event.happened_on,
            who=event.details.get("who", ""),
            reference=event.details.get("reference", ""),
            said=event.details.get("said", ""),
        )
        for event in track.events.filter(kind=TrackEvent.Kind.CALL).order_by("happened_on", "created_at")
    ]


def make_next_level(case: Case, order: Order) -> Letter:
    """The next level's packet, at no charge: the plan step moves to the next stage, the
    decision being reviewed is the plan's answer (its date becomes the notice's), the calls
    logged so far go into the answers for the packet to list, and the order's next letter
    version is made from them, all in one transaction; the render is queued after it."""
    with transaction.atomic():
        case, track = _locked(case)
        _open(track)
        if track.answer != Answer.UPHELD or case.appeal_decided_on is None:
            raise NotAllowed("Record the plan's answer (denied again, with its date) first.")
        plan = case.typed_answers.plan
        stage = next_stage(case.plan_type(), plan.appeal_stage, final=track.answer_final)
        if stage is None:
            raise NotAllowed("There is no further level this site can prepare for this plan.")
        case.save_step("plan", dataclasses.replace(plan, stage=stage, notice_date=case.appeal_decided_on, notice_received_on=""))
        calls = _calls(track)
        if calls:
            case.save_step("calls", calls)
        case.appeal_decided_on = None
        case.appeal_received_on = None
        case.save(update_fields=["appeal_decided_on", "appeal_received_on", "updated_at"])
        track.level += 1
        track.sent_on, track.sent_how, track.answer, track.answer_final = None, "", "", False
        track.save(update_fields=["level", "sent_on", "sent_how", "answer", "answer_final"])
        request = instrument_for(case.plan_type(), stage)
        _event(track, TrackEvent.Kind.NEXT_LEVEL, timezone.localdate(), stage=stage, title=request.title if request else "")
        letter = order.new_letter_version(order.template)
        if letter is None:
            # Nothing is changed unless the packet is made with it.
            raise NotAllowed("The next level's packet could not be made for this order.")
    queue_render(letter)
    logger.info("next level made", extra={"order": order.public_id, "level": track.level})
    return letter


def keep_while_running(case: Case, keep: bool) -> datetime.datetime | None:
    """Keep the case (for at most KEEP_DAYS from now) instead of the usual deletion; or stop
    keeping it, never sooner than KEEP_OFF_GRACE_DAYS from now.  The date it will be deleted."""
    with transaction.atomic():
        case, track = _locked(case)
        now = timezone.now()
        if keep and not track.is_closed:
            case.keep_until = now + datetime.timedelta(days=KEEP_DAYS)
        else:
            case.keep_until = None
            usual = purge_on(case)
            grace = now + datetime.timedelta(days=KEEP_OFF_GRACE_DAYS)
            if usual is not None and usual < grace:
                case.keep_until = grace
        case.save(update_fields=["keep_until", "updated_at"])
    return purge_on(case)


# Steps a renewal carries over from the approved case: everything but the plan step (a new
# request, with its own dates), the criteria (the plan may have changed them) and the letter choice.
RENEWAL_STEPS = ("patient", "office", "diagnosis", "evidence", "drug", "treatments", "alternatives", "prescriber")


def keep_for_renewal(case: Case) -> datetime.datetime | None:
    """Keep an approved case's answers until a month after its approval ends, so the
    renewal can carry them over (at most KEEP_DAYS past that end date)."""
    with transaction.atomic():
        case, track = _locked(case)
        if track.approved_until is None:
            raise NotAllowed("Record the approval's end date first.")
        end = datetime.datetime.combine(track.approved_until, datetime.time(23, 59), timezone.get_current_timezone())
        case.keep_until = min(end + datetime.timedelta(days=30), timezone.now() + datetime.timedelta(days=KEEP_DAYS + 30))
        case.save(update_fields=["keep_until", "updated_at"])
    return purge_on(case)


def start_renewal(case: Case) -> tuple[Case, str]:
    """A new case for the renewal of an approval: the same drug, insurer and denial type, the
    answers carried over (not the plan step: the renewal is a new request, with its own dates),
    and the approval as the authorization history.  The new case and its link."""
    with transaction.atomic():
        case, track = _locked(case)
        if track.answer not in (Answer.APPROVED, Answer.PARTLY) or case.purged_at is not None:
            raise NotAllowed("A renewal starts from an approval whose answers are still kept.")
        renewal, token = Case.open(drug=case.drug, payer=case.payer, denial_type=case.denial_type)
        answers = case.typed_answers
        if case.drug.is_unlisted or case.payer.is_unlisted:
            renewal.save_step("unlisted", answers.unlisted)
        for step in RENEWAL_STEPS:
            if case.has_answered(step):
                renewal.save_step(step, getattr(answers, step))
        renewal.save_step(
            "authorization",
            dataclasses.replace(answers.authorization, previously_approved="yes", approved_until=track.approved_until or ""),
        )
        renewal.choose_clinical_by(case.clinical_by or Case.ClinicalBy.PATIENT)
        _event(track, TrackEvent.Kind.RENEWAL, timezone.localdate())
    return renewal, token


def stop_reminders(case: Case) -> None:
    Track.objects.get_or_create(case=case)
    Track.objects.filter(case=case, reminders_stopped_at__isnull=True).update(reminders_stopped_at=timezone.now())


def restart_reminders(case: Case) -> None:
    Track.objects.filter(case=case).update(reminders_stopped_at=None)


def attach(event: TrackEvent, upload) -> None:
    """A receipt or decision letter, kept encrypted like the letter files, named without patient data."""
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    event.attachment.save(f"event-{event.pk}.bin", ContentFile(encrypt(upload.read())), save=False)
    event.attachment_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    event.save(update_fields=["attachment", "attachment_type"])


def purge_track(sender, *, case_id: int, **kwargs) -> None:
    """Receiver of ``appeals.delivery.signals.case_purged``: the timeline and the dates kept for
    it go with the answers (the track's level and answer, and the outcome, name no one and stay)."""
    files = []
    for event in TrackEvent.objects.filter(track__case_id=case_id):
        if event.attachment:
            files.append((event.attachment.storage, event.attachment.name))
    TrackEvent.objects.filter(track__case_id=case_id).delete()
    Reminder.objects.filter(case_id=case_id).delete()
    Track.objects.filter(case_id=case_id).update(sent_on=None, sent_how="")

    def delete_files() -> None:
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError as exc:
                logger.error("tracking file not deleted", extra={"case_id": case_id, "error": type(exc).__name__})

    transaction.on_commit(delete_files)
