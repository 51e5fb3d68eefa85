"""The outcome counts public pages may show: "N of M appeals we know of were
approved", only when M is at least MIN_OUTCOMES, for the page's drug × payer ×
denial type, else for the denial type at that payer, else for the denial type
(whichever first reaches the minimum), with the years covered.  Outcomes come
only from cases people closed and told us about; stand-in rows (a drug or
insurer outside the catalog) are never counted."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q

from appeals.catalog.models import UNLISTED, DenialType, Drug, Payer
from appeals.tracking.models import Answer, Outcome

MIN_OUTCOMES = 10


@dataclass(frozen=True)
class OutcomeRate:
    approved: int  # in full or in part
    partly: int
    total: int
    first_year: int
    last_year: int
    scope: str  # what was counted, in words: "Humira × Aetna × step therapy denials"

    @property
    def years(self) -> str:
        return str(self.first_year) if self.first_year == self.last_year else f"{self.first_year}–{self.last_year}"


def _rate(outcomes, scope: str) -> OutcomeRate | None:
    figures = outcomes.aggregate(
        total=Count("pk"),
        approved=Count("pk", filter=Q(result__in=[Answer.APPROVED, Answer.PARTLY])),
        partly=Count("pk", filter=Q(result=Answer.PARTLY)),
        first=Min("year"),
        last=Max("year"),
    )
    if figures["total"] < MIN_OUTCOMES:
        return None
    return OutcomeRate(figures["approved"], figures["partly"], figures["total"], figures["first"], figures["last"], scope)


def outcome_rate(drug: Drug, payer: Payer, denial_type: DenialType) -> OutcomeRate | None:
    """The narrowest count with at least MIN_OUTCOMES outcomes, or None (then nothing is shown)."""
    known = Outcome.objects.exclude(drug__slug=UNLISTED).exclude(payer__slug=UNLISTED)
    denial = denial_type.name.lower()
    for outcomes, scope in (
        (known.filter(drug=drug, payer=payer, denial_type=denial_type), f"{drug.name} denied by {payer.name} ({denial})"),
        (known.filter(payer=payer, denial_type=denial_type), f"every drug denied by {payer.name} ({denial})"),
        (known.filter(denial_type=denial_type), f"every drug and insurer ({denial})"),
    ):
        rate = _rate(outcomes, scope)
        if rate is not None:
            return rate
    return None


EXPORT_COLUMNS = ("drug", "payer", "denial_type", "plan_type", "level", "stage", "result", "year")


def outcomes_csv(outcomes) -> str:
    """Outcomes as CSV for staff (no patient data is in them to begin with)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for outcome in outcomes.select_related("drug", "payer", "denial_type", "plan_type"):
        writer.writerow(
            [
                outcome.drug.name,
                outcome.payer.name,
                outcome.denial_type.name,
                outcome.plan_type.name if outcome.plan_type else "",
                outcome.level,
                outcome.stage,
                outcome.get_result_display(),
                outcome.year,
            ]
        )
    return out.getvalue()
