"""A practice's case list and a case's page, for its verified members
(``practice_member_required``).  Every page holds patient data: no-store, noindex.

The list shows what ``PracticeCase`` keeps of each case (``appeals.practices.case_list``);
a case's page adds its timeline once a letter is ready, the way into its clinical part
(the case's office link, kept for the practice), its files and paying from the
practice's letter pack.  Opening a case, its clinical part or a file is written to the
practice's audit log."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from appeals.catalog.models import DenialType, Drug, Payer
from appeals.core.tokens import lookup_digest
from appeals.delivery.downloads import FILES, recorded_download
from appeals.delivery.models import LetterAccess
from appeals.delivery.status import ready_letter
from appeals.intake.models import Case
from appeals.intake.steps import CLINICAL_PART, PATIENT_PART, part_done
from appeals.orders.models import SETTLED, Order
from appeals.practices.accounts import start_case
from appeals.practices.case_list import ROW_RELATED, SORTS, case_rows, refresh_stale
from appeals.practices.forms import NewCaseForm
from appeals.practices.models import AuditEntry, PracticeCase
from appeals.tracking.timeline import tracking_context
from appeals.web.practice_auth import practice_member_required

DOWNLOAD_ACTIONS = {"pdf": AuditEntry.Action.DOWNLOADED_PDF, "docx": AuditEntry.Action.DOWNLOADED_DOCX}


def _catalog_choices(model, practice) -> list[tuple[str, str]]:
    """The drugs (payers, denial types) of the practice's own cases, by name."""
    return list(
        model.objects.filter(cases__practice_case__practice=practice).distinct().order_by("name").values_list("slug", "name")
    )


def _chosen(value: str | None, choices) -> str:
    """The value asked for if it is one of the choices, else "" (no filter)."""
    return value if value and value in {key for key, _ in choices} else ""


@never_cache
@practice_member_required
def case_list(request: HttpRequest) -> HttpResponse:
    practice = request.membership.practice
    options = {
        "status": PracticeCase.Status.choices,
        "drug": _catalog_choices(Drug, practice),
        "payer": _catalog_choices(Payer, practice),
        "denial": _catalog_choices(DenialType, practice),
    }
    chosen = {name: _chosen(request.GET.get(name), choices) for name, choices in options.items()}
    sort = _chosen(request.GET.get("sort"), SORTS.items()) or "deadline"
    page = case_rows(practice, **chosen, sort=sort, page=request.GET.get("page"))
    # The filters and sort, kept on the pager's links.
    kept = urlencode({name: value for name, value in {**chosen, "sort": sort}.items() if value})
    return render(
        request,
        "appeals/practices/case_list.html",
        {
            "title": "Cases",
            "noindex": True,
            "page": page,
            "options": options,
            "chosen": chosen,
            "sorts": SORTS,
            "sort": sort,
            "kept": kept,
            "filtered": any(chosen.values()),
        },
    )


def _practice_row(request: HttpRequest, pk: int) -> PracticeCase:
    """The practice's row ``pk`` (refreshed if its case changed), else 404: another
    practice's case is as absent as one that does not exist."""
    own = PracticeCase.objects.filter(practice=request.membership.practice, pk=pk)
    refresh_stale(own)
    return get_object_or_404(own.select_related(*ROW_RELATED))


def _paid_order(case: Case) -> Order | None:
    return case.orders.filter(status=Order.Status.PAID).select_related("letter").order_by("-paid_at", "-pk").first()


@never_cache
@practice_member_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    row = _practice_row(request, pk)
    case = row.case
    purged = case.purged_at is not None
    if not purged and row.access_withdrawn:
        AuditEntry.record(request.membership, AuditEntry.Action.VIEWED, case, "access withdrawn")
        return render(request, "appeals/practices/case_withdrawn.html", {"row": row, "noindex": True})
    order = None if purged else _paid_order(case)
    letter = ready_letter(order)
    settled = not purged and case.orders.filter(status__in=SETTLED).exists()
    parts_done = not purged and part_done(case, PATIENT_PART) and part_done(case, CLINICAL_PART)
    AuditEntry.record(request.membership, AuditEntry.Action.VIEWED, case)
    return render(
        request,
        "appeals/practices/case.html",
        {
            "title": f"Case {row.patient_initials}".strip(),
            "noindex": True,
            "row": row,
            "case": case,
            "purged": purged,
            "letter": letter,
            "files": [kind for kind in FILES if letter is not None and (kind == "pdf" or letter.docx_file)],
            "tracking": tracking_context(case) if letter is not None else None,
            "can_open": not purged and not settled,
            "can_pay": parts_done and not settled,
            # Paid from the practice's letters, the order's page is the practice's: it records the
            # letter sent, the plan's answer and calls, and makes the next level.  Paid by the
            # patient, that page stays the patient's.
            "letter_page": order.status_path() if letter is not None and order.provider == Order.Provider.PACK else "",
        },
    )


@never_cache
@require_POST
@practice_member_required
def open_clinical_part(request: HttpRequest, pk: int) -> HttpResponse:
    """Into the case's clinical part through its office link: the one the practice kept
    while it still opens this case, else a new one (which ends any earlier office link)."""
    row = _practice_row(request, pk)
    case = row.case
    if case.purged_at is not None:
        messages.info(request, "This case's answers were deleted: it can no longer be changed.")
        return redirect("practice_case", pk=row.pk)
    if case.orders.filter(status__in=SETTLED).exists():
        messages.info(request, "This case is paid for: a change now makes a new version of its letter from the case's own link.")
        return redirect("practice_case", pk=row.pk)
    person = row.person_token_encrypted
    if person and (opened := Case.objects.by_token(person)) is not None and opened.pk == case.pk:
        # A case the practice fills in whole: through the case's own link.
        AuditEntry.record(request.membership, AuditEntry.Action.EDITED, case, "both parts")
        return redirect(reverse("case", kwargs={"token": person}))
    if row.access_withdrawn:
        messages.error(request, "The patient took the clinical part back: this case is no longer your practice's to open.")
        return redirect("practice_case", pk=row.pk)
    token = row.office_token_encrypted
    opened = Case.objects.by_token(token) if token else None
    if opened is None or opened.pk != case.pk or not opened.opened_by_office:
        if token and case.office_token_hash and lookup_digest(token) != case.office_token_hash:
            # The patient made a newer office link (for another office, perhaps): never end it from here.
            messages.error(request, "The patient made a newer link for the clinical part: open the case from that link.")
            return redirect("practice_case", pk=row.pk)
        # The practice's own link merely expired: a new one for the practice.
        token = case.open_office_link()
        row.office_token_encrypted = token
        row.save(update_fields=["office_token_encrypted"])
    AuditEntry.record(request.membership, AuditEntry.Action.EDITED, case, "clinical part")
    return redirect(reverse("case", kwargs={"token": token}))


@never_cache
@require_http_methods(["GET", "POST"])
@practice_member_required
def new_case(request: HttpRequest) -> HttpResponse:
    """A case the practice starts: the patient is invited to their part, or the practice fills in both."""
    form = NewCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        row, token = start_case(
            request.membership,
            drug=data["drug"],
            payer=data["payer"],
            denial_type=data["denial_type"],
            patient_email=data["patient_email"],
        )
        if data["patient_email"] and row.patient_emailed:
            messages.success(request, "The patient was emailed a link to their part. The case is in your list.")
            return redirect("practice_case", pk=row.pk)
        if data["patient_email"]:
            messages.error(request, "The case is in your list, but the email to the patient could not be sent: try again later.")
            return redirect("practice_case", pk=row.pk)
        return redirect(reverse("case", kwargs={"token": token}))
    status = 400 if form.errors else 200
    return render(request, "appeals/practices/new_case.html", {"form": form, "noindex": True}, status=status)


@never_cache
@practice_member_required
def case_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in DOWNLOAD_ACTIONS:
        raise Http404("No such file.")
    row = _practice_row(request, pk)
    case = row.case
    letter = None if case.purged_at is not None or row.access_withdrawn else ready_letter(_paid_order(case))
    if letter is None:
        raise Http404("This case has no ready letter.")
    response = recorded_download(letter, kind, LetterAccess.Who.PRACTICE, user=request.user)
    AuditEntry.record(request.membership, DOWNLOAD_ACTIONS[kind], case)
    return response
