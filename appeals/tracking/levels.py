"""Which request comes after the plan upholds a denial: the next stage of the same
plan type, as the catalog records it (``AppealInstrument`` per stage).  A stage
whose request is the same as the one just answered (Part D's IRE for both a denied
appeal and a final denial) is not a new level; a stage with no request the letter
can make (a level that happens by itself, or one the catalog does not hold) ends
the chain: the product offers nothing rather than a request it cannot ground."""

from __future__ import annotations

from appeals.catalog.models import AppealInstrument, AppealStage, PlanType
from appeals.catalog.plan_rules import instrument_for, stage_or_default

# In the order a case meets them.
_ORDER = (
    AppealStage.PHARMACY_REJECTION,
    AppealStage.FIRST_DENIAL,
    AppealStage.APPEAL_DENIED,
    AppealStage.FINAL_INTERNAL_DENIAL,
)


def _same_request(one: AppealInstrument | None, other: AppealInstrument | None) -> bool:
    if one is None or other is None:
        return False
    return (one.title, one.request, one.decided_by) == (other.title, other.request, other.decided_by)


def next_stage(plan_type: PlanType | None, stage: str | None, *, final: bool = False) -> str | None:
    """The stage to file at once the plan upholds the request made at ``stage``; None when
    the catalog has no further request for this plan type.  ``final``: the plan's answer
    says its internal appeals are over, so a second internal level is skipped."""
    if plan_type is None or plan_type.pk is None or not plan_type.letter_cites_law:
        return None
    stage = stage_or_default(stage)
    current = instrument_for(plan_type, stage)
    later = list(_ORDER[_ORDER.index(stage) + 1 :])
    # Only the answer to an internal appeal can say the internal appeals are over.
    if final and stage in (AppealStage.FIRST_DENIAL, AppealStage.APPEAL_DENIED):
        later = [AppealStage.FINAL_INTERNAL_DENIAL]
    for candidate in later:
        instrument = instrument_for(plan_type, candidate)
        if instrument is None or not instrument.request:
            return None
        if _same_request(instrument, current):
            continue
        return candidate
    return None


def asks_if_final(plan_type: PlanType | None, stage: str | None) -> bool:
    """Whether the plan's answer decides between two next levels (another internal
    appeal, or the outside review that follows a final denial)."""
    one, other = next_request(plan_type, stage, final=False), next_request(plan_type, stage, final=True)
    return one is not None and other is not None and not _same_request(one, other)


def next_request(plan_type: PlanType | None, stage: str | None, *, final: bool = False) -> AppealInstrument | None:
    found = next_stage(plan_type, stage, final=final)
    return instrument_for(plan_type, found) if found else None
