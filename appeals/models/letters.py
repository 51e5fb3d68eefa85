"""Letter templates: staff-written Django templates, one per denial type and
voice, optionally narrowed to a payer and / or a plan type.  Rendered by the
letter engine (``appeals.letters.engine``) against the plain data of
``appeals.letters.context``; every change is kept in the history."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from appeals.models.catalog import DenialType, Payer, PlanType


class LetterTemplateQuerySet(models.QuerySet):
    def fitting(self, *, denial_type: DenialType, payer: Payer, plan_type: PlanType | None) -> list[LetterTemplate]:
        """The templates that fit a case, most specific first (payer and plan type,
        then payer, then plan type, then neither); within that, the prescriber's letter first."""
        plan_filter = Q(plan_type__isnull=True) | (Q(plan_type=plan_type) if plan_type else Q())
        found = self.filter(Q(payer__isnull=True) | Q(payer=payer), plan_filter, denial_type=denial_type, active=True)
        return sorted(found, key=lambda t: (-t.specificity, t.voice != LetterTemplate.Voice.PRESCRIBER, t.name))


class LetterTemplate(models.Model):
    class Voice(models.TextChoices):
        PRESCRIBER = "prescriber", "Prescriber's appeal / letter of medical necessity"
        PATIENT = "patient", "Patient's own appeal (signed by the patient or a representative)"

    name = models.CharField(max_length=120)
    denial_type = models.ForeignKey(DenialType, on_delete=models.PROTECT, related_name="letter_templates")
    voice = models.CharField(max_length=20, choices=Voice.choices)
    payer = models.ForeignKey(Payer, null=True, blank=True, on_delete=models.PROTECT, help_text="Only for this payer (optional).")
    plan_type = models.ForeignKey(
        PlanType, null=True, blank=True, on_delete=models.PROTECT, help_text="Only for this plan type (optional)."
    )
    body = models.TextField(help_text="Django template syntax; the variables are listed below.")
    active = models.BooleanField(default=True, help_text="Offered to cases; an inactive template is kept but not offered.")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = LetterTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["denial_type", "voice", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return 2 * (self.payer_id is not None) + (self.plan_type_id is not None)
