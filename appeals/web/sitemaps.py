"""sitemap.xml: an index of section pages, each at most 50,000 URLs.

Only published guides are listed, and hubs only when they list at least one.
Demo guides (sample content, marked noindex on their pages) are never listed,
and a hub whose only guides are demo ones is left out too.
A landing page's lastmod is the newest change to anything it shows: the
guide, its drug, payer or denial type, or a criterion version of the
combination.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Exists, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from appeals.catalog.models import Criterion, DenialType, Drug, Guide, Payer

URLS_PER_PAGE = 50_000  # the sitemaps.org limit


class CatalogSitemap(Sitemap):
    limit = URLS_PER_PAGE

    def lastmod(self, item):
        return item.lastmod


class LandingSitemap(CatalogSitemap):
    def items(self):
        newest_criterion = (
            Criterion.objects.filter(drug=OuterRef("drug"), payer=OuterRef("payer"), denial_type=OuterRef("denial_type"))
            .order_by("-created_at")
            .values("created_at")[:1]
        )
        return (
            Guide.objects.filter(published=True, is_demo=False)
            .select_related("drug", "payer", "denial_type")
            .only("drug__slug", "payer__slug", "denial_type__slug", "updated_at")
            .annotate(
                lastmod=Greatest(
                    "updated_at",
                    "drug__updated_at",
                    "payer__updated_at",
                    "denial_type__updated_at",
                    Coalesce(Subquery(newest_criterion), "updated_at"),
                )
            )
            .order_by("pk")
        )

    def location(self, guide):
        return reverse("landing", args=[guide.drug.slug, guide.payer.slug, guide.denial_type.slug])

    def get_latest_lastmod(self):
        # The newest of a few indexed maxima, not a scan of every page's lastmod.
        published = Guide.objects.filter(published=True, is_demo=False)
        candidates = [
            published.aggregate(newest=Max("updated_at"))["newest"],
            Drug.objects.filter(Exists(published.filter(drug=OuterRef("pk")))).aggregate(newest=Max("updated_at"))["newest"],
            Payer.objects.filter(Exists(published.filter(payer=OuterRef("pk")))).aggregate(newest=Max("updated_at"))["newest"],
            DenialType.objects.aggregate(newest=Max("updated_at"))["newest"],
            Criterion.objects.aggregate(newest=Max("created_at"))["newest"],
        ]
        return max((value for value in candidates if value is not None), default=None)


class HubSitemap(CatalogSitemap):
    model = None
    link = ""

    def items(self):
        published = Guide.objects.filter(published=True, is_demo=False, **{self.link: OuterRef("pk")})
        newest_guide = published.order_by("-updated_at").values("updated_at")[:1]
        return (
            self.model.objects.filter(Exists(published))
            .annotate(lastmod=Greatest("updated_at", Subquery(newest_guide)))
            .order_by("pk")
        )

    def get_latest_lastmod(self):
        # The newest of the hubs themselves and of any published guide: the
        # same answer as the newest item lastmod, from two indexed maxima.
        published = Guide.objects.filter(published=True, is_demo=False)
        candidates = [
            published.aggregate(newest=Max("updated_at"))["newest"],
            self.model.objects.filter(Exists(published.filter(**{self.link: OuterRef("pk")}))).aggregate(
                newest=Max("updated_at")
            )["newest"],
        ]
        return max((value for value in candidates if value is not None), default=None)


class DrugSitemap(HubSitemap):
    model = Drug
    link = "drug"


class PayerSitemap(HubSitemap):
    model = Payer
    link = "payer"


class DenialSitemap(HubSitemap):
    model = DenialType
    link = "denial_type"


class HomeSitemap(Sitemap):
    def items(self):
        return ["home"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "landing": LandingSitemap,
    "drugs": DrugSitemap,
    "payers": PayerSitemap,
    "denials": DenialSitemap,
    "home": HomeSitemap,
}


def _has_items(sitemap: Sitemap) -> bool:
    items = sitemap.items()
    return items.exists() if hasattr(items, "exists") else bool(items)


def sitemap_index(request: HttpRequest, **kwargs) -> HttpResponse:
    """The sitemap index, naming only sections with at least one page: a catalog of
    demo guides alone lists none of them, and an empty urlset is not a valid sitemap."""
    sitemaps = {name: section for name, section in SITEMAPS.items() if _has_items(section())}
    return sitemap_views.index(request, sitemaps=sitemaps, sitemap_url_name="sitemap-section")


def landing_sitemap(request: HttpRequest) -> HttpResponse:
    """One page of the landing-page section, written directly.

    The same URLs and lastmod as LandingSitemap through Django's sitemap
    view, but from plain rows instead of model instances and a template:
    50,000 entries take a fraction of a second instead of several.
    """
    try:
        page = int(request.GET.get("p", "1"))
    except ValueError:
        raise Http404("No such page.") from None
    if page < 1:
        raise Http404("No such page.")
    start = (page - 1) * URLS_PER_PAGE
    rows = (
        LandingSitemap()
        .items()
        .values_list("drug__slug", "payer__slug", "denial_type__slug", "lastmod")[start : start + URLS_PER_PAGE]
    )
    origin = escape(f"{request.scheme}://{request.get_host()}")
    current_tz = timezone.get_current_timezone()
    entries = [
        f"<url><loc>{origin}/appeal/{drug}/{payer}/{denial}/</loc>"
        f"<lastmod>{lastmod.astimezone(current_tz).date().isoformat()}</lastmod></url>"
        for drug, payer, denial, lastmod in rows
    ]
    if not entries and page > 1:
        raise Http404("No such page.")
    body = "".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n',
            "\n".join(entries),
            "\n</urlset>\n",
        ]
    )
    response = HttpResponse(body, content_type="application/xml")
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response
