"""The demo catalog `make run` loads: complete enough to use, and safe to load
on every start without touching what staff changed."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from appeals.demo import data
from appeals.demo.loader import load_demo_catalog
from appeals.models import Criterion, DenialType, Drug, Guide, Payer, PlanType

SEED_COMBINATIONS = [
    ("anifrolumab", "cigna", "step-therapy", "Anifrolumab denied for failing step therapy by Cigna?"),
    ("anifrolumab", "cigna", "not-fda-approved", "Anifrolumab denied as not FDA-approved for this use by Cigna?"),
    ("anifrolumab", "cigna", "quantity-limit", "Anifrolumab denied due to quantity / dose limits by Cigna?"),
    ("checkpoint-inhibitor", "cigna", "step-therapy", "Checkpoint inhibitor denied for failing step therapy by Cigna?"),
    ("jak-inhibitor", "cigna", "step-therapy", "JAK inhibitor denied for failing step therapy by Cigna?"),
]

pytestmark = pytest.mark.django_db


def test_catalog_has_the_breadth_the_product_needs(demo_catalog):
    assert Drug.objects.filter(kind=Drug.Kind.AGENT).count() >= 7
    assert set(Drug.objects.filter(kind=Drug.Kind.CLASS).values_list("slug", flat=True)) == {
        "jak-inhibitor",
        "checkpoint-inhibitor",
    }
    assert Payer.objects.count() >= 6
    assert DenialType.objects.count() >= 6
    assert PlanType.objects.count() == 12  # ten whose law the letter cites, plus church plans and TRICARE
    sold = set(Payer.objects.values_list("plan_types__slug", flat=True))
    assert {"medicare-part-d", "medicaid-managed-care", "fehb", "employer-self-funded"} <= sold


def test_classes_have_their_members(demo_catalog):
    jak = Drug.objects.get(slug="jak-inhibitor")
    assert set(jak.members.values_list("slug", flat=True)) == {"tofacitinib", "baricitinib", "upadacitinib"}
    checkpoint = Drug.objects.get(slug="checkpoint-inhibitor")
    assert set(checkpoint.members.values_list("hcpcs_code", flat=True)) == {"J9271", "J9299", "J9022"}


def test_anifrolumab_carries_its_label_facts(demo_catalog):
    drug = Drug.objects.get(slug="anifrolumab")
    assert (drug.hcpcs_code, drug.hcpcs_unit, str(drug.fda_approval_date)) == ("J0491", "1 mg", "2021-07-30")
    assert drug.brand_names == "Saphnelo"


@pytest.mark.parametrize(("drug", "payer", "denial", "title"), SEED_COMBINATIONS)
def test_seed_combinations_are_published_with_criteria(demo_catalog, drug, payer, denial, title):
    guide = Guide.objects.select_related("drug", "payer", "denial_type").get(
        drug__slug=drug, payer__slug=payer, denial_type__slug=denial
    )
    # Demo content: published for the demo, marked demo, and no reviewer is claimed.
    assert guide.published and guide.is_demo and guide.reviewer is None and guide.reviewed_on is None
    assert guide.title == title
    assert guide.body.count("\n## ") + guide.body.startswith("## ") >= 3
    assert Criterion.objects.for_combo(guide.drug, guide.payer, guide.denial_type).in_force_on(timezone.localdate()).count() >= 3


def test_every_published_guide_has_criteria_and_every_criterion_a_guide(demo_catalog):
    published = Guide.objects.filter(published=True)
    assert published.count() >= 11
    for guide in published:
        assert Criterion.objects.filter(drug=guide.drug, payer=guide.payer, denial_type=guide.denial_type).exists(), guide
    combos = set(Criterion.objects.values_list("drug__slug", "payer__slug", "denial_type__slug"))
    guided = set(published.values_list("drug__slug", "payer__slug", "denial_type__slug"))
    assert combos == guided


def test_an_unpublished_guide_is_part_of_the_demo(demo_catalog):
    assert Guide.objects.filter(published=False).exists()


def test_loading_twice_adds_nothing(demo_catalog):
    counts = {model: model.objects.count() for model in (Drug, Payer, DenialType, PlanType, Guide, Criterion)}
    report = load_demo_catalog()
    assert not any(report.created.values())
    assert "already has criteria" in report.criteria
    assert {model: model.objects.count() for model in counts} == counts


def test_loading_never_overwrites_staff_edits(demo_catalog):
    Payer.objects.filter(slug="cigna").update(appeals_fax="(212) 555-0199")
    Guide.objects.filter(drug__slug="anifrolumab", payer__slug="cigna", denial_type__slug="step-therapy").update(
        body="## Edited by staff\nNew text."
    )
    load_demo_catalog()
    assert Payer.objects.get(slug="cigna").appeals_fax == "(212) 555-0199"
    guide = Guide.objects.get(drug__slug="anifrolumab", payer__slug="cigna", denial_type__slug="step-therapy")
    assert guide.body == "## Edited by staff\nNew text."


def test_a_newer_feed_is_not_rolled_back_by_the_loader(demo_catalog, tmp_path):
    feed = tmp_path / "update.csv"
    feed.write_text(
        "drug,payer,denial_type,key,position,kind,requirement,evidence,source_title,source_url,effective_date\n"
        "anifrolumab,cigna,quantity-limit,label-dose,2,dosing,Dose at most 300 mg every 4 weeks (revised),"
        "Order with dose and interval,Cigna policy,,2026-11-01\n"
    )
    call_command("import_criteria", str(feed))
    load_demo_catalog()
    current = Criterion.objects.latest_versions().get(
        drug__slug="anifrolumab", payer__slug="cigna", denial_type__slug="quantity-limit", key="label-dose"
    )
    assert current.requirement.endswith("(revised)")


def test_command_reports_what_it_did(db, capsys):
    call_command("load_demo_catalog")
    first = capsys.readouterr().out
    assert f"{len(data.DRUGS)} drugs" in first and "49 new version(s)" in first
    call_command("load_demo_catalog")
    assert "added nothing" in capsys.readouterr().out
