"""A practice's case list and case page: what each row shows (computed from the case, its
orders, letter and track, and recomputed only for the cases that changed), a page's
queries that do not grow with the cases, the filters and sorts, and a case's page,
clinical part and files for the practice's own members only, each written to the audit log."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals.delivery.retention import purge_case
from appeals.intake.steps import PATIENT_PART, first_incomplete
from appeals.models import AuditEntry, Case, Letter, LetterAccess, Order, Practice, PracticeCase
from appeals.practices import case_list
from appeals.practices.case_list import case_rows, initials, refresh, stale
from appeals.practices.models import Role
from appeals.tracking import services
from appeals.tracking.progress import case_progress
from appeals.tracking.timeline import track_of
from tests.support.cases import _as_post, answer_every_step, opened_case
from tests.support.practices import member
from tests.support.tracked import ERISA, paid_tracked_case
from tests.support.wizard_answers import answers_for

pytestmark = pytest.mark.django_db

Status = PracticeCase.Status


@pytest.fixture
def practice() -> Practice:
    return Practice.objects.create(name="Lakeside Rheumatology")


@pytest.fixture
def staff(practice):
    return member(practice, "staff@lakeside.example")


@pytest.fixture
def outsider():
    return member(Practice.objects.create(name="Hillside Clinic"), "admin@hillside.example", Role.ADMIN)


@pytest.fixture
def paid(client, settings, demo_catalog, django_capture_on_commit_callbacks, practice):
    """A paid ERISA case of the practice, its letter ready; the order."""
    order = paid_tracked_case(client, settings, django_capture_on_commit_callbacks, ERISA)
    new_row(practice, order.case)
    order.case.revoke_office_link(by_person=False)  # as payment closes it
    return order


def answer_part(case: Case, part: str) -> None:
    """Each step of one part answered, as the wizard stores them."""
    while (step := first_incomplete(case, part)) is not None:
        form = step.build_form(case, data=_as_post(answers_for(step.slug, step.build_form(case))))
        assert form.is_valid(), (step.slug, form.errors)
        case.save_step(step.slug, step.answers_from(form))


def new_row(practice: Practice, case: Case) -> PracticeCase:
    """The case as a practice gets it: through the office's link the patient made."""
    token = case.open_office_link()
    return PracticeCase.objects.create(practice=practice, case=case, office_token_encrypted=token)


def added(practice: Practice, **combo) -> PracticeCase:
    case, _ = opened_case(**combo)
    return new_row(practice, case)


def row_of(case: Case) -> PracticeCase:
    return refresh([PracticeCase.objects.get(case=case)])[0]


def expected_deadline(case: Case) -> tuple[datetime.date | None, str]:
    case = Case.objects.get(pk=case.pk)
    progress = case_progress(case, track_of(case))
    return (progress.deadline.target, progress.deadline.label) if progress.dated else (None, "")


# --- What a row shows ------------------------------------------------------------------


def test_initials_of_a_name():
    assert initials("Maria Quintana-Reyes") == "M. Q."
    assert initials("  ana  de la cruz ") == "A. D. L. C."
    assert initials("") == ""


def test_a_new_case_waits_for_the_patients_part(demo_catalog, practice):
    row = added(practice)
    refreshed = row_of(row.case)
    assert (refreshed.status, refreshed.patient_initials, refreshed.stage) == (Status.PATIENT_PART, "", "")
    assert (refreshed.deadline_on, refreshed.deadline_label) == (None, "")
    assert refreshed.refreshed_for is not None
    stored = PracticeCase.objects.get(pk=row.pk)
    assert (stored.status, stored.refreshed_for) == (Status.PATIENT_PART, refreshed.refreshed_for)


def test_the_patients_part_gives_initials_stage_and_the_filing_deadline(demo_catalog, practice):
    row = added(practice)
    answer_part(row.case, PATIENT_PART)
    refreshed = row_of(row.case)
    assert refreshed.status == Status.CLINICAL_PART
    assert refreshed.patient_initials == "M. Q."
    assert refreshed.stage == "First denial"
    assert (refreshed.deadline_on, refreshed.deadline_label) == expected_deadline(row.case)
    # The initials are kept encrypted, like every patient detail.
    with connection.cursor() as cursor:
        cursor.execute("SELECT patient_initials FROM appeals_practicecase WHERE id = %s", [row.pk])
        assert "M. Q." not in cursor.fetchone()[0]


def test_a_complete_case_is_to_pay(demo_catalog, practice):
    row = added(practice)
    answer_every_step(row.case)
    assert row_of(row.case).status == Status.TO_PAY


def test_a_paid_case_follows_its_letter_and_its_track(paid, practice):
    case = paid.case
    row = row_of(case)
    assert row.status == Status.TO_SEND
    assert row.deadline_on is not None and row.deadline_on > timezone.localdate()
    assert (row.deadline_on, row.deadline_label) == expected_deadline(case)

    Letter.objects.filter(pk=paid.letter_id).update(status=Letter.Status.RENDERING)
    assert row_of(case).status == Status.MAKING
    Letter.objects.filter(pk=paid.letter_id).update(status=Letter.Status.READY)

    # Each step of the track makes the row stale, and the list shows where the case is.
    own = PracticeCase.objects.filter(practice=practice)
    case_rows(practice)
    assert not stale(own).exists()
    services.mark_sent(case, sent_on=timezone.localdate(), how="fax", received_on=None)
    assert list(stale(own)) == [row]
    assert case_rows(practice)[0].status == Status.AWAITING
    assert (PracticeCase.objects.get(pk=row.pk).deadline_on, PracticeCase.objects.get(pk=row.pk).deadline_label) == (
        expected_deadline(case)
    )
    services.record_answer(case, decided_on=timezone.localdate(), answer="upheld")
    assert case_rows(practice)[0].status == Status.UPHELD
    services.close(case)
    assert case_rows(practice)[0].status == Status.CLOSED
    purge_case(case.pk)
    deleted = case_rows(practice)[0]
    assert (deleted.status, deleted.patient_initials or "", deleted.stage, deleted.deadline_on) == (Status.DELETED, "", "", None)


def test_an_order_or_a_letter_makes_the_row_stale(paid, practice):
    own = PracticeCase.objects.filter(practice=practice)
    case_rows(practice)
    assert not stale(own).exists()
    paid.save(update_fields=["updated_at"])
    assert stale(own).count() == 1
    case_rows(practice)
    Letter.objects.filter(pk=paid.letter_id).update(ready_at=timezone.now())
    assert stale(own).count() == 1


def test_only_the_changed_cases_are_recomputed(demo_catalog, practice, monkeypatch):
    first, second, third = (added(practice) for _ in range(3))
    computed = []
    real = case_list._list_fields

    def counted(case, today):
        computed.append(case.pk)
        return real(case, today)

    monkeypatch.setattr(case_list, "_list_fields", counted)
    case_rows(practice)
    assert sorted(computed) == sorted(row.case_id for row in (first, second, third))
    computed.clear()
    case_rows(practice)
    assert computed == []
    answer_part(second.case, PATIENT_PART)
    with CaptureQueriesContext(connection) as captured:
        assert list(stale(PracticeCase.objects.filter(practice=practice))) == [second]
    assert len(captured) == 1
    page = case_rows(practice, sort="added")
    assert computed == [second.case_id]
    assert {row.pk: row.status for row in page} == {
        first.pk: Status.PATIENT_PART,
        second.pk: Status.CLINICAL_PART,
        third.pk: Status.PATIENT_PART,
    }


# --- The list page ---------------------------------------------------------------------


def list_queries(browser: Client, **params) -> tuple[int, str]:
    browser.get(reverse("practice_cases"), params)  # the stale rows refreshed
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(reverse("practice_cases"), params)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_list_pages_queries_do_not_grow_with_the_cases(demo_catalog, practice, staff):
    _, browser = staff
    combos = [{}, {"drug": "baricitinib", "payer": "humana"}, {"payer": "molina"}]
    for index in range(20):
        added(practice, **combos[index % 3])
    few = list_queries(browser)[0]
    few_filtered = list_queries(browser, sort="added", drug="anifrolumab")[0]
    for index in range(100):
        added(practice, **combos[index % 3])
    many, html = list_queries(browser)
    assert many == few
    assert list_queries(browser, sort="added", drug="anifrolumab")[0] == few_filtered
    assert html.count('data-label="Patient"') == case_list.PER_PAGE
    assert "Page 1 of 3" in html


def test_filters_narrow_the_list_and_bad_values_are_ignored(demo_catalog, practice, staff):
    _, browser = staff
    cigna = added(practice)
    humana = added(practice, drug="baricitinib", payer="humana")
    answer_part(humana.case, PATIENT_PART)

    def shown(**params) -> set[int]:
        response = browser.get(reverse("practice_cases"), params)
        assert response.status_code == 200
        return {row.pk for row in response.context["page"]}

    assert shown() == {cigna.pk, humana.pk}
    assert shown(drug="baricitinib") == {humana.pk}
    assert shown(payer="cigna") == {cigna.pk}
    assert shown(status=Status.CLINICAL_PART) == {humana.pk}
    assert shown(denial="step-therapy", status=Status.PATIENT_PART) == {cigna.pk}
    # Only the practice's own drugs and insurers are offered.
    response = browser.get(reverse("practice_cases"))
    assert [slug for slug, _ in response.context["options"]["payer"]] == ["cigna", "humana"]
    # Unknown values, another practice's drug, a page that is not a number: the unfiltered list.
    assert shown(drug="no-such-drug", payer="'; DROP", status="nope", sort="sideways", page="x") == {cigna.pk, humana.pk}
    assert shown(page="999") == {cigna.pk, humana.pk}
    assert shown(drug="nivolumab") == {cigna.pk, humana.pk}


def test_the_deadline_sort_puts_the_soonest_first_then_the_newest(demo_catalog, practice):
    rows = [added(practice) for _ in range(4)]
    case_rows(practice)  # refreshed: none has a deadline yet
    today, now = timezone.localdate(), timezone.now()
    for row, (days, added_ago) in zip(rows, [(None, 3), (20, 2), (5, 1), (None, 0)], strict=True):
        PracticeCase.objects.filter(pk=row.pk).update(
            deadline_on=today + datetime.timedelta(days=days) if days else None,
            added_at=now - datetime.timedelta(days=added_ago),
        )
    first, second, third, fourth = (row.pk for row in rows)
    assert [row.pk for row in case_rows(practice)] == [third, second, fourth, first]
    assert [row.pk for row in case_rows(practice, sort="added")] == [fourth, third, second, first]
    assert [row.pk for row in case_rows(practice, per_page=2, page=2)] == [fourth, first]


def test_the_list_stacks_its_cells_on_a_phone(demo_catalog, practice, staff):
    _, browser = staff
    added(practice)
    html = browser.get(reverse("practice_cases")).content.decode()
    # review-table: one block per row on a narrow screen, each cell under its header (static/css/site.css).
    assert 'class="table review-table case-list"' in html
    assert 'data-label="Next deadline"' in html


# --- Who may see what --------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_sign_in(demo_catalog, practice, client):
    row = added(practice)
    for url in (reverse("practice_cases"), reverse("practice_case", args=[row.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("practice_login"))


def test_another_practice_gets_404_for_the_case_and_its_files(paid, outsider):
    _, browser = outsider
    row = PracticeCase.objects.get(case=paid.case)
    assert browser.get(reverse("practice_case", args=[row.pk])).status_code == 404
    assert browser.get(reverse("practice_case_file", args=[row.pk, "pdf"])).status_code == 404
    assert browser.post(reverse("practice_case_open", args=[row.pk])).status_code == 404
    assert row.pk not in {r.pk for r in browser.get(reverse("practice_cases")).context["page"]}
    assert not LetterAccess.objects.exists()
    assert not AuditEntry.objects.exists()


# --- A case's page -----------------------------------------------------------------------


def test_a_paid_case_shows_its_timeline_and_files_and_its_downloads_are_recorded(paid, staff):
    membership, browser = staff
    row = PracticeCase.objects.get(case=paid.case)
    response = browser.get(reverse("practice_case", args=[row.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert reverse("practice_case_file", args=[row.pk, "pdf"]) in html
    assert reverse("practice_case_file", args=[row.pk, "docx"]) in html
    assert "Letter ready (version 1)" in html  # the timeline, without its forms
    assert "Mark sent" not in html
    assert "Open the clinical part" not in html
    assert reverse("practice_pay_from_pack", args=[row.pk]) not in html
    assert AuditEntry.objects.get().action == AuditEntry.Action.VIEWED

    download = browser.get(reverse("practice_case_file", args=[row.pk, "pdf"]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    entry = AuditEntry.objects.first()
    assert (entry.action, entry.case_id, entry.user_id, entry.practice_id) == (
        AuditEntry.Action.DOWNLOADED_PDF,
        paid.case_id,
        membership.user_id,
        membership.practice_id,
    )
    access = LetterAccess.objects.get()
    assert (access.letter_id, access.what, access.who, access.user_id) == (
        paid.letter_id,
        LetterAccess.What.PDF,
        LetterAccess.Who.PRACTICE,
        membership.user_id,
    )
    assert browser.get(reverse("practice_case_file", args=[row.pk, "docx"])).status_code == 200
    assert AuditEntry.objects.first().action == AuditEntry.Action.DOWNLOADED_DOCX
    assert browser.get(reverse("practice_case_file", args=[row.pk, "html"])).status_code == 404


def test_no_file_before_the_letter_is_ready(demo_catalog, practice, staff):
    _, browser = staff
    row = added(practice)
    answer_every_step(row.case)
    assert browser.get(reverse("practice_case_file", args=[row.pk, "pdf"])).status_code == 404
    html = browser.get(reverse("practice_case", args=[row.pk])).content.decode()
    assert reverse("practice_pay_from_pack", args=[row.pk]) in html
    assert "Open the clinical part" in html
    assert "Download the PDF" not in html


def test_opening_the_clinical_part_uses_the_office_link_and_keeps_it(demo_catalog, practice, staff):
    membership, browser = staff
    row = added(practice)
    answer_part(row.case, PATIENT_PART)
    html = browser.get(reverse("practice_case", args=[row.pk])).content.decode()
    assert "Open the clinical part" in html
    assert reverse("practice_pay_from_pack", args=[row.pk]) not in html  # the clinical part is not done

    response = browser.post(reverse("practice_case_open", args=[row.pk]))
    row.refresh_from_db()
    token = row.office_token_encrypted
    assert token and response["Location"] == reverse("case", kwargs={"token": token})
    opened = Case.objects.by_token(token)
    assert opened.pk == row.case_id and opened.opened_by_office
    entry = AuditEntry.objects.first()
    assert (entry.action, entry.detail, entry.user_id) == (AuditEntry.Action.EDITED, "clinical part", membership.user_id)

    # The kept link is used again while it opens the case; once it merely expired, a new one.
    assert browser.post(reverse("practice_case_open", args=[row.pk]))["Location"] == response["Location"]
    Case.objects.filter(pk=row.case_id).update(office_link_expires_at=timezone.now() - datetime.timedelta(minutes=1))
    again = browser.post(reverse("practice_case_open", args=[row.pk]))
    row.refresh_from_db()
    assert row.office_token_encrypted != token
    assert again["Location"] == reverse("case", kwargs={"token": row.office_token_encrypted})
    assert browser.get(reverse("practice_case_open", args=[row.pk])).status_code == 405


def test_a_patient_who_takes_the_clinical_part_back_ends_the_practices_access(paid, staff):
    _, browser = staff
    row = PracticeCase.objects.get(case=paid.case)
    case = Case.objects.get(pk=row.case_id)
    case.open_office_link()
    case.revoke_office_link()  # the patient stops the office's link
    page = browser.get(reverse("practice_case", args=[row.pk])).content.decode()
    assert "no longer shared with your practice" in page
    assert browser.get(reverse("practice_case_file", args=[row.pk, "pdf"])).status_code == 404
    browser.post(reverse("practice_case_open", args=[row.pk]))
    case.refresh_from_db()
    assert case.office_token_hash is None and case.office_revoked_at is not None  # not reopened from here


def test_a_newer_office_link_of_the_patient_is_never_ended_from_the_practice(staff, demo_catalog):
    membership, browser = staff
    row = added(membership.practice)
    case = Case.objects.get(pk=row.case_id)
    newer = case.open_office_link()  # the patient made a new link, for another office
    Case.objects.filter(pk=case.pk).update(office_link_expires_at=timezone.now() + datetime.timedelta(days=1))
    response = browser.post(reverse("practice_case_open", args=[row.pk]))
    assert response["Location"] == reverse("practice_case", args=[row.pk])
    assert Case.objects.by_token(newer) is not None


def test_a_paid_or_deleted_case_is_not_opened_for_changes(paid, staff):
    _, browser = staff
    row = PracticeCase.objects.get(case=paid.case)
    response = browser.post(reverse("practice_case_open", args=[row.pk]))
    assert response["Location"] == reverse("practice_case", args=[row.pk])
    assert "paid for" in str(next(iter(get_messages(response.wsgi_request))))
    assert Case.objects.get(pk=paid.case_id).office_token_hash is None
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EDITED).exists()

    purge_case(paid.case_id)
    assert browser.post(reverse("practice_case_open", args=[row.pk]))["Location"] == reverse("practice_case", args=[row.pk])
    assert browser.get(reverse("practice_case_file", args=[row.pk, "pdf"])).status_code == 404
    html = browser.get(reverse("practice_case", args=[row.pk])).content.decode()
    assert Status.DELETED.label in html
    assert Order.objects.filter(case=paid.case, status=Order.Status.PAID).exists()
