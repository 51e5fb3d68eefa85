"""A task only the worker-log tests load (`celery worker --include
tests.support.worker_probe`): it reads a case the way the app's tasks do, then logs
and fails the way a library might, quoting the member ID."""

from __future__ import annotations

import logging

from celery import shared_task


@shared_task(name="tests.look_up_member")
def look_up_member(case_id: int) -> None:
    from appeals.models import Case

    member_id = Case.objects.get(pk=case_id).answers["patient"]["member_id"]
    logging.getLogger("some.library").warning("no plan record for member %s", member_id)
    raise LookupError(f"member {member_id} not found")
