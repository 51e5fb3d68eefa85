from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from appeals.admin.letter_preview import (
    FORM_ID,
    PreviewForm,
    may_preview_real_cases,
    preview_frame_view,
    preview_html_view,
    preview_links,
    preview_pdf_view,
)
from appeals.admin.readonly import ReadOnlyAdmin
from appeals.delivery.downloads import FILES, recorded_download
from appeals.letters.engine import LetterTemplateError, compile_letter, render_letter_body
from appeals.letters.samples import sample_context
from appeals.letters.tasks import queue_render
from appeals.letters.variables import variables_help
from appeals.models import DenialType, Letter, LetterAccess, LetterShare, LetterTemplate, PlanType


def covered_plan_types(plan_type, payer) -> list:
    """The plan types a template may be rendered for; None is a case whose plan type is not known."""
    if plan_type is not None:
        return [plan_type]
    plan_types = list(payer.plan_types.all()) if payer is not None else []
    return (plan_types or list(PlanType.objects.all())) + [None]


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["name", "denial_type", "voice", "payer", "plan_type", "active", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "cols": 120, "style": "font-family: monospace"})}

    def clean(self) -> dict:
        """Render against a sample case of every plan type the template covers (each
        render held to the engine's work budget); refuse it with the reason if any fails."""
        data = super().clean()
        body, denial_type = data.get("body"), data.get("denial_type")
        if not body or denial_type is None:
            return data
        try:
            compile_letter(body)
        except LetterTemplateError:
            return data  # the model's clean() says why, once
        for plan_type in covered_plan_types(data.get("plan_type"), data.get("payer")):
            try:
                render_letter_body(body, sample_context(denial_type, plan_type, data.get("payer")))
            except LetterTemplateError as exc:
                where = plan_type.name if plan_type else "a case whose plan type is not known"
                self.add_error("body", f"{exc} (rendering a sample {denial_type.name.lower()} case, {where})")
                break
        return data


@admin.register(LetterTemplate)
class LetterTemplateAdmin(SimpleHistoryAdmin):
    form = LetterTemplateForm
    list_display = ("name", "denial_type", "voice", "payer", "plan_type", "active", "updated_at")
    list_filter = ("voice", "denial_type", "active")
    search_fields = ("name",)
    readonly_fields = ("case_preview", "sample_preview")

    def get_readonly_fields(self, request, obj=None):
        # The list of real cases only for staff allowed to preview them.
        if may_preview_real_cases(request.user):
            return self.readonly_fields
        return ("sample_case_preview", "sample_preview")

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(lambda request, object_id: function(self, request, object_id))

        return [
            path("<path:object_id>/preview/", view(preview_html_view), name="appeals_lettertemplate_preview"),
            path("<path:object_id>/preview/packet/", view(preview_frame_view), name="appeals_lettertemplate_preview_frame"),
            path("<path:object_id>/preview.pdf", view(preview_pdf_view), name="appeals_lettertemplate_preview_pdf"),
        ] + super().get_urls()

    @admin.display(description="Preview with a case")
    def case_preview(self, obj: LetterTemplate) -> str:
        return preview_choice(obj, real_cases=True)

    @admin.display(description="Preview with a case")
    def sample_case_preview(self, obj: LetterTemplate) -> str:
        return preview_choice(obj, real_cases=False)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        denial_type = obj.denial_type if obj else DenialType.objects.first()
        # A view-only user's form has no body field: every field is read-only.
        if denial_type is not None and "body" in form.base_fields:
            form.base_fields["body"].help_text = variables_help(sample_context(denial_type, None))
        return form

    @admin.display(description="Preview with a sample case")
    def sample_preview(self, obj: LetterTemplate) -> str:
        if obj is None or obj.pk is None:
            return "Save the template to see it rendered with a sample case."
        plan_type = obj.plan_type or (obj.payer.plan_types.first() if obj.payer else PlanType.objects.first())
        try:
            html = render_letter_body(obj.body, sample_context(obj.denial_type, plan_type, obj.payer))
        except LetterTemplateError as exc:
            return format_html("<p class='errornote'>{}</p>", str(exc))
        # Staff-written markup over autoescaped sample data: shown as the letter will look.
        return mark_safe(f"<div class='letter-sample-preview'>{html}</div>")


def preview_choice(obj: LetterTemplate | None, *, real_cases: bool) -> str:
    if obj is None or obj.pk is None:
        return "Save the template to preview it with a sample or a real case."
    form = PreviewForm(obj, attrs={"form": FORM_ID}, real_cases=real_cases)
    links = preview_links(obj)
    note = (
        "Real cases (paid ones only) are listed by number; each preview is recorded in the letter's access log."
        if real_cases
        else "Previewing real cases needs the permission to do so."
    )
    return format_html(
        "<div>{} {} "
        '<button type="submit" form="{}" formaction="{}" formtarget="_blank">Show the packet</button> '
        '<button type="submit" form="{}" formaction="{}" formtarget="_blank">Open the PDF</button></div>'
        "<p class='help'>Renders the saved template. {}</p>",
        form["source"],
        form["plan_type"],
        FORM_ID,
        links["html"],
        FORM_ID,
        links["pdf"],
        note,
    )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class LetterShareInline(ReadOnlyInline):
    """The office links the person made; staff can see them, not open them."""

    model = LetterShare
    fields = ("created_at", "expires_at", "revoked_at", "opens")
    readonly_fields = fields

    @admin.display(description="Times opened")
    def opens(self, obj: LetterShare) -> int:
        return obj.opens()


class LetterAccessInline(ReadOnlyInline):
    """The audit log: every page view and download, by whom and through what."""

    model = LetterAccess
    fields = ("at", "who", "user", "share_id", "what")
    readonly_fields = fields
    verbose_name_plural = "Access log"


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """Letters as staff look after them: state, attempts, timing, and a retry
    for the failed ones.  No patient detail shows here."""

    list_display = (
        "__str__", "status", "case_id", "version", "template", "attempts", "page_count", "render_ms", "created_at", "ready_at"
    )  # fmt: skip
    list_filter = ("status",)
    list_select_related = ("template",)
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    fields = (
        "status",
        "case",
        "version",
        "template",
        "template_version",
        "attempts",
        "lost_renders",
        "page_count",
        "render_ms",
        "created_at",
        "queued_at",
        "rendering_started_at",
        "ready_at",
        "failure_reason",
        "files",
    )
    readonly_fields = fields
    inlines = [LetterShareInline, LetterAccessInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        letter = Letter.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if letter is not None and response.status_code == 200:
            LetterAccess.record(letter, LetterAccess.Who.STAFF, LetterAccess.What.PAGE, user=request.user)
        return response

    def get_urls(self):
        urls = [
            path(
                "<int:letter_id>/file/<slug:kind>/",
                self.admin_site.admin_view(self.download),
                name="appeals_letter_download",
            )
        ]
        return urls + super().get_urls()

    @admin.display(description="Files")
    def files(self, obj: Letter) -> str:
        if obj is None or obj.status != Letter.Status.READY:
            return "None yet."
        links = [("pdf", "PDF packet")] + ([("docx", "Word letter")] if obj.docx_file else [])
        return format_html_join(
            " · ",
            "<a href='{}'>{}</a>",
            ((reverse("admin:appeals_letter_download", args=[obj.pk, kind]), label) for kind, label in links),
        )

    def download(self, request, letter_id: int, kind: str):
        """A staff download of a letter's file, recorded with who took it."""
        if not self.has_view_permission(request) or kind not in FILES:
            raise PermissionDenied
        letter = get_object_or_404(Letter, pk=letter_id, status=Letter.Status.READY)
        return recorded_download(letter, kind, LetterAccess.Who.STAFF, user=request.user)

    def has_add_permission(self, request) -> bool:
        return False  # letters come from paid orders

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Retry the selected failed letters")
    def retry_failed(self, request, queryset) -> None:
        retried = 0
        for letter in queryset.filter(status=Letter.Status.FAILED):
            if letter.retry():
                queue_render(letter)
                retried += 1
        skipped = queryset.count() - retried
        self.message_user(
            request,
            f"{retried} letter(s) queued again." + (f" {skipped} were not failed and were left alone." if skipped else ""),
        )


@admin.register(LetterAccess)
class LetterAccessAdmin(ReadOnlyAdmin):
    """The whole audit log, to answer "who opened what, when" across letters."""

    list_display = ("at", "letter", "who", "user", "share_id", "what")
    list_filter = ("who", "what", "at")
    list_select_related = ("letter", "user")
    date_hierarchy = "at"
    search_fields = ("=letter__id", "user__username")
