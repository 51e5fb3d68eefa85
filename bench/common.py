"""Shared pieces of the benchmarks: Django setup on a benchmark database,
timing, percentiles and the printed table."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def setup_django() -> None:
    """Django on bench/var (its own SQLite files) unless DATABASE_URL is set."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "denialhelp.settings")
    os.environ.setdefault("DENIALHELP_VAR_DIR", str(ROOT / "bench" / "var"))
    os.environ["DEBUG"] = "true"
    # One test client makes every request: the per-address limits are lifted for the run.
    os.environ.setdefault("RATELIMIT_START", "1000000/h")
    os.environ.setdefault("RATELIMIT_CHECKOUT", "1000000/h")
    if os.environ.get("DATABASE_URL"):
        print(f"Using DATABASE_URL: synthetic rows will be written to {os.environ['DATABASE_URL'].split('@')[-1]}")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # The wizard checks every diagnosis code against the code set: a fresh bench database needs it.
    call_command("load_diagnosis_codes", "--if-empty", verbosity=0)


def timed_ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "p95": percentile(values, 0.95), "n": len(values)}


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    cells = [headers] + [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]
    for index, row in enumerate(cells):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def save(name: str, data: object) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path
