"""The intake wizard's pages.

A case is opened by a POST from /start/ (never by a GET, so a crawler or a
link preview cannot open one) and from then on reached only through its
link token.  Every page of a case is marked no-store and noindex: it holds
patient data.

Nothing typed is lost: a step that does not validate is kept as a draft on
the case (shown again, with its messages, when the person returns to it),
whether they pressed "continue", "back" or "finish later".
"""

from __future__ import annotations

import dataclasses
import logging

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from appeals.catalog.models import UNLISTED, CatalogRequest, Drug, Payer, unlisted_drug, unlisted_payer
from appeals.catalog.pricing import Pricing
from appeals.core.ratelimits import start_rate
from appeals.delivery.retention import purge_case
from appeals.intake.answers import LetterChoice, UnlistedNames
from appeals.intake.forms import OfficeLinkForm, ResumeEmailForm, StartForm
from appeals.intake.models import Case
from appeals.intake.steps import (
    CLINICAL_PART,
    PATIENT_PART,
    applicable_steps,
    first_incomplete,
    part_done,
    part_steps,
    reachable,
    step_by_slug,
)
from appeals.letters.arguments import case_arguments
from appeals.letters.case_letter import chosen_template, fitting_templates, letter_for_case
from appeals.letters.engine import LetterTemplateError
from appeals.letters.filings import CLAIM_FILE
from appeals.letters.packet import claim_file_request_pdf
from appeals.orders import payments
from appeals.web import practice
from appeals.web.case_pages import (
    case_context,
    case_or_404,
    paid_order,
    unanswered_step_redirect,
)
from appeals.web.public import current_offer

logger = logging.getLogger(__name__)

BUTTONS = ("back", "add", "later")
MAX_DRAFT_FIELDS = 400
MAX_DRAFT_VALUE = 5000
RESUME_EMAILS_PER_HOUR = 5


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=start_rate, method="POST", block=False)
def start(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = StartForm(request.POST)
        if request.limited:
            # The choices stay in the form; only opening the case waits.
            form.add_error(
                None,
                "Many appeals were started from your connection in the last hour. Please wait a few minutes and press Start again.",
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            drug, payer, unlisted = _catalog_rows(data["drug"], data["payer"])
            _, token = Case.open(drug=drug, payer=payer, denial_type=data["denial"], promo_code=data["promo"], unlisted=unlisted)
            return redirect("case", token=token)
    else:
        # Prefilled from a landing page's link; unknown slugs simply stay unchosen.
        form = StartForm(initial=StartForm.initial_from_query(request.GET))
    return render(
        request,
        "appeals/wizard/start.html",
        {
            "form": form,
            "offer": current_offer(Pricing.current()),
            "noindex": True,
            "title": "Start your appeal",
            "drug_names": Drug.objects.exclude(slug=UNLISTED).order_by("name").values_list("name", flat=True),
            "payer_names": Payer.objects.exclude(slug=UNLISTED).order_by("name").values_list("name", flat=True),
        },
        status=status,
    )


def _catalog_rows(drug: Drug | str, payer: Payer | str) -> tuple[Drug, Payer, UnlistedNames]:
    """The catalog's rows for the start form's answers: a name the catalog lacks becomes
    its stand-in row, the name kept with the case and counted for staff as a request."""
    unlisted = UnlistedNames()
    if not isinstance(drug, Drug):
        CatalogRequest.record(CatalogRequest.Kind.DRUG, drug)
        drug, unlisted = unlisted_drug(), dataclasses.replace(unlisted, drug_name=str(drug))
    if not isinstance(payer, Payer):
        CatalogRequest.record(CatalogRequest.Kind.PAYER, payer)
        payer, unlisted = unlisted_payer(), dataclasses.replace(unlisted, payer_name=str(payer))
    return drug, payer, unlisted


@never_cache
def continue_case(request: HttpRequest, token: str) -> HttpResponse:
    """Send the person to the first step still to answer: the patient part first; then,
    until the clinical part is done, the page where they choose who fills it in (or
    follow the office's progress).  The office's link goes to its first clinical step."""
    case = case_or_404(token)
    if not case.opened_by_office:
        step = first_incomplete(case, PATIENT_PART)
        if step is not None:
            return redirect("case_step", token=token, step=step.slug)
        clinical_pending = not part_done(case, CLINICAL_PART)
        if clinical_pending and case.clinical_by != Case.ClinicalBy.PATIENT:
            return redirect("case_clinical", token=token)
    step = first_incomplete(case, CLINICAL_PART if case.opened_by_office else None)
    if step is None:
        return redirect("case_review", token=token)
    return redirect("case_step", token=token, step=step.slug)


def _raw_post(request: HttpRequest) -> dict[str, list[str]]:
    """The typed fields of a POST, bounded, for keeping as a draft."""
    raw = {}
    for key in list(request.POST)[:MAX_DRAFT_FIELDS]:
        if key == "csrfmiddlewaretoken" or key in BUTTONS:
            continue
        raw[key[:200]] = [value[:MAX_DRAFT_VALUE] for value in request.POST.getlist(key)]
    return raw


def _as_query_dict(raw: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in raw.items():
        data.setlist(key, values)
    return data


def _with_one_more_row(raw: dict[str, list[str]], prefix: str) -> dict[str, list[str]]:
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(raw.get(key, ["0"])[0])
    except ValueError:
        total = 0
    return {**raw, key: [str(total + 1)]}


@never_cache
@require_http_methods(["GET", "POST"])
def case_step(request: HttpRequest, token: str, step: str) -> HttpResponse:
    case = case_or_404(token)
    current = step_by_slug(step)
    if current is None or not current.is_applicable(case):
        raise Http404("No such step for this case.")
    if case.opened_by_office and current.part == PATIENT_PART:
        messages.info(request, "The patient's own answers are shown at the top of each page; only they can change them.")
        return redirect("case", token=token)
    if not reachable(case, current):
        messages.info(request, "Please answer this step first.")
        return redirect("case", token=token)
    if request.method == "POST":
        raw = _raw_post(request)
        if "add" in request.POST:
            case.save_draft(current.slug, _with_one_more_row(raw, current.slug))
            return redirect("case_step", token=token, step=current.slug)
        form = current.build_form(case, data=request.POST)
        if form.is_valid():
            case.save_step(current.slug, current.answers_from(form))
            if case.opened_by_office:
                _tell_the_person_when_the_office_is_done(case)
        else:
            case.save_draft(current.slug, raw)
        if "back" in request.POST:
            return redirect(_previous_url(case, current, token) or reverse("case", kwargs={"token": token}))
        if "later" in request.POST:
            return redirect("case_later", token=token)
        if form.is_valid():
            return redirect("case", token=token)
        # Invalid: the same form again, with everything typed and a message at each field.
    else:
        draft = case.draft(current.slug)
        form = current.build_form(case, data=_as_query_dict(draft) if draft is not None else None)
    context = case_context(case, token, current.slug)
    context.update(form=form, step=current, previous_url=_previous_url(case, current, token))
    if current.slug == "prescriber":
        # A practice's member picks one of its saved prescribers instead of typing.
        context["saved_prescribers"] = practice.saved_prescribers(request, case)
    return render(request, current.template_name, context)


def _previous_url(case: Case, step, token: str) -> str | None:
    # The office goes back only as far as its own part.
    steps = part_steps(case, CLINICAL_PART) if case.opened_by_office else applicable_steps(case)
    slugs = [s.slug for s in steps]
    if step.slug not in slugs:
        return None
    index = slugs.index(step.slug)
    return reverse("case_step", kwargs={"token": token, "step": steps[index - 1].slug}) if index > 0 else None


@never_cache
@require_http_methods(["GET", "POST"])
def case_clinical(request: HttpRequest, token: str) -> HttpResponse:
    """After the patient part: who fills in the clinical part.  Sending it to the office
    makes the office's own link (shown once: only its digest is kept), emailed to the
    office on request; a new link replaces the old, and the link can be revoked."""
    case = case_or_404(token)
    if case.opened_by_office:
        return redirect("case", token=token)
    if (missing := first_incomplete(case, PATIENT_PART)) is not None:
        return redirect("case_step", token=token, step=missing.slug)
    office = case.typed_answers.office
    form = OfficeLinkForm(initial={"office_email": office.email})
    office_link, emailed = "", {}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "self":
            if case.office_link_open:
                case.revoke_office_link()
                messages.info(request, "The office's link no longer works: you are filling in the clinical part.")
            case.choose_clinical_by(Case.ClinicalBy.PATIENT)
            return redirect("case", token=token)
        if action == "revoke":
            case.revoke_office_link()
            messages.success(
                request, "The office's link no longer works. You can make a new one or fill in the clinical part yourself."
            )
            return redirect("case_clinical", token=token)
        if action == "office":
            form = OfficeLinkForm(request.POST)
            if form.is_valid():
                if form.cleaned_data["office_email"] != office.email:
                    # Kept with the office's answers: the office is told there when the letter is ready.
                    office = dataclasses.replace(office, email=form.cleaned_data["office_email"])
                    case.save_step("office", office)
                office_token = case.open_office_link()
                office_link = request.build_absolute_uri(reverse("case", kwargs={"token": office_token}))
                own_link = request.build_absolute_uri(reverse("case", kwargs={"token": token}))
                emailed = _send_links(case, form.cleaned_data["office_email"], office_link, own_link)
    clinical = part_steps(case, CLINICAL_PART)
    context = case_context(case, token, "clinical")
    context.update(
        page_name="The clinical part",
        form=form,
        office=office,
        office_link=office_link,
        emailed=emailed,
        clinical_steps=[{"title": step.title, "done": step.is_completed(case)} for step in clinical],
        clinical_done=part_done(case, CLINICAL_PART),
        first_clinical=first_incomplete(case, CLINICAL_PART) or (clinical[0] if clinical else None),
    )
    return render(request, "appeals/wizard/clinical.html", context)


def _send_links(case: Case, office_email: str, office_link: str, own_link: str) -> dict[str, bool]:
    """The office's link to the office, when an address was given; the person's own link to
    them, so they can come back when the office is done.  No patient detail in either:
    email travels in the clear.  What was sent, for the page to say (the link is shown
    there either way, so a mail server's failure loses nothing)."""
    sent = {"office": False, "person": False, "limited": False}
    if not _resume_email_allowed(case):
        sent["limited"] = True
        return sent
    if office_email:
        body = render_to_string(
            "appeals/wizard/office_link_email.txt", {"link": office_link, "expires_at": case.office_link_expiry}
        )
        sent["office"] = _mailed("A patient's insurance appeal: the clinical part, for your office", body, office_email)
        if sent["office"]:
            case.mark("office_link_emailed_at")
    patient_email = case.typed_answers.patient.email
    if patient_email:
        body = render_to_string(
            "appeals/wizard/resume_email.txt", {"link": own_link, "expires_at": case.expires_at, "office": True}
        )
        sent["person"] = _mailed("Your DenialHelp appeal: the link to continue", body, patient_email)
    return sent


def _mailed(subject: str, body: str, address: str) -> bool:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception as exc:  # the page shows the link and the progress either way
        logger.warning("case email not sent", extra={"error": type(exc).__name__})
        return False
    return True


def _tell_the_person_when_the_office_is_done(case: Case) -> None:
    """Once, when the office's answers complete the clinical part (marked only once sent)."""
    if case.clinical_done_notified_at is not None or not part_done(case, CLINICAL_PART):
        return
    patient_email = case.typed_answers.patient.email
    if not patient_email:
        return
    body = render_to_string("appeals/wizard/clinical_done_email.txt", {"expires_at": case.expires_at})
    if _mailed("Your DenialHelp appeal: the office has finished its part", body, patient_email):
        case.mark("clinical_done_notified_at")


@never_cache
@require_http_methods(["GET", "POST"])
def case_review(request: HttpRequest, token: str) -> HttpResponse:
    case = case_or_404(token)
    if unanswered := unanswered_step_redirect(case, token):
        return unanswered
    templates = fitting_templates(case)
    saved = case.typed_answers.letter.template_id
    if request.method == "POST":
        chosen = chosen_template(templates, request.POST.get("template"))
        order = paid_order(case)
        if order is not None and case.opened_by_office:
            return render(request, "appeals/wizard/office_paid.html", case_context(case, token, "review"))
        if order is not None and "new_version" in request.POST:
            # Paid: the changed answers make the next version, at no charge (nothing if they did not change).
            case.save_step("letter", LetterChoice(template_id=chosen.pk if chosen else None))
            if payments.make_new_version(order, chosen) is not None:
                messages.success(request, "A new version of your letter is being made from your changed answers, at no charge.")
            return redirect(order.status_path())
        case.save_step("letter", LetterChoice(template_id=chosen.pk if chosen else None))
        return redirect("case_payment", token=token)
    chosen = chosen_template(templates, request.GET.get("template") or saved)
    sections = [
        # The office sees the patient's part without "Edit": only the person changes it.
        {"step": step, "summary": step.summary(case), "editable": not (case.opened_by_office and step.part == PATIENT_PART)}
        for step in applicable_steps(case)
    ]
    context = case_context(case, token, "review")
    pricing = Pricing.current()
    case_letter = letter_for_case(case, chosen, deadlines=context["deadlines"])
    try:
        letter = case_letter.html()
    except LetterTemplateError:
        # A template that passed its checks on save but fails on this case: show the shipped letter instead.
        letter = letter_for_case(case, None, deadlines=context["deadlines"]).html()
    context.update(
        page_name="Review",
        answers_changed=context["paid_letter"] is not None and not context["paid_letter"].matches_answers(),
        # The free claim-file request, where there is a plan decision to ask the file of.
        claim_file_request=any(filing["key"] == CLAIM_FILE for filing in case_letter.context["filings"]),
        # What the answers lack for an argument of this plan type (non-blocking).
        argument_warnings=case_arguments(case)["warnings"],
        sections=sections,
        pricing=pricing,
        offer=pricing.offer_for(case.promo_code),
        templates=templates,
        chosen=chosen,
        letter=letter,
    )
    return render(request, "appeals/wizard/review.html", context)


@never_cache
@require_http_methods(["GET"])
def case_claim_file_request(request: HttpRequest, token: str) -> HttpResponse:
    """The one-page request for the claim file and the criteria, free, once the plan
    and the patient are answered: the person can send it before the appeal is ready."""
    case = case_or_404(token)
    if not (case.has_answered("plan") and case.has_answered("patient")):
        return redirect("case", token=token)
    pdf = claim_file_request_pdf(case, today=timezone.localdate())
    if pdf is None:
        raise Http404("There is no plan decision to ask the file of at this stage.")
    response = HttpResponse(pdf, content_type="application/pdf")
    # A name without patient data: download folders keep it.
    response["Content-Disposition"] = 'attachment; filename="claim-file-request.pdf"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def case_later(request: HttpRequest, token: str) -> HttpResponse:
    """Finish later: the link to keep, and an email with it on request."""
    case = case_or_404(token)
    link = request.build_absolute_uri(reverse("case", kwargs={"token": token}))
    if request.method == "POST":
        form = ResumeEmailForm(request.POST)
        if form.is_valid():
            if _resume_email_allowed(case):
                _send_resume_email(form.cleaned_data["email"], link, case)
                # Not the address: messages travel in a cookie, signed but readable.
                messages.success(request, "We sent the link to the email address you gave.")
                return redirect("case_later", token=token)
            form.add_error(None, "We have sent this link several times in the last hour; please wait before asking again.")
    else:
        answers = case.typed_answers
        form = ResumeEmailForm(initial={"email": answers.office.email if case.opened_by_office else answers.patient.email})
    context = case_context(case, token, "")
    # The office's link has its own, fixed end; the person's moves on with each change.
    context.update(form=form, link=link, expires_at=case.office_link_expiry if case.opened_by_office else case.expires_at)
    return render(request, "appeals/wizard/later.html", context)


@never_cache
@require_POST
def case_delete(request: HttpRequest, token: str) -> HttpResponse:
    """The person deletes their case now (the office's link cannot): its answers, its letter
    and its files, at once (``retention.purge_case``, as the schedule does)."""
    case = case_or_404(token)
    if case.opened_by_office:
        return redirect("case", token=token)
    if (order := paid_order(case)) is not None:
        messages.info(request, "This case is paid for: delete it from your letter's page, at its foot.")
        return redirect(order.status_path())
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm that the case should be deleted.")
        return redirect("case_later", token=token)
    purge_case(case.pk)
    return render(request, "appeals/wizard/deleted.html", {"noindex": True, "title": "Case deleted"})


def _resume_email_allowed(case: Case) -> bool:
    key = f"resume-email:{case.pk}"
    cache.add(key, 0, timeout=3600)
    return cache.incr(key) <= RESUME_EMAILS_PER_HOUR


def _send_resume_email(address: str, link: str, case: Case) -> None:
    # No patient, drug or plan detail in the email: it travels in the clear.
    office_link = case.opened_by_office
    expires_at = case.office_link_expiry if office_link else case.expires_at
    body = render_to_string(
        "appeals/wizard/resume_email.txt", {"link": link, "expires_at": expires_at, "office_link": office_link}
    )
    send_mail("Your DenialHelp appeal: the link to continue", body, settings.DEFAULT_FROM_EMAIL, [address])
