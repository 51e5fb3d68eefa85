"""Admin for the list price and promo codes."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from appeals.catalog.pricing import format_cents
from appeals.models import Pricing, PromoCode, PromoRedemption


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
    list_display = (
        "code", "discount", "valid_from", "valid_until", "redemptions", "max_redemptions", "first_letter_only", "active",
    )  # fmt: skip
    list_filter = ("active", "first_letter_only", "kind")
    search_fields = ("code",)
    readonly_fields = ("redemptions",)
    fields = (
        "code",
        "kind",
        "amount_off_cents",
        "percent_off",
        ("valid_from", "valid_until"),
        ("max_redemptions", "redemptions"),
        "first_letter_only",
        "active",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Redemptions are the uses max_redemptions limits: orders paid, and orders
        # being paid (reserved), never those cancelled or failed.
        live = ~Q(redemptions__state=PromoRedemption.State.RELEASED)
        return super().get_queryset(request).annotate(redemption_count=Count("redemptions", filter=live))

    @admin.display(description="Redemptions (paid or being paid)", ordering="redemption_count")
    def redemptions(self, promo: PromoCode) -> int:
        count = getattr(promo, "redemption_count", None)
        if count is None:  # the add page's new code, not from the annotated list
            count = promo.redemptions.live().count() if promo.pk else 0
        return count

    @admin.display(description="Discount")
    def discount(self, promo: PromoCode) -> str:
        if promo.kind == PromoCode.Kind.PERCENT:
            return f"{promo.percent_off}% off"
        return f"{format_cents(promo.amount_off_cents)} off"
