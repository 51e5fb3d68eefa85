"""Landing pages, hubs, search, sitemap and robots.txt on the demo catalog."""

from __future__ import annotations

import datetime
import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import xmlschema
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals.models import Criterion, Drug, Guide, Payer, PlanType, Pricing, PromoCode
from appeals.web.public import LANDING_QUERIES
from tests.support.reviewers import make_all_real, make_real, staff_reviewer

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).with_name("schemas")
SEED_PAGES = {
    "/appeal/anifrolumab/cigna/step-therapy/": "Anifrolumab denied for failing step therapy by Cigna?",
    "/appeal/anifrolumab/cigna/not-fda-approved/": "Anifrolumab denied as not FDA-approved for this use by Cigna?",
    "/appeal/anifrolumab/cigna/quantity-limit/": "Anifrolumab denied due to quantity / dose limits by Cigna?",
    "/appeal/checkpoint-inhibitor/cigna/step-therapy/": "Checkpoint inhibitor denied for failing step therapy by Cigna?",
    "/appeal/jak-inhibitor/cigna/step-therapy/": "JAK inhibitor denied for failing step therapy by Cigna?",
}


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def json_ld_of(response) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def h2s(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", heading).strip() for heading in re.findall(r"<h2[^>]*>(.*?)</h2>", page, re.S)]


@pytest.mark.parametrize(("path", "title"), SEED_PAGES.items())
def test_seed_pages_render_every_section(client, demo_catalog, path, title):
    response = client.get(path)
    assert response.status_code == 200
    page = text_of(response)
    drug_slug, payer_slug, denial_slug = path.strip("/").split("/")[1:]
    guide = Guide.objects.select_related("drug", "payer", "denial_type").get(
        drug__slug=drug_slug, payer__slug=payer_slug, denial_type__slug=denial_slug
    )

    assert f"<h1>{title}</h1>" in page
    assert guide.denial_type.flips_when in page
    assert h2s(page)[:8] == [
        "Your appeal rights with Cigna",
        "How Cigna decides",
        "Documentation to gather",
        f"The Cigna angle on {guide.drug.name}",
        f"Typical criteria for {guide.drug.name}",
        "Next steps",
        "Get the letter drafted",
        "Related guides",
    ]
    # Plan rights for every plan type Cigna sells, with its filing window.
    for plan_type in guide.payer.plan_types.all():
        assert plan_type.name in page
    assert "180 calendar days from receipt of the denial notice" in page
    # The guide's own sections, one heading level below the page's.
    for heading in re.findall(r"^## (.+)$", guide.body, re.M):
        assert f"<h3>{heading}</h3>" in page
    # This combination's criteria in force: the demo's are typical, never called Cigna's.
    criteria = Criterion.objects.for_combo(guide.drug, guide.payer, guide.denial_type).in_force_on(timezone.localdate())
    assert criteria.count() >= 3
    for criterion in criteria:
        assert criterion.requirement in page
        assert criterion.source_title not in page
    assert "They are not Cigna's published policy" in page
    # The seed pages' "Documentation to gather", for this denial type, in the project's words.
    gather = page[page.index('id="gather"') : page.index('id="angle"')]
    items = guide.denial_type.documentation_list()
    assert len(items) >= 4 and all(html.escape(item, quote=False) in gather for item in items)
    # The call to action with the live price and promo, into the prefilled wizard: near the top and at the end.
    assert "$40 list price, $30 for your first letter (use code SEO25)" in page
    starts = re.findall(r'<a class="button" href="([^"]+)"', page)
    assert len(starts) == 2 and len(set(starts)) == 1 and page.index(starts[0]) < page.index('id="rights"')
    start = starts[0]
    assert urlsplit(start).path == "/start/"
    assert parse_qs(urlsplit(start).query) == {
        "drug": [drug_slug],
        "payer": [payer_slug],
        "denial": [denial_slug],
        "promo": ["SEO25"],
    }
    # Demo content: no review claimed, said to be demo, kept out of the index.
    assert "Not yet reviewed." in page and "Last reviewed" not in page
    assert "Demo content." in page and '<meta name="robots" content="noindex' in page
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{path}">' in page
    assert f'<meta property="og:title" content="{title}">' in page
    assert '<meta name="description" content="' in page
    assert f"<title>{title} How to appeal | DenialHelp</title>" in page


def test_structured_data_names_the_page_the_drug_and_the_breadcrumbs(client, demo_catalog):
    response = client.get("/appeal/anifrolumab/cigna/step-therapy/")
    graph = {node["@type"]: node for node in json_ld_of(response)["@graph"]}
    page = graph["MedicalWebPage"]
    assert page["name"] == "Anifrolumab denied for failing step therapy by Cigna?"
    assert page["about"] == {
        "@type": "Drug",
        "name": "Anifrolumab",
        "nonProprietaryName": "anifrolumab-fnia",
        "alternateName": "Saphnelo",
    }
    assert "lastReviewed" not in page and "reviewedBy" not in page  # a demo guide names no reviewer
    crumbs = [(item["name"], item["item"]) for item in graph["BreadcrumbList"]["itemListElement"]]
    assert crumbs == [
        ("Home", "http://127.0.0.1:8000/"),
        ("Anifrolumab", "http://127.0.0.1:8000/drugs/anifrolumab/"),
        ("Cigna", "http://127.0.0.1:8000/payers/cigna/"),
        ("Step therapy", "http://127.0.0.1:8000/appeal/anifrolumab/cigna/step-therapy/"),
    ]


def test_related_guides_link_the_same_drug_and_the_same_payer(client, demo_catalog):
    page = text_of(client.get("/appeal/anifrolumab/cigna/step-therapy/"))
    related = page[page.index('id="related"') :]
    assert 'href="/appeal/anifrolumab/humana/step-therapy/"' in related
    assert 'href="/appeal/anifrolumab/cigna/quantity-limit/"' in related
    assert 'href="/appeal/jak-inhibitor/cigna/step-therapy/"' in related
    assert 'href="/appeal/anifrolumab/cigna/step-therapy/"' not in related  # not itself


@pytest.mark.parametrize(
    "path",
    [
        "/appeal/no-such-drug/cigna/step-therapy/",
        "/appeal/anifrolumab/no-such-payer/step-therapy/",
        "/appeal/anifrolumab/cigna/no-such-denial/",
        "/appeal/anifrolumab/aetna/step-therapy/",  # real slugs, no guide
        "/appeal/upadacitinib/aetna/quantity-limit/",  # a guide, unpublished
        "/drugs/no-such-drug/",
        "/payers/no-such-payer/",
        "/denials/no-such-denial/",
    ],
)
def test_unknown_or_unpublished_pages_are_404_without_a_trace(client, demo_catalog, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"Traceback" not in response.content
    assert b"We have no page at this address" in response.content


def test_staff_preview_an_unpublished_guide_marked_noindex_and_never_cached(client, demo_catalog, admin_user):
    path = "/appeal/upadacitinib/aetna/quantity-limit/"
    client.force_login(admin_user)
    response = client.get(path)
    assert response.status_code == 200
    page = text_of(response)
    assert "Preview for staff" in page and '<meta name="robots" content="noindex, nofollow">' in page
    assert "no-store" in response["Cache-Control"]
    client.logout()
    assert client.get(path).status_code == 404


def test_published_pages_are_not_marked_noindex(client, demo_catalog, admin_user):
    make_real(Guide.objects.get(drug__slug="anifrolumab", payer__slug="cigna", denial_type__slug="step-therapy"))
    client.force_login(admin_user)
    page = text_of(client.get("/appeal/anifrolumab/cigna/step-therapy/"))
    assert "noindex" not in page and "Preview for staff" not in page and "Demo content" not in page


def test_price_and_promo_come_from_the_database(client, demo_catalog, django_capture_on_commit_callbacks):
    path = "/appeal/anifrolumab/cigna/step-therapy/"
    assert "$40 list price, $30 for your first letter" in text_of(client.get(path))
    with django_capture_on_commit_callbacks(execute=True):
        pricing = Pricing.current()
        pricing.list_price_cents = 4500
        pricing.save()
    assert "$45 list price, $35 for your first letter (use code SEO25)" in text_of(client.get(path))

    with django_capture_on_commit_callbacks(execute=True):
        PromoCode.objects.filter(code="SEO25").update(valid_until=datetime.date(2020, 1, 1))
        Pricing.current().save()  # queryset updates fire no signal; a save does
    page = text_of(client.get(path))
    assert "SEO25" not in page and "$45 per letter" in page
    assert "promo=" not in page


def test_a_second_visit_is_served_from_the_cache(client, demo_catalog):
    path = "/appeal/anifrolumab/cigna/step-therapy/"
    first = client.get(path)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(path)
    assert len(queries) == 0
    assert second.content == first.content


@pytest.mark.parametrize(
    "change",
    ["guide", "drug", "payer_plans", "criteria_feed", "plan_type"],
)
def test_staff_changes_reach_the_cached_page(client, demo_catalog, django_capture_on_commit_callbacks, change, tmp_path):
    path = "/appeal/anifrolumab/cigna/step-therapy/"
    assert client.get(path).status_code == 200  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        if change == "guide":
            guide = Guide.objects.get(drug__slug="anifrolumab", payer__slug="cigna", denial_type__slug="step-therapy")
            guide.body += "\n## A section added by staff\nNew advice.\n"
            guide.save()
            expected = "A section added by staff"
        elif change == "drug":
            drug = Drug.objects.get(slug="anifrolumab")
            drug.typical_dose = "300 mg IV every 4 weeks, edited"
            drug.save()
            expected = "every 4 weeks, edited"
        elif change == "payer_plans":
            Payer.objects.get(slug="cigna").plan_types.add(PlanType.objects.get(slug="fehb"))
            expected = "Federal employee plan (FEHB)"
        elif change == "plan_type":
            plan_type = PlanType.objects.get(slug="aca-individual")
            plan_type.name = "Individual plan (renamed)"
            plan_type.save()
            expected = "Individual plan (renamed)"
        else:
            feed = tmp_path / "feed.csv"
            feed.write_text(
                "drug,payer,denial_type,key,position,kind,requirement,evidence,source_title,source_url,effective_date\n"
                "anifrolumab,cigna,step-therapy,rheumatologist,5,prescriber,Prescribed by a board-certified "
                "rheumatologist (revised),NPI,Cigna policy,,2026-11-01\n"
            )
            call_command("import_criteria", str(feed))
            expected = "board-certified rheumatologist (revised)"
    assert expected in text_of(client.get(path))


HOSTILE_MARKDOWN = """
## Safe heading <script>alert('h')</script>
<script>alert(1)</script>
<img src=x onerror="alert(2)">
<a href="javascript:alert(3)">click</a>
<a href="JaVaScRiPt:alert(4)" onclick="alert(5)">mixed case</a>
[markdown link](javascript:alert(6))
[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==)
<iframe src="https://evil.example"></iframe>
<svg onload="alert(8)"><circle/></svg>
<style>body{display:none}</style>
<form action="https://evil.example"><input name="x"></form>
<p style="background:url(javascript:alert(9))">styled</p>
[fine link](https://www.cigna.com/policy)
"""


def test_hostile_markdown_is_neutralised(client, demo_catalog, admin_user):
    guide = Guide.objects.get(drug__slug="anifrolumab", payer__slug="cigna", denial_type__slug="step-therapy")
    guide.body = HOSTILE_MARKDOWN
    guide.meta_description = "</script><script>alert('meta')</script>"
    guide.save()
    reviewer = staff_reviewer()
    reviewer.reviewer_profile.display_name = "Dr </script><script>alert('json')</script>"
    reviewer.reviewer_profile.save()
    make_real(guide, reviewer)
    page = client.get("/appeal/anifrolumab/cigna/step-therapy/").content.decode()
    body = page[page.index('id="angle"') : page.index('id="typical-criteria"')]
    assert "<script" not in body and "alert(1)" not in body
    for marker in ("onerror", "onclick", "onload", "javascript:", "JaVaScRiPt", "data:text", "<iframe", "<svg",
                   "<style", "<form", "<input", "style="):  # fmt: skip
        assert marker not in body, marker
    assert '<a href="https://www.cigna.com/policy" rel="nofollow noopener">fine link</a>' in body
    assert "<h3>Safe heading" in body
    # Text that reaches attributes and the JSON-LD block cannot close them.
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts == ['<script type="application/ld+json">']
    assert json_ld_of(client.get("/appeal/anifrolumab/cigna/step-therapy/"))["@graph"][0]["reviewedBy"]["name"] == (
        "Dr </script><script>alert('json')</script>"
    )


def test_every_landing_page_costs_the_same_fixed_number_of_queries(client, demo_catalog):
    counts = {}
    for guide in Guide.objects.filter(published=True).select_related("drug", "payer", "denial_type"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(guide.get_absolute_url()).status_code == 200
        counts[guide.get_absolute_url()] = len(queries)
    assert set(counts.values()) == {LANDING_QUERIES}, counts
    assert LANDING_QUERIES <= 6


def test_hubs_list_published_guides(client, demo_catalog):
    drug_page = text_of(client.get("/drugs/anifrolumab/"))
    assert "<h1>Anifrolumab denied? How to appeal</h1>" in drug_page
    assert 'href="/appeal/anifrolumab/cigna/step-therapy/"' in drug_page
    assert "J0491" in drug_page
    jak_page = text_of(client.get("/drugs/jak-inhibitor/"))
    assert 'href="/drugs/upadacitinib/"' in jak_page and "Drugs in this class" in jak_page
    payer_page = text_of(client.get("/payers/cigna/"))
    assert "<h1>Cigna denied your drug? How to appeal</h1>" in payer_page
    assert 'href="/appeal/jak-inhibitor/cigna/step-therapy/"' in payer_page and "Appeals fax" in payer_page
    denial_page = text_of(client.get("/denials/step-therapy/"))
    assert 'href="/appeal/upadacitinib/molina/step-therapy/"' in denial_page
    assert "/appeal/upadacitinib/aetna/quantity-limit/" not in text_of(client.get("/drugs/upadacitinib/"))


def test_a_hub_with_nothing_published_is_404(client, demo_catalog):
    Guide.objects.filter(drug__slug="tofacitinib").delete()
    assert client.get("/drugs/tofacitinib/").status_code == 404


@pytest.mark.parametrize(
    ("query", "finds", "misses"),
    [
        ("saphnelo", ["/drugs/anifrolumab/"], ["/payers/"]),
        ("Optum", ["/payers/unitedhealthcare/"], ["/drugs/"]),
        ("KEYTRUDA", ["/drugs/pembrolizumab/"], []),
        # What people type: a brand and a payer, a condition, an abbreviation, a lower-case brand, a denial reason.
        (
            "Saphnelo Cigna",
            ["/appeal/anifrolumab/cigna/step-therapy/", "/drugs/anifrolumab/", "/payers/cigna/"],
            ["/payers/aetna/"],
        ),
        ("lupus", ["/drugs/anifrolumab/"], ["/payers/", "/drugs/pembrolizumab/"]),
        ("BCBS", ["/payers/fep-blue/"], ["/drugs/", "/payers/cigna/"]),
        # Tofacitinib has no guide of its own: its class's pages answer.
        ("xeljanz", ["/drugs/jak-inhibitor/"], ["/payers/", "/drugs/checkpoint-inhibitor/"]),
        ("step therapy", ["/denials/step-therapy/"], ["/denials/site-of-care/", "/payers/"]),
        ("appeal for Xeljanz denied by UHC", ["/drugs/jak-inhibitor/", "/payers/unitedhealthcare/"], ["/payers/cigna/"]),
    ],
)
def test_search_finds_drugs_by_brand_and_payers_by_alias(client, demo_catalog, query, finds, misses):
    page = text_of(client.get("/", {"q": query}))
    results = page[page.index('id="results"') : page.index('id="featured"')]
    for path in finds:
        assert f'href="{path}"' in results
    for prefix in misses:
        assert f'href="{prefix}' not in results


def test_a_misspelt_search_finds_the_close_names_and_says_so(client, demo_catalog):
    page = text_of(client.get("/", {"q": "saphenlo cigan"}))
    results = page[page.index('id="results"') : page.index('id="featured"')]
    assert "showing results for “saphnelo cigna”" in results
    assert 'href="/drugs/anifrolumab/"' in results and 'href="/payers/cigna/"' in results
    # A word close to nothing is not guessed at.
    page = text_of(client.get("/", {"q": "qwertyuiop"}))
    assert "Nothing matches “qwertyuiop”" in page and "showing results for" not in page


def test_search_without_a_match_says_so_and_keeps_the_words(client, demo_catalog):
    raw = client.get("/", {"q": "<b>zzz</b>"}).content.decode()
    assert "<b>zzz</b>" not in raw  # shown as text, never as markup
    assert "Nothing matches “&lt;b&gt;zzz&lt;/b&gt;”" in raw
    assert 'value="&lt;b&gt;zzz&lt;/b&gt;"' in raw  # still in the box to correct
    assert "Type at least two letters" in text_of(client.get("/", {"q": "a"}))


def test_search_results_are_not_cached_under_the_home_page(client, demo_catalog):
    assert "Results for" in text_of(client.get("/", {"q": "cigna"}))
    assert "Results for" not in text_of(client.get("/"))
    assert "Results for" in text_of(client.get("/", {"q": "aetna"})) and "Aetna" in text_of(client.get("/", {"q": "aetna"}))


def test_home_links_the_hubs_and_recent_guides(client, demo_catalog):
    page = text_of(client.get("/"))
    for path in ("/drugs/anifrolumab/", "/payers/cigna/", "/denials/step-therapy/", "/appeal/"):
        assert f'href="{path}' in page
    assert "$40 list price, $30 for your first letter (use code SEO25)" in page
    # An appeal starts from the home page too, before the search.
    assert page.index('<a class="button" href="/start/">Start my appeal</a>') < page.index("Find your drug or insurer")
    assert client.get("/start/").status_code == 200


def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines


def test_robots_txt_keeps_crawlers_off_every_page_a_link_token_opens(client):
    # Case, status, share and payment pages hold patient data: each route with a token or an
    # order's id must sit under a disallowed prefix (they are noindex too, but never fetched is better).
    from appeals.urls import urlpatterns

    disallowed = {line.removeprefix("Disallow: ") for line in client.get("/robots.txt").content.decode().splitlines()}
    private = {str(p.pattern) for p in urlpatterns if "<str:token>" in str(p.pattern) or "<str:public_id>" in str(p.pattern)}
    assert {"letters/<str:token>/", "shared/<str:token>/", "case/<str:token>/"} <= private
    uncovered = {route for route in private if not any(("/" + route).startswith(prefix) for prefix in disallowed)}
    assert uncovered == set()


def test_sitemap_index_and_pages_are_valid_and_list_only_published_pages(client, demo_catalog):
    make_all_real()  # a real catalog: demo guides are never listed
    index_schema = xmlschema.XMLSchema(SCHEMAS / "siteindex.xsd")
    page_schema = xmlschema.XMLSchema(SCHEMAS / "sitemap.xsd")
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and index["Content-Type"].startswith("application/xml")
    index_schema.validate(index.content.decode())
    locations = re.findall(r"<loc>(.*?)</loc>", index.content.decode())
    assert {urlsplit(location).path for location in locations} == {
        "/sitemap-landing.xml",
        "/sitemap-drugs.xml",
        "/sitemap-payers.xml",
        "/sitemap-denials.xml",
        "/sitemap-home.xml",
    }
    listed = set()
    for location in locations:
        page = client.get(urlsplit(location).path)
        assert page.status_code == 200
        page_schema.validate(page.content.decode())
        listed |= {urlsplit(url).path for url in re.findall(r"<loc>(.*?)</loc>", page.content.decode())}
    published = {guide.get_absolute_url() for guide in Guide.objects.filter(published=True)}
    assert published <= listed
    assert "/appeal/upadacitinib/aetna/quantity-limit/" not in listed
    assert "/drugs/tofacitinib/" not in listed  # no published guide of its own
    assert {"/", "/drugs/anifrolumab/", "/payers/cigna/", "/denials/step-therapy/"} <= listed


def test_sitemap_lastmod_follows_content_changes(client, demo_catalog):
    make_all_real()  # a real catalog: demo guides are never listed
    old = datetime.datetime(2024, 1, 2, 12, tzinfo=datetime.UTC)
    Guide.objects.update(updated_at=old)
    Drug.objects.update(updated_at=old)
    Payer.objects.update(updated_at=old)
    from appeals.models import DenialType

    DenialType.objects.update(updated_at=old)
    Criterion.objects.update(created_at=old)
    Criterion.objects.filter(drug__slug="anifrolumab", payer__slug="cigna", denial_type__slug="quantity-limit").update(
        created_at=datetime.datetime(2026, 5, 6, 12, tzinfo=datetime.UTC)
    )
    page = client.get("/sitemap-landing.xml").content.decode()
    entries = dict(re.findall(r"<loc>[^<]*?(/appeal/[^<]+)</loc><lastmod>([^<]+)</lastmod>", page))
    assert entries["/appeal/anifrolumab/cigna/quantity-limit/"] == "2026-05-06"
    assert entries["/appeal/anifrolumab/cigna/step-therapy/"] == "2024-01-02"


def test_the_direct_landing_sitemap_matches_djangos_sitemap_framework(rf, demo_catalog):
    make_all_real()  # a real catalog: demo guides are never listed
    from django.contrib.sitemaps.views import sitemap as django_sitemap

    from appeals.web.sitemaps import LandingSitemap, landing_sitemap

    def entries(content: bytes) -> list[tuple[str, str]]:
        return re.findall(r"<loc>(.*?)</loc><lastmod>(.*?)</lastmod>", content.decode())

    request = rf.get("/sitemap-landing.xml")
    framework = django_sitemap(request, sitemaps={"landing": LandingSitemap}, section="landing")
    framework.render()
    direct = landing_sitemap(request)
    assert entries(direct.content) == entries(framework.content)
    assert len(entries(direct.content)) == Guide.objects.filter(published=True).count()


@pytest.mark.parametrize("page", ["0", "2", "x", "-1"])
def test_a_sitemap_page_that_does_not_exist_is_404(client, demo_catalog, page):
    assert client.get("/sitemap-landing.xml", {"p": page}).status_code == 404


def test_robots_txt_keeps_crawlers_off_every_private_page(client):
    disallowed = [
        line.split(": ", 1)[1]
        for line in client.get("/robots.txt").content.decode().splitlines()
        if line.startswith("Disallow: ")
    ]
    for name, kwargs in [
        ("start", {}),
        ("case", {"token": "t"}),
        ("letter_status", {"token": "t"}),
        ("letter_shared", {"token": "t"}),
        ("shared_file", {"token": "t", "kind": "pdf"}),
        ("local_payment", {"public_id": "dh_x"}),
    ]:
        path = reverse(name, kwargs=kwargs)
        assert any(path.startswith(prefix) for prefix in disallowed), path


def test_every_page_links_the_favicon_and_favicon_ico_finds_it(client, demo_catalog):
    from django.contrib.staticfiles import finders

    for path in ("/", "/appeal/anifrolumab/cigna/step-therapy/", "/start/"):
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in client.get(path).content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
    found = finders.find("favicon.svg")
    assert found and Path(found).read_text().startswith("<svg")


def test_the_home_page_describes_itself_to_search_engines(client, demo_catalog):
    page = client.get("/").content.decode()
    assert '<meta name="description" content="Turn a health plan' in page
    assert '<meta property="og:description" content="Turn a health plan' in page
