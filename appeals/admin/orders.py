"""Admin for orders and the Stripe events handled.

Lists show money and states only, never a patient detail.  An order's money
and state are read-only: they change through payments (``Order.mark_paid`` and
the rest), never by typing, and refunds are made in Stripe's dashboard.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from appeals.admin.readonly import ReadOnlyAdmin
from appeals.catalog.pricing import format_cents
from appeals.models import Order, ProcessedEvent


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = (
        "public_id",
        "status",
        "amount_display",
        "list_price_display",
        "discount_display",
        "promo_code",
        "provider",
        "created_at",
        "paid_at",
    )
    list_filter = ("status", "provider", "promo", "created_at", "paid_at")
    search_fields = ("public_id", "stripe_session_id", "stripe_payment_intent")
    search_help_text = "An order id, a Stripe session or payment id, or the exact email address."
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("public_id", "status", "problem", "provider", "email", "letter_link")}),
        ("Money (cents)", {"fields": ("list_price_cents", "discount_cents", "amount_cents", "currency", "promo", "promo_code")}),
        ("Stripe", {"fields": ("stripe_session_id", "stripe_payment_intent", "stripe_session_expires_at")}),
        ("Dates", {"fields": ("created_at", "paid_at", "closed_at", "updated_at")}),
    )
    readonly_fields = (
        "public_id", "status", "problem", "provider", "email", "letter_link", "list_price_cents", "discount_cents",
        "amount_cents", "currency", "promo", "promo_code", "stripe_session_id", "stripe_payment_intent",
        "stripe_session_expires_at", "created_at", "paid_at", "closed_at", "updated_at",
    )  # fmt: skip

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        # The address is stored encrypted: an exact address is found through its digest.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if "@" in search_term:
            found = found | queryset.for_email(search_term)
        return found, may_have_duplicates

    @admin.display(description="Amount", ordering="amount_cents")
    def amount_display(self, order: Order) -> str:
        return format_cents(order.amount_cents)

    @admin.display(description="List price", ordering="list_price_cents")
    def list_price_display(self, order: Order) -> str:
        return format_cents(order.list_price_cents)

    @admin.display(description="Discount", ordering="discount_cents")
    def discount_display(self, order: Order) -> str:
        return format_cents(order.discount_cents) if order.discount_cents else "—"

    @admin.display(description="Letter")
    def letter_link(self, order: Order) -> str:
        return str(order.letter) if order.letter_id else "—"


@admin.register(ProcessedEvent)
class ProcessedEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "type", "result", "order", "received_at")
    list_filter = ("type", "result")
    search_fields = ("event_id", "order__public_id")
    date_hierarchy = "received_at"
    fields = ("event_id", "type", "result", "order", "received_at")
    readonly_fields = fields
