"""The patient part and the clinical part: the person answers their own part, then
sends the clinical part to the prescriber's office through the office's own link
(or fills it in themselves).  The office sees what the patient gave, cannot change
it, and completes the rest; the person is told; either side can pay."""

from __future__ import annotations

import datetime
import html
import json

import pytest
from django.core import mail
from django.utils import timezone

from appeals.core.tokens import lookup_digest
from appeals.intake.steps import CLINICAL_PART, PATIENT_PART, part_steps
from appeals.letters import rendering
from appeals.models import Case, Letter, LetterShare, Order
from tests.support.cases import answer_every_step, opened_case
from tests.support.wizard_answers import OFFICE, PATIENT, answers_for
from tests.test_wizard_steps import COMBINATION, EXPECTED_STEPS, open_case

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def patient_part(client, case_url: str) -> None:
    """Answer the patient part, ending on the page that asks who fills in the clinical part."""
    for _ in range(5):
        location = client.get(case_url)["Location"]
        if location.endswith("/clinical/"):
            return
        step = location.rstrip("/").split("/")[-1]
        form = client.get(location).context["form"]
        response = client.post(location, answers_for(step, form))
        assert response.status_code == 302, (step, response.context["form"].errors)
    raise AssertionError("the patient part did not end")


def send_to_office(client, case_url: str, office_email: str = "frontdesk@hillcountry.example") -> str:
    """Make the office's link; returns its path (the page shows it once)."""
    response = client.post(case_url + "clinical/", {"action": "office", "office_email": office_email})
    assert response.status_code == 200
    link = response.context["office_link"]
    assert link
    return link.split("testserver", 1)[1]


def answer_clinical(client, office_url: str) -> list[str]:
    answered = []
    for _ in range(12):
        location = client.get(office_url)["Location"]
        if location.endswith("/review/"):
            return answered
        step = location.rstrip("/").split("/")[-1]
        form = client.get(location).context["form"]
        response = client.post(location, answers_for(step, form))
        assert response.status_code == 302, (step, response.context["form"].errors)
        answered.append(step)
    raise AssertionError("the clinical part did not end")


@pytest.mark.parametrize("denial", sorted(EXPECTED_STEPS))
def test_the_patient_part_asks_at_most_fifteen_required_fields_on_at_most_seven_pages(client, demo_catalog, denial):
    drug, payer = COMBINATION[denial]
    start = client.get(f"/start/?drug={drug}&payer={payer}&denial={denial}")
    required = sum(1 for field in start.context["form"].fields.values() if field.required)
    pages = ["start"]
    case_url = open_case(client, drug=drug, payer=payer, denial=denial)
    for _ in range(6):
        location = client.get(case_url)["Location"]
        page = client.get(location)
        pages.append(location.rstrip("/").split("/")[-1])
        if location.endswith("/clinical/"):
            break
        form = page.context["form"]
        required += sum(1 for field in form.fields.values() if field.required)
        assert client.post(location, answers_for(pages[-1], form)).status_code == 302
    assert pages == ["start", "plan", "patient", "office", "clinical"]
    assert len(pages) <= 7
    assert required <= 15, required
    case = Case.objects.get()
    assert [step.slug for step in part_steps(case, PATIENT_PART)] == ["plan", "patient", "office"]
    assert [step.slug for step in part_steps(case, CLINICAL_PART)] == [
        slug for slug in EXPECTED_STEPS[denial] if slug not in ("plan", "patient", "office")
    ]


def test_the_office_completes_the_clinical_part_through_its_own_link(client, demo_catalog):
    case_url = open_case(client)
    patient_part(client, case_url)
    mail.outbox.clear()
    office_url = send_to_office(client, case_url)
    assert office_url != case_url

    # Two emails: the office's link to the office, the person's own link to the person; neither names the patient.
    to_office, to_person = mail.outbox
    assert to_office.to == ["frontdesk@hillcountry.example"] and office_url in to_office.body
    assert to_person.to == [PATIENT["email"]] and case_url in to_person.body and office_url not in to_person.body
    for message in mail.outbox:
        for secret in (PATIENT["patient_name"], PATIENT["member_id"], "Saphnelo", "Cigna", "lupus"):
            assert secret not in message.subject + message.body

    # Only the digest of the office's link is kept.
    case = Case.objects.get()
    assert office_url.split("/")[2] not in (case.office_token_hash, case.token_hash)

    # The office starts at the first clinical step and sees what the patient gave.
    first = client.get(office_url)["Location"]
    assert first == office_url + "diagnosis/"
    page = text(client.get(first))
    assert "What the patient gave" in page and PATIENT["patient_name"] in page and PATIENT["member_id"] in page
    # The prescriber step starts from what the patient said of the office.
    assert client.get(office_url + "prescriber/").status_code == 302  # not reachable yet
    # The patient's own steps are theirs: the office is sent back, and nothing changes.
    before = case.answers["patient"]
    response = client.post(office_url + "patient/", {**PATIENT, "patient_name": "Someone Else"})
    assert response["Location"] == office_url
    assert Case.objects.get().answers["patient"] == before

    mail.outbox.clear()
    answered = answer_clinical(client, office_url)
    assert answered == ["diagnosis", "drug", "treatments", "criteria", "prescriber"]
    case = Case.objects.get()
    assert case.typed_answers.prescriber.prescriber_name == OFFICE["prescriber_name"]
    # The person is told once that the office finished; the office may go on editing without more emails.
    (done,) = mail.outbox
    assert done.to == [PATIENT["email"]] and "finished" in done.body and PATIENT["patient_name"] not in done.body
    client.post(office_url + "prescriber/", answers_for("prescriber", client.get(office_url + "prescriber/").context["form"]))
    assert len(mail.outbox) == 1

    # The office reviews (without "Edit" on the patient's part) and can pay, its own address prefilled.
    review = client.get(office_url + "review/")
    assert review.status_code == 200
    assert f'href="{office_url}patient/"' not in review.content.decode()
    assert f'href="{office_url}diagnosis/"' in review.content.decode()
    payment = client.get(office_url + "payment/")
    assert payment.status_code == 200

    # The person's own link now goes straight to the review.
    assert client.get(case_url)["Location"] == case_url + "review/"


def test_the_persons_link_waits_on_the_office_and_shows_its_progress(client, demo_catalog):
    case_url = open_case(client)
    patient_part(client, case_url)
    office_url = send_to_office(client, case_url, office_email="")
    assert client.get(case_url)["Location"] == case_url + "clinical/"
    page = text(client.get(case_url + "clinical/"))
    assert "Waiting for the office" in page and "Diagnosis: not yet" in page
    assert office_url not in page  # shown once, when made
    client.post(office_url + "diagnosis/", answers_for("diagnosis", client.get(office_url + "diagnosis/").context["form"]))
    assert "Diagnosis: answered" in text(client.get(case_url + "clinical/"))
    # The person can take over at any time.
    assert client.post(case_url + "clinical/", {"action": "self"})["Location"] == case_url
    assert client.get(case_url)["Location"] == case_url + "drug/"


def test_a_new_office_link_replaces_the_old_and_a_revoked_or_expired_one_opens_nothing(client, demo_catalog, settings):
    case_url = open_case(client)
    patient_part(client, case_url)
    first = send_to_office(client, case_url, office_email="")
    second = send_to_office(client, case_url, office_email="")
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 302

    client.post(case_url + "clinical/", {"action": "revoke"})
    assert client.get(second).status_code == 404
    assert client.get(second + "diagnosis/").status_code == 404
    assert client.get(case_url).status_code == 302  # the person's own link still works

    third = send_to_office(client, case_url, office_email="")
    Case.objects.update(office_link_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(third).status_code == 404


def test_the_office_link_is_made_only_after_the_patient_part_and_never_from_the_office_link(client, demo_catalog):
    case_url = open_case(client)
    response = client.post(case_url + "clinical/", {"action": "office", "office_email": ""})
    assert response["Location"] == case_url + "plan/"
    assert Case.objects.get().office_token_hash is None
    patient_part(client, case_url)
    office_url = send_to_office(client, case_url, office_email="")
    # The office cannot make, replace or revoke links, nor choose for the person.
    for action in ("office", "revoke", "self"):
        assert client.post(office_url + "clinical/", {"action": action})["Location"] == office_url
    case = Case.objects.get()
    assert case.office_link_open and case.clinical_by == Case.ClinicalBy.OFFICE


def test_a_bad_office_email_is_refused_and_makes_no_link(client, demo_catalog):
    case_url = open_case(client)
    patient_part(client, case_url)
    response = client.post(case_url + "clinical/", {"action": "office", "office_email": "not an address"})
    assert response.status_code == 200
    assert response.context["form"].errors["office_email"]
    assert not response.context["office_link"]
    assert Case.objects.get().office_token_hash is None


def test_purging_a_case_stops_the_office_link(client, demo_catalog):
    case_url = open_case(client)
    patient_part(client, case_url)
    office_url = send_to_office(client, case_url, office_email="")
    Case.objects.get().purge(timezone.now())
    assert client.get(office_url).status_code == 404
    assert Case.objects.get().office_token_hash is None


def test_a_case_begun_before_the_office_step_is_not_sent_back_to_it(client, demo_catalog):
    """A case whose prescriber step was answered before the office step existed counts the office step as answered."""
    case, url = opened_case()
    answer_every_step(case)
    stored = case.answers
    stored.pop("office")
    case.answers_encrypted = json.dumps(stored)
    case.save()
    case = Case.objects.get()
    assert not case.has_answered("office")
    assert client.get(url)["Location"] == url + "review/"
    # Its office step, opened, starts from the prescriber's name.
    assert client.get(url + "office/").context["form"].initial["prescriber_name"] == case.typed_answers.prescriber.prescriber_name


def _office_done(client) -> tuple[str, str]:
    case_url = open_case(client)
    patient_part(client, case_url)
    office_url = send_to_office(client, case_url)
    answer_clinical(client, office_url)
    return case_url, office_url


def _paid_and_rendered(client, url: str, email: str, capture) -> Order:
    assert client.post(url + "review/")["Location"] == url + "payment/"
    client.post(client.post(url + "payment/", {"email": email, "promo": "SEO25"})["Location"], {"pay": ""})
    order = Order.objects.get()
    with capture(execute=True):
        rendering.render_packet(order.letter.pk)
    order.refresh_from_db()
    return order


@pytest.fixture
def local_payments(settings):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""


def test_when_the_office_pays_both_the_office_and_the_patient_get_the_letter(
    client, demo_catalog, local_payments, django_capture_on_commit_callbacks
):
    _case_url, office_url = _office_done(client)
    payment = client.get(office_url + "payment/")
    assert payment.context["form"].initial["email"] == "frontdesk@hillcountry.example"
    mail.outbox.clear()
    order = _paid_and_rendered(client, office_url, "frontdesk@hillcountry.example", django_capture_on_commit_callbacks)
    assert order.letter.status == Letter.Status.READY
    ready = {message.to[0]: message for message in mail.outbox if "is ready" in message.subject}
    assert set(ready) == {"frontdesk@hillcountry.example", PATIENT["email"]}
    for message in ready.values():
        assert order.status_path() in message.body and PATIENT["patient_name"] not in message.body
    assert not LetterShare.objects.exists()  # the office paid: it has the status link


def test_when_the_patient_pays_the_office_gets_a_share_link_of_its_own(
    client, demo_catalog, local_payments, django_capture_on_commit_callbacks
):
    case_url, _office_url = _office_done(client)
    mail.outbox.clear()
    order = _paid_and_rendered(client, case_url, PATIENT["email"], django_capture_on_commit_callbacks)
    to_patient = [m for m in mail.outbox if m.to == [PATIENT["email"]]]
    to_office = [m for m in mail.outbox if m.to == ["frontdesk@hillcountry.example"]]
    assert len(to_patient) == 1 and order.status_path() in to_patient[0].body
    (share,) = LetterShare.objects.filter(letter=order.letter)
    assert share.is_active and share.label.startswith("The prescriber's office")
    (office_mail,) = to_office
    assert share.path() in office_mail.body and order.status_path() not in office_mail.body
    for secret in (PATIENT["patient_name"], PATIENT["member_id"], order.case.drug.name, order.case.payer.name):
        assert secret not in office_mail.subject + office_mail.body
    assert client.get(share.path()).status_code == 200
    # The patient sees the office's link on the status page, and can revoke it.
    assert "The prescriber's office" in html.unescape(client.get(order.status_path()).content.decode())


def test_a_case_the_person_finished_alone_tells_only_the_payer(
    client, demo_catalog, local_payments, django_capture_on_commit_callbacks
):
    case, case_url = opened_case()
    answer_every_step(case)
    mail.outbox.clear()
    order = _paid_and_rendered(client, case_url, "someone@example.org", django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox if "is ready" in m.subject] == [["someone@example.org"]]
    assert not LetterShare.objects.filter(letter=order.letter).exists()


def test_paying_closes_the_offices_link_so_it_never_reaches_the_letters_page(
    client, demo_catalog, local_payments, django_capture_on_commit_callbacks
):
    case_url, office_url = _office_done(client)
    order = _paid_and_rendered(client, case_url, PATIENT["email"], django_capture_on_commit_callbacks)
    assert client.get(office_url).status_code == 404
    assert client.get(office_url + "payment/").status_code == 404
    assert client.post(office_url + "review/", {"new_version": "1"}).status_code == 404
    assert Case.objects.get().office_revoked_at is None  # closed by payment, not stopped: the office got its link
    assert LetterShare.objects.filter(letter=order.letter).count() == 1


def test_an_office_link_still_open_on_a_paid_case_shows_a_page_of_its_own(client, demo_catalog, local_payments):
    """Defence in depth: were the office's link still open on a settled case, its pages say
    the case is paid and never send it on to the letter's page."""
    case_url, office_url = _office_done(client)
    assert client.post(case_url + "review/")["Location"] == case_url + "payment/"
    client.post(case_url + "payment/", {"email": PATIENT["email"], "promo": "SEO25"})
    order = Order.objects.get()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID)
    case = Case.objects.get()
    token = office_url.split("/")[2]
    Case.objects.filter(pk=case.pk).update(
        office_token_hash=lookup_digest(token), office_link_expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    for response in (client.get(office_url + "payment/"), client.post(office_url + "review/", {"new_version": "1"})):
        assert response.status_code == 200 and "This appeal is paid for" in text(response)
        assert order.status_path() not in response.content.decode()
    assert not Letter.objects.filter(case=case, version__gt=1).exists()  # no free version through the office


def test_a_stopped_office_link_sends_the_office_nothing_more(
    client, demo_catalog, local_payments, django_capture_on_commit_callbacks
):
    case_url, _office_url = _office_done(client)
    client.post(case_url + "clinical/", {"action": "revoke"})
    assert Case.objects.get().office_revoked_at is not None
    mail.outbox.clear()
    order = _paid_and_rendered(client, case_url, PATIENT["email"], django_capture_on_commit_callbacks)
    assert not LetterShare.objects.filter(letter=order.letter).exists()
    assert all("frontdesk@hillcountry.example" not in message.to for message in mail.outbox)


def test_filling_it_in_oneself_stops_the_offices_link(client, demo_catalog):
    case_url = open_case(client)
    patient_part(client, case_url)
    office_url = send_to_office(client, case_url, office_email="")
    client.post(case_url + "clinical/", {"action": "self"})
    assert client.get(office_url).status_code == 404
    assert Case.objects.get().clinical_by == Case.ClinicalBy.PATIENT


def test_a_paid_case_is_deleted_only_from_its_letters_page(
    client, demo_catalog, local_payments, django_capture_on_commit_callbacks
):
    case, case_url = opened_case()
    answer_every_step(case)
    order = _paid_and_rendered(client, case_url, PATIENT["email"], django_capture_on_commit_callbacks)
    response = client.post(case_url + "delete/", {"confirm": "yes"})
    assert response["Location"] == order.status_path()
    assert Case.objects.get().purged_at is None


def test_a_mail_server_failure_loses_no_link_and_the_person_is_told_later(client, demo_catalog, monkeypatch):
    case_url = open_case(client)
    patient_part(client, case_url)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("appeals.web.wizard.send_mail", refuse)
    response = client.post(case_url + "clinical/", {"action": "office", "office_email": "frontdesk@hillcountry.example"})
    assert response.status_code == 200 and response.context["office_link"]
    page = text(response)
    assert "We could not email it to frontdesk@hillcountry.example" in page and "We emailed it" not in page
    office_url = response.context["office_link"].split("testserver", 1)[1]
    answer_clinical(client, office_url)
    assert Case.objects.get().clinical_done_notified_at is None  # not sent, so not marked
    monkeypatch.undo()
    client.post(office_url + "prescriber/", answers_for("prescriber", client.get(office_url + "prescriber/").context["form"]))
    assert Case.objects.get().clinical_done_notified_at is not None


def test_the_offices_finish_later_page_gives_its_own_end_date(client, demo_catalog):
    case_url = open_case(client)
    patient_part(client, case_url)
    office_url = send_to_office(client, case_url, office_email="")
    ends = timezone.localtime(Case.objects.get().office_link_expires_at)  # the day where the site is, as the page says it
    page = text(client.get(office_url + "later/"))
    assert f"opens the clinical part again, on any device, until {ends:%B} {ends.day}, {ends.year}" in page
    assert "each change moves that date on" not in page and "Delete the case" not in page
