"""Letters rendered by real worker processes on the configured broker,
including one killed with SIGKILL in the middle of a render."""

from __future__ import annotations

import io
import os
import signal

import pytest
from pypdf import PdfReader

from appeals.demo.loader import load_demo_catalog
from appeals.letters.tasks import queue_render
from appeals.models import Letter, LetterTemplate
from denialhelp.celery import app as celery_app
from tests.conftest import (
    assert_no_weasyprint_load_failures,
    broker_reachable,
    need,
    start_worker,
    stop_process_group,
    wait_for,
    wait_until_ready,
)
from tests.support.wizard_answers import PATIENT
from tests.test_letter_rendering import finished_case, prescriber_template

pytestmark = [pytest.mark.pipeline, pytest.mark.django_db(transaction=True)]


def test_a_queued_letter_is_rendered_by_a_worker(client, celery_worker):
    load_demo_catalog()
    case = finished_case(client)
    letter = Letter.create_for_case(case, prescriber_template(case))
    queue_render(letter)
    assert wait_for(lambda: Letter.objects.get(pk=letter.pk).status == Letter.Status.READY, timeout=90), celery_worker.log()
    letter.refresh_from_db()
    assert PATIENT["patient_name"] in PdfReader(io.BytesIO(letter.pdf_bytes())).pages[0].extract_text() + letter.html_snapshot


def long_letter_template(case) -> LetterTemplate:
    """A real, long letter (the criteria and treatments restated many times),
    so that a render lasts long enough to be interrupted."""
    body = prescriber_template(case).body
    repeated = "{% for _ in '" + "x" * 15 + "' %}" + body + "{% endfor %}"
    return LetterTemplate.objects.create(
        name="Long letter", denial_type=case.denial_type, voice=LetterTemplate.Voice.PRESCRIBER, body=repeated
    )


def test_a_worker_killed_mid_render_loses_nothing(client, tmp_path):
    need(broker_reachable(), f"the Celery broker at {celery_app.conf.broker_url.split('@')[-1]} does not answer")
    celery_app.control.purge()
    load_demo_catalog()
    case = finished_case(client)
    template = long_letter_template(case)
    # The lease after which a render counts as stalled; longer than one render
    # of the long letter on a busy machine, short enough for a test.
    lease = {"LETTER_RENDER_LEASE_SECONDS": "8", "LETTER_SWEEP_SECONDS": "1"}

    first = start_worker(tmp_path / "first.log", **lease)
    try:
        wait_until_ready(first)
        letter = Letter.create_for_case(case, template)
        queue_render(letter)
        assert wait_for(lambda: Letter.objects.get(pk=letter.pk).status == Letter.Status.RENDERING, timeout=60, interval=0.02), (
            first.log()
        )
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
    finally:
        stop_process_group(first.process)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.RENDERING, "the render finished before the worker was killed"
    assert not letter.pdf_file

    # A new worker, with the periodic sweep (beat) running, finds the stalled letter and renders it.
    second = start_worker(tmp_path / "second.log", "--beat", "--schedule", str(tmp_path / "beat-schedule"), **lease)
    try:
        ready = wait_for(lambda: Letter.objects.get(pk=letter.pk).status == Letter.Status.READY, timeout=180, interval=0.5)
        assert ready, second.log()
    finally:
        stop_process_group(second.process)
    assert_no_weasyprint_load_failures(first.log() + second.log())
    letter.refresh_from_db()
    assert letter.attempts >= 2
    reader = PdfReader(io.BytesIO(letter.pdf_bytes()))
    # The submission's pages, then the office sheet's, which the cover does not count.
    assert len(reader.pages) > letter.page_count > 1
    assert "Office sheet, page 1 of" in reader.pages[letter.page_count].extract_text()
    assert PATIENT["patient_name"] in reader.pages[0].extract_text() + reader.pages[1].extract_text()
