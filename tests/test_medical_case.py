"""The letter's medical case (appeals/letters/medical_case.py), read back from
the PDF for every demo drug × denial type; every sentence traced to an answer or
a catalog fact; sparse answers give a shorter case, never an invented one; the
numbered exhibits; and the request pages a submission carries."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from appeals.demo import data as demo
from appeals.letters import arguments
from appeals.letters.case_letter import letter_for_case
from appeals.letters.packet import case_packet, packet_pdf
from appeals.letters.pdf import html_to_pdf
from appeals.models import Case, Drug, LetterTemplate
from tests.support.cases import answer_every_step, opened_case, save_answers
from tests.test_letter_packet import flat, pdf_text

pytestmark = pytest.mark.django_db

TREATMENTS = [
    {
        "drug": "Hydroxychloroquine",
        "dose": "400 mg daily",
        "started_on": "2020-01-10",
        "stopped_on": "2021-03-01",
        "outcome": "inadequate_response",
    },
    {
        "drug": "Methotrexate",
        "dose": "15 mg weekly",
        "started_on": "2021-04-01",
        "stopped_on": "2022-02-01",
        "outcome": "intolerance",
        "notes": "raised liver enzymes",
    },
]
TREATMENT_SENTENCES = [
    "Hydroxychloroquine 400 mg daily, January 2020 to March 2021: inadequate response.",
    "Methotrexate 15 mg weekly, April 2021 to February 2022: intolerance (side effects). Raised liver enzymes.",
]


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def long_day(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def full_case(drug: str, denial: str, payer: str = "cigna", **answers) -> Case:
    """A case walked to the end, with two earlier treatments and two dated activity scores."""
    case, _ = opened_case(drug=drug, payer=payer, denial=denial)
    answer_every_step(case)
    diagnosis = case.typed_answers.diagnosis.to_stored()
    save_answers(
        case,
        "diagnosis",
        {
            **diagnosis,
            "activity_measure": "SLEDAI-2K",
            "activity_score": "10",
            "activity_measured_on": days_ago(20).isoformat(),
            "earlier_activity_score": "6",
            "earlier_activity_measured_on": days_ago(200).isoformat(),
        },
    )
    save_answers(case, "treatments", {"items": TREATMENTS})
    for step, stored in answers.items():
        save_answers(case, step, stored)
    return Case.objects.get(pk=case.pk)


def template(case: Case, voice: str) -> LetterTemplate:
    return LetterTemplate.objects.get(denial_type=case.denial_type, voice=voice, payer=None, plan_type=None)


def submission_text(case: Case, voice: str) -> str:
    packet = case_packet(case, template(case, voice), today=timezone.localdate())
    return " ".join(pdf_text(PdfReader(io.BytesIO(html_to_pdf(packet.html).data))))


def denial_argument(case: Case) -> list[str]:
    """What the denial type's own argument must say for the walked answers."""
    product = Drug.objects.get(slug=case.typed_answers.drug.product) if case.typed_answers.drug.product else case.drug
    slug = case.denial_type.slug
    if slug == "step-therapy":
        steps = [c for c in letter_for_case(case, None).context["criteria"] if c["kind"] == "prior_therapy"]
        if steps:
            return ["The required steps", f"“{flat(steps[0]['requirement']).rstrip('.')}”"]
        return ["The required steps", "Against the plan's step-therapy requirement", "Hydroxychloroquine (inadequate response)"]
    if slug == "not-fda-approved":
        return [
            "Support for this use",
            "is listed in Micromedex DrugDex",
            "Guideline support: EULAR 2023 recommendations, item 4",
        ]
    if slug == "experimental":
        expected = ["Not experimental or investigational", "is listed in Micromedex DrugDex"]
        if product.fda_approval_date:
            expected.append(f"the FDA approved it on {long_day(product.fda_approval_date)}")
        return expected
    if slug == "quantity-limit":
        expected = [
            f"The plan limits {product.name} to 1 vial per 28 days; the prescription is for 1 vial.",
            "Weight-based dosing needs two vials.",
        ]
        if product.typical_dose:
            expected.append("The prescribing information's dosing:")
        return expected
    if slug == "site-of-care":
        return [
            "The request is for treatment at: hospital outpatient department.",
            "Two infusion reactions needing hospital monitoring.",
        ]
    if slug == "non-formulary":
        return ["The formulary alternatives", "Formulary agent A:", "Tried in 2022; no response."]
    if slug == "medical-necessity":
        criteria = letter_for_case(case, None).context["criteria"]
        if any(row["met"] for row in criteria):
            return ["The plan's criteria, with the evidence", "met, as Clinic note"]
        return ["Why it is medically necessary", "on the record set out above", "two earlier treatments stopped"]
    raise AssertionError(slug)


# One test per denial type, so the suite's processes share the PDFs.
@pytest.mark.parametrize("denial", [denial["slug"] for denial in demo.DENIAL_TYPES])
def test_every_drug_s_letter_argues_the_case_read_back_from_the_pdf(demo_catalog, denial):
    for index, drug in enumerate(demo.DRUGS):
        case = full_case(drug["slug"], denial)
        voice = "prescriber" if index % 2 == 0 else "patient"
        text = submission_text(case, voice)
        diagnosis = case.typed_answers.diagnosis
        where = f"{drug['slug']} / {denial} / {voice}"
        assert f"ICD-10-CM {diagnosis.icd10_code}), diagnosed in June 2019" in text, where
        assert f"on the SLEDAI-2K was 6 on {long_day(days_ago(200))} and 10 on {long_day(days_ago(20))}" in text, where
        for sentence in TREATMENT_SENTENCES:
            assert sentence in text, (where, sentence)
        for expected in denial_argument(case):
            assert flat(expected) in text, (where, expected)


def answered(case: Case, source: str) -> bool:
    """Whether the answer a sentence names as its source has a value."""
    step, _, name = source.removeprefix("answers:").partition(".")
    value = case.typed_answers.step(step)
    if step == "criteria":
        return any(getattr(item, name) for item in value.items)
    if isinstance(value, list):
        return bool(value) and (not name or any(getattr(item, name) for item in value))
    return bool(getattr(value, name))


def sentences(context: dict, voice: str) -> list[dict]:
    return [s for part in context["medical_case"][voice] for p in part["paragraphs"] for s in p["sentences"]]


def assert_every_sentence_traced(case: Case) -> None:
    context = letter_for_case(case, None).context
    for voice in ("prescriber", "patient"):
        for sentence in sentences(context, voice):
            assert sentence["sources"], sentence
            for source in sentence["sources"]:
                if source.startswith("answers:"):
                    assert answered(case, source), (source, sentence["text"])
                else:
                    assert source.startswith(("catalog:", "rules:")), source


@pytest.mark.parametrize("denial", ["step-therapy", "quantity-limit", "non-formulary", "medical-necessity"])
def test_every_sentence_rests_on_an_answer_or_a_catalog_fact(demo_catalog, denial):
    assert_every_sentence_traced(full_case("anifrolumab", denial))


def test_sparse_answers_give_a_shorter_case_never_an_invented_one(demo_catalog):
    case = full_case("tofacitinib", "medical-necessity", payer="aetna")
    full = letter_for_case(case, None).context["medical_case"]["prescriber"]
    diagnosis = case.typed_answers.diagnosis
    # Only what the wizard requires: the code; no date, no score, no treatment, no reason, no approval.
    save_answers(case, "diagnosis", {"icd10_code": diagnosis.icd10_code, "icd10_description": diagnosis.icd10_description})
    save_answers(case, "treatments", {"items": []})
    save_answers(case, "authorization", {"previously_approved": "no"})
    drug = case.typed_answers.drug.to_stored()
    save_answers(case, "drug", {**drug, "why_now": "", "delay_risk": ""})
    case = Case.objects.get(pk=case.pk)
    sparse = letter_for_case(case, None).context["medical_case"]["prescriber"]

    full_text = " ".join(p["text"] for part in full for p in part["paragraphs"])
    sparse_text = " ".join(p["text"] for part in sparse for p in part["paragraphs"])
    assert len(sparse_text) < len(full_text) / 2
    assert "ICD-10-CM" in sparse_text and "diagnosed in" not in sparse_text
    for absent in ("SLEDAI", "I assess the disease", "treatment", "Hydroxychloroquine", "approved", "delayed"):
        assert absent not in sparse_text, absent
    assert [part["key"] for part in sparse] == ["disease", "request", "medical_necessity"]
    # With no criterion to answer, the need rests on what is left of the record: the diagnosis alone.
    assert "on the record set out above: the diagnosis (ICD-10-CM" in sparse_text and "earlier treatment" not in sparse_text
    assert_every_sentence_traced(case)
    # The printed letter shrinks with it, and still reads.
    text = submission_text(case, "prescriber")
    assert "Treatments tried" not in text and "SLEDAI" not in text and "Please approve" in text


def test_free_text_is_quoted_as_written_and_a_reason_and_risk_join_the_request(demo_catalog):
    case = full_case("anifrolumab", "step-therapy")
    drug = case.typed_answers.drug.to_stored()
    save_answers(
        case,
        "drug",
        {
            **drug,
            "why_now": "two flares in six months despite hydroxychloroquine",
            "delay_risk": "a renal flare needing high-dose steroids",
        },
    )
    case = Case.objects.get(pk=case.pk)
    request = next(part for part in letter_for_case(case, None).context["medical_case"]["prescriber"] if part["key"] == "request")
    text = " ".join(p["text"] for p in request["paragraphs"])
    assert "Two flares in six months despite hydroxychloroquine." in text
    assert "If treatment is delayed: a renal flare needing high-dose steroids." in text
    patient = letter_for_case(case, None).context["medical_case"]["patient"]
    assert "Why this drug now: two flares" in " ".join(p["text"] for part in patient for p in part["paragraphs"])


# Exhibits


def test_the_criteria_table_and_the_case_cite_exhibits_the_index_and_the_office_sheet_name(demo_catalog):
    case = full_case("anifrolumab", "step-therapy")
    packet = case_packet(case, template(case, "prescriber"), today=timezone.localdate())
    pdf = packet_pdf(packet)
    pages = pdf_text(PdfReader(io.BytesIO(pdf.data)))
    submission, office = " ".join(pages[: pdf.page_count]), " ".join(pages[pdf.page_count :])
    exhibits = packet.page_context["exhibits"]
    assert [item["label"] for item in exhibits] == [chr(ord("A") + n) for n in range(len(exhibits))]
    assert exhibits[0]["title"].startswith("The denial notice from Cigna") and exhibits[1]["key"] == "diagnosis"
    met = [row for row in packet.page_context["criteria"] if row["met"]]
    assert met and all(row["exhibit"] for row in met)
    # Rows citing the same document share its exhibit.
    assert len({row["exhibit"] for row in met}) == 1
    assert f"(Exhibit {met[0]['exhibit']})" in submission
    assert "SLEDAI-2K was 6" in submission and "(Exhibit B)" in submission
    index = submission[submission.index("What it shows") :]
    for item in exhibits:
        assert f"{item['label']} {flat(item['title'])}" in index, item
        assert f"Exhibit {item['label']}: {flat(item['title'])}" in office, item


def test_exhibit_labels_run_past_z():
    from appeals.letters.exhibits import exhibit_label

    assert [exhibit_label(n) for n in (0, 1, 25, 26, 27, 51, 52)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA"]


# The submission's pages and the office sheet


def test_the_cover_counts_the_submission_and_the_office_sheet_is_outside_it(demo_catalog):
    case = full_case("pembrolizumab", "medical-necessity", payer="molina")
    for voice in ("prescriber", "patient"):
        pdf = packet_pdf(case_packet(case, template(case, voice), today=timezone.localdate()))
        pages = pdf_text(PdfReader(io.BytesIO(pdf.data)))
        assert len(pages) == pdf.page_count + pdf.office_pages
        assert f"{pdf.page_count} including this cover sheet" in pages[0]
        assert (
            pages[pdf.page_count].startswith("Office sheet") or "Office sheet: keep this, do not send it" in pages[pdf.page_count]
        )
        for page in pages[: pdf.page_count]:
            assert "Office sheet" not in page and "Exhibits to attach" not in page and "Before sending" not in page
        for number, page in enumerate(pages[pdf.page_count :], start=1):
            assert f"Office sheet, page {number} of {pdf.office_pages}" in page


# Request pages


def test_a_prescriber_s_submission_carries_the_claim_file_and_peer_to_peer_requests(demo_catalog):
    case = full_case("anifrolumab", "step-therapy")
    prescriber = case.typed_answers.prescriber.to_stored()
    save_answers(case, "prescriber", {**prescriber, "peer_to_peer_times": "weekdays 12:00-1:00 pm Central"})
    case = Case.objects.get(pk=case.pk)
    text = submission_text(case, "prescriber")
    assert "Request for the claim file and the criteria used" in text
    if case.typed_answers.plan.plan_type in ("employer-self-funded", "employer-fully-insured"):
        assert "(29 CFR 2560.503-1(h)(2)(iii), (m)(8))" in text
    assert "Request for a peer-to-peer discussion" in text and "weekdays 12:00-1:00 pm Central" in text
    assert "Appointment of representative" not in text and "continue benefits" not in text
    patient = submission_text(case, "patient")
    assert "Request for the claim file and the criteria used" in patient and "peer-to-peer discussion" not in patient


def test_a_representative_gets_an_appointment_page_in_the_patient_s_submission(demo_catalog):
    representative = {"representative_name": "Ana Quintana", "representative_relationship": "daughter"}
    case = full_case("anifrolumab", "step-therapy")
    save_answers(case, "patient", {**case.typed_answers.patient.to_stored(), **representative})
    case = Case.objects.get(pk=case.pk)
    text = submission_text(case, "patient")
    assert "Appointment of representative" in text and "I appoint Ana Quintana, my daughter" in text
    assert "own authorized-representative form" in text and "405.910" not in text
    assert "Or, for the member: Ana Quintana, daughter, representative" in text
    assert "Appointment of representative" not in submission_text(case, "prescriber")

    medicare = full_case("pembrolizumab", "medical-necessity", payer="humana")
    save_answers(medicare, "plan", {**medicare.typed_answers.plan.to_stored(), "plan_type": "original-medicare-part-b"})
    save_answers(medicare, "patient", {**medicare.typed_answers.patient.to_stored(), **representative})
    medicare = Case.objects.get(pk=medicare.pk)
    text = submission_text(medicare, "patient")
    assert "CMS-1696" in text and "each element 42 CFR 405.910(c) requires" in text and "MEDICARE NUMBER" in text.upper()
    assert "I authorize the Medicare Administrative Contractor" in text and "Humana" not in text.split("I appoint")[1][:200]


def test_a_medicaid_member_whose_approval_runs_asks_to_continue_benefits(demo_catalog):
    running = {"previously_approved": "yes", "authorization_number": "PA-9", "approved_until": days_ago(-45).isoformat()}
    case = full_case("upadacitinib", "step-therapy", payer="molina", authorization=running)
    save_answers(case, "plan", {**case.typed_answers.plan.to_stored(), "plan_type": "medicaid-managed-care"})
    case = Case.objects.get(pk=case.pk)
    text = submission_text(case, "prescriber")
    assert "Request to continue benefits while the appeal is pending" in text
    assert "(42 CFR 438.420)" in text and "within 10 days" in text and "authorization PA-9" in text

    ended = full_case(
        "upadacitinib", "step-therapy", payer="molina", authorization={**running, "approved_until": days_ago(5).isoformat()}
    )
    save_answers(ended, "plan", {**ended.typed_answers.plan.to_stored(), "plan_type": "medicaid-managed-care"})
    assert "continue benefits" not in submission_text(Case.objects.get(pk=ended.pk), "prescriber")


def test_expedited_external_review_is_not_requested_until_its_rule_is_read(demo_catalog, monkeypatch):
    case = full_case("pembrolizumab", "medical-necessity")
    save_answers(case, "plan", {**case.typed_answers.plan.to_stored(), "plan_type": "employer-self-funded", "expedited": True})
    case = Case.objects.get(pk=case.pk)
    assert "expedited external review" not in submission_text(case, "prescriber").lower()

    provision = arguments.PROVISIONS["concurrent_expedited_external_review"]
    monkeypatch.setitem(
        arguments.PROVISIONS,
        "concurrent_expedited_external_review",
        arguments.Provision(provision.citation, "read", verified=True),
    )
    text = submission_text(case, "prescriber")
    assert "Request for expedited external review, filed with the urgent appeal" in text
    assert f"({provision.citation})" in text


def test_a_request_before_any_written_decision_has_no_claim_file_page(demo_catalog):
    case = full_case("tofacitinib", "non-formulary")
    save_answers(
        case, "plan", {**case.typed_answers.plan.to_stored(), "plan_type": "employer-self-funded", "stage": "pharmacy_rejection"}
    )
    text = submission_text(Case.objects.get(pk=case.pk), "prescriber")
    assert "Request for the claim file" not in text and "Request for a peer-to-peer discussion" in text


def test_the_word_letter_makes_the_same_case_and_lists_the_same_exhibits(demo_catalog):
    from docx import Document

    from appeals.letters.word import case_letter_docx

    case = full_case("anifrolumab", "quantity-limit")
    document = Document(io.BytesIO(case_letter_docx(case, template(case, "prescriber"), today=timezone.localdate())))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    text = "\n".join(paragraphs)
    for sentence in TREATMENT_SENTENCES:
        assert sentence in text
    assert "The plan limits Anifrolumab to 1 vial per 28 days; the prescription is for 1 vial." in text
    exhibits = letter_for_case(case, None).context["exhibits"]
    index = next(table for table in document.tables if table.rows[0].cells[0].text == "Exhibit")
    assert [row.cells[0].text for row in index.rows[1:]] == [item["label"] for item in exhibits]
    assert [row.cells[1].text for row in index.rows[1:]] == [item["title"] for item in exhibits]


def test_the_claim_file_request_is_a_free_page_to_send_at_once(client, demo_catalog):
    case, case_url = opened_case(drug="anifrolumab", payer="cigna", denial="step-therapy")
    url = case_url + "claim-file-request.pdf"
    # Nothing to put on it until the plan and the patient are answered.
    assert client.get(url)["Location"] == case_url
    answer_every_step(case)
    review = client.get(case_url + "review/").content.decode()
    assert "Ask for the claim file now, free" in review and url in review
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="claim-file-request.pdf"'
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    pages = pdf_text(PdfReader(io.BytesIO(response.content)))
    assert len(pages) == 1
    assert "Request for the claim file and the criteria used" in pages[0] and "I ask for a copy of the file" in pages[0]
    assert case.typed_answers.patient.patient_name in pages[0] and "Signature of the member" in pages[0]

    # A request before any written decision has no file to ask for.
    save_answers(case, "plan", {**case.typed_answers.plan.to_stored(), "stage": "pharmacy_rejection"})
    assert client.get(url).status_code == 404
    assert "Ask for the claim file now" not in client.get(case_url + "review/").content.decode()
    assert client.get("/case/not-a-real-token/claim-file-request.pdf").status_code == 404


def test_the_status_page_shows_the_letter_as_the_pdf_printed_it(client, paid_letter):
    from appeals.models import Letter

    page = client.get(paid_letter.status_path()).content.decode()
    assert "Read the letter" in page and "The diagnosis and its course" in page and "What it shows" in page
    letter = Letter.objects.get(pk=paid_letter.letter_id)
    # Cut from the stored HTML, not made again: a change there shows, a fresh render would not.
    Letter.objects.filter(pk=letter.pk).update(
        html_snapshot=letter.html_snapshot.replace("Treatments tried", "Treatments (as printed)")
    )
    assert "Treatments (as printed)" in client.get(paid_letter.status_path()).content.decode()
    # The office sheet is not part of it.
    assert "Office sheet" not in page.split("Read the letter", 1)[1].split("</article>", 1)[0]
