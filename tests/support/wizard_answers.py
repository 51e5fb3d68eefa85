"""Valid answers for every wizard step, built from the form a case is shown,
so a test can walk any case to the end.  Shared by the wizard and browser tests."""

from __future__ import annotations

import datetime

from django.utils import timezone

VALID_NPI = "1234567893"  # CMS's worked example: Luhn over 80840 + NPI
PATIENT = {
    "patient_name": "Maria Quintana-Reyes",
    "birth_date": "1981-04-17",
    "member_id": "CGX7734120",
    "group_number": "G-55120",
    "state": "TX",
    "email": "maria@example.org",
}
PRESCRIBER = {
    "prescriber_name": "Lena Ortiz",
    "credentials": "MD",
    "specialty": "Rheumatology",
    "npi": VALID_NPI,
    "practice_name": "Hill Country Rheumatology",
    "address_line1": "1200 Main Street",
    "city": "Austin",
    "state": "TX",
    "zip_code": "78701",
    "phone": "512-555-0142",
    "fax": "512.555.0143",
}

# What the patient says of the office (the patient part); the office completes PRESCRIBER.
OFFICE = {key: PRESCRIBER[key] for key in ("prescriber_name", "practice_name", "phone", "fax")}


def today() -> datetime.date:
    """Today where the site is (TIME_ZONE), asked when a test needs it: a
    module-level constant would be yesterday for a test run past midnight."""
    return timezone.localdate()


def days_ago(days: int) -> str:
    return (today() - datetime.timedelta(days=days)).isoformat()


class DaysFromToday:
    """A date relative to the day the form is posted, written as the form
    expects it (YYYY-MM-DD) only when the test client sends it: parametrized
    answers are built when tests are collected, which may be another day."""

    def __init__(self, days: int):
        self.days = days

    def __str__(self) -> str:
        return (today() + datetime.timedelta(days=self.days)).isoformat()

    def __repr__(self) -> str:
        return f"today{self.days:+d}d"


def days_from_today(days: int) -> DaysFromToday:
    return DaysFromToday(days)


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def answers_for(step: str, form) -> dict:
    """Valid answers for the form a step shows."""
    if step == "plan":
        return {
            "plan_type": form.fields["plan_type"].choices[0][0],
            "stage": "first_denial",
            "notice_date": days_ago(10),
            "claim_number": "CLM-2231",
        }
    if step == "patient":
        return dict(PATIENT)
    if step == "office":
        return dict(OFFICE)
    if step == "diagnosis":
        data = {"icd10_code": "m3214", "diagnosed_on": "2019-06-01"}
        if "severity" in form.fields:
            data.update(severity="moderate", activity_measure="SLEDAI-2K", activity_score="10", activity_measured_on=days_ago(20))
        return data
    if step == "evidence":
        return {"compendia": ["drugdex"], "guidelines": "EULAR 2023 recommendations, item 4"}
    if step == "drug":
        data = {"dose": "300 mg", "route": "iv", "frequency": "every 4 weeks", "quantity": "1 vial"}
        if "product" in form.fields:
            data["product"] = form.fields["product"].queryset.first().slug
        if "quantity_limit" in form.fields:
            data.update(quantity_limit="1 vial per 28 days", quantity_reason="Weight-based dosing needs two vials.")
        if "site" in form.fields:
            data.update(site="hospital_outpatient", site_reason="Two infusion reactions needing hospital monitoring.")
        return data
    if step == "treatments":
        return formset(
            "treatments",
            [
                {
                    "drug": "Hydroxychloroquine",
                    "dose": "400 mg daily",
                    "started_on": "2020-01-10",
                    "stopped_on": "2021-03-01",
                    "outcome": "inadequate_response",
                }
            ],
        )
    if step == "alternatives":
        ground = form.forms[0].fields["ground"].choices[1][0]
        return formset(
            "alternatives", [{"drug": "Formulary agent A", "ground": ground, "explanation": "Tried in 2022; no response."}]
        )
    if step == "authorization":
        return {"previously_approved": "yes", "authorization_number": "PA-77812", "approved_until": days_ago(15)}
    if step == "criteria":
        data = {}
        for index, (criterion, *_fields) in enumerate(form.groups()):
            if index % 2 == 0:
                data.update(
                    {
                        f"{criterion.key}__status": "met",
                        f"{criterion.key}__evidence": "Clinic note",
                        f"{criterion.key}__evidence_date": days_ago(30),
                    }
                )
            else:
                data.update(
                    {f"{criterion.key}__status": "exception", f"{criterion.key}__explanation": "Documented in the chart."}
                )
                if f"{criterion.key}__ground" in form.fields:
                    data[f"{criterion.key}__ground"] = form.fields[f"{criterion.key}__ground"].choices[1][0]
        if form.fields["other_reasons"].required:
            data["other_reasons"] = "The notice says the use is investigational; the compendium lists it."
        return data
    if step == "prescriber":
        return dict(PRESCRIBER)
    raise AssertionError(f"no answers for step {step}")
