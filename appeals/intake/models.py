"""A case: one person's appeal in progress, from the wizard's first step on.

Everything the person types is protected health information, so every answer
lives in one encrypted blob (`answers`, JSON inside a Fernet-encrypted text
field): not a field name or value is readable in the database.  The columns
in clear are the catalog choice (drug, payer, denial type) and timestamps.

A case is reached only through its link token: 256 random bits, of which the
database keeps only a SHA-256 digest, so neither a database copy nor a log of
queries gives anyone a working link.
"""

from __future__ import annotations

import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from encrypted_fields.fields import EncryptedTextField

from appeals.catalog.models import DenialType, Drug, Payer, PlanType
from appeals.core import phi
from appeals.core.tokens import lookup_digest, new_link_token
from appeals.intake.answers import CaseAnswers, CriteriaAnswers, StepAnswers, UnlistedNames, stored_step

CASE_LIFETIME = datetime.timedelta(days=30)
OFFICE_LINK_LIFETIME = datetime.timedelta(days=14)
DRAFTS = "_drafts"  # answers key for typed-but-invalid steps


class CaseQuerySet(models.QuerySet):
    def by_token(self, token: str) -> Case | None:
        """The open case a link token belongs to, or None: the person's own link, or
        the office's link to the clinical part while it is neither revoked nor expired
        (``case.opened_by_office`` says which).  The token is compared as its digest
        through the unique indexes."""
        digest = lookup_digest(token)
        if digest is None:
            return None
        now = timezone.now()
        case = self.filter(token_hash=digest, expires_at__gt=now).first()
        if case is not None:
            case.opened_by_office = False
            return case
        case = self.filter(office_token_hash=digest, office_link_expires_at__gt=now, expires_at__gt=now).first()
        if case is not None:
            case.opened_by_office = True
        return case


class Case(models.Model):
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    drug = models.ForeignKey(Drug, on_delete=models.PROTECT, related_name="cases")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="cases")
    denial_type = models.ForeignKey(DenialType, on_delete=models.PROTECT, related_name="cases")
    promo_code = models.CharField(max_length=40, blank=True)
    answers_encrypted = EncryptedTextField(default="{}", editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(help_text="The link stops working after this; each saved step moves it on.")
    purged_at = models.DateTimeField(
        null=True, blank=True, help_text="When its patient data was deleted (appeals.delivery.retention)."
    )
    appeal_decided_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date printed on the plan's decision on the appeal, as the person recorded it on the status "
        "page; the next level's deadline counts from it (until then it is shown only in words).",
    )
    appeal_received_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the plan (or reviewer) received the request now pending, as the person recorded it when "
        "marking it sent; the decision's deadline counts from it.",
    )
    keep_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The person asked to keep the case while the appeal runs: its patient data is not deleted before "
        "this (appeals.delivery.retention).",
    )

    class ClinicalBy(models.TextChoices):
        UNDECIDED = "", "Not chosen yet"
        PATIENT = "patient", "The person filling in the case"
        OFFICE = "office", "The prescriber's office, through its own link"

    clinical_by = models.CharField(
        max_length=10, choices=ClinicalBy.choices, default="", blank=True,
        help_text="Who answers the clinical part (diagnosis, treatments, criteria, prescriber's details).",
    )  # fmt: skip
    office_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    office_link_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="The office's link stops working after this (or when revoked)."
    )
    office_link_emailed_at = models.DateTimeField(null=True, blank=True)
    office_revoked_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person stopped the office's link: the office is then sent nothing more."
    )
    clinical_done_notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person was told the office had finished the clinical part."
    )

    objects = CaseQuerySet.as_manager()
    # Set by ``Case.objects.by_token``: whether the case was opened through the office's link.
    opened_by_office = False

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # Never a patient detail: this string reaches admin lists and logs.
        return f"Case {self.pk} ({self.drug} × {self.payer} × {self.denial_type})"

    @classmethod
    def open(
        cls,
        *,
        drug: Drug,
        payer: Payer,
        denial_type: DenialType,
        promo_code: str = "",
        unlisted: UnlistedNames | None = None,
    ) -> tuple[Case, str]:
        """A new case and its link token (shown once; only its digest is kept).  A drug or
        insurer outside the catalog is the stand-in row, with the typed name in ``unlisted``."""
        token, digest = new_link_token()
        case = cls.objects.create(
            token_hash=digest,
            drug=drug,
            payer=payer,
            denial_type=denial_type,
            promo_code=promo_code,
            expires_at=timezone.now() + CASE_LIFETIME,
        )
        if unlisted is not None and (unlisted.drug_name or unlisted.payer_name):
            case.save_step("unlisted", unlisted)
        return case, token

    @property
    def drug_name(self) -> str:
        """The drug as pages and letters name it: the catalog's, or as typed when outside it."""
        return self.typed_answers.unlisted.drug_name if self.drug.is_unlisted else self.drug.name

    @property
    def payer_name(self) -> str:
        return self.typed_answers.unlisted.payer_name if self.payer.is_unlisted else self.payer.name

    @property
    def outside_catalog(self) -> bool:
        return self.drug.is_unlisted or self.payer.is_unlisted

    def letter_drug(self) -> Drug:
        """The drug the letter is about: outside the catalog, an unsaved row carrying only the
        typed name, so no catalog fact (label dose, approval date, codes) is ever printed for it."""
        return Drug(slug=self.drug.slug, name=self.drug_name) if self.drug.is_unlisted else self.drug

    def letter_payer(self) -> Payer:
        """Outside the catalog: the typed name only; the address and fax come from the notice."""
        return Payer(slug=self.payer.slug, name=self.payer_name) if self.payer.is_unlisted else self.payer

    def open_office_link(self) -> str:
        """A new link for the prescriber's office to complete the clinical part; any
        earlier office link stops working.  The token is shown once; only its digest is kept."""
        token, digest = new_link_token()
        self.office_token_hash = digest
        self.office_link_expires_at = timezone.now() + OFFICE_LINK_LIFETIME
        self.clinical_by = self.ClinicalBy.OFFICE
        self.clinical_done_notified_at = None
        self.office_revoked_at = None
        self.save(
            update_fields=[
                "office_token_hash",
                "office_link_expires_at",
                "clinical_by",
                "clinical_done_notified_at",
                "office_revoked_at",
                "updated_at",
            ]
        )
        return token

    def revoke_office_link(self, *, by_person: bool = True) -> None:
        """The office's link stops working.  Stopped by the person, the office is also sent
        nothing more (no share link when the letter is ready); closed at payment, it is."""
        self.office_token_hash = None
        self.office_link_expires_at = None
        fields = ["office_token_hash", "office_link_expires_at", "updated_at"]
        if by_person and self.clinical_by == self.ClinicalBy.OFFICE:
            self.office_revoked_at = timezone.now()
            fields.append("office_revoked_at")
        self.save(update_fields=fields)

    @property
    def office_link_expiry(self):
        """When the office's link stops working: its own expiry, or the case's if sooner."""
        if self.office_link_expires_at is None:
            return self.expires_at
        return min(self.expires_at, self.office_link_expires_at)

    @property
    def office_link_open(self) -> bool:
        return (
            bool(self.office_token_hash)
            and self.office_link_expires_at is not None
            and self.office_link_expires_at > timezone.now()
        )

    def choose_clinical_by(self, who: str) -> None:
        self.clinical_by = who
        self.save(update_fields=["clinical_by", "updated_at"])

    def mark(self, field: str) -> None:
        """Record when something was sent (``office_link_emailed_at``, ``clinical_done_notified_at``)."""
        setattr(self, field, timezone.now())
        self.save(update_fields=[field, "updated_at"])

    @property
    def answers(self) -> dict:
        """A fresh copy of every answer (the field holds them decrypted once loaded)."""
        answers = json.loads(self.answers_encrypted or "{}")
        # Whatever is logged while this request or task runs is scrubbed of these.
        phi.remember(answers)
        return answers

    def has_answered(self, step: str) -> bool:
        """Whether the step was saved (a draft is not an answer)."""
        return self.answers.get(step) is not None

    def step_answers(self, step: str) -> dict | None:
        """One step as stored, for checks of what is stored; the app reads ``typed_answers``."""
        return self.answers.get(step)

    def purge(self, now: datetime.datetime) -> None:
        """Retention: the answers are deleted and the link stops working.  The
        caller holds the row lock (``appeals.delivery.retention.purge_case``)."""
        self.answers_encrypted = "{}"
        self.appeal_decided_on = None
        self.appeal_received_on = None
        self.keep_until = None
        self.purged_at = now
        self.expires_at = now
        self.office_token_hash = None
        self.office_link_expires_at = None
        self.save(
            update_fields=[
                "answers_encrypted", "appeal_decided_on", "appeal_received_on", "keep_until", "purged_at", "expires_at",
                "office_token_hash", "office_link_expires_at", "updated_at",
            ]
        )  # fmt: skip

    def record_appeal_decision(self, decided_on: datetime.date | None) -> None:
        """The date on the plan's decision on the appeal (None clears it)."""
        self.appeal_decided_on = decided_on
        self.save(update_fields=["appeal_decided_on", "updated_at"])

    def answers_digest(self) -> str:
        """A keyed digest of the saved answers (drafts left out): a letter keeps it,
        so a later change of an answer is seen without keeping the answers twice."""
        saved = {step: value for step, value in self.answers.items() if step != DRAFTS}
        return salted_hmac(
            "appeals.case.answers", json.dumps(saved, sort_keys=True, cls=DjangoJSONEncoder), algorithm="sha256"
        ).hexdigest()

    @property
    def typed_answers(self) -> CaseAnswers:
        """The answers through their schema (``appeals.intake.answers``): the way
        everything outside the wizard's forms reads them."""
        return CaseAnswers.from_dict(self.answers)

    def plan_type(self) -> PlanType | None:
        """The plan type chosen on the plan step (``CaseAnswers.plan_type``)."""
        return self.typed_answers.plan_type()

    def draft(self, step: str) -> dict[str, list[str]] | None:
        """What was typed on a step and not yet valid (kept when the person went back)."""
        return self.answers.get(DRAFTS, {}).get(step)

    def save_step(self, step: str, typed: StepAnswers | CriteriaAnswers | list[StepAnswers]) -> None:
        """Store a step's answers, given as its dataclass (``appeals.intake.answers``)."""
        answers = self.answers
        answers[step] = stored_step(step, typed)
        answers.get(DRAFTS, {}).pop(step, None)
        self._store(answers)

    def save_draft(self, step: str, raw: dict[str, list[str]]) -> None:
        answers = self.answers
        answers.setdefault(DRAFTS, {})[step] = raw
        self._store(answers)

    def _store(self, answers: dict) -> None:
        phi.remember(answers)
        self.answers_encrypted = json.dumps(answers, cls=DjangoJSONEncoder)
        self.expires_at = timezone.now() + CASE_LIFETIME
        self.updated_at = timezone.now()
        # Only while the case is not purged: a step saved by a request that
        # read the case before the purge must not write its answers back.
        Case.objects.filter(pk=self.pk, purged_at__isnull=True).update(
            answers_encrypted=self.answers_encrypted, expires_at=self.expires_at, updated_at=self.updated_at
        )
