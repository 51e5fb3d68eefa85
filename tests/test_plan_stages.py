"""Plan types by stage: which request a letter makes and which clocks apply,
for each plan type and each place a person can be (a pharmacy rejection, a
first denial, a denied appeal, a final internal denial), and the law-review
findings they answer."""

from __future__ import annotations

import dataclasses
import datetime
import html
import re

import pytest

from appeals.catalog.deadlines import CaseDates, compute_deadlines
from appeals.catalog.models import AppealStage
from appeals.catalog.plan_rules import instrument_for, rules_by_plan_type_for_payer, rules_for
from appeals.demo import plan_types as data
from appeals.intake.answers import NOT_SURE, PlanAnswers
from appeals.intake.forms import PlanForm
from appeals.letters.context import build_letter_context
from appeals.letters.defaults import default_body
from appeals.letters.engine import render_letter_body
from appeals.letters.samples import SAMPLE_CRITERIA, sample_answers
from appeals.models import Case, DenialType, Drug, Payer, PlanType
from tests.support.wizard_answers import days_from_today

pytestmark = pytest.mark.django_db

D = datetime.date
PHARMACY, FIRST, APPEALED, FINAL = (
    AppealStage.PHARMACY_REJECTION,
    AppealStage.FIRST_DENIAL,
    AppealStage.APPEAL_DENIED,
    AppealStage.FINAL_INTERNAL_DENIAL,
)


def steps(slug: str, stage: str) -> dict:
    return {rule.step: rule for rule in rules_for(PlanType.objects.get(slug=slug), stage)}


def letter(slug: str | None, stage: str = FIRST, *, voice: str = "prescriber", denial: str = "non-formulary") -> tuple[dict, str]:
    """The sample case's context and rendered letter for a plan type (None: "Not sure") and stage."""
    plan_type = PlanType.objects.get(slug=slug) if slug else None
    today = datetime.date(2026, 11, 12)
    answers = sample_answers(plan_type, today)
    answers = dataclasses.replace(answers, plan=dataclasses.replace(answers.plan, stage=stage))
    rules = rules_for(plan_type, stage) if plan_type else rules_for(PlanType.objects.get(slug="medicare-advantage"), stage)
    deadlines = compute_deadlines(rules, CaseDates(notice_date=D(2026, 11, 10), today=today, expedited=True))
    context = build_letter_context(
        answers=answers,
        drug=Drug(name="Sampledrug"),
        payer=Payer(name="Sample Health Plan"),
        denial_type=DenialType.objects.get(slug=denial),
        criteria=SAMPLE_CRITERIA,
        deadlines=deadlines,
    )
    rendered = html.unescape(re.sub(r"<[^>]+>", " ", render_letter_body(default_body(voice), context)))
    return context, re.sub(r"\s+", " ", rendered)


# The data: every plan type, every stage.


def test_every_plan_type_has_a_request_for_every_stage(demo_catalog):
    for plan_type in PlanType.objects.all():
        for stage in AppealStage.values:
            instrument = instrument_for(plan_type, stage)
            assert instrument is not None and instrument.title, (plan_type.slug, stage)
            assert instrument.person_note, (plan_type.slug, stage)


def test_every_rule_carries_its_citation_and_every_request_its_law(demo_catalog):
    for entry in data.PLAN_TYPES:
        for stage, content in entry["stages"].items():
            for rule in content["rules"]:
                assert rule["citation"] and rule["verification"] in ("V", "S"), (entry["slug"], stage, rule["step"])
            instrument = content["instrument"]
            # A request that cites a provision names the law it is made under, and the reverse.
            assert bool(instrument["request"]) == bool(instrument["law"]) or not entry.get("letter_cites_law", True)


# (plan type, stage) -> the request's title and its clocks: step -> (amount, unit, citation).
TABLE = [
    ("employer-self-funded", PHARMACY, "Request for coverage (pre-service claim)", {
        "decision_standard": (15, "days", "29 CFR 2560.503-1(f)(2)(iii)(A)"),
        "decision_expedited": (72, "hours", "29 CFR 2560.503-1(f)(2)(i)"),
        "file_next_level": (180, "days", "29 CFR 2560.503-1(h)(3)(i)"),
    }),
    ("employer-self-funded", FIRST, "Appeal of an adverse benefit determination", {
        "file_appeal": (180, "days", "29 CFR 2560.503-1(h)(3)(i)"),
        "decision_standard": (30, "days", "29 CFR 2560.503-1(i)(2)(ii)"),
        "file_next_level": (4, "months", "29 CFR 2590.715-2719(d)(2)(i)"),
        "next_level_decision_standard": (45, "days", "29 CFR 2590.715-2719(d)(2)(iii)(B)(6)"),
    }),
    ("employer-self-funded", APPEALED, "Second-level appeal", {
        "decision_standard": (15, "days", "29 CFR 2560.503-1(i)(2)(ii)"),
        "file_next_level": (4, "months", "29 CFR 2590.715-2719(d)(2)(i)"),
    }),
    ("employer-self-funded", FINAL, "Request for external review", {
        "file_appeal": (4, "months", "29 CFR 2590.715-2719(d)(2)(i)"),
        "decision_standard": (45, "days", "29 CFR 2590.715-2719(d)(2)(iii)(B)(6)"),
        "decision_expedited": (72, "hours", "29 CFR 2590.715-2719(d)(3)(iv)"),
    }),
    ("employer-fully-insured", FINAL, "Request for external review", {
        "file_appeal": (4, "months", "45 CFR 147.136(c)(2)(vi)"),
    }),
    ("non-federal-governmental", FIRST, "Internal appeal of an adverse benefit determination", {
        "file_appeal": (180, "days", "45 CFR 147.136(b)(2)(ii); 29 CFR 2560.503-1(h)(3)(i)"),
        "file_next_level": (4, "months", "45 CFR 147.136(c)(2)(vi), (d)(2)(i)"),
    }),
    ("aca-individual", PHARMACY, "Request for a coverage decision and formulary exception", {
        "decision_standard": (72, "hours", "45 CFR 156.122(c)(1)"),
        "decision_expedited": (24, "hours", "45 CFR 156.122(c)(2)"),
        "file_next_level": (180, "days", "45 CFR 147.136(b)(3)(i)"),
    }),
    ("aca-individual", APPEALED, "Request for external review", {
        "file_appeal": (4, "months", "45 CFR 147.136(c)(2)(vi), (d)(2)(i)"),
    }),
    ("medicare-part-d", PHARMACY, "Request for a coverage determination and exception", {
        "decision_standard": (72, "hours", "42 CFR 423.568(b)"),
        "decision_expedited": (24, "hours", "42 CFR 423.572(a)"),
        "file_next_level": (60, "days", "42 CFR 423.582(b)"),
        "next_level_decision_standard": (7, "days", "42 CFR 423.590(a)"),
    }),
    ("medicare-part-d", FIRST, "Request for redetermination", {
        "file_appeal": (60, "days", "42 CFR 423.582(b)"),
        "decision_standard": (7, "days", "42 CFR 423.590(a)"),
        "decision_expedited": (72, "hours", "42 CFR 423.590(d); 423.584(c)(2)(ii)"),
        "file_next_level": (65, "days", "42 CFR 423.600(a)"),
    }),
    ("medicare-part-d", APPEALED, "Request for reconsideration by the Part D Independent Review Entity", {
        "file_appeal": (65, "days", "42 CFR 423.600(a)"),
        "decision_standard": (7, "days", "42 CFR 423.600(d)"),
        "file_next_level": (60, "days", "42 CFR 423.2002"),
    }),
    ("medicare-advantage-part-d", PHARMACY, "Request for a coverage determination and exception", {
        "decision_standard": (72, "hours", "42 CFR 423.568(b)"),
        "decision_expedited": (24, "hours", "42 CFR 423.572(a)"),
    }),
    ("medicare-advantage", PHARMACY, "Request for an organization determination", {
        "decision_standard": (72, "hours", "42 CFR 422.568(b); CMS-4180-F"),
        "decision_expedited": (24, "hours", "42 CFR 422.572(a); CMS-4180-F"),
    }),
    ("medicare-advantage", FIRST, "Request for reconsideration", {
        "file_appeal": (60, "days", "42 CFR 422.582(b)"),
        "decision_standard": (7, "days", "42 CFR 422.590(c)"),
        "decision_expedited": (72, "hours", "42 CFR 422.590(e); 422.584(c)(2)(ii)"),
        "file_next_level": (None, "days", "42 CFR 422.592(a)"),
    }),
    ("original-medicare-part-b", FIRST, "Request for redetermination", {
        "file_appeal": (120, "days", "42 CFR 405.942(a)"),
        "file_next_level": (180, "days", "42 CFR 405.962(a)"),
    }),
    ("original-medicare-part-b", APPEALED, "Request for reconsideration by the Qualified Independent Contractor", {
        "file_appeal": (180, "days", "42 CFR 405.962(a)"),
        "file_next_level": (60, "days", "42 CFR 405.1002(a)"),
    }),
    ("medicaid-managed-care", FIRST, "Appeal of an adverse benefit determination", {
        "file_appeal": (60, "days", "42 CFR 438.402(c)(2)(ii)"),
        "decision_standard": (30, "days", "42 CFR 438.408(b)(2)"),
        "file_next_level": (120, "days", "42 CFR 438.408(f)(2)"),
    }),
    ("medicaid-managed-care", FINAL, "Request for a state fair hearing", {
        "file_appeal": (120, "days", "42 CFR 438.408(f)(2)"),
    }),
    ("fehb", FIRST, "Request for reconsideration", {
        "file_appeal": (6, "months", "5 CFR 890.105(b)(1)"),
        "file_next_level": (90, "days", "5 CFR 890.105(e)"),
    }),
    ("fehb", APPEALED, "Request for review by the Office of Personnel Management", {
        "file_appeal": (90, "days", "5 CFR 890.105(e)"),
        "decision_standard": (60, "days", "OPM FEHB disputed-claims guidance"),
    }),
]  # fmt: skip


@pytest.mark.parametrize(("slug", "stage", "title", "clocks"), TABLE, ids=[f"{row[0]}-{row[1]}" for row in TABLE])
def test_the_request_and_clocks_for_each_plan_type_and_stage(demo_catalog, slug, stage, title, clocks):
    assert instrument_for(PlanType.objects.get(slug=slug), stage).title == title
    rules = steps(slug, stage)
    for step, (amount, unit, citation) in clocks.items():
        assert (rules[step].amount, rules[step].unit, rules[step].citation) == (amount, unit, citation), step


def test_a_case_answered_before_the_stage_question_is_a_first_denial(demo_catalog):
    assert PlanAnswers().appeal_stage == FIRST
    assert PlanAnswers(stage="nonsense").appeal_stage == FIRST
    medicare = PlanType.objects.get(slug="medicare-part-d")
    assert rules_for(medicare, "") == rules_for(medicare, FIRST)


# Law-review findings.


def test_e12_e13_self_funded_external_review_cites_the_labor_rule_not_hhs(demo_catalog):
    for stage in AppealStage.values:
        for rule in steps("employer-self-funded", stage).values():
            assert "45 CFR" not in rule.citation, (stage, rule.step)
    final = steps("employer-self-funded", FINAL)
    assert final["decision_standard"].citation == "29 CFR 2590.715-2719(d)(2)(iii)(B)(6)"
    assert final["decision_expedited"].citation == "29 CFR 2590.715-2719(d)(3)(iv)"


def test_e10_federal_external_review_is_stated_with_its_conditions(demo_catalog):
    self_funded = PlanType.objects.get(slug="employer-self-funded")
    external_right = next(r for r in self_funded.rights() if "external review" in r["text"].lower())
    assert "not grandfathered" in external_right["text"] and "medical judgment" in external_right["text"]
    assert "grandfathered" in steps("employer-self-funded", FINAL)["file_appeal"].explanation
    assert "grandfathered" in instrument_for(self_funded, FINAL).person_note


def test_e15_state_external_review_cites_the_state_process_and_no_federal_clock(demo_catalog):
    for slug in ("employer-fully-insured", "aca-individual", "non-federal-governmental"):
        for stage in AppealStage.values:
            for rule in steps(slug, stage).values():
                assert "147.136(d)(2)(iii)" not in rule.citation and "147.136(d)(3)" not in rule.citation, (slug, stage)
    insured = PlanType.objects.get(slug="employer-fully-insured")
    external = instrument_for(insured, FINAL)
    assert "147.136(c)" in external.law and "state" in external.law
    assert "state law sets" in external.person_note.lower()
    assert "147.136(c)" in steps("employer-fully-insured", FIRST)["file_next_level"].citation


def test_e21_a_public_employer_plan_is_not_routed_to_erisa(demo_catalog):
    public = PlanType.objects.get(slug="non-federal-governmental")
    assert "ERISA" not in public.governing_law and "147.136" in public.governing_law
    for stage in AppealStage.values:
        assert "ERISA" not in instrument_for(public, stage).law
        for rule in steps("non-federal-governmental", stage).values():
            assert "45 CFR 147.136" in rule.citation, (stage, rule.step)
    _, text = letter("non-federal-governmental")
    assert "ERISA" not in text and "45 CFR 147.136(b)(2)" in text
    # Offered wherever the payer sells employer plans.
    assert public in Payer.objects.get(slug="cigna").plan_types.all()


def test_d14_a_part_d_pharmacy_rejection_asks_for_a_coverage_determination_and_exception(demo_catalog):
    rules = steps("medicare-part-d", PHARMACY)
    assert "file_appeal" not in rules  # nothing to appeal yet, so no appeal window
    context, text = letter("medicare-part-d", PHARMACY)
    assert context["instrument"]["title"] == "Request for a coverage determination and exception"
    assert (
        "I request a coverage determination under 42 CFR 423.566 and 423.568, including a formulary exception under 42 CFR 423.578(b)"
        in text
    )
    assert "EXPEDITED: Request for a coverage determination and exception: Sampledrug as not on the formulary" in text
    assert "redetermination" not in context["instrument"]["opening"]
    # The decision clock counts from the prescriber's supporting statement.
    assert "supporting statement" in rules["decision_standard"].explanation
    dates = CaseDates(notice_date=D(2026, 11, 10), today=D(2026, 11, 12), expedited=True)
    due = {d.step: d.due for d in compute_deadlines(rules.values(), dates)}
    assert due["decision_expedited"] == D(2026, 11, 13)


def test_d15_original_medicare_part_b_is_its_own_plan_type_with_no_automatic_forwarding(demo_catalog):
    original = PlanType.objects.get(slug="original-medicare-part-b")
    for stage in AppealStage.values:
        assert not any(rule.automatic for rule in steps("original-medicare-part-b", stage).values())
    first = steps("original-medicare-part-b", FIRST)
    assert first["file_appeal"].receipt_presumption_days == 5
    deadlines = compute_deadlines(first.values(), CaseDates(notice_date=D(2026, 11, 10), today=D(2026, 11, 12)))
    by_step = {d.step: d for d in deadlines}
    assert by_step["file_appeal"].due == D(2027, 3, 15)  # (Nov 10 + 5) + 120 days
    assert by_step["file_next_level"].status != "automatic"
    assert "not automatic" in first["file_next_level"].explanation
    # Medicare Part D's advice no longer sends a clinic drug to Medicare Advantage.
    part_d = PlanType.objects.get(slug="medicare-part-d")
    assert "choose Medicare Advantage" not in part_d.how_to_tell
    assert original in Payer.objects.get(slug="humana").plan_types.all()


def test_c5_the_medicaid_fair_hearing_window_is_120_days_from_the_notice_of_resolution(demo_catalog):
    assert steps("medicaid-managed-care", FIRST)["file_next_level"].amount == 120
    hearing = steps("medicaid-managed-care", APPEALED)["file_appeal"]
    assert (hearing.amount, hearing.citation) == (120, "42 CFR 438.408(f)(2)")
    due = compute_deadlines([hearing], CaseDates(notice_date=D(2026, 11, 10), today=D(2026, 11, 12)))[0].due
    assert due == D(2027, 3, 10)


def test_c7_the_medicaid_rights_no_longer_claim_the_drug_pa_program_rules(demo_catalog):
    rights = " ".join(r["text"] + r["citation"] for r in PlanType.objects.get(slug="medicaid-managed-care").rights())
    assert "1927" not in rights and "72-hour supply" not in rights
    # The 24-hour answer to a drug prior-authorization request is a clock of that request, not an appeal right.
    assert steps("medicaid-managed-care", PHARMACY)["decision_standard"].citation.startswith("42 CFR 438.210(d)(3)")


def test_m4_the_physicians_right_to_expedite_cites_the_operative_paragraph(demo_catalog):
    advantage = {r["citation"] for r in PlanType.objects.get(slug="medicare-advantage").rights()}
    part_d = {r["citation"] for r in PlanType.objects.get(slug="medicare-part-d").rights()}
    assert "42 CFR 422.584(c)(2)(ii)" in advantage and "42 CFR 422.578" not in advantage
    assert "42 CFR 423.584(c)(2)(ii)" in part_d


def test_d13_the_case_file_is_asked_for_not_claimed_as_an_uncited_right(demo_catalog):
    for slug in ("medicare-part-d", "medicare-advantage", "medicare-advantage-part-d"):
        assert not any("case file" in r["text"] for r in PlanType.objects.get(slug=slug).rights())
        context, text = letter(slug)
        assert context["instrument"]["ask_case_file"]
        assert "Please also send a copy of the case file and of the coverage criteria applied." in text
    _, erisa = letter("employer-self-funded")
    assert "Please also send a copy of the case file" not in erisa  # its cited documents right covers it


def test_m8_a_physician_filing_for_a_medicare_advantage_enrollee_documents_the_notice_to_the_enrollee(demo_catalog):
    enclosures = " ".join(PlanType.objects.get(slug="medicare-advantage").enclosure_list())
    assert "notice telling the enrollee" in enclosures and "422.578" in enclosures
    note = instrument_for(PlanType.objects.get(slug="medicare-advantage"), FIRST).person_note
    assert "tell the patient" in note and "422.578" in note


def test_g3_not_sure_the_letter_cites_no_programs_law_or_clock(demo_catalog):
    context, text = letter(None)
    assert context["deadlines"] == [] and context["instrument"]["law_sentence"] == ""
    assert context["instrument"]["rights"] == [] and not context["instrument"]["cites_law"]
    assert "CFR" not in text and "ERISA" not in text and "U.S.C." not in text
    assert "Appeal of a coverage denial" in text


@pytest.mark.parametrize("slug", ["church-plan", "tricare"])
@pytest.mark.parametrize("stage", AppealStage.values)
def test_church_plans_and_tricare_are_told_what_applies_and_cite_nothing(demo_catalog, slug, stage):
    context, text = letter(slug, stage, voice="patient")
    assert context["deadlines"] == [] and not context["instrument"]["law_sentence"]
    assert "CFR" not in text and "ERISA" not in text
    plan_type = PlanType.objects.get(slug=slug)
    assert not plan_type.letter_cites_law and plan_type.outside_scope_note
    assert rules_for(plan_type, stage) == []


def test_church_plans_and_tricare_are_choices_even_where_the_payer_does_not_sell_them(demo_catalog):
    choices = dict(PlanForm(payer=Payer.objects.get(slug="cigna")).fields["plan_type"].choices)
    assert "church-plan" in choices and "tricare" in choices and NOT_SURE in choices


def test_not_sure_takes_the_earliest_window_among_plan_types_whose_law_is_known(demo_catalog):
    by_plan = rules_by_plan_type_for_payer(Payer.objects.get(slug="cigna"), FIRST)
    assert all(plan_type.letter_cites_law for plan_type in by_plan)
    assert {p.slug for p in by_plan} >= {"employer-self-funded", "non-federal-governmental"}


def test_the_next_level_is_promised_only_in_a_first_appeal(demo_catalog):
    first, _ = letter("employer-self-funded", FIRST)
    final, text = letter("employer-self-funded", FINAL)
    assert first["instrument"]["next_level"] and not final["instrument"]["next_level"]
    # An external review request is addressed to the reviewer, and asks for no plan-level rights.
    assert final["instrument"]["rights"] == []
    assert "I request external review by an independent review organization under 29 CFR 2590.715-2719(d)" in text


def test_a_request_to_an_outside_reviewer_is_addressed_to_it(demo_catalog):
    context, text = letter("medicare-part-d", APPEALED)
    assert not context["instrument"]["addressed_to_plan"]
    assert "The Part D Independent Review Entity Send to: the Part D Independent Review Entity" in text
    assert "Copy: Sample Health Plan" in text and "Attn: Appeals" not in text


# The wizard, end to end.


def open_case(client, payer: str = "humana", drug: str = "upadacitinib", denial: str = "non-formulary") -> str:
    response = client.post("/start/", {"drug": drug, "payer": payer, "denial": denial, "promo": "SEO25"})
    assert response.status_code == 302
    return response["Location"]


def test_the_plan_step_asks_where_the_person_is_and_shows_that_stages_request(client, demo_catalog):
    case_url = open_case(client)
    form_page = client.get(case_url + "plan/").content.decode()
    assert "Where are you now?" in form_page and "no written decision yet" in form_page
    response = client.post(
        case_url + "plan/",
        {"plan_type": "medicare-part-d", "stage": PHARMACY, "notice_date": days_from_today(-2)},
    )
    assert response.status_code == 302
    case = Case.objects.latest("pk")
    assert case.typed_answers.plan.stage == PHARMACY
    shown = html.unescape(client.get(case_url + "patient/").content.decode())
    assert "Request for a coverage determination and exception" in shown
    assert "is not a coverage determination" in shown
    assert "The plan must decide" in shown and "42 CFR 423.568(b)" in shown


def test_the_plan_step_tells_a_church_plan_member_what_applies(client, demo_catalog):
    case_url = open_case(client, payer="cigna", drug="anifrolumab", denial="step-therapy")
    response = client.post(case_url + "plan/", {"plan_type": "church-plan", "stage": FIRST, "notice_date": days_from_today(-3)})
    assert response.status_code == 302
    shown = html.unescape(client.get(case_url + "patient/").content.decode())
    assert "What applies to this coverage" in shown and "church plan is not governed by ERISA" in shown
    assert "Your deadlines" not in shown


def test_not_sure_tells_the_person_how_to_find_the_plan_type(client, demo_catalog):
    case_url = open_case(client, payer="cigna", drug="anifrolumab", denial="step-therapy")
    client.post(case_url + "plan/", {"plan_type": NOT_SURE, "stage": FIRST, "notice_date": days_from_today(-3)})
    shown = html.unescape(client.get(case_url + "patient/").content.decode())
    assert "Summary of Benefits and Coverage" in shown and "Medicare card" in shown
    assert "earliest" in shown


def test_g6_a_drug_already_given_and_billed_is_not_offered_expedited_review(client, demo_catalog):
    case_url = open_case(client, payer="cigna", drug="anifrolumab", denial="step-therapy")
    plan = {"plan_type": "employer-self-funded", "stage": FIRST, "notice_date": days_from_today(-3), "already_given": "on"}
    response = client.post(case_url + "plan/", {**plan, "expedited": "on"})
    assert response.status_code == 200
    assert "Expedited review is not available for a drug already given and billed" in html.unescape(response.content.decode())
    assert client.post(case_url + "plan/", plan).status_code == 302
    assert Case.objects.latest("pk").typed_answers.plan.already_given


def test_no_expedited_request_where_the_stage_has_none(demo_catalog):
    original, _ = letter("original-medicare-part-b", FIRST)  # claim appeals have no expedited redetermination
    part_d, _ = letter("medicare-part-d", FIRST)
    assert not original["plan"]["expedited"] and part_d["plan"]["expedited"]
