"""The letter's Celery tasks, and the one way to send a letter to a worker.

Each task takes primary keys and keeps its logic in a plain function
(``appeals.letters.rendering``), so it can be called and tested without a
worker.  Task names are explicit and never change: messages already queued
under a name must still find their task after a deploy."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from appeals.letters.models import Letter
from appeals.letters.rendering import PermanentRenderError, render_packet

logger = logging.getLogger(__name__)

RENDER_RETRIES = 3


# ignore_result: the letter's row is the outcome, and nothing reads the task's result.  Storing
# one also made sending the task subscribe to the result backend first, which retries for about
# 20 seconds when Redis is down, holding a paid webhook request that long before it could say
# "not queued, the sweep will retry".
@shared_task(
    name="appeals.render_letter",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=RENDER_RETRIES,
    ignore_result=True,
)
def render_letter(self, letter_id: int) -> str:
    """Render a letter's packet.  Acknowledged only when done, so a worker
    killed half-way leaves the message for another; safe to run twice.  A
    template that cannot render this case fails at once (retrying cannot
    help); anything else (a database blip, WeasyPrint) is retried with
    back-off, and the letter is marked FAILED with the reason after the last try."""
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
        letter = Letter.objects.filter(pk=letter_id).first()
        if letter is not None:
            letter.hand_back()
        if self.request.retries >= self.max_retries:
            Letter.objects.get(pk=letter_id).fail(f"{type(exc).__name__}: {exc}")
            return "failed"
        raise self.retry(exc=exc, countdown=2**self.request.retries) from exc


@shared_task(name="appeals.requeue_stalled_letters")
def requeue_stalled_letters() -> int:
    return requeue_stalled()


def send_render_task(letter_id: int) -> bool:
    """Put the render task on the broker; False (logged, not raised) when the
    broker does not answer, since the letter is safe in the database."""
    try:
        render_letter.apply_async(args=[letter_id], retry=False)
    except Exception as exc:  # kombu raises several kinds for a broker that is down
        logger.warning(
            "render task not queued, the sweep will retry", extra={"letter_id": letter_id, "error": type(exc).__name__}
        )
        return False
    return True


def queue_render(letter: Letter) -> None:
    """Send the render task after the surrounding transaction commits, so a
    worker never looks for a row it cannot see yet.  A broker that does not
    answer loses nothing: the letter stays PENDING and the stalled-letter
    sweep (``requeue_stalled_letters``) sends it again."""
    letter.mark_queued()
    letter_id = letter.pk
    transaction.on_commit(lambda: send_render_task(letter_id))


def requeue_stalled() -> int:
    """Queue again every letter whose render message was lost; returns how many."""
    count = 0
    for letter in Letter.objects.stalled():
        logger.info("re-queueing a stalled letter", extra={"letter_id": letter.pk, "status": letter.status})
        letter.requeue_stalled()
        queue_render(letter)
        count += 1
    return count
