"""The appeal packet: a fax cover sheet, the letter and an enclosure checklist
on US Letter pages, for every demo drug × payer × denial type × plan type;
page numbers, title and embedded fonts in the PDF; a fetcher that reads only
the app's static files; and the staff preview in admin."""

from __future__ import annotations

import html
import io
import itertools
import json
import os
import re
import socket

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from appeals.catalog.plan_rules import instrument_for
from appeals.demo import data as demo
from appeals.demo.loader import load_demo_catalog
from appeals.intake.answers import CaseAnswers
from appeals.intake.steps import case_deadlines
from appeals.letters.context import build_letter_context
from appeals.letters.packet import case_packet, packet_from_context, packet_pdf
from appeals.letters.pdf import html_to_pdf
from appeals.letters.samples import sample_answers
from appeals.models import (
    AppealDeadlineRule,
    Case,
    Criterion,
    DenialType,
    Drug,
    LetterAccess,
    LetterTemplate,
    Order,
    Payer,
    PlanType,
    Pricing,
)
from appeals.orders.models import quote
from tests.support.cases import answer_every_step, opened_case
from tests.support.wizard_answers import PATIENT, PRESCRIBER
from tests.test_wizard_steps import open_case, walk

pytestmark = pytest.mark.django_db

NOT_SURE = "not-sure"
PATIENT_NAME = "Rosalind Achterberg-Nwosu"


def first_denial_law(plan_type: PlanType) -> str:
    """The law a letter about a first written denial is made under (the stage a case has by default)."""
    return instrument_for(plan_type, "first_denial").law


def combinations() -> list[tuple[str, str, str, str]]:
    """Every demo drug × payer × denial type × plan type the payer sells, and "not sure"."""
    rows = []
    for drug, payer, denial in itertools.product(demo.DRUGS, demo.PAYERS, demo.DENIAL_TYPES):
        for plan_type in [*payer["plan_types"], NOT_SURE]:
            rows.append((drug["slug"], payer["slug"], denial["slug"], plan_type))
    return rows


def pdf_combinations() -> list[tuple[str, str, str, str]]:
    """Rendering ~1,700 PDFs takes many minutes (.ci/run does it, PDF_MATRIX=all),
    so the everyday suite prints a small set that still reaches every payer, every
    plan type and "not sure", every drug and every denial type, with feed criteria
    wherever the payer has some; the whole product is checked as packet HTML by the
    test above it."""
    with_criteria = sorted({tuple(line.split(",")[:3]) for line in demo_criteria_lines()})
    drugs = itertools.cycle([drug["slug"] for drug in demo.DRUGS])
    denials = itertools.cycle([denial["slug"] for denial in demo.DENIAL_TYPES])
    chosen: list[tuple[str, str, str, str]] = []

    def add(payer: str, plan_type: str) -> None:
        waiting = [combo for combo in with_criteria if combo[1] == payer and combo not in [c[:3] for c in chosen]]
        drug, _, denial = waiting[0] if waiting else (next(drugs), None, next(denials))
        chosen.append((drug, payer, denial, plan_type))

    for payer in demo.PAYERS:  # every payer, each with a plan type not printed yet where it has one
        printed = {row[3] for row in chosen}
        add(payer["slug"], next((p for p in payer["plan_types"] if p not in printed), payer["plan_types"][0]))
    for plan_type in [*dict.fromkeys(p for payer in demo.PAYERS for p in payer["plan_types"]), NOT_SURE]:
        if plan_type not in {row[3] for row in chosen}:
            payer = next(p for p in demo.PAYERS if plan_type in p["plan_types"] or plan_type == NOT_SURE)
            add(payer["slug"], plan_type)
    for drug in demo.DRUGS:
        if drug["slug"] not in {row[0] for row in chosen}:
            payer = demo.PAYERS[len(chosen) % len(demo.PAYERS)]
            chosen.append((drug["slug"], payer["slug"], next(denials), payer["plan_types"][0]))
    for denial in demo.DENIAL_TYPES:
        if denial["slug"] not in {row[2] for row in chosen}:
            payer = demo.PAYERS[len(chosen) % len(demo.PAYERS)]
            chosen.append((next(drugs), payer["slug"], denial["slug"], payer["plan_types"][0]))
    return chosen


def test_the_printed_set_reaches_every_payer_plan_type_drug_and_denial_type():
    rows = pdf_combinations()
    assert {row[1] for row in rows} == {payer["slug"] for payer in demo.PAYERS}
    assert {row[3] for row in rows} == {p for payer in demo.PAYERS for p in payer["plan_types"]} | {NOT_SURE}
    assert {row[0] for row in rows} == {drug["slug"] for drug in demo.DRUGS}
    assert {row[2] for row in rows} == {denial["slug"] for denial in demo.DENIAL_TYPES}
    assert set(rows) <= set(combinations()) and len(set(rows)) == len(rows)
    # Each payer with feed criteria prints at least one of them.
    with_criteria = {tuple(line.split(",")[:3]) for line in demo_criteria_lines()}
    for payer in {combo[1] for combo in with_criteria}:
        assert any(row[:3] in with_criteria for row in rows if row[1] == payer), payer


def demo_criteria_lines() -> list[str]:
    from appeals.demo.loader import CRITERIA_FILE

    return CRITERIA_FILE.read_text().splitlines()[1:]


def combination_context(
    drug_slug: str, payer_slug: str, denial_slug: str, plan_slug: str, catalog: dict | None = None
) -> tuple[dict, str]:
    """A letter context for the combination, every criterion answered (met and
    exception in turn), and the citation of the file-the-appeal rule its
    deadlines follow.  ``catalog`` keeps what one test looks up many times."""
    catalog = {} if catalog is None else catalog

    def once(key, make):
        if key not in catalog:
            catalog[key] = make()
        return catalog[key]

    drug = once(("drug", drug_slug), lambda: Drug.objects.get(slug=drug_slug))
    payer = once(("payer", payer_slug), lambda: Payer.objects.get(slug=payer_slug))
    denial_type = once(("denial", denial_slug), lambda: DenialType.objects.get(slug=denial_slug))
    plan_type = once(("plan", plan_slug), lambda: PlanType.objects.filter(slug=plan_slug).first())
    criteria = once(
        ("criteria", drug_slug, payer_slug, denial_slug),
        lambda: list(
            Criterion.objects.for_combo(drug, payer, denial_type).in_force_on(timezone.localdate()).order_by("position", "key")
        ),
    )
    answers = sample_answers(plan_type, timezone.localdate()).to_stored()
    answers["patient"]["patient_name"] = PATIENT_NAME
    answers["prescriber"] = {**answers["prescriber"], **PRESCRIBER, "address_line2": "", "email": ""}
    answers["drug"]["product"] = drug.slug if not drug.is_class else once(("member", drug_slug), drug.members.first).slug
    answers["criteria"]["items"] = [
        {"key": c.key, "status": "met", "evidence": "Clinic note", "evidence_date": "2026-10-01"}
        if index % 2 == 0
        else {"key": c.key, "status": "exception", "ground": "contraindicated", "explanation": "Documented."}
        for index, c in enumerate(criteria)
    ]

    def deadlines_and_citation():
        # The deadlines the case itself would show, "not sure" included: an unsaved case is enough.
        case = Case(drug=drug, payer=payer, denial_type=denial_type, answers_encrypted=json.dumps(answers))
        deadlines, plan_name = case_deadlines(case, timezone.localdate())
        return deadlines, AppealDeadlineRule.objects.get(
            plan_type__name=plan_name, stage="first_denial", step="file_appeal"
        ).citation

    deadlines, citation = once(("deadlines", payer_slug, plan_slug), deadlines_and_citation)
    context = build_letter_context(
        answers=CaseAnswers.from_dict(answers),
        drug=drug,
        payer=payer,
        denial_type=denial_type,
        criteria=criteria,
        deadlines=deadlines,
    )
    return context, citation


def general_template(denial_slug: str, voice: str) -> LetterTemplate:
    return LetterTemplate.objects.get(denial_type__slug=denial_slug, voice=voice, payer=None, plan_type=None)


def flat(text: str) -> str:
    # Whitespace as one space, and a word broken after its hyphen at a line end joined again.
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", html.unescape(text)))


def pdf_text(reader: PdfReader) -> list[str]:
    return [flat(page.extract_text()) for page in reader.pages]


def assert_letter_content(text: str, context: dict, citation: str, voice: str) -> None:
    assert PATIENT_NAME in text
    for row in context["criteria"]:
        assert flat(row["requirement"]) in text, row["requirement"]
    if context["plan"]["type"]:
        # The filing deadline's rule, on the "before sending" page (a PDF line may break inside a citation).
        assert citation.replace(" ", "") in text.replace(" ", "")
        for right in context["instrument"]["rights"]:
            assert flat(right["text"]) in text
    else:
        # "Not sure": the letter states no program's law (G3; the letter's own text is checked in
        # tests/test_plan_stages.py and tests/test_deadline_letters.py); the person's cover sheet may
        # show the earliest window, named as such.
        assert not context["instrument"]["law_sentence"] and not context["plan_deadlines"]
    if voice == "prescriber":
        assert f"{PRESCRIBER['prescriber_name']}, MD" in text and f"NPI {PRESCRIBER['npi']}" in text
    else:
        assert "Signature of the member or representative" in text


@pytest.fixture
def catalog(demo_catalog):
    return demo_catalog


def test_the_combinations_are_every_drug_payer_denial_and_plan_type():
    rows = combinations()
    assert len(rows) == len(demo.DRUGS) * len(demo.DENIAL_TYPES) * sum(len(p["plan_types"]) + 1 for p in demo.PAYERS)
    assert len(set(rows)) == len(rows)


# One test per denial type, so the suite's processes share the ~3,400 packets.
@pytest.mark.parametrize("denial_slug", [denial["slug"] for denial in demo.DENIAL_TYPES])
def test_every_combination_makes_a_packet_with_the_letter_rights_deadline_and_signature(catalog, denial_slug):
    rows = [row for row in combinations() if row[2] == denial_slug]
    assert rows
    bodies = {(denial_slug, v): general_template(denial_slug, v).body for v in ("prescriber", "patient")}
    looked_up: dict = {}
    for drug, payer, denial, plan_type in rows:
        context, citation = combination_context(drug, payer, denial, plan_type, looked_up)
        for voice in ("prescriber", "patient"):
            packet = packet_from_context(context, bodies[(denial, voice)], voice=voice)
            text = flat(re.sub(r"<[^>]+>", " ", packet.preview_html()))
            assert_letter_content(text, context, citation, voice)
            assert PATIENT_NAME not in packet.title


@pytest.mark.parametrize(("drug", "payer", "denial", "plan_type"), pdf_combinations())
def test_the_pdf_of_a_combination_holds_the_letter_on_numbered_letter_pages(catalog, drug, payer, denial, plan_type):
    check_pdf(drug, payer, denial, plan_type)


@pytest.mark.skipif(
    os.environ.get("PDF_MATRIX") != "all",
    reason="every combination as a PDF takes minutes; PDF_MATRIX=all runs it (.ci/run does, on two processes)",
)
@pytest.mark.parametrize(("drug", "payer", "denial", "plan_type"), combinations())
def test_every_combination_as_a_pdf(catalog, drug, payer, denial, plan_type):
    check_pdf(drug, payer, denial, plan_type)


def check_pdf(drug: str, payer: str, denial: str, plan_type: str) -> None:
    """The combination's packet as a PDF, read back: page count, the patient,
    each criterion, the plan type's citation and rights, the signature block,
    and "Page N of M" on every page."""
    context, citation = combination_context(drug, payer, denial, plan_type)
    voice = "patient" if plan_type == NOT_SURE else "prescriber"
    packet = packet_from_context(context, general_template(denial, voice).body, voice=voice)
    pdf = packet_pdf(packet)
    reader = PdfReader(io.BytesIO(pdf.data))
    pages = pdf_text(reader)
    assert len(reader.pages) == pdf.page_count + pdf.office_pages and pdf.page_count >= 3 and pdf.office_pages >= 1
    assert_letter_content(" ".join(pages), context, citation, voice)
    submission, office = pages[: pdf.page_count], pages[pdf.page_count :]
    # The cover counts the submission alone; the office sheet follows, numbered on its own, never counted.
    assert f"{pdf.page_count} including this cover sheet" in submission[0]
    for number, text in enumerate(submission, start=1):
        assert f"Page {number} of {pdf.page_count}" in text and "Office sheet" not in text
    for number, text in enumerate(office, start=1):
        assert f"Office sheet, page {number} of {pdf.office_pages}" in text
    assert f"The submission is {pdf.page_count} pages" in office[0]


def fonts_of(reader: PdfReader):
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            yield font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font


def test_a_case_walked_through_the_wizard_prints_a_signed_ready_packet(client, catalog):
    case_url = open_case(client, drug="anifrolumab", payer="cigna", denial="step-therapy")
    walk(client, case_url)
    case = Case.objects.by_token(case_url.rstrip("/").rsplit("/", 1)[-1])
    template = general_template("step-therapy", "prescriber")

    packet = case_packet(case, template, today=timezone.localdate())
    pdf = packet_pdf(packet)
    reader = PdfReader(io.BytesIO(pdf.data))
    pages = pdf_text(reader)
    text = " ".join(pages)
    submission = pages[: pdf.page_count]

    assert {(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages} == {(612.0, 792.0)}
    assert f"Page 1 of {pdf.page_count}" in pages[0] and f"Page {pdf.page_count} of {pdf.page_count}" in submission[-1]
    assert reader.metadata.title == packet.title == "Appeal: Anifrolumab, Cigna"
    descriptors = [font["/FontDescriptor"].get_object() for font in fonts_of(reader)]
    assert descriptors and all({"/FontFile", "/FontFile2", "/FontFile3"} & set(d) for d in descriptors)

    # The cover sheet, to the payer's appeals fax, with the page count.
    cigna = Payer.objects.get(slug="cigna")
    assert "FAX" in pages[0] and cigna.appeals_fax in pages[0] and cigna.appeals_phone in pages[0]
    assert f"{pdf.page_count} including this cover sheet" in pages[0] and "Confidentiality notice" in pages[0]
    # The letter: RE block, request under the plan type's rules, criteria, rights, signature.
    plan_type = PlanType.objects.get(slug=case.answers["plan"]["plan_type"])
    assert PATIENT["patient_name"] in text and PATIENT["member_id"] in text and "04/17/1981" in text
    assert "CLM-2231" in text and "HCPCS J0491" in text and "M32.14" in text
    assert flat(first_denial_law(plan_type)) in text
    assert plan_type.deadline_rules.get(stage="first_denial", step="file_appeal").citation.replace(" ", "") in text.replace(
        " ", ""
    )
    for criterion in Criterion.objects.for_combo(case.drug, case.payer, case.denial_type).in_force_on(timezone.localdate()):
        assert flat(criterion.requirement) in text
    for right in plan_type.rights():
        assert flat(right["text"]) in text and (not right["citation"] or right["citation"] in text)
    assert "Hydroxychloroquine" in text
    signature_page = next(page for page in pages if "Signature" in page and "Date" in page)
    assert f"NPI {PRESCRIBER['npi']}" in signature_page and PRESCRIBER["prescriber_name"] in signature_page
    # The exhibit index in the submission; the checklist, tailored to the denial type and plan type, on the office sheet.
    assert "Exhibits" in " ".join(submission) and "Exhibit A" not in " ".join(submission[:1])
    office = flat(" ".join(pages[pdf.page_count :]))
    assert "Office sheet: keep this, do not send it" in office and "Exhibit A: The denial notice from Cigna" in office
    for item in case.denial_type.enclosure_list() + plan_type.enclosure_list():
        assert flat(item) in office


def test_an_expedited_appeal_is_marked_urgent_on_the_cover_and_in_the_letter(catalog):
    context, _ = combination_context("anifrolumab", "humana", "step-therapy", "medicare-part-d")
    assert context["plan"]["expedited"]
    packet = packet_from_context(context, general_template("step-therapy", "prescriber").body, voice="prescriber")
    pages = pdf_text(PdfReader(io.BytesIO(html_to_pdf(packet.html).data)))
    # The physician's right to an expedited redetermination is 423.584(c)(2)(ii), not the cross-reference.
    assert "URGENT: EXPEDITED APPEAL" in pages[0].upper() and "423.584(c)(2)(ii)" in pages[0]
    assert "This appeal is urgent." in " ".join(pages[1:])

    context["plan"]["expedited"] = False
    packet = packet_from_context(context, general_template("step-therapy", "prescriber").body, voice="prescriber")
    assert "Urgent" not in flat(packet.html) and "This appeal is urgent" not in flat(packet.html)


def test_the_rights_follow_the_plan_type(catalog):
    erisa, _ = combination_context("anifrolumab", "cigna", "step-therapy", "employer-self-funded")
    part_d, _ = combination_context("anifrolumab", "humana", "step-therapy", "medicare-part-d")
    insured, _ = combination_context("anifrolumab", "cigna", "step-therapy", "employer-fully-insured")
    body = general_template("step-therapy", "prescriber").body

    def letter(context):
        return flat(re.sub(r"<[^>]+>", " ", packet_from_context(context, body, voice="prescriber").preview_html()))

    assert "29 CFR 2560.503-1(h)(3)(iii)-(v)" in letter(erisa) and "42 CFR 423" not in letter(erisa)
    assert "42 CFR 423.600" in letter(part_d) and "2560.503-1(h)" not in letter(part_d)
    assert "Tex. Ins. Code §1369.0546(c)(2)" in letter(insured) and "step-therapy law" not in letter(erisa)
    assert "CMS-1696" in letter(part_d) and "CMS-1696" not in letter(erisa)


def test_a_long_criteria_table_repeats_its_header_and_keeps_the_signature_with_the_name(catalog):
    context, _ = combination_context("anifrolumab", "cigna", "step-therapy", "employer-fully-insured")
    row = context["criteria"][0]
    context["criteria"] = [{**row, "requirement": f"Requirement number {n} " + "with a long explanation " * 6} for n in range(40)]
    packet = packet_from_context(context, general_template("step-therapy", "prescriber").body, voice="prescriber")
    pages = pdf_text(PdfReader(io.BytesIO(html_to_pdf(packet.html).data)))
    letter_pages = pages[: next(n for n, page in enumerate(pages) if "Exhibits" in page and "What it shows" in page)]
    table_pages = [page for page in letter_pages if "Requirement number" in page]
    assert len(table_pages) >= 2
    assert all("Evidence, or the exception that applies" in page for page in table_pages)
    signature_page = next(page for page in pages if "Sincerely" in page)
    assert PRESCRIBER["prescriber_name"] in signature_page.split("Sincerely", 1)[1]
    assert f"NPI {PRESCRIBER['npi']}" in signature_page.split("Sincerely", 1)[1]


# The fetcher


@pytest.fixture
def listening_socket():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.3)
    yield server
    server.close()


@pytest.mark.weasyprint_refusals
def test_the_pdf_reads_neither_server_files_nor_the_network(tmp_path, listening_socket):
    stylesheet = tmp_path / "outside.css"
    stylesheet.write_text('body::after { content: "READ-FROM-DISK"; }')
    port = listening_socket.getsockname()[1]
    page = f"""<html><head>
      <link rel="stylesheet" href="file://{stylesheet}">
      <link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
      </head><body><p>Letter</p>
      <img src="file:///etc/passwd"><img src="http://127.0.0.1:{port}/pixel.png">
      <object data="file:///etc/passwd"></object>
      <iframe src="/static/../../../../etc/passwd"></iframe>
      </body></html>"""
    text = flat(PdfReader(io.BytesIO(html_to_pdf(page).data)).pages[0].extract_text())
    assert "Letter" in text and "READ-FROM-DISK" not in text and "root:" not in text
    with pytest.raises(TimeoutError):
        listening_socket.accept()  # nothing ever connected


def test_the_apps_own_stylesheet_is_loaded():
    page = '<html><head><link rel="stylesheet" href="/static/css/packet.css"></head><body><p>Letter</p></body></html>'
    reader = PdfReader(io.BytesIO(html_to_pdf(page).data))
    # packet.css sets US Letter and numbers the pages; WeasyPrint's own default is A4, unnumbered.
    assert (float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)) == (612.0, 792.0)
    assert "Page 1 of 1" in reader.pages[0].extract_text()


# The demo loader


def test_the_demo_loader_fills_rights_and_enclosures_only_where_empty(catalog):
    PlanType.objects.filter(slug="fehb").update(appeal_rights="", enclosures="")
    PlanType.objects.filter(slug="medicare-part-d").update(appeal_rights="Edited by staff | 42 CFR 423.580")
    DenialType.objects.filter(slug="site-of-care").update(enclosures="")
    load_demo_catalog()
    fehb = PlanType.objects.get(slug="fehb")
    assert fehb.rights() and fehb.enclosure_list()
    assert all(right["text"] for right in fehb.rights())
    assert PlanType.objects.get(slug="medicare-part-d").rights() == [{"text": "Edited by staff", "citation": "42 CFR 423.580"}]
    assert DenialType.objects.get(slug="site-of-care").enclosure_list()
    assert all(plan_type.rights() for plan_type in PlanType.objects.filter(letter_cites_law=True))


# The admin preview


@pytest.fixture
def staff_client(client, django_user_model, catalog):
    client.force_login(django_user_model.objects.create_superuser("staff", "staff@example.org", "a-long-test-password"))
    return client


def unpaid_case() -> Case:
    case, _ = opened_case(drug="anifrolumab", payer="cigna", denial="step-therapy")
    answer_every_step(case)
    return Case.objects.get(pk=case.pk)


def paid_for(case: Case) -> Order:
    """The case's order, paid (its letter made; the render itself is not needed here)."""
    price = quote(Pricing.current(), "", PATIENT["email"])
    order = Order.for_checkout(case=case, email=PATIENT["email"], price=price, template=None, provider=Order.Provider.LOCAL)
    assert order.mark_paid(provider=Order.Provider.LOCAL, amount_cents=order.amount_cents, currency=order.currency)
    return order


@pytest.fixture
def walked_case(catalog) -> Case:
    """A finished case that was paid for: the only kind staff may preview a template with."""
    case = unpaid_case()
    paid_for(case)
    return case


def preview_urls(template: LetterTemplate) -> tuple[str, str]:
    return (
        reverse("admin:appeals_lettertemplate_preview", args=[template.pk]),
        reverse("admin:appeals_lettertemplate_preview_pdf", args=[template.pk]),
    )


def every_preview_url(template: LetterTemplate) -> tuple[str, str, str]:
    return (*preview_urls(template), reverse("admin:appeals_lettertemplate_preview_frame", args=[template.pk]))


def test_the_change_page_offers_sample_and_real_cases_without_patient_data(staff_client, walked_case):
    template = general_template("step-therapy", "prescriber")
    page = staff_client.get(reverse("admin:appeals_lettertemplate_change", args=[template.pk])).content.decode()
    assert f"Case {walked_case.pk}, created" in page and 'form="letter-preview"' in page
    assert PATIENT["patient_name"] not in page and PATIENT["member_id"] not in page


def test_staff_preview_a_sample_as_html_and_pdf(staff_client):
    template = general_template("step-therapy", "prescriber")
    html_url, pdf_url = preview_urls(template)
    medicare = PlanType.objects.get(slug="medicare-part-d")
    page = staff_client.get(html_url, {"source": "sample", "plan_type": medicare.pk})
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    frame_url = reverse("admin:appeals_lettertemplate_preview_frame", args=[template.pk])
    assert f'src="{frame_url}?source=sample&amp;plan_type={medicare.pk}"' in page.content.decode()
    frame = staff_client.get(frame_url, {"source": "sample", "plan_type": medicare.pk})
    shown = html.unescape(frame.content.decode())
    assert "Sample Patient" in shown and first_denial_law(medicare) in shown
    # The medical case the template places, the exhibit index, and the office sheet after the submission.
    for part in (
        "The diagnosis and its course",
        "on the SLEDAI-2K was 6 on",
        "Sample reason for this drug now.",
        "What it shows",
    ):
        assert part in shown, part
    assert shown.index("What it shows") < shown.index("Office sheet: keep this, do not send it")
    # The only page that may be framed, and only by this site.
    assert frame["X-Frame-Options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in frame["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page["Content-Security-Policy"]

    response = staff_client.get(pdf_url, {"source": "sample", "plan_type": medicare.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="letter-template-{template.pk}-preview.pdf"'
    text = " ".join(pdf_text(PdfReader(io.BytesIO(response.content))))
    assert "Sample Patient" in text and medicare.deadline_rules.get(stage="first_denial", step="file_appeal").citation in text


def test_staff_preview_a_real_case_with_another_plan_type_without_changing_it(staff_client, walked_case):
    template = general_template("step-therapy", "patient")
    html_url, pdf_url = preview_urls(template)
    answers_before = walked_case.answers
    other = PlanType.objects.exclude(slug=answers_before["plan"]["plan_type"]).get(slug="aca-individual")
    frame_url = reverse("admin:appeals_lettertemplate_preview_frame", args=[template.pk])
    page = staff_client.get(frame_url, {"source": walked_case.pk, "plan_type": other.pk})
    shown = html.unescape(page.content.decode())
    assert page.status_code == 200 and PATIENT["patient_name"] in shown and first_denial_law(other) in shown
    assert staff_client.get(html_url, {"source": walked_case.pk}).status_code == 200

    response = staff_client.get(pdf_url, {"source": walked_case.pk})
    text = " ".join(pdf_text(PdfReader(io.BytesIO(response.content))))
    assert response["Content-Type"] == "application/pdf" and PATIENT["patient_name"] in text
    assert PATIENT["patient_name"] not in response["Content-Disposition"]
    walked_case.refresh_from_db()
    assert walked_case.answers == answers_before


def test_a_template_that_fails_on_the_chosen_case_shows_the_reason(staff_client, walked_case):
    template = general_template("step-therapy", "prescriber")
    LetterTemplate.objects.filter(pk=template.pk).update(body="<p>{{ patient.middle_name }}</p>")
    html_url, pdf_url = preview_urls(template)
    for url, status in ((html_url, 200), (pdf_url, 422)):
        response = staff_client.get(url, {"source": walked_case.pk})
        body = response.content.decode()
        assert response.status_code == status and response["Content-Type"].startswith("text/html")
        assert "Unknown variable: patient.middle_name" in body and "Traceback" not in body


def test_a_case_of_another_denial_type_cannot_be_previewed(staff_client, walked_case):
    template = general_template("site-of-care", "prescriber")
    for url in every_preview_url(template):
        response = staff_client.get(url, {"source": walked_case.pk})
        assert response.status_code == 400 and PATIENT["patient_name"] not in response.content.decode()


def test_the_preview_is_for_staff_only(client, django_user_model, walked_case):
    template = general_template("step-therapy", "prescriber")
    for url in every_preview_url(template):
        assert client.get(url, {"source": walked_case.pk}).status_code == 302  # to the admin login
    client.force_login(django_user_model.objects.create_user("visitor", "visitor@example.org", "a-long-test-password"))
    for url in every_preview_url(template):
        response = client.get(url, {"source": walked_case.pk})
        assert response.status_code == 302 and PATIENT["patient_name"] not in response.content.decode()
    staff = django_user_model.objects.create_user("clerk", "clerk@example.org", "a-long-test-password", is_staff=True)
    client.force_login(staff)  # staff, but without permission to view letter templates
    for url in every_preview_url(template):
        assert client.get(url, {"source": walked_case.pk}).status_code == 403


def staff_with(django_user_model, username: str, *permissions: str):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username, f"{username}@example.org", "a-long-test-password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="appeals", codename__in=permissions))
    return user


def test_viewing_templates_is_not_enough_to_open_a_real_case(client, django_user_model, walked_case):
    template = general_template("step-therapy", "prescriber")
    client.force_login(staff_with(django_user_model, "viewer", "view_lettertemplate"))
    page = client.get(reverse("admin:appeals_lettertemplate_change", args=[template.pk])).content.decode()
    assert 'form="letter-preview"' in page and f"Case {walked_case.pk}," not in page
    for url in every_preview_url(template):
        response = client.get(url, {"source": walked_case.pk})
        assert response.status_code == 403 and PATIENT["patient_name"] not in html.unescape(response.content.decode())
    # Samples stay open to them.
    frame = client.get(reverse("admin:appeals_lettertemplate_preview_frame", args=[template.pk]), {"source": "sample"})
    assert frame.status_code == 200 and "Sample Patient" in html.unescape(frame.content.decode())
    assert not LetterAccess.objects.exists()


def test_only_paid_unpurged_cases_are_offered_to_staff_allowed_to_preview_them(client, django_user_model, walked_case):
    template = general_template("step-therapy", "prescriber")
    unpaid = unpaid_case()
    purged = unpaid_case()
    paid_for(purged)
    Case.objects.filter(pk=purged.pk).update(purged_at=timezone.now())
    client.force_login(staff_with(django_user_model, "reviewer", "view_lettertemplate", "preview_real_case"))
    page = client.get(reverse("admin:appeals_lettertemplate_change", args=[template.pk])).content.decode()
    assert f"Case {walked_case.pk}, created" in page
    assert f"Case {unpaid.pk}," not in page and f"Case {purged.pk}," not in page
    for case in (unpaid, purged):
        for url in every_preview_url(template):
            response = client.get(url, {"source": case.pk})
            assert response.status_code == 400 and PATIENT["patient_name"] not in html.unescape(response.content.decode())
    assert not LetterAccess.objects.exists()


def test_each_real_case_preview_is_in_the_letter_access_log(client, django_user_model, walked_case):
    template = general_template("step-therapy", "prescriber")
    reviewer = staff_with(django_user_model, "reviewer", "view_lettertemplate", "preview_real_case")
    client.force_login(reviewer)
    letter = Order.objects.get(case=walked_case).letter
    html_url, pdf_url = preview_urls(template)
    frame_url = reverse("admin:appeals_lettertemplate_preview_frame", args=[template.pk])

    assert client.get(html_url, {"source": walked_case.pk}).status_code == 200
    frame = client.get(frame_url, {"source": walked_case.pk})
    assert frame.status_code == 200 and PATIENT["patient_name"] in html.unescape(frame.content.decode())
    pdf = client.get(pdf_url, {"source": walked_case.pk})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    accesses = list(letter.accesses.order_by("at", "pk").values_list("who", "what", "user"))
    assert accesses == [
        (LetterAccess.Who.PREVIEW, LetterAccess.What.PAGE, reviewer.pk),
        (LetterAccess.Who.PREVIEW, LetterAccess.What.PDF, reviewer.pk),
    ]
    # A sample preview is no one's letter: nothing more is recorded.
    client.get(frame_url, {"source": "sample"})
    client.get(pdf_url, {"source": "sample"})
    assert letter.accesses.count() == 2
