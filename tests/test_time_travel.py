"""FREEZE_TIME_AT, which .ci/run uses to run the in-process tests at moments
that have broken date code before (tests/conftest.py)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.conftest import FREEZE_TIME_AT, frozen_moment


def test_the_moment_is_read_with_its_time_zone():
    assert frozen_moment("2027-03-14T04:30:00Z") == datetime.datetime(2027, 3, 14, 4, 30, tzinfo=datetime.UTC)
    assert frozen_moment("2028-02-29T22:45:00-05:00") == datetime.datetime(2028, 3, 1, 3, 45, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("value", "message"),
    [("2027-03-14T04:30:00", "needs a time zone"), ("next tuesday", "not an ISO 8601 time"), ("", "not an ISO 8601 time")],
)
def test_a_moment_that_is_not_one_is_refused_with_the_reason(value, message):
    with pytest.raises(pytest.UsageError, match=message):
        frozen_moment(value)


@pytest.mark.skipif(not FREEZE_TIME_AT, reason="only when the run is moved in time (FREEZE_TIME_AT)")
def test_the_whole_run_is_at_the_frozen_moment():
    """The session started at the moment and ticks on from it; a run of the
    in-process tests takes minutes, not hours."""
    moment = frozen_moment(FREEZE_TIME_AT)
    now = timezone.now()
    assert moment <= now < moment + datetime.timedelta(hours=2)
    assert datetime.datetime.now(tz=datetime.UTC) - now < datetime.timedelta(seconds=5)
