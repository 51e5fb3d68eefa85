"""The catalog models' own rules."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from appeals.catalog.models import normalize_us_phone
from appeals.models import AppealDeadlineRule, Criterion, DenialType, Drug, Guide, Payer, PlanType
from tests.support.reviewers import staff_reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def combo():
    drug = Drug.objects.create(slug="anifrolumab", name="Anifrolumab")
    payer = Payer.objects.create(slug="cigna", name="Cigna")
    denial = DenialType.objects.create(
        slug="step-therapy", name="Step therapy", title_phrase="for failing step therapy", flips_when="..."
    )
    return drug, payer, denial


def test_a_class_holds_member_agents():
    jak = Drug.objects.create(slug="jak-inhibitor", name="JAK inhibitor", kind=Drug.Kind.CLASS)
    tofacitinib = Drug(slug="tofacitinib", name="Tofacitinib", drug_class=jak)
    tofacitinib.full_clean()
    tofacitinib.save()
    assert list(jak.members.all()) == [tofacitinib]


def test_an_agent_cannot_be_the_class_of_another_agent():
    agent = Drug.objects.create(slug="a", name="A")
    other = Drug(slug="b", name="B", drug_class=agent)
    with pytest.raises(ValidationError, match="kind 'Drug class'"):
        other.full_clean()


def test_a_class_cannot_belong_to_a_class():
    outer = Drug.objects.create(slug="outer", name="Outer", kind=Drug.Kind.CLASS)
    inner = Drug(slug="inner", name="Inner", kind=Drug.Kind.CLASS, drug_class=outer)
    with pytest.raises(ValidationError, match="cannot itself belong"):
        inner.full_clean()


def test_hcpcs_code_form_is_checked():
    with pytest.raises(ValidationError, match="HCPCS"):
        Drug(slug="x", name="X", hcpcs_code="j491").full_clean()
    Drug(slug="y", name="Y", hcpcs_code="J0491").full_clean()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("800.555.0100", "(800) 555-0100"), ("1-800-555-0100", "(800) 555-0100"), ("(800) 5550100", "(800) 555-0100")],
)
def test_phone_numbers_are_normalised(raw, expected):
    assert normalize_us_phone(raw) == expected


def test_payer_with_a_bad_fax_is_refused_with_the_field_named():
    payer = Payer(slug="p", name="P", appeals_fax="555-0100", appeals_phone="800 555 0101")
    with pytest.raises(ValidationError) as caught:
        payer.full_clean()
    assert set(caught.value.message_dict) == {"appeals_fax"}


def test_payer_aliases_are_one_per_line():
    assert Payer(aliases="Cigna Healthcare\n\n  Express Scripts \n").alias_list == ["Cigna Healthcare", "Express Scripts"]


def test_denial_type_grounds_and_sections_must_be_known_values(combo):
    _, _, denial = combo
    denial.exception_grounds = ["contraindicated", "astrology"]
    denial.intake_sections = "prior_treatments"
    with pytest.raises(ValidationError) as caught:
        denial.full_clean()
    assert "astrology" in str(caught.value.message_dict["exception_grounds"])
    assert "must be a list" in str(caught.value.message_dict["intake_sections"])
    denial.exception_grounds = ["contraindicated", "stable_on_current"]
    denial.intake_sections = ["prior_treatments"]
    denial.full_clean()
    assert denial.get_exception_grounds_display() == ["Contraindicated or likely to cause harm", "Stable on the prescribed drug"]


def test_guide_title_reads_like_the_seed_pages(combo):
    drug, payer, denial = combo
    assert Guide(drug=drug, payer=payer, denial_type=denial).title == "Anifrolumab denied for failing step therapy by Cigna?"


def test_a_guide_is_published_only_after_review(combo):
    drug, payer, denial = combo
    guide = Guide(drug=drug, payer=payer, denial_type=denial, body="## Why", published=True)
    with pytest.raises(ValidationError, match="only after review"):
        guide.full_clean()
    guide.reviewer, guide.reviewed_on = staff_reviewer(), datetime.date(2026, 11, 1)
    guide.full_clean()


def test_one_guide_per_combination(combo):
    drug, payer, denial = combo
    Guide.objects.create(drug=drug, payer=payer, denial_type=denial, body="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Guide.objects.create(drug=drug, payer=payer, denial_type=denial, body="b")


@pytest.mark.parametrize(
    ("fields", "field_in_error"),
    [
        ({"amount": None}, "amount"),
        ({"counted_from": "notice_date", "receipt_presumption_days": 5}, "receipt_presumption_days"),
        ({"unit": "hours"}, "unit"),
    ],
)
def test_deadline_rule_rules(fields, field_in_error):
    plan_type = PlanType.objects.create(
        slug="pt", name="PT", description="d", governing_law="g", first_level_reviewer="f", next_level="n"
    )
    values = {
        "step": "file_appeal",
        "amount": 60,
        "unit": "days",
        "counted_from": "notice_receipt",
        "citation": "42 CFR 423.582(b)",
    }
    rule = AppealDeadlineRule(plan_type=plan_type, **{**values, **fields})
    with pytest.raises(ValidationError) as caught:
        rule.full_clean()
    assert field_in_error in caught.value.message_dict


def test_an_automatic_step_needs_no_time_limit():
    plan_type = PlanType.objects.create(
        slug="ma", name="MA", description="d", governing_law="g", first_level_reviewer="f", next_level="n"
    )
    AppealDeadlineRule(
        plan_type=plan_type,
        step="file_next_level",
        amount=None,
        automatic=True,
        counted_from="appeal_decision",
        citation="422.592",
    ).full_clean()


def make_criterion(combo, **fields) -> Criterion:
    drug, payer, denial = combo
    values = {
        "key": "diagnosis",
        "position": 1,
        "kind": "diagnosis",
        "requirement": "r",
        "evidence": "e",
        "source_title": "s",
        "effective_date": datetime.date(2026, 1, 1),
    }
    return Criterion.objects.create(drug=drug, payer=payer, denial_type=denial, **{**values, **fields})


def test_only_one_latest_version_of_a_criterion(combo):
    make_criterion(combo)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_criterion(combo, effective_date=datetime.date(2026, 2, 1))


def test_a_criterion_cannot_be_retired_before_it_took_effect(combo):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_criterion(combo, retired_on=datetime.date(2025, 12, 31))


def test_versions_in_force_on_a_day(combo):
    old = make_criterion(combo, retired_on=datetime.date(2026, 6, 1))
    new = make_criterion(combo, effective_date=datetime.date(2026, 6, 1))
    future = make_criterion(combo, key="future", effective_date=datetime.date(2027, 1, 1))
    drug, payer, denial = combo
    criteria = Criterion.objects.for_combo(drug, payer, denial)
    assert set(criteria.in_force_on(datetime.date(2026, 5, 31))) == {old}
    assert set(criteria.in_force_on(datetime.date(2026, 6, 1))) == {new}
    assert set(criteria.in_force_on(datetime.date(2027, 1, 1))) == {new, future}
    assert set(criteria.latest_versions()) == {new, future}
    assert not old.is_current and new.is_current
