"""Outcomes staff read and export, and the reminders sent (neither holds patient data)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from appeals.admin.readonly import ReadOnlyAdmin
from appeals.models import Outcome, Reminder
from appeals.tracking.models import Answer
from appeals.tracking.outcomes import outcomes_csv


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdmin):
    list_display = ("drug", "payer", "denial_type", "plan_type", "level", "result", "year")
    list_filter = ("result", "year", "level", "denial_type", "plan_type", "payer")
    search_fields = ("drug__name", "payer__name")
    actions = ["export_csv"]

    @admin.action(description="Export the selected outcomes as CSV")
    def export_csv(self, request: HttpRequest, queryset) -> HttpResponse:
        return _csv_response(outcomes_csv(queryset))

    def get_urls(self):
        own = [
            path("table/", self.admin_site.admin_view(self.table_view), name="appeals_outcome_table"),
            path("export.csv", self.admin_site.admin_view(self.export_view), name="appeals_outcome_export"),
        ]
        return own + super().get_urls()

    def export_view(self, request: HttpRequest) -> HttpResponse:
        return _csv_response(outcomes_csv(Outcome.objects.all()))

    def table_view(self, request: HttpRequest) -> TemplateResponse:
        """Counts by drug × payer × denial type: what the public pages may show, and what not yet."""
        rows = (
            Outcome.objects.values("drug__name", "payer__name", "denial_type__name")
            .annotate(
                total=Count("pk"),
                approved=Count("pk", filter=Q(result=Answer.APPROVED)),
                partly=Count("pk", filter=Q(result=Answer.PARTLY)),
                upheld=Count("pk", filter=Q(result=Answer.UPHELD)),
            )
            .order_by("-total", "drug__name", "payer__name")
        )
        context = {**self.admin_site.each_context(request), "title": "Outcomes by drug, payer and denial type", "rows": rows}
        return TemplateResponse(request, "admin/appeals/outcome_table.html", context)


def _csv_response(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appeal-outcomes.csv"'
    return response


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "level", "about", "claimed_at", "sent_at")
    list_filter = ("kind", "sent_at")
