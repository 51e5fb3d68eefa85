"""How appeals ended: the count on landing pages (from MIN_OUTCOMES up, narrowest
scope first, stand-in rows never counted, fresh despite the page cache) and the
staff table and CSV export.  Every outcome has a fixed year: nothing here depends
on the day the tests run."""

from __future__ import annotations

import csv
import html
import io
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals.catalog.models import unlisted_drug, unlisted_payer
from appeals.models import DenialType, Drug, Outcome, Payer, PlanType
from appeals.tracking.models import Answer
from appeals.tracking.outcomes import MIN_OUTCOMES, outcome_rate
from appeals.web.public import LANDING_QUERIES

pytestmark = pytest.mark.django_db

LANDING = "/appeal/anifrolumab/cigna/step-therapy/"
HEADING = "How appeals like this ended"


def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def outcome_section(page: str) -> str:
    match = re.search(r'<section aria-labelledby="outcomes">(.*?)</section>', page, re.S)
    assert match, "no outcome section"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


def create_outcomes(drug: str, payer: str, denial: str = "step-therapy", *, results: list[str], years=(2024,)) -> None:
    """One outcome per result, the years taken in turn."""
    drug_row = unlisted_drug() if drug == "unlisted" else Drug.objects.get(slug=drug)
    payer_row = unlisted_payer() if payer == "unlisted" else Payer.objects.get(slug=payer)
    denial_row = DenialType.objects.get(slug=denial)
    for index, result in enumerate(results):
        Outcome.objects.create(
            drug=drug_row,
            payer=payer_row,
            denial_type=denial_row,
            plan_type=PlanType.objects.order_by("pk").first(),
            level=1,
            stage="first_denial",
            result=result,
            year=years[index % len(years)],
        )


@pytest.fixture
def add_outcomes(demo_catalog, django_capture_on_commit_callbacks):
    """create_outcomes, committed as a real request's would be: the page cache's
    version is bumped on commit (the test's own transaction never commits)."""

    def add(*args, **kwargs) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            create_outcomes(*args, **kwargs)

    return add


def mixed(approved: int, partly: int, upheld: int) -> list[str]:
    return [Answer.APPROVED] * approved + [Answer.PARTLY] * partly + [Answer.UPHELD] * upheld


def test_nine_outcomes_show_nothing_and_ten_show_the_count(client, add_outcomes):
    assert MIN_OUTCOMES == 10
    add_outcomes("anifrolumab", "cigna", results=mixed(5, 1, 3), years=(2024, 2025))
    page = text_of(client.get(LANDING))
    assert HEADING not in page and 'id="outcomes"' not in page and "appeals we know of" not in page

    add_outcomes("anifrolumab", "cigna", results=[Answer.UPHELD], years=(2025,))
    section = outcome_section(text_of(client.get(LANDING)))
    assert section.startswith(HEADING)
    assert "6 of 10 appeals we know of were approved (1 of them in part), in 2024–2025." in section
    assert "The count covers Anifrolumab denied by Cigna (step therapy)." in section
    # What the number does not mean.
    assert "only the appeals whose result people using this site told us" in section
    assert "not a prediction for any one case" in section
    assert "Cigna's own figures may differ" in section


def test_the_section_is_a_heading_in_order_and_adds_no_script(client, add_outcomes):
    add_outcomes("anifrolumab", "cigna", results=mixed(10, 0, 2), years=(2023,))
    raw = client.get(LANDING).content.decode()
    headings = re.findall(r"<h([1-6])[^>]*>", raw)
    assert headings[0] == "1" and all(int(b) - int(a) <= 1 for a, b in itertools.pairwise(headings))
    assert '<h2 id="outcomes">How appeals like this ended</h2>' in raw
    assert re.findall(r"<script\b[^>]*>", raw) == ['<script type="application/ld+json">']
    # No "0 of them in part", and a single year is written once.
    assert "10 of 12 appeals we know of were approved, in 2023." in outcome_section(html.unescape(raw))


def test_the_count_falls_back_to_the_payer_then_to_the_denial_type(client, add_outcomes):
    # Too few for this drug at Cigna, but enough for step therapy at Cigna with another drug.
    add_outcomes("anifrolumab", "cigna", results=mixed(2, 0, 1), years=(2024,))
    add_outcomes("tofacitinib", "cigna", results=mixed(3, 2, 3), years=(2022, 2023))
    section = outcome_section(text_of(client.get(LANDING)))
    assert "7 of 11 appeals we know of were approved (2 of them in part), in 2022–2024." in section
    assert "The count covers every drug denied by Cigna (step therapy)." in section


def test_the_count_falls_back_to_the_denial_type_at_every_insurer(client, add_outcomes):
    add_outcomes("anifrolumab", "cigna", results=mixed(1, 0, 0), years=(2025,))
    add_outcomes("anifrolumab", "aetna", results=mixed(4, 0, 4), years=(2024,))
    add_outcomes("baricitinib", "humana", results=mixed(0, 1, 2), years=(2021,))
    # Another denial type's outcomes are never counted here.
    add_outcomes("anifrolumab", "cigna", "quantity-limit", results=mixed(20, 0, 0), years=(2020,))
    section = outcome_section(text_of(client.get(LANDING)))
    assert "6 of 12 appeals we know of were approved (1 of them in part), in 2021–2025." in section
    assert "The count covers every drug and insurer (step therapy)." in section


def test_the_page_says_what_outcome_rate_says_in_each_scope(client, add_outcomes):
    """The landing page reads the figures in its guide's own query; they must
    agree with outcome_rate's."""
    drug, payer = Drug.objects.get(slug="anifrolumab"), Payer.objects.get(slug="cigna")
    denial = DenialType.objects.get(slug="step-therapy")
    for combo in (("baricitinib", "aetna"), ("tofacitinib", "cigna"), ("anifrolumab", "cigna")):
        add_outcomes(*combo, results=mixed(4, 3, 3), years=(2019, 2020, 2021))
        rate = outcome_rate(drug, payer, denial)
        section = outcome_section(text_of(client.get(LANDING)))
        assert f"{rate.approved} of {rate.total} appeals we know of were approved ({rate.partly} of them in part)" in section
        assert f"in {rate.years}. The count covers {rate.scope}." in section


def test_stand_in_outcomes_are_not_counted(client, add_outcomes):
    add_outcomes("anifrolumab", "cigna", results=mixed(5, 0, 4), years=(2024,))
    add_outcomes("unlisted", "cigna", results=mixed(10, 0, 0), years=(2024,))
    add_outcomes("anifrolumab", "unlisted", results=mixed(10, 0, 0), years=(2024,))
    add_outcomes("unlisted", "unlisted", results=mixed(10, 0, 0), years=(2024,))
    page = text_of(client.get(LANDING))
    assert HEADING not in page and "appeals we know of" not in page

    add_outcomes("tofacitinib", "aetna", results=[Answer.UPHELD], years=(2024,))
    section = outcome_section(text_of(client.get(LANDING)))
    assert "5 of 10 appeals we know of were approved, in 2024." in section
    assert "every drug and insurer" in section


def test_a_new_outcome_shows_despite_the_page_cache(client, add_outcomes, django_capture_on_commit_callbacks):
    add_outcomes("anifrolumab", "cigna", results=mixed(6, 0, 4), years=(2024,))
    assert "6 of 10 appeals" in outcome_section(text_of(client.get(LANDING)))
    # The page is now cached: a second visit costs no query.
    with CaptureQueriesContext(connection) as queries:
        assert "6 of 10 appeals" in outcome_section(text_of(client.get(LANDING)))
    assert len(queries) == 0

    add_outcomes("anifrolumab", "cigna", results=[Answer.APPROVED], years=(2025,))
    section = outcome_section(text_of(client.get(LANDING)))
    assert "7 of 11 appeals we know of were approved, in 2024–2025." in section

    with django_capture_on_commit_callbacks(execute=True):
        Outcome.objects.filter(year=2025).delete()
    assert "6 of 10 appeals we know of were approved, in 2024." in outcome_section(text_of(client.get(LANDING)))


def test_the_count_costs_the_landing_page_no_query(client, add_outcomes):
    for count in (0, 10):
        add_outcomes("anifrolumab", "cigna", results=mixed(count, 0, 0) or [], years=(2024,))
        with CaptureQueriesContext(connection) as queries:
            page = text_of(client.get(LANDING))
        assert len(queries) == LANDING_QUERIES
        assert (HEADING in page) == (count == 10)


# Staff: the table of counts and the CSV export.


@pytest.fixture
def staff_client(client, django_user_model, demo_catalog, settings):
    # As the rest of the suite (tests/test_admin.py): the plain admin login, no second factor.
    settings.STAFF_REQUIRE_OTP = False
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", "a-long-test-password")
    client.force_login(user)
    return client


@pytest.fixture
def some_outcomes(demo_catalog):
    create_outcomes("anifrolumab", "cigna", results=mixed(2, 1, 1), years=(2023, 2024))
    create_outcomes("tofacitinib", "aetna", "quantity-limit", results=mixed(0, 0, 2), years=(2022,))


def test_staff_table_lists_counts_by_combination(staff_client, some_outcomes):
    response = staff_client.get(reverse("admin:appeals_outcome_table"))
    page = re.sub(r"\s+", " ", text_of(response))
    assert "Outcomes by drug, payer and denial type" in page
    rows = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", page)
    ]
    assert ["Anifrolumab", "Cigna", "Step therapy", "4", "2", "1", "1"] in rows
    assert ["Tofacitinib", "Aetna", "Quantity / dose limit", "2", "0", "0", "2"] in rows


def test_staff_export_lists_every_outcome_as_csv(staff_client, some_outcomes):
    response = staff_client.get(reverse("admin:appeals_outcome_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["drug", "payer", "denial_type", "plan_type", "level", "stage", "result", "year"]
    body = rows[1:]
    assert len(body) == Outcome.objects.count() == 6
    assert {(row[0], row[1], row[2], row[6], row[7]) for row in body} == {
        ("Anifrolumab", "Cigna", "Step therapy", "Approved", "2023"),
        ("Anifrolumab", "Cigna", "Step therapy", "Approved", "2024"),
        ("Anifrolumab", "Cigna", "Step therapy", "Partly approved", "2023"),
        ("Anifrolumab", "Cigna", "Step therapy", "Denied again (upheld)", "2024"),
        ("Tofacitinib", "Aetna", "Quantity / dose limit", "Denied again (upheld)", "2022"),
    }


def test_staff_export_action_exports_the_selected_outcomes(staff_client, some_outcomes):
    chosen = list(Outcome.objects.filter(drug__slug="tofacitinib").values_list("pk", flat=True))
    response = staff_client.post(
        reverse("admin:appeals_outcome_changelist"),
        {"action": "export_csv", "_selected_action": [str(pk) for pk in chosen]},
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 1 + len(chosen) == 3
    assert {row[0] for row in rows[1:]} == {"Tofacitinib"}


@pytest.mark.parametrize("name", ["admin:appeals_outcome_table", "admin:appeals_outcome_export"])
def test_the_table_and_export_need_a_staff_login(client, django_user_model, some_outcomes, settings, name):
    settings.STAFF_REQUIRE_OTP = False
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    client.force_login(django_user_model.objects.create_user("someone", "someone@example.org", "a-long-test-password"))
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert "Anifrolumab" not in response.content.decode()


@pytest.mark.parametrize("name", ["admin:appeals_outcome_table", "admin:appeals_outcome_export"])
def test_with_otp_required_a_password_login_alone_is_not_enough(client, django_user_model, some_outcomes, settings, name):
    settings.STAFF_REQUIRE_OTP = True
    client.force_login(django_user_model.objects.create_superuser("staff", "staff@example.org", "a-long-test-password"))
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
