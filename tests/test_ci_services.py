"""Under CI the suite must run on the real services, not the embedded ones."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import UNDER_CI


@pytest.mark.skipif(not UNDER_CI, reason="checks the CI configuration; a developer machine may use SQLite")
def test_ci_runs_on_postgresql_and_redis(db):
    assert connection.vendor == "postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
