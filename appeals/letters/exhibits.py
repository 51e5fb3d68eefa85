"""The packet's numbered exhibits: each document the letter relies on, with a
letter (Exhibit A, B, …) the criteria table and the medical case cite, and
what it proves.  The submission's exhibit index and the office sheet's
checklist print the same list, so the office knows which document is which.

A pure function of the letter context's plain data (the answers as the
context gives them), so the sample letter in admin numbers its exhibits the
same way a case does.  Only documents the answers name get a letter; the
catalog's extra enclosure lines (which often apply only sometimes) are left to
the office sheet, where they are added after the last letter.
"""

from __future__ import annotations

import datetime
from string import ascii_uppercase

DENIAL_NOTICE = "denial_notice"
DIAGNOSIS = "diagnosis"
CRITERION = "criterion"
TREATMENTS = "treatments"
APPROVAL = "approval"
SUPPORT = "support"
LABEL = "label"


def exhibit_label(index: int) -> str:
    """A, B, … Z, then AA, AB, … (a case rarely has more than a dozen)."""
    label = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        label = ascii_uppercase[remainder] + label
    return label


def _date(value) -> str:
    return f"{value:%m/%d/%Y}" if isinstance(value, datetime.date) else ""


def number_exhibits(context: dict) -> dict:
    """``exhibits`` (each: label, key, title, proves) for the context, and the
    exhibit each criterion row and the medical case's parts rest on
    (``exhibit_for``: diagnosis, treatments, approval, support, label, notice)."""
    items: list[dict] = []

    def add(key: str, title: str, proves: str) -> str:
        label = exhibit_label(len(items))
        items.append({"label": label, "key": key, "title": title, "proves": proves})
        return label

    instrument = context.get("instrument") or {}
    notice_date = context["plan"].get("notice_date")
    dated = f", dated {notice_date:%B %-d, %Y}" if isinstance(notice_date, datetime.date) else ""
    if not instrument.get("reviews_decision", True):
        notice = add(
            DENIAL_NOTICE,
            f"The pharmacy's or the plan's refusal, if you have it in writing (a printout or a screenshot of the message){dated}",
            "What was refused",
        )
    elif instrument.get("addressed_to_plan", True):
        notice = add(
            DENIAL_NOTICE, f"The denial notice from {context['payer']['name']}{dated}", "What was denied, and the reasons given"
        )
    else:
        notice = add(
            DENIAL_NOTICE,
            f"The notice of the decision being reviewed{dated}, and each earlier denial notice",
            "What was decided, and the reasons given",
        )

    diagnosis = context["diagnosis"]
    measured = [
        f"{diagnosis.get('activity_measure')} {score} on {_date(on)}"
        for score, on in (
            (diagnosis.get("earlier_activity_score"), diagnosis.get("earlier_activity_measured_on")),
            (diagnosis.get("activity_score"), diagnosis.get("activity_measured_on")),
        )
        if score and on and diagnosis.get("activity_measure")
    ]
    proves = f"The diagnosis, ICD-10-CM {diagnosis.get('icd10_code')}"
    if measured:
        proves += "; disease activity: " + "; ".join(measured)
    diagnosis_exhibit = add(
        DIAGNOSIS, "Chart notes documenting the diagnosis" + (" and the disease-activity scores" if measured else ""), proves
    )

    # One exhibit per document the criteria answers name; a document named for
    # two criteria (the same words and date) is one exhibit proving both.
    criterion_exhibits: dict[tuple[str, object], str] = {}
    rows = []
    for row in context["criteria"]:
        exhibit = ""
        if row.get("met") and row.get("evidence"):
            document = (row["evidence"].strip(), row.get("evidence_date"))
            if document not in criterion_exhibits:
                title = row["evidence"].strip() + (f", {_date(row.get('evidence_date'))}" if row.get("evidence_date") else "")
                criterion_exhibits[document] = add(CRITERION, title, row["requirement"])
            else:
                found = next(item for item in items if item["label"] == criterion_exhibits[document])
                found["proves"] += f"; {row['requirement']}"
            exhibit = criterion_exhibits[document]
        rows.append({**row, "exhibit": exhibit})

    treatments_exhibit = ""
    if context["treatments"]:
        names = ", ".join(item["drug"] for item in context["treatments"] if item.get("drug"))
        treatments_exhibit = add(
            TREATMENTS,
            "Prior-treatment records and pharmacy claims",
            f"Each earlier treatment, its dates and why it stopped ({names})",
        )
    approval_exhibit = ""
    authorization = context.get("authorization") or {}
    if authorization.get("previously_approved") == "yes":
        number = authorization.get("authorization_number")
        approval_exhibit = add(
            APPROVAL,
            "The earlier approval" + (f" (authorization {number})" if number else ""),
            "That the plan approved this treatment before",
        )
    support_exhibit = ""
    evidence = context.get("evidence") or {}
    if evidence.get("compendia") or evidence.get("guidelines") or evidence.get("literature"):
        parts = [*evidence.get("compendia", [])]
        if evidence.get("guidelines"):
            parts.append("guideline excerpts")
        if evidence.get("literature"):
            parts.append("the published studies")
        support_exhibit = add(SUPPORT, "The support cited for this use: " + "; ".join(parts), "That this use is supported")
    drug = context["drug"]
    label_exhibit = add(LABEL, f"Prescribing information (FDA label) for {drug['name']}", "The labelled indications and dosing")
    return {
        "exhibits": items,
        "criteria": rows,
        "exhibit_for": {
            "notice": notice,
            "diagnosis": diagnosis_exhibit,
            "treatments": treatments_exhibit,
            "approval": approval_exhibit,
            "support": support_exhibit,
            "label": label_exhibit,
        },
    }
