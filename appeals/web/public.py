"""The public catalog pages: home with search, one landing page per published
drug × payer × denial type, the drug, payer and denial-type hubs, robots.txt.

A combination without a published Guide answers 404 and is absent from the
sitemap: the index holds only pages a reviewer has signed off, never a thin
generated duplicate.  Staff signed in to admin see an unpublished guide's page
as a preview, marked noindex and never cached.  A demo guide's page says it is
demo content, is marked noindex and is left out of the sitemap; so is a hub
that lists demo guides only.

Criteria are the payer's only when staff checked them in the payer's published
policy (Criterion.provenance); the rest are shown as typical criteria for the
drug, never under the payer's name.  A review is claimed (on the page and in
schema.org reviewedBy) only when a staff account with a reviewer profile is set.

A landing page shows how appeals like it ended (appeals/tracking/outcomes.py)
only from MIN_OUTCOMES outcomes up, and nothing at all below that.

Each landing page costs a fixed number of queries whatever the catalog size
(see LANDING_QUERIES); every page is then served from the page cache until
staff change something, or an outcome is recorded (appeals/catalog/caching.py).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_safe

from appeals.catalog.caching import cached_page
from appeals.catalog.models import (
    UNLISTED,
    AppealDeadlineRule,
    AppealStage,
    Criterion,
    DenialType,
    Drug,
    Guide,
    Payer,
    ReviewerProfile,
)
from appeals.catalog.pricing import Pricing
from appeals.catalog.search import has_published_guide, search_catalog
from appeals.core.safe_markdown import render_markdown
from appeals.delivery.models import SHARE_LIFETIME_CHOICES
from appeals.intake.models import CASE_LIFETIME, OFFICE_LINK_LIFETIME
from appeals.orders.payments import LINE_ITEM_NAME
from appeals.tracking.outcomes import annotated_rate, outcome_annotations

HUB_PAGE_SIZE = 100
RELATED_LIMIT = 8
RIGHTS_STEPS = (AppealDeadlineRule.Step.FILE_APPEAL, AppealDeadlineRule.Step.FILE_NEXT_LEVEL)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def json_ld(data: object) -> str:
    """JSON for a <script type="application/ld+json"> block: '<', '>' and '&'
    escaped so staff text cannot close the script element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def breadcrumb_json_ld(crumbs: list[tuple[str, str]]) -> dict:
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": absolute(path)}
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def reviewed_json_ld(reviewed_on, reviewer: ReviewerProfile) -> dict:
    """schema.org lastReviewed and reviewedBy, for a guide whose reviewer is a staff account with a profile."""
    person = {"@type": "Person", "name": reviewer.display_name, "jobTitle": reviewer.credentials}
    if reviewer.profile_url:
        person["url"] = reviewer.profile_url
    return {"lastReviewed": reviewed_on.isoformat(), "reviewedBy": person}


def current_offer(pricing: Pricing) -> dict:
    """The call to action's words, from the live price and advertised promo."""
    offer = pricing.advertised_offer()
    if offer is None:
        return {"list_price": pricing.list_price, "price": pricing.list_price, "code": "", "condition": ""}
    return {"list_price": pricing.list_price, "price": offer.price, "code": offer.code, "condition": offer.condition}


def start_url(guide: Guide, offer: dict) -> str:
    params = {"drug": guide.drug.slug, "payer": guide.payer.slug, "denial": guide.denial_type.slug}
    if offer["code"]:
        params["promo"] = offer["code"]
    return f"{reverse('start')}?{urlencode(params)}"


def describe_window(rule: AppealDeadlineRule) -> str:
    if rule.amount is None:
        return "No fixed time limit"
    unit = rule.get_unit_display()
    if rule.amount == 1:
        unit = unit.replace("days", "day").replace("hours", "hour").replace("months", "month")
    return f"{rule.amount} {unit} from {rule.get_counted_from_display()}"


def plan_rights(payer: Payer) -> list[dict]:
    """The filing windows for each plan type the payer sells (one query)."""
    rules = (
        # The windows after a first written denial: what most people arrive with.
        AppealDeadlineRule.objects.filter(plan_type__payers=payer, stage=AppealStage.FIRST_DENIAL, step__in=RIGHTS_STEPS)
        .select_related("plan_type")
        .order_by("plan_type__order", "plan_type__name", "step")
    )
    by_plan: OrderedDict[int, dict] = OrderedDict()
    for rule in rules:
        entry = by_plan.setdefault(rule.plan_type_id, {"plan_type": rule.plan_type, "file": None, "next": None})
        if rule.step == AppealDeadlineRule.Step.FILE_APPEAL:
            entry["file"] = {"window": describe_window(rule), "citation": rule.citation, "note": rule.explanation}
        else:
            entry["next"] = {"window": describe_window(rule), "citation": rule.citation}
    return list(by_plan.values())


def find_guide(request: HttpRequest, drug: str, payer: str, denial: str) -> tuple[Guide, bool]:
    """The guide for a combination and whether this is a staff preview."""
    guide = (
        Guide.objects.select_related("drug", "drug__drug_class", "payer", "denial_type", "reviewer__reviewer_profile")
        .filter(drug__slug=drug, payer__slug=payer, denial_type__slug=denial)
        .annotate(**outcome_annotations())
        .first()
    )
    if guide is None:
        raise Http404("No guide for this combination.")
    if guide.published:
        return guide, False
    # Looked up only now, so a public page never touches the session.
    if request.user.is_staff:
        return guide, True
    raise Http404("No published guide for this combination.")


# Guide (with its outcome counts), payer plan rules, criteria in force, two lists of related pages, pricing.
LANDING_QUERIES = 6


@require_safe
@cached_page
def landing(request: HttpRequest, drug: str, payer: str, denial: str) -> HttpResponse:
    guide, preview = find_guide(request, drug, payer, denial)
    today = timezone.localdate()
    criteria = list(
        Criterion.objects.for_combo(guide.drug, guide.payer, guide.denial_type).in_force_on(today).order_by("position", "key")
    )
    same_drug = list(
        Guide.objects.filter(published=True, drug=guide.drug)
        .exclude(pk=guide.pk)
        .select_related("payer", "denial_type")
        # Only what a link needs: a guide's body is kilobytes.
        .only("drug_id", "payer__slug", "payer__name", "denial_type__slug", "denial_type__title_phrase")
        .annotate(
            other_denial=Case(When(denial_type=guide.denial_type, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("other_denial", "payer__name", "denial_type__order")[:RELATED_LIMIT]
    )
    same_payer = list(
        Guide.objects.filter(published=True, payer=guide.payer, denial_type=guide.denial_type)
        .exclude(pk=guide.pk)
        .select_related("drug")
        .only("payer_id", "denial_type_id", "drug__slug", "drug__name")
        .order_by("drug__name")[:RELATED_LIMIT]
    )
    # The related guides share this page's drug, or payer and denial type:
    # give them those objects instead of a query each for their titles.
    for related in same_drug:
        related.drug = guide.drug
    for related in same_payer:
        related.payer, related.denial_type = guide.payer, guide.denial_type
    offer = current_offer(Pricing.current())
    rights = plan_rights(guide.payer)

    path = guide.get_absolute_url()
    crumbs = [
        ("Home", reverse("home")),
        (guide.drug.name, guide.drug.get_absolute_url()),
        (guide.payer.name, guide.payer.get_absolute_url()),
        (guide.denial_type.name, path),
    ]
    description = guide.meta_description or (
        f"{guide.title} {guide.denial_type.flips_when} Your appeal rights, the criteria to answer, and a ready-to-sign letter."
    )
    reviewer = guide.reviewer_profile
    structured = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "MedicalWebPage",
                "@id": absolute(path),
                "url": absolute(path),
                "name": guide.title,
                "description": description,
                **(reviewed_json_ld(guide.reviewed_on, reviewer) if reviewer else {}),
                "dateModified": guide.updated_at.isoformat(),
                "audience": {"@type": "PeopleAudience", "audienceType": "Patients, caregivers and physician offices"},
                "about": {
                    "@type": "Drug",
                    "name": guide.drug.name,
                    **({"nonProprietaryName": guide.drug.generic_name} if guide.drug.generic_name else {}),
                    **({"alternateName": guide.drug.brand_names} if guide.drug.brand_names else {}),
                },
            },
            breadcrumb_json_ld(crumbs),
        ],
    }
    context = {
        "guide": guide,
        "drug": guide.drug,
        "payer": guide.payer,
        "denial": guide.denial_type,
        "body_html": render_markdown(guide.body, top_heading_level=3),
        "criteria": criteria,
        "policy_criteria": [criterion for criterion in criteria if criterion.is_payer_policy],
        "typical_criteria": [criterion for criterion in criteria if not criterion.is_payer_policy],
        "reviewer": reviewer,
        "rights": rights,
        "step_therapy_law": guide.denial_type.slug == "step-therapy"
        and any(entry["plan_type"].state_step_therapy_law_applies for entry in rights),
        "same_drug": same_drug,
        "same_payer": same_payer,
        "offer": offer,
        "start_url": start_url(guide, offer),
        "crumbs": crumbs,
        "canonical": absolute(path),
        "description": description,
        "json_ld": json_ld(structured),
        "preview": preview,
        "demo": guide.is_demo,
        "noindex": preview or guide.is_demo,
        "outcomes": annotated_rate(guide),
    }
    response = render(request, "appeals/landing.html", context)
    if preview:
        patch_cache_control(response, private=True, no_store=True)
    return response


def _hub_page(request: HttpRequest, guides, **shared):
    """One page of a hub's guides.  `shared` is the object every row has in
    common (the hub's drug, payer or denial type), given to each row so its
    link and title need no query of their own."""
    page = Paginator(guides, HUB_PAGE_SIZE).get_page(request.GET.get("page"))
    for guide in page.object_list:
        for field, value in shared.items():
            setattr(guide, field, value)
    return page


def _hub_response(request, template, context, title, crumbs, description):
    path = request.path
    context.update(
        title=title,
        crumbs=crumbs,
        canonical=absolute(path),
        description=description,
        json_ld=json_ld(
            {
                "@context": "https://schema.org",
                "@graph": [
                    {"@type": "CollectionPage", "name": title, "url": absolute(path), "description": description},
                    breadcrumb_json_ld(crumbs),
                ],
            }
        ),
        offer=current_offer(Pricing.current()),
    )
    page = context["page"]
    if not page.object_list:
        raise Http404("Nothing published here yet.")
    # Demo guides are sample content: say so, and keep a hub of nothing else out of the index.
    demo_flags = [guide.is_demo for guide in page.object_list]
    context.update(demo=any(demo_flags), noindex=all(demo_flags))
    return render(request, template, context)


@require_safe
@cached_page
def drug_hub(request: HttpRequest, drug: str) -> HttpResponse:
    drug = get_object_or_404(Drug.objects.select_related("drug_class").exclude(slug=UNLISTED), slug=drug)
    guides = (
        Guide.objects.filter(published=True, drug=drug)
        .select_related("payer", "denial_type")
        .only("drug_id", "is_demo", "payer__slug", "payer__name", "denial_type__slug", "denial_type__title_phrase")
        .order_by("payer__name", "denial_type__order", "denial_type__name")
    )
    members = list(drug.members.order_by("name")) if drug.is_class else []
    crumbs = [("Home", reverse("home")), (drug.name, request.path)]
    return _hub_response(
        request,
        "appeals/drug_hub.html",
        {"drug": drug, "page": _hub_page(request, guides, drug=drug), "members": members},
        f"{drug.name} denied? How to appeal",
        crumbs,
        f"How to appeal a health plan's denial of {drug.name}: guides by insurer and denial reason.",
    )


@require_safe
@cached_page
def payer_hub(request: HttpRequest, payer: str) -> HttpResponse:
    payer = get_object_or_404(Payer.objects.exclude(slug=UNLISTED), slug=payer)
    guides = (
        Guide.objects.filter(published=True, payer=payer)
        .select_related("drug", "denial_type")
        .only("payer_id", "is_demo", "drug__slug", "drug__name", "denial_type__slug", "denial_type__title_phrase")
        .order_by("drug__name", "denial_type__order", "denial_type__name")
    )
    crumbs = [("Home", reverse("home")), (payer.name, request.path)]
    return _hub_response(
        request,
        "appeals/payer_hub.html",
        {"payer": payer, "page": _hub_page(request, guides, payer=payer), "rights": plan_rights(payer)},
        f"{payer.name} denied your drug? How to appeal",
        crumbs,
        f"How to appeal a {payer.name} denial of a specialty drug: appeal rights, deadlines and guides by drug.",
    )


@require_safe
@cached_page
def denial_hub(request: HttpRequest, denial: str) -> HttpResponse:
    denial = get_object_or_404(DenialType, slug=denial)
    guides = (
        Guide.objects.filter(published=True, denial_type=denial)
        .select_related("drug", "payer")
        .only("denial_type_id", "is_demo", "drug__slug", "drug__name", "payer__slug", "payer__name")
        .order_by("drug__name", "payer__name")
    )
    crumbs = [("Home", reverse("home")), (denial.name, request.path)]
    return _hub_response(
        request,
        "appeals/denial_hub.html",
        {"denial": denial, "page": _hub_page(request, guides, denial_type=denial)},
        f"Drug denied {denial.title_phrase}? How to appeal",
        crumbs,
        denial.flips_when,
    )


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on their own; the pages link the SVG, wherever
    static files are served from (a hashed name after collectstatic)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@require_safe
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    search = search_catalog(request.GET["q"]) if "q" in request.GET else None
    featured = list(
        Guide.objects.filter(published=True)
        .select_related("drug", "payer", "denial_type")
        .only(
            "is_demo", "drug__slug", "drug__name", "payer__slug", "payer__name", "denial_type__slug", "denial_type__title_phrase"
        )
        .order_by("-pk")[:12]  # newest first, walking the primary key: no sort of every guide
    )
    drugs = Drug.objects.filter(has_published_guide("drug")).order_by("name")[:24]
    payers = Payer.objects.filter(has_published_guide("payer")).order_by("name")[:24]
    denials = DenialType.objects.filter(has_published_guide("denial_type")).order_by("order", "name")
    return render(
        request,
        "appeals/home.html",
        {
            "search": search,
            "featured": featured,
            "demo": any(guide.is_demo for guide in featured),
            "drugs": drugs,
            "payers": payers,
            "denials": denials,
            "offer": current_offer(Pricing.current()),
            "description": (
                "Turn a health plan's denial of a specialty drug into a ready-to-sign appeal packet: the letter, "
                "an answer to each criterion, your plan type's deadlines and a fax cover, for your physician to sign."
            ),
            "canonical": absolute(reverse("home")),
            "json_ld": json_ld(
                {
                    "@context": "https://schema.org",
                    "@type": "WebSite",
                    "name": "DenialHelp",
                    "url": absolute(reverse("home")),
                    "potentialAction": {
                        "@type": "SearchAction",
                        "target": absolute(reverse("home")) + "?q={search_term_string}",
                        "query-input": "required name=search_term_string",
                    },
                }
            ),
        },
    )


@require_safe
@cached_page
def privacy(request: HttpRequest) -> HttpResponse:
    """What is kept, how long, who sees it, and how to have it deleted: every figure
    read from the settings and constants the code itself runs on."""
    return render(
        request,
        "appeals/privacy.html",
        {
            "title": "Privacy: what we keep, for how long, and who sees it",
            "description": "How DenialHelp keeps an appeal's answers and letter: encrypted, seen only through your links, deleted on a schedule or when you ask.",
            "canonical": absolute(reverse("privacy")),
            "case_days": CASE_LIFETIME.days,
            "retention_days": settings.RETENTION_DAYS,
            "office_link_days": OFFICE_LINK_LIFETIME.days,
            "share_days": max(SHARE_LIFETIME_CHOICES),
            "line_item": LINE_ITEM_NAME,
            "contact_email": settings.CONTACT_EMAIL,
            "operator": settings.SITE_OPERATOR,
            "staff_otp": settings.STAFF_REQUIRE_OTP,
        },
    )


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /start/",
        "Disallow: /case/",
        "Disallow: /letters/",
        "Disallow: /pay/",
        "Disallow: /reminders/",
        "Disallow: /shared/",
        "Allow: /",
        f"Sitemap: {absolute(reverse('sitemap-index'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
