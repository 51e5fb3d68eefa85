"""The letter for a case: one answer to "which body, which voice, which
context, which title" shared by the PDF packet, the Word file, the review
page's preview and the page a share link opens, so they cannot disagree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from appeals.catalog.deadlines import Deadline
from appeals.intake.models import Case
from appeals.intake.steps import case_deadlines
from appeals.letters.context import letter_context
from appeals.letters.defaults import default_body
from appeals.letters.engine import render_letter_body
from appeals.letters.models import LetterTemplate


@dataclass(frozen=True)
class CaseLetter:
    context: dict
    body: str
    voice: str

    @property
    def title(self) -> str:
        return letter_title(self.context)

    def html(self) -> str:
        """The letter rendered; raises LetterTemplateError when the body cannot render this case."""
        return render_letter_body(self.body, self.context)


def letter_title(context: dict) -> str:
    return f"Appeal: {context['drug']['name']}, {context['payer']['name']}"


def letter_for_case(
    case: Case,
    template: LetterTemplate | None,
    *,
    today: datetime.date | None = None,
    deadlines: list[Deadline] | None = None,
) -> CaseLetter:
    """The template's body and voice (the shipped prescriber's letter without
    one) with the case's context, its deadlines counted from ``today`` (or given)."""
    if deadlines is None:
        deadlines, _ = case_deadlines(case, today or timezone.localdate())
    context = letter_context(case, deadlines)
    if template is None:
        return CaseLetter(
            context=context, body=default_body(LetterTemplate.Voice.PRESCRIBER), voice=LetterTemplate.Voice.PRESCRIBER
        )
    return CaseLetter(context=context, body=template.body, voice=template.voice)


def fitting_templates(case: Case) -> list[LetterTemplate]:
    """The letter templates that fit the case, the most specific first."""
    return LetterTemplate.objects.fitting(denial_type=case.denial_type, payer=case.payer, plan_type=case.plan_type())


def chosen_template(templates: list[LetterTemplate], wanted: str | int | None) -> LetterTemplate | None:
    """The template asked for if it fits this case, else the most specific one."""
    return next((t for t in templates if str(t.pk) == str(wanted)), templates[0] if templates else None)
