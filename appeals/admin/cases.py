"""Cases as staff see them: what was asked about, how far it got, and when its
patient data is deleted.  The answers themselves are not shown here; staff
reach a letter's content through its files, and every such access is logged."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format

from appeals.admin.readonly import ReadOnlyAdmin
from appeals.delivery.retention import purge_on
from appeals.models import Case


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "created_at", "updated_at", "orders_display", "purge_on_display", "purged_at")
    list_filter = (("purged_at", admin.EmptyFieldListFilter), "denial_type", "payer", "drug")
    list_select_related = ("drug", "payer", "denial_type")
    date_hierarchy = "created_at"
    fields = ("drug", "payer", "denial_type", "promo_code", "created_at", "updated_at", "expires_at", "orders_display",
              "purge_on_display", "purged_at")  # fmt: skip
    readonly_fields = fields

    @admin.display(description="Orders")
    def orders_display(self, case: Case) -> str:
        return ", ".join(f"{order.public_id} ({order.get_status_display()})" for order in case.orders.all()) or "—"

    @admin.display(description="Patient data deleted on")
    def purge_on_display(self, case: Case) -> str:
        if case.purged_at:
            return "Deleted"
        when = purge_on(case)
        # The day where the site is (TIME_ZONE), as the patient's status page says it, not the UTC day.
        return date_format(timezone.localtime(when), "M j, Y") if when else "After the letter is delivered"
