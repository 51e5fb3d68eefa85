"""What a ready letter is opened through, and the record of every opening:
share links for the prescriber's office (made and revoked from the status
page, capped, expiring) and the access log of every page and file."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from encrypted_fields.fields import EncryptedTextField

from appeals.core.tokens import lookup_digest, new_link_token
from appeals.letters.models import Letter


class LetterAccess(models.Model):
    """Every time a letter or its files are opened: by the person who ordered it
    (through the status link), by an office (through a share link) or by
    staff (in admin, or previewing a letter template with the letter's case).  Kept without patient data, for as long as the letter."""

    class Who(models.TextChoices):
        OWNER = "owner", "Status link"
        SHARE = "share", "Share link"
        STAFF = "staff", "Staff"
        PREVIEW = "preview", "Staff template preview"
        PRACTICE = "practice", "A practice's member"

    class What(models.TextChoices):
        PAGE = "page", "Opened the page"
        PDF = "pdf", "Downloaded the PDF"
        DOCX = "docx", "Downloaded the Word file"
        ICS = "ics", "Downloaded the calendar file"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="accesses")
    who = models.CharField(max_length=10, choices=Who.choices)
    what = models.CharField(max_length=10, choices=What.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    share_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="The share link used, if any.")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "letter accesses"

    def __str__(self) -> str:
        return f"{self.get_what_display()} via {self.get_who_display().lower()}"

    @classmethod
    def record(cls, letter: Letter, who: str, what: str, *, user=None, share_id: int | None = None) -> None:
        cls.objects.create(
            letter=letter, who=who, what=what, user=user if user and user.is_authenticated else None, share_id=share_id
        )


SHARE_LIFETIME_CHOICES = (7, 14, 30)  # days a share link may be made to last
SHARES_PER_LETTER = 10  # links alive at once for one letter


class ShareLimitReached(Exception):
    def __init__(self) -> None:
        super().__init__(f"This letter already has {SHARES_PER_LETTER} working share links. Revoke one to make another.")


class LetterShareQuerySet(models.QuerySet):
    def active(self) -> LetterShareQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def by_token(self, token: str) -> LetterShare | None:
        """The share a link token belongs to, live or not (the caller tells
        the office which), or None.  Looked up by digest through the unique index."""
        digest = lookup_digest(token)
        if digest is None:
            return None
        return self.select_related("letter").filter(token_hash=digest).first()


class LetterShare(models.Model):
    """A link for the prescriber's office: the case summary and the letter's
    files, without the order or the payment.  The person who ordered the
    letter makes it from the status page, can revoke it, and it expires.
    Like the status link, 256 random bits of which the database keeps the
    digest for the lookup and an encrypted copy so its owner can copy it again."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="shares")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_encrypted = EncryptedTextField(editable=False)
    label_encrypted = EncryptedTextField(null=True, blank=True, default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = LetterShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Share link {self.pk} of letter {self.letter_id}"

    @classmethod
    def make(cls, letter: Letter, *, days: int, label: str = "") -> LetterShare:
        """A new link, unless the letter has SHARES_PER_LETTER live ones
        (``ShareLimitReached``).  The letter's row is locked while counting, so
        two requests at once cannot both make the last one."""
        token, digest = new_link_token()
        with transaction.atomic():
            Letter.objects.select_for_update().filter(pk=letter.pk).first()
            if cls.objects.filter(letter=letter).active().count() >= SHARES_PER_LETTER:
                raise ShareLimitReached
            return cls.objects.create(
                letter=letter,
                token_hash=digest,
                token_encrypted=token,
                label_encrypted=label.strip()[:100],
                expires_at=timezone.now() + datetime.timedelta(days=days),
            )

    @property
    def token(self) -> str:
        return self.token_encrypted

    @property
    def label(self) -> str:
        return self.label_encrypted or ""

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def path(self) -> str:
        return reverse("letter_shared", kwargs={"token": self.token})

    def opens(self) -> int:
        # Every version of the letter the link opened (it opens the newest).
        return LetterAccess.objects.filter(who=LetterAccess.Who.SHARE, share_id=self.pk).count()
