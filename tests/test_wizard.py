"""The intake wizard's first steps: opening a case, plan and denial, patient,
review; saved progress, links and validation."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.db import connection
from django.utils import timezone

from appeals.models import Case
from tests.support.wizard_answers import OFFICE, PATIENT, days_from_today

pytestmark = pytest.mark.django_db

PLAN = {"plan_type": "employer-fully-insured", "notice_date": days_from_today(-10)}


def open_case(client, **choice) -> str:
    data = {"drug": "anifrolumab", "payer": "cigna", "denial": "step-therapy", "promo": "SEO25", **choice}
    response = client.post("/start/", data)
    assert response.status_code == 302
    return response["Location"]  # /case/<token>/


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_start_is_prefilled_from_a_landing_page_link(client, demo_catalog):
    landing = page(client.get("/appeal/anifrolumab/cigna/step-therapy/"))
    start_link = html.unescape(re.search(r'<a class="button" href="([^"]+)"', landing).group(1))
    response = client.get(start_link)
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["drug"].value(), form["payer"].value(), form["denial"].value(), form["promo"].value()) == (
        "Anifrolumab",
        "Cigna",
        "step-therapy",
        "SEO25",
    )
    assert Case.objects.count() == 0  # looking is not opening


def test_start_with_unknown_choices_asks_for_them(client, demo_catalog):
    response = client.get("/start/", {"drug": "no-such-drug", "payer": "cigna"})
    assert response.status_code == 200
    response = client.post("/start/", {"drug": "no-such-drug", "payer": "cigna", "denial": ""})
    assert response.status_code == 200 and Case.objects.count() == 0
    assert "The drug “no-such-drug” is not in our list" in page(response) and "This field is required" in page(response)


def test_the_steps_run_in_order(client, demo_catalog):
    case_url = open_case(client)
    assert client.get(case_url)["Location"] == case_url + "plan/"
    # The patient step cannot be reached before the plan step is answered.
    assert client.get(case_url + "patient/")["Location"] == case_url
    assert client.get(case_url + "review/")["Location"] == case_url + "plan/"
    assert client.get(case_url + "payment/")["Location"] == case_url + "plan/"

    assert client.post(case_url + "plan/", PLAN)["Location"] == case_url
    assert client.get(case_url)["Location"] == case_url + "patient/"
    assert client.post(case_url + "patient/", PATIENT)["Location"] == case_url
    assert client.get(case_url)["Location"] == case_url + "office/"
    assert client.post(case_url + "office/", OFFICE)["Location"] == case_url
    # The patient part is done: the person chooses who fills in the clinical part.
    assert client.get(case_url)["Location"] == case_url + "clinical/"
    assert client.post(case_url + "clinical/", {"action": "self"})["Location"] == case_url
    assert client.get(case_url)["Location"] == case_url + "diagnosis/"
    body = page(client.get(case_url + "diagnosis/"))
    assert "File the appeal with the plan" in body  # deadlines on every step


def test_answers_survive_going_back_and_forward(client, demo_catalog):
    case_url = open_case(client)
    client.post(case_url + "plan/", PLAN)
    client.post(case_url + "patient/", {**PATIENT, "back": "1"})
    form = client.get(case_url + "plan/").context["form"]
    assert form["plan_type"].value() == "employer-fully-insured"
    form = client.get(case_url + "patient/").context["form"]
    assert form["member_id"].value() == "CGX7734120" and form["birth_date"].value() == "1981-04-17"


def test_save_and_go_back_returns_to_the_previous_step(client, demo_catalog):
    case_url = open_case(client)
    client.post(case_url + "plan/", PLAN)
    assert client.post(case_url + "patient/", {**PATIENT, "back": "1"})["Location"] == case_url + "plan/"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"notice_date": days_from_today(1)}, "notice_date", "cannot be in the future"),
        ({"notice_date": "1999-12-31"}, "notice_date", "too long ago"),
        ({"notice_date": "2026-02-30"}, "notice_date", "Enter a valid date"),
        (
            {"notice_received_on": days_from_today(-20)},
            "notice_received_on",
            "before the date on it",
        ),
        (
            {"notice_received_on": days_from_today(2)},
            "notice_received_on",
            "cannot be in the future",
        ),
        ({"plan_type": "medicare-part-d"}, "plan_type", "Select a valid choice"),  # Cigna does not sell it
        ({"claim_number": "x" * 65}, "claim_number", "at most 64 characters"),
    ],
)
def test_plan_step_refuses_bad_answers_and_keeps_what_was_typed(client, demo_catalog, changes, field, message):
    case_url = open_case(client)
    data = {**PLAN, "claim_number": "CLM-2231", **changes}
    response = client.post(case_url + "plan/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert form["claim_number"].value() == data["claim_number"]  # nothing typed is lost
    assert 'role="alert"' in response.content.decode()
    assert Case.objects.get().step_answers("plan") is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"birth_date": days_from_today(1)}, "birth_date", "cannot be in the future"),
        ({"birth_date": "1890-01-01"}, "birth_date", "more than 125 years ago"),
        ({"member_id": ""}, "member_id", "required"),
        ({"member_id": "M" * 41}, "member_id", "at most 40 characters"),
        ({"patient_name": "N" * 121}, "patient_name", "at most 120 characters"),
        ({"state": "ZZ"}, "state", "Select a valid choice"),
        ({"email": "maria@"}, "email", "valid email"),
    ],
)
def test_patient_step_refuses_bad_answers(client, demo_catalog, changes, field, message):
    case_url = open_case(client)
    client.post(case_url + "plan/", PLAN)
    response = client.post(case_url + "patient/", {**PATIENT, **changes})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert response.context["form"]["patient_name"].value() == {**PATIENT, **changes}["patient_name"]


def test_deadlines_show_from_the_first_answer_with_a_warning_when_passed(client, demo_catalog):
    case_url = open_case(client, payer="molina", drug="upadacitinib")
    client.post(case_url + "plan/", {"plan_type": "medicaid-managed-care", "notice_date": "2025-01-02"})
    body = client.get(case_url + "patient/").content.decode()
    assert 'role="alert"' in body and "(passed)" in body
    assert "new coverage request" in body and "42 CFR 438.402(c)(2)(ii)" in body


def test_not_sure_uses_the_earliest_filing_deadline_of_the_payers_plan_types(client, demo_catalog):
    case_url = open_case(client, payer="humana", drug="anifrolumab")
    client.post(case_url + "plan/", {"plan_type": "not-sure", "notice_date": PLAN["notice_date"]})
    response = client.get(case_url + "patient/")
    assert response.context["deadlines_for"] == "Medicare Advantage (Part B drug)"  # 60 days beats Part D's 65
    assert "You chose “Not sure” for the plan type" in page(response)


def test_a_case_opens_only_through_its_own_unexpired_link(client, demo_catalog):
    first = open_case(client)
    second = open_case(client, payer="aetna")
    client.post(first + "plan/", PLAN)
    assert client.get(second + "patient/")["Location"] == second  # the other case is still at its first step
    for bad in ("/case/not-a-token/", "/case/" + "A" * 43 + "/plan/", first[:-5] + "x/plan/", "/case/" + "x" * 500 + "/"):
        assert client.get(bad).status_code == 404
    Case.objects.filter(pk=Case.objects.order_by("pk").first().pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(first).status_code == 404


def test_patient_data_is_encrypted_in_the_database(client, demo_catalog):
    case_url = open_case(client)
    client.post(case_url + "plan/", {**PLAN, "claim_number": "CLM-998877"})
    client.post(case_url + "patient/", PATIENT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM appeals_case")
        row = " ".join(str(value) for value in cursor.fetchone())
    for secret in ("Maria", "Quintana", "CGX7734120", "1981-04-17", "maria@example.org", "CLM-998877", "member_id"):
        assert secret not in row
    token = case_url.strip("/").split("/")[-1]
    assert token not in row  # only its digest is stored
    assert Case.objects.by_token(token).step_answers("patient")["member_id"] == "CGX7734120"


def test_case_pages_are_private_and_not_indexed(client, demo_catalog):
    case_url = open_case(client)
    response = client.get(case_url + "plan/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert "Disallow: /case/" in client.get("/robots.txt").content.decode()


def test_an_unknown_step_is_404(client, demo_catalog):
    case_url = open_case(client)
    assert client.get(case_url + "no-such-step/").status_code == 404
