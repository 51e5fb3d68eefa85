"""The reminder sweep, run by Celery beat and when a worker starts."""

from __future__ import annotations

from celery import shared_task

from appeals.tracking.reminders import send_due_reminders


@shared_task(name="appeals.send_reminders", ignore_result=True)
def send_reminders() -> int:
    return send_due_reminders()
