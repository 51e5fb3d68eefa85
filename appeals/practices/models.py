"""Physician practices: their accounts (members with a role, each signed in with a
second factor), invitations, the cases they work on, saved prescribers, prepaid
letter packs, and the audit log of every view and download of a case by staff.

Patient data stays on the case (encrypted).  What a practice's case list shows
without opening each case (the patient's initials, the stage, the next deadline)
is kept on ``PracticeCase``, refreshed when the case changes: the initials
encrypted, the rest a date and words that name no one."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from encrypted_fields.fields import EncryptedCharField

from appeals.core.tokens import lookup_digest, new_link_token
from appeals.intake.models import Case
from appeals.intake.validators import validate_npi

INVITATION_LIFETIME = datetime.timedelta(days=7)


class Practice(models.Model):
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    letters_left = models.PositiveIntegerField(default=0, help_text="Prepaid letters not yet used (letter packs).")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    PRESCRIBER = "prescriber", "Prescriber"
    STAFF = "staff", "Staff"


class Membership(models.Model):
    """A login's place in one practice (a login belongs to one practice)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.STAFF)
    joined_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.practice})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class InvitationQuerySet(models.QuerySet):
    def by_token(self, token: str) -> Invitation | None:
        digest = lookup_digest(token)
        if digest is None:
            return None
        return self.filter(token_hash=digest, accepted_at__isnull=True, expires_at__gt=timezone.now()).first()


class Invitation(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.STAFF)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.practice} ({self.get_role_display()})"

    @classmethod
    def make(cls, practice: Practice, *, email: str, role: str, by) -> tuple[Invitation, str]:
        """A new invitation and its token (shown once, in the email; only its digest is kept)."""
        token, digest = new_link_token()
        invitation = cls.objects.create(
            practice=practice,
            email=email,
            role=role,
            token_hash=digest,
            invited_by=by,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        return invitation, token


class PracticeCase(models.Model):
    """A case a practice works on, and what its list shows of it."""

    class Status(models.TextChoices):
        PATIENT_PART = "patient_part", "The patient's part is not finished"
        CLINICAL_PART = "clinical_part", "The clinical part is to do"
        TO_PAY = "to_pay", "Ready for review and payment"
        MAKING = "making", "The letter is being made"
        TO_SEND = "to_send", "Letter ready: to send"
        AWAITING = "awaiting", "Sent: awaiting the decision"
        UPHELD = "upheld", "Upheld: next level open"
        CLOSED = "closed", "Closed"
        DELETED = "deleted", "Deleted"

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="cases")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="practice_case")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The office link the practice opens the case with (encrypted; replaced when it expires).
    # (null: the encrypted field stores an empty value as NULL.)
    office_token_encrypted = EncryptedCharField(max_length=100, blank=True, null=True, default="")
    # A case the practice started to fill in both parts: the case's own link (encrypted).
    person_token_encrypted = EncryptedCharField(max_length=100, blank=True, null=True, default="")
    # What the list shows, refreshed when the case changed since (``refreshed_for`` = the case's updated_at then).
    patient_initials = EncryptedCharField(max_length=20, blank=True, null=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PATIENT_PART)
    stage = models.CharField(max_length=40, blank=True)
    deadline_on = models.DateField(null=True, blank=True)
    deadline_label = models.CharField(max_length=120, blank=True)
    refreshed_for = models.DateTimeField(null=True, blank=True)

    # Set by ``accounts.start_case`` when the patient's invitation could not be emailed.
    patient_emailed = True

    class Meta:
        ordering = ["-added_at"]
        indexes = [models.Index(fields=["practice", "deadline_on"]), models.Index(fields=["practice", "added_at"])]

    def __str__(self) -> str:
        return f"Case {self.case_id} of {self.practice}"

    @property
    def access_withdrawn(self) -> bool:
        """The patient took the clinical part back (filled it in themselves, or stopped the
        office's link): a case the practice added through the office's link is then no longer
        the practice's to open or download.  One the practice started and fills in whole is."""
        if self.person_token_encrypted:
            return False
        return self.case.office_revoked_at is not None or self.case.clinical_by != Case.ClinicalBy.OFFICE


class Prescriber(models.Model):
    """A prescriber of the practice, kept once: the clinical part picks one instead of retyping."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="prescribers")
    name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=40, help_text="e.g. MD, DO, NP, PA-C")
    specialty = models.CharField(max_length=80)
    npi = models.CharField(max_length=10, validators=[validate_npi])
    practice_name = models.CharField(max_length=120)
    address_line1 = models.CharField(max_length=120)
    address_line2 = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=2)
    zip_code = models.CharField(max_length=10)
    phone = models.CharField(max_length=20)
    fax = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["practice", "npi"], name="one_prescriber_per_npi_per_practice")]

    def __str__(self) -> str:
        return f"{self.name}, {self.credentials}"


class PackPurchase(models.Model):
    """A prepaid letter pack bought through Stripe Checkout; its letters are added to the
    practice's balance once, when Stripe says it is paid."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="packs")
    letters = models.PositiveIntegerField()
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    public_id = models.CharField(max_length=40, unique=True, editable=False)
    stripe_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    bought_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.letters}-letter pack ({self.get_status_display()})"

    def mark_paid(self, *, amount_cents: int | None, currency: str | None) -> bool:
        """Paid: the letters are added to the practice's balance.  True only for the call that did it."""
        with transaction.atomic():
            pack = PackPurchase.objects.select_for_update().get(pk=self.pk)
            if pack.status == self.Status.PAID:
                return False
            if amount_cents != pack.amount_cents or (currency or "").lower() != pack.currency:
                return False
            pack.status, pack.paid_at = self.Status.PAID, timezone.now()
            pack.save(update_fields=["status", "paid_at"])
            Practice.objects.filter(pk=pack.practice_id).update(letters_left=models.F("letters_left") + pack.letters)
        self.refresh_from_db()
        return True


class AuditEntry(models.Model):
    """Every view and download of a case by a practice's staff, and what they changed."""

    class Action(models.TextChoices):
        VIEWED = "viewed", "Opened the case"
        EDITED = "edited", "Opened a step of the clinical part"
        DOWNLOADED_PDF = "pdf", "Downloaded the PDF packet"
        DOWNLOADED_DOCX = "docx", "Downloaded the Word letter"
        PAID_FROM_PACK = "paid", "Paid the letter from the practice's pack"
        ADDED = "added", "Added the case to the practice"
        RECORDED = "recorded", "Recorded a step of the appeal"

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="audit")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey(Case, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    detail = models.CharField(max_length=120, blank=True, help_text="What was opened (a step's name), never patient data.")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} (case {self.case_id})"

    @classmethod
    def record(cls, membership: Membership, action: str, case: Case | None = None, detail: str = "") -> AuditEntry:
        return cls.objects.create(
            practice_id=membership.practice_id, user_id=membership.user_id, case=case, action=action, detail=detail
        )
