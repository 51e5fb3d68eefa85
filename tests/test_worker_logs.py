"""A real worker logs through the web's logging configuration: patient
values it read are redacted from every line (its own, Celery's and
libraries'), lines are JSON with LOG_FORMAT=json, and each line logged while
a task runs carries the task's id."""

from __future__ import annotations

import json

import pytest

from appeals.demo.loader import load_demo_catalog
from appeals.letters.tasks import queue_render
from appeals.models import Letter, LetterTemplate
from denialhelp.celery import app as celery_app
from tests.conftest import broker_reachable, need, start_worker, stop_process_group, wait_for, wait_until_ready
from tests.support.wizard_answers import PATIENT
from tests.test_letter_rendering import finished_case, prescriber_template

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db(transaction=True)]

PATIENT_VALUES = [PATIENT["patient_name"], PATIENT["member_id"], PATIENT["birth_date"], "04/17/1981"]


@pytest.fixture
def json_worker(tmp_path):
    """A real worker with JSON logs, which also runs tests.support.worker_probe's task."""
    need(broker_reachable(), f"the Celery broker at {celery_app.conf.broker_url.split('@')[-1]} does not answer")
    celery_app.control.purge()
    worker = start_worker(tmp_path / "worker.log", "--include", "tests.support.worker_probe", LOG_FORMAT="json")
    try:
        wait_until_ready(worker)
        yield worker
    finally:
        stop_process_group(worker.process)


def json_lines(log: str) -> list[dict]:
    """The log's JSON lines (Celery prints its start-up banner as plain text, not through logging)."""
    return [json.loads(line) for line in log.splitlines() if line.startswith("{")]


def assert_no_patient_value(log: str) -> None:
    for value in PATIENT_VALUES:
        assert value not in log, f"{value!r} is in the worker log:\n{log[-3000:]}"


def test_a_library_warning_quoting_the_member_id_during_a_render_is_redacted_and_tagged_with_the_task(client, json_worker):
    # The letter's template links an image by the member ID; WeasyPrint cannot
    # load it and logs the URL.
    load_demo_catalog()
    case = finished_case(client)
    body = prescriber_template(case).body + '<img src="https://cards.example.invalid/{{ patient.member_id }}.png">'
    template = LetterTemplate.objects.create(
        name="With a card image", denial_type=case.denial_type, voice=LetterTemplate.Voice.PRESCRIBER, body=body
    )
    letter = Letter.create_for_case(case, template)
    queue_render(letter)
    assert wait_for(lambda: Letter.objects.get(pk=letter.pk).status == Letter.Status.READY, timeout=90), json_worker.log()
    # Celery logs "succeeded" after the task returns, a moment after the letter is saved.
    assert wait_for(lambda: "letter rendered" in json_worker.log() and "] succeeded" in json_worker.log(), timeout=10)

    log = json_worker.log()
    assert_no_patient_value(log)
    lines = json_lines(log)
    image = next(line for line in lines if "Failed to load image" in line["message"])
    assert f"https://cards.example.invalid/{REDACTED}.png" in image["message"]
    assert image["logger"] == "weasyprint" and image["level"] == "ERROR"
    # The task's id is on every line its render logged, Celery's own included.
    task_id = image["request_id"]
    assert task_id != "none"
    of_the_task = [line["message"] for line in lines if line["request_id"] == task_id]
    assert "letter rendered" in of_the_task
    assert any(m.startswith(f"Task appeals.render_letter[{task_id}] succeeded") for m in of_the_task), of_the_task


def test_a_task_failure_quoting_the_member_id_is_redacted_in_celerys_own_lines(client, json_worker):
    from tests.support.worker_probe import look_up_member

    load_demo_catalog()
    case = finished_case(client)
    result = look_up_member.delay(case.pk)
    with pytest.raises(LookupError):
        result.get(timeout=60)
    assert wait_for(lambda: "raised unexpected" in json_worker.log(), timeout=10), json_worker.log()

    log = json_worker.log()
    assert_no_patient_value(log)
    lines = [line for line in json_lines(log) if line["request_id"] == result.id]
    library = next(line for line in lines if line["logger"] == "some.library")
    assert library["message"] == f"no plan record for member {REDACTED}"
    failure = next(line for line in lines if "raised unexpected" in line["message"])
    assert failure["logger"].startswith("celery") and failure["level"] == "ERROR"
    assert f"member {REDACTED} not found" in failure["message"]
    assert f"member {REDACTED} not found" in failure.get("exc_info", "") + failure["message"]


REDACTED = "[redacted]"
