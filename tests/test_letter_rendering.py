"""A letter's life: queued on commit, rendered by the task's logic into an
encrypted PDF and Word file, safe to run twice, FAILED with the reason when
the template cannot render the case, retried from FAILED, and re-queued by
the sweep when its render message was lost."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from appeals.letters.rendering import render_packet
from appeals.letters.tasks import requeue_stalled
from appeals.models import Case, Letter, LetterTemplate
from tests.support.cases import answer_every_step, opened_case
from tests.support.wizard_answers import PATIENT

pytestmark = pytest.mark.django_db


def finished_case(client, **combo) -> Case:
    case, _ = opened_case(**combo)
    answer_every_step(case)
    return Case.objects.get(pk=case.pk)


def prescriber_template(case: Case) -> LetterTemplate:
    return LetterTemplate.objects.get(denial_type=case.denial_type, voice="prescriber", payer=None, plan_type=None)


def test_a_rendered_letter_is_ready_with_an_encrypted_pdf_and_its_template_version(client, demo_catalog):
    case = finished_case(client)
    template = prescriber_template(case)
    letter = Letter.objects.create(case=case, template=template)
    assert render_packet(letter.pk) == Letter.Status.READY
    letter.refresh_from_db()
    assert letter.status == Letter.Status.READY and letter.attempts == 1
    assert letter.template_version == template.history.latest().history_id
    with letter.pdf_file.open("rb") as handle:
        stored = handle.read()
    assert not stored.startswith(b"%PDF") and PATIENT["patient_name"].encode() not in stored
    pdf = letter.pdf_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert PATIENT["patient_name"] in text
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    # The submission's pages, then the office sheet's, which the cover does not count.
    assert f"{letter.page_count} including this cover sheet" in pages[0]
    assert all("Office sheet" not in page for page in pages[: letter.page_count])
    assert pages[letter.page_count :] and all("Office sheet, page" in page for page in pages[letter.page_count :])
    assert PATIENT["patient_name"] in letter.html_snapshot


def test_rendering_twice_renders_once(client, demo_catalog):
    case = finished_case(client)
    letter = Letter.objects.create(case=case, template=prescriber_template(case))
    render_packet(letter.pk)
    first = Letter.objects.get(pk=letter.pk)
    assert render_packet(letter.pk) == Letter.Status.READY
    again = Letter.objects.get(pk=letter.pk)
    assert again.attempts == 1 and again.pdf_file.name == first.pdf_file.name and again.ready_at == first.ready_at


def test_a_template_that_cannot_render_the_case_fails_with_the_reason_and_can_be_retried(client, demo_catalog):
    from appeals.tasks import render_letter

    case = finished_case(client)
    template = prescriber_template(case)
    LetterTemplate.objects.filter(pk=template.pk).update(body="{{ patient.no_such_field }}")
    letter = Letter.objects.create(case=case, template=template)
    assert render_letter.apply(args=[letter.pk]).get() == "failed"
    letter.refresh_from_db()
    assert letter.status == Letter.Status.FAILED
    assert "patient.no_such_field" in letter.failure_reason and not letter.pdf_file

    LetterTemplate.objects.filter(pk=template.pk).update(body="<p>{{ patient.patient_name }}</p>")
    assert letter.retry()
    assert render_letter.apply(args=[letter.pk]).get() == Letter.Status.READY
    letter.refresh_from_db()
    assert letter.status == Letter.Status.READY and letter.attempts == 2 and not letter.failure_reason


def test_the_sweep_requeues_only_letters_whose_lease_ran_out(client, demo_catalog, settings, django_capture_on_commit_callbacks):
    settings.LETTER_RENDER_LEASE_SECONDS = 60
    case = finished_case(client)
    long_ago = timezone.now() - datetime.timedelta(minutes=5)
    lost = Letter.objects.create(case=case, status=Letter.Status.PENDING, queued_at=long_ago)
    dead = Letter.objects.create(case=case, status=Letter.Status.RENDERING, rendering_started_at=long_ago)
    Letter.objects.create(case=case, status=Letter.Status.PENDING, queued_at=timezone.now())
    Letter.objects.create(case=case, status=Letter.Status.RENDERING, rendering_started_at=timezone.now())
    Letter.objects.create(case=case, status=Letter.Status.READY, queued_at=long_ago)
    Letter.objects.create(case=case, status=Letter.Status.FAILED, queued_at=long_ago)
    with django_capture_on_commit_callbacks() as callbacks:
        assert requeue_stalled() == 2
    assert len(callbacks) == 2
    assert set(Letter.objects.stalled()) == set()
    assert Letter.objects.get(pk=dead.pk).status == Letter.Status.PENDING
    assert Letter.objects.get(pk=lost.pk).queued_at > long_ago


def test_staff_are_alerted_without_patient_data_and_retry_from_admin(client, demo_catalog, settings, mailoutbox, admin_client):
    from appeals.tasks import render_letter

    settings.ADMINS = [("Staff", "staff@example.org")]
    case = finished_case(client)
    template = prescriber_template(case)
    LetterTemplate.objects.filter(pk=template.pk).update(body="{{ patient.patient_name }} {{ nope }}")
    letter = Letter.objects.create(case=case, template=template)
    render_letter.apply(args=[letter.pk])
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.FAILED

    changelist = admin_client.get("/admin/appeals/letter/")
    assert changelist.status_code == 200 and PATIENT["patient_name"] not in changelist.content.decode()
    page = admin_client.get(f"/admin/appeals/letter/{letter.pk}/change/")
    assert page.status_code == 200 and "nope" in page.content.decode()

    LetterTemplate.objects.filter(pk=template.pk).update(body="<p>{{ patient.patient_name }}</p>")
    response = admin_client.post("/admin/appeals/letter/", {"action": "retry_failed", "_selected_action": [letter.pk]})
    assert response.status_code == 302
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.PENDING


def test_a_failure_emails_staff_once_the_transaction_commits(
    client, demo_catalog, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ADMINS = [("Staff", "staff@example.org")]
    case = finished_case(client)
    letter = Letter.objects.create(case=case, status=Letter.Status.RENDERING)
    with django_capture_on_commit_callbacks(execute=True):
        assert letter.fail(f"WeasyPrint could not render the page for {PATIENT['patient_name']}")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert f"Letter {letter.pk}" in message.subject and f"/admin/appeals/letter/{letter.pk}/change/" in message.body
    assert PATIENT["patient_name"] not in message.subject + message.body


def test_weasyprint_failing_fails_the_letter_after_its_retries_alerts_staff_tells_the_person_and_admin_retry_works(
    client, demo_catalog, settings, mailoutbox, admin_client, monkeypatch, django_capture_on_commit_callbacks
):
    from appeals.letters import rendering
    from appeals.models import Order
    from appeals.tasks import RENDER_RETRIES, render_letter
    from tests.support.payment_helpers import pay, reviewed_case

    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    settings.ADMINS = [("Staff", "staff@example.org")]
    case, case_url = reviewed_case(client)
    client.post(pay(client, case_url)["Location"], {"pay": ""})
    order = Order.objects.get(case=case)
    calls = []

    def weasyprint_crashes(packet):
        calls.append(1)
        raise OSError("cairo: out of memory")

    monkeypatch.setattr(rendering, "packet_pdf", weasyprint_crashes)
    with django_capture_on_commit_callbacks(execute=True):
        render_letter.apply(args=[order.letter_id])  # eager: its retries run at once
    letter = Letter.objects.get(pk=order.letter_id)
    assert letter.status == Letter.Status.FAILED and len(calls) == RENDER_RETRIES + 1
    assert "OSError" in letter.failure_reason and letter.attempts == RENDER_RETRIES + 1
    alerts = [message for message in mailoutbox if f"Letter {letter.pk}" in message.subject]
    assert len(alerts) == 1 and PATIENT["patient_name"] not in alerts[0].body
    page = client.get(order.status_path()).content.decode()
    assert "Something went wrong" in page and "you do not need to pay again" in page

    monkeypatch.undo()  # WeasyPrint works again
    with django_capture_on_commit_callbacks(execute=False):
        admin_client.post("/admin/appeals/letter/", {"action": "retry_failed", "_selected_action": [letter.pk]})
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.PENDING
    render_letter.apply(args=[letter.pk])
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.READY
    assert "Ready." in client.get(order.status_path()).content.decode()


def test_a_letter_whose_workers_keep_dying_fails_for_staff_instead_of_going_round_for_ever(
    client, demo_catalog, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from appeals.letters.models import MAX_LOST_RENDERS

    settings.ADMINS = [("Staff", "staff@example.org")]
    case = finished_case(client)
    letter = Letter.objects.create(case=case, template=prescriber_template(case))
    for _ in range(MAX_LOST_RENDERS):
        # A worker takes it and dies: the message comes back with the letter still RENDERING.
        assert letter.start_rendering()
        Letter.objects.filter(pk=letter.pk).update(rendering_started_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert not letter.start_rendering()
    letter.refresh_from_db()
    assert letter.status == Letter.Status.FAILED and "stopped while rendering" in letter.failure_reason
    assert len(mailoutbox) == 1
    assert letter.retry() and Letter.objects.get(pk=letter.pk).lost_renders == 0
    assert render_packet(letter.pk) == Letter.Status.READY
