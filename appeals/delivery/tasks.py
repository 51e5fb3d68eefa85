"""The retention sweep as a Celery task (name explicit and stable: queued messages)."""

from __future__ import annotations

from celery import shared_task

from appeals.delivery.retention import purge_due


@shared_task(name="appeals.purge_patient_data")
def purge_patient_data() -> dict:
    report = purge_due()
    return {"cases": report.cases, "letters": report.letters, "files": report.files}
