"""Every benchmark in bench/, one after another, then one table of the
figures that have targets.  Each benchmark also prints its own detailed table
first (see bench/README.md).

    .venv/bin/python bench/run_all.py [--landing-sizes 10,300000] [--quick]

The worker benchmarks (packets per second, paid webhook → PDF) are meant for
Redis: they use CELERY_BROKER_URL when set, else Redis at 127.0.0.1:6379
(database 3) when it answers, else the embedded broker, and say which.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time

from common import RESULTS, ROOT, print_table

BENCH = ROOT / "bench"


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def run(script: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, dict | None]:
    """Run one benchmark; its exit status and the results it saved."""
    started = time.time()
    print(f"\n=== {script} {' '.join(args)}".rstrip(), flush=True)
    code = subprocess.call([sys.executable, str(BENCH / script), *args], cwd=ROOT, env={**os.environ, **(env or {})})
    name = script.removesuffix(".py")
    saved = sorted(path for path in RESULTS.glob(f"{name}-*.json") if path.stat().st_mtime >= started - 1)
    return code, json.loads(saved[-1].read_text()) if saved else None


def verdict(ok: bool | None) -> str:
    return {True: "PASS", False: "FAIL", None: "—"}[ok]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--landing-sizes", default="10,300000")
    parser.add_argument("--quick", action="store_true", help="fewer samples everywhere (a smoke run, not for quoting)")
    args = parser.parse_args()
    quick = args.quick
    rows: list[list[str]] = []
    failed = []

    code, landing = run("landing.py", "--sizes", args.landing_sizes, *(["--samples", "30"] if quick else []))
    if landing:
        for r in landing["results"]:
            size = f"{r['combinations']:,}"
            rows.append(["landing", f"{size} combos, uncached median / p95 ms",
                         f"{r['uncached_ms']['median']:.1f} / {r['uncached_ms']['p95']:.1f}", "≤ 25 median", verdict(
                             r["uncached_ms"]["median"] <= 25)])  # fmt: skip
            rows.append(["landing", f"{size} combos, cached median ms", f"{r['cached_ms']['median']:.2f}", "≤ 3",
                         verdict(r["cached_ms"]["median"] <= 3)])  # fmt: skip
    failed += ["landing"] if code else []

    code, wizard = run("wizard.py", *(["--cases", "3"] if quick else []))
    if wizard:
        overall = wizard["overall_ms"]
        rows.append(["wizard", "step request median / p95 ms", f"{overall['median']:.1f} / {overall['p95']:.1f}",
                     "≤ 30 median", verdict(overall["median"] <= 30)])  # fmt: skip
    failed += ["wizard"] if code else []

    code, practice = run("practice_case_list.py", *(["--samples", "20"] if quick else []))
    if practice:
        for sort, r in practice["results"].items():
            rows.append(["practice list", f"{practice['cases']} cases, page of {practice['per_page']} by {sort}, median / p95 ms",
                         f"{r['median']:.1f} / {r['p95']:.1f}", "≤ 50 median", verdict(r["median"] <= 50)])  # fmt: skip
        rows.append(["practice list", "queries per page, every page and sort",
                     "/".join(str(q) for q in sorted({q for r in practice["results"].values() for q in r["queries"]})),
                     "constant", verdict(practice["constant_queries"])])  # fmt: skip
    failed += ["practice_case_list"] if code else []

    broker = os.environ.get("CELERY_BROKER_URL") or ("redis://127.0.0.1:6379/3" if redis_answers() else "")
    broker_env = {"CELERY_BROKER_URL": broker} if broker else None
    code, packet = run("packet.py", *(["--samples", "5", "--letters", "4"] if quick else []), env=broker_env)
    if packet:
        serial = packet["serial_ms"]
        rows.append(["packet", "task / WeasyPrint alone (medians)",
                     f"{serial['task']['median']:.0f} / {serial['weasyprint']['median']:.0f} ms = {packet['ratio']:.2f}×",
                     "≤ 1.3×", verdict(packet["passed"])])  # fmt: skip
        for workers, r in packet["throughput"].items():
            rows.append(["packet", f"packets/s, {workers} worker(s), broker {packet['broker']}", f"{r['per_second']:.2f}",
                         "", verdict(None)])  # fmt: skip
        memory = packet["memory"]
        rows.append(["packet", "peak RSS of one render over a started process", f"+{memory['rss_peak_delta_mib']:.0f} MiB",
                     "", verdict(None)])  # fmt: skip
    failed += ["packet"] if code else []

    broker = os.environ.get("CELERY_BROKER_URL") or ("redis://127.0.0.1:6379/3" if redis_answers() else "")
    code, pipeline = run(
        "pipeline.py", *(["--orders", "5"] if quick else []), env={"CELERY_BROKER_URL": broker} if broker else None
    )
    if pipeline:
        s = pipeline["summary"]
        rows.append(["pipeline", f"paid webhook → PDF median / p95 s, broker {pipeline['broker']}",
                     f"{s['median']:.2f} / {s['p95']:.2f}", "≤ 2 p95", verdict(pipeline["passed"])])  # fmt: skip
    failed += ["pipeline"] if code else []

    print("\n=== Summary" + (" (quick run: not for quoting)" if quick else "") + "\n")
    print_table(["benchmark", "measure", "result", "target", ""], rows)
    if failed:
        print(f"\nMissed a target or did not finish: {', '.join(failed)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
