"""Migrations 0018-0019 on a database loaded before plan stages: shipped
values are corrected, values staff changed are kept, staff rows are never
deleted, and the new plan types, requests and stage rules arrive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

BEFORE = ("appeals", "0017_preview_real_case")
AFTER = ("appeals", "0019_plan_type_stages_data")
SHIPPED = json.loads(
    (Path(__file__).parents[1] / "appeals" / "migrations" / "data" / "0019_plan_types.json").read_text(encoding="utf-8")
)["shipped_before"]


def load_as_shipped_before(apps) -> None:
    """The seven plan types and their rules exactly as the earlier loader left them."""
    PlanType = apps.get_model("appeals", "PlanType")
    AppealDeadlineRule = apps.get_model("appeals", "AppealDeadlineRule")
    for slug, fields in SHIPPED["plan_types"].items():
        plan_type = PlanType.objects.create(slug=slug, **fields)
        for step, values in SHIPPED["rules"][slug].items():
            AppealDeadlineRule.objects.create(plan_type=plan_type, step=step, **values)


@pytest.mark.django_db(transaction=True)
def test_shipped_values_are_corrected_and_staff_values_kept(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    load_as_shipped_before(old.apps)
    PlanType = old.apps.get_model("appeals", "PlanType")
    Rule = old.apps.get_model("appeals", "AppealDeadlineRule")
    Payer = old.apps.get_model("appeals", "Payer")
    humana = Payer.objects.create(slug="humana", name="Humana")
    humana.plan_types.set(PlanType.objects.filter(slug__in=["medicare-part-d", "medicare-advantage"]))
    cigna = Payer.objects.create(slug="cigna", name="Cigna")
    cigna.plan_types.set(PlanType.objects.filter(slug="employer-self-funded"))
    # Staff corrected one clock and one plan type text, and added a rule of their own.
    Rule.objects.filter(plan_type__slug="fehb", step="file_next_level").update(explanation="Staff wording.")
    PlanType.objects.filter(slug="medicare-part-d").update(how_to_tell="Staff wording.")
    aca = PlanType.objects.get(slug="aca-individual")
    Rule.objects.filter(plan_type=aca, step="next_level_decision_standard").update(citation="Texas Ins. Code 4202.003")

    new = migrator.apply_tested_migration(AFTER)
    PlanType = new.apps.get_model("appeals", "PlanType")
    Rule = new.apps.get_model("appeals", "AppealDeadlineRule")
    Instrument = new.apps.get_model("appeals", "AppealInstrument")
    Payer = new.apps.get_model("appeals", "Payer")

    def rule(slug, step, stage="first_denial"):
        return Rule.objects.filter(plan_type__slug=slug, stage=stage, step=step).first()

    # C5: the shipped 90-day fair hearing becomes 120.
    hearing = rule("medicaid-managed-care", "file_next_level")
    assert (hearing.amount, hearing.citation) == (120, "42 CFR 438.408(f)(2)")
    # E12: the self-funded plan's external review cites the Labor rule.
    assert rule("employer-self-funded", "next_level_decision_standard").citation.startswith("29 CFR 2590.715-2719")
    # E15: the federal clocks cited for a state process go while they are as shipped ...
    assert rule("employer-fully-insured", "next_level_decision_standard") is None
    # ... but a row staff edited stays.
    assert rule("aca-individual", "next_level_decision_standard").citation == "Texas Ins. Code 4202.003"
    # Staff wording is kept.
    assert rule("fehb", "file_next_level").explanation == "Staff wording."
    assert PlanType.objects.get(slug="medicare-part-d").how_to_tell == "Staff wording."
    # New plan types, requests and stage rules arrive.
    assert set(PlanType.objects.values_list("slug", flat=True)) >= {
        "non-federal-governmental",
        "medicare-advantage-part-d",
        "original-medicare-part-b",
        "church-plan",
        "tricare",
    }
    assert Instrument.objects.filter(plan_type__slug="medicare-part-d").count() == 4
    assert rule("medicare-part-d", "decision_standard", stage="pharmacy_rejection").citation == "42 CFR 423.568(b)"
    humana_types = set(Payer.objects.get(slug="humana").plan_types.values_list("slug", flat=True))
    assert {"medicare-advantage-part-d", "original-medicare-part-b"} <= humana_types
    assert "non-federal-governmental" in set(Payer.objects.get(slug="cigna").plan_types.values_list("slug", flat=True))


@pytest.mark.django_db(transaction=True)
def test_an_empty_database_is_left_to_the_loader(migrator):
    migrator.apply_initial_migration(BEFORE)
    new = migrator.apply_tested_migration(AFTER)
    assert not new.apps.get_model("appeals", "PlanType").objects.exists()
