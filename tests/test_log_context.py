"""The pieces that make worker log lines safe and traceable, in process: the
task id on each line, patient strings dropped when a task ends, and nested
``extra`` values (Celery's task outcome) redacted."""

from __future__ import annotations

import json
import logging

from celery.signals import task_postrun, task_prerun

from appeals.core import phi
from appeals.core.log_context import RequestOrTaskIDFilter
from denialhelp.celery import app as celery_app
from tests.support.wizard_answers import PATIENT


def tagged_record() -> logging.LogRecord:
    record = logging.LogRecord("some.library", logging.INFO, __file__, 1, "message", (), None)
    RequestOrTaskIDFilter().filter(record)
    return record


@celery_app.task(name="tests.log_context.request_id_inside")
def request_id_inside() -> str:
    return tagged_record().request_id


def test_a_line_logged_inside_a_task_carries_the_task_id_and_outside_none():
    assert request_id_inside.apply(task_id="task-0123").get() == "task-0123"
    assert tagged_record().request_id == "none"


def test_patient_strings_read_in_a_task_are_forgotten_when_it_ends():
    task_prerun.send(sender=None, task_id="t", task=None, args=(), kwargs={})
    phi.remember({"patient": {"member_id": PATIENT["member_id"]}})
    assert phi.redact(f"member {PATIENT['member_id']}") == "member [redacted]"
    task_postrun.send(sender=None, task_id="t", task=None, args=(), kwargs={}, retval=None, state="SUCCESS")
    assert phi.redact(f"member {PATIENT['member_id']}") == f"member {PATIENT['member_id']}"


def test_nested_extra_values_are_redacted_in_json_lines():
    phi.forget()
    phi.remember({"patient": {"member_id": PATIENT["member_id"], "patient_name": PATIENT["patient_name"]}})
    try:
        record = logging.LogRecord("celery.app.trace", logging.ERROR, __file__, 1, "Task failed", (), None)
        record.data = {
            "exc": f"LookupError('member {PATIENT['member_id']}')",
            "args": [f"({PATIENT['patient_name']!r},)", 7],
            "runtime": 0.5,
        }
        phi.PatientDataFilter().filter(record)
        line = phi.PatientSafeJsonFormatter("%(levelname)s %(message)s").format(record)
    finally:
        phi.forget()
    assert PATIENT["member_id"] not in line and PATIENT["patient_name"] not in line
    data = json.loads(line)["data"]
    assert data == {"exc": "LookupError('member [redacted]')", "args": ["('[redacted]',)", 7], "runtime": 0.5}
