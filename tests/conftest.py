"""Shared fixtures.

Tests that need a real service (a broker, a Celery worker, Chromium) call
``need(...)``: on a developer machine without the service they are skipped
with the reason, but under CI (CI=true) the same condition fails the test, so
a CI run can never pass by skipping what it is there to check.

``FREEZE_TIME_AT=2027-03-14T04:30:00Z`` runs the whole session at that moment
(the clock then ticks on from it), to show no test depends on the day it is
run; tests with real worker processes or Chromium, which cannot be moved in
time, are skipped then.  A WeasyPrint "Failed to load …" record (a stylesheet
or image the packet links that the fetcher refused or could not find) fails
the test that caused it, in this process or in a worker's log.
"""

from __future__ import annotations

import copy
import datetime
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from denialhelp.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
UNDER_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
FREEZE_TIME_AT = os.environ.get("FREEZE_TIME_AT", "")
# What WeasyPrint logs when a stylesheet, image or font a page links cannot be loaded.
WEASYPRINT_LOAD_FAILURE = "Failed to load"


def frozen_moment(value: str) -> datetime.datetime:
    """FREEZE_TIME_AT as an aware datetime (ISO 8601 with Z or an offset)."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"FREEZE_TIME_AT={value!r} is not an ISO 8601 time, e.g. 2027-03-14T04:30:00Z") from None
    if moment.tzinfo is None:
        raise pytest.UsageError(f"FREEZE_TIME_AT={value!r} needs a time zone (Z or +HH:MM): which moment is meant?")
    return moment


_traveller = pytest.StashKey[time_machine.travel]()


def pytest_configure(config):
    if FREEZE_TIME_AT:
        # From before collection, so that even dates computed at import are the frozen day's.
        traveller = time_machine.travel(frozen_moment(FREEZE_TIME_AT), tick=True)
        traveller.start()
        config.stash[_traveller] = traveller


def pytest_unconfigure(config):
    if _traveller in config.stash:
        config.stash[_traveller].stop()


def pytest_report_header(config):
    if FREEZE_TIME_AT:
        return f"time travelled to {FREEZE_TIME_AT} (ticking); pipeline and browser tests skipped"
    return None


# Fixtures that start a process (a worker, a live server, Chromium) on the real clock.
REAL_PROCESS_FIXTURES = frozenset({"celery_worker", "live_site", "live_server", "chromium_path"})


def _starts_a_real_process(item) -> bool:
    # A marker can be forgotten; a fixture that starts a real process cannot hide.
    uses_a_real_process = REAL_PROCESS_FIXTURES.intersection(getattr(item, "fixturenames", ()))
    return bool(item.get_closest_marker("pipeline") or item.get_closest_marker("browser") or uses_a_real_process)


def pytest_collection_modifyitems(config, items):
    if not FREEZE_TIME_AT:
        # The tests that start processes are the longest (tens of seconds, much of it waiting):
        # run first, they overlap the rest instead of leaving one process busy at the end.
        items.sort(key=lambda item: not _starts_a_real_process(item))
        return
    skip = pytest.mark.skip(reason="worker processes and Chromium run on the real clock, not FREEZE_TIME_AT")
    for item in items:
        if _starts_a_real_process(item):
            item.add_marker(skip)


class WeasyPrintLoadFailures(logging.Handler):
    """Keeps WeasyPrint's "Failed to load …" records: WeasyPrint renders on
    without the resource (an unstyled packet, no page numbers), so the log
    line is the only sign of it."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith(WEASYPRINT_LOAD_FAILURE):
            self.records.append(record)


WEASYPRINT_LOAD_FAILURES = WeasyPrintLoadFailures()


def pytest_sessionstart(session):
    # After Django configured logging, which leaves the weasyprint logger's handlers alone.
    logging.getLogger("weasyprint").addHandler(WEASYPRINT_LOAD_FAILURES)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    WEASYPRINT_LOAD_FAILURES.records.clear()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    records, WEASYPRINT_LOAD_FAILURES.records = WEASYPRINT_LOAD_FAILURES.records, []
    if records and not item.get_closest_marker("weasyprint_refusals"):
        pytest.fail("WeasyPrint could not load what a page links:\n" + "\n".join(r.getMessage()[:300] for r in records))
    return result


def assert_no_weasyprint_load_failures(worker_log: str) -> None:
    """The same check on a worker process's log."""
    failures = [line for line in worker_log.splitlines() if WEASYPRINT_LOAD_FAILURE in line]
    if failures:
        pytest.fail("WeasyPrint could not load what a page links, in a worker:\n" + "\n".join(f[:300] for f in failures))


def need(condition: bool, reason: str) -> None:
    if condition:
        return
    if UNDER_CI:
        pytest.fail(f"CI requires this, but: {reason}")
    pytest.skip(reason)


def broker_reachable() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return True
    except Exception:
        return False


def database_url_for_subprocess() -> str:
    """The URL of the database this test is using (the test database), for a
    worker process started by the test."""
    params = connection.settings_dict
    if params["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{params['NAME']}"
    user = quote(params.get("USER") or "")
    password = f":{quote(params['PASSWORD'])}" if params.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = params.get("HOST") or "127.0.0.1"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{params['NAME']}"


def subprocess_env(**overrides: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONUNBUFFERED": "1"}
    env.update(overrides)
    return env


def _group_alive(pgid: int) -> bool:
    """Whether a live (not zombie) process of the group remains."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel, zombies included
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for stat_file in proc.glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid pgrp ..."; comm may contain spaces.
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def stop_process_group(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM the whole group (a prefork worker has children), then SIGKILL
    what is left.  Returns only when no process of the group remains, so no
    child is still holding a connection to the test database."""
    pgid = process.pid
    if process.poll() is None:
        try:
            os.killpg(pgid, signal.SIGTERM)
            process.wait(timeout=timeout)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            process.wait(timeout=10)
    if not wait_for(lambda: not _group_alive(pgid), timeout=10, interval=0.05):
        os.killpg(pgid, signal.SIGKILL)
        wait_for(lambda: not _group_alive(pgid), timeout=5, interval=0.05)


class WorkerProcess:
    def __init__(self, process: subprocess.Popen, log_path: Path):
        self.process = process
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_worker(log_path: Path, *extra_args: str, **env: str) -> WorkerProcess:
    """A real `celery worker` process on the configured broker, reading the
    test database, in a process group of its own (so a test can kill it whole)."""
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "denialhelp", "worker",
                "--loglevel=INFO", "--concurrency=1", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-n", f"test-{uuid.uuid4().hex[:8]}@%h", *extra_args,
            ],
            cwd=ROOT,
            env=subprocess_env(DATABASE_URL=database_url_for_subprocess(), **env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    return WorkerProcess(process, log_path)


def wait_until_ready(worker: WorkerProcess) -> None:
    from appeals.tasks import ping

    assert ping.delay().get(timeout=60) == "pong", worker.log()


@pytest.fixture
def celery_worker(transactional_db, tmp_path) -> Iterator[WorkerProcess]:
    """A real worker process; tests using it must commit their data (transactional_db)."""
    need(broker_reachable(), f"the Celery broker at {settings.CELERY_BROKER_URL.split('@')[-1]} does not answer")
    celery_app.control.purge()  # a message left by an earlier, interrupted run
    worker = start_worker(tmp_path / "worker.log")
    try:
        wait_until_ready(worker)
        yield worker
    finally:
        stop_process_group(worker.process)
    assert_no_weasyprint_load_failures(worker.log())


@pytest.fixture(scope="session")
def live_site(django_db_setup, live_server):
    """pytest-django's live server, started after the test database exists so
    that it is stopped (and its connection closed) before the database is
    dropped."""
    return live_server


@pytest.fixture
def chromium_path() -> str:
    need(Path(CHROMIUM).exists() or bool(shutil.which("chromium")), f"Chromium is not installed at {CHROMIUM}")
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


class _TestDatabase:
    """What the session's test database holds before any test (set by
    django_db_setup below), for putting back after a flush."""

    blocker = None
    reference_rows = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as migrated, plus the few ICD-10-CM codes tests use
    (the code set is not loaded by a migration).  Its rows of the appeals
    app (these codes, the price and SEO25 that migration 0003 seeds) are
    kept, to be put back after a transactional test flushes the database."""
    from tests.support.diagnosis_codes import load_test_diagnosis_codes
    from tests.support.rows import Rows

    with django_db_blocker.unblock():
        load_test_diagnosis_codes()
        _TestDatabase.reference_rows = Rows.of_apps("appeals")
    _TestDatabase.blocker = django_db_blocker
    yield
    _TestDatabase.blocker = None


def _flushes_the_database(item: pytest.Item) -> bool:
    """Whether pytest-django runs this test in a TransactionTestCase, which
    empties every table when the test ends."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    # After the fixtures' teardown, so after pytest-django's flush.
    if _TestDatabase.blocker is not None and _flushes_the_database(item):
        with _TestDatabase.blocker.unblock():
            _TestDatabase.reference_rows.insert(ignore_conflicts=True)
    return result


@pytest.fixture(scope="session")
def _demo_catalog_rows(django_db_setup, django_db_blocker):
    """The demo catalog, loaded once per session (the loader validates every
    row and imports the criteria feed: slow), kept as rows and rolled back."""
    from appeals.demo.loader import load_demo_catalog
    from tests.support.rows import Rows

    with django_db_blocker.unblock():
        return Rows.added_by(load_demo_catalog)


@pytest.fixture
def demo_catalog(db, _demo_catalog_rows):
    """The demo catalog in this test's database, as `load_demo_catalog()`
    leaves it; returns the loader's report."""
    rows, report = _demo_catalog_rows
    rows.insert()
    return copy.deepcopy(report)


def wait_for(predicate, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with an empty cache: test transactions roll back
    without the on-commit hook that would move the catalog version on."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


WEBHOOK_SECRET = "whsec_test_denialhelp_webhook"


@pytest.fixture
def fake_stripe(settings):
    """The fake Stripe API on a random local port, with the app's Stripe
    settings pointing at it (a test secret key and webhook secret)."""
    from tests.support.fake_stripe import FakeStripe

    fake = FakeStripe(api_key=f"sk_test_{uuid.uuid4().hex}").start()
    settings.STRIPE_SECRET_KEY = fake.api_key
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    try:
        yield fake
    finally:
        fake.stop()


# PDFs WeasyPrint made in this process, by the packet HTML they were made from.  Many
# tests start from the same paid case, whose packet is byte-for-byte the same HTML;
# WeasyPrint's output for the same HTML is the same, so it is made once (about a
# second each time otherwise).  Only the ``paid_letter`` fixture uses it: tests of
# rendering itself still call WeasyPrint.
_PDF_BY_HTML: dict[str, object] = {}


@pytest.fixture
def paid_letter(client, demo_catalog, settings, django_capture_on_commit_callbacks, monkeypatch):
    """A case paid on the local payment page, its letter rendered (the task's logic, run here)."""
    from appeals.letters import rendering
    from appeals.models import Order
    from tests.support.payment_helpers import pay, reviewed_case

    def packet_pdf_once(packet):
        if packet.html not in _PDF_BY_HTML:
            _PDF_BY_HTML[packet.html] = real_packet_pdf(packet)
        return _PDF_BY_HTML[packet.html]

    real_packet_pdf = rendering.packet_pdf
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    case, case_url = reviewed_case(client)
    client.post(pay(client, case_url)["Location"], {"pay": ""})
    order = Order.objects.get(case=case)
    with monkeypatch.context() as patch, django_capture_on_commit_callbacks(execute=True):
        patch.setattr(rendering, "packet_pdf", packet_pdf_once)
        rendering.render_packet(order.letter.pk)
    order.refresh_from_db()
    return order


@pytest.fixture
def open_order(client, demo_catalog, fake_stripe):
    """A $30 order (SEO25) with an open Checkout Session on the fake API."""
    from appeals.models import Order
    from tests.support.payment_helpers import pay, reviewed_case

    case, case_url = reviewed_case(client)
    pay(client, case_url)
    return Order.objects.get(case=case)
