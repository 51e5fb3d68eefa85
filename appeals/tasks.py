"""Every Celery task of the app, for the worker's autodiscovery (which imports
``appeals.tasks``).  Each task lives on its floor; this top-floor module only
gathers them, and starts a worker's first sweep and heartbeat."""

from __future__ import annotations

import logging

from celery.signals import worker_ready

from appeals.core.tasks import ping, worker_heartbeat
from appeals.delivery.tasks import purge_patient_data
from appeals.letters.tasks import RENDER_RETRIES, render_letter, requeue_stalled_letters
from appeals.tracking.tasks import send_reminders

__all__ = [
    "RENDER_RETRIES",
    "ping",
    "purge_patient_data",
    "render_letter",
    "requeue_stalled_letters",
    "send_reminders",
    "worker_heartbeat",
]

logger = logging.getLogger(__name__)


@worker_ready.connect
def _sweep_when_a_worker_starts(sender=None, **kwargs) -> None:
    # A worker that starts after another died picks up what that one held,
    # without waiting for the next scheduled sweep; and says it is alive
    # without waiting for beat's next heartbeat.
    try:
        requeue_stalled_letters.delay()
        worker_heartbeat.delay()
        # Reminders due while no worker ran go out now (each is claimed once: never twice).
        send_reminders.delay()
    except Exception:  # the worker's own broker connection will report it
        logger.warning("could not queue the stalled-letter sweep and heartbeat at start-up")
