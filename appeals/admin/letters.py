from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from appeals.letters.engine import LetterTemplateError, render_letter
from appeals.letters.samples import sample_context
from appeals.letters.variables import variables_help
from appeals.models import DenialType, LetterTemplate, PlanType


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
        """Render against a sample case of every plan type the template covers; refuse it with the reason if any fails."""
        data = super().clean()
        body, denial_type = data.get("body"), data.get("denial_type")
        if not body or denial_type is None:
            return data
        for plan_type in covered_plan_types(data.get("plan_type"), data.get("payer")):
            try:
                render_letter(body, sample_context(denial_type, plan_type, data.get("payer")))
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
    readonly_fields = ("sample_preview",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        denial_type = obj.denial_type if obj else DenialType.objects.first()
        if denial_type is not None:
            form.base_fields["body"].help_text = variables_help(sample_context(denial_type, None))
        return form

    @admin.display(description="Preview with a sample case")
    def sample_preview(self, obj: LetterTemplate) -> str:
        if obj is None or obj.pk is None:
            return "Save the template to see it rendered with a sample case."
        plan_type = obj.plan_type or (obj.payer.plan_types.first() if obj.payer else PlanType.objects.first())
        try:
            html = render_letter(obj.body, sample_context(obj.denial_type, plan_type, obj.payer))
        except LetterTemplateError as exc:
            return format_html("<p class='errornote'>{}</p>", str(exc))
        # Staff-written markup over autoescaped sample data: shown as the letter will look.
        return mark_safe(f"<div style='max-width:50rem;border:1px solid #ccc;padding:1rem;background:#fff'>{html}</div>")
