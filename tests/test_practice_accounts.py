"""A practice's accounts: signing up with a second factor, signing in, invitations,
roles, adding a case opened through the office's link, the audit of the wizard's
pages, and saved prescribers."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from appeals.models import AuditEntry, Invitation, Membership, Practice, PracticeCase, Prescriber
from appeals.web.practice import SESSION_SECONDS
from tests.support.cases import answer_every_step, opened_case
from tests.support.practices import code_for, make_member, sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-practice-password"


def sign_up(client, email="admin@hillcountry.example"):
    return client.post(
        "/practice/signup/",
        {
            "practice_name": "Hill Country Rheumatology",
            "full_name": "Rosa Admin",
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_signing_up_makes_the_practice_and_asks_for_the_authenticator_app(client):
    response = sign_up(client)
    assert response["Location"] == "/practice/two-factor/"
    membership = Membership.objects.get()
    assert (membership.role, membership.practice.name) == ("admin", "Hill Country Rheumatology")
    # Signed in, but not verified: the practice's pages send the member to the app's setup.
    assert client.get("/practice/members/")["Location"] == "/practice/two-factor/"
    page = client.get("/practice/two-factor/").content.decode()
    assert "<svg" in page and "Key:" in page
    device = TOTPDevice.objects.get(user=membership.user)
    response = client.post("/practice/two-factor/", {"code": code_for(device)})
    assert response["Location"] == "/practice/cases/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/practice/members/").status_code == 200
    assert client.session.get_expiry_age() <= SESSION_SECONDS


def test_a_wrong_code_does_not_enroll_the_app(client):
    sign_up(client)
    client.get("/practice/two-factor/")
    response = client.post("/practice/two-factor/", {"code": "000000"})
    assert response.status_code == 400 and "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get("/practice/members/")["Location"] == "/practice/two-factor/"


def test_a_taken_email_or_a_weak_password_is_refused_and_what_was_typed_is_kept(client):
    sign_up(client)
    client.logout()
    response = sign_up(client)
    assert response.status_code == 400 and "already a login with this email" in response.content.decode()
    assert 'value="Hill Country Rheumatology"' in response.content.decode()
    weak = client.post(
        "/practice/signup/",
        {"practice_name": "P", "full_name": "N", "email": "x@example.com", "password1": "123", "password2": "123"},
    )
    assert weak.status_code == 400 and Practice.objects.count() == 1


def test_signing_in_needs_the_password_and_the_code(client):
    practice = Practice.objects.create(name="Hill Country Rheumatology")
    member = make_member(practice, "front@hillcountry.example")
    device = TOTPDevice.objects.get(user=member.user)
    without = client.post("/practice/login/", {"username": member.user.email, "password": PASSWORD})
    assert without.status_code == 200 and "Enter the six-digit code" in without.content.decode()
    right = client.post("/practice/login/", {"username": member.user.email, "password": PASSWORD, "otp_token": code_for(device)})
    assert right["Location"] == "/practice/cases/"
    assert client.get("/practice/prescribers/").status_code == 200


def test_a_wrong_code_does_not_sign_in(client):
    member = make_member(Practice.objects.create(name="P"), "front@p.example")
    wrong = client.post("/practice/login/", {"username": member.user.email, "password": PASSWORD, "otp_token": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/practice/prescribers/")["Location"].startswith("/practice/login/")


def test_an_invitation_joins_once_with_its_role(client):
    practice = Practice.objects.create(name="Hill Country Rheumatology")
    admin = make_member(practice, "admin@hillcountry.example", role="admin")
    sign_in(client, admin)
    mail.outbox.clear()
    assert client.post("/practice/members/", {"email": "nurse@hillcountry.example", "role": "staff"}).status_code == 302
    (message,) = mail.outbox
    link = re.search(r"http\S+/practice/join/\S+/", message.body).group(0)
    path = link.split("localhost", 1)[-1].split("testserver", 1)[-1]
    path = path[path.index("/practice/") :]
    client.logout()
    assert "Join Hill Country Rheumatology" in client.get(path).content.decode()
    response = client.post(path, {"full_name": "Nia Nurse", "password1": PASSWORD, "password2": PASSWORD})
    assert response["Location"] == "/practice/two-factor/"
    joined = Membership.objects.get(user__email="nurse@hillcountry.example")
    assert (joined.practice, joined.role) == (practice, "staff")
    client.logout()
    assert client.get(path).status_code == 404  # used


def test_an_expired_invitation_does_not_open(client):
    practice = Practice.objects.create(name="P")
    admin = make_member(practice, "admin@p.example", role="admin")
    _, token = Invitation.make(practice, email="late@p.example", role="staff", by=admin.user)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(f"/practice/join/{token}/").status_code == 404


def test_only_an_administrator_invites_or_reads_the_audit_log(client):
    practice = Practice.objects.create(name="P")
    staff = make_member(practice, "staff@p.example", role="staff")
    sign_in(client, staff)
    assert client.get("/practice/members/").status_code == 403
    assert client.get("/practice/audit/").status_code == 403
    assert client.get("/practice/audit.csv").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get("/practice/members/")["Location"].startswith("/practice/login/?next=")


@pytest.fixture
def office_link(client, demo_catalog):
    """A case whose patient part is answered, and its office's link (a path)."""
    case, _ = opened_case()
    answer_every_step(case)
    return case, f"/case/{case.open_office_link()}/"


def test_a_member_adds_a_case_opened_through_the_office_link_and_its_pages_are_audited(client, office_link):
    case, link = office_link
    practice = Practice.objects.create(name="Hill Country Rheumatology")
    member = make_member(practice, "front@hillcountry.example")
    sign_in(client, member)
    page = client.get(link + "diagnosis/").content.decode()
    assert "Add this case to Hill Country Rheumatology" in page
    token = link.strip("/").split("/")[-1]
    response = client.post(f"/practice/claim/{token}/")
    row = PracticeCase.objects.get(case=case)
    assert response["Location"] == f"/practice/cases/{row.pk}/"
    assert row.practice == practice and row.office_token_encrypted == token
    client.get(link + "diagnosis/")
    assert list(AuditEntry.objects.filter(practice=practice).order_by("pk").values_list("action", "detail")) == [
        ("added", ""),
        ("edited", "diagnosis"),
    ]
    # Another practice's member: the case is not theirs to add.
    other = make_member(Practice.objects.create(name="Elsewhere"), "x@elsewhere.example")
    sign_in(client, other)
    assert "in another practice's list" in client.get(link + "diagnosis/").content.decode()
    client.post(f"/practice/claim/{token}/")
    assert PracticeCase.objects.get(case=case).practice == practice
    assert not AuditEntry.objects.filter(practice__name="Elsewhere").exists()


def test_a_saved_prescriber_fills_in_the_prescriber_step(client, office_link):
    case, link = office_link
    practice = Practice.objects.create(name="Hill Country Rheumatology")
    member = make_member(practice, "front@hillcountry.example")
    sign_in(client, member)
    details = {
        "name": "Lena Ortiz", "credentials": "MD", "specialty": "Rheumatology", "npi": "1234567893",
        "practice_name": "Hill Country Rheumatology", "address_line1": "1200 Main Street", "address_line2": "",
        "city": "Austin", "state": "TX", "zip_code": "78701", "phone": "(512) 555-0142", "fax": "(512) 555-0143",
    }  # fmt: skip
    assert client.post("/practice/prescribers/", {**details, "npi": "1234567890"}).status_code == 400  # check digit
    assert client.post("/practice/prescribers/", details).status_code == 302
    assert client.post("/practice/prescribers/", details).status_code == 400  # the same NPI twice
    token = link.strip("/").split("/")[-1]
    client.post(f"/practice/claim/{token}/")
    prescriber = Prescriber.objects.get()
    assert "Use a prescriber your practice saved" in client.get(link + "prescriber/").content.decode()
    response = client.post(f"/practice/use-prescriber/{token}/", {"prescriber": prescriber.pk})
    assert response["Location"] == link + "prescriber/"
    case.refresh_from_db()
    assert (case.typed_answers.prescriber.prescriber_name, case.typed_answers.prescriber.npi) == ("Lena Ortiz", "1234567893")
    assert client.post(f"/practice/use-prescriber/{token}/", {"prescriber": "not-a-number"}).status_code == 404


def test_the_practice_starts_a_case_and_invites_the_patient_to_their_part(client, demo_catalog):
    practice = Practice.objects.create(name="Hill Country Rheumatology")
    member = make_member(practice, "front@hillcountry.example")
    sign_in(client, member)
    mail.outbox.clear()
    data = {"drug": "", "payer": "", "denial_type": "", "patient_email": "maria@example.com"}
    assert client.post("/practice/cases/new/", data).status_code == 400
    from appeals.models import DenialType, Drug, Payer

    data.update(
        drug=Drug.objects.get(slug="anifrolumab").pk,
        payer=Payer.objects.get(slug="cigna").pk,
        denial_type=DenialType.objects.get(slug="step-therapy").pk,
    )
    response = client.post("/practice/cases/new/", data)
    row = PracticeCase.objects.get()
    assert response["Location"] == f"/practice/cases/{row.pk}/"
    (message,) = mail.outbox
    assert message.to == ["maria@example.com"] and "Hill Country Rheumatology" in message.subject
    patient_link = re.search(r"/case/[^/\s]+/", message.body).group(0)
    # The patient's link opens the patient's part; the practice keeps the office's link for its own.
    assert client.get(patient_link).status_code in (200, 302)
    assert row.office_token_encrypted and not row.person_token_encrypted
    assert row.case.clinical_by == "office"


def test_the_practice_fills_in_both_parts_through_the_cases_own_link(client, demo_catalog):
    from appeals.models import DenialType, Drug, Payer

    practice = Practice.objects.create(name="Hill Country Rheumatology")
    sign_in(client, make_member(practice, "front@hillcountry.example"))
    data = {
        "drug": Drug.objects.get(slug="anifrolumab").pk,
        "payer": Payer.objects.get(slug="cigna").pk,
        "denial_type": DenialType.objects.get(slug="step-therapy").pk,
        "patient_email": "",
    }
    response = client.post("/practice/cases/new/", data)
    row = PracticeCase.objects.get()
    assert response["Location"] == f"/case/{row.person_token_encrypted}/"
    opened = client.post(f"/practice/cases/{row.pk}/open/")
    assert opened["Location"] == f"/case/{row.person_token_encrypted}/"


# --- What the security review found ---------------------------------------------------


def test_a_member_who_did_not_finish_the_app_setup_is_sent_back_to_it_within_a_week(client):
    sign_up(client)
    client.logout()
    response = client.post("/practice/login/", {"username": "ADMIN@hillcountry.example", "password": PASSWORD})
    assert response["Location"] == "/practice/two-factor/"
    assert client.get("/practice/members/")["Location"] == "/practice/two-factor/"
    client.logout()
    Membership.objects.update(joined_at=timezone.now() - datetime.timedelta(days=8))
    late = client.post("/practice/login/", {"username": "admin@hillcountry.example", "password": PASSWORD})
    assert late.status_code == 200 and "No authenticator app is enrolled" in late.content.decode()


def test_signing_in_from_a_form_returns_to_the_list_not_to_the_form(client, office_link):
    _, link = office_link
    token = link.strip("/").split("/")[-1]
    response = client.post(f"/practice/claim/{token}/")
    assert response["Location"] == "/practice/login/?next=%2Fpractice%2Fcases%2F"


def test_link_tokens_in_the_practices_paths_are_kept_out_of_logs():
    from appeals.core.phi import redact

    token = "Iw6YNSL9-6IrD1kkHh4tpM6RoPZBoqmSvFNhTJVwA5A"
    for path in (f"/practice/join/{token}/", f"/practice/claim/{token}/", f"/practice/use-prescriber/{token}/"):
        assert token not in redact(f"Bad Request: {path}")
    assert token not in redact(f"/practice/login/?next=%2Fpractice%2Fclaim%2F{token}%2F")


def test_a_public_page_does_not_vary_on_the_cookie(client, demo_catalog):
    assert "Cookie" not in client.get("/").get("Vary", "")


def test_an_administrator_removes_a_member_and_cancels_an_invitation(client):
    practice = Practice.objects.create(name="P")
    admin = make_member(practice, "admin@p.example", role="admin")
    leaving = make_member(practice, "leaving@p.example")
    other = Client()
    sign_in(other, leaving)
    assert other.get("/practice/prescribers/").status_code == 200
    sign_in(client, admin)
    invitation, _ = Invitation.make(practice, email="new@p.example", role="staff", by=admin.user)
    client.post("/practice/members/", {"cancel": invitation.pk})
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    client.post("/practice/members/", {"remove": leaving.pk})
    assert not Membership.objects.filter(pk=leaving.pk).exists()
    assert other.get("/practice/prescribers/")["Location"].startswith("/practice/login/")
    assert client.post("/practice/members/", {"remove": admin.pk}).status_code == 302
    assert Membership.objects.filter(pk=admin.pk).exists()  # not oneself
    assert client.post("/practice/members/", {"remove": "x"}).status_code == 404


def test_a_case_the_practice_fills_in_whole_is_audited_and_offers_saved_prescribers(client, demo_catalog):
    from appeals.models import DenialType, Drug, Payer

    practice = Practice.objects.create(name="Hill Country Rheumatology")
    sign_in(client, make_member(practice, "front@hillcountry.example"))
    Prescriber.objects.create(
        practice=practice, name="Lena Ortiz", credentials="MD", specialty="Rheumatology", npi="1234567893",
        practice_name="Hill Country Rheumatology", address_line1="1200 Main Street", city="Austin", state="TX",
        zip_code="78701", phone="(512) 555-0142",
    )  # fmt: skip
    data = {
        "drug": Drug.objects.get(slug="anifrolumab").pk,
        "payer": Payer.objects.get(slug="cigna").pk,
        "denial_type": DenialType.objects.get(slug="step-therapy").pk,
        "patient_email": "",
    }
    case_link = client.post("/practice/cases/new/", data)["Location"]
    row = PracticeCase.objects.get()
    answer_every_step(row.case)
    page = client.get(case_link + "prescriber/").content.decode()
    assert "Use a prescriber your practice saved" in page
    assert AuditEntry.objects.filter(action="edited", detail="prescriber").exists()
    client.get(case_link + "no-such-step/")
    assert not AuditEntry.objects.filter(detail="no-such-step").exists()  # only pages that were shown


def test_a_patient_invitation_that_cannot_be_emailed_says_so(client, demo_catalog, monkeypatch):
    from appeals.models import DenialType, Drug, Payer

    practice = Practice.objects.create(name="P")
    sign_in(client, make_member(practice, "front@p.example"))

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("appeals.practices.accounts.send_mail", broken)
    data = {
        "drug": Drug.objects.get(slug="anifrolumab").pk,
        "payer": Payer.objects.get(slug="cigna").pk,
        "denial_type": DenialType.objects.get(slug="step-therapy").pk,
        "patient_email": "maria@example.com",
    }
    response = client.post("/practice/cases/new/", data, follow=True)
    assert "could not be sent" in response.content.decode()
    assert PracticeCase.objects.count() == 1
