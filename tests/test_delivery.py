"""A paid letter delivered: the status page's downloads and next steps, the
calendar file, the email when it is ready, and every access recorded."""

from __future__ import annotations

import io

import pytest
from docx import Document
from icalendar import Calendar
from pypdf import PdfReader

from appeals.models import LetterAccess, Order
from tests.support.payment_helpers import pay, reviewed_case
from tests.support.wizard_answers import PATIENT

pytestmark = pytest.mark.django_db


def test_before_the_letter_is_ready_there_is_nothing_to_download(client, demo_catalog, settings):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    case, case_url = reviewed_case(client)
    client.post(pay(client, case_url)["Location"], {"pay": ""})
    order = Order.objects.get(case=case)
    page = client.get(order.status_path())
    assert "Download the PDF" not in page.content.decode() and 'http-equiv="refresh"' in page.content.decode()
    assert client.get(order.status_path() + "pdf/").status_code == 404
    assert client.get(order.status_path() + "deadlines.ics").status_code == 404


def test_the_ready_page_offers_both_files_and_says_who_signs_where_to_send_and_what_to_enclose(client, paid_letter):
    page = client.get(paid_letter.status_path()).content.decode()
    assert "Download the PDF packet" in page and "Download the letter as Word" in page
    assert 'http-equiv="refresh"' not in page
    payer = paid_letter.case.payer
    assert "The prescriber reads the letter, signs and dates it" in page
    assert f"Send it to {payer.name}" in page and payer.appeals_fax in page
    for item in paid_letter.case.denial_type.enclosure_list():
        assert item in page
    assert "Dates to keep" in page and "deadlines.ics" in page


def test_downloads_are_the_letters_files_named_without_patient_data(client, paid_letter):
    pdf = client.get(paid_letter.status_path() + "pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="appeal-packet.pdf"'
    assert "no-store" in pdf["Cache-Control"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert PATIENT["patient_name"] in text and PATIENT["member_id"] in text

    docx = client.get(paid_letter.status_path() + "docx/")
    assert docx.status_code == 200 and docx["Content-Disposition"] == 'attachment; filename="appeal-letter.docx"'
    document = Document(io.BytesIO(docx.content))
    assert any(PATIENT["patient_name"] in paragraph.text for paragraph in document.paragraphs)
    assert client.get(paid_letter.status_path() + "exe/").status_code == 404


def test_the_calendar_has_each_dated_deadline_with_reminders_and_no_patient_data(client, paid_letter):
    response = client.get(paid_letter.status_path() + "deadlines.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert events and all(str(event["SUMMARY"]).startswith("Appeal: ") for event in events)
    filing = next(event for event in events if "File the appeal" in str(event["SUMMARY"]))
    assert len(list(filing.walk("VALARM"))) == 2
    body = response.content.decode()
    for secret in (PATIENT["patient_name"], PATIENT["member_id"], paid_letter.case.drug.name):
        assert secret not in body


def test_the_ready_email_links_the_status_page_and_names_no_patient(paid_letter, mailoutbox):
    ready = [message for message in mailoutbox if "is ready" in message.subject]
    assert len(ready) == 1
    message = ready[0]
    assert message.to == [PATIENT["email"]] and paid_letter.status_path() in message.body
    for secret in (PATIENT["patient_name"], PATIENT["member_id"], paid_letter.case.drug.name, paid_letter.case.payer.name):
        assert secret not in message.subject + message.body


def test_every_access_is_recorded(client, paid_letter):
    client.get(paid_letter.status_path())
    client.get(paid_letter.status_path() + "pdf/")
    client.get(paid_letter.status_path() + "docx/")
    client.get(paid_letter.status_path() + "deadlines.ics")
    accesses = LetterAccess.objects.filter(letter=paid_letter.letter)
    assert sorted(accesses.values_list("what", flat=True)) == ["docx", "ics", "page", "pdf"]
    assert set(accesses.values_list("who", flat=True)) == {"owner"}


def test_another_orders_token_or_a_guess_opens_nothing(client, paid_letter):
    assert client.get("/letters/not-a-real-token/pdf/").status_code == 404
    assert client.get("/letters/" + "A" * 43 + "/pdf/").status_code == 404


def test_staff_downloads_are_recorded_with_who_took_them(admin_client, admin_user, paid_letter):
    letter = paid_letter.letter
    page = admin_client.get(f"/admin/appeals/letter/{letter.pk}/change/").content.decode()
    assert f"/admin/appeals/letter/{letter.pk}/file/pdf/" in page
    response = admin_client.get(f"/admin/appeals/letter/{letter.pk}/file/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    access = LetterAccess.objects.get(letter=letter, who="staff", what="pdf")
    assert access.what == "pdf" and access.user == admin_user


def test_downloads_in_admin_need_a_staff_login(client, paid_letter):
    response = client.get(f"/admin/appeals/letter/{paid_letter.letter.pk}/file/pdf/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not LetterAccess.objects.filter(who="staff").exists()


def test_the_status_page_the_shared_page_and_the_calendar_give_the_same_dates(client, paid_letter):
    # The dates shown to the person are one rule (appeals.delivery.status.patient_deadlines).
    from appeals.delivery.status import patient_deadlines
    from tests.test_share_links import make_share

    deadlines, deadlines_for = patient_deadlines(paid_letter.case)
    assert deadlines and deadlines_for
    assert client.get(paid_letter.status_path()).context["next"]["deadlines"] == deadlines
    assert client.__class__().get(make_share(client, paid_letter)).context["next"]["deadlines"] == deadlines
    calendar = Calendar.from_ical(client.get(paid_letter.status_path() + "deadlines.ics").content)
    # The calendar holds only real dates: none counted from an assumed start or a decision not yet known.
    dated = [d.target for d in deadlines if d.target and not d.assumed_start]
    assert dated and sorted(event["DTSTART"].dt for event in calendar.walk("VEVENT")) == sorted(dated)
