"""The one schema of a case's answers (appeals.intake.answers) against the wizard's forms."""

import dataclasses
import datetime

import pytest
from django.forms import BaseFormSet
from django.http import QueryDict

from appeals.intake import forms
from appeals.intake.answers import (
    NOT_SURE,
    AlternativeAnswers,
    AuthorizationAnswers,
    CaseAnswers,
    CriterionAnswer,
    DiagnosisAnswers,
    EvidenceAnswers,
    LetterChoice,
    OfficeAnswers,
    PatientAnswers,
    PlanAnswers,
    PrescriberAnswers,
    RequestedDrugAnswers,
    TreatmentAnswers,
    stored_step,
)
from appeals.intake.steps import applicable_steps, step_by_slug
from appeals.models import Case, PlanType
from tests.support.cases import answer_every_step, opened_case

SCHEMA_OF_FORM = [
    (forms.PlanForm, PlanAnswers, set()),
    (forms.PatientForm, PatientAnswers, set()),
    (forms.OfficeForm, OfficeAnswers, set()),
    (forms.DiagnosisForm, DiagnosisAnswers, {"icd10_description"}),
    (forms.CompendiaForm, EvidenceAnswers, set()),
    (forms.RequestedDrugForm, RequestedDrugAnswers, set()),
    (forms.PriorTreatmentForm, TreatmentAnswers, set()),
    (forms.FormularyAlternativeForm, AlternativeAnswers, set()),
    (forms.AuthorizationHistoryForm, AuthorizationAnswers, set()),
    (forms.PrescriberForm, PrescriberAnswers, set()),
]


@pytest.mark.parametrize(("form_class", "schema", "added_on_save"), SCHEMA_OF_FORM, ids=lambda v: getattr(v, "__name__", ""))
def test_each_step_form_asks_exactly_what_its_schema_names(form_class, schema, added_on_save):
    assert {f.name for f in dataclasses.fields(schema)} == set(form_class.base_fields) | added_on_save


def test_stored_answers_are_read_typed_and_missing_steps_are_empty():
    answers = CaseAnswers.from_dict(
        {
            "plan": {"plan_type": NOT_SURE, "notice_date": "2026-03-02", "expedited": True},
            "treatments": {"items": [{"drug": "Methotrexate", "started_on": "2020-01-10", "stopped_on": None}]},
            "criteria": {"items": [{"key": "dx", "status": "met", "evidence_date": "2026-01-05"}]},
        }
    )
    assert answers.plan.notice_date == datetime.date(2026, 3, 2) and answers.plan.is_unsure and answers.plan.expedited
    assert answers.treatments[0].started_on == datetime.date(2020, 1, 10) and answers.treatments[0].stopped_on is None
    assert answers.criteria.for_criterion("dx").met and not answers.criteria.for_criterion("other").met
    assert answers.patient.email == "" and answers.letter.template_id is None and answers.alternatives == []


@pytest.mark.django_db
def test_the_plan_type_is_the_chosen_one_and_none_when_unsure_or_unanswered():
    plan_type = PlanType.objects.create(name="Test plan", slug="test-plan")
    assert CaseAnswers.from_dict({"plan": {"plan_type": "test-plan"}}).plan_type() == plan_type
    assert CaseAnswers.from_dict({"plan": {"plan_type": NOT_SURE}}).plan_type() is None
    assert CaseAnswers.from_dict({}).plan_type() is None


def test_typed_answers_are_stored_as_the_wizard_stores_them_and_read_back_the_same():
    from appeals.letters.samples import sample_answers

    answers = sample_answers(None, datetime.date(2026, 5, 4))
    stored = answers.to_stored()
    assert stored["plan"]["notice_date"] == "2026-04-22" and stored["treatments"]["items"][0]["started_on"] == "2020-01-10"
    assert CaseAnswers.from_dict(stored) == answers


def test_each_criterion_asks_exactly_the_parts_of_its_schema():
    # The criteria form names its fields <criterion key>__<part>; each part is a CriterionAnswer field.
    assert set(forms.CriteriaForm.PARTS) == {f.name for f in dataclasses.fields(CriterionAnswer)} - {"key"}


def test_a_step_is_stored_only_from_its_dataclass():
    assert stored_step("letter", LetterChoice(template_id=3)) == {"template_id": 3}
    assert stored_step("treatments", [TreatmentAnswers(drug="Methotrexate")])["items"][0]["drug"] == "Methotrexate"
    with pytest.raises(TypeError):
        stored_step("letter", {"template_id": 3})  # a dict keyed by hand
    with pytest.raises(TypeError):
        stored_step("patient", PlanAnswers())  # another step's schema
    with pytest.raises(TypeError):
        stored_step("treatments", [AlternativeAnswers()])
    with pytest.raises(KeyError):
        CaseAnswers().step("no-such-step")


def _shown_again_as_post(form) -> QueryDict:
    """What the browser sends back when a step is reopened and sent unchanged."""
    data = QueryDict(mutable=True)
    if isinstance(form, BaseFormSet):
        for name, field in form.management_form.fields.items():
            data[form.management_form.add_prefix(name)] = str(form.management_form[name].value() or field.initial or 0)
        bound = [(row, row[name]) for row in form.forms for name in row.fields]
    else:
        bound = [(form, form[name]) for name in form.fields]
    for owner, field in bound:
        value = field.value()
        if value in (None, "", [], False):
            continue
        data.setlist(owner.add_prefix(field.name), [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return data


# Between them every step, a product chosen within a drug class, and criteria met and excepted.
REOPENED = [
    ("jak-inhibitor", "cigna", "step-therapy"),
    ("anifrolumab", "cigna", "not-fda-approved"),
    ("anifrolumab", "cigna", "quantity-limit"),
    ("nivolumab", "aetna", "non-formulary"),
    ("atezolizumab", "anthem", "site-of-care"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("drug", "payer", "denial"), REOPENED)
def test_a_reopened_step_sent_unchanged_stores_the_same_answers(demo_catalog, drug, payer, denial):
    case, _ = opened_case(drug=drug, payer=payer, denial=denial)
    answer_every_step(case)
    case = Case.objects.get(pk=case.pk)
    for step in applicable_steps(case):
        before = case.typed_answers.step(step.slug)
        form = step.build_form(case, data=_shown_again_as_post(step.build_form(case)))
        assert form.is_valid(), (step.slug, form.errors)
        assert step.answers_from(form) == before, step.slug


@pytest.mark.django_db
def test_a_step_not_answered_yet_shows_the_forms_own_initial_values(demo_catalog):
    case, _ = opened_case(drug="anifrolumab")
    drug_step = step_by_slug("drug")
    assert drug_step.build_form(case)["route"].value() == case.drug.route != ""
