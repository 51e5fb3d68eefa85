"""The requests and forms a submission carries beside the letter, where they
apply: a request for the claim file and the criteria, a request to continue
coverage while the appeal is pending, an appointment of a representative, a
peer-to-peer request, and an expedited external review filed with an urgent
internal appeal.

Each is a dict the packet template prints as its own page (``key`` names the
page template, ``voices`` the submissions it belongs in).  A page that states
law does so from a Provision (appeals/letters/arguments.py) or the plan type's
rights, with the citation; a page whose provision is not verified is not made.
"""

from __future__ import annotations

import datetime

from appeals.catalog.models import AppealStage, PlanType
from appeals.intake.answers import CaseAnswers
from appeals.letters.arguments import (
    MEDICAID_MANAGED_CARE_SLUGS,
    PROVISIONS,
    authorization_still_running,
)

CLAIM_FILE = "claim_file"
CONTINUATION = "continuation"
REPRESENTATIVE = "representative"
PEER_TO_PEER = "peer_to_peer"
EXPEDITED_EXTERNAL_REVIEW = "expedited_external_review"

BOTH = ("prescriber", "patient")
MEDICARE_SLUGS = frozenset(
    {
        "medicare-part-d",
        "medicare-advantage-part-d",
        "medicare-advantage",
        "medicare-advantage-part-b",
        "original-medicare-part-b",
    }
)
ORIGINAL_MEDICARE_SLUGS = frozenset({"original-medicare-part-b"})
# The federal external review process (self-funded plans); an insured plan's is the state's.
FEDERAL_EXTERNAL_REVIEW_SLUGS = frozenset({"employer-self-funded"})
# A plan type's rights (PlanType.appeal_rights) that give the claimant the case file or the documents
# and criteria behind the decision: the claim-file request asks for what they give, citing them.
DOCUMENT_RIGHT_WORDS = ("documents", "case file", "criterion relied on")


def document_rights(plan_type: PlanType | None) -> list[dict]:
    if plan_type is None or not plan_type.letter_cites_law:
        return []
    return [right for right in plan_type.rights() if any(word in right["text"].lower() for word in DOCUMENT_RIGHT_WORDS)]


def submission_filings(*, answers: CaseAnswers, plan_type: PlanType | None, request: dict, today: datetime.date) -> list[dict]:
    """The pages this case's submission carries beside the letter, in order."""
    slug = plan_type.slug if plan_type else ""
    filings: list[dict] = []
    to_the_plan = request["addressed_to_plan"]
    if to_the_plan and request["reviews_decision"]:
        filings.append(
            {
                "key": CLAIM_FILE,
                "title": "Request for the claim file and the criteria used",
                "voices": BOTH,
                "rights": document_rights(plan_type),
            }
        )
    continuation = PROVISIONS["medicaid_continuation"]
    if slug in MEDICAID_MANAGED_CARE_SLUGS and continuation.verified and authorization_still_running(answers, today):
        filings.append(
            {
                "key": CONTINUATION,
                "title": "Request to continue benefits while the appeal is pending",
                "voices": BOTH,
                "citation": continuation.citation,
            }
        )
    external = PROVISIONS["concurrent_expedited_external_review"]
    if (
        slug in FEDERAL_EXTERNAL_REVIEW_SLUGS
        and external.verified
        and answers.plan.expedited
        and answers.plan.appeal_stage == AppealStage.FIRST_DENIAL
    ):
        filings.append(
            {
                "key": EXPEDITED_EXTERNAL_REVIEW,
                "title": "Request for expedited external review, filed with the urgent appeal",
                "voices": BOTH,
                "citation": external.citation,
            }
        )
    if answers.patient.representative_name:
        appointment = PROVISIONS["medicare_appointment"]
        filings.append(
            {
                "key": REPRESENTATIVE,
                "title": "Appointment of representative",
                "voices": ("patient",),
                "medicare": slug in MEDICARE_SLUGS,
                # The elements are Original Medicare's rule; other Medicare appeals use form CMS-1696.
                "citation": appointment.citation if slug in ORIGINAL_MEDICARE_SLUGS and appointment.verified else "",
            }
        )
    if to_the_plan:
        filings.append({"key": PEER_TO_PEER, "title": "Request for a peer-to-peer discussion", "voices": ("prescriber",)})
    return filings
