"""Whose criteria a letter's criteria table answers.

Only a criterion staff checked in the payer's published policy
(``Criterion.provenance`` "payer_policy") may be put to the payer as its own,
with the policy's title, effective date and the day it was read.  Every other
criterion is one plans commonly apply to the drug: the letter says so and asks
for the criteria the plan actually applied, and prints no source title (a demo
or summary title must never reach a letter sent to a payer).
"""

from __future__ import annotations

from appeals.catalog.models import Provenance


def is_payer_policy(criterion) -> bool:
    """Criterion rows carry provenance; sample criteria without it are typical."""
    return getattr(criterion, "provenance", Provenance.TYPICAL) == Provenance.PAYER_POLICY


def criterion_source(criterion) -> dict:
    """The source fields of one criteria-table row."""
    policy = is_payer_policy(criterion)
    return {
        "payer_policy": policy,
        "source_title": criterion.source_title if policy else "",
        "retrieved_on": getattr(criterion, "retrieved_on", None) if policy else None,
    }


def criteria_source(criteria: list) -> dict:
    """How the table as a whole is framed: all the payer's, all typical, or mixed."""
    policy = [is_payer_policy(criterion) for criterion in criteria]
    return {
        "criteria_source": {
            "all_payer_policy": bool(policy) and all(policy),
            "any_payer_policy": any(policy),
            "any_typical": not all(policy),
        }
    }
