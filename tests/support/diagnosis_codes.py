"""The ICD-10-CM codes the tests use, not all 98,186 (``manage.py
load_diagnosis_codes`` loads those for `make run` and production).

Every code the tests and the demo answers type is in M32 (lupus) and M05/M06
(rheumatoid arthritis), with their categories, so the wizard's checks behave
as on the full set: M32.14 is billable, M32.1 a category whose complete codes
are named, and M32.99 is not in the code set at all.
"""

from __future__ import annotations

from appeals.models import DiagnosisCode

CHAPTERS_USED = ("M05", "M06", "M32")


def load_test_diagnosis_codes() -> int:
    """Adds the codes under CHAPTERS_USED, as the real loader would store them."""
    import simple_icd_10_cm as icd

    codes = dict.fromkeys(
        code
        for code in icd.get_all_codes(with_dots=True)
        if code.startswith(CHAPTERS_USED) and icd.is_category_or_subcategory(code)
    )
    rows = [DiagnosisCode(code=code, description=icd.get_description(code)[:255], billable=icd.is_leaf(code)) for code in codes]
    DiagnosisCode.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
