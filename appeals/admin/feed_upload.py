"""Admin page to upload a criteria feed file, with a dry run first."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from appeals.catalog.criteria_import import FeedRejected, import_criteria
from appeals.catalog.models import CriteriaImport


class CriteriaUploadForm(forms.Form):
    file = forms.FileField(help_text="A .csv or .json criteria feed (format: docs/criteria-feed.md).")
    dry_run = forms.BooleanField(required=False, initial=True, label="Dry run: check and show the changes without saving")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".json")):
            raise forms.ValidationError("Upload a .csv or .json file.")
        if upload.size > settings.CRITERIA_FEED_MAX_BYTES:
            raise forms.ValidationError(f"The file is {upload.size:,} bytes; the limit is {settings.CRITERIA_FEED_MAX_BYTES:,}.")
        return upload


@permission_required("appeals.add_criterion", raise_exception=True)
def upload_criteria_view(request: HttpRequest) -> HttpResponse:
    result = problems = None
    if request.method == "POST":
        form = CriteriaUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_criteria(upload.name, upload.read(), dry_run=form.cleaned_data["dry_run"], user=request.user)
            except FeedRejected as exc:
                problems = exc.problems
            else:
                if not result.dry_run:
                    messages.success(request, f"{upload.name}: {result.summary()}")
                    return redirect("admin:appeals_criteriaimport_changelist")
    else:
        form = CriteriaUploadForm()
    context = {
        **admin.site.each_context(request),
        "title": "Import a criteria feed",
        "form": form,
        "result": result,
        "problems": problems,
        "opts": _opts(),
    }
    return TemplateResponse(request, "admin/appeals/criteriaimport/upload.html", context)


def _opts():
    return CriteriaImport._meta
