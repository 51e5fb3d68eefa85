"""What the order's status page and a share link's page show.

The status page (the link the person keeps) follows an order from payment to
a ready letter; once the letter is ready it shows what to do next, the dates
to keep, the share links made for the prescriber's office and when the
answers will be deleted.  The shared page shows the office the case summary
and the same next steps.  The views in ``appeals.web.delivery`` add only what
comes from the request (the token, forms, refresh after a return from Stripe).
Both pages hold patient data: they are no-store and noindex.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.safestring import mark_safe

from appeals.catalog.deadlines import FILE_NEXT_LEVEL, Deadline
from appeals.delivery.forms import AppealDecisionForm
from appeals.delivery.models import LetterAccess, LetterShare
from appeals.delivery.ready import deadlines_calendar
from appeals.delivery.retention import purge_on
from appeals.intake.models import Case
from appeals.intake.steps import case_deadlines, case_guidance
from appeals.letters.arguments import case_arguments
from appeals.letters.case_letter import letter_for_case
from appeals.letters.models import Letter, LetterTemplate
from appeals.letters.packet import letter_preview
from appeals.orders.models import Order

# Seconds between refreshes of the status page while something is on its way.
REFRESH_RENDERING = 3
REFRESH_RETURNED = 3
REFRESH_PROCESSING = 60


def ready_letter(order: Order | None) -> Letter | None:
    """The order's newest ready letter when it is paid for, else None.  While a
    new version is being made the one before it is still handed out."""
    if order is None or order.status != Order.Status.PAID or order.letter is None:
        return None
    if order.letter.status == Letter.Status.READY:
        return order.letter
    return (
        Letter.objects.filter(case_id=order.letter.case_id, status=Letter.Status.READY, version__lt=order.letter.version)
        .order_by("-version")
        .first()
    )


def earlier_versions(order: Order, shown: Letter | None) -> list[Letter]:
    """The ready versions before the one shown, newest first: kept, and labelled as earlier."""
    if shown is None:
        return []
    return list(
        Letter.objects.filter(case_id=shown.case_id, status=Letter.Status.READY, version__lt=shown.version).order_by("-version")
    )


def version_of(order: Order, version: int) -> Letter | None:
    """A ready version of the order's letter by its number (a download of an earlier one)."""
    if ready_letter(order) is None:
        return None
    return Letter.objects.filter(case_id=order.letter.case_id, version=version, status=Letter.Status.READY).first()


def case_shares(letter: Letter):
    """The share links made for any version of the case's letter: each opens the newest."""
    return LetterShare.objects.filter(letter__case_id=letter.case_id)


def refresh_seconds(order: Order, *, returned: bool) -> int | None:
    """How soon the status page looks again: while the letter is being made, just
    back from Stripe before its answer, or while a bank payment clears; else never."""
    letter = order.letter
    if letter is not None and letter.status in (Letter.Status.PENDING, Letter.Status.RENDERING):
        return REFRESH_RENDERING
    if order.status == Order.Status.PENDING and returned:
        return REFRESH_RETURNED
    if order.status == Order.Status.PROCESSING:
        return REFRESH_PROCESSING
    return None


def patient_deadlines(case: Case) -> tuple[list[Deadline], str]:
    """The deadlines shown to the person (status and shared pages, calendar file),
    and the plan type they are for.  Every step, the undated ones too: those show
    their window in words ("within 4 months of receiving the plan's decision")
    until the plan's decision is known; the calendar keeps only real dates."""
    return case_deadlines(case, timezone.localdate())


def deadlines_file(order: Order) -> bytes:
    """The deadlines of the order's case as a calendar file (.ics)."""
    deadlines, _ = patient_deadlines(order.case)
    return deadlines_calendar(deadlines, uid_prefix=order.public_id)


def next_steps(order: Order) -> dict:
    """What to do once the letter is ready: who signs, where it goes, what to
    enclose, and the dates to keep."""
    case = order.case
    plan_type = case.plan_type()
    deadlines, deadlines_for = patient_deadlines(case)
    voice = order.template.voice if order.template else LetterTemplate.Voice.PRESCRIBER
    arguments = case_arguments(case)
    return {
        "patient_signs": voice == LetterTemplate.Voice.PATIENT,
        "payer": case.letter_payer(),
        "enclosures": case.denial_type.enclosure_list()
        + (plan_type.enclosure_list() if plan_type else [])
        + arguments["enclosures"],
        # Where the person is: the request at this stage, where it goes, or why the letter cites no law.
        "guidance": case_guidance(case),
        # What the plan type's rules mean for the person from here on (not arguments to the plan).
        "rules_guidance": arguments["guidance"],
        "deadlines": deadlines,
        "deadlines_for": deadlines_for,
        "has_calendar_dates": any(d.target and not d.assumed_start for d in deadlines),
        # The next level counts from the plan's decision: the page asks for its date.
        "asks_decision_date": any(d.step == FILE_NEXT_LEVEL and d.status != "automatic" for d in deadlines),
        "appeal_decided_on": case.appeal_decided_on,
    }


def page_title(case: Case | None) -> str:
    # The case is gone only for an order whose case was deleted; its receipt stays.
    return f"{case.drug_name} denied {case.denial_type.title_phrase} by {case.payer_name}" if case else "Your letter"


def status_context(order: Order, *, record_visit: bool) -> dict:
    """What the status page shows of an order and its letter.  A visit to a ready
    letter's page is recorded in its access log when ``record_visit`` (not when
    the page is shown again with a form's errors)."""
    case = order.case
    letter = ready_letter(order)
    if letter is not None and record_visit:
        LetterAccess.record(letter, LetterAccess.Who.OWNER, LetterAccess.What.PAGE)
    making = order.letter if order.letter is not None and letter is not None and order.letter != letter else None
    return {
        "order": order,
        # The ready letter when there is one (an earlier version while a new one is made), else the order's own.
        "letter": letter or order.letter,
        "new_version": making,
        "earlier_versions": earlier_versions(order, letter),
        "case": case,
        "can_pay": order.can_be_paid,
        "next": next_steps(order) if letter else None,
        "shares": list(case_shares(letter).active()) if letter else [],
        "purge_on": purge_on(case) if letter else None,
        "decision_form": AppealDecisionForm.for_case(case) if letter else None,
        # Cut from the HTML the PDF was made from, and escaped when it was rendered.
        "letter_preview": mark_safe(letter_preview(letter.html_snapshot or "")) if letter else "",
        "title": page_title(case),
    }


def order_of_live_share(share: LetterShare) -> Order | None:
    """The paid order behind a share link that still opens its letter; None when
    the link was revoked or has expired, or the letter is no longer ready."""
    if not share.is_active:
        return None
    # The case's paid order: a share link made for one version opens the newest.
    order = Order.objects.filter(case_id=share.letter.case_id, status=Order.Status.PAID).first()
    return order if ready_letter(order) is not None else None


def shared_context(share: LetterShare, order: Order) -> dict:
    """What the prescriber's office sees through a live share link (the visit is
    recorded in the letter's access log)."""
    letter = ready_letter(order)
    LetterAccess.record(letter, LetterAccess.Who.SHARE, LetterAccess.What.PAGE, share_id=share.pk)
    return {
        "share": share,
        "letter": letter,
        "summary": letter_for_case(order.case, letter.template).context,
        "case": order.case,
        "next": next_steps(order),
        "letter_preview": mark_safe(letter_preview(letter.html_snapshot or "")),
    }
