"""Cases built directly, for tests that are not about the wizard.

Walking the wizard over HTTP renders two pages a step; a test of checkout,
webhooks or letters needs only the case the walk leaves behind.  This module
stores the same answers the same way: each step's form is filled with the
answers of tests/support/wizard_answers.py, validated, and saved with the step's own
``answers_from``, exactly what the step's view does on a valid POST.  The
wizard's own tests still walk it over HTTP.

Everything that knows how answers are stored on a case is here, in one place.
"""

from __future__ import annotations

from django.http import QueryDict
from django.urls import reverse

from appeals.intake.answers import CaseAnswers
from appeals.intake.forms import StartForm
from appeals.intake.steps import first_incomplete
from appeals.models import Case
from tests.support.wizard_answers import answers_for

MAX_STEPS = 20


def _as_post(data: dict) -> QueryDict:
    """Answers as the test client would post them (every value a string)."""
    post = QueryDict(mutable=True)
    for key, value in data.items():
        post.setlist(key, [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)])
    return post


def opened_case(drug: str = "anifrolumab", payer: str = "cigna", denial: str = "step-therapy", promo: str = "SEO25"):
    """A new case as the start page opens it; the case and its URL."""
    form = StartForm({"drug": drug, "payer": payer, "denial": denial, "promo": promo})
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    case, token = Case.open(drug=data["drug"], payer=data["payer"], denial_type=data["denial"], promo_code=data["promo"])
    return case, reverse("case", kwargs={"token": token})


def answer_every_step(case: Case) -> list[str]:
    """Each step the wizard would ask next, answered; the steps in order."""
    answered = []
    for _ in range(MAX_STEPS):
        step = first_incomplete(case)
        if step is None:
            return answered
        shown = step.build_form(case)
        form = step.build_form(case, data=_as_post(answers_for(step.slug, shown)))
        assert form.is_valid(), (step.slug, form.errors)
        case.save_step(step.slug, step.answers_from(form))
        answered.append(step.slug)
    raise AssertionError("the wizard did not end")


def save_answers(case: Case, slug: str, stored: dict) -> None:
    """Store one step's answers given as the stored dict (a test's shorthand),
    through the step's dataclass, as the wizard stores them."""
    schema = CaseAnswers.STEPS[slug]
    if slug in CaseAnswers.LISTS:
        typed = [schema.from_dict(item) for item in stored.get("items", [])]
    else:
        typed = schema.from_dict(stored)
    case.save_step(slug, typed)
