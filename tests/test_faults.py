"""Faults with real processes: the broker is down when a payment arrives.

The web app runs as its own process (gunicorn) against a Redis broker that is
not there yet; Stripe's signed webhook arrives.  The payment must be recorded
and answered 2xx, the person's status page must say their letter is on its
way, and once a broker and a worker come up the letter must be rendered with
nothing else done by hand.  (A worker killed mid-render is
test_letter_pipeline; a database error during a webhook and WeasyPrint failing
are in test_stripe_webhook and test_letter_rendering.)"""

from __future__ import annotations

import http.cookiejar
import json
import shutil
import subprocess
import sys
import urllib.request

import pytest

from appeals.demo.loader import load_demo_catalog
from appeals.models import Letter, Order
from tests.conftest import (
    ROOT,
    WEBHOOK_SECRET,
    assert_no_weasyprint_load_failures,
    database_url_for_subprocess,
    need,
    start_worker,
    stop_process_group,
    subprocess_env,
    wait_for,
)
from tests.support.fake_stripe import sign
from tests.support.payment_helpers import pay, reviewed_case
from tests.test_pipeline import free_port

pytestmark = pytest.mark.pipeline


def start_redis(port: int, log_path) -> subprocess.Popen:
    with log_path.open("w") as log:
        return subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def start_web(port: int, log_path, **env: str) -> subprocess.Popen:
    with log_path.open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "denialhelp.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--timeout", "60"],
            cwd=ROOT,
            env=subprocess_env(DATABASE_URL=database_url_for_subprocess(), **env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def get(url: str) -> tuple[int, str]:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def post_webhook(url: str, event: dict) -> int:
    payload = json.dumps(event)
    request = urllib.request.Request(
        url,
        data=payload.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload, WEBHOOK_SECRET)},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_payment_that_arrives_while_the_broker_is_down_is_kept_and_rendered_when_it_is_back(
    client, transactional_db, fake_stripe, tmp_path
):
    need(shutil.which("redis-server") is not None, "redis-server is not installed")
    load_demo_catalog()
    case, case_url = reviewed_case(client, promo="SEO25")
    pay(client, case_url)
    order = Order.objects.get(case=case)
    fake_stripe.complete(order.stripe_session_id)

    broker_url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there yet
    web_port = free_port()
    settings_env = {
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "STRIPE_SECRET_KEY": fake_stripe.api_key,
        "STRIPE_API_BASE": fake_stripe.url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "LETTER_RENDER_LEASE_SECONDS": "2",
        "LETTER_SWEEP_SECONDS": "1",
    }
    web = start_web(web_port, tmp_path / "web.log", **settings_env)
    redis = worker = None
    try:
        site = f"http://127.0.0.1:{web_port}"

        def answering() -> bool:
            try:
                return get(f"{site}/healthz")[0] == 503  # up, and saying the broker is not
            except OSError:
                return False

        assert wait_for(answering, timeout=60), (tmp_path / "web.log").read_text()

        # The payment arrives; the broker is down.
        status = post_webhook(f"{site}/stripe/webhook/", fake_stripe.event("checkout.session.completed", order.stripe_session_id))
        assert status == 200, (tmp_path / "web.log").read_text()
        order.refresh_from_db()
        letter = order.letter
        assert order.status == Order.Status.PAID and letter.status == Letter.Status.PENDING
        assert "render task not queued" in (tmp_path / "web.log").read_text()
        code, page = get(f"{site}{order.status_path()}")
        assert code == 200 and "Your payment is recorded" in page and 'http-equiv="refresh"' in page

        # The broker comes back, then a worker with its periodic sweep.
        redis_port = int(broker_url.rsplit(":", 1)[1].split("/")[0])
        redis = start_redis(redis_port, tmp_path / "redis.log")
        worker = start_worker(tmp_path / "worker.log", "--beat", "--schedule", str(tmp_path / "beat-schedule"), **settings_env)
        ready = wait_for(lambda: Letter.objects.get(pk=letter.pk).status == Letter.Status.READY, timeout=180, interval=0.5)
        assert ready, (tmp_path / "worker.log").read_text()
        code, page = get(f"{site}{order.status_path()}")
        assert code == 200 and "Ready." in page
        assert Letter.objects.filter(case=case).count() == 1
        assert_no_weasyprint_load_failures(worker.log())
    finally:
        for process in (worker.process if worker else None, web, redis):
            if process is not None:
                stop_process_group(process, timeout=10)
