"""The intake wizard's pages.

A case is opened by a POST from /start/ (never by a GET, so a crawler or a
link preview cannot open one) and from then on reached only through its
link token.  Every page of a case is marked no-store and noindex: it holds
patient data.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from appeals.models import Case, Pricing
from appeals.views.public import current_offer
from appeals.wizard.forms import StartForm
from appeals.wizard.steps import (
    applicable_steps,
    case_deadlines,
    first_incomplete,
    initial_from,
    reachable,
    step_by_slug,
    to_json_ready,
)


def _case_or_404(token: str) -> Case:
    case = Case.objects.select_related("drug", "payer", "denial_type").by_token(token)
    if case is None:
        raise Http404("This link does not open a case. It may have expired.")
    return case


def _progress(case: Case, current: str) -> list[dict]:
    return [
        {"title": step.title, "slug": step.slug, "done": step.is_completed(case), "current": step.slug == current}
        for step in applicable_steps(case)
    ] + [{"title": "Review", "slug": "review", "done": False, "current": current == "review"}]


def _case_context(case: Case, token: str, current: str) -> dict:
    deadlines, deadlines_for = case_deadlines(case, timezone.localdate())
    return {
        "case": case,
        "token": token,
        "progress": _progress(case, current),
        "deadlines": deadlines,
        "deadlines_for": deadlines_for,
        "noindex": True,
        "title": f"{case.drug.name} denied {case.denial_type.title_phrase} by {case.payer.name}",
    }


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = StartForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            _, token = Case.open(drug=data["drug"], payer=data["payer"], denial_type=data["denial"], promo_code=data["promo"])
            return redirect("case", token=token)
    else:
        # Prefilled from a landing page's link; unknown slugs simply stay unchosen.
        form = StartForm(initial={key: request.GET.get(key, "")[:100] for key in ("drug", "payer", "denial", "promo")})
    return render(
        request,
        "appeals/wizard/start.html",
        {"form": form, "offer": current_offer(Pricing.current()), "noindex": True, "title": "Start your appeal"},
    )


@never_cache
def case(request: HttpRequest, token: str) -> HttpResponse:
    """Send the person to the first step still to answer."""
    found = _case_or_404(token)
    step = first_incomplete(found)
    if step is None:
        return redirect("case_review", token=token)
    return redirect("case_step", token=token, step=step.slug)


@never_cache
@require_http_methods(["GET", "POST"])
def case_step(request: HttpRequest, token: str, step: str) -> HttpResponse:
    found = _case_or_404(token)
    current = step_by_slug(step)
    if current is None or not current.is_applicable(found):
        raise Http404("No such step for this case.")
    if not reachable(found, current):
        messages.info(request, "Please answer this step first.")
        return redirect("case", token=token)
    if request.method == "POST":
        form = current.form_class(request.POST, **current.form_kwargs(found))
        if form.is_valid():
            found.save_step(current.slug, to_json_ready(form.cleaned_data))
            if "back" in request.POST:
                return redirect(_previous_url(found, current, token))
            return redirect("case", token=token)
        # Invalid: the same form again, with everything typed and a message at each field.
    else:
        form = current.form_class(initial=initial_from(found.step_answers(current.slug)), **current.form_kwargs(found))
    context = _case_context(found, token, current.slug)
    context.update(form=form, step=current, previous_url=_previous_url(found, current, token))
    return render(request, "appeals/wizard/step.html", context)


def _previous_url(case: Case, step, token: str) -> str | None:
    steps = applicable_steps(case)
    index = [s.slug for s in steps].index(step.slug)
    return reverse("case_step", kwargs={"token": token, "step": steps[index - 1].slug}) if index > 0 else None


@never_cache
def case_review(request: HttpRequest, token: str) -> HttpResponse:
    found = _case_or_404(token)
    missing = first_incomplete(found)
    if missing is not None:
        return redirect("case_step", token=token, step=missing.slug)
    sections = []
    for step in applicable_steps(found):
        form = step.form_class(**step.form_kwargs(found))
        answers = found.step_answers(step.slug) or {}
        rows = []
        for name, field in form.fields.items():
            value = answers.get(name)
            if hasattr(field, "choices") and value not in (None, ""):
                value = dict(field.choices).get(value, value)
            if isinstance(value, bool):
                value = "Yes" if value else "No"
            rows.append((field.label, value if value not in (None, "") else "—"))
        sections.append({"step": step, "rows": rows})
    context = _case_context(found, token, "review")
    pricing = Pricing.current()
    context.update(sections=sections, pricing=pricing, offer=pricing.offer_for(found.promo_code))
    return render(request, "appeals/wizard/review.html", context)
