"""What it means when the plan (or reviewer) decides late, by plan type and stage,
and what to send then.  Every statement names its provision and where its text was
read; one whose text could not be read is kept unverified and never shown, so the
page and the reminder say less rather than something unchecked."""

from __future__ import annotations

from dataclasses import dataclass

from appeals.catalog.models import AppealStage, PlanType
from appeals.catalog.plan_rules import instrument_for, stage_or_default


@dataclass(frozen=True)
class Lateness:
    text: str  # what the late decision means, in plain words
    then: str  # what to do or send now
    citation: str
    source: str  # where the provision's text was read
    verified: bool


PLAN_DECIDES = frozenset({AppealStage.FIRST_DENIAL, AppealStage.APPEAL_DENIED})

# The eCFR text as mirrored in ConnorCallison/ecfr-opportunities (libs/ecfr-markdown, commit c86530e,
# January 2025), read 2026-12-06: title 29 chapter XXV (2560.503-1(l); 2590.715-2719(b)(2)(ii)(F)),
# title 45 subchapter A (147.136(b)(2)(ii)(F) for group coverage, (b)(3)(ii)(F) for the individual
# market) and title 5 chapter I (890.105(b)(3), (e)(1)(ii)).
_ECFR_MIRROR = "eCFR text, ConnorCallison/ecfr-opportunities mirror (January 2025), read 2026-12-06"
_GROUP = Lateness(
    text="A plan that misses its deadline has not followed the claims rules, so you are treated as having used "
    'up its internal appeals ("deemed exhaustion"): you may ask for external review now, without waiting for its '
    "answer. The plan can resist only by showing the lapse was minor, caused you no harm, and had good cause.",
    then="Call the plan, ask for the decision and a reference number, and log the call. If there is still no "
    "answer, ask for external review, saying the plan missed its deadline.",
    citation="29 CFR 2590.715-2719(b)(2)(ii)(F); 45 CFR 147.136(b)(2)(ii)(F)",
    source=_ECFR_MIRROR,
    verified=True,
)
# Keyed by plan type slug; each applies at the stages in PLAN_DECIDES (the plan's own appeal).
LATENESS: dict[str, Lateness] = {
    "employer-self-funded": Lateness(
        text="A plan that misses its deadline has not followed its claims procedure, so you are treated as having "
        'used up its internal appeals ("deemed exhaustion"): you may go on without waiting for its answer, to '
        'external review (unless the plan is "grandfathered") or to court under ERISA section 502(a).',
        then="Call the plan, ask for the decision and a reference number, and log the call. If there is still no "
        "answer, ask for external review, saying the plan missed its deadline.",
        citation="29 CFR 2560.503-1(l)(1); 29 CFR 2590.715-2719(b)(2)(ii)(F)",
        source=_ECFR_MIRROR,
        verified=True,
    ),
    "employer-fully-insured": _GROUP,
    "non-federal-governmental": Lateness(
        text=_GROUP.text,
        then=_GROUP.then,
        citation="45 CFR 147.136(b)(2)(ii)(F)",
        source=_ECFR_MIRROR,
        verified=True,
    ),
    "aca-individual": Lateness(
        text="An insurer that misses its deadline has not followed the appeal rules, so you are treated as having "
        'used up its internal appeals ("deemed exhaustion"): you may ask for external review now. The insurer '
        "can resist only by showing the lapse was minor, caused you no harm, and had good cause.",
        then="Call the insurer, ask for the decision and a reference number, and log the call. If there is still "
        "no answer, ask for external review, saying the insurer missed its deadline.",
        citation="45 CFR 147.136(b)(3)(ii)(F)",
        source=_ECFR_MIRROR,
        verified=True,
    ),
    # The outside law review checked it against the current text (its item C6: 438.408(c)(3) and
    # 438.402(c)(1)(i)(A)); the mirror holds no copy of 42 CFR part 438.
    "medicaid-managed-care": Lateness(
        text="A Medicaid plan that misses its notice or timing rules is treated as having finished its appeal "
        '("deemed exhaustion"): you may ask the state for a fair hearing now.',
        then="Call the plan, ask for the decision and a reference number, and log the call. If there is still no "
        "answer, ask the state Medicaid agency for a fair hearing, saying the plan missed its deadline.",
        citation="42 CFR 438.408(c)(3); 438.402(c)(1)(i)(A)",
        source="Outside law review, item C6 (checked against the current text)",
        verified=True,
    ),
    "fehb": Lateness(
        text="If the carrier does not answer a reconsideration request within 30 days, you may ask the Office of "
        "Personnel Management to review the claim without waiting; the request to OPM is due within 120 days of "
        "your reconsideration request.",
        then="Call the carrier and log the call; if there is still no answer, write to OPM (the brochure's Section 8 "
        "gives the address) with a copy of your reconsideration request.",
        citation="5 CFR 890.105(b)(2)-(3), (e)(1)(ii)",
        source=_ECFR_MIRROR,
        verified=True,
    ),
    # Read only in secondary sources (2026-12-06): a missed redetermination or reconsideration deadline
    # counts as an adverse decision and the plan must send the case to the independent review entity
    # (Part D: 42 CFR 423.590, paragraph not confirmed; MA: 422.590(d) per one secondary copy).  Kept
    # unverified: shown nowhere until its text is read.
    "medicare-part-d": Lateness(
        text="A Part D plan that misses its redetermination deadline must send your request on to the Independent "
        "Review Entity itself.",
        then="Call the plan and ask whether it forwarded the case, and log the call.",
        citation="42 CFR 423.590",
        source="secondary only",
        verified=False,
    ),
    "medicare-advantage": Lateness(
        text="A Medicare Advantage plan that misses its reconsideration deadline must send the case to the "
        "Independent Review Entity itself.",
        then="Call the plan and ask whether it forwarded the case, and log the call.",
        citation="42 CFR 422.590(d)",
        source="secondary only",
        verified=False,
    ),
}
LATENESS["medicare-advantage-part-d"] = LATENESS["medicare-part-d"]


def late_decision(plan_type: PlanType | None, stage: str | None) -> Lateness | None:
    """The verified meaning of a late decision at this stage, or None (then nothing is claimed).
    Only where the plan itself decides the request: an outside reviewer's lateness (OPM, an
    IRE, a hearing office) is another rule, which these provisions do not state."""
    if plan_type is None or plan_type.pk is None or stage_or_default(stage) not in PLAN_DECIDES:
        return None
    instrument = instrument_for(plan_type, stage)
    if instrument is not None and not instrument.addressed_to_plan:
        return None
    found = LATENESS.get(plan_type.slug)
    return found if found is not None and found.verified else None
