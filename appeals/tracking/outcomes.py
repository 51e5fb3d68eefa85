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

from django.db.models import Count, Max, Min, OuterRef, Q, Subquery

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


# Narrowest first: the fields an outcome shares with the page's combination to be counted.
SCOPES = (
    ("combination", ("drug", "payer", "denial_type")),
    ("payer", ("payer", "denial_type")),
    ("denial", ("denial_type",)),
)
FIGURES = {
    "total": Count("pk"),
    "approved": Count("pk", filter=Q(result__in=[Answer.APPROVED, Answer.PARTLY])),
    "partly": Count("pk", filter=Q(result=Answer.PARTLY)),
    "first": Min("year"),
    "last": Max("year"),
}


def _known():
    return Outcome.objects.exclude(drug__slug=UNLISTED).exclude(payer__slug=UNLISTED).order_by()


def _scope_words(scope: str, drug: Drug, payer: Payer, denial_type: DenialType) -> str:
    denial = denial_type.name.lower()
    return {
        "combination": f"{drug.name} denied by {payer.name} ({denial})",
        "payer": f"every drug denied by {payer.name} ({denial})",
        "denial": f"every drug and insurer ({denial})",
    }[scope]


def _first_with_enough(figures_by_scope: dict, drug: Drug, payer: Payer, denial_type: DenialType) -> OutcomeRate | None:
    for scope, _ in SCOPES:
        figures = figures_by_scope[scope]
        if (figures["total"] or 0) >= MIN_OUTCOMES:
            words = _scope_words(scope, drug, payer, denial_type)
            return OutcomeRate(figures["approved"], figures["partly"], figures["total"], figures["first"], figures["last"], words)
    return None


def outcome_rate(drug: Drug, payer: Payer, denial_type: DenialType) -> OutcomeRate | None:
    """The narrowest count with at least MIN_OUTCOMES outcomes, or None (then nothing is shown)."""
    row = {"drug": drug, "payer": payer, "denial_type": denial_type}
    figures = {scope: _known().filter(**{field: row[field] for field in fields}).aggregate(**FIGURES) for scope, fields in SCOPES}
    return _first_with_enough(figures, drug, payer, denial_type)


def outcome_annotations() -> dict:
    """Each scope's figures as annotations of a query over rows with ``drug``, ``payer`` and
    ``denial_type`` (a landing page's Guide), so the counts cost the page no query of its own."""
    annotations = {}
    for scope, fields in SCOPES:
        # Filtered to the row's denial type at least: grouping by it gives one row, or none.
        outcomes = _known().filter(**{field: OuterRef(field) for field in fields}).values("denial_type")
        for figure, aggregate in FIGURES.items():
            annotations[f"outcomes_{scope}_{figure}"] = Subquery(outcomes.annotate(figure=aggregate).values("figure"))
    return annotations


def annotated_rate(row) -> OutcomeRate | None:
    """What ``outcome_rate`` answers, read from a row annotated with ``outcome_annotations``."""
    figures = {scope: {figure: getattr(row, f"outcomes_{scope}_{figure}") for figure in FIGURES} for scope, _ in SCOPES}
    return _first_with_enough(figures, row.drug, row.payer, row.denial_type)


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
