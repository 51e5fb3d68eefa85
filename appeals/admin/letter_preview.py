"""Staff preview of a letter template: the packet for a sample case or a real
case of the template's denial type, as HTML or as the PDF.

Anyone who may view letter templates may preview them with a sample case.  A
real case is patient data: it is offered only to staff with the
``appeals.preview_real_case`` permission, only once paid for (so it has a
letter, whose access log records every preview with the staff user) and
never after its data was purged.

Only a case's primary key travels in the URL; what the preview shows comes
from the case's encrypted answers, and nothing of it is logged.
"""

from __future__ import annotations

import json
import logging

from csp.constants import SELF
from csp.decorators import csp_replace
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin

from appeals.intake.answers import with_plan_type
from appeals.letters.engine import LetterTemplateError
from appeals.letters.packet import Packet, case_packet, packet_from_context, packet_pdf
from appeals.letters.samples import sample_context
from appeals.models import Case, Letter, LetterAccess, LetterTemplate, Order, PlanType

logger = logging.getLogger(__name__)

SAMPLE = "sample"
CASE_CHOICES_SHOWN = 50
FORM_ID = "letter-preview"
REAL_CASE_PERMISSION = "appeals.preview_real_case"


def may_preview_real_cases(user) -> bool:
    return user.has_perm(REAL_CASE_PERMISSION)


def preview_cases(template: LetterTemplate):
    """The paid, unpurged cases of the template's denial type (and payer), newest first."""
    cases = (
        Case.objects.filter(
            denial_type=template.denial_type,
            purged_at__isnull=True,
            orders__status=Order.Status.PAID,
            orders__letter__isnull=False,
        )
        .distinct()
        .select_related("drug", "payer")
    )
    if template.payer_id:
        cases = cases.filter(payer_id=template.payer_id)
    return cases.order_by("-created_at")[:CASE_CHOICES_SHOWN]


def case_label(case: Case) -> str:
    # No patient detail: staff pick a case by number, date and catalog choice.
    return f"Case {case.pk}, created {timezone.localtime(case.created_at):%Y-%m-%d %H:%M} ({case.drug} × {case.payer})"


class PreviewForm(forms.Form):
    source = forms.ChoiceField(label="Case")
    plan_type = forms.ModelChoiceField(
        PlanType.objects.all(),
        required=False,
        label="Plan type",
        empty_label="The case's own (a sample: the template's or the first it covers)",
    )

    def __init__(self, template: LetterTemplate, *args, real_cases: bool = False, attrs: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.cases = {str(case.pk): case for case in preview_cases(template)} if real_cases else {}
        self.fields["source"].choices = [(SAMPLE, "A sample case (made up)")] + [
            (pk, case_label(case)) for pk, case in self.cases.items()
        ]
        for field in self.fields.values():
            field.widget.attrs.update(attrs or {})

    def chosen_letter(self) -> Letter | None:
        """The paid letter of the chosen real case (what a preview is recorded
        against), or None for a sample."""
        source = self.cleaned_data["source"]
        if source == SAMPLE:
            return None
        return Letter.objects.filter(case=self.cases[source], order__status=Order.Status.PAID).order_by("-created_at").first()

    def packet(self) -> Packet:
        """Raises LetterTemplateError when the template cannot render the chosen case."""
        plan_type = self.cleaned_data["plan_type"]
        source = self.cleaned_data["source"]
        if source == SAMPLE:
            plan_type = plan_type or self.template.plan_type or default_plan_type(self.template)
            context = sample_context(self.template.denial_type, plan_type, self.template.payer)
            return packet_from_context(context, self.template.body, voice=self.template.voice)
        case = self.cases[source]
        logger.info("staff previewed a letter template with a case", extra={"case_id": case.pk, "template_id": self.template.pk})
        return case_packet(case_with_plan_type(case, plan_type), self.template, today=timezone.localdate())


def default_plan_type(template: LetterTemplate) -> PlanType | None:
    if template.payer is not None:
        return template.payer.plan_types.first()
    return PlanType.objects.first()


def case_with_plan_type(case: Case, plan_type: PlanType | None) -> Case:
    """The case as if its plan type were another: an unsaved copy, so the preview never changes the case."""
    if plan_type is None:
        return case
    answers = with_plan_type(case.answers, plan_type.slug)
    return Case(
        pk=case.pk,
        # The saved rows (the stand-ins outside the catalog): the letter's context swaps in the typed names.
        drug=case.drug,
        payer=case.payer,
        denial_type=case.denial_type,
        created_at=case.created_at,
        answers_encrypted=json.dumps(answers),
    )


def preview_links(template: LetterTemplate) -> dict[str, str]:
    return {
        "html": reverse("admin:appeals_lettertemplate_preview", args=[template.pk]),
        "pdf": reverse("admin:appeals_lettertemplate_preview_pdf", args=[template.pk]),
        "frame": reverse("admin:appeals_lettertemplate_preview_frame", args=[template.pk]),
    }


def _template_for(model_admin, request: HttpRequest, object_id: str) -> LetterTemplate:
    template = model_admin.get_object(request, object_id)
    if template is None:
        raise Http404("No such letter template.")
    if not model_admin.has_view_permission(request, template):
        raise PermissionDenied
    return template


def _page(model_admin, request, template, form, *, packet=None, error="", status=200) -> TemplateResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": LetterTemplate._meta,
        "original": template,
        "title": f"Preview: {template.name}",
        "form": form,
        "packet": packet,
        "error": error,
        "links": preview_links(template),
    }
    response = TemplateResponse(request, "admin/appeals/lettertemplate/preview.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _chosen_packet(model_admin, request: HttpRequest, object_id: str) -> tuple[LetterTemplate, PreviewForm, Packet | None, str]:
    """The template, the preview form, and the packet for the chosen case, or
    the reason there is none ("" when the form itself is invalid)."""
    template = _template_for(model_admin, request, object_id)
    real_cases = may_preview_real_cases(request.user)
    if request.GET.get("source", SAMPLE) != SAMPLE and not real_cases:
        raise PermissionDenied
    form = PreviewForm(template, request.GET or {"source": SAMPLE}, real_cases=real_cases)
    if not form.is_valid():
        return template, form, None, ""
    try:
        return template, form, form.packet(), ""
    except LetterTemplateError as exc:
        return template, form, None, str(exc)


CHOOSE_A_CASE = "Choose a case from the list."


def record_real_case_view(request: HttpRequest, form: PreviewForm, what: str) -> None:
    """A real case's packet is about to be shown: its letter's access log
    records it with the staff user, before any of it leaves the server."""
    letter = form.chosen_letter()
    if letter is not None:
        LetterAccess.record(letter, LetterAccess.Who.PREVIEW, what, user=request.user)


def preview_html_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """The form and a frame around the packet.  The packet itself is served by
    the frame view, which is what records a real case's preview."""
    template, form, packet, error = _chosen_packet(model_admin, request, object_id)
    if packet is None and not error:
        return _page(model_admin, request, template, form, error=CHOOSE_A_CASE, status=400)
    return _page(model_admin, request, template, form, packet=packet, error=error)


@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def preview_frame_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """The packet's HTML alone, for the preview page's frame: the one page that
    may be framed, and only by this site."""
    _, form, packet, error = _chosen_packet(model_admin, request, object_id)
    if packet is None:
        reason = f"This template cannot render the chosen case: {error}" if error else CHOOSE_A_CASE
        return HttpResponse(reason, status=422 if error else 400, content_type="text/plain")
    record_real_case_view(request, form, LetterAccess.What.PAGE)
    response = HttpResponse(packet.preview_html())
    response["Cache-Control"] = "no-store"
    return response


def preview_pdf_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    template, form, packet, error = _chosen_packet(model_admin, request, object_id)
    if packet is None:
        return _page(model_admin, request, template, form, error=error or CHOOSE_A_CASE, status=422 if error else 400)
    pdf = packet_pdf(packet)
    record_real_case_view(request, form, LetterAccess.What.PDF)
    response = HttpResponse(pdf.data, content_type="application/pdf")
    # A name without patient data: browsers and download folders keep it.
    response["Content-Disposition"] = f'inline; filename="letter-template-{template.pk}-preview.pdf"'
    response["Cache-Control"] = "no-store"
    return response
