"""Admin for the list price and promo codes."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from appeals.models import Pricing, PromoCode
from appeals.models.pricing import format_cents


@admin.register(Pricing)
class PricingAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "advertised_promo", "updated_at")
    fields = ("list_price_cents", "advertised_promo")

    def has_add_permission(self, request):
        # One row holds the price; the seed migration creates it.
        return not Pricing.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PromoCode)
class PromoCodeAdmin(SimpleHistoryAdmin):
    list_display = ("code", "discount", "valid_from", "valid_until", "max_redemptions", "first_letter_only", "active")
    list_filter = ("active", "first_letter_only", "kind")
    search_fields = ("code",)
    fields = (
        "code",
        "kind",
        "amount_off_cents",
        "percent_off",
        ("valid_from", "valid_until"),
        "max_redemptions",
        "first_letter_only",
        "active",
    )

    @admin.display(description="Discount")
    def discount(self, promo: PromoCode) -> str:
        if promo.kind == PromoCode.Kind.PERCENT:
            return f"{promo.percent_off}% off"
        return f"{format_cents(promo.amount_off_cents)} off"
