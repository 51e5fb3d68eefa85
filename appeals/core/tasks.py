"""Tasks that prove a worker is alive: the broker round trip and the heartbeat
/healthz reads.  Task names are explicit and never change (queued messages)."""

from __future__ import annotations

import logging

from celery import shared_task

from appeals.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


@shared_task(name="appeals.ping")
def ping() -> str:
    """Answers 'pong' from a worker: proves a worker consumes the broker end to end."""
    return "pong"


@shared_task(name="appeals.worker_heartbeat", bind=True)
def worker_heartbeat(self) -> None:
    """Records that a worker consumes the queue (read by /healthz); queued
    by beat every WORKER_HEARTBEAT_SECONDS and by each worker as it starts."""
    WorkerHeartbeat.record(worker=self.request.hostname or "")
