"""How long patient data is kept, and its purge.

A case's answers, its letter's files and HTML, its share links and the
order's email address are deleted ``RETENTION_DAYS`` after the letter was
delivered (ready).  A case never paid for is deleted when its link expires
(``CASE_LIFETIME`` after the last saved step).  What stays: the order's
amounts, dates and states, the letter's state and timings, the access log,
and the case's drug, payer and denial type, none of which names a patient.

A paid case whose letter is not ready yet (rendering, failed, in review) is
kept until it is delivered: staff are still working on it.  A case the person
asked to keep while the appeal runs (``Case.keep_until``, set from the status
page) is kept until that date, then purged the same way.

``purge_due`` runs from Celery beat (``appeals.purge_patient_data``); it is
safe to run at any time and twice.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from appeals.delivery.signals import case_purged
from appeals.intake.models import Case
from appeals.letters.models import Letter
from appeals.orders.models import SETTLED, Order

logger = logging.getLogger(__name__)


def retention() -> datetime.timedelta:
    return datetime.timedelta(days=settings.RETENTION_DAYS)


def purge_on(case: Case) -> datetime.datetime | None:
    """When the case's patient data will be deleted; None when it already
    was, or when it waits for its letter to be delivered."""
    if case.purged_at is not None:
        return None
    ready = case.letters.filter(status=Letter.Status.READY, ready_at__isnull=False).order_by("-ready_at").first()
    if ready is not None:
        scheduled = ready.ready_at + retention()
        return max(scheduled, case.keep_until) if case.keep_until else scheduled
    if case.orders.filter(status__in=SETTLED).exists():
        return None
    return case.expires_at


def due_cases(now: datetime.datetime | None = None):
    now = now or timezone.now()
    delivered_long_ago = Letter.objects.filter(case=OuterRef("pk"), status=Letter.Status.READY, ready_at__lte=now - retention())
    # A case changed after payment counts from its newest version, as purge_on (the date shown) does.
    delivered_lately = Letter.objects.filter(case=OuterRef("pk"), status=Letter.Status.READY, ready_at__gt=now - retention())
    settled = Order.objects.filter(case=OuterRef("pk"), status__in=SETTLED)
    undelivered = Letter.objects.filter(case=OuterRef("pk")).exclude(status__in=[Letter.Status.READY, Letter.Status.PURGED])
    open_cases = Case.objects.filter(purged_at__isnull=True)
    delivered = (
        open_cases.filter(Exists(delivered_long_ago))
        .exclude(Exists(undelivered))
        .exclude(Exists(delivered_lately))
        .exclude(keep_until__gt=now)
    )
    abandoned = open_cases.filter(expires_at__lte=now).exclude(Exists(settled))
    return (delivered | abandoned).distinct()


@dataclass
class PurgeReport:
    cases: int = 0
    letters: int = 0
    files: int = 0


def purge_case(case_id: int) -> PurgeReport:
    """Delete one case's patient data, under a row lock so a concurrent step
    save or render cannot write it back."""
    report = PurgeReport()
    files = []
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id, purged_at__isnull=True).first()
        if case is None:
            return report
        case.purge(timezone.now())
        # What other floors keep of the case (the tracking timeline) goes in the same transaction.
        case_purged.send(sender=Case, case_id=case.pk)
        for letter in Letter.objects.select_for_update().filter(case=case):
            files += letter.purge()
            report.letters += 1
        for order in Order.objects.filter(case=case, status=Order.Status.PENDING):
            order.cancel(reason="the case's answers were deleted")
        Order.objects.filter(case=case).forget_emails()
        report.cases = 1
    # The files go once the rows no longer point at them; a file left behind
    # by a crash here is encrypted and named without patient data.
    for field in files:
        try:
            field.storage.delete(field.name)
        except OSError as exc:
            # Encrypted and named without patient data; the next case goes on.
            logger.error("letter file not deleted", extra={"case_id": case_id, "error": type(exc).__name__})
            continue
        report.files += 1
    return report


def purge_due(now: datetime.datetime | None = None) -> PurgeReport:
    total = PurgeReport()
    for case_id in due_cases(now).values_list("pk", flat=True).iterator():
        done = purge_case(case_id)
        total.cases += done.cases
        total.letters += done.letters
        total.files += done.files
    if total.cases:
        logger.info("patient data purged", extra={"cases": total.cases, "letters": total.letters, "files": total.files})
    return total
