"""Letter templates and the letters rendered from them.

A LetterTemplate is a staff-written Django template, one per denial type and
voice, optionally narrowed to a payer and / or a plan type.  It is rendered by
the letter engine (``appeals.letters.engine``) against the plain data of
``appeals.letters.context``; every change is kept in the history.

A Letter is one packet for one case: queued when the case is paid for, then
rendered by a Celery worker (``appeals.letters.tasks.render_letter``).  Its state
moves PENDING → RENDERING → READY, or FAILED with the reason; every change of
state is a method that locks the row and checks the state first, so a task
delivered twice, or a worker killed half-way, never leaves it inconsistent.
"""

from __future__ import annotations

import datetime
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from encrypted_fields.fields import EncryptedTextField
from simple_history.models import HistoricalRecords

from appeals.catalog.models import DenialType, Payer, PlanType
from appeals.core.crypto import encrypt, read_decrypted
from appeals.intake.models import Case
from appeals.letters.engine import LetterTemplateError, compile_letter

logger = logging.getLogger(__name__)


# A render whose worker died (killed, out of memory) is tried again; after this
# many the letter is FAILED for staff to look at.
MAX_LOST_RENDERS = 3


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
        permissions = [
            # Viewing templates is not enough to read a real patient's letter:
            # previewing one with a paid case needs this too, and is recorded.
            ("preview_real_case", "Can preview a letter template with a real paid case"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse a body that does not compile: a syntax error, or a tag or
        filter letter templates may not use (``appeals.letters.library``).
        Every save through a form checks this; the engine refuses the same
        body at render time, whichever way it was stored."""
        if self.body:
            try:
                compile_letter(self.body)
            except LetterTemplateError as exc:
                raise ValidationError({"body": str(exc)}) from exc

    @property
    def specificity(self) -> int:
        return 2 * (self.payer_id is not None) + (self.plan_type_id is not None)

    def current_version(self) -> int | None:
        """The history id of the template as it is now: what a letter records it was rendered from."""
        latest = self.history.order_by("-history_id").values_list("history_id", flat=True).first()
        return latest


def letter_file_name(instance: Letter, filename: str) -> str:
    # A random name: neither the patient nor the case shows in a path.
    extension = filename.rsplit(".", 1)[-1]
    return f"letters/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}.enc"


def render_lease() -> datetime.timedelta:
    """How long a render may run before its letter is taken for stalled
    (its worker died) and queued again.  A packet renders in about a second."""
    return datetime.timedelta(seconds=settings.LETTER_RENDER_LEASE_SECONDS)


class LetterQuerySet(models.QuerySet):
    def stalled(self, now: datetime.datetime | None = None) -> LetterQuerySet:
        """Letters whose render message was lost (queued while the broker was
        down, or held by a worker that died): PENDING longer than the lease
        since they were last queued, or RENDERING longer than the lease."""
        now = now or timezone.now()
        cutoff = now - render_lease()
        return self.filter(
            Q(status=Letter.Status.PENDING, queued_at__lt=cutoff)
            | Q(status=Letter.Status.RENDERING, rendering_started_at__lt=cutoff)
        )


class Letter(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        PURGED = "purged", "Deleted after the retention period"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    # A paid case changed afterwards gets a new version, at no charge; the earlier ones are kept.
    version = models.PositiveSmallIntegerField(default=1, help_text="1 for the letter paid for; 2, 3… for each change after.")
    answers_digest = models.CharField(
        max_length=64, blank=True, help_text="A keyed digest of the answers it was made from (no patient data)."
    )
    template = models.ForeignKey(LetterTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="letters")
    template_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="History id of the template version the letter was rendered from."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    # The reason may quote a template or WeasyPrint message: kept encrypted like the rest.
    failure_reason = EncryptedTextField(blank=True, null=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Renders started, retries included.")
    lost_renders = models.PositiveSmallIntegerField(
        default=0, help_text="Renders whose worker stopped before finishing (since the last staff retry)."
    )
    html_snapshot = EncryptedTextField(blank=True, null=True, default="", help_text="The HTML the PDF was made from.")
    pdf_file = models.FileField(upload_to=letter_file_name, blank=True, help_text="Encrypted at rest.")
    docx_file = models.FileField(upload_to=letter_file_name, blank=True, help_text="Encrypted at rest.")
    page_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The submission's pages (what the fax cover counts); the office sheet follows them."
    )
    render_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True)
    rendering_started_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # Never a patient detail: this string reaches admin lists and logs.
        return f"Letter {self.pk} ({self.get_status_display()})"

    # --- Creating and queueing -------------------------------------------

    @classmethod
    def create_for_case(cls, case: Case, template: LetterTemplate | None) -> Letter:
        """A new letter for a case, PENDING.  Sending it to a worker is the
        caller's (``appeals.letters.tasks.queue_render``): a model queues nothing.
        The case's first letter is version 1; each later one the next number."""
        latest = cls.objects.filter(case=case).aggregate(models.Max("version"))["version__max"] or 0
        return cls.objects.create(case=case, template=template, version=latest + 1, answers_digest=case.answers_digest())

    def matches_answers(self) -> bool:
        """Whether the case's answers are still those this letter was made from."""
        return bool(self.answers_digest) and self.answers_digest == self.case.answers_digest()

    def mark_queued(self) -> None:
        """Record that a render task is (about to be) on its way."""
        Letter.objects.filter(pk=self.pk).update(queued_at=timezone.now())

    def hand_back(self) -> bool:
        """RENDERING → PENDING: a render that failed and will be tried again,
        so the next try does not count it as a render whose worker died."""
        return bool(Letter.objects.filter(pk=self.pk, status=self.Status.RENDERING).update(status=self.Status.PENDING))

    def requeue_stalled(self) -> bool:
        """A RENDERING letter whose worker stopped answering goes back to PENDING
        (counted as a lost render), so the next sweep waits a whole lease again
        before sending it once more; a render that was only slow still finishes READY.
        A PENDING one whose message was lost stays as it is."""
        return bool(
            Letter.objects.filter(pk=self.pk, status=self.Status.RENDERING).update(
                status=self.Status.PENDING, lost_renders=F("lost_renders") + 1
            )
        )

    # --- State changes (each locks the row and checks the state first) ---

    def _locked(self) -> Letter:
        return Letter.objects.select_for_update().get(pk=self.pk)

    def start_rendering(self) -> bool:
        """PENDING (or a RENDERING whose worker died) → RENDERING.  False when
        there is nothing to do: the letter is READY, FAILED and not retried, or
        purged; and when workers have died rendering it MAX_LOST_RENDERS times,
        it is FAILED instead (a letter that kills its worker would otherwise be
        handed from worker to worker for ever)."""
        with transaction.atomic():
            letter = self._locked()
            if letter.status in (self.Status.READY, self.Status.FAILED, self.Status.PURGED):
                return False
            if letter.status == self.Status.RENDERING:
                letter.lost_renders += 1  # the worker that started it did not finish or fail it
            if letter.lost_renders >= MAX_LOST_RENDERS:
                letter.save(update_fields=["lost_renders"])
                give_up = True
            else:
                give_up = False
                letter.status = self.Status.RENDERING
                letter.attempts += 1
                letter.rendering_started_at = timezone.now()
                letter.save(update_fields=["status", "attempts", "lost_renders", "rendering_started_at"])
        self.refresh_from_db()
        if give_up:
            self.fail(f"A worker stopped while rendering this letter {self.lost_renders} times; it was not tried again.")
            return False
        return True

    def finish(
        self, *, html: str, pdf: bytes, docx: bytes | None, template_version: int | None, page_count: int, render_ms: int
    ) -> bool:
        """RENDERING → READY with the files.  False (and nothing written) when
        another delivery of the task finished first."""
        with transaction.atomic():
            letter = self._locked()
            if letter.status == self.Status.READY:
                return False
            letter.html_snapshot = html
            letter.template_version = template_version
            letter.page_count = page_count
            letter.render_ms = render_ms
            letter.failure_reason = ""
            letter.pdf_file.save("letter.pdf", ContentFile(encrypt(pdf)), save=False)
            if docx is not None:
                letter.docx_file.save("letter.docx", ContentFile(encrypt(docx)), save=False)
            letter.status = self.Status.READY
            letter.ready_at = timezone.now()
            letter.save()
        self.refresh_from_db()
        logger.info("letter rendered", extra={"letter_id": self.pk, "pages": page_count, "render_ms": render_ms})
        return True

    def fail(self, reason: str) -> bool:
        """→ FAILED with the reason, unless it became READY meanwhile."""
        with transaction.atomic():
            letter = self._locked()
            if letter.status == self.Status.READY:
                return False
            letter.status = self.Status.FAILED
            letter.failure_reason = reason[:2000]
            letter.save(update_fields=["status", "failure_reason"])
        self.refresh_from_db()
        logger.error("letter failed", extra={"letter_id": self.pk})
        letter_id = self.pk
        transaction.on_commit(lambda: alert_staff_of_failure(letter_id))
        return True

    def retry(self) -> bool:
        """FAILED → PENDING (staff's retry); the caller queues it again
        (``appeals.letters.tasks.queue_render``)."""
        with transaction.atomic():
            letter = self._locked()
            if letter.status != self.Status.FAILED:
                return False
            letter.status = self.Status.PENDING
            letter.lost_renders = 0
            letter.save(update_fields=["status", "lost_renders"])
        self.refresh_from_db()
        return True

    def purge(self) -> list:
        """Retention: the letter's patient data and share links go; returns its
        files, to delete from storage once the rows no longer point at them.
        The caller holds the row lock (``appeals.delivery.retention.purge_case``)."""
        files = [field for field in (self.pdf_file, self.docx_file) if field]
        self.shares.all().delete()
        Letter.objects.filter(pk=self.pk).update(
            status=self.Status.PURGED, html_snapshot=None, failure_reason=None, pdf_file="", docx_file=""
        )
        return files

    # --- Files -------------------------------------------------------------

    def pdf_bytes(self) -> bytes:
        return read_decrypted(self.pdf_file)

    def docx_bytes(self) -> bytes:
        return read_decrypted(self.docx_file)


def alert_staff_of_failure(letter_id: int) -> None:
    """Email ADMIN_EMAILS: a person paid and is waiting.  The message names the
    letter only; the reason (which may quote patient data) stays in admin."""
    from django.core.mail import mail_admins

    link = settings.SITE_URL + reverse("admin:appeals_letter_change", args=[letter_id])
    mail_admins(
        f"Letter {letter_id} failed to render",
        f"Letter {letter_id} failed after its retries. The reason and a retry action are in admin: {link}",
        fail_silently=True,
    )
