"""Where deadlines are printed: the letter to the plan states only the plan's own time
limit for deciding; the person's own deadlines (the next level above all) are on the
pages the person keeps, as a window in words until the plan has decided."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from appeals.catalog.deadlines import CaseDates, compute_deadlines
from appeals.catalog.models import AppealStage, DenialType, Drug, Payer, PlanType
from appeals.catalog.plan_rules import rules_for
from appeals.letters.context import build_letter_context
from appeals.letters.engine import render_letter_body
from appeals.letters.models import LetterTemplate
from appeals.letters.packet import packet_from_context
from appeals.letters.samples import SAMPLE_CRITERIA, sample_answers

NEXT_LEVEL_LABEL = "Ask for the next level of review"


def letter_and_packet(plan_slug: str, voice: str, dates: CaseDates, *, unsure: bool = False) -> tuple[str, str, dict]:
    """The letter and packet for the plan type's deadlines; ``unsure``: the person chose "Not sure"
    (and the deadlines are this plan type's, as the earliest the payer's plan types give)."""
    plan_type = PlanType.objects.get(slug=plan_slug)
    denial_type = DenialType.objects.get(slug="step-therapy")
    context = build_letter_context(
        answers=sample_answers(None if unsure else plan_type, dates.today),
        drug=Drug(name="Sampledrug", generic_name="sampledrug-xxxx", hcpcs_code="J0000"),
        payer=Payer(name="Sample Health Plan", appeals_fax="(800) 555-0100"),
        denial_type=denial_type,
        criteria=SAMPLE_CRITERIA,
        # The sample case is at a first written denial.
        deadlines=compute_deadlines(rules_for(plan_type, AppealStage.FIRST_DENIAL), dates),
    )
    body = LetterTemplate.objects.get(denial_type=denial_type, voice=voice, payer=None, plan_type=None).body
    return render_letter_body(body, context), packet_from_context(context, body, voice=voice).preview_html(), context


def long_date(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


@pytest.mark.parametrize("voice", ["prescriber", "patient"])
def test_the_letter_to_the_plan_has_no_next_level_deadline_and_the_packet_has_its_window(demo_catalog, voice):
    today = timezone.localdate()
    dates = CaseDates(notice_date=today - datetime.timedelta(days=12), today=today)
    letter, packet, context = letter_and_packet("aca-individual", voice, dates)
    filing = next(row for row in context["patient_deadlines"] if row["step"] == "file_appeal")
    decision = next(row for row in context["patient_deadlines"] if row["step"] == "decision_standard")

    # The letter: the plan's own decision deadline with its rule, and nothing the person must meet.
    assert "The plan must decide" in letter and long_date(decision["due"]) in letter and decision["citation"] in letter
    assert NEXT_LEVEL_LABEL not in letter and "File the appeal with the plan" not in letter
    assert long_date(filing["due"]) not in letter and "within 4 months" not in letter
    # The packet's page for the sender: the filing date as "received by", and the next level as a window.
    assert "so that it is received by" in packet
    assert f"{NEXT_LEVEL_LABEL}:</strong> within 4 months of the date on the plan&#x27;s decision on the appeal" in packet
    # Letter bodies saved under the old name see only the plan's deadlines too.
    assert context["deadlines"] == context["plan_deadlines"] and len(context["plan_deadlines"]) == 1


def test_a_next_level_date_once_known_is_on_the_packet_and_never_in_the_letter(demo_catalog):
    today = timezone.localdate()
    decided = today - datetime.timedelta(days=2)
    dates = CaseDates(notice_date=today - datetime.timedelta(days=40), today=today, appeal_decided_on=decided)
    letter, packet, context = letter_and_packet("medicare-part-d", "prescriber", dates)
    next_level = next(row for row in context["patient_deadlines"] if row["step"] == "file_next_level")
    assert next_level["due"] == decided + datetime.timedelta(days=65)
    assert long_date(next_level["due"]) in packet and long_date(next_level["due"]) not in letter
    assert NEXT_LEVEL_LABEL not in letter


def test_the_expedited_fax_cover_gives_the_hour_clock_not_a_date(demo_catalog):
    today = timezone.localdate()
    dates = CaseDates(notice_date=today - datetime.timedelta(days=3), today=today, expedited=True)
    letter, packet, context = letter_and_packet("medicare-advantage", "prescriber", dates)
    (decision,) = context["plan_deadlines"]
    assert f"a decision is due within 72 hours of the plan receiving the appeal ({decision['citation']})" in packet
    assert "a time limit in hours runs from the hour it arrives" in letter


def test_the_status_page_shows_the_next_level_as_a_window_and_the_calendar_leaves_it_out(client, paid_letter):
    page = client.get(paid_letter.status_path()).content.decode()
    assert f"{NEXT_LEVEL_LABEL}: <strong>within " in page
    assert "A filing counts on the day it arrives" in page
    calendar = client.get(paid_letter.status_path() + "deadlines.ics").content.decode()
    assert "File the appeal with the plan" in calendar
    assert NEXT_LEVEL_LABEL not in calendar and "The plan must decide" not in calendar


def test_g2_recording_the_plans_decision_dates_the_next_level(client, paid_letter):
    case = paid_letter.case
    decided = max(case.typed_answers.plan.notice_date, timezone.localdate() - datetime.timedelta(days=3))
    response = client.post(paid_letter.status_path() + "decision/", {"decided_on": decided.isoformat()})
    assert response.status_code == 302 and response["Location"].endswith("#next-title")
    case.refresh_from_db()
    assert case.appeal_decided_on == decided
    page = client.get(response["Location"]).content.decode()
    assert "Saved. The next level" in page and f"The plan decided the appeal on {long_date(decided)}" in page
    assert f"{NEXT_LEVEL_LABEL}: <strong>within " not in page
    calendar = client.get(paid_letter.status_path() + "deadlines.ics").content.decode()
    assert NEXT_LEVEL_LABEL in calendar


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "in the future"), (-4000, "cannot be dated before the denial")],
)
def test_a_decision_date_in_the_future_or_before_the_denial_is_refused_with_a_message(client, paid_letter, days, message):
    day = timezone.localdate() + datetime.timedelta(days=days)
    response = client.post(paid_letter.status_path() + "decision/", {"decided_on": day.isoformat()})
    assert response.status_code == 400 and message in response.content.decode()
    paid_letter.case.refresh_from_db()
    assert paid_letter.case.appeal_decided_on is None
    bad = client.post(paid_letter.status_path() + "decision/", {"decided_on": "not a date"})
    assert bad.status_code == 400 and "Enter a valid date" in bad.content.decode()


def test_no_decision_can_be_recorded_without_a_ready_letter(client, demo_catalog):
    assert client.post("/letters/not-a-token/decision/", {"decided_on": "2026-01-01"}).status_code == 404


def test_the_retention_purge_deletes_the_recorded_decision_date(paid_letter):
    case = paid_letter.case
    case.record_appeal_decision(case.typed_answers.plan.notice_date)
    case.purge(timezone.now())
    case.refresh_from_db()
    assert case.appeal_decided_on is None


def test_g3_with_the_plan_type_unknown_the_letter_states_no_other_programs_time_limit(demo_catalog):
    today = timezone.localdate()
    dates = CaseDates(notice_date=today - datetime.timedelta(days=12), today=today)
    letter, packet, context = letter_and_packet("medicare-advantage", "patient", dates, unsure=True)
    assert context["plan_deadlines"] == [] and context["deadlines"] == []
    assert "The plan must decide" not in letter and "422.590" not in letter
    # The person's own pages keep the earliest dates, saying whose rules they are.
    assert "The plan type was not known" in packet and "so that it is received by" in packet
