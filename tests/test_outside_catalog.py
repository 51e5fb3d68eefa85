"""A drug or insurer the catalog does not hold: the person is told, may go on with the
name as typed, and gets a letter on the general path for the denial type (the plan's
reasons typed from the notice, no catalog facts); staff see the name as a request."""

from __future__ import annotations

import html
import io

import pytest
from django.db import connection
from pypdf import PdfReader

from appeals.catalog.models import UNLISTED
from appeals.letters import rendering
from appeals.models import Case, CatalogRequest, Drug, Order, Payer
from tests.support.cases import answer_every_step
from tests.test_wizard_steps import walk

pytestmark = pytest.mark.django_db

BENLYSTA_AT_KAISER = {"drug": "Benlysta", "payer": "Kaiser Permanente", "denial": "step-therapy", "promo": ""}


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_an_unknown_name_is_explained_and_the_person_may_go_on_with_it(client, demo_catalog):
    assert "Go on with the name as I typed it" not in text(client.get("/start/"))
    response = client.post("/start/", BENLYSTA_AT_KAISER)
    assert response.status_code == 200
    page = text(response)
    assert "The drug “Benlysta” is not in our list" in page and "The insurer “Kaiser Permanente” is not in our list" in page
    assert "Go on with the name as I typed it" in page
    assert response.context["form"]["drug"].value() == "Benlysta"  # nothing typed is lost
    assert not Case.objects.exists() and not CatalogRequest.objects.exists()

    response = client.post("/start/", {**BENLYSTA_AT_KAISER, "unlisted_ok": "on"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.drug.slug == UNLISTED and case.payer.slug == UNLISTED and case.outside_catalog
    assert (case.drug_name, case.payer_name) == ("Benlysta", "Kaiser Permanente")
    with connection.cursor() as cursor:  # kept encrypted with the answers
        cursor.execute("SELECT answers_encrypted FROM appeals_case")
        (stored,) = cursor.fetchone()
    assert "Benlysta" not in stored and "Kaiser" not in stored
    assert sorted(CatalogRequest.objects.values_list("kind", "name", "times_asked")) == [
        ("drug", "benlysta", 1),
        ("payer", "kaiser permanente", 1),
    ]
    client.post("/start/", {**BENLYSTA_AT_KAISER, "drug": "  BENLYSTA ", "unlisted_ok": "on"})
    assert CatalogRequest.objects.get(kind="drug").times_asked == 2


def test_a_known_drug_at_an_unknown_insurer_keeps_the_drugs_catalog_facts(client, demo_catalog):
    case_url = client.post("/start/", {"drug": "Saphnelo", "payer": "Kaiser", "denial": "step-therapy", "unlisted_ok": "on"})[
        "Location"
    ]
    case = Case.objects.get()
    assert case.drug.slug == "anifrolumab" and case.payer.slug == UNLISTED
    assert case.letter_drug() == case.drug
    assert list(CatalogRequest.objects.values_list("kind", flat=True)) == ["payer"]
    page = text(client.get(case_url + "plan/"))
    assert "Anifrolumab denied" in page and "by Kaiser</p>" in page


def test_the_general_path_reaches_a_letter_with_the_typed_names_and_no_catalog_facts(
    client, demo_catalog, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    case_url = client.post("/start/", {**BENLYSTA_AT_KAISER, "unlisted_ok": "on"})["Location"]
    steps = walk(client, case_url)
    assert steps[:3] == ["plan", "patient", "office"] and "criteria" in steps
    case = Case.objects.get()
    # No criteria are known: the notice's reasons are asked in free text.
    assert case.typed_answers.criteria.other_reasons
    plan_form = client.get(case_url + "plan/").context["form"]
    assert len(plan_form.fields["plan_type"].choices) > 5  # every plan type: the insurer's are not known

    review = text(client.get(case_url + "review/"))
    assert "Benlysta denied" in review and "by Kaiser Permanente" in review
    assert "not in the catalog" not in review

    assert client.post(case_url + "review/")["Location"] == case_url + "payment/"
    client.post(client.post(case_url + "payment/", {"email": "p@example.org", "promo": ""})["Location"], {"pay": ""})
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        rendering.render_packet(order.letter.pk)
    order.refresh_from_db()
    pdf = client.get(order.status_path() + "pdf/")
    assert pdf.status_code == 200
    words = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Benlysta" in words and "Kaiser Permanente" in words
    assert "not in the catalog" not in words
    status = text(client.get(order.status_path()))
    assert "Send it to Kaiser Permanente" in status


def test_the_stand_in_rows_never_show_on_public_pages(client, demo_catalog):
    client.post("/start/", {**BENLYSTA_AT_KAISER, "unlisted_ok": "on"})
    assert Drug.objects.filter(slug=UNLISTED).exists() and Payer.objects.filter(slug=UNLISTED).exists()
    assert client.get(f"/drugs/{UNLISTED}/").status_code == 404
    assert client.get(f"/payers/{UNLISTED}/").status_code == 404
    for page in (client.get("/start/"), client.get("/?q=catalog"), client.get("/?q=drug"), client.get("/")):
        assert "not in the catalog" not in text(page)
    # Typing the stand-in's own name finds nothing either.
    response = client.post("/start/", {"drug": "Drug not in the catalog", "payer": "Cigna", "denial": "step-therapy"})
    assert "Type the name on the denial notice." in text(response)


def test_a_case_already_in_the_catalog_is_unchanged(client, demo_catalog):
    from tests.support.cases import opened_case

    case, _ = opened_case()
    answer_every_step(case)
    assert not case.outside_catalog and case.letter_drug() == case.drug and case.drug_name == case.drug.name


def test_the_stand_in_names_are_never_taken_for_a_real_name(client, demo_catalog):
    client.post("/start/", {**BENLYSTA_AT_KAISER, "unlisted_ok": "on"})  # the stand-in rows exist now
    start = client.get(f"/start/?drug={UNLISTED}&payer={UNLISTED}&denial=step-therapy")
    assert start.context["form"].initial["drug"] == "" and start.context["form"].initial["payer"] == ""
    response = client.post(
        "/start/", {"drug": "Drug not in the catalog", "payer": "Cigna", "denial": "step-therapy", "unlisted_ok": "on"}
    )
    assert response.status_code == 200 and "Type the name on the denial notice." in text(response)
    assert Case.objects.count() == 1


def test_staff_preview_a_template_with_a_case_outside_the_catalog(client, demo_catalog, admin_client):
    from appeals.admin.letter_preview import case_with_plan_type
    from appeals.letters.packet import case_packet
    from appeals.models import PlanType

    case_url = client.post("/start/", {**BENLYSTA_AT_KAISER, "unlisted_ok": "on"})["Location"]
    walk(client, case_url)
    case = Case.objects.get()
    preview = case_with_plan_type(case, PlanType.objects.filter(letter_cites_law=True).first())
    html_text = case_packet(preview, None, today=case.created_at.date()).html
    assert "Benlysta" in html_text and "not in the catalog" not in html_text
