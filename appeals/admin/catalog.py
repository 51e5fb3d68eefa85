"""Admin for the catalog: the pages staff use to keep drugs, payers, denial
types, plan types, criteria and guides correct."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from appeals.admin.readonly import ReadOnlyAdmin
from appeals.catalog.models import ExceptionGround, IntakeSection
from appeals.models import (
    AppealDeadlineRule,
    AppealInstrument,
    CatalogRequest,
    CriteriaImport,
    Criterion,
    DenialType,
    Drug,
    Guide,
    Payer,
    PlanType,
    ReviewerProfile,
    StateStepTherapyLaw,
)

# A policy link typed without a scheme ("www.cigna.com/...") is an https link.
HTTPS_LINKS = {models.URLField: {"assume_scheme": "https"}}


class AppealDeadlineRuleInline(admin.TabularInline):
    model = AppealDeadlineRule
    extra = 0
    fields = (
        "stage",
        "step",
        "amount",
        "unit",
        "counted_from",
        "receipt_presumption_days",
        "automatic",
        "rolls_forward",
        "citation",
        "verification",
        "explanation",
    )


class AppealInstrumentInline(admin.StackedInline):
    model = AppealInstrument
    extra = 0
    fields = (
        "stage",
        "title",
        "request",
        "reviews_decision",
        "law",
        "decided_by",
        "addressed_to_plan",
        "send_to",
        "person_note",
        "verification",
    )


@admin.register(CatalogRequest)
class CatalogRequestAdmin(ReadOnlyAdmin):
    """Drugs and insurers people started appeals for that the catalog lacks: what to add next."""

    list_display = ("name", "kind", "times_asked", "first_asked_at", "last_asked_at")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(PlanType)
class PlanTypeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "governing_law", "next_level", "state_step_therapy_law_applies", "letter_cites_law", "order")
    list_editable = ("order",)
    list_filter = ("state_step_therapy_law_applies", "letter_cites_law")
    search_fields = ("name", "governing_law")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [AppealInstrumentInline, AppealDeadlineRuleInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "order", "description", "how_to_tell")}),
        ("Appeal route", {"fields": ("governing_law", "first_level_reviewer", "next_level", "state_step_therapy_law_applies")}),
        ("What the letter asserts and attaches", {"fields": ("appeal_rights", "enclosures")}),
        ("Coverage the letter cannot cite", {"fields": ("letter_cites_law", "outside_scope_note")}),
    )


class MemberInline(admin.TabularInline):
    model = Drug
    fk_name = "drug_class"
    extra = 0
    fields = ("name", "slug", "brand_names", "hcpcs_code", "route")
    show_change_link = True
    verbose_name = "member agent"
    verbose_name_plural = "member agents"


@admin.register(Drug)
class DrugAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_LINKS
    list_display = ("name", "kind", "drug_class", "brand_names", "hcpcs_code", "route", "specialty", "guideline_body")
    list_filter = ("kind", "route", "specialty", "guideline_body")
    search_fields = ("name", "slug", "generic_name", "brand_names", "hcpcs_code")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("drug_class",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "drug_class")}),
        ("Product", {"fields": ("generic_name", "brand_names", "route", "typical_dose", "hcpcs_code", "hcpcs_unit")}),
        ("Label", {"fields": ("fda_approval_date", "label_url", "indication")}),
        ("Specialty", {"fields": ("specialty", "guideline_body")}),
    )

    def get_inlines(self, request: HttpRequest, obj: Drug | None):
        # Only a class has members to list.
        return [MemberInline] if obj is not None and obj.is_class else []

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The class picker (autocomplete on drug_class) should offer classes only.
        if request.GET.get("field_name") == "drug_class":
            queryset = queryset.filter(kind=Drug.Kind.CLASS)
        return queryset, may_have_duplicates


@admin.register(Payer)
class PayerAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_LINKS
    list_display = ("name", "appeals_fax", "appeals_phone", "plan_type_names")
    list_filter = ("plan_types",)
    search_fields = ("name", "slug", "aliases")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("plan_types",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "aliases", "plan_types")}),
        ("Appeals contact", {"fields": ("appeals_address", "appeals_fax", "appeals_phone", "coverage_policy_url")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("plan_types")

    @admin.display(description="Plan types")
    def plan_type_names(self, obj: Payer) -> str:
        return ", ".join(plan_type.name for plan_type in obj.plan_types.all())


class DenialTypeForm(forms.ModelForm):
    exception_grounds = forms.MultipleChoiceField(
        choices=ExceptionGround.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    intake_sections = forms.MultipleChoiceField(
        choices=IntakeSection.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Every case also asks plan and denial, patient, diagnosis, requested drug, criteria and prescriber.",
    )

    class Meta:
        model = DenialType
        fields = [
            "name",
            "slug",
            "order",
            "title_phrase",
            "flips_when",
            "typical_wording",
            "exception_grounds",
            "intake_sections",
            "enclosures",
        ]


@admin.register(DenialType)
class DenialTypeAdmin(SimpleHistoryAdmin):
    form = DenialTypeForm
    list_display = ("name", "title_phrase", "order")
    list_editable = ("order",)
    search_fields = ("name", "slug", "title_phrase", "typical_wording")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "order", "title_phrase", "flips_when", "typical_wording")}),
        ("What the case needs", {"fields": ("exception_grounds", "intake_sections", "enclosures", "documentation")}),
    )


class CurrentVersionFilter(admin.SimpleListFilter):
    title = "version"
    parameter_name = "version"

    def lookups(self, request, model_admin):
        return (("latest", "Latest version"), ("retired", "Retired versions"))

    def queryset(self, request, queryset):
        if self.value() == "latest":
            return queryset.latest_versions()
        if self.value() == "retired":
            return queryset.filter(retired_on__isnull=False)
        return queryset


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    """Read-only: criteria, their provenance included, change only through the feed
    (Criteria imports → Import a criteria feed), which keeps every version."""

    formfield_overrides = HTTPS_LINKS
    list_display = (
        "drug",
        "payer",
        "denial_type",
        "position",
        "key",
        "kind",
        "provenance",
        "effective_date",
        "retired_on",
        "source_title",
        "retrieved_on",
        "verified_by",
    )
    list_filter = (CurrentVersionFilter, "provenance", "kind", "denial_type", "payer", "drug")
    search_fields = ("key", "requirement", "evidence", "source_title", "drug__name", "payer__name")
    list_select_related = ("drug", "payer", "denial_type", "verified_by")
    date_hierarchy = "effective_date"
    fieldsets = (
        (None, {"fields": ("drug", "payer", "denial_type", "key", "position", "kind", "requirement", "evidence")}),
        (
            "Where it comes from",
            {
                "fields": ("provenance", "source_title", "source_url", "retrieved_on", "verified_by", "verification_note"),
                "description": "Only a payer's policy criterion (with its address, the day it was read and the staff "
                "account that checked it) is called the payer's; change it by importing a feed.",
            },
        ),
        ("Version", {"fields": ("effective_date", "retired_on", "criteria_import", "created_at")}),
    )


@admin.register(CriteriaImport)
class CriteriaImportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "file_name", "imported_by", "created_count", "retired_count", "unchanged_count")
    search_fields = ("file_name", "sha256")
    change_list_template = "admin/appeals/criteriaimport/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        from django.urls import path

        from appeals.admin.feed_upload import upload_criteria_view

        return [
            path("upload/", self.admin_site.admin_view(upload_criteria_view), name="appeals_criteriaimport_upload"),
        ] + super().get_urls()


class HasCriteriaFilter(admin.SimpleListFilter):
    title = "criteria"
    parameter_name = "has_criteria"

    def lookups(self, request, model_admin):
        return (("yes", "Has current criteria"), ("no", "No current criteria"))

    def queryset(self, request, queryset):
        current = Criterion.objects.latest_versions().filter(
            drug=OuterRef("drug"), payer=OuterRef("payer"), denial_type=OuterRef("denial_type")
        )
        if self.value() == "yes":
            return queryset.filter(Exists(current))
        if self.value() == "no":
            return queryset.filter(~Exists(current))
        return queryset


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(SimpleHistoryAdmin):
    """The name and credentials a staff account signs guides with."""

    formfield_overrides = HTTPS_LINKS
    list_display = ("display_name", "credentials", "user", "profile_url")
    search_fields = ("display_name", "credentials", "user__username", "user__email")
    list_select_related = ("user",)
    fields = ("user", "display_name", "credentials", "profile_url")


@admin.register(Guide)
class GuideAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "published", "is_demo", "reviewer", "reviewed_on", "updated_at", "page_link")
    list_filter = ("published", "is_demo", HasCriteriaFilter, "denial_type", "payer", "drug")
    search_fields = ("drug__name", "payer__name", "denial_type__name", "body")
    list_select_related = ("drug", "payer", "denial_type", "reviewer")
    autocomplete_fields = ("drug", "payer")
    date_hierarchy = "updated_at"
    actions = ["publish", "unpublish"]
    fieldsets = (
        (None, {"fields": ("drug", "payer", "denial_type")}),
        ("Content", {"fields": ("body", "meta_description", "is_demo")}),
        (
            "Review",
            {
                "fields": ("reviewer", "reviewed_on", "published"),
                "description": "The reviewer is a staff account with a reviewer profile (name and credentials); the "
                "page names them only then.",
            },
        ),
    )

    @admin.display(description="Page")
    def page_link(self, guide: Guide) -> str:
        # Staff see an unpublished guide's page as a preview (the public gets a 404).
        label = "View on site" if guide.published else "Preview"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', guide.get_absolute_url(), label)

    @admin.action(description="Publish the selected guides (reviewed ones only)")
    def publish(self, request: HttpRequest, queryset) -> None:
        published = skipped = 0
        # Saved one by one so each change is recorded in the guide's history.
        for guide in queryset.select_related("drug", "payer", "denial_type", "reviewer__reviewer_profile"):
            if not (guide.is_reviewed or guide.is_demo):
                skipped += 1
            elif not guide.published:
                guide.published = True
                guide.save()
                published += 1
        self.message_user(request, f"Published {published} guide(s).")
        if skipped:
            self.message_user(
                request, f"{skipped} guide(s) not published: they have no reviewer or review date.", level="warning"
            )

    @admin.action(description="Unpublish the selected guides")
    def unpublish(self, request: HttpRequest, queryset) -> None:
        unpublished = 0
        for guide in queryset.filter(published=True):
            guide.published = False
            guide.save()
            unpublished += 1
        self.message_user(request, f"Unpublished {unpublished} guide(s).")


@admin.register(StateStepTherapyLaw)
class StateStepTherapyLawAdmin(SimpleHistoryAdmin):
    """A statute version per row: an amendment is "Save as new" with its own effective date, so a
    letter made under the older text can still be explained.  Letters cite only verified rows."""

    formfield_overrides = HTTPS_LINKS
    save_as = True
    list_display = ("citation", "state", "effective_date", "verified", "binds_summary", "denial_types", "retrieved_on")
    list_filter = ("verified", "state", "binds_medicaid_mco", "deemed_approved")
    search_fields = ("citation", "title", "state", "notes")
    date_hierarchy = "effective_date"
    fieldsets = (
        (None, {"fields": ("state", "citation", "title", "effective_date")}),
        (
            "Source (what was read, where and when)",
            {"fields": ("source_url", "retrieved_on", "statute_text_excerpt", "verified", "verified_by", "notes")},
        ),
        (
            "Who and what it binds",
            {
                "fields": (
                    "binds_fully_insured",
                    "binds_individual",
                    "binds_medicaid_mco",
                    "binds_state_employee_plan",
                    "denial_types",
                    "carve_outs",
                ),
                "description": "Never self-funded ERISA plans, Medicare, FEHB, TRICARE or church plans: no state "
                "statute reaches them, whatever it says.",
            },
        ),
        ("Exception grounds, in the statute's terms", {"fields": ("grounds",)}),
        (
            "Response time",
            {
                "fields": (
                    ("standard_clock_amount", "standard_clock_unit"),
                    ("urgent_clock_amount", "urgent_clock_unit"),
                    "clock_subsection",
                    "clock_counted_from",
                    ("deemed_approved", "deemed_approved_subsection"),
                    "exception_form",
                )
            },
        ),
    )

    @admin.display(description="Binds")
    def binds_summary(self, obj: StateStepTherapyLaw) -> str:
        parts = [
            ("insured employer", obj.binds_fully_insured),
            ("individual", obj.binds_individual),
            ("Medicaid MCO", obj.binds_medicaid_mco),
            ("state employees", obj.binds_state_employee_plan),
        ]
        return ", ".join(name for name, bound in parts if bound) or "—"
