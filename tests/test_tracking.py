"""After the letter: marking it sent, the plan's answer, the call log, the reminders
(each once, none with patient details, stopped in one click), the next level's
packet made from the case, closing with an outcome, keeping the case while the
appeal runs, and the timeline deleted with the case."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from appeals.delivery.retention import due_cases, purge_case, purge_on
from appeals.models import Letter, Order, Outcome, PlanType, Reminder, Track, TrackEvent
from appeals.tracking import reminders, services
from appeals.tracking.lateness import late_decision
from appeals.tracking.reminders import send_due_reminders, stop_path
from tests.support.tracked import ERISA, MEDICAID, PART_D, paid_tracked_case, render_newest
from tests.support.wizard_answers import PATIENT

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def tracked(client, settings, demo_catalog, django_capture_on_commit_callbacks):
    def make(combo=ERISA, **kwargs):
        return paid_tracked_case(client, settings, django_capture_on_commit_callbacks, combo, **kwargs)

    return make


def post(client, order, action: str, data: dict, **extra):
    return client.post(f"{order.status_path()}track/{action}/", data, **extra)


def reminder_emails():
    return [m for m in mail.outbox if m.subject.startswith("Your appeal:")]


def test_the_status_page_shows_the_timeline_and_asks_whether_it_was_sent(client, tracked):
    order = tracked()
    page = client.get(order.status_path()).content.decode()
    assert "Track your appeal" in page and "Mark it sent" in page
    assert "Letter ready (version 1)" in page
    assert "Send it" in page  # the filing window, with its rule


def test_sent_by_fax_dates_the_plans_decision_from_that_day(client, tracked):
    order = tracked(ERISA)
    response = post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    assert response.status_code == 302
    case = order.case
    case.refresh_from_db()
    assert case.appeal_received_on == day(0)
    track = Track.objects.get(case=case)
    assert (track.sent_on, track.sent_how) == (day(0), "fax")
    page = client.get(order.status_path()).content.decode()
    assert "Decision due from the plan" in page
    # ERISA's pre-service appeal: 30 days from receipt (29 CFR 2560.503-1(i)(2)(ii)).
    due = day(30)
    assert f"Due by {due:%B} {due.day}, {due.year}" in page


def test_sent_by_mail_without_a_delivery_date_gives_no_date_it_cannot_know(client, tracked):
    order = tracked(ERISA)
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "mail"})
    order.case.refresh_from_db()
    assert order.case.appeal_received_on is None
    page = client.get(order.status_path()).content.decode()
    assert "Enter the date it arrived to date it" in page


def test_a_date_in_the_future_is_refused_and_what_was_typed_is_kept(client, tracked):
    order = tracked()
    response = post(client, order, "sent", {"sent_on": day(3).isoformat(), "how": "mail", "received_on": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "That date is in the future" in page
    assert f'value="{day(3).isoformat()}"' in page
    assert not Track.objects.filter(case=order.case, sent_on__isnull=False).exists()


def test_a_request_cannot_have_been_sent_before_its_letter_was_ready(client, tracked):
    order = tracked()
    response = post(client, order, "sent", {"sent_on": day(-1).isoformat(), "how": "fax"})
    assert response.status_code == 400
    assert "before the day this letter was ready" in response.content.decode()


def test_an_answer_dated_before_the_request_was_sent_is_refused(client, tracked):
    order = tracked()
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    response = post(client, order, "answer", {"answer": "upheld", "decided_on": day(-5).isoformat()})
    assert response.status_code == 400
    assert "before the day the request was sent" in response.content.decode()


def test_the_decision_reminder_is_sent_once_and_names_no_patient(client, tracked):
    order = tracked(ERISA, notice_days_ago=60)
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    mail.outbox.clear()
    assert send_due_reminders(today=day(29)) == 1  # due soon
    assert send_due_reminders(today=day(31)) == 1  # late
    assert send_due_reminders(today=day(31)) == 0  # a second sweep finds the claim
    assert send_due_reminders(today=day(32)) == 0  # late is said once
    message = reminder_emails()[-1]
    assert [m.subject for m in reminder_emails()] == [
        "Your appeal: the plan's decision is due soon",
        "Your appeal: the plan's decision is late",
    ]
    body = message.body
    for detail in (PATIENT["patient_name"], "anifrolumab", "Saphnelo", "Cigna", PATIENT["member_id"]):
        assert detail.lower() not in (body + message.subject).lower(), detail
    # What lateness means for this plan type, with its provision, and the stop link.
    assert "deemed exhaustion" in body and "29 CFR 2560.503-1(l)(1)" in body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert stop_path(order.case) in message.extra_headers["List-Unsubscribe"]
    assert Reminder.objects.filter(case=order.case, sent_at__isnull=False).count() == 2


def test_a_filing_window_a_week_away_reminds_and_a_far_one_does_not(client, tracked):
    far = tracked(ERISA, notice_days_ago=10)  # 180 days to appeal: nothing to say yet
    near = tracked(ERISA, notice_days_ago=176)
    mail.outbox.clear()
    assert send_due_reminders() == 1
    (message,) = reminder_emails()
    assert message.to == [near.email]
    assert Reminder.objects.get().case == near.case
    assert not Reminder.objects.filter(case=far.case).exists()


def test_a_failed_send_is_tried_again_on_the_next_sweep(client, tracked, monkeypatch):
    tracked(ERISA, notice_days_ago=176)
    mail.outbox.clear()

    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", broken)
        assert send_due_reminders() == 0
    assert not Reminder.objects.exists()
    assert send_due_reminders() == 1


def test_the_stop_link_asks_first_then_stops_in_one_click(client, tracked):
    order = tracked(ERISA, notice_days_ago=176)
    path = stop_path(order.case)
    assert "Stop the reminders" in client.get(path).content.decode()
    assert Track.of(order.case).reminders_on  # a link scanner's GET stops nothing
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Reminders stopped" in response.content.decode()
    mail.outbox.clear()
    assert send_due_reminders() == 0
    assert client.get("/reminders/stop/forged-token/").status_code == 404


def test_upheld_makes_the_next_level_packet_at_no_charge(client, tracked, django_capture_on_commit_callbacks):
    order = tracked(PART_D, notice_days_ago=30)
    paid = order.amount_cents
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    post(client, order, "answer", {"answer": "upheld", "decided_on": day(0).isoformat()})
    page = client.get(order.status_path()).content.decode()
    assert "Request for reconsideration by the Part D Independent Review Entity" in page
    assert client.post(f"{order.status_path()}track/next/")["Location"].endswith("#letter-title")
    order = render_newest(order, django_capture_on_commit_callbacks)
    assert order.letter.version == 2 and order.letter.status == Letter.Status.READY
    assert order.amount_cents == paid and order.case.orders.count() == 1  # nothing more was charged
    plan = order.case.typed_answers.plan
    assert (plan.stage, plan.notice_date) == ("appeal_denied", day(0))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(order.letter.pdf_bytes())).pages)
    assert "Independent Review Entity" in text and "423.600" in text
    track = Track.objects.get(case=order.case)
    assert (track.level, track.answer, track.sent_on) == (2, "", None)
    # The timeline keeps level 1's history.
    assert list(track.events.values_list("kind", flat=True)) == ["sent", "answered", "next_level"]
    # A second click makes nothing more.
    assert client.post(f"{order.status_path()}track/next/").status_code == 302
    assert Letter.objects.filter(case=order.case).count() == 2


def test_an_erisa_answer_that_ends_internal_appeals_leads_to_external_review(client, tracked, django_capture_on_commit_callbacks):
    order = tracked(ERISA, notice_days_ago=30)
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "portal"})
    assert "internal appeals are over" in client.get(order.status_path()).content.decode()
    post(client, order, "answer", {"answer": "upheld", "decided_on": day(0).isoformat(), "final": "on"})
    client.post(f"{order.status_path()}track/next/")
    order = render_newest(order, django_capture_on_commit_callbacks)
    assert order.case.typed_answers.plan.stage == "final_internal_denial"


def test_next_level_without_an_upheld_answer_is_refused(client, tracked):
    order = tracked()
    response = client.post(f"{order.status_path()}track/next/", follow=True)
    assert "Record the plan" in response.content.decode()
    assert Letter.objects.filter(case=order.case).count() == 1


def test_an_approval_closes_the_case_and_keeps_an_outcome_without_patient_data(client, tracked):
    order = tracked(MEDICAID)
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    post(client, order, "answer", {"answer": "approved", "decided_on": day(0).isoformat()})
    track = Track.objects.get(case=order.case)
    assert track.is_closed
    outcome = Outcome.objects.get(case=order.case)
    assert (outcome.result, outcome.level, outcome.plan_type.slug) == ("approved", 1, "medicaid-managed-care")
    assert outcome.year == timezone.now().year
    mail.outbox.clear()
    assert send_due_reminders() == 0  # a closed case is reminded of nothing
    purge_case(order.case_id)
    assert Outcome.objects.filter(pk=outcome.pk).exists()


def test_a_call_is_logged_encrypted_and_shown_on_the_timeline(client, tracked):
    order = tracked()
    post(
        client,
        order,
        "call",
        {"called_on": day(-1).isoformat(), "who": "Dana in appeals", "reference": "REF-88123", "said": "Received; under review."},
    )
    event = TrackEvent.objects.get(kind="call")
    with connection.cursor() as cursor:
        cursor.execute("SELECT details_encrypted FROM appeals_trackevent WHERE id = %s", [event.pk])
        (stored,) = cursor.fetchone()
    assert "REF-88123" not in stored and "Dana" not in stored
    assert event.details["reference"] == "REF-88123"
    page = client.get(order.status_path()).content.decode()
    assert "Call with Dana in appeals" in page and "Reference REF-88123." in page


def test_a_receipt_upload_is_kept_encrypted_and_handed_back(client, tracked):
    order = tracked()
    receipt = SimpleUploadedFile("fax-confirmation.pdf", b"%PDF-1.4 confirmation", content_type="application/pdf")
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax", "attachment": receipt})
    event = TrackEvent.objects.get(kind="sent")
    with event.attachment.open("rb") as handle:
        assert b"confirmation" not in handle.read()
    response = client.get(f"{order.status_path()}track/file/{event.pk}/")
    assert response.content == b"%PDF-1.4 confirmation"
    assert client.get(f"{order.status_path()}track/file/{event.pk + 999}/").status_code == 404


def test_keeping_the_case_while_the_appeal_runs_moves_its_deletion(client, tracked):
    order = tracked()
    case = order.case
    usual = purge_on(case)
    post(client, order, "keep", {"keep": "on"})
    case.refresh_from_db()
    assert purge_on(case) > usual
    later = timezone.now() + datetime.timedelta(days=200)
    assert case not in due_cases(later)
    assert case in due_cases(timezone.now() + datetime.timedelta(days=400))


def test_the_timeline_is_deleted_with_the_case(client, tracked):
    order = tracked()
    post(client, order, "call", {"called_on": day(-1).isoformat(), "who": "Dana", "reference": "", "said": ""})
    purge_case(order.case_id)
    assert not TrackEvent.objects.filter(track__case=order.case).exists()


def test_reminders_need_a_ready_letter(client, tracked):
    order = tracked(ERISA, notice_days_ago=176)
    Letter.objects.filter(pk=order.letter_id).update(status=Letter.Status.FAILED)
    assert reminders.send_due_reminders() == 0


def test_the_calendar_gets_the_plans_decision_date_once_the_letter_is_sent(client, tracked):
    order = tracked(ERISA)
    before = client.get(order.status_path() + "deadlines.ics").content.decode()
    assert "The plan must decide" not in before  # counted from an assumed day: never in a calendar
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    after = client.get(order.status_path() + "deadlines.ics").content.decode()
    assert "The plan must decide" in after and day(30).strftime("%Y%m%d") in after


def test_the_offices_share_page_shows_the_timeline_without_the_forms(client, tracked):
    from appeals.delivery.models import LetterShare

    order = tracked()
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    share = LetterShare.make(order.letter, days=7, label="office")
    page = client.get(share.path()).content.decode()
    assert "Track your appeal" in page and "Sent (fax)" in page
    assert "Record the answer" not in page and "track/" not in page


# --- What the review of the first version found ------------------------------------


def test_an_erisa_second_level_appeal_gets_no_external_review_window(client, tracked):
    order = tracked(ERISA)
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    post(client, order, "answer", {"answer": "upheld", "decided_on": day(0).isoformat()})
    page = client.get(order.status_path()).content.decode()
    assert "Next: Second-level appeal" in page
    # The plan's letter gives a second level's window; the external review's rule is not the one.
    assert "2590.715-2719(d)(2)(i)" not in page.split('id="track-title"')[1]


def test_after_a_final_erisa_answer_the_external_review_window_counts_from_it(client, tracked):
    order = tracked(ERISA)
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    post(client, order, "answer", {"answer": "upheld", "decided_on": day(0).isoformat(), "final": "on"})
    tracking = client.get(order.status_path()).content.decode().split('id="track-title"')[1]
    assert "Next: Request for external review" in tracking and "2590.715-2719(d)(2)(i)" in tracking


def test_a_filing_reminder_is_not_sent_again_when_the_next_level_has_the_same_date(
    client, tracked, django_capture_on_commit_callbacks
):
    order = tracked(PART_D, notice_days_ago=30)
    case = order.case
    services.mark_sent(case, sent_on=day(-60), how="fax", received_on=None)
    services.record_answer(case, decided_on=day(-58), answer="upheld")  # the IRE's 65 days end in a week
    mail.outbox.clear()
    assert send_due_reminders() == 1
    client.post(f"{order.status_path()}track/next/")
    render_newest(order, django_capture_on_commit_callbacks)
    assert send_due_reminders() == 0
    assert len(reminder_emails()) == 1


def test_turning_keep_off_after_the_usual_date_never_deletes_at_once(client, tracked):
    order = tracked()
    Letter.objects.filter(pk=order.letter_id).update(ready_at=timezone.now() - datetime.timedelta(days=100))
    post(client, order, "keep", {"keep": "on"})
    response = post(client, order, "keep", {}, follow=True)
    assert "No longer kept. It will be deleted on" in response.content.decode()
    case = order.case
    assert case not in due_cases(timezone.now())
    assert case in due_cases(timezone.now() + datetime.timedelta(days=8))


def test_lateness_is_stated_only_where_the_plan_itself_decides(demo_catalog):
    fehb = PlanType.objects.get(slug="fehb")
    assert late_decision(fehb, "first_denial") is not None
    assert late_decision(fehb, "appeal_denied") is None  # OPM's own review: another rule
    assert late_decision(PlanType.objects.get(slug="medicare-part-d"), "first_denial") is None  # not verified


def test_external_review_filed_with_the_plan_is_not_dated_from_the_plans_receipt(
    client, tracked, django_capture_on_commit_callbacks
):
    order = tracked(ERISA)
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    post(client, order, "answer", {"answer": "upheld", "decided_on": day(0).isoformat(), "final": "on"})
    client.post(f"{order.status_path()}track/next/")
    order = render_newest(order, django_capture_on_commit_callbacks)
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    order.case.refresh_from_db()
    assert order.case.appeal_received_on is None
    assert send_due_reminders(today=day(60)) == 0


def test_a_mailed_request_gets_its_delivery_date_later(client, tracked):
    order = tracked(ERISA)
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "mail"})
    assert "Add the day it arrived" in client.get(order.status_path()).content.decode()
    assert post(client, order, "arrived", {"received_on": day(1).isoformat()}).status_code == 400  # in the future
    assert post(client, order, "arrived", {"received_on": day(0).isoformat()}).status_code == 302
    order.case.refresh_from_db()
    assert order.case.appeal_received_on == day(0)
    assert "Add the day it arrived" not in client.get(order.status_path()).content.decode()


def test_a_reminder_that_cannot_be_built_is_not_left_claimed(client, tracked, monkeypatch):
    tracked(ERISA, notice_days_ago=176)

    def broken(*args, **kwargs):
        raise RuntimeError("template broke")

    with monkeypatch.context() as patch:
        patch.setattr(reminders, "render_to_string", broken)
        assert send_due_reminders() == 0
    assert not Reminder.objects.exists()
    assert send_due_reminders() == 1


def test_the_purge_clears_the_tracks_dates_and_reminders(client, tracked):
    order = tracked(ERISA, notice_days_ago=176)
    send_due_reminders()
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    purge_case(order.case_id)
    track = Track.objects.get(case=order.case)
    assert (track.sent_on, track.sent_how) == (None, "")
    assert not Reminder.objects.filter(case=order.case).exists()


def test_a_next_level_that_cannot_be_made_changes_nothing(client, tracked, monkeypatch):
    order = tracked(PART_D)
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    post(client, order, "answer", {"answer": "upheld", "decided_on": day(0).isoformat()})
    monkeypatch.setattr(Order, "new_letter_version", lambda self, template: None)
    response = client.post(f"{order.status_path()}track/next/", follow=True)
    assert "could not be made" in response.content.decode()
    order.case.refresh_from_db()
    track = Track.objects.get(case=order.case)
    assert (track.level, track.answer) == (1, "upheld")
    assert order.case.typed_answers.plan.stage == "first_denial"
    assert order.case.appeal_decided_on == day(0)


def test_an_upload_is_served_as_its_checked_type(client, tracked):
    order = tracked()
    receipt = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 r", content_type="text/html; charset=\u00e9" + "x" * 200)
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax", "attachment": receipt})
    event = TrackEvent.objects.get(kind="sent")
    response = client.get(f"{order.status_path()}track/file/{event.pk}/")
    assert response["Content-Type"] == "application/pdf"
    refused = SimpleUploadedFile("page.html", b"<script>", content_type="text/html")
    assert (
        post(client, order, "answer", {"answer": "upheld", "decided_on": day(0).isoformat(), "attachment": refused}).status_code
        == 400
    )


def test_the_next_level_packet_lists_the_calls_logged_before_it(client, tracked, django_capture_on_commit_callbacks):
    order = tracked(MEDICAID)
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    post(
        client,
        order,
        "call",
        {"called_on": day(0).isoformat(), "who": "Dana in appeals", "reference": "REF-88123", "said": "Under review."},
    )
    post(client, order, "answer", {"answer": "upheld", "decided_on": day(0).isoformat()})
    client.post(f"{order.status_path()}track/next/")
    order = render_newest(order, django_capture_on_commit_callbacks)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(order.letter.pdf_bytes())).pages).split())
    assert "Calls with the plan about this request" in text
    assert "Dana in appeals" in text and "REF-88123" in text
    assert "the record of calls with the plan" in text  # the fax cover lists it
    from docx import Document

    word = " ".join(
        cell.text for table in Document(io.BytesIO(order.letter.docx_bytes())).tables for row in table.rows for cell in row.cells
    )
    assert "REF-88123" in word and "Dana in appeals" in word  # the Word letter carries the same page


# --- Renewals -------------------------------------------------------------------------


def test_an_approval_with_an_end_date_reminds_of_the_renewal_once_and_starts_it_with_the_answers(client, tracked):
    order = tracked(MEDICAID)
    post(client, order, "sent", {"sent_on": day(0).isoformat(), "how": "fax"})
    response = post(
        client, order, "answer", {"answer": "upheld", "decided_on": day(0).isoformat(), "approved_until": day(100).isoformat()}
    )
    assert response.status_code == 400 and "goes with an approval" in response.content.decode()
    post(
        client, order, "answer", {"answer": "approved", "decided_on": day(0).isoformat(), "approved_until": day(100).isoformat()}
    )
    track = Track.objects.get(case=order.case)
    assert track.is_closed and track.approved_until == day(100)
    page = client.get(order.status_path()).content.decode()
    assert "Approved until" in page and "Start the renewal" in page
    mail.outbox.clear()
    assert send_due_reminders(today=day(10)) == 0  # 90 days ahead: too early
    assert send_due_reminders(today=day(60)) == 1  # 40 days ahead
    assert send_due_reminders(today=day(61)) == 0
    (message,) = [m for m in mail.outbox if "renew" in m.subject]
    assert message.subject == "An approval ends soon: time to renew it"
    assert PATIENT["patient_name"] not in message.body

    keep = post(client, order, "keep-for-renewal", {}, follow=True)
    assert "Kept for the renewal" in keep.content.decode()
    order.case.refresh_from_db()
    assert timezone.localdate(order.case.keep_until) >= day(100)

    response = post(client, order, "renew", {})
    token = response["Location"].strip("/").split("/")[-1]
    from appeals.models import Case

    renewal = Case.objects.by_token(token)
    assert renewal.pk != order.case_id and (renewal.drug, renewal.payer) == (order.case.drug, order.case.payer)
    answers = renewal.typed_answers
    assert answers.patient.patient_name == PATIENT["patient_name"]
    assert (answers.authorization.previously_approved, answers.authorization.approved_until) == ("yes", day(100))
    assert not renewal.has_answered("plan")  # a new request: its own plan step


def test_a_renewal_needs_an_approval(client, tracked):
    order = tracked()
    response = post(client, order, "renew", {}, follow=True)
    assert "A renewal starts from an approval" in response.content.decode()
