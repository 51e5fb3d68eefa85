"""Packet rendering: the render task's cost against WeasyPrint alone, packets
per second from real Celery worker processes, and the memory one render takes.

Target: the task (database, template, WeasyPrint, Word, encryption, storage)
takes at most 1.3× WeasyPrint alone on the same HTML, median against median.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from common import ROOT, print_table, save, summary, timed_ms

TARGET_RATIO = 1.3
# Its own var directory: database, embedded broker and letter files, shared
# with the worker processes it starts (unless DATABASE_URL / CELERY_BROKER_URL say otherwise).
VAR_DIR = ROOT / "bench" / "var" / "packet"
COMBINATION = {"drug": "anifrolumab", "payer": "cigna", "denial": "step-therapy", "promo": "SEO25"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=20, help="renders timed for the task and for WeasyPrint alone")
    parser.add_argument("--letters", type=int, default=12, help="letters queued for each worker count")
    parser.add_argument("--workers", default="1,2", help="worker process counts to measure")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed for one batch of letters")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["DENIALHELP_VAR_DIR"] = str(VAR_DIR)
    if args.memory_child is not None:
        return memory_child(args.memory_child)

    # SIGTERM (a CI timeout, kill) unwinds like Ctrl-C, through the finally that stops the workers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C too when started in the background
    from common import setup_django

    setup_django()
    logging.getLogger("appeals").setLevel(logging.WARNING)  # a line per letter would bury the table
    from django.db import connection

    from appeals.models import Letter

    # Letters an interrupted run left unfinished would be picked up by the
    # workers' start-up sweep and rendered inside the timed batches.
    Letter.objects.exclude(status=Letter.Status.READY).delete()

    case, template = answered_case()
    serial = time_serial(case, template, args.samples)
    workers: list[subprocess.Popen] = []
    try:
        throughput = {n: time_workers(case, template, n, args.letters, args.timeout, workers) for n in parse_counts(args.workers)}
    finally:
        stop_workers(workers)
    memory = measure_memory(case, template)

    task, weasy, word = serial["task"], serial["weasyprint"], serial["word"]
    ratio = task["median"] / weasy["median"]
    rows = [
        ["render_packet (the task)", task["n"], f"{task['median']:.0f}", f"{task['p95']:.0f}"],
        ["WeasyPrint alone, same HTML", weasy["n"], f"{weasy['median']:.0f}", f"{weasy['p95']:.0f}"],
        ["  of which Word file", word["n"], f"{word['median']:.0f}", f"{word['p95']:.0f}"],
    ]
    print(f"\nPacket rendering ({connection.vendor}, broker {broker_name()}, {serial['pages']} pages)\n")
    print_table(["what", "n", "median ms", "p95 ms"], rows)
    passed = ratio <= TARGET_RATIO
    print(f"\ntask / WeasyPrint (medians): {ratio:.2f}× — target ≤ {TARGET_RATIO}×: {'PASS' if passed else 'FAIL'}\n")
    print_table(
        ["worker processes", "letters", "seconds", "packets/s"],
        [[n, r["letters"], f"{r['seconds']:.1f}", f"{r['per_second']:.2f}"] for n, r in throughput.items()],
    )
    print(
        f"\nPeak memory of one render in a fresh process: RSS high-water mark +{memory['rss_peak_delta_mib']:.0f} MiB "
        f"over {memory['rss_baseline_mib']:.0f} MiB after Django setup; "
        f"Python allocations (tracemalloc) peak {memory['tracemalloc_peak_mib']:.1f} MiB on a second render"
    )
    save("packet", {"serial_ms": serial, "ratio": ratio, "passed": passed, "throughput": throughput, "memory": memory,
                    "vendor": connection.vendor, "broker": broker_name()})  # fmt: skip
    sys.exit(0 if passed else 1)


def parse_counts(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def broker_name() -> str:
    from django.conf import settings

    return settings.CELERY_BROKER_URL.split("://", 1)[0].split("+")[0]


def answered_case():
    """A case answered by walking the wizard with the test client, on the demo catalog."""
    from django.test import Client
    from django.test.utils import setup_test_environment

    from appeals.demo.loader import load_demo_catalog
    from appeals.models import Case, LetterTemplate
    from tests.support.wizard_answers import answers_for

    setup_test_environment()  # responses carry their form, which answers_for reads
    load_demo_catalog()
    client = Client()
    case_url = client.post("/start/", COMBINATION)["Location"]
    for _ in range(20):
        location = client.get(case_url)["Location"]
        if location.endswith("/review/"):
            break
        step = location.rstrip("/").split("/")[-1]
        response = client.post(location, answers_for(step, client.get(location).context["form"]))
        if response.status_code != 302:
            raise SystemExit(f"the wizard refused the answers of step {step}")
    else:
        raise SystemExit("the wizard did not end")
    case = Case.objects.by_token(case_url.rstrip("/").rsplit("/", 1)[-1])
    template = LetterTemplate.objects.get(denial_type=case.denial_type, voice="prescriber", payer=None, plan_type=None)
    return case, template


def time_serial(case, template, samples: int) -> dict:
    """The task's logic and WeasyPrint alone, alternated so both see the same machine load."""
    from django.utils import timezone
    from weasyprint import HTML

    from appeals.letters.packet import OFFICE_SHEET_MARK
    from appeals.letters.pdf import BASE_URL, StaticFilesOnly
    from appeals.letters.rendering import render_packet
    from appeals.letters.word import case_letter_docx
    from appeals.models import Letter

    def one_task() -> tuple[float, Letter]:
        letter = Letter.objects.create(case=case, template=template)
        elapsed = timed_ms(lambda: render_packet(letter.pk))
        letter.refresh_from_db()
        if letter.status != Letter.Status.READY:
            raise SystemExit("a letter did not render")
        return elapsed, letter

    _, letter = one_task()  # warm-up: imports, fonts, caches
    # The snapshot holds the submission and the office sheet: WeasyPrint lays each out and joins their pages.
    submission, office = letter.html_snapshot.split(OFFICE_SHEET_MARK)

    def weasyprint_alone() -> bytes:
        first, second = (
            HTML(string=part, base_url=BASE_URL, url_fetcher=StaticFilesOnly()).render() for part in (submission, office)
        )
        return first.copy([*first.pages, *second.pages]).write_pdf()

    weasyprint_alone()
    task_ms, weasy_ms, word_ms = [], [], []
    for _ in range(samples):
        task_ms.append(one_task()[0])
        weasy_ms.append(timed_ms(weasyprint_alone))
        word_ms.append(timed_ms(lambda: case_letter_docx(case, template, today=timezone.localdate())))
    return {"task": summary(task_ms), "weasyprint": summary(weasy_ms), "word": summary(word_ms), "pages": letter.page_count}


def worker_env() -> dict[str, str]:
    # The same var directory (database, broker, letter files) or the same
    # DATABASE_URL / CELERY_BROKER_URL as this process: both are inherited.
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "denialhelp.settings", "PYTHONUNBUFFERED": "1"}


def start_worker(log_path: Path) -> subprocess.Popen:
    with log_path.open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "denialhelp", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"bench-{uuid.uuid4().hex[:8]}@%h"],
            cwd=ROOT, env=worker_env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # a group of its own, stopped as a whole; Ctrl-C reaches us, and we stop it
        )  # fmt: skip


def stop_workers(workers: list[subprocess.Popen]) -> None:
    """SIGTERM each worker's process group, SIGKILL what is still there after 20 s."""
    for process in workers:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for process in workers:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    workers.clear()


def time_workers(case, template, count: int, letters: int, timeout: float, workers: list[subprocess.Popen]) -> dict:
    """Start `count` worker processes, warm each up, then time `letters` letters
    from queueing until every one is READY."""
    from django.db import transaction

    from appeals.letters.tasks import queue_render
    from appeals.models import Letter
    from denialhelp.celery import app

    app.control.purge()  # anything an interrupted run left on the broker
    logs = [VAR_DIR / f"worker-{count}-{index}.log" for index in range(count)]
    for log_path in logs:
        workers.append(start_worker(log_path))
    deadline = time.monotonic() + 120
    while not all(" ready." in log_path.read_text(errors="replace") for log_path in logs):
        if any(process.poll() is not None for process in workers) or time.monotonic() > deadline:
            raise SystemExit(f"a worker did not start; see {', '.join(str(path) for path in logs)}")
        time.sleep(0.2)

    def batch(size: int) -> float:
        started = time.perf_counter()
        with transaction.atomic():
            letters = [Letter.create_for_case(case, template) for _ in range(size)]
            for letter in letters:
                queue_render(letter)
            ids = [letter.pk for letter in letters]
        end = time.monotonic() + timeout
        while True:
            statuses = list(Letter.objects.filter(pk__in=ids).values_list("status", flat=True))
            if all(status == Letter.Status.READY for status in statuses):
                return time.perf_counter() - started
            if Letter.Status.FAILED in statuses:
                raise SystemExit("a letter failed to render; see the worker logs in " + str(VAR_DIR))
            if time.monotonic() > end:
                raise SystemExit(f"the letters were not ready within {timeout:.0f} s")
            time.sleep(0.05)

    batch(2 * count)  # every worker has imported WeasyPrint and loaded its fonts
    seconds = batch(letters)
    stop_workers(workers)
    return {"letters": letters, "seconds": seconds, "per_second": letters / seconds}


def measure_memory(case, template) -> dict:
    """A fresh process per letter, so its RSS high-water mark is the render's own."""
    from appeals.models import Letter

    letter = Letter.objects.create(case=case, template=template)
    output = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(letter.pk)], env=worker_env(), capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    if output.returncode != 0:
        raise SystemExit("the memory measurement failed:\n" + output.stderr[-2000:])
    return json.loads(output.stdout.strip().splitlines()[-1])


def memory_child(letter_id: int) -> None:
    """Runs in a fresh process: Django set up and the render code imported (as in
    a worker that has started), then one render (RSS high-water mark, first
    render, so it includes loading fonts), then a second letter under tracemalloc."""
    import tracemalloc

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "denialhelp.settings"
    import django

    django.setup()
    import appeals.letters.word  # noqa: F401  (imported up front, as in a worker that has started)
    from appeals.letters.rendering import render_packet
    from appeals.models import Letter

    baseline = high_water_mib()
    render_packet(letter_id)
    peak = high_water_mib()
    first = Letter.objects.get(pk=letter_id)
    second = Letter.objects.create(case=first.case, template=first.template)
    tracemalloc.start()
    render_packet(second.pk)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(json.dumps({"rss_baseline_mib": baseline, "rss_peak_mib": peak, "rss_peak_delta_mib": peak - baseline,
                      "tracemalloc_peak_mib": traced_peak / 2**20}))  # fmt: skip


def high_water_mib() -> float:
    """VmHWM: the most resident memory this process has had (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
