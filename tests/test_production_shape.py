"""The app as production runs it: DEBUG off (so the start-up check and the
HTTPS redirect are on), static files collected with hashed names and served
by WhiteNoise, PostgreSQL, Redis for the broker and the cache, a real Celery
worker and gunicorn.  A paid packet is rendered by the worker and read back.

Only run by .ci/production_shape, which sets that environment and runs
collectstatic first (PRODUCTION_SHAPE=1); skipped otherwise, because the
ordinary test run is configured for a developer machine."""

from __future__ import annotations

import io
import json
import os
import re
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
from pypdf import PdfReader

from appeals.models import Letter, Order
from tests.conftest import assert_no_weasyprint_load_failures, stop_process_group, wait_for
from tests.support.payment_helpers import deliver, pay, reviewed_case
from tests.test_faults import start_web
from tests.test_letter_packet import pdf_text
from tests.test_pipeline import free_port

REQUESTED = os.environ.get("PRODUCTION_SHAPE", "") == "1"

pytestmark = [
    pytest.mark.production,
    pytest.mark.pipeline,
    pytest.mark.skipif(not REQUESTED, reason="production settings only: run .ci/production_shape"),
]

# WeasyPrint's note that it subsets fonts with fontTools because the system's
# HarfBuzz-Subset library is missing (CI installs it): not a rendering fault.
HARFBUZZ_NOTICE = "Using fontTools instead of HarfBuzz-Subset"


class HttpsClient(Client):
    """The test client over HTTPS, as the site is reached behind its TLS proxy
    (SECURE_SSL_REDIRECT stays on, as in production)."""

    def generic(self, method, path, *args, secure=True, **kwargs):
        return super().generic(method, path, *args, secure=True, **kwargs)


@pytest.fixture
def client():
    return HttpsClient()


def worker_complaints(log: str, letter_id: int) -> list[str]:
    """Every warning or error in a worker's log (Celery writes its own
    "[time: LEVEL/process] message" lines; a JSON line names its level), but
    WeasyPrint's note about HarfBuzz-Subset and lines about another letter.  A
    rendering fault WeasyPrint survives (a stylesheet, image or font it could
    not load, a CSS rule it ignored) is only ever a line here.

    Lines naming another letter are left out: on a broker shared with earlier
    test runs, Redis hands a new worker the unacknowledged render message of a
    worker an earlier test killed, for a letter that test's database no longer
    has, and the worker rightly says so."""
    complaints = []
    for line in log.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if isinstance(record, dict):
            level = str(record.get("level", ""))
            if record.get("letter_id", letter_id) != letter_id:
                continue
        else:
            match = re.match(r"\[[^\]]*?: (\w+)/", line)
            level = match.group(1) if match else ""
        if level in ("WARNING", "ERROR", "CRITICAL") and HARFBUZZ_NOTICE not in line:
            complaints.append(line)
    return complaints


def test_the_production_configuration_is_in_force():
    """Guards the rest: under these settings nothing falls back to a developer's defaults."""
    assert os.environ.get("DEBUG") == "false"
    assert settings.STORAGES["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert settings.SECURE_SSL_REDIRECT and settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://") and settings.CACHE_URL.startswith("redis://")
    assert (settings.STATIC_ROOT / "staticfiles.json").exists(), "collectstatic ran into STATIC_ROOT"
    assert re.fullmatch(r"/static/css/packet\.[0-9a-f]{12}\.css", staticfiles_storage.url("css/packet.css"))


def test_a_paid_packet_rendered_by_the_worker_is_styled(client, celery_worker, demo_catalog, fake_stripe):
    case, case_url = reviewed_case(client, promo="SEO25")
    response = pay(client, case_url)
    order = Order.objects.get(case=case)
    assert response["Location"] == fake_stripe.sessions[order.stripe_session_id]["url"]
    fake_stripe.complete(order.stripe_session_id)
    delivered = deliver(client, fake_stripe.event("checkout.session.completed", order.stripe_session_id))
    assert delivered.json() == {"result": "paid"}

    order.refresh_from_db()
    letter_id = order.letter_id
    finished = wait_for(
        lambda: Letter.objects.get(pk=letter_id).status in (Letter.Status.READY, Letter.Status.FAILED), timeout=120
    )
    assert finished, celery_worker.log()
    letter = Letter.objects.get(pk=letter_id)
    assert letter.status == Letter.Status.READY, letter.failure_reason

    assert re.search(r'href="/static/css/packet\.[0-9a-f]{12}\.css"', letter.html_snapshot)
    pages = pdf_text(PdfReader(io.BytesIO(letter.pdf_bytes())))
    count = letter.page_count
    assert len(pages) > count >= 3
    assert f"{count} including this cover sheet" in pages[0]
    for number, text in enumerate(pages[:count], start=1):
        assert f"Page {number} of {count}" in text
    office = pages[count:]
    for number, text in enumerate(office, start=1):
        assert f"Office sheet, page {number} of {len(office)}" in text
    assert "letter rendered" in celery_worker.log()
    assert worker_complaints(celery_worker.log(), letter_id) == []
    assert_no_weasyprint_load_failures(celery_worker.log())

    download = client.get(order.status_path() + "pdf/")
    assert download.status_code == 200 and download.content == letter.pdf_bytes()


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_serves_the_collected_static_files_and_sends_pages_to_https(transactional_db, tmp_path):
    port = free_port()
    web = start_web(port, tmp_path / "web.log")
    site = f"http://127.0.0.1:{port}"
    try:

        def answering() -> bool:
            # Up and reaching its database; no worker runs beside this web
            # server, so /healthz rightly says 503 for the worker.
            try:
                status, _headers, body = http_get(f"{site}/healthz")
            except OSError:
                return False
            return status in (200, 503) and json.loads(body).get("database") == "ok"

        assert wait_for(answering, timeout=60), (tmp_path / "web.log").read_text()
        # Behind the TLS proxy (BEHIND_TLS_PROXY=true): WhiteNoise serves the
        # hashed name collectstatic wrote, compressed and cached for good.
        hashed = staticfiles_storage.url("css/packet.css")
        status, headers, body = http_get(f"{site}{hashed}", {"Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"})
        assert status == 200 and headers.get("Content-Encoding") == "gzip" and body
        assert "immutable" in headers.get("Cache-Control", "")
        # A request that did not come over HTTPS is sent there.
        status, headers, _ = http_get(f"{site}/")
        assert status == 301 and headers["Location"].startswith("https://")
    finally:
        stop_process_group(web)
    log = (tmp_path / "web.log").read_text()
    assert "Traceback" not in log, log
