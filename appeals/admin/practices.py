"""Practices, their members and packs, for staff (read only: practices manage themselves)."""

from __future__ import annotations

from django.contrib import admin

from appeals.admin.readonly import ReadOnlyAdmin
from appeals.models import AuditEntry, Membership, PackPurchase, Practice


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "joined_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Practice)
class PracticeAdmin(ReadOnlyAdmin):
    list_display = ("name", "letters_left", "created_at")
    search_fields = ("name",)
    inlines = [MembershipInline]


@admin.register(PackPurchase)
class PackPurchaseAdmin(ReadOnlyAdmin):
    list_display = ("practice", "letters", "amount_cents", "status", "created_at", "paid_at")
    list_filter = ("status",)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "practice", "user", "action", "case", "detail")
    list_filter = ("action", "practice")
