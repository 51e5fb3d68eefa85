"""ICD-10-CM codes, so the wizard can check that a diagnosis code exists and is
billable, and show its official description.

The code set comes from the simple-icd-10-cm package (the CDC's tabular list,
April 2026 release).  It is copied into a table rather than imported in the
web process: the package parses its XML on import (about 1.5 s and 190 MB),
while a lookup in an indexed table costs nothing.  ``manage.py
load_diagnosis_codes`` fills the table after ``migrate`` (`make run` and the
release steps run it) and refreshes it when a new release of the package is
installed.
"""

from __future__ import annotations

from django.db import models, transaction


class DiagnosisCode(models.Model):
    code = models.CharField(max_length=8, primary_key=True, help_text="With its dot, e.g. M32.14.")
    description = models.CharField(max_length=255)
    billable = models.BooleanField(help_text="A complete code (a leaf of the tabular list), as a claim needs it.")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


def load_diagnosis_codes(model=DiagnosisCode, batch_size: int = 5000) -> int:
    """Replace the table with the installed code set; returns the number of codes.
    ``model`` lets a data migration pass its historical model."""
    import simple_icd_10_cm as icd  # heavy: imported only when loading

    # The list names a few codes twice (a block and a category can share a name).
    codes = dict.fromkeys(code for code in icd.get_all_codes(with_dots=True) if icd.is_category_or_subcategory(code))
    rows = [model(code=code, description=icd.get_description(code)[:255], billable=icd.is_leaf(code)) for code in codes]
    with transaction.atomic():
        model.objects.all().delete()
        model.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
