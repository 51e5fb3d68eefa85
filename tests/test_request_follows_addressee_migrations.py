"""Migrations 0027 and 0028 on a database loaded before them: Original Medicare's
requests stop copying a plan, the Department of Labor's external review deadline
moves off a weekend, Texas has the prescriber submit the exception, and the letter
templates staff never edited take today's wording.  A row staff edited is left alone."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from appeals.letters.defaults import default_body

BEFORE = ("appeals", "0026_state_law_rereading")
AFTER = ("appeals", "0028_shipped_letter_templates_follow_the_request")
EARLIER = Path(__file__).parent / "support" / "shipped_letter_bodies"
DOL_FILING_RULE = "29 CFR 2590.715-2719(d)(2)(i)"


def _plan_type(apps, slug: str):
    PlanType = apps.get_model("appeals", "PlanType")
    return PlanType.objects.create(slug=slug, name=slug, description="x", first_level_reviewer="x")


@pytest.mark.django_db(transaction=True)
def test_rows_shipped_before_follow_the_request_and_edited_rows_are_left_alone(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    apps = old.apps
    AppealInstrument = apps.get_model("appeals", "AppealInstrument")
    AppealDeadlineRule = apps.get_model("appeals", "AppealDeadlineRule")
    RuleHistory = apps.get_model("appeals", "HistoricalAppealDeadlineRule")
    StateStepTherapyLaw = apps.get_model("appeals", "StateStepTherapyLaw")

    medicare = _plan_type(apps, "original-medicare-part-b")
    medicare.next_level = (
        "Reconsideration by a Qualified Independent Contractor, which you must ask for yourself, then an ALJ, the "
        "Medicare Appeals Council and federal court"
    )
    medicare.save()
    redetermination = AppealInstrument.objects.create(
        plan_type=medicare, stage="first_denial", title="Request for redetermination", decided_by="the MAC",
        addressed_to_plan=False,
    )  # fmt: skip
    before_any_claim = AppealInstrument.objects.create(
        plan_type=medicare, stage="pharmacy_rejection", title="Request for information", decided_by="the MAC",
        reviews_decision=False,
    )  # fmt: skip
    self_funded = _plan_type(apps, "employer-self-funded")
    shipped_rule = AppealDeadlineRule.objects.create(
        plan_type=self_funded, stage="final_internal_denial", step="file_appeal", amount=4, unit="months",
        counted_from="notice_receipt", citation=DOL_FILING_RULE,
    )  # fmt: skip
    edited_rule = AppealDeadlineRule.objects.create(
        plan_type=self_funded, stage="first_denial", step="file_next_level", amount=4, unit="months",
        counted_from="appeal_decision", citation=DOL_FILING_RULE,
    )  # fmt: skip
    RuleHistory.objects.create(
        id=edited_rule.pk, plan_type_id=self_funded.pk, stage="first_denial", step="file_next_level", amount=4,
        unit="months", counted_from="appeal_decision", citation=DOL_FILING_RULE, receipt_presumption_days=0,
        automatic=False, rolls_forward=False, verification="S", explanation="staff's own",
        history_date=datetime.datetime(2026, 12, 2, tzinfo=datetime.UTC), history_type="~",
    )  # fmt: skip
    insured = _plan_type(apps, "employer-fully-insured")
    state_rule = AppealDeadlineRule.objects.create(
        plan_type=insured, stage="final_internal_denial", step="file_appeal", amount=4, unit="months",
        counted_from="notice_receipt", citation="45 CFR 147.136(c)(2)(vi)",
    )  # fmt: skip
    part_d = _plan_type(apps, "medicare-part-d")
    part_d.enclosures = (
        "The prescriber's supporting statement (or the plan's coverage-determination form), required for an exception\n"
        "Our own line"
    )
    part_d.save()
    individual = _plan_type(apps, "aca-individual")
    exception_request = AppealInstrument.objects.create(
        plan_type=individual, stage="pharmacy_rejection", title="Request for a coverage decision and formulary exception",
        decided_by="the plan", reviews_decision=False,
        person_note="There is no written denial yet, so the first step is a coverage request. For a drug not on the "
        "plan's list, the plan must have an exception process: 72 hours for a decision, 24 hours when waiting could "
        "seriously harm the patient.",
    )  # fmt: skip
    texas = StateStepTherapyLaw.objects.get(state="TX", citation="Tex. Ins. Code §1369.0546")
    south_dakota = StateStepTherapyLaw.objects.get(state="SD")

    DenialType = apps.get_model("appeals", "DenialType")
    LetterTemplate = apps.get_model("appeals", "LetterTemplate")
    denial = DenialType.objects.create(slug="denial-x", name="Denial X", title_phrase="for a reason", flips_when="x")
    shipped = {}
    for voice in ("prescriber", "patient"):
        body = (EARLIER / f"{voice}-2026-12-01.html").read_text(encoding="utf-8")
        shipped[voice] = LetterTemplate.objects.create(name=f"X {voice}", denial_type=denial, voice=voice, body=body).pk
    edited_body = (EARLIER / "patient-2026-12-01.html").read_text(encoding="utf-8").replace("Sincerely", "Thank you")
    edited_template = LetterTemplate.objects.create(name="X edited", denial_type=denial, voice="patient", body=edited_body).pk

    new = migrator.apply_tested_migration(AFTER)
    AppealInstrument = new.apps.get_model("appeals", "AppealInstrument")
    AppealDeadlineRule = new.apps.get_model("appeals", "AppealDeadlineRule")
    StateStepTherapyLaw = new.apps.get_model("appeals", "StateStepTherapyLaw")
    LetterTemplate = new.apps.get_model("appeals", "LetterTemplate")

    # No plan decided an Original Medicare claim: nothing is sent or copied to one.
    redetermination = AppealInstrument.objects.get(pk=redetermination.pk)
    assert not redetermination.copy_to_plan and not redetermination.addressed_to_plan
    assert not AppealInstrument.objects.get(pk=before_any_claim.pk).addressed_to_plan
    PlanType = new.apps.get_model("appeals", "PlanType")
    assert "on the beneficiary's own request" in PlanType.objects.get(pk=medicare.pk).next_level
    assert PlanType.objects.get(pk=part_d.pk).enclosures.splitlines() == [
        "If the member files: the prescriber's supporting statement (or the plan's coverage-determination form), "
        "required for an exception; a letter from the prescriber makes the statement itself",
        "Our own line",
    ]
    assert "external exception review" in AppealInstrument.objects.get(pk=exception_request.pk).person_note
    # DOL's rule moves a weekend last day; staff's edited copy and a state process's rule are left as they are.
    assert AppealDeadlineRule.objects.get(pk=shipped_rule.pk).rolls_forward
    assert not AppealDeadlineRule.objects.get(pk=edited_rule.pk).rolls_forward
    assert not AppealDeadlineRule.objects.get(pk=state_rule.pk).rolls_forward
    # Texas's statute has the prescriber submit the request; South Dakota's text, as read, does not say.
    assert StateStepTherapyLaw.objects.get(pk=texas.pk).prescriber_submits
    assert not StateStepTherapyLaw.objects.get(pk=south_dakota.pk).prescriber_submits
    # Unedited templates take today's wording; the edited one keeps staff's.
    for voice, pk in shipped.items():
        assert LetterTemplate.objects.get(pk=pk).body == default_body(voice)
    assert LetterTemplate.objects.get(pk=edited_template).body == edited_body
    assert "copy_to_plan" in default_body("prescriber") and "copy_to_plan" not in edited_body
