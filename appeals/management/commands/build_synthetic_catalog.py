"""Build a synthetic catalog for benchmarks and scale tests.

    manage.py build_synthetic_catalog --drugs 500 --payers 60 --denial-types 10

makes every drug × payer × denial type combination a published guide with
its criteria (300,000 combinations here).  Every synthetic row has a slug
starting with "synthetic-", so the demo catalog and staff data are never
touched; --clear removes the synthetic rows first.  Without --clear, a
catalog that already has synthetic rows is refused rather than mixed.
"""

from __future__ import annotations

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from appeals.catalog.caching import bump_catalog_version
from appeals.demo.loader import load_plan_types
from appeals.models import Case, Criterion, DenialType, Drug, Guide, LetterTemplate, Payer, PlanType

PREFIX = "synthetic-"
BATCH = 5000
KINDS = [kind for kind, _ in Criterion.Kind.choices]
BODY = """## Why {payer} denies {drug}
{payer} applies its coverage policy for {drug} before it pays. A denial {phrase} usually means the request did not
show one of the policy's criteria clearly enough.

## What turns it around
Answer each criterion with a dated fact from the chart: the diagnosis, the treatments already tried, the dose and
the prescriber's reasons.

## Your rights
Ask {payer} for the criteria it used and for your claim file. If the appeal fails, an independent reviewer can
decide.

## Put it in a table
List each criterion and the evidence beside it, so the reviewer can approve it quickly.
"""


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--drugs", type=int, default=500)
        parser.add_argument("--payers", type=int, default=60)
        parser.add_argument("--denial-types", type=int, default=10)
        parser.add_argument("--criteria-per-combination", type=int, default=3)
        parser.add_argument("--clear", action="store_true", help="Delete the synthetic rows first.")

    def handle(self, *, drugs, payers, denial_types, criteria_per_combination, clear, **options):
        if min(drugs, payers, denial_types) < 1 or criteria_per_combination < 0:
            raise CommandError("Give at least one drug, payer and denial type, and zero or more criteria.")
        started = time.perf_counter()
        if clear:
            removed = clear_synthetic()
            self.stdout.write(f"Removed {removed} synthetic rows.")
        elif Drug.objects.filter(slug__startswith=PREFIX).exists():
            raise CommandError("The catalog already has synthetic rows; add --clear to rebuild them.")
        load_plan_types()  # payers need plan types with their deadline rules
        counts = build(drugs, payers, denial_types, criteria_per_combination, self.stdout)
        bump_catalog_version()  # bulk_create sends no signals
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would give a real catalog in time.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE appeals_guide, appeals_criterion, appeals_drug, appeals_payer, appeals_denialtype")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Built {counts['guides']:,} combinations ({drugs} drugs × {payers} payers × {denial_types} denial types) "
            f"with {counts['criteria']:,} criteria in {elapsed:.1f} s."
        )


def clear_synthetic() -> int:
    removed = 0
    synthetic = Q(drug__slug__startswith=PREFIX) | Q(payer__slug__startswith=PREFIX) | Q(denial_type__slug__startswith=PREFIX)
    with transaction.atomic():
        for queryset in (
            # Cases walked on synthetic rows (the wizard benchmark) and the
            # shipped templates the demo loader gave synthetic denial types.
            Case.objects.filter(synthetic),
            LetterTemplate.objects.filter(Q(payer__slug__startswith=PREFIX) | Q(denial_type__slug__startswith=PREFIX)),
            Criterion.objects.filter(drug__slug__startswith=PREFIX),
            Guide.objects.filter(drug__slug__startswith=PREFIX),
            Drug.objects.filter(slug__startswith=PREFIX),
            Payer.objects.filter(slug__startswith=PREFIX),
            DenialType.objects.filter(slug__startswith=PREFIX),
        ):
            if queryset.model in (Criterion, Guide):
                # Hundreds of thousands of rows nothing else points at: one
                # DELETE, not a fetch of each row for its delete signals.
                removed += queryset._raw_delete(queryset.db)
            else:
                removed += queryset.delete()[0]
    return removed


@transaction.atomic
def build(drug_count: int, payer_count: int, denial_count: int, criteria_count: int, out) -> dict[str, int]:
    today = timezone.localdate()
    drugs = Drug.objects.bulk_create(
        Drug(
            slug=f"{PREFIX}drug-{n:04d}",
            name=f"Synthamab {n:04d}",
            generic_name=f"synthamab-{n:04d}",
            brand_names=f"Synthex {n:04d}",
            hcpcs_code=f"J{n % 10000:04d}",
            hcpcs_unit="1 mg",
            route=Drug.Route.INTRAVENOUS,
            typical_dose="300 mg every 4 weeks",
            indication="A synthetic indication used for benchmarks.",
            specialty="Rheumatology",
            guideline_body="ACR",
        )
        for n in range(1, drug_count + 1)
    )
    payers = Payer.objects.bulk_create(
        Payer(
            slug=f"{PREFIX}payer-{n:03d}",
            name=f"Payer {n:03d} Health",
            aliases=f"P{n:03d}",
            appeals_fax="(800) 555-0100",
            appeals_phone="(800) 555-0101",
        )
        for n in range(1, payer_count + 1)
    )
    plan_types = list(PlanType.objects.order_by("order")[:3])
    Payer.plan_types.through.objects.bulk_create(
        Payer.plan_types.through(payer_id=payer.pk, plantype_id=plan_type.pk) for payer in payers for plan_type in plan_types
    )
    denial_types = DenialType.objects.bulk_create(
        DenialType(
            slug=f"{PREFIX}denial-{n:02d}",
            name=f"Synthetic reason {n:02d}",
            title_phrase=f"for synthetic reason {n:02d}",
            flips_when="Synthetic denials usually flip when each criterion is answered with dated chart evidence.",
            exception_grounds=["contraindicated", "tried_and_failed"],
            intake_sections=["prior_treatments"],
            order=100 + n,
        )
        for n in range(1, denial_count + 1)
    )
    # Objects from bulk_create have their keys on PostgreSQL and SQLite alike.
    guides, criteria, made = [], [], {"guides": 0, "criteria": 0}
    effective = today - datetime.timedelta(days=30)
    for drug in drugs:
        for payer in payers:
            for denial in denial_types:
                guides.append(
                    Guide(
                        drug=drug,
                        payer=payer,
                        denial_type=denial,
                        body=BODY.format(payer=payer.name, drug=drug.name, phrase=denial.title_phrase),
                        meta_description=f"{drug.name} denied {denial.title_phrase} by {payer.name}? How to appeal.",
                        # Published without a reviewer (no person reviewed it), and not
                        # marked demo: the benchmarks need the sitemap of a real catalog.
                        published=True,
                    )
                )
                for position in range(1, criteria_count + 1):
                    criteria.append(
                        Criterion(
                            drug=drug,
                            payer=payer,
                            denial_type=denial,
                            key=f"criterion-{position}",
                            position=position,
                            kind=KINDS[position % len(KINDS)],
                            requirement=f"Requirement {position} of {payer.name} for {drug.name}.",
                            evidence=f"Chart evidence {position}: a dated note.",
                            source_title=f"{payer.name} policy for {drug.name}",
                            source_url="https://example.org/policy",
                            effective_date=effective,
                        )
                    )
                if len(criteria) >= BATCH:
                    made["criteria"] += _flush(Criterion, criteria)
                if len(guides) >= BATCH:
                    made["guides"] += _flush(Guide, guides)
                    out.write(f"  {made['guides']:,} combinations…")
    made["guides"] += _flush(Guide, guides)
    made["criteria"] += _flush(Criterion, criteria)
    return made


def _flush(model, rows: list) -> int:
    count = len(rows)
    if rows:
        model.objects.bulk_create(rows, batch_size=BATCH)
        rows.clear()
    return count
