"""Reminders sent by a real worker running beat: a late decision is emailed once; the
worker is killed and another started, and nothing is sent again, while a reminder that
fell due while no worker ran goes out once from the new one."""

from __future__ import annotations

import datetime
import os
import signal
from pathlib import Path

import pytest
from django.utils import timezone

from appeals.demo.loader import load_demo_catalog
from appeals.models import Reminder
from appeals.tracking import services
from denialhelp.celery import app as celery_app
from tests.conftest import broker_reachable, need, start_worker, stop_process_group, wait_for
from tests.support.tracked import ERISA, PART_D, paid_tracked_case

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db(transaction=True)]

LATE = "Subject: Your appeal: the plan's decision is late"


def emails(directory: Path) -> list[str]:
    return [path.read_text(errors="replace") for path in sorted(directory.glob("*.log"))]


def late_case(client, settings, capture, combo):
    """A paid case whose request went by fax 40 days ago: every demo plan's decision is late now."""
    order = paid_tracked_case(client, settings, capture, combo, notice_days_ago=60)
    services.mark_sent(order.case, sent_on=timezone.localdate() - datetime.timedelta(days=40), how="fax", received_on=None)
    return order


def test_reminders_survive_a_worker_restart_and_are_never_sent_twice(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    need(broker_reachable(), f"the Celery broker at {celery_app.conf.broker_url.split('@')[-1]} does not answer")
    celery_app.control.purge()
    load_demo_catalog()
    outbox = tmp_path / "mail"
    outbox.mkdir()
    sweep = {"REMINDER_SWEEP_SECONDS": "1", "TEST_EMAIL_DIR": str(outbox)}
    first_case = late_case(client, settings, django_capture_on_commit_callbacks, ERISA)

    first = start_worker(tmp_path / "first.log", "--beat", "--schedule", str(tmp_path / "beat-1"), **sweep)
    try:
        assert wait_for(lambda: Reminder.objects.filter(sent_at__isnull=False).exists(), timeout=90), first.log()
        # Several more sweeps run (one a second); the claim keeps each from sending again.
        assert wait_for(lambda: first.log().count("appeals.send_reminders") >= 8, timeout=60), first.log()
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
    finally:
        stop_process_group(first.process)
    assert sum(LATE in text for text in emails(outbox)) == 1

    # While no worker runs, another case's decision falls late.
    second_case = late_case(client, settings, django_capture_on_commit_callbacks, PART_D)
    second = start_worker(tmp_path / "second.log", "--beat", "--schedule", str(tmp_path / "beat-2"), **sweep)
    try:
        sent_both = lambda: Reminder.objects.filter(sent_at__isnull=False).count() == 2  # noqa: E731
        assert wait_for(sent_both, timeout=90), second.log()
        assert wait_for(lambda: second.log().count("appeals.send_reminders") >= 8, timeout=60), second.log()
    finally:
        stop_process_group(second.process)

    texts = emails(outbox)
    assert sum(LATE in text for text in texts) == 2
    assert {reminder.case_id for reminder in Reminder.objects.all()} == {first_case.case_id, second_case.case_id}
    for text in texts:
        assert "Maria" not in text and "anifrolumab" not in text.lower() and "baricitinib" not in text.lower()
