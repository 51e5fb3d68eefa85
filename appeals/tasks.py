"""Celery tasks.  Each takes primary keys and keeps its logic in a plain
function elsewhere, so it can be called and tested without a worker."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

logger = logging.getLogger(__name__)

RENDER_RETRIES = 3


@shared_task(name="appeals.ping")
def ping() -> str:
    """Answers 'pong' from a worker: proves a worker consumes the broker end to end."""
    return "pong"


@shared_task(name="appeals.render_letter", bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=RENDER_RETRIES)
def render_letter(self, letter_id: int) -> str:
    """Render a letter's packet.  Acknowledged only when done, so a worker
    killed half-way leaves the message for another; safe to run twice.  A
    template that cannot render this case fails at once (retrying cannot
    help); anything else (a database blip, WeasyPrint) is retried with
    back-off, and the letter is marked FAILED with the reason after the last try."""
    from appeals.letters.rendering import PermanentRenderError, render_packet
    from appeals.models import Letter

    try:
        return render_packet(letter_id)
    except Letter.DoesNotExist:
        logger.warning("render task for a letter that no longer exists", extra={"letter_id": letter_id})
        return "missing"
    except PermanentRenderError as exc:
        Letter.objects.get(pk=letter_id).fail(str(exc))
        return "failed"
    except Exception as exc:
        # Only the kind of error is logged: a message could quote patient data.
        logger.warning("render failed", extra={"letter_id": letter_id, "error": type(exc).__name__, "try": self.request.retries})
        # Handed back, so the next try does not count it as a render whose worker died.
        Letter.objects.filter(pk=letter_id, status=Letter.Status.RENDERING).update(status=Letter.Status.PENDING)
        if self.request.retries >= self.max_retries:
            Letter.objects.get(pk=letter_id).fail(f"{type(exc).__name__}: {exc}")
            return "failed"
        raise self.retry(exc=exc, countdown=2**self.request.retries) from exc


@shared_task(name="appeals.requeue_stalled_letters")
def requeue_stalled_letters() -> int:
    from appeals.letters.rendering import requeue_stalled

    return requeue_stalled()


@shared_task(name="appeals.purge_patient_data")
def purge_patient_data() -> dict:
    from appeals.retention import purge_due

    report = purge_due()
    return {"cases": report.cases, "letters": report.letters, "files": report.files}


@shared_task(name="appeals.worker_heartbeat", bind=True)
def worker_heartbeat(self) -> None:
    """Records that a worker consumes the queue (read by /healthz); queued
    by beat every WORKER_HEARTBEAT_SECONDS and by each worker as it starts."""
    from appeals.models import WorkerHeartbeat

    WorkerHeartbeat.record(worker=self.request.hostname or "")


@worker_ready.connect
def _sweep_when_a_worker_starts(sender=None, **kwargs) -> None:
    # A worker that starts after another died picks up what that one held,
    # without waiting for the next scheduled sweep; and says it is alive
    # without waiting for beat's next heartbeat.
    try:
        requeue_stalled_letters.delay()
        worker_heartbeat.delay()
    except Exception:  # the worker's own broker connection will report it
        logger.warning("could not queue the stalled-letter sweep and heartbeat at start-up")
