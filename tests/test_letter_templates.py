"""Letter templates: shipped for every demo denial type in two voices, checked
against sample cases before they are saved, kept with their history, offered
to a case most specific first, and rendered with autoescaping."""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from appeals.catalog.plan_rules import instrument_for
from appeals.letters.defaults import default_body
from appeals.letters.engine import LetterTemplateError, render_letter_body
from appeals.letters.samples import sample_context
from appeals.models import DenialType, LetterTemplate, Payer, PlanType
from tests.support.cases import answer_every_step, opened_case
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
            letter = render_letter_body(template.body, sample_context(template.denial_type, plan_type))
            assert "Sample Patient" in letter and "Diagnosis confirmed by a specialist" in letter
            law = instrument_for(plan_type, "first_denial").law if plan_type is not None else ""
            if law:
                assert law in html.unescape(letter)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Dear {{ patient.patient_nam }}", "Unknown variable: patient.patient_nam"),
        ("{% for row in criteria %}{{ row.requirment }}{% endfor %}", "Unknown variable: row.requirment"),
        ("{% if %}", "Template syntax error"),
        ("{% include 'base.html' %}", "cannot include other templates"),
        ("{% load static %}", "cannot include other templates or load tags ({% load %} on line 1)"),
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


# Tags and filters that print text unescaped or show the context, and loops that never end.
NESTED_LOOPS = "".join("{% for c" + str(i) + " in patient.patient_name %}" for i in range(6)) + "." + "{% endfor %}" * 6


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (
            "{% autoescape off %}{{ patient.patient_name }}{% endautoescape %}",
            "the tag {% autoescape %} on line 1 is not allowed",
        ),
        ("{{ patient.patient_name|safe }}", "Invalid filter |safe: not allowed"),
        ("{% for name in evidence.compendia|safeseq %}{{ name }}{% endfor %}", "Invalid filter |safeseq: not allowed"),
        ("{% filter safe %}{{ patient.patient_name }}{% endfilter %}", "the tag {% filter %} on line 1 is not allowed"),
        ("<p>\n{% debug %}</p>", "the tag {% debug %} on line 2 is not allowed"),
        ("{{ patient.patient_name|ljust:'90000000' }}", "Invalid filter |ljust: not allowed"),
    ],
)
def test_tags_and_filters_that_bypass_escaping_are_refused_on_every_path(staff_client, body, named):
    template = LetterTemplate.objects.filter(voice="prescriber").first()
    response = staff_client.post(
        reverse("admin:appeals_lettertemplate_change", args=[template.pk]), form_data(template, body=body)
    )
    shown = html.unescape(response.content.decode())
    field_errors = re.search(r'<ul class="errorlist" id="id_body_error">(.*?)</ul>', shown, re.S).group(1)
    assert response.status_code == 200 and field_errors.count(named) == 1  # said once, at the body
    template.refresh_from_db()
    assert template.body != body
    # The model refuses it outside admin too, and the engine will not render it if it was stored anyway.
    template.body = body
    with pytest.raises(ValidationError, match=re.escape(named)):
        template.full_clean()
    with pytest.raises(LetterTemplateError, match=re.escape(named)):
        render_letter_body(body, sample_context(template.denial_type, None))


def test_the_shipped_templates_use_only_allowed_tags_and_filters(demo_catalog):
    for voice in LetterTemplate.Voice.values:
        template = LetterTemplate(name="x", denial_type=DenialType.objects.first(), voice=voice, body=default_body(voice))
        template.full_clean()


def test_a_template_that_loops_too_long_is_refused_at_save_and_stopped_at_render(staff_client):
    template = LetterTemplate.objects.filter(voice="prescriber").first()
    url = reverse("admin:appeals_lettertemplate_change", args=[template.pk])
    response = staff_client.post(url, form_data(template, body=NESTED_LOOPS))
    assert response.status_code == 200 and "This template does too much work" in html.unescape(response.content.decode())
    template.refresh_from_db()
    assert template.body != NESTED_LOOPS
    with pytest.raises(LetterTemplateError, match="too much work"):
        render_letter_body(NESTED_LOOPS, sample_context(template.denial_type, None))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{% for c in notes %}{{ notes }}{% endfor %}", "prints more than 2,000,000 characters"),
        ("{% for c in notes %}" + "x" * 1100 + "{% endfor %}", "prints more than 2,000,000 characters"),
        ("{{ notes|join:separator }}", "longer than 100,000 characters"),
    ],
)
def test_a_render_that_prints_or_builds_too_much_is_stopped(body, reason):
    with pytest.raises(LetterTemplateError, match=reason):
        render_letter_body(body, {"notes": "n" * 2000, "separator": "s" * 60})


def test_an_oversized_join_is_refused_before_it_is_built():
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(LetterTemplateError, match="longer than 100,000 characters"):
            render_letter_body("{{ notes|join:separator }}", {"notes": "n" * 2000, "separator": "s" * 50_000})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000  # the joined text would be some 100 MB


def test_the_render_budget_has_a_deadline_too(monkeypatch):
    from appeals.letters import library

    ticks = iter(range(0, 1000, 3))  # each look at the clock is three seconds later
    monkeypatch.setattr(library, "monotonic", lambda: next(ticks))
    with pytest.raises(LetterTemplateError, match="longer than 2 seconds"):
        render_letter_body("{% for c in name %}{{ c }}{% endfor %}", {"name": "abc"})


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
    case, case_url = opened_case()
    answer_every_step(case)
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
    from tests.support.wizard_answers import PATIENT

    case_url = open_case(client)
    walk(client, case_url, stop_before="patient")
    client.post(case_url + "patient/", {**PATIENT, "patient_name": "<script>alert(1)</script>"})
    walk(client, case_url)
    body = client.get(case_url + "review/").content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_render_letter_names_every_unknown_variable():
    with pytest.raises(LetterTemplateError, match=r"Unknown variables: a, b\.c"):
        render_letter_body("{{ a }} {{ b.c }}", {"b": {}})
