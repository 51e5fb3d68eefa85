"""The one schema of a case's answers (appeals.intake.answers) against the wizard's forms."""

import dataclasses
import datetime

import pytest

from appeals.intake import forms
from appeals.intake.answers import (
    NOT_SURE,
    AlternativeAnswers,
    AuthorizationAnswers,
    CaseAnswers,
    DiagnosisAnswers,
    EvidenceAnswers,
    PatientAnswers,
    PlanAnswers,
    PrescriberAnswers,
    RequestedDrugAnswers,
    TreatmentAnswers,
)
from appeals.models import PlanType

SCHEMA_OF_FORM = [
    (forms.PlanForm, PlanAnswers, set()),
    (forms.PatientForm, PatientAnswers, set()),
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
