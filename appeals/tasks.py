"""Celery tasks.  Each takes primary keys and keeps its logic in a plain
function elsewhere, so it can be called and tested without a worker."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="appeals.ping")
def ping() -> str:
    """Answers 'pong' from a worker: proves a worker consumes the broker end to end."""
    return "pong"
