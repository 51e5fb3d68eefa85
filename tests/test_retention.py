"""Retention: patient data deleted a set time after delivery, or when an
unpaid case's link expires; orders keep their money and dates."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format

from appeals.delivery.retention import purge_due, purge_on
from appeals.intake.answers import PatientAnswers
from appeals.models import Case, Letter, LetterShare, Order
from appeals.tasks import purge_patient_data
from tests.support.payment_helpers import pay, reviewed_case
from tests.support.wizard_answers import PATIENT

pytestmark = pytest.mark.django_db


def age_delivery(order: Order, days: float) -> None:
    Letter.objects.filter(pk=order.letter_id).update(ready_at=timezone.now() - datetime.timedelta(days=days))


def raw_case_row(case: Case) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers_encrypted FROM appeals_case WHERE id = %s", [case.pk])
        return cursor.fetchone()[0]


def test_a_delivered_case_is_kept_until_the_retention_period_ends(client, paid_letter, settings):
    settings.RETENTION_DAYS = 90
    letter = paid_letter.letter
    expected = letter.ready_at + datetime.timedelta(days=90)
    assert purge_on(paid_letter.case) == expected
    page = client.get(paid_letter.status_path()).content.decode()
    assert f"these files on <strong>{date_format(timezone.localtime(expected), 'F j, Y')}</strong>" in page
    age_delivery(paid_letter, 89)
    assert purge_due().cases == 0
    assert Case.objects.get(pk=paid_letter.case_id).answers["patient"]["patient_name"] == PATIENT["patient_name"]


def test_after_the_retention_period_the_patient_data_and_files_are_gone_and_the_money_stays(client, paid_letter, settings):
    settings.RETENTION_DAYS = 90
    letter = paid_letter.letter
    share = LetterShare.make(letter, days=30)
    pdf_name, docx_name, storage = letter.pdf_file.name, letter.docx_file.name, letter.pdf_file.storage
    assert storage.exists(pdf_name) and storage.exists(docx_name)
    age_delivery(paid_letter, 91)

    report = purge_due()
    assert (report.cases, report.letters, report.files) == (1, 1, 2)
    assert not storage.exists(pdf_name) and not storage.exists(docx_name)

    case = Case.objects.get(pk=paid_letter.case_id)
    assert case.answers == {} and case.purged_at is not None and case.expires_at <= timezone.now()
    assert PATIENT["patient_name"] not in raw_case_row(case)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.PURGED and not letter.html_snapshot and not letter.pdf_file
    assert not LetterShare.objects.filter(pk=share.pk).exists()

    order = Order.objects.get(pk=paid_letter.pk)
    assert not order.email and order.email_digest == paid_letter.email_digest  # SEO25 stays first-letter-only
    assert (order.amount_cents, order.discount_cents, order.status) == (3000, 1000, Order.Status.PAID)
    assert order.paid_at == paid_letter.paid_at

    page = client.get(paid_letter.status_path())
    assert page.status_code == 200 and "were deleted on" in page.content.decode()
    assert PATIENT["patient_name"] not in page.content.decode()
    assert client.get(paid_letter.status_path() + "pdf/").status_code == 404
    assert client.get(share.path()).status_code == 404
    assert purge_on(case) is None


def test_purging_twice_does_nothing_more(paid_letter, settings):
    settings.RETENTION_DAYS = 1
    age_delivery(paid_letter, 2)
    assert purge_due().cases == 1
    assert purge_due().cases == 0


def test_an_unpaid_case_is_deleted_when_its_link_expires_and_not_before(client, demo_catalog):
    case, case_url = reviewed_case(client)
    assert purge_on(case) == case.expires_at
    assert purge_due().cases == 0
    Case.objects.filter(pk=case.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert purge_due().cases == 1
    assert Case.objects.get(pk=case.pk).answers == {}
    assert client.get(case_url).status_code == 404


def test_a_paid_case_whose_letter_is_not_delivered_is_kept(client, demo_catalog, settings):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    settings.RETENTION_DAYS = 1
    case, case_url = reviewed_case(client)
    client.post(pay(client, case_url)["Location"], {"pay": ""})
    order = Order.objects.get(case=case)
    Letter.objects.filter(pk=order.letter_id).update(status=Letter.Status.FAILED)
    Case.objects.filter(pk=case.pk).update(expires_at=timezone.now() - datetime.timedelta(days=400))
    assert purge_on(Case.objects.get(pk=case.pk)) is None
    assert purge_due().cases == 0
    assert Case.objects.get(pk=case.pk).answers != {}


def test_the_beat_task_purges_and_is_scheduled(paid_letter, settings):
    assert any(entry["task"] == "appeals.purge_patient_data" for entry in settings.CELERY_BEAT_SCHEDULE.values())
    settings.RETENTION_DAYS = 1
    age_delivery(paid_letter, 2)
    assert purge_patient_data.apply().get() == {"cases": 1, "letters": 1, "files": 2}


def test_staff_see_when_each_case_is_purged_without_patient_data(admin_client, paid_letter, settings):
    settings.RETENTION_DAYS = 90
    expected = date_format(timezone.localtime(paid_letter.letter.ready_at + datetime.timedelta(days=90)), "M j, Y")
    listing = admin_client.get("/admin/appeals/case/").content.decode()
    assert "Patient data deleted on" in listing and expected in listing
    assert PATIENT["patient_name"] not in listing
    detail = admin_client.get(f"/admin/appeals/case/{paid_letter.case_id}/change/").content.decode()
    assert expected in detail and PATIENT["patient_name"] not in detail


@pytest.mark.parametrize(
    ("delivered_utc", "shown"),
    [
        # 23:30 in New York is already the next day in UTC: the page and admin say the New York day.
        (datetime.datetime(2027, 3, 14, 3, 30, tzinfo=datetime.UTC), ("June 11, 2027", "Jun 11, 2027")),
        (datetime.datetime(2027, 3, 14, 16, 0, tzinfo=datetime.UTC), ("June 12, 2027", "Jun 12, 2027")),
    ],
)
def test_the_purge_date_is_the_day_in_new_york(client, admin_client, paid_letter, settings, delivered_utc, shown):
    settings.RETENTION_DAYS = 90
    Letter.objects.filter(pk=paid_letter.letter_id).update(ready_at=delivered_utc)
    page = client.get(paid_letter.status_path()).content.decode()
    assert f"these files on <strong>{shown[0]}</strong>" in page
    detail = admin_client.get(f"/admin/appeals/case/{paid_letter.case_id}/change/").content.decode()
    assert shown[1] in detail


def test_a_step_saved_after_the_purge_does_not_write_the_answers_back(client, demo_catalog):
    case, _ = reviewed_case(client)
    stale = Case.objects.get(pk=case.pk)  # read by a request before the purge
    Case.objects.filter(pk=case.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert purge_due().cases == 1
    stale.save_step("patient", PatientAnswers(patient_name=PATIENT["patient_name"]))
    assert Case.objects.get(pk=case.pk).answers == {}
    assert PATIENT["patient_name"] not in raw_case_row(case)


def test_a_purged_case_cannot_be_paid_and_a_late_payment_goes_to_staff(client, demo_catalog, settings):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    case, case_url = reviewed_case(client)
    local_page = pay(client, case_url)["Location"]
    order = Order.objects.get(case=case)
    Case.objects.filter(pk=case.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert purge_due().cases == 1
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED  # its open order is closed with it

    page = client.get(order.status_path()).content.decode()
    assert "Pay $30" not in page
    refused = client.post(order.status_path() + "pay/", follow=True)
    assert "can no longer be paid for" in refused.content.decode()
    assert not order.reopen()

    # A payment that arrives anyway (a Stripe session paid at the last moment) is not turned into an empty letter.
    assert not order.mark_paid(provider=Order.Provider.STRIPE, amount_cents=3000, currency="usd")
    order.refresh_from_db()
    assert order.status == Order.Status.REVIEW and "deleted" in order.problem and order.letter is None
    assert client.post(local_page, {"pay": ""}).status_code in (302, 404)
    assert not Letter.objects.filter(case=case).exists()
