"""After payment a case is a record: a changed answer makes a new version of the
letter, at no charge, whose PDF shows the change; the earlier version is kept,
listed and labelled; nothing on a page differs silently from the PDF."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from appeals.letters import rendering
from appeals.models import Case, Letter, LetterShare, Order
from tests.support.cases import save_answers
from tests.support.payment_helpers import pay, reviewed_case

pytestmark = pytest.mark.django_db

OLD_CLAIM, NEW_CLAIM = "CLM-2231", "CLM-9900-NEW"


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def paid_case(client, demo_catalog, settings, django_capture_on_commit_callbacks):
    """A case paid on the local payment page, its first letter rendered; the case, its URL and the order."""
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    case, case_url = reviewed_case(client)
    client.post(pay(client, case_url)["Location"], {"pay": ""})
    order = Order.objects.get(case=case)
    with django_capture_on_commit_callbacks(execute=True):
        rendering.render_packet(order.letter_id)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.letter.status == Letter.Status.READY
    return case, case_url, order


def change_claim_number(client, case_url: str, case: Case) -> None:
    plan = case.typed_answers.plan.to_stored()
    data = {key: value for key, value in plan.items() if value not in ("", None, False)}
    data["claim_number"] = NEW_CLAIM
    assert client.post(case_url + "plan/", data)["Location"] == case_url


def test_a_paid_case_changed_afterwards_gets_a_new_version_and_keeps_the_old_one(
    client, paid_case, django_capture_on_commit_callbacks
):
    case, case_url, order = paid_case
    first = order.letter
    assert first.version == 1 and first.matches_answers()

    review = client.get(case_url + "review/").content.decode()
    assert "Continue to payment" not in review and "Version 1 of your letter was made from these answers" in review
    step = client.get(case_url + "plan/").content.decode()
    assert "This case is paid; your letter is version 1." in step

    change_claim_number(client, case_url, case)
    review = client.get(case_url + "review/").content.decode()
    assert "Your answers changed since version 1" in review and "Make version 2 of the letter — no charge" in review
    assert NEW_CLAIM in review  # the review page shows the answer; the letter it offers will too

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(case_url + "review/", {"new_version": "1"})
    assert response["Location"] == order.status_path() and len(queued) == 1
    order.refresh_from_db()
    second = order.letter
    assert second.version == 2 and second.status == Letter.Status.PENDING and second.case_id == case.pk
    assert Order.objects.get(pk=order.pk).amount_cents == order.amount_cents  # no charge

    # While it is made, the first version is still handed out, and the page says so.
    page = client.get(order.status_path()).content.decode()
    assert "Version 2 is being made" in page and "version 1 is below" in page
    assert OLD_CLAIM in pdf_text(client.get(order.status_path() + "pdf/").content)

    with django_capture_on_commit_callbacks(execute=True):
        rendering.render_packet(second.pk)
    page = client.get(order.status_path()).content.decode()
    assert "Ready: version 2, the newest." in page and "Earlier versions" in page and "Version 1, made" in page
    newest = client.get(order.status_path() + "pdf/")
    assert newest["Content-Disposition"] == 'attachment; filename="appeal-packet-v2.pdf"'
    text = pdf_text(newest.content)
    assert NEW_CLAIM in text and OLD_CLAIM not in text
    earlier = client.get(order.status_path() + "v1/pdf/")
    assert earlier.status_code == 200 and earlier["Content-Disposition"] == 'attachment; filename="appeal-packet.pdf"'
    assert OLD_CLAIM in pdf_text(earlier.content) and NEW_CLAIM not in pdf_text(earlier.content)
    assert Letter.objects.get(pk=first.pk).status == Letter.Status.READY  # kept

    # Unchanged answers make nothing: a second click, or the review page after it.
    assert "Version 2 of your letter was made from these answers" in client.get(case_url + "review/").content.decode()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(case_url + "review/", {"new_version": "1"})
    assert not queued and Letter.objects.filter(case=case).count() == 2
    # Versions that do not exist, or a link that does not open the order, find nothing.
    assert client.get(order.status_path() + "v3/pdf/").status_code == 404
    assert client.get(order.status_path() + "v1/zip/").status_code == 404
    assert client.get("/letters/not-a-token/v1/pdf/").status_code == 404


def test_a_share_link_made_for_the_first_version_opens_the_newest(client, paid_case, django_capture_on_commit_callbacks):
    case, case_url, order = paid_case
    share = LetterShare.make(order.letter, days=7)
    change_claim_number(client, case_url, case)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(case_url + "review/", {"new_version": "1"})
    order.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        rendering.render_packet(order.letter_id)
    office = Client()
    page = office.get(share.path()).content.decode()
    assert "Appeal packet to sign" in page and NEW_CLAIM in page
    assert NEW_CLAIM in pdf_text(office.get(share.path() + "pdf/").content)
    # The owner still sees and can revoke the link made for version 1.
    status = client.get(order.status_path()).content.decode()
    assert share.path() in status
    client.post(order.status_path() + f"share/{share.pk}/revoke/")
    assert office.get(share.path()).status_code == 410
    assert share.opens() == 2  # the page and the download, both on version 2


def test_before_payment_the_review_page_still_offers_payment(client, demo_catalog):
    case, case_url = reviewed_case(client)
    page = client.get(case_url + "review/").content.decode()
    assert "Continue to payment" in page and "This case is paid" not in page
    # A stray "new version" post before payment makes no letter: it goes on to payment.
    assert client.post(case_url + "review/", {"new_version": "1"})["Location"] == case_url + "payment/"
    assert not Letter.objects.filter(case=case).exists()


def test_a_purged_case_gets_no_new_version(client, paid_case):
    from appeals.delivery.retention import purge_case

    case, _, order = paid_case
    save_answers(case, "plan", {**case.typed_answers.plan.to_stored(), "claim_number": NEW_CLAIM})
    purge_case(case.pk)
    assert Order.objects.get(pk=order.pk).new_letter_version(None) is None
    assert Letter.objects.filter(case=case).count() == 1


def test_a_changed_letter_is_kept_as_long_as_its_newest_version_says(
    client, paid_case, settings, django_capture_on_commit_callbacks
):
    """Retention counts from the newest version, as the date the letter's page shows does."""
    import datetime

    from django.utils import timezone

    from appeals.delivery.retention import due_cases, purge_on

    settings.RETENTION_DAYS = 90
    case, case_url, order = paid_case
    change_claim_number(client, case_url, case)
    client.post(case_url + "review/", {"new_version": "1"})
    order.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        rendering.render_packet(order.letter_id)
    first = Letter.objects.get(case=case, version=1)
    Letter.objects.filter(pk=first.pk).update(ready_at=timezone.now() - datetime.timedelta(days=91))
    assert case.pk not in set(due_cases().values_list("pk", flat=True))
    assert purge_on(Case.objects.get(pk=case.pk)) > timezone.now() + datetime.timedelta(days=80)
    Letter.objects.filter(case=case).update(ready_at=timezone.now() - datetime.timedelta(days=91))
    assert case.pk in set(due_cases().values_list("pk", flat=True))
