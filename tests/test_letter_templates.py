"""Letter templates: shipped for every demo denial type in two voices, checked
against sample cases before they are saved, kept with their history, offered
to a case most specific first, and rendered with autoescaping."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from appeals.letters.engine import LetterTemplateError, render_letter
from appeals.letters.samples import sample_context
from appeals.models import DenialType, LetterTemplate, Payer, PlanType
from tests.test_wizard_steps import open_case, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model, demo_catalog):
    client.force_login(django_user_model.objects.create_superuser("staff", "staff@example.org", "a-long-test-password"))
    return client


def form_data(template: LetterTemplate, **changes) -> dict:
    data = {
        "name": template.name,
        "denial_type": template.denial_type_id,
        "voice": template.voice,
        "payer": template.payer_id or "",
        "plan_type": template.plan_type_id or "",
        "active": "on",
        "body": template.body,
    }
    return {**data, **changes}


def test_every_demo_denial_type_has_both_voices_and_each_renders_for_every_plan_type(demo_catalog):
    for denial_type in DenialType.objects.all():
        voices = set(LetterTemplate.objects.filter(denial_type=denial_type).values_list("voice", flat=True))
        assert voices == {"prescriber", "patient"}
    for template in LetterTemplate.objects.select_related("denial_type"):
        for plan_type in [*PlanType.objects.all(), None]:
            letter = render_letter(template.body, sample_context(template.denial_type, plan_type))
            assert "Sample Patient" in letter and "Diagnosis confirmed by a specialist" in letter
            if plan_type is not None:
                assert plan_type.governing_law in html.unescape(letter)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Dear {{ patient.patient_nam }}", "Unknown variable: patient.patient_nam"),
        ("{% for row in criteria %}{{ row.requirment }}{% endfor %}", "Unknown variable: row.requirment"),
        ("{% if %}", "Template syntax error"),
        ("{% include 'base.html' %}", "cannot include other templates"),
        ("{% load static %}", "Template syntax error"),
        ("{{ patient.patient_name|nosuchfilter }}", "Invalid filter"),
    ],
)
def test_admin_refuses_a_template_that_fails_with_the_reason(staff_client, body, reason):
    template = LetterTemplate.objects.filter(voice="prescriber").first()
    url = reverse("admin:appeals_lettertemplate_change", args=[template.pk])
    response = staff_client.post(url, form_data(template, body=body))
    assert response.status_code == 200
    assert reason in html.unescape(response.content.decode())
    template.refresh_from_db()
    assert template.body != body


def test_a_template_narrowed_to_a_plan_type_is_checked_only_against_it(staff_client):
    template = LetterTemplate.objects.filter(voice="prescriber").first()
    part_d = PlanType.objects.get(slug="medicare-part-d")
    url = reverse("admin:appeals_lettertemplate_add")
    body = "{{ plan.type }}: {{ plan.governing_law }}"
    response = staff_client.post(url, form_data(template, name="Part D only", plan_type=part_d.pk, body=body))
    assert response.status_code == 302
    assert LetterTemplate.objects.get(name="Part D only").plan_type == part_d


def test_changes_are_kept_and_can_be_reverted(staff_client):
    template = LetterTemplate.objects.filter(voice="patient").first()
    original = template.body
    url = reverse("admin:appeals_lettertemplate_change", args=[template.pk])
    assert staff_client.post(url, form_data(template, body="Short letter for {{ patient.patient_name }}.")).status_code == 302
    history = list(template.history.order_by("history_date"))
    assert history[-1].history_user.username == "staff" and history[-1].body.startswith("Short letter")
    first = history[0]
    revert_url = reverse("admin:appeals_lettertemplate_simple_history", args=[template.pk, first.history_id])
    assert staff_client.post(revert_url, form_data(template, body=first.body)).status_code == 302
    template.refresh_from_db()
    assert template.body.strip() == original.strip()  # the admin's text field trims the final newline


def test_admin_lists_the_variables_and_previews_a_sample(staff_client):
    template = LetterTemplate.objects.filter(voice="prescriber").first()
    page = html.unescape(staff_client.get(reverse("admin:appeals_lettertemplate_change", args=[template.pk])).content.decode())
    for variable in ("patient", "criteria", "prescriber", "deadlines", "patient_name", "exception_ground"):
        assert f"{variable}" in page
    assert "Preview with a sample case" in page and "Sample Patient" in page


def test_the_most_specific_template_is_preselected_and_the_choice_is_rendered(client, demo_catalog):
    step_therapy = DenialType.objects.get(slug="step-therapy")
    cigna, aetna = Payer.objects.get(slug="cigna"), Payer.objects.get(slug="aetna")
    body = "<p>Cigna-specific letter for {{ patient.patient_name }}</p>"
    specific = LetterTemplate.objects.create(name="Cigna", denial_type=step_therapy, voice="prescriber", payer=cigna, body=body)
    LetterTemplate.objects.create(
        name="Aetna", denial_type=step_therapy, voice="prescriber", payer=aetna, body="<p>Aetna letter</p>"
    )
    case_url = open_case(client)
    walk(client, case_url)
    review = client.get(case_url + "review/")
    offered = [t.name for t in review.context["templates"]]
    assert offered[0] == "Cigna" and "Aetna" not in offered and len(offered) == 3
    assert "Cigna-specific letter for Maria Quintana-Reyes" in html.unescape(review.content.decode())
    patient_letter = LetterTemplate.objects.get(denial_type=step_therapy, voice="patient", payer=None)
    shown = client.get(case_url + "review/", {"template": patient_letter.pk})
    assert "Signature of the member or representative" in shown.content.decode()
    client.post(case_url + "review/", {"template": patient_letter.pk})
    from appeals.models import Case

    assert Case.objects.get().step_answers("letter") == {"template_id": patient_letter.pk}
    assert client.get(case_url + "review/").context["chosen"] == patient_letter  # the choice is kept
    assert specific.pk != patient_letter.pk


def test_patient_text_is_escaped_in_the_letter(client, demo_catalog):
    from tests.wizard_answers import PATIENT

    case_url = open_case(client)
    walk(client, case_url, stop_before="patient")
    client.post(case_url + "patient/", {**PATIENT, "patient_name": "<script>alert(1)</script>"})
    walk(client, case_url)
    body = client.get(case_url + "review/").content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_render_letter_names_every_unknown_variable():
    with pytest.raises(LetterTemplateError, match=r"Unknown variables: a, b\.c"):
        render_letter("{{ a }} {{ b.c }}", {"b": {}})
