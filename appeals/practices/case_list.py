"""A practice's case list: what it shows of each case (``PracticeCase``'s list fields),
recomputed only for the cases that changed since, and the page of rows asked for.

Computing a row reads the case's encrypted answers, its orders and letters and the
law engine's deadlines: too much to do for every row of every page.  So the list
fields are kept on the row with ``refreshed_for`` (when they were computed), and a
row is *stale* when anything they come from moved on since: the case itself (its
answers, the dates recorded on it, its purge), an order, a letter made or ready, the
track closed or an event on its timeline.  A page then costs the same few queries
whatever the number of cases; only the stale rows cost more, once.

What no row records cannot make a row stale: a criterion the feed adds later (the
clinical part then has one more question) or a deadline rule edited in the catalog
shows on the case's next change."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from appeals.catalog.models import AppealStage
from appeals.delivery.status import ready_letter
from appeals.intake.models import Case
from appeals.intake.steps import CLINICAL_PART, PATIENT_PART, part_done
from appeals.letters.models import Letter
from appeals.orders.models import Order
from appeals.practices.models import Practice, PracticeCase
from appeals.tracking.models import Track, TrackEvent
from appeals.tracking.progress import AWAITING, CLOSED, SEND, UPHELD, case_progress

Status = PracticeCase.Status

SORTS = {"deadline": "Next deadline first", "added": "Newest first"}
PER_PAGE = 50
# The longest initials kept ("A. B. C. D. E." is 14 characters; the field holds 20).
MAX_INITIALS = 6
PHASE_STATUS = {SEND: Status.TO_SEND, AWAITING: Status.AWAITING, UPHELD: Status.UPHELD, CLOSED: Status.CLOSED}
# The plan step's stage as the row keeps it (``PracticeCase.stage``, 40 characters): AppealStage's
# own labels are sentences in the patient's words, two of them longer than the column.
STAGE_LABELS = {
    AppealStage.PHARMACY_REJECTION: "Before a written denial",
    AppealStage.FIRST_DENIAL: "First denial",
    AppealStage.APPEAL_DENIED: "Appeal denied",
    AppealStage.FINAL_INTERNAL_DENIAL: "Final internal denial",
}
# The rows' relations every page shows (the case's encrypted answers are not read for the list).
ROW_RELATED = ("case__drug", "case__payer", "case__denial_type")


def stale(queryset: QuerySet[PracticeCase]) -> QuerySet[PracticeCase]:
    """The rows whose list fields must be recomputed: never computed, or computed before
    the case, one of its orders, a letter, the track's closing or a timeline event changed.
    One query (each relation an EXISTS subquery)."""
    since = OuterRef("refreshed_for")
    case = OuterRef("case_id")
    return queryset.filter(
        Q(refreshed_for__isnull=True)
        | Q(case__updated_at__gt=F("refreshed_for"))
        | Exists(Order.objects.filter(case_id=case, updated_at__gt=since))
        | Exists(Letter.objects.filter(Q(ready_at__gt=since) | Q(created_at__gt=since), case_id=case))
        | Exists(Track.objects.filter(case_id=case, closed_at__gt=since))
        | Exists(TrackEvent.objects.filter(track__case_id=case, created_at__gt=since))
    )


def initials(name: str) -> str:
    """ "Maria Quintana-Reyes" → "M. Q."; empty when no name was given."""
    letters = [word[0].upper() for word in name.split() if word[:1].isalpha()]
    return " ".join(f"{letter}." for letter in letters[:MAX_INITIALS])


def _track(case: Case) -> Track:
    try:
        return case.track
    except ObjectDoesNotExist:
        return Track(case=case)


def _paid_order(case: Case) -> Order | None:
    paid = case.paid_orders
    return paid[0] if paid else None


def _list_fields(case: Case, today) -> dict:
    """What the row shows of ``case``, computed from the case."""
    fields = {"patient_initials": "", "stage": "", "deadline_on": None, "deadline_label": ""}
    if case.purged_at is not None:
        return {**fields, "status": Status.DELETED}
    typed = case.typed_answers
    fields["patient_initials"] = initials(typed.patient.patient_name)
    if case.has_answered("plan"):
        fields["stage"] = STAGE_LABELS.get(typed.plan.appeal_stage, "")
    track = _track(case)
    if not part_done(case, PATIENT_PART):
        status = Status.PATIENT_PART
    elif not part_done(case, CLINICAL_PART):
        status = Status.CLINICAL_PART
    elif (order := _paid_order(case)) is None:
        status = Status.TO_PAY
    elif ready_letter(order) is None:
        status = Status.MAKING
    else:
        status = None  # from the track, below
    # The deadline that matters now: before the letter is sent, the window to file it.
    progress = case_progress(case, track, today) if case.has_answered("plan") else None
    if status is None:
        status = PHASE_STATUS[progress.phase] if progress is not None else Status.TO_SEND
    if progress is not None and progress.dated:
        fields["deadline_on"] = progress.deadline.target
        fields["deadline_label"] = progress.deadline.label[: PracticeCase._meta.get_field("deadline_label").max_length]
    return {**fields, "status": status}


def refresh(rows: Iterable[PracticeCase]) -> list[PracticeCase]:
    """Recompute the list fields of ``rows`` (changed on the objects given) and save them
    with one ``bulk_update``; ``refreshed_for`` is the moment before the cases were read,
    so a change saved while this runs makes the row stale again."""
    rows = list(rows)
    if not rows:
        return rows
    now = timezone.now()
    today = timezone.localdate(now)
    paid = Order.objects.filter(status=Order.Status.PAID).select_related("letter").order_by("-paid_at", "-pk")
    cases = (
        Case.objects.filter(pk__in=[row.case_id for row in rows])
        .select_related("drug", "payer", "denial_type", "track")
        .prefetch_related(Prefetch("orders", queryset=paid, to_attr="paid_orders"))
        .in_bulk()
    )
    names = ["patient_initials", "status", "stage", "deadline_on", "deadline_label", "refreshed_for"]
    for row in rows:
        case = cases[row.case_id]
        for name, value in _list_fields(case, today).items():
            setattr(row, name, value)
        row.refreshed_for = now
    PracticeCase.objects.bulk_update(rows, names, batch_size=200)
    return rows


def refresh_stale(queryset: QuerySet[PracticeCase]) -> list[PracticeCase]:
    return refresh(stale(queryset))


def case_rows(
    practice: Practice,
    *,
    status: str | None = None,
    drug: str | None = None,
    payer: str | None = None,
    denial: str | None = None,
    sort: str = "deadline",
    page: int | str | None = 1,
    per_page: int = PER_PAGE,
) -> Page:
    """One page of the practice's rows (the stale ones refreshed first), filtered by status
    and by the drug's, payer's and denial type's slugs.  "deadline": the rows with a deadline
    by date, soonest first, then the others newest first; "added": newest first.  An
    unknown page number gives the nearest page (``Paginator.get_page``)."""
    own = PracticeCase.objects.filter(practice=practice)
    refresh_stale(own)
    rows = own.select_related(*ROW_RELATED).defer("case__answers_encrypted")
    if status:
        rows = rows.filter(status=status)
    if drug:
        rows = rows.filter(case__drug__slug=drug)
    if payer:
        rows = rows.filter(case__payer__slug=payer)
    if denial:
        rows = rows.filter(case__denial_type__slug=denial)
    if sort == "added":
        rows = rows.order_by("-added_at", "-pk")
    else:
        rows = rows.order_by(F("deadline_on").asc(nulls_last=True), "-added_at", "-pk")
    return Paginator(rows, per_page).get_page(page)
