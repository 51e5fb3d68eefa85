"""Checks for the identifiers a payer will reject when wrong: the diagnosis
code and the prescriber's NPI."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from stdnum import luhn

from appeals.catalog.diagnosis import DiagnosisCode

ICD10_FORM = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
# The NPI check digit is the Luhn digit of the number prefixed with 80840
# (the health-industry issuer prefix), per 45 CFR 162.406 and CMS's NPI check-digit paper.
NPI_LUHN_PREFIX = "80840"


def normalize_icd10(value: str) -> str:
    """' m3214 ' → 'M32.14': upper case, no spaces, the dot after the third character."""
    code = re.sub(r"\s", "", value).upper()
    if "." not in code and len(code) > 3:
        code = f"{code[:3]}.{code[3:]}"
    return code


def check_icd10_form(code: str) -> None:
    if not ICD10_FORM.match(code):
        raise ValidationError(
            "An ICD-10-CM code is a letter, two characters, then up to four more after a dot, e.g. M32.14.",
            code="icd10_form",
        )


def diagnosis_for(value: str) -> DiagnosisCode:
    """The billable ICD-10-CM code the person typed, or a ValidationError saying what is wrong."""
    code = normalize_icd10(value)
    check_icd10_form(code)
    found = DiagnosisCode.objects.filter(code=code).first()
    if found is None:
        raise ValidationError(
            "%(code)s is not in the ICD-10-CM code set. Check the code on the denial notice or in the chart.",
            code="icd10_unknown",
            params={"code": code},
        )
    if not found.billable:
        more = list(DiagnosisCode.objects.filter(code__startswith=code, billable=True).values_list("code", flat=True)[:6])
        raise ValidationError(
            "%(code)s (%(description)s) is a category; the payer needs the complete code, such as %(examples)s.",
            code="icd10_not_billable",
            params={"code": code, "description": found.description, "examples": ", ".join(more) or "one below it"},
        )
    return found


def validate_npi(value: str) -> str:
    """A National Provider Identifier: ten digits, first 1 or 2, Luhn check digit over 80840 + NPI."""
    npi = re.sub(r"[\s-]", "", value)
    if not re.fullmatch(r"[0-9]{10}", npi):
        raise ValidationError("An NPI is 10 digits.", code="npi_form")
    if npi[0] not in "12":
        raise ValidationError("An NPI starts with 1 or 2.", code="npi_form")
    if not luhn.is_valid(NPI_LUHN_PREFIX + npi):
        raise ValidationError("That NPI's check digit does not match; check each digit.", code="npi_check_digit")
    return npi
