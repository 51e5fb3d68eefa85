"""A landing page's cost does not grow with the catalog."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appeals.models import Guide
from appeals.web.public import LANDING_QUERIES

pytestmark = pytest.mark.django_db


def queries_for_pages(client, sample: int = 5) -> set[int]:
    counts = set()
    guides = Guide.objects.filter(published=True, drug__slug__startswith="synthetic-").select_related(
        "drug", "payer", "denial_type"
    )
    for guide in guides.order_by("?")[:sample]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(guide.get_absolute_url())
        assert response.status_code == 200
        counts.add(len(queries))
    return counts


def test_query_count_is_the_same_at_10_and_at_1000_combinations(client):
    call_command("build_synthetic_catalog", drugs=5, payers=2, denial_types=1, stdout=io.StringIO())
    assert Guide.objects.filter(published=True).count() == 10
    at_10 = queries_for_pages(client)

    call_command("build_synthetic_catalog", drugs=10, payers=10, denial_types=10, clear=True, stdout=io.StringIO())
    assert Guide.objects.filter(published=True).count() == 1000
    at_1000 = queries_for_pages(client)

    assert at_10 == at_1000 == {LANDING_QUERIES}
    assert LANDING_QUERIES <= 6


def hub_and_home_queries(client) -> dict[str, int]:
    counts = {}
    for path in ("/", "/drugs/synthetic-drug-0001/", "/payers/synthetic-payer-001/", "/denials/synthetic-denial-01/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts[path] = len(queries)
    return counts


def test_hubs_and_home_do_not_query_per_row(client):
    call_command("build_synthetic_catalog", drugs=2, payers=1, denial_types=1, stdout=io.StringIO())
    small = hub_and_home_queries(client)
    call_command("build_synthetic_catalog", drugs=12, payers=10, denial_types=10, clear=True, stdout=io.StringIO())
    assert hub_and_home_queries(client) == small
    assert max(small.values()) <= 6, small
