"""From a paid webhook to a downloadable PDF, with one real Celery worker.

For each order: the fake Stripe API marks its Checkout Session paid, the
signed `checkout.session.completed` event is posted to /stripe/webhook/
(Django's test client), and the clock runs until the letter's PDF download
answers 200.  The worker is a real `celery worker` process on the configured
broker: Redis with CELERY_BROKER_URL=redis://…, the embedded SQLite broker
otherwise (which is polled once a second, so it is not what production runs).

Target: p95 ≤ 2 s with one worker on Redis.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time

from common import ROOT, print_table, save, summary

TARGET_P95_S = 2.0
VAR_DIR = ROOT / "bench" / "var" / "pipeline"
WEBHOOK_SECRET = "whsec_bench"  # noqa: S105  (the fake Stripe's, signs only this run's events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=20, help="paid webhooks timed, one after another")
    parser.add_argument("--timeout", type=float, default=60, help="seconds allowed for one order's PDF")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)

    sys.path.insert(0, str(ROOT))
    from tests.support.fake_stripe import FakeStripe, sign

    fake = FakeStripe(api_key="sk_test_bench").start()
    # Read by the settings at setup (and inherited by the worker, which never calls Stripe).
    # One client makes every order: the per-address checkout limit is lifted for the run.
    os.environ.update(
        DENIALHELP_VAR_DIR=str(VAR_DIR), STRIPE_SECRET_KEY=fake.api_key, STRIPE_API_BASE=fake.url,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, RATELIMIT_CHECKOUT="100000/h",
    )  # fmt: skip
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    from common import setup_django

    setup_django()
    logging.getLogger("appeals").setLevel(logging.WARNING)
    logging.getLogger("django.request").setLevel(logging.ERROR)  # each poll before the PDF is a logged 404
    from django.db import connection
    from django.test import Client
    from packet import answered_case, broker_name, start_worker, stop_workers

    from appeals.models import Case, Letter, Order
    from denialhelp.celery import app

    Letter.objects.exclude(status=Letter.Status.READY).delete()  # left by an interrupted run
    case, _ = answered_case()
    client = Client()

    def paid_webhook_to_pdf() -> float:
        copy, token = Case.open(drug=case.drug, payer=case.payer, denial_type=case.denial_type)
        copy._store(case.answers)
        response = client.post(f"/case/{token}/payment/", {"email": "bench@example.org", "promo": "", "pay": ""})
        if response.status_code != 302:
            raise SystemExit(f"the payment page answered {response.status_code}")
        order = Order.objects.get(case=copy)
        fake.complete(order.stripe_session_id)
        payload = json.dumps(fake.event("checkout.session.completed", order.stripe_session_id))
        pdf_url = order.status_path() + "pdf/"
        started = time.perf_counter()
        answer = client.post(
            "/stripe/webhook/", data=payload, content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(payload, WEBHOOK_SECRET),
        )  # fmt: skip
        if answer.status_code != 200:
            raise SystemExit(f"the webhook answered {answer.status_code}")
        deadline = time.monotonic() + args.timeout
        while client.get(pdf_url).status_code != 200:
            if Letter.objects.filter(case=copy, status=Letter.Status.FAILED).exists():
                raise SystemExit(f"a letter failed; see {VAR_DIR / 'worker.log'}")
            if time.monotonic() > deadline:
                raise SystemExit(f"no PDF within {args.timeout:.0f} s; see {VAR_DIR / 'worker.log'}")
            time.sleep(0.01)
        return time.perf_counter() - started

    app.control.purge()
    workers = [start_worker(VAR_DIR / "worker.log")]
    try:
        deadline = time.monotonic() + 120
        while " ready." not in (VAR_DIR / "worker.log").read_text(errors="replace"):
            if workers[0].poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker did not start; see {VAR_DIR / 'worker.log'}")
            time.sleep(0.2)
        paid_webhook_to_pdf()  # warm-up: WeasyPrint imported, fonts loaded
        seconds = [paid_webhook_to_pdf() for _ in range(args.orders)]
    finally:
        stop_workers(workers)
        fake.stop()

    result = {**summary(seconds), "max": max(seconds)}
    passed = result["p95"] <= TARGET_P95_S
    print(f"\nPaid webhook → downloadable PDF ({connection.vendor}, broker {broker_name()}, 1 worker, pool solo)\n")
    print_table(
        ["orders", "median s", "p95 s", "max s"],
        [[result["n"], f"{result['median']:.2f}", f"{result['p95']:.2f}", f"{result['max']:.2f}"]],
    )
    print(f"\np95 ≤ {TARGET_P95_S} s: {'PASS' if passed else 'FAIL'}")
    if broker_name() != "redis":
        print("(measured on the embedded broker; the target is for Redis: CELERY_BROKER_URL=redis://127.0.0.1:6379/3)")
    save("pipeline", {"seconds": seconds, "summary": result, "passed": passed, "vendor": connection.vendor,
                      "broker": broker_name()})  # fmt: skip
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
