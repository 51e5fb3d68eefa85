"""The synthetic catalog used by benchmarks and scale tests."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from appeals.models import Criterion, Drug, Guide, Payer

pytestmark = pytest.mark.django_db


def build(**sizes) -> str:
    out = io.StringIO()
    call_command("build_synthetic_catalog", stdout=out, **sizes)
    return out.getvalue()


def test_every_combination_is_a_published_guide_with_its_criteria():
    report = build(drugs=3, payers=2, denial_types=2, criteria_per_combination=4)
    synthetic = Guide.objects.filter(drug__slug__startswith="synthetic-")
    assert synthetic.count() == synthetic.filter(published=True).count() == 12
    assert Criterion.objects.filter(drug__slug__startswith="synthetic-").count() == 48
    assert all(payer.plan_types.exists() for payer in Payer.objects.filter(slug__startswith="synthetic-"))
    assert "Built 12 combinations" in report


def test_clear_replaces_synthetic_rows_and_leaves_the_demo_catalog(demo_catalog):
    demo_guides = set(Guide.objects.values_list("pk", flat=True))
    demo_criteria = Criterion.objects.count()
    demo_drugs = Drug.objects.count()
    build(drugs=2, payers=2, denial_types=1)
    build(drugs=1, payers=1, denial_types=1, clear=True)
    assert Guide.objects.filter(drug__slug__startswith="synthetic-").count() == 1
    assert Drug.objects.filter(slug__startswith="synthetic-").count() == 1
    assert set(Guide.objects.exclude(drug__slug__startswith="synthetic-").values_list("pk", flat=True)) == demo_guides
    assert Criterion.objects.exclude(drug__slug__startswith="synthetic-").count() == demo_criteria
    assert Drug.objects.exclude(slug__startswith="synthetic-").count() == demo_drugs


def test_building_over_existing_synthetic_rows_is_refused():
    build(drugs=1, payers=1, denial_types=1)
    with pytest.raises(CommandError, match="--clear"):
        build(drugs=1, payers=1, denial_types=1)


def test_sizes_below_one_are_refused():
    with pytest.raises(CommandError):
        build(drugs=0, payers=1, denial_types=1)
