"""The wizard end to end: every demo denial type asks its own questions and no
others, and every validation rule of every step answers at its field."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.core import mail

from appeals.models import Case, Criterion
from tests.support.wizard_answers import (
    PATIENT,
    PRESCRIBER,
    VALID_NPI,
    answers_for,
    days_ago,
    days_from_today,
    formset,
    today,
)

pytestmark = pytest.mark.django_db

ALWAYS = ["plan", "patient", "office", "diagnosis", "drug", "criteria", "prescriber"]
# What each demo denial type needs on top (its intake sections), in wizard order.
EXPECTED_STEPS = {
    "step-therapy": ["plan", "patient", "office", "diagnosis", "drug", "treatments", "criteria", "prescriber"],
    "not-fda-approved": ["plan", "patient", "office", "diagnosis", "evidence", "drug", "treatments", "criteria", "prescriber"],
    "quantity-limit": ["plan", "patient", "office", "diagnosis", "drug", "treatments", "criteria", "prescriber"],
    "medical-necessity": ["plan", "patient", "office", "diagnosis", "drug", "treatments", "criteria", "prescriber"],
    "non-formulary": ["plan", "patient", "office", "diagnosis", "drug", "treatments", "alternatives", "criteria", "prescriber"],
    # The letter's medical case tells what each earlier drug did, so every denial type asks for them.
    "site-of-care": ["plan", "patient", "office", "diagnosis", "drug", "treatments", "authorization", "criteria", "prescriber"],
    "experimental": ["plan", "patient", "office", "diagnosis", "evidence", "drug", "treatments", "criteria", "prescriber"],
}
# A demo combination for each, with feed criteria where the demo has them.
COMBINATION = {
    "step-therapy": ("jak-inhibitor", "cigna"),
    "not-fda-approved": ("anifrolumab", "cigna"),
    "quantity-limit": ("anifrolumab", "cigna"),
    "medical-necessity": ("pembrolizumab", "fep-blue"),
    "non-formulary": ("nivolumab", "aetna"),
    "site-of-care": ("atezolizumab", "anthem"),
    "experimental": ("anifrolumab", "cigna"),  # no criteria in the feed: the notice's reasons are typed in
}


def open_case(client, drug="anifrolumab", payer="cigna", denial="step-therapy", promo="SEO25") -> str:
    response = client.post("/start/", {"drug": drug, "payer": payer, "denial": denial, "promo": promo})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return response["Location"]


def text(response) -> str:
    return html.unescape(response.content.decode())


def walk(client, case_url: str, stop_before: str | None = None) -> list[str]:
    """Answer each step the wizard sends us to; returns the steps in order."""
    visited = []
    for _ in range(20):
        location = client.get(case_url)["Location"]
        if location.endswith("/review/"):
            return visited
        if location.endswith("/clinical/"):
            # The patient part is done: this person fills in the clinical part too.
            assert client.post(location, {"action": "self"})["Location"] == case_url
            continue
        step = location.rstrip("/").split("/")[-1]
        if step == stop_before:
            return visited
        form = client.get(location).context["form"]
        response = client.post(location, answers_for(step, form))
        assert response.status_code == 302, (step, response.context["form"].errors)
        visited.append(step)
    raise AssertionError("the wizard did not end")


def test_the_demo_catalog_has_the_denial_types_this_test_expects(demo_catalog):
    from appeals.models import DenialType

    assert set(DenialType.objects.values_list("slug", flat=True)) == set(EXPECTED_STEPS)


@pytest.mark.parametrize("denial", sorted(EXPECTED_STEPS))
def test_each_denial_type_asks_its_own_questions_and_ends_at_payment(client, demo_catalog, denial):
    drug, payer = COMBINATION[denial]
    case_url = open_case(client, drug=drug, payer=payer, denial=denial)
    assert walk(client, case_url) == EXPECTED_STEPS[denial]

    case = Case.objects.get()
    diagnosis_form = client.get(case_url + "diagnosis/").context["form"]
    drug_form = client.get(case_url + "drug/").context["form"]
    criteria = list(Criterion.objects.filter(drug__slug=drug, payer__slug=payer, denial_type__slug=denial))
    # The activity score is asked of every case (the medical case argues from it); severity is
    # required only where the denial type or a severity criterion calls for it.
    asks_activity = "disease_activity" in case.denial_type.intake_sections or any(c.kind == "severity" for c in criteria)
    assert diagnosis_form.fields["severity"].required == asks_activity
    assert {"activity_measure", "activity_score", "earlier_activity_score"} <= set(diagnosis_form.fields)
    assert ("quantity_limit" in drug_form.fields) == (denial == "quantity-limit")
    assert ("site" in drug_form.fields) == (denial == "site-of-care")
    assert ("product" in drug_form.fields) == case.drug.is_class
    assert (
        case.step_answers("criteria")["items"] == []
        if not criteria
        else len(case.step_answers("criteria")["items"]) == len(criteria)
    )

    review = client.get(case_url + "review/")
    body = text(review)
    for shown in (
        "Maria Quintana-Reyes",
        "CGX7734120",
        "M32.14",
        "Glomerular disease in systemic lupus erythematosus",
        "Lena Ortiz",
        VALID_NPI,
    ):
        assert shown in body
    for criterion in criteria:
        assert criterion.requirement in body  # in the review table and the letter's criteria table
    assert "Your letter (preview)" in body and "Continue to payment — $30" in body
    assert ("The request is for treatment at" in body) == (denial == "site-of-care")
    assert ("The plan limits" in body and "the prescription is for" in body) == (denial == "quantity-limit")
    payment = client.post(case_url + "review/")
    assert payment["Location"] == case_url + "payment/"
    assert "$30" in text(client.get(payment["Location"]))


def test_a_class_asks_which_member_agent(client, demo_catalog):
    case_url = open_case(client, drug="jak-inhibitor")
    walk(client, case_url, stop_before="drug")
    form = client.get(case_url + "drug/").context["form"]
    members = set(form.fields["product"].queryset.values_list("slug", flat=True))
    assert members == {"tofacitinib", "baricitinib", "upadacitinib"}
    response = client.post(case_url + "drug/", {**answers_for("drug", form), "product": "anifrolumab"})
    assert "Select a valid choice" in " ".join(response.context["form"].errors["product"])
    client.post(case_url + "drug/", {**answers_for("drug", form), "product": "baricitinib"})
    walk(client, case_url)
    assert "<dt>Which product exactly?</dt><dd>Baricitinib</dd>" in text(client.get(case_url + "review/"))


# --- Diagnosis --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("M3", "is a letter, two characters"),
        ("32.14", "is a letter, two characters"),
        ("M32.14567", "is a letter, two characters"),
        ("M32.1", "is a category; the payer needs the complete code, such as M32.10"),
        ("M32.99", "M32.99 is not in the ICD-10-CM code set"),
        ("", "required"),
    ],
)
def test_diagnosis_code_is_checked_for_form_and_existence(client, demo_catalog, code, message):
    case_url = open_case(client)
    walk(client, case_url, stop_before="diagnosis")
    form = client.get(case_url + "diagnosis/").context["form"]
    response = client.post(case_url + "diagnosis/", {**answers_for("diagnosis", form), "icd10_code": code})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["icd10_code"])
    assert response.context["form"]["activity_measure"].value() == "SLEDAI-2K"  # kept


def test_diagnosis_code_is_normalised_and_stored_with_its_description(client, demo_catalog):
    case_url = open_case(client)
    walk(client, case_url, stop_before="drug")
    answers = Case.objects.get().step_answers("diagnosis")
    assert answers["icd10_code"] == "M32.14"
    assert answers["icd10_description"] == "Glomerular disease in systemic lupus erythematosus"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"activity_score": ""}, "activity_score", "together"),
        ({"activity_measure": "", "activity_score": "", "activity_measured_on": "", "severity": ""}, "severity", "required"),
        (
            {"activity_measured_on": days_from_today(3)},
            "activity_measured_on",
            "cannot be in the future",
        ),
        ({"diagnosed_on": days_from_today(1)}, "diagnosed_on", "cannot be in the future"),
        ({"activity_measure": "x" * 81}, "activity_measure", "at most 80 characters"),
    ],
)
def test_disease_activity_rules(client, demo_catalog, changes, field, message):
    case_url = open_case(client)
    walk(client, case_url, stop_before="diagnosis")
    form = client.get(case_url + "diagnosis/").context["form"]
    response = client.post(case_url + "diagnosis/", {**answers_for("diagnosis", form), **changes})
    assert message in " ".join(response.context["form"].errors[field])


def test_activity_may_be_left_out_entirely(client, demo_catalog):
    case_url = open_case(client)
    walk(client, case_url, stop_before="diagnosis")
    data = {"icd10_code": "M32.14", "severity": "severe"}
    assert client.post(case_url + "diagnosis/", data).status_code == 302


# --- Supporting evidence, requested drug, authorization ------------------------------------


def test_off_label_denial_needs_some_evidence(client, demo_catalog):
    case_url = open_case(client, denial="not-fda-approved")
    walk(client, case_url, stop_before="evidence")
    response = client.post(case_url + "evidence/", {"compendia": [], "guidelines": "", "literature": ""})
    assert "name at least one compendium, guideline or study" in text(response)
    response = client.post(case_url + "evidence/", {"compendia": ["no-such-compendium"]})
    assert "Select a valid choice" in " ".join(response.context["form"].errors["compendia"])
    response = client.post(case_url + "evidence/", {"literature": "x" * 2001})
    assert "at most 2000 characters" in " ".join(response.context["form"].errors["literature"])


@pytest.mark.parametrize(
    ("denial", "changes", "field", "message"),
    [
        ("step-therapy", {"dose": ""}, "dose", "required"),
        ("step-therapy", {"dose": "9" * 81}, "dose", "at most 80 characters"),
        ("step-therapy", {"route": "nasal"}, "route", "Select a valid choice"),
        ("quantity-limit", {"quantity_reason": ""}, "quantity_reason", "required"),
        ("site-of-care", {"site": ""}, "site", "required"),
        ("site-of-care", {"site_reason": "y" * 1501}, "site_reason", "at most 1500 characters"),
    ],
)
def test_requested_drug_rules(client, demo_catalog, denial, changes, field, message):
    drug = "atezolizumab" if denial == "site-of-care" else "anifrolumab"
    payer = "anthem" if denial == "site-of-care" else "cigna"
    case_url = open_case(client, drug=drug, payer=payer, denial=denial)
    walk(client, case_url, stop_before="drug")
    form = client.get(case_url + "drug/").context["form"]
    response = client.post(case_url + "drug/", {**answers_for("drug", form), **changes})
    assert message in " ".join(response.context["form"].errors[field])


def test_authorization_history_rules(client, demo_catalog):
    case_url = open_case(client, drug="atezolizumab", payer="anthem", denial="site-of-care")
    walk(client, case_url, stop_before="authorization")
    response = client.post(case_url + "authorization/", {"previously_approved": "maybe"})
    assert "Select a valid choice" in " ".join(response.context["form"].errors["previously_approved"])
    response = client.post(case_url + "authorization/", {"previously_approved": "no", "authorization_number": "A" * 65})
    assert "at most 64 characters" in " ".join(response.context["form"].errors["authorization_number"])


# --- Prior treatments and alternatives ----------------------------------------------------

TREATMENT = {
    "drug": "Methotrexate",
    "dose": "15 mg weekly",
    "started_on": "2021-01-04",
    "stopped_on": "2022-02-01",
    "outcome": "intolerance",
}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"stopped_on": "2020-12-31"}, "stopped_on", "before the start date"),
        (
            {"started_on": days_from_today(1), "stopped_on": ""},
            "started_on",
            "cannot be in the future",
        ),
        ({"stopped_on": days_from_today(1)}, "stopped_on", "cannot be in the future"),
        ({"outcome": "felt-fine"}, "outcome", "Select a valid choice"),
        ({"outcome": ""}, "outcome", "required"),
        ({"started_on": "2021-02-30"}, "started_on", "Enter a valid date"),
        ({"notes": "n" * 1001}, "notes", "at most 1000 characters"),
        ({"drug": ""}, "drug", "required"),
    ],
)
def test_prior_treatment_rules(client, demo_catalog, changes, field, message):
    case_url = open_case(client)
    walk(client, case_url, stop_before="treatments")
    response = client.post(case_url + "treatments/", formset("treatments", [{**TREATMENT, **changes}]))
    assert response.status_code == 200
    row = response.context["form"].forms[0]
    assert message in " ".join(row.errors[field])
    assert row["drug"].value() == {**TREATMENT, **changes}["drug"]  # kept


def test_treatments_are_added_removed_and_bounded(client, demo_catalog):
    case_url = open_case(client)
    walk(client, case_url, stop_before="treatments")
    # "Add another" keeps the typed row (even unfinished) and offers one more.
    unfinished = {**TREATMENT, "outcome": ""}
    assert client.post(case_url + "treatments/", {**formset("treatments", [unfinished]), "add": "1"}).status_code == 302
    formset_shown = client.get(case_url + "treatments/").context["form"]
    assert len(formset_shown.forms) == 2 and formset_shown.forms[0]["drug"].value() == "Methotrexate"
    # Two rows saved, then one removed.
    two = formset("treatments", [TREATMENT, {**TREATMENT, "drug": "Azathioprine"}])
    assert client.post(case_url + "treatments/", two).status_code == 302
    assert [t["drug"] for t in Case.objects.get().step_answers("treatments")["items"]] == ["Methotrexate", "Azathioprine"]
    removal = formset("treatments", [TREATMENT, {**TREATMENT, "drug": "Azathioprine", "DELETE": "on"}], initial=2)
    assert client.post(case_url + "treatments/", removal).status_code == 302
    assert [t["drug"] for t in Case.objects.get().step_answers("treatments")["items"]] == ["Methotrexate"]
    # No more than 20.
    response = client.post(case_url + "treatments/", formset("treatments", [TREATMENT] * 21))
    assert response.status_code == 200 and "20" in " ".join(response.context["form"].non_form_errors())


def test_no_prior_treatments_is_an_answer(client, demo_catalog):
    case_url = open_case(client)
    walk(client, case_url, stop_before="treatments")
    assert client.post(case_url + "treatments/", formset("treatments", [{}]))["Location"] == case_url
    assert Case.objects.get().step_answers("treatments") == {"items": []}


def test_formulary_alternatives_need_at_least_one_and_a_ground_of_this_denial_type(client, demo_catalog):
    case_url = open_case(client, drug="nivolumab", payer="aetna", denial="non-formulary")
    walk(client, case_url, stop_before="alternatives")
    response = client.post(case_url + "alternatives/", formset("alternatives", [{}]))
    assert response.status_code == 200 and Case.objects.get().step_answers("alternatives") is None
    # Non-formulary does not accept "not in the patient's best interest".
    bad = formset("alternatives", [{"drug": "Agent A", "ground": "not_best_interest", "explanation": "x"}])
    response = client.post(case_url + "alternatives/", bad)
    assert "Select a valid choice" in " ".join(response.context["form"].forms[0].errors["ground"])


# --- Criteria mapping ------------------------------------------------------------------------


def _criteria_page(client, **combo):
    case_url = open_case(client, **combo)
    walk(client, case_url, stop_before="criteria")
    form = client.get(case_url + "criteria/").context["form"]
    return case_url, form, answers_for("criteria", form)


def test_every_criterion_must_be_answered(client, demo_catalog):
    case_url, form, data = _criteria_page(client)
    first = form.criteria[0].key
    del data[f"{first}__status"]
    response = client.post(case_url + "criteria/", data)
    assert "required" in " ".join(response.context["form"].errors[f"{first}__status"])


@pytest.mark.parametrize(
    ("status", "blank", "message"),
    [
        ("met", "evidence", "Name the document"),
        ("met", "evidence_date", "Give the document's date"),
        ("exception", "ground", "Choose the ground"),
        ("exception", "explanation", "Explain why"),
    ],
)
def test_met_needs_evidence_and_an_exception_needs_its_ground(client, demo_catalog, status, blank, message):
    case_url, form, data = _criteria_page(client)
    # The first criterion that takes an exception ground (in a step-therapy denial, a required trial).
    key = next(c.key for c in form.criteria if f"{c.key}__ground" in form.fields)
    data.update({f"{key}__status": status, f"{key}__evidence": "Clinic note", f"{key}__evidence_date": days_ago(3)})
    data.update({f"{key}__ground": "contraindicated", f"{key}__explanation": "Reason"})
    data[f"{key}__{blank}"] = ""
    response = client.post(case_url + "criteria/", data)
    assert message in " ".join(response.context["form"].errors[f"{key}__{blank}"])


def test_criteria_refuse_future_documents_and_foreign_grounds(client, demo_catalog):
    # Quantity limits accept neither "contraindicated" nor a document dated tomorrow.
    case_url, form, data = _criteria_page(client, denial="quantity-limit")
    first, second = form.criteria[0].key, form.criteria[1].key
    data.update(
        {
            f"{first}__status": "met",
            f"{first}__evidence": "Lab",
            f"{first}__evidence_date": days_from_today(1),
        }
    )
    data.update({f"{second}__status": "exception", f"{second}__ground": "contraindicated", f"{second}__explanation": "x"})
    errors = client.post(case_url + "criteria/", data).context["form"].errors
    assert "cannot be in the future" in " ".join(errors[f"{first}__evidence_date"])
    assert "Select a valid choice" in " ".join(errors[f"{second}__ground"])


def test_without_feed_criteria_the_notices_reasons_are_asked(client, demo_catalog):
    case_url, form, _ = _criteria_page(client, denial="experimental")
    assert form.criteria == []
    response = client.post(case_url + "criteria/", {"other_reasons": ""})
    assert "required" in " ".join(response.context["form"].errors["other_reasons"])


def test_a_criterion_added_to_the_feed_later_sends_the_case_back_to_answer_it(client, demo_catalog):
    case_url = open_case(client)
    walk(client, case_url)
    assert client.get(case_url)["Location"] == case_url + "review/"
    latest = Criterion.objects.filter(drug__slug="anifrolumab", payer__slug="cigna", denial_type__slug="step-therapy").last()
    Criterion.objects.create(
        drug=latest.drug, payer=latest.payer, denial_type=latest.denial_type, key="new-requirement", position=9,
        kind="other", requirement="A new requirement", evidence="A note", source_title=latest.source_title,
        effective_date=today() - datetime.timedelta(days=1),
    )  # fmt: skip
    assert client.get(case_url)["Location"] == case_url + "criteria/"
    assert client.get(case_url + "review/")["Location"] == case_url + "criteria/"


# --- Prescriber ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"npi": "1234567890"}, "npi", "check digit does not match"),
        ({"npi": "12345"}, "npi", "An NPI is 10 digits"),
        ({"npi": "12345abcde"}, "npi", "An NPI is 10 digits"),
        ({"npi": "3234567890"}, "npi", "starts with 1 or 2"),
        ({"zip_code": "7870"}, "zip_code", "5-digit ZIP code"),
        ({"phone": "555-0142"}, "phone", "10-digit US number"),
        ({"fax": "12"}, "fax", "10-digit US number"),
        ({"state": "XX"}, "state", "Select a valid choice"),
        ({"email": "office@"}, "email", "valid email"),
        ({"prescriber_name": ""}, "prescriber_name", "required"),
        ({"credentials": "C" * 41}, "credentials", "at most 40 characters"),
    ],
)
def test_prescriber_rules(client, demo_catalog, changes, field, message):
    case_url = open_case(client)
    walk(client, case_url, stop_before="prescriber")
    response = client.post(case_url + "prescriber/", {**PRESCRIBER, **changes})
    assert message in " ".join(response.context["form"].errors[field])
    assert response.context["form"]["practice_name"].value() == PRESCRIBER["practice_name"]


@pytest.mark.parametrize("npi", ["1234567893", "1234-567-893", " 1245319599 ", "2000000002"])
def test_valid_npis_are_accepted_and_stored_as_digits(client, demo_catalog, npi):
    from appeals.intake.validators import validate_npi

    assert validate_npi(npi.strip()) == re.sub(r"\D", "", npi)


def test_prescriber_phone_numbers_are_normalised_and_npi_may_be_left_for_the_office(client, demo_catalog):
    case_url = open_case(client)
    walk(client, case_url, stop_before="prescriber")
    assert client.post(case_url + "prescriber/", {**PRESCRIBER, "npi": ""}).status_code == 302
    answers = Case.objects.get().step_answers("prescriber")
    assert (answers["phone"], answers["fax"], answers["npi"]) == ("(512) 555-0142", "(512) 555-0143", "")
    assert "NPI ______________" in text(client.get(case_url + "review/"))


# --- Saved progress ------------------------------------------------------------------------


def test_going_back_with_an_unfinished_step_keeps_it_as_typed(client, demo_catalog):
    case_url = open_case(client)
    walk(client, case_url, stop_before="patient")
    half = {**PATIENT, "birth_date": "", "member_id": "CGX-HALF"}
    assert client.post(case_url + "patient/", {**half, "back": "1"})["Location"] == case_url + "plan/"
    response = client.get(case_url + "patient/")
    form = response.context["form"]
    assert form["member_id"].value() == "CGX-HALF" and "required" in " ".join(form.errors["birth_date"])
    assert Case.objects.get().step_answers("patient") is None  # a draft is not an answer
    assert client.get(case_url + "diagnosis/")["Location"] == case_url  # later steps stay shut


def test_a_resumed_case_continues_where_it_stopped_on_another_device(client, django_user_model, demo_catalog):
    from django.test import Client

    case_url = open_case(client)
    walk(client, case_url, stop_before="drug")
    client.post(case_url + "drug/", {"dose": "300 mg", "later": "1"})  # unfinished, then "finish later"
    phone = Client()
    assert phone.get(case_url)["Location"] == case_url + "drug/"
    form = phone.get(case_url + "drug/").context["form"]
    assert form["dose"].value() == "300 mg"


def test_finish_later_emails_the_link_without_patient_details(client, demo_catalog):
    case_url = open_case(client)
    walk(client, case_url, stop_before="diagnosis")
    response = client.post(case_url + "diagnosis/", {"icd10_code": "M32.14", "later": "1"})
    assert response["Location"] == case_url + "later/"
    page = client.get(case_url + "later/")
    assert page.context["form"]["email"].value() == PATIENT["email"]
    assert client.post(case_url + "later/", {"email": "maria@example.org"}).status_code == 302
    (message,) = mail.outbox
    assert message.to == ["maria@example.org"]
    assert "http://testserver" + case_url in message.body
    for private in ("Maria", "CGX7734120", "Anifrolumab", "anifrolumab", "Cigna", "M32"):
        assert private not in message.body + message.subject
    assert "We sent the link" in text(client.get(case_url + "later/"))


def test_no_email_address_travels_in_the_messages_cookie(client, demo_catalog, rf):
    """Messages are kept in a cookie, which is signed but readable: the
    confirmation that the link was sent does not repeat the address."""
    from django.contrib.messages.storage.cookie import CookieStorage

    case_url = open_case(client)
    response = client.post(case_url + "later/", {"email": "maria.private@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    cookie = response.cookies["messages"].value
    shown = [str(message) for message in CookieStorage(rf.get("/"))._decode(cookie)]
    assert shown == ["We sent the link to the email address you gave."]
    assert "maria.private" not in cookie and "example.org" not in " ".join(shown)
    assert "We sent the link" in text(client.get(case_url + "later/"))


def test_resume_emails_are_limited_and_bad_addresses_refused(client, demo_catalog):
    case_url = open_case(client)
    response = client.post(case_url + "later/", {"email": "not-an-address"})
    assert "valid email" in " ".join(response.context["form"].errors["email"])
    for _ in range(5):
        assert client.post(case_url + "later/", {"email": "a@example.org"}).status_code == 302
    response = client.post(case_url + "later/", {"email": "a@example.org"})
    assert response.status_code == 200 and "wait before asking again" in text(response)
    assert len(mail.outbox) == 5


def test_a_case_cannot_be_opened_through_another_cases_link(client, demo_catalog):
    mine, theirs = open_case(client), open_case(client, payer="humana")
    walk(client, theirs)
    other_token = theirs.strip("/").split("/")[-1]
    # My link shows my case, at my first step; no id or guess reaches theirs.
    assert client.get(mine)["Location"] == mine + "plan/"
    assert "Maria" not in text(client.get(mine + "plan/"))
    for guess in (
        mine[:-2] + "/",
        "/case/" + other_token[:-1] + "A/",
        "/case/" + other_token.upper() + "/",
        f"/case/{Case.objects.last().pk}/",
    ):
        if guess.rstrip("/").split("/")[-1] != other_token:
            assert client.get(guess).status_code == 404


# --- Start ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "payer"), [("Saphnelo", "Express Scripts"), ("anifrolumab-fnia", "cigna healthcare"), ("ANIFROLUMAB", "Cigna")]
)
def test_start_takes_brand_generic_and_alias_names(client, demo_catalog, drug, payer):
    open_case(client, drug=drug, payer=payer)
    case = Case.objects.get()
    assert (case.drug.slug, case.payer.slug) == ("anifrolumab", "cigna")


def test_start_offers_type_ahead_without_javascript(client, demo_catalog):
    body = client.get("/start/").content.decode()
    assert 'list="drug-names"' in body and '<datalist id="drug-names">' in body and '<option value="Anifrolumab">' in body
    response = client.post("/start/", {"drug": "Aspirinex", "payer": "Cigna", "denial": "step-therapy"})
    assert "The drug “Aspirinex” is not in our list" in text(response)
    assert response.context["form"]["drug"].value() == "Aspirinex"


# --- Catalog text on the wizard's pages ----------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"


def test_staff_and_feed_text_in_help_texts_is_escaped(client, demo_catalog):
    """Help texts are printed as HTML: a drug's dosing and billing unit (staff)
    and a criterion's evidence (the criteria feed) must arrive as text."""
    from appeals.models import Drug

    Drug.objects.filter(slug="anifrolumab").update(typical_dose=f"300 mg {SCRIPT}", hcpcs_unit=IMAGE)
    Criterion.objects.update(evidence=f"Clinic note {SCRIPT} {IMAGE}")
    case_url = open_case(client, drug="anifrolumab", payer="cigna", denial="step-therapy")
    walk(client, case_url, stop_before="drug")
    drug_page = client.get(case_url + "drug/").content.decode()
    walk(client, case_url, stop_before="criteria")
    criteria_page = client.get(case_url + "criteria/").content.decode()
    assert "Label dosing: 300 mg &lt;script&gt;alert(1)&lt;/script&gt;" in drug_page
    assert "(one unit = &lt;img src=x onerror=alert(2)&gt;)" in drug_page
    assert "Usually: Clinic note &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;" in criteria_page
    for page in (drug_page, criteria_page):
        assert SCRIPT not in page and IMAGE not in page
