"""State step-therapy law: a letter names a statute only where one was read and
recorded for the state the policy was issued in, binds the plan type, reaches
the denial type and is in force on the letter's date, and only for a ground
the answers support on a required-trial criterion."""

from __future__ import annotations

import datetime
import importlib
import json
import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from appeals.catalog.state_law import applicable_state_law, criterion_takes_exception_ground
from appeals.demo.state_laws import STATE_LAWS
from appeals.intake.answers import NOT_SURE, CaseAnswers
from appeals.intake.forms import CriteriaForm, PatientForm
from appeals.letters.context import build_letter_context
from appeals.letters.defaults import default_body
from appeals.letters.engine import render_letter_body
from appeals.letters.samples import sample_answers
from appeals.models import Criterion, DenialType, Drug, Payer, PlanType, StateStepTherapyLaw

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
STEP = SimpleNamespace(
    pk=None, key="tnf-trial", kind="prior_therapy", requirement="Trial of a TNF blocker", source_title="Sample policy",
    effective_date=datetime.date(2026, 1, 1), evidence="",
)  # fmt: skip
TB = SimpleNamespace(
    pk=None, key="safety-screening", kind="other", requirement="Tuberculosis screening", source_title="Sample policy",
    effective_date=datetime.date(2026, 1, 1), evidence="TB test",
)  # fmt: skip
ADALIMUMAB = {
    "drug": "adalimumab",
    "dose": "40 mg",
    "started_on": "2024-03-01",
    "stopped_on": "2024-11-15",
    "outcome": "inadequate_response",
}


def _answers(*, plan: str, state: str = "TX", policy_state: str = "", criteria_items=None, treatments=None) -> CaseAnswers:
    stored = sample_answers(None, TODAY).to_stored()
    stored["plan"]["plan_type"] = plan
    stored["patient"].update(state=state, policy_state=policy_state)
    stored["treatments"] = {"items": treatments if treatments is not None else [ADALIMUMAB]}
    stored["criteria"] = {
        "items": criteria_items
        if criteria_items is not None
        else [
            {"key": "tnf-trial", "status": "exception", "ground": "tried_and_failed", "explanation": "Stopped for no response."}
        ],
        "other_reasons": "",
    }
    return CaseAnswers.from_dict(stored)


def _context(answers: CaseAnswers, denial: str = "step-therapy", criteria=(STEP,)) -> dict:
    return build_letter_context(
        answers=answers,
        drug=Drug(name="Tofacitinib"),
        payer=Payer(name="Sample Health Plan"),
        denial_type=DenialType.objects.get(slug=denial),
        criteria=list(criteria),
        deadlines=[],
    )


def _letter(context: dict, voice: str = "prescriber") -> str:
    text = re.sub(r"<[^>]+>", " ", render_letter_body(default_body(voice), context))
    return re.sub(r"\s+", " ", text)


def _cites_state_law(context: dict) -> bool:
    letters = _letter(context, "prescriber") + _letter(context, "patient")
    return bool(context["state_law"]) or "step-therapy law" in letters or "Ins. Code" in letters or "Codified Laws" in letters


def test_e16_no_state_law_for_a_state_without_a_recorded_statute(demo_catalog):
    assert not StateStepTherapyLaw.objects.filter(state="AL").exists()
    for denial in ("step-therapy", "site-of-care"):
        for plan in ("employer-fully-insured", "aca-individual"):
            context = _context(_answers(plan=plan, state="AL"), denial=denial)
            assert not _cites_state_law(context), (denial, plan)
            assert context["plan"]["state_law_applies"] is False
            assert not any("exception form" in line for line in context["enclosures"])


def test_e16_site_of_care_denial_never_cites_step_therapy_law(demo_catalog):
    for denial in ("site-of-care", "quantity-limit", "medical-necessity", "non-formulary", "not-fda-approved"):
        context = _context(_answers(plan="employer-fully-insured", state="TX"), denial=denial)
        assert not _cites_state_law(context), denial


def test_e16_the_plan_type_rights_no_longer_claim_a_state_step_therapy_law(demo_catalog):
    for plan_type in PlanType.objects.all():
        assert "step-therapy" not in plan_type.appeal_rights, plan_type.slug
        assert "step-therapy exception form" not in plan_type.enclosures, plan_type.slug


def test_a7_tx_letter_names_the_statute_and_the_matched_ground_and_clock(demo_catalog):
    context = _context(_answers(plan="aca-individual", state="TX"))
    letter = _letter(context)

    assert "Texas step-therapy law" in letter
    # The policy state was left to default to the patient's: the letter does not say where the policy was issued.
    assert "Tex. Ins. Code §1369.0546 governs the step-therapy protocols of health insurance issued in Texas" in letter
    assert "policy issued in" not in letter
    # The criterion answered "tried and failed", and the trial from the treatments step, under (c)(2).
    assert "Tex. Ins. Code §1369.0546(c)(2)" in letter
    assert "For “Trial of a TNF blocker”: Stopped for no response." in letter
    assert "took adalimumab 40 mg from 03/2024 to 11/2024 and stopped it: inadequate response" in letter
    # Grounds the answers do not support are not listed.
    assert "(c)(1)(A)-(B)" not in letter and "(c)(3)" not in letter
    assert "Texas standard step-therapy exception request form" in " ".join(context["enclosures"])
    # The Texas response time was not read in the statute: no clock is claimed for it.
    assert context["state_law"]["standard_clock"] == "" and "to decide" not in letter


def test_a7_a_recorded_clock_and_deemed_grant_are_printed_with_their_source(demo_catalog):
    context = _context(_answers(plan="employer-fully-insured", state="SD"))
    letter = _letter(context)

    assert "S.D. Codified Laws §58-17H-55(3)" in letter
    assert "gives the plan 5 calendar days (72 hours for an urgent request)" in letter
    assert "after receipt of complete, clinically relevant written documentation" in letter
    assert "the exception is deemed granted" in letter
    assert "I took adalimumab" in _letter(context, "patient")


def test_mo_letter_names_the_statute_and_the_matched_ground_and_no_clock(demo_catalog):
    context = _context(_answers(plan="employer-fully-insured", state="AL", policy_state="MO"))
    letter = _letter(context)

    assert "Missouri step-therapy law" in letter
    assert "My patient's plan is a policy issued in Missouri, so Mo. Rev. Stat. §376.2034 governs" in letter
    # The criterion answered "tried and failed", with the trial from the treatments step, under subsection 2.
    assert "Mo. Rev. Stat. §376.2034.2 : the patient tried the drugs the protocol requires" in letter
    assert "For “Trial of a TNF blocker”: Stopped for no response." in letter
    assert "took adalimumab 40 mg from 03/2024 to 11/2024 and stopped it: inadequate response" in letter
    # No Missouri response time or grant by silence was read: none is claimed.
    assert context["state_law"]["standard_clock"] == "" and "to decide" not in letter
    assert "deemed granted" not in letter
    assert "Mo. Rev. Stat. §376.2034.2" in _letter(context, "patient")


def test_mo_statute_is_not_cited_for_a_ground_it_does_not_provide(demo_catalog):
    # Missouri's section names no "contraindicated" ground, and nothing else in the answers matches one it has.
    contraindicated = [{"key": "tnf-trial", "status": "exception", "ground": "contraindicated", "explanation": "TB."}]
    context = _context(_answers(plan="aca-individual", state="MO", criteria_items=contraindicated, treatments=[]))
    assert not _cites_state_law(context)
    assert not _cites_state_law(_context(_answers(plan="medicaid-managed-care", state="MO")))


def test_la_medicaid_section_is_recorded_but_never_cited(demo_catalog):
    louisiana = StateStepTherapyLaw.objects.get(state="LA")
    assert louisiana.citation == "La. R.S. 46:460.34" and louisiana.binds_medicaid_mco and not louisiana.verified
    for plan in ("medicaid-managed-care", "employer-fully-insured", "aca-individual"):
        assert not _cites_state_law(_context(_answers(plan=plan, state="LA"))), plan


def test_e17_policy_state_not_residence_governs(demo_catalog):
    issued_in_texas = _context(_answers(plan="employer-fully-insured", state="AL", policy_state="TX"))
    assert "Tex. Ins. Code §1369.0546" in _letter(issued_in_texas)
    assert "My patient's plan is a policy issued in Texas, so Tex. Ins. Code §1369.0546 governs" in _letter(issued_in_texas)

    issued_in_alabama = _context(_answers(plan="employer-fully-insured", state="TX", policy_state="AL"))
    assert not _cites_state_law(issued_in_alabama)


def test_e17_the_policy_state_defaults_to_the_patients_state():
    form = PatientForm(
        data={"patient_name": "A B", "birth_date": "1980-01-01", "member_id": "X1", "state": "TX", "email": "a@example.org"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["policy_state"] == ""
    answers = CaseAnswers.from_dict({"patient": form.cleaned_data})
    assert answers.patient.governing_state == "TX"
    assert CaseAnswers.from_dict({"patient": {"state": "TX", "policy_state": "OK"}}).patient.governing_state == "OK"
    assert "employer's main office" in str(PatientForm().fields["policy_state"].help_text)


@pytest.mark.parametrize("plan", ["employer-self-funded", "medicare-part-d", "medicare-advantage", "fehb", NOT_SURE, ""])
def test_self_funded_medicare_fehb_and_unknown_plans_never_cite_a_state_law(demo_catalog, plan):
    for state in ("TX", "SD"):
        context = _context(_answers(plan=plan, state=state))
        assert not _cites_state_law(context), (plan, state)
        assert applicable_state_law(plan_type_slug=plan or None, denial_type_slug="step-therapy", state=state, on=TODAY) is None


def test_letter5_a_tb_screening_criterion_cannot_carry_a_statutory_exception(demo_catalog):
    form = CriteriaForm(criteria=[STEP, TB], grounds=["contraindicated", "tried_and_failed"], denial_type="step-therapy")
    assert "tnf-trial__ground" in form.fields
    assert "safety-screening__ground" not in form.fields
    assert dict(form.fields["safety-screening__status"].choices)["exception"] == "No: explain why it should not apply"

    posted = CriteriaForm(
        criteria=[STEP, TB],
        grounds=["contraindicated", "tried_and_failed"],
        denial_type="step-therapy",
        data={
            "tnf-trial__status": "exception",
            "tnf-trial__ground": "tried_and_failed",
            "tnf-trial__explanation": "No response.",
            "safety-screening__status": "exception",
            "safety-screening__ground": "contraindicated",  # not offered: dropped
            "safety-screening__explanation": "Screening is scheduled before the first dose.",
        },
    )
    assert posted.is_valid(), posted.errors
    items = {item.key: item for item in posted.to_answers().items}
    assert items["safety-screening"].ground == ""

    # An answer stored before this rule, with a ground on the screening, is not presented as an exception.
    stored = [
        {"key": "tnf-trial", "status": "exception", "ground": "tried_and_failed", "explanation": "No response."},
        {"key": "safety-screening", "status": "exception", "ground": "contraindicated", "explanation": "Scheduled."},
    ]
    context = _context(_answers(plan="employer-fully-insured", criteria_items=stored, treatments=[]), criteria=(STEP, TB))
    letter = _letter(context)
    assert "Exception: Contraindicated" not in letter
    assert "Why it should not apply: Scheduled." in letter
    assert "Tuberculosis screening”" not in letter  # not under any statutory ground
    assert "For “Trial of a TNF blocker”: No response." in letter


def test_diagnosis_and_prescriber_criteria_take_no_exception_ground_under_any_denial():
    for denial in ("step-therapy", "medical-necessity", "site-of-care"):
        assert not criterion_takes_exception_ground(Criterion.Kind.DIAGNOSIS, denial)
        assert not criterion_takes_exception_ground(Criterion.Kind.PRESCRIBER, denial)
        assert criterion_takes_exception_ground(Criterion.Kind.PRIOR_THERAPY, denial)
    assert not criterion_takes_exception_ground(Criterion.Kind.OTHER, "step-therapy")
    # A site-of-care requirement is answered with the clinical reason for the site: no drug
    # exception ground ("tried before", "stable on the drug") answers where a drug is given.
    assert not criterion_takes_exception_ground(Criterion.Kind.OTHER, "site-of-care")
    assert not criterion_takes_exception_ground(Criterion.Kind.SEVERITY, "site-of-care")
    # Other denial types keep the payer's exception terms.
    assert criterion_takes_exception_ground(Criterion.Kind.OTHER, "medical-necessity")


def test_no_state_law_without_a_ground_the_answers_support(demo_catalog):
    context = _context(_answers(plan="employer-fully-insured", state="TX", criteria_items=[], treatments=[]))
    assert not _cites_state_law(context)
    # "Stable" is not among the grounds read in the Texas statute, so it is never matched to it.
    stable = [{"key": "tnf-trial", "status": "exception", "ground": "stable_on_current", "explanation": "Stable."}]
    assert not _cites_state_law(_context(_answers(plan="employer-fully-insured", criteria_items=stable, treatments=[])))


def _verified_law(**fields) -> StateStepTherapyLaw:
    values = {
        "state": "NY",
        "citation": "Test statute §1",
        "title": "Test",
        "effective_date": TODAY - datetime.timedelta(days=365),
        "source_url": "https://example.org/statute",
        "retrieved_on": TODAY,
        "verified": True,
        "verified_by": "test",
        "binds_fully_insured": True,
        "binds_individual": True,
        "denial_types": ["step-therapy"],
        "grounds": [{"ground": "tried_and_failed", "subsection": "(a)(1)", "wording": "the patient already tried it"}],
    }
    law = StateStepTherapyLaw(**{**values, **fields})
    law.full_clean()
    law.save()
    return law


def test_c8_medicaid_mco_cites_a_state_law_only_where_the_statute_binds_medicaid(demo_catalog):
    # Texas: §1369.053(7) leaves Medicaid managed care out.
    assert not _cites_state_law(_context(_answers(plan="medicaid-managed-care", state="TX")))

    _verified_law(binds_medicaid_mco=False)
    assert not _cites_state_law(_context(_answers(plan="medicaid-managed-care", state="NY")))

    _verified_law(binds_medicaid_mco=True, effective_date=TODAY - datetime.timedelta(days=30))
    assert "Test statute §1(a)(1)" in _letter(_context(_answers(plan="medicaid-managed-care", state="NY")))


def test_versioning_a_statute_not_yet_in_force_is_not_cited(demo_catalog):
    _verified_law(effective_date=TODAY + datetime.timedelta(days=1))
    assert not _cites_state_law(_context(_answers(plan="employer-fully-insured", state="NY")))

    _verified_law(effective_date=TODAY - datetime.timedelta(days=400))
    assert "Test statute §1" in _letter(_context(_answers(plan="employer-fully-insured", state="NY")))

    # The latest version in force wins: an amendment that no longer reaches individual plans.
    _verified_law(effective_date=TODAY - datetime.timedelta(days=10), binds_individual=False)
    assert not _cites_state_law(_context(_answers(plan="aca-individual", state="NY")))
    assert _cites_state_law(_context(_answers(plan="employer-fully-insured", state="NY")))


def test_an_unverified_statute_is_never_cited(demo_catalog):
    arizona = StateStepTherapyLaw.objects.get(state="AZ")
    assert arizona.verified is False and arizona.binds_fully_insured
    assert not _cites_state_law(_context(_answers(plan="employer-fully-insured", state="AZ")))

    # An unverified amendment hides the older verified version instead of letting it speak for the new text.
    _verified_law(effective_date=TODAY - datetime.timedelta(days=400))
    _verified_law(effective_date=TODAY - datetime.timedelta(days=5), verified=False, verified_by="")
    assert not _cites_state_law(_context(_answers(plan="employer-fully-insured", state="NY")))


def test_the_shipped_statutes_record_their_source_and_validate(demo_catalog):
    for entry in STATE_LAWS:
        law = StateStepTherapyLaw.objects.get(state=entry["state"], citation=entry["citation"])
        law.full_clean()
        assert law.source_url.startswith("https://") and law.retrieved_on == datetime.date(2026, 12, 1)
        if law.verified:
            assert law.grounds and law.verified_by and law.statute_text_excerpt
            assert not (law.binds_medicaid_mco or law.binds_state_employee_plan)
    assert set(StateStepTherapyLaw.objects.filter(verified=True).values_list("state", flat=True)) == {"TX", "SD", "MO"}


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"grounds": [{"ground": "made_up", "subsection": "(a)", "wording": "x"}]}, "grounds"),
        ({"grounds": [{"ground": "contraindicated", "subsection": "", "wording": "x"}]}, "grounds"),
        ({"standard_clock_amount": 72, "standard_clock_unit": ""}, "standard_clock_unit"),
        ({"standard_clock_amount": 72, "standard_clock_unit": "hours"}, "clock_subsection"),
        ({"deemed_approved": True}, "deemed_approved_subsection"),
        ({"grounds": []}, "verified"),
    ],
)
def test_a_statute_row_is_checked_before_it_is_saved(fields, field):
    with pytest.raises(ValidationError) as raised:
        _verified_law(**fields)
    assert field in raised.value.message_dict


def test_staff_record_an_amendment_as_a_new_version_in_admin(client, django_user_model, demo_catalog):
    client.force_login(django_user_model.objects.create_superuser("staff", "staff@example.org", "a-long-test-password"))
    texas = StateStepTherapyLaw.objects.get(state="TX")
    url = f"/admin/appeals/statesteptherapylaw/{texas.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and "Save as new" in page.content.decode()

    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(
        {
            "effective_date": (TODAY + datetime.timedelta(days=30)).isoformat(),
            "retrieved_on": "2026-12-01",
            "grounds": json.dumps(texas.grounds),
            "denial_types": json.dumps(texas.denial_types),
            "_saveasnew": "Save as new",
        }
    )
    data = {name: value for name, value in data.items() if value not in (None, False)}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    versions = StateStepTherapyLaw.objects.filter(state="TX").order_by("effective_date")
    assert versions.count() == 2 and versions.first().pk == texas.pk
    # Until the amendment's date, the letter still cites the version in force.
    assert StateStepTherapyLaw.objects.in_force_on("TX", TODAY).pk == texas.pk

    # A row whose grounds name no ground the product knows is refused with a message at the field.
    data.update({"grounds": json.dumps([{"ground": "made_up", "subsection": "(a)", "wording": "x"}])})
    refused = client.post(url, data)
    assert refused.status_code == 200 and "unknown ground" in str(refused.context["adminform"].form.errors["grounds"])


def test_the_migration_removes_the_blanket_claims_from_existing_plan_types_and_keeps_staff_lines(demo_catalog):
    from django.apps import apps

    migration = importlib.import_module("appeals.migrations.0023_state_step_therapy_laws")
    insured = PlanType.objects.get(slug="employer-fully-insured")
    insured.appeal_rights = "\n".join([insured.appeal_rights, *migration.RETIRED_RIGHTS[:1], "A right staff added | Some rule"])
    insured.enclosures = f"{migration.RETIRED_ENCLOSURE}\nA form staff added"
    insured.save()

    migration.load_statutes_and_retire_blanket_claims(apps, None)
    insured.refresh_from_db()
    assert "step-therapy" not in insured.appeal_rights and "A right staff added | Some rule" in insured.appeal_rights
    assert insured.enclosures == "A form staff added"
    assert StateStepTherapyLaw.objects.filter(state="TX").count() == 1  # run twice, added once


def test_migration_0026_adds_new_statutes_and_refreshes_only_rows_staff_never_edited(demo_catalog):
    from django.apps import apps

    migration = importlib.import_module("appeals.migrations.0026_state_law_rereading")
    history = StateStepTherapyLaw.history.model
    shipped = {entry["state"]: entry for entry in STATE_LAWS}

    # A database migrated before Missouri and Louisiana were recorded.
    StateStepTherapyLaw.objects.filter(state__in=["MO", "LA"]).delete()
    # California as 0023 shipped it, never touched since (migrations leave no history).
    california = StateStepTherapyLaw.objects.get(state="CA")
    StateStepTherapyLaw.objects.filter(pk=california.pk).update(notes="The old shipped note.")
    history.objects.filter(id=california.pk).delete()
    # Wisconsin, corrected by staff in the admin (the edit leaves history).
    wisconsin = StateStepTherapyLaw.objects.get(state="WI")
    wisconsin.notes = "Staff checked the official site."
    wisconsin.save()
    # A statute staff recorded themselves.
    staff_row = _verified_law(state="NM", citation="N.M. staff statute")

    migration.add_and_refresh_statutes(apps, None)
    migration.add_and_refresh_statutes(apps, None)  # run twice: no duplicates

    missouri = StateStepTherapyLaw.objects.get(state="MO")
    assert missouri.verified and missouri.grounds == shipped["MO"]["grounds"]
    assert StateStepTherapyLaw.objects.filter(state="LA").count() == 1
    california.refresh_from_db()
    assert california.notes == shipped["CA"]["notes"]
    wisconsin.refresh_from_db()
    assert wisconsin.notes == "Staff checked the official site."
    assert StateStepTherapyLaw.objects.filter(pk=staff_row.pk, citation="N.M. staff statute").exists()
