"""What a letter costs: the list price and the promo codes staff manage.

Amounts are integer cents everywhere; dollars appear only when displayed.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

DEFAULT_LIST_PRICE_CENTS = 4000


def format_cents(cents: int) -> str:
    """4000 → '$40', 2950 → '$29.50'."""
    dollars, remainder = divmod(cents, 100)
    return f"${dollars:,}" if remainder == 0 else f"${dollars:,}.{remainder:02d}"


class Pricing(models.Model):
    """The one row holding the list price and the promotion pages advertise."""

    list_price_cents = models.PositiveIntegerField(
        default=DEFAULT_LIST_PRICE_CENTS,
        validators=[MinValueValidator(100)],
        help_text="Price of one appeal letter, in cents (4000 = $40).",
    )
    advertised_promo = models.ForeignKey(
        "PromoCode",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The code landing pages advertise. Pages show it only while it is valid.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "pricing"
        verbose_name_plural = "pricing"

    def __str__(self) -> str:
        return f"List price {format_cents(self.list_price_cents)}"

    def save(self, *args, **kwargs):
        self.pk = 1  # a single row: every save edits it
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> Pricing:
        pricing = cls.objects.select_related("advertised_promo").filter(pk=1).first()
        return pricing or cls(pk=1)

    @property
    def list_price(self) -> str:
        return format_cents(self.list_price_cents)

    def offer_for(self, code: str, today: datetime.date | None = None) -> Offer | None:
        """The offer a typed code gives today, if it is a current promo.
        (Redemption limits and first-letter checks belong to checkout.)"""
        promo = PromoCode.objects.filter(code__iexact=code.strip()).first() if code.strip() else None
        if promo is None or not promo.is_current(today):
            return None
        return Offer(promo=promo, list_price_cents=self.list_price_cents)

    def advertised_offer(self, today: datetime.date | None = None) -> Offer | None:
        promo = self.advertised_promo
        if promo is None or not promo.is_current(today):
            return None
        return Offer(promo=promo, list_price_cents=self.list_price_cents)


class PromoCode(models.Model):
    class Kind(models.TextChoices):
        FIXED = "fixed", "Fixed amount off"
        PERCENT = "percent", "Percent off"

    code = models.CharField(max_length=40, help_text="What people type; case does not matter.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FIXED)
    amount_off_cents = models.PositiveIntegerField(default=0, help_text="For a fixed discount: cents off (1000 = $10).")
    percent_off = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)], help_text="For a percent discount: 1–100."
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True, help_text="Last day the code works.")
    max_redemptions = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: no limit.")
    first_letter_only = models.BooleanField(default=False, help_text="Only for an email address with no earlier paid letter.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(Lower("code"), name="promo_code_unique_ignoring_case")]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        errors = {}
        self.code = self.code.strip().upper()
        if self.kind == self.Kind.FIXED and not self.amount_off_cents:
            errors["amount_off_cents"] = "Enter the amount off in cents."
        if self.kind == self.Kind.PERCENT and not self.percent_off:
            errors["percent_off"] = "Enter the percent off."
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = "The last valid day cannot be before the first."
        if errors:
            raise ValidationError(errors)

    def is_current(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.active
            and (self.valid_from is None or self.valid_from <= today)
            and (self.valid_until is None or today <= self.valid_until)
        )

    def discount_cents(self, list_price_cents: int) -> int:
        if self.kind == self.Kind.PERCENT:
            # Round half up to the cent, and never more than the price.
            return min(list_price_cents, (list_price_cents * self.percent_off + 50) // 100)
        return min(list_price_cents, self.amount_off_cents)

    def price_cents(self, list_price_cents: int) -> int:
        """The one pricing path: the list price with this code, for the pages'
        offers (``Offer``) and checkout's quotes (``appeals.orders.models.Quote``) alike."""
        return list_price_cents - self.discount_cents(list_price_cents)


class Offer:
    """A promo applied to the list price, as pages show it."""

    def __init__(self, promo: PromoCode, list_price_cents: int):
        self.promo = promo
        self.list_price_cents = list_price_cents
        self.price_cents = promo.price_cents(list_price_cents)

    @property
    def price(self) -> str:
        return format_cents(self.price_cents)

    @property
    def code(self) -> str:
        return self.promo.code

    @property
    def condition(self) -> str:
        return "your first letter" if self.promo.first_letter_only else "your letter"
