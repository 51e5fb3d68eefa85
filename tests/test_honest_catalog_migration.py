"""Migration 0022 on a database loaded with the earlier demo catalog: guides signed by
the demo's fictional reviewers become demo content with no review claimed, criteria
become typical and lose the payer's name, the invented anifrolumab step stops being
in force, and the demo's own wording is corrected where nobody edited it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

BEFORE = ("appeals", "0017_preview_real_case")
AFTER = ("appeals", "0022_honest_catalog")

OLD_UPADACITINIB = (
    "Limited to patients who have had an inadequate response or intolerance to one or more TNF blockers for "
    "rheumatoid arthritis and the other inflammatory indications on its label. Also refractory atopic dermatitis "
    "from age 12."
)


@pytest.mark.django_db(transaction=True)
def test_the_earlier_demo_catalog_becomes_honest(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    Drug = old.apps.get_model("appeals", "Drug")
    Payer = old.apps.get_model("appeals", "Payer")
    DenialType = old.apps.get_model("appeals", "DenialType")
    Guide = old.apps.get_model("appeals", "Guide")
    Criterion = old.apps.get_model("appeals", "Criterion")
    anifrolumab = Drug.objects.create(slug="anifrolumab", name="Anifrolumab")
    upadacitinib = Drug.objects.create(slug="upadacitinib", name="Upadacitinib", indication=OLD_UPADACITINIB)
    edited = Drug.objects.create(slug="tofacitinib", name="Tofacitinib", indication="Staff wording, kept.")
    cigna = Payer.objects.create(slug="cigna", name="Cigna")
    step = DenialType.objects.create(
        slug="step-therapy", name="Step therapy", title_phrase="for failing step therapy", flips_when="x"
    )
    long_ago = datetime.date(2026, 1, 1)
    demo_guide = Guide.objects.create(
        drug=anifrolumab, payer=cigna, denial_type=step, body="## Why", published=True,
        reviewed_by="Samuel Okafor, MD (rheumatology)", reviewed_on=long_ago,
    )  # fmt: skip
    staff_guide = Guide.objects.create(
        drug=upadacitinib, payer=cigna, denial_type=step, body="## Why", published=True,
        reviewed_by="Someone typed by staff", reviewed_on=long_ago,
    )  # fmt: skip

    def criterion(key: str, title: str):
        return Criterion.objects.create(
            drug=anifrolumab, payer=cigna, denial_type=step, key=key, position=1, kind="prior_therapy",
            requirement="r", evidence="e", source_title=title, effective_date=long_ago,
        )  # fmt: skip

    invented = criterion("prior-immunosuppressant", "Cigna coverage policy: Anifrolumab (demo summary)")
    kept = criterion("standard-therapy", "Cigna coverage policy: Anifrolumab (demo summary)")
    staff_row = criterion("staff-row", "A title staff wrote")

    new = migrator.apply_tested_migration(AFTER)
    Guide = new.apps.get_model("appeals", "Guide")
    Criterion = new.apps.get_model("appeals", "Criterion")
    Drug = new.apps.get_model("appeals", "Drug")

    demo_guide = Guide.objects.get(pk=demo_guide.pk)
    assert demo_guide.is_demo and demo_guide.reviewer_id is None and demo_guide.reviewed_on is None
    staff_guide = Guide.objects.get(pk=staff_guide.pk)
    assert not staff_guide.is_demo and staff_guide.reviewed_on is None  # no review claimed without an account

    assert set(Criterion.objects.values_list("provenance", flat=True)) == {"typical"}
    assert Criterion.objects.get(pk=kept.pk).source_title == "Typical criteria for Anifrolumab (demo catalog)"
    assert Criterion.objects.get(pk=staff_row.pk).source_title == "A title staff wrote"
    retired = Criterion.objects.get(pk=invented.pk)
    assert retired.retired_on is not None and retired.retired_on <= timezone.localdate()
    assert Criterion.objects.get(pk=kept.pk).retired_on is None

    assert "giant cell arteritis in adults, without a TNF-blocker prerequisite" in Drug.objects.get(pk=upadacitinib.pk).indication
    assert Drug.objects.get(pk=edited.pk).indication == "Staff wording, kept."
