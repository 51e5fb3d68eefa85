"""What the person's own papers say comes first: the appeals address and fax on
the notice over the catalog's, the patient's return address and phone on the
patient's letter; the review page writes dates as people do; each wizard page
has its own title."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from appeals.letters.packet import case_packet
from appeals.letters.pdf import html_to_pdf
from appeals.models import Case, LetterTemplate, Payer
from tests.support.cases import answer_every_step, opened_case, save_answers

pytestmark = pytest.mark.django_db


def submission(case: Case, voice: str) -> str:
    template = LetterTemplate.objects.get(denial_type=case.denial_type, voice=voice, payer=None, plan_type=None)
    packet = case_packet(case, template, today=timezone.localdate())
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(html_to_pdf(packet.html).data)).pages)


def test_the_notice_s_address_and_fax_replace_the_catalog_s(client, demo_catalog):
    case, case_url = opened_case()
    answer_every_step(case)
    cigna = Payer.objects.get(slug="cigna")
    before = submission(case, "prescriber")
    assert cigna.appeals_fax in before

    plan = case.typed_answers.plan.to_stored()
    data = {key: value for key, value in plan.items() if value not in ("", None, False)}
    data.update(
        appeals_address="  Cigna National Appeals Unit \n\n PO Box 188011\nChattanooga, TN 37422 ", appeals_fax="(877) 815 4827"
    )
    assert client.post(case_url + "plan/", data)["Location"] == case_url
    case = Case.objects.get(pk=case.pk)
    assert case.typed_answers.plan.appeals_address == "Cigna National Appeals Unit\nPO Box 188011\nChattanooga, TN 37422"
    text = submission(case, "prescriber")
    assert "PO Box 188011" in text and "Chattanooga, TN 37422" in text and cigna.appeals_fax not in text
    fax = re.sub(r"\D", "", case.typed_answers.plan.appeals_fax)
    assert fax == "8778154827" and case.typed_answers.plan.appeals_fax in text

    data["appeals_fax"] = "not a number"
    page = client.post(case_url + "plan/", data)
    assert page.status_code == 200 and "appeals_fax" in page.context["form"].errors


def test_the_patient_s_letter_carries_the_return_address_and_phone(demo_catalog):
    case, _ = opened_case()
    answer_every_step(case)
    patient = case.typed_answers.patient.to_stored()
    save_answers(case, "patient", {**patient, "mailing_address": "418 Elm Street\nAustin, TX 78704", "phone": "(512) 555-0188"})
    case = Case.objects.get(pk=case.pk)
    text = submission(case, "patient")
    letterhead = text[text.index(patient["patient_name"], text.index("Page 1 of")) :][:300]
    assert "418 Elm Street" in letterhead and "Austin, TX 78704" in letterhead and "Phone (512) 555-0188" in letterhead


def test_the_review_page_writes_dates_as_people_do_and_each_page_has_its_own_title(client, demo_catalog):
    case, case_url = opened_case()
    answer_every_step(case)
    review = client.get(case_url + "review/").content.decode()
    assert "April 17, 1981" in review and "1981-04-17" not in review
    titles = {
        re.search(r"<title>(.*?)</title>", client.get(url).content.decode(), re.S).group(1).strip()
        for url in (case_url + "plan/", case_url + "patient/", case_url + "diagnosis/", case_url + "review/")
    }
    assert len(titles) == 4
    assert any(title.startswith("Review: ") for title in titles) and any(title.startswith("Patient: ") for title in titles)
