"""An honest catalog: where each criterion comes from, whose criteria the pages
and letters may call them, who reviewed a guide, and demo content labelled and
kept out of search indexes."""

from __future__ import annotations

import csv
import datetime
import html
import io
import json
import re
from pathlib import Path

import pytest
import xmlschema
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appeals.catalog.criteria_import import ALL_FIELDS, FeedRejected, import_criteria
from appeals.demo import data
from appeals.letters.context import letter_context
from appeals.letters.defaults import default_body
from appeals.letters.engine import render_letter_body
from appeals.models import Criterion, Drug, Guide, LetterTemplate
from appeals.web.public import LANDING_QUERIES
from tests.support.cases import answer_every_step, opened_case
from tests.support.reviewers import make_real, staff_reviewer

STEP_THERAPY = {"drug__slug": "anifrolumab", "payer__slug": "cigna", "denial_type__slug": "step-therapy"}
LANDING = "/appeal/anifrolumab/cigna/step-therapy/"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def json_ld_page(response) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return json.loads(match.group(1))["@graph"][0]


def feed(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ALL_FIELDS), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def policy_row(key: str, position: int, requirement: str, **overrides) -> dict:
    """A verified Cigna policy row for anifrolumab step therapy, in force since yesterday."""
    values = {
        "drug": "anifrolumab",
        "payer": "cigna",
        "denial_type": "step-therapy",
        "key": key,
        "position": str(position),
        "kind": "diagnosis",
        "requirement": requirement,
        "evidence": "Clinic note",
        "source_title": "Cigna policy 1234: Anifrolumab",
        "source_url": "https://static.cigna.com/policy-1234.pdf",
        "provenance": "payer_policy",
        "retrieved_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "verified_by": "checker",
        "effective_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
    }
    values.update(overrides)
    return values


@pytest.fixture
def checker(db):
    return get_user_model().objects.create_user("checker", "checker@example.org", "x" * 16, is_staff=True)


def letters_for(case) -> dict[str, str]:
    """Both shipped letters (prescriber's and patient's) for a case."""
    context = letter_context(case, [])
    return {voice: render_letter_body(default_body(voice), context) for voice in LetterTemplate.Voice.values}


def answered_case(**combo):
    case, url = opened_case(**combo)
    answer_every_step(case)
    return case, url


# --- K1–K4, R5, R6, R12: the demo data -------------------------------------


def test_k1_no_invented_immunosuppressant_or_belimumab_step_for_anifrolumab(demo_catalog):
    criteria = Criterion.objects.filter(**STEP_THERAPY).latest_versions()
    assert "prior-immunosuppressant" not in {criterion.key for criterion in criteria}
    for criterion in criteria:
        assert "belimumab" not in criterion.requirement.lower(), criterion.requirement
    # Nobody on staff has checked any demo criterion in a payer's policy: all are typical.
    assert not Criterion.objects.filter(provenance="payer_policy").exists()
    assert Criterion.objects.filter(provenance="typical").count() == Criterion.objects.count() > 0


def test_k2_the_specialist_is_typical_wording_not_a_payers_list(demo_catalog):
    specialist = Criterion.objects.latest_versions().get(key="specialist", **STEP_THERAPY)
    assert "specialist such as a rheumatologist" in specialist.requirement
    assert not specialist.is_payer_policy


def test_k3_jak_tnf_criterion_is_typical_and_knows_the_continuation_pathway(demo_catalog):
    tnf = Criterion.objects.latest_versions().get(
        drug__slug="jak-inhibitor", payer__slug="cigna", denial_type__slug="step-therapy", key="tnf-blocker-trial"
    )
    assert not tnf.is_payer_policy
    assert "already established on the JAK inhibitor" in tnf.requirement
    assert "etanercept or an adalimumab product" in tnf.requirement


def test_k4_anthem_site_of_care_carries_no_unsourced_date(client, demo_catalog):
    criteria = Criterion.objects.filter(drug__slug="atezolizumab", payer__slug="anthem")
    assert criteria.exists() and not criteria.filter(effective_date=datetime.date(2025, 10, 3)).exists()
    page = text_of(client.get("/appeal/atezolizumab/anthem/site-of-care/"))
    assert "October 3, 2025" not in page and "Typical criteria for Atezolizumab" in page


def test_no_demo_criterion_calls_itself_a_payers_policy(demo_catalog):
    for criterion in Criterion.objects.all():
        assert "coverage policy" not in criterion.source_title and "demo summary" not in criterion.source_title


def test_r6_anifrolumab_label_limits_name_severe_active_disease(demo_catalog):
    guide = Guide.objects.get(drug__slug="anifrolumab", payer__slug="cigna", denial_type__slug="not-fda-approved")
    text = " ".join(guide.body.split())
    assert "severe active lupus nephritis or severe active central nervous system lupus" in text
    assert "were not studied" not in text
    criterion = Criterion.objects.latest_versions().get(key="no-nephritis-cns")
    assert "severe active lupus nephritis" in criterion.requirement


def test_r12_the_tnf_prerequisite_is_not_said_to_cover_every_jak_indication(demo_catalog):
    upadacitinib = Drug.objects.get(slug="upadacitinib")
    assert "giant cell arteritis in adults, without a TNF-blocker prerequisite" in upadacitinib.indication
    assert "other inflammatory indications on its label" not in upadacitinib.indication
    for slug in ("tofacitinib", "baricitinib", "upadacitinib"):
        assert "one or more TNF blockers" in Drug.objects.get(slug=slug).indication
    jak_class = Drug.objects.get(slug="jak-inhibitor")
    assert "Some indications carry no such limit" in jak_class.indication


def test_r5_anifrolumab_dose_and_code_are_the_infusions_only(demo_catalog):
    drug = Drug.objects.get(slug="anifrolumab")
    assert drug.route == Drug.Route.IV_OR_SC  # the label's title: intravenous or subcutaneous use
    assert drug.typical_dose.startswith("300 mg IV") and "subcutaneous use, whose dose is not given here" in drug.typical_dose
    assert "weekly" not in drug.typical_dose


def test_no_fictional_clinician_is_left_in_the_project():
    root = Path(__file__).resolve().parent.parent
    names = ("Okafor", "Whitfield", "Priya Raman", "Synthetic Reviewer")
    for folder in ("appeals", "templates", "docs", "static", "bench"):
        for path in (root / folder).rglob("*"):
            # The migration names them once, to mark the guides they signed as demo content.
            if (
                path.is_file()
                and path.suffix in {".py", ".html", ".md", ".txt", ".csv", ".js", ".css"}
                and "migrations" not in path.parts
            ):
                text = path.read_text(encoding="utf-8")
                assert not any(name in text for name in names), path
    assert all(guide["is_demo"] and "reviewed_by" not in guide and "reviewer" not in guide for guide in data.GUIDES)


# --- K5: typical criteria are never the payer's -----------------------------


def test_k5_typical_criteria_are_never_called_the_payers(client, demo_catalog):
    # Landing page.
    page = text_of(client.get(LANDING))
    assert "Cigna's criteria for this denial" not in page
    assert "Typical criteria for Anifrolumab" in page and "They are not Cigna's published policy" in page
    assert "What Cigna typically requires" not in page and "each of Cigna's criteria" not in page

    # Wizard criteria step and review page.
    case, case_url = answered_case()
    step = text_of(client.get(f"{case_url}criteria/"))
    assert "Typical criteria for Anifrolumab" in step
    assert "Typical criterion for Anifrolumab, not Cigna's published policy" in step
    assert "Cigna's policy:" not in step and "effective January 1, 2026" not in step
    review = text_of(client.get(f"{case_url}review/"))
    assert "Typical criterion for Anifrolumab, not Cigna's published policy" in review
    assert "The plan's criteria" not in review

    # Both letters.
    for voice, letter in letters_for(case).items():
        text = html.unescape(letter)
        assert "Your criteria, point by point" not in text, voice
        assert "The criteria plans commonly apply to Anifrolumab, point by point" in text, voice
        assert "Please send me the criteria you actually applied." in text, voice
        assert "effective 01/01/2026" not in text, voice


def test_k5_verified_policy_criteria_are_the_payers_with_source_and_read_date(client, demo_catalog, checker):
    import_criteria(
        "cigna-verified.csv",
        feed(
            [
                policy_row("sle-diagnosis", 1, "Adult with SLE, autoantibody-positive"),
                policy_row("specialist", 2, "Prescribed by a listed specialist", kind="prescriber"),
            ]
        ),
        user=checker,
    )
    read_on = timezone.localdate() - datetime.timedelta(days=2)
    page = text_of(client.get(LANDING))
    assert "Cigna's criteria for this denial" in page and "Typical criteria for" not in page
    assert "Cigna policy 1234: Anifrolumab" in page
    assert f'read on <time datetime="{read_on:%Y-%m-%d}">' in page

    case, case_url = answered_case()
    step = text_of(client.get(f"{case_url}criteria/"))
    assert "Cigna's policy: Cigna policy 1234: Anifrolumab" in step and "Typical criterion" not in step
    for voice, letter in letters_for(case).items():
        text = html.unescape(letter)
        assert "Your criteria, point by point" in text, voice
        assert f"Cigna policy 1234: Anifrolumab, effective {timezone.localdate() - datetime.timedelta(days=1):%m/%d/%Y}" in text
        assert f"read {read_on:%m/%d/%Y}" in text
        assert "commonly apply" not in text, voice


def test_k5_mixed_criteria_keep_each_ones_source(client, demo_catalog, checker):
    import_criteria(
        "mixed.csv",
        feed(
            [
                policy_row("sle-diagnosis", 1, "Adult with SLE, autoantibody-positive"),
                policy_row("specialist", 2, "A specialist such as a rheumatologist", provenance="typical", verified_by=""),
            ]
        ),
    )
    page = text_of(client.get(LANDING))
    policy = page[page.index("Cigna's criteria for this denial") : page.index("Typical criteria for Anifrolumab")]
    assert "Adult with SLE" in policy and "A specialist such as" not in policy
    assert "A specialist such as" in page[page.index("Typical criteria for Anifrolumab") :]
    case, _ = answered_case()
    for voice, letter in letters_for(case).items():
        text = html.unescape(letter)
        assert "The criteria, point by point" in text and "Your criteria" not in text, voice
        assert "The rows marked “commonly applied” are not from your published policy" in text, voice
        specialist_row = text[text.index("A specialist such as") :][:200]
        assert "Commonly applied" in specialist_row and "Cigna policy 1234" not in specialist_row, voice


def test_k5_demo_suffix_never_in_the_letter(demo_catalog):
    # An old demo row as the feed once wrote it, kept as a typical criterion.
    Criterion.objects.filter(**STEP_THERAPY).update(source_title="Cigna coverage policy: Anifrolumab (demo summary)")
    case, _ = answered_case()
    for voice, letter in letters_for(case).items():
        assert "demo summary" not in letter and "demo catalog" not in letter, voice
        assert "Cigna coverage policy" not in letter, voice
    # The context gives a template no source title to print for a typical criterion.
    assert all(row["source_title"] == "" for row in letter_context(case, [])["criteria"])


def test_without_criteria_the_letter_claims_neither_the_payers_nor_typical_ones(demo_catalog):
    case, _ = answered_case()
    Criterion.objects.filter(**STEP_THERAPY).delete()
    case = type(case).objects.get(pk=case.pk)  # no memoised criteria
    for voice, letter in letters_for(case).items():
        text = html.unescape(letter)
        assert "The reasons for the denial, point by point" in text, voice
        assert "Your criteria" not in text and "commonly apply" not in text, voice


# --- Provenance rules: model and feed ---------------------------------------


def test_payer_policy_criterion_needs_url_read_date_and_staff_verifier(demo_catalog, checker):
    criterion = Criterion.objects.filter(**STEP_THERAPY).first()
    criterion.provenance = "payer_policy"
    criterion.source_url = ""
    with pytest.raises(ValidationError) as caught:
        criterion.full_clean()
    assert set(caught.value.message_dict) == {"source_url", "retrieved_on", "verified_by"}

    criterion.source_url = "https://static.cigna.com/policy.pdf"
    criterion.retrieved_on = timezone.localdate() + datetime.timedelta(days=1)
    criterion.verified_by = get_user_model().objects.create_user("patient-user", "p@example.org", "x" * 16)
    with pytest.raises(ValidationError) as caught:
        criterion.full_clean()
    assert "future" in caught.value.message_dict["retrieved_on"][0]
    assert "verified_by" in caught.value.message_dict  # a non-staff account cannot verify

    criterion.retrieved_on, criterion.verified_by = timezone.localdate(), checker
    criterion.full_clean()
    # A typical criterion needs none of them.
    typical = Criterion.objects.filter(**STEP_THERAPY).last()
    typical.full_clean()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"source_url": ""}, "needs the address of the published policy"),
        ({"retrieved_on": ""}, "needs the day the policy was read"),
        ({"verified_by": ""}, "needs the staff account that checked it"),
        ({"verified_by": "nobody"}, "verified_by 'nobody' is not the username or email of an active staff account"),
        ({"retrieved_on": "2026-02-30"}, "retrieved_on '2026-02-30' must be a real date"),
    ],
)
def test_the_feed_refuses_an_unverified_payer_policy_row(demo_catalog, checker, overrides, message):
    before = Criterion.objects.count()
    with pytest.raises(FeedRejected) as caught:
        import_criteria("bad.csv", feed([policy_row("sle-diagnosis", 1, "Adult with SLE", **overrides)]))
    assert [problem.line for problem in caught.value.problems] == [2]
    assert message in caught.value.problems[0].message
    assert Criterion.objects.count() == before


def test_the_feed_reads_unknown_or_missing_provenance_as_typical(demo_catalog, checker):
    import_criteria(
        "mixed.csv",
        feed(
            [
                policy_row("sle-diagnosis", 1, "Adult with SLE", provenance="payers-policy", verified_by=""),
                policy_row("specialist", 2, "A specialist", provenance="", retrieved_on="", verified_by=""),
                policy_row("verified", 3, "Checked row", verified_by="CHECKER@example.org"),
            ]
        ),
    )
    current = {c.key: c for c in Criterion.objects.filter(**STEP_THERAPY).latest_versions()}
    assert current["sle-diagnosis"].provenance == current["specialist"].provenance == "typical"
    assert current["verified"].provenance == "payer_policy" and current["verified"].verified_by == checker


def test_a_verification_change_is_a_new_version(demo_catalog, checker):
    row = policy_row("sle-diagnosis", 1, "Adult with SLE", provenance="", verified_by="", retrieved_on="")
    import_criteria("typical.csv", feed([row]))
    later = (timezone.localdate() - datetime.timedelta(days=0)).isoformat()
    verified = {**row, "provenance": "payer_policy", "verified_by": "checker", "effective_date": later,
                "retrieved_on": timezone.localdate().isoformat()}  # fmt: skip
    result = import_criteria("verified.csv", feed([verified]))
    assert len(result.created) == 1 and len(result.replaced) == 1
    assert import_criteria("verified.csv", feed([verified])).changed is False


# --- K6: reviewers -----------------------------------------------------------


def test_k6_no_reviewed_by_without_a_staff_reviewer(client, demo_catalog, django_capture_on_commit_callbacks):
    response = client.get(LANDING)
    page = text_of(response)
    assert "Last reviewed" not in page and "Not yet reviewed." in page
    node = json_ld_page(response)
    assert "reviewedBy" not in node and "lastReviewed" not in node

    # A reviewer who has since lost staff status is not named either.
    with django_capture_on_commit_callbacks(execute=True):
        guide = make_real(Guide.objects.get(**STEP_THERAPY))
    assert "Last reviewed" in text_of(client.get(LANDING))
    with django_capture_on_commit_callbacks(execute=True):
        guide.reviewer.is_staff = False
        guide.reviewer.save()  # the page cache follows account changes
    response = client.get(LANDING)
    assert "Last reviewed" not in text_of(response) and "reviewedBy" not in json_ld_page(response)


def test_k6_reviewer_is_a_staff_account_with_credentials(client, demo_catalog):
    guide = Guide.objects.get(**STEP_THERAPY)
    plain_user = get_user_model().objects.create_user("plain", "plain@example.org", "x" * 16)
    guide.reviewer, guide.reviewed_on = plain_user, timezone.localdate()
    with pytest.raises(ValidationError, match="must be a staff account"):
        guide.full_clean()
    staff_without_profile = get_user_model().objects.create_user("staff", "s@example.org", "x" * 16, is_staff=True)
    guide.reviewer = staff_without_profile
    with pytest.raises(ValidationError, match="reviewer profile"):
        guide.full_clean()
    guide.reviewer, guide.reviewed_on = None, timezone.localdate()
    with pytest.raises(ValidationError, match="needs the staff account"):
        guide.full_clean()

    reviewer = staff_reviewer(profile_url="https://example.org/jordan")
    reviewed_on = timezone.localdate() - datetime.timedelta(days=4)
    make_real(guide, reviewer, reviewed_on=reviewed_on)
    response = client.get(LANDING)
    page = text_of(response)
    assert f'Last reviewed <time datetime="{reviewed_on:%Y-%m-%d}">' in page
    assert '<a href="https://example.org/jordan" rel="noopener">Jordan Example</a>, MD, rheumatology.' in page
    node = json_ld_page(response)
    assert node["lastReviewed"] == reviewed_on.isoformat()
    assert node["reviewedBy"] == {
        "@type": "Person",
        "name": "Jordan Example",
        "jobTitle": "MD, rheumatology",
        "url": "https://example.org/jordan",
    }


def test_naming_the_reviewer_costs_no_extra_query(client, demo_catalog):
    make_real(Guide.objects.get(**STEP_THERAPY))
    with CaptureQueriesContext(connection) as queries:
        assert "Last reviewed" in text_of(client.get(LANDING))
    assert len(queries) == LANDING_QUERIES


def test_a_real_guide_is_published_only_with_a_reviewer_but_a_demo_guide_may_be(demo_catalog):
    guide = Guide.objects.get(**STEP_THERAPY)
    guide.full_clean()  # demo, published, no reviewer
    guide.is_demo = False
    with pytest.raises(ValidationError, match="only after review"):
        guide.full_clean()


# --- Demo content: labelled, noindex, out of the sitemap ---------------------


def sitemap_paths(client) -> set[str]:
    paths = set()
    for section in ("landing", "drugs", "payers", "denials", "home"):
        content = client.get(f"/sitemap-{section}.xml").content.decode()
        paths |= {re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>(.*?)</loc>", content)}
    return paths


def test_demo_pages_are_labelled_noindex_and_out_of_the_sitemap(client, demo_catalog):
    for path in (LANDING, "/drugs/anifrolumab/", "/payers/cigna/", "/denials/step-therapy/"):
        page = text_of(client.get(path))
        assert "Demo content." in page, path
        assert '<meta name="robots" content="noindex' in page, path
    assert "Demo content." in text_of(client.get("/"))
    listed = sitemap_paths(client)
    assert not any(path.startswith(("/appeal/", "/drugs/", "/payers/", "/denials/")) for path in listed), listed
    assert "/" in listed


def test_a_demo_only_catalog_has_a_valid_sitemap_of_the_home_page_alone(client, demo_catalog):
    schemas = Path(__file__).resolve().parent / "schemas"
    index = client.get("/sitemap.xml").content.decode()
    xmlschema.XMLSchema(schemas / "siteindex.xsd").validate(index)
    sections = [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>(.*?)</loc>", index)]
    assert sections == ["/sitemap-home.xml"]
    xmlschema.XMLSchema(schemas / "sitemap.xsd").validate(client.get(sections[0]).content.decode())


def test_real_pages_stay_indexable_and_in_the_sitemap(client, demo_catalog):
    make_real(Guide.objects.get(**STEP_THERAPY))
    page = text_of(client.get(LANDING))
    assert "noindex" not in page and "Demo content." not in page
    # The drug hub lists a real guide beside demo ones: indexed, with the demo notice.
    hub = text_of(client.get("/drugs/anifrolumab/"))
    assert "noindex" not in hub and "Demo content." in hub
    listed = sitemap_paths(client)
    assert {LANDING, "/drugs/anifrolumab/", "/payers/cigna/", "/denials/step-therapy/"} <= listed
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-landing.xml" in index and "/sitemap-drugs.xml" in index
    assert "/appeal/anifrolumab/cigna/quantity-limit/" not in listed  # still demo
    assert "/drugs/pembrolizumab/" not in listed  # only demo guides


# --- Admin ---------------------------------------------------------------------


def test_staff_set_a_reviewer_in_admin_and_see_each_criterions_source(client, demo_catalog):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "a-long-test-password")
    client.force_login(admin)
    added = client.post(
        reverse("admin:appeals_reviewerprofile_add"),
        {"user": admin.pk, "display_name": "Jordan Example", "credentials": "PharmD, BCPS", "profile_url": ""},
    )
    assert added.status_code == 302
    guide = Guide.objects.get(**STEP_THERAPY)
    url = reverse("admin:appeals_guide_change", args=[guide.pk])
    form = client.get(url).context["adminform"].form
    assert list(form.fields["reviewer"].queryset) == [admin]  # staff accounts with a profile only
    post = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    post.pop("is_demo", None)
    post.update(reviewer=admin.pk, reviewed_on=timezone.localdate().isoformat(), published="on")
    assert client.post(url, post).status_code == 302
    guide.refresh_from_db()
    assert guide.reviewer == admin and not guide.is_demo and guide.is_reviewed

    criterion = Criterion.objects.filter(**STEP_THERAPY).first()
    page = client.get(reverse("admin:appeals_criterion_change", args=[criterion.pk])).content.decode()
    assert "Where it comes from" in page and "Typical criteria for this drug" in page
