"""Following an appeal after its letter: the case's track (sent, the plan's answer,
the level it is at), its timeline of events and call log, the reminders sent, and
the outcomes kept for the public counts.

What the person typed beyond a date or a choice (a call's who, reference number and
what was said; an uploaded receipt or decision letter) is patient data: it is kept
encrypted (``TrackEvent.details_encrypted``, the file encrypted with the letter
files' keys).  The dates and choices in clear name no one, as the case's own
``appeal_decided_on`` does.  An ``Outcome`` keeps no patient data at all: drug,
payer, denial and plan type, the level reached, the result and the year."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from encrypted_fields.fields import EncryptedTextField

from appeals.catalog.models import DenialType, Drug, Payer, PlanType
from appeals.core import phi
from appeals.intake.models import Case


class SentHow(models.TextChoices):
    FAX = "fax", "Fax"
    PORTAL = "portal", "The plan's online portal"
    MAIL = "mail", "Mail"
    HAND = "hand", "By hand"


class Answer(models.TextChoices):
    APPROVED = "approved", "Approved"
    PARTLY = "partly", "Partly approved"
    UPHELD = "upheld", "Denied again (upheld)"


class Track(models.Model):
    """Where a paid case's appeal is: its level (1 for the first letter's request, 2 for
    the next level, …), whether this level's request was sent and how, and the plan's
    answer.  The dates the deadlines count from live on the case
    (``Case.appeal_received_on`` and ``appeal_decided_on``), where the law engine reads them."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="track")
    level = models.PositiveSmallIntegerField(default=1)
    sent_on = models.DateField(null=True, blank=True)
    sent_how = models.CharField(max_length=10, choices=SentHow.choices, blank=True)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    # The plan's answer says its internal appeals are over (where the plan type has a further internal level).
    answer_final = models.BooleanField(default=False)
    # The end date printed on an approval: the renewal is reminded of before it.
    approved_until = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminders_stopped_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Track of case {self.case_id} (level {self.level})"

    @classmethod
    def of(cls, case: Case) -> Track:
        track, _ = cls.objects.get_or_create(case=case)
        return track

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def reminders_on(self) -> bool:
        return self.reminders_stopped_at is None and self.closed_at is None


class TrackEvent(models.Model):
    """One line of a case's timeline: what happened, at which level, on which day."""

    class Kind(models.TextChoices):
        READY = "ready", "Letter ready"
        SENT = "sent", "Sent"
        ANSWERED = "answered", "The plan answered"
        CALL = "call", "Call"
        NEXT_LEVEL = "next_level", "Next level"
        CLOSED = "closed", "Closed"
        REMINDER = "reminder", "Reminder emailed"
        RENEWAL = "renewal", "Renewal started"

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="events")
    level = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    happened_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    details_encrypted = EncryptedTextField(default="{}", editable=False)
    attachment = models.FileField(upload_to="tracking/%Y/%m/", blank=True, help_text="Encrypted; named without patient data.")
    attachment_type = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["happened_on", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (level {self.level})"

    # What a person typed in their own words: kept out of logs (the rest are dates and choices).
    TYPED = ("who", "reference", "said")

    @property
    def details(self) -> dict:
        details = json.loads(self.details_encrypted or "{}")
        phi.remember([details.get(key, "") for key in self.TYPED])
        return details

    def set_details(self, details: dict) -> None:
        phi.remember([details.get(key, "") for key in self.TYPED])
        self.details_encrypted = json.dumps(details, cls=DjangoJSONEncoder)


class Reminder(models.Model):
    """A reminder email, claimed before it is sent: the unique key (case, kind, the date
    it is about) is what makes a second sweep, a second beat or a restarted
    worker skip it.  ``sent_at`` is set once the email went out; a claim whose send
    failed is deleted, so the next sweep tries again."""

    class Kind(models.TextChoices):
        FILE_WEEK = "file_week", "A filing window closes in a week"
        FILE_DAY = "file_day", "A filing window closes tomorrow"
        DECISION_DUE = "decision_due", "The plan's decision is due soon"
        DECISION_LATE = "decision_late", "The plan's decision is late"
        RENEWAL = "renewal", "An approval ends soon: time to renew"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    level = models.PositiveSmallIntegerField()
    about = models.DateField(help_text="The deadline the reminder is about.")
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [models.UniqueConstraint(fields=["case", "kind", "about"], name="one_reminder_per_deadline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (case {self.case_id}, {self.about})"


class Outcome(models.Model):
    """How a closed appeal ended, for the counts on public pages and staff's tables:
    no patient data (no date finer than the year), and kept after the case is deleted."""

    case = models.OneToOneField(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="outcome")
    drug = models.ForeignKey(Drug, on_delete=models.PROTECT, related_name="outcomes")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="outcomes")
    denial_type = models.ForeignKey(DenialType, on_delete=models.PROTECT, related_name="outcomes")
    plan_type = models.ForeignKey(PlanType, on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes")
    level = models.PositiveSmallIntegerField(help_text="1: decided on the first letter's request; 2 or more: a later level.")
    stage = models.CharField(max_length=30, blank=True, help_text="The stage the last request was made at.")
    result = models.CharField(max_length=10, choices=Answer.choices)
    year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-year", "drug", "payer"]

    def __str__(self) -> str:
        return f"{self.drug} × {self.payer} × {self.denial_type}: {self.get_result_display()} ({self.year})"

    @classmethod
    def record(cls, case: Case, *, result: str, level: int, stage: str, plan_type: PlanType | None, year: int) -> Outcome:
        with transaction.atomic():
            outcome, _ = cls.objects.update_or_create(
                case=case,
                defaults={
                    "drug": case.drug,
                    "payer": case.payer,
                    "denial_type": case.denial_type,
                    "plan_type": plan_type,
                    "level": level,
                    "stage": stage,
                    "result": result,
                    "year": year,
                },
            )
        return outcome
