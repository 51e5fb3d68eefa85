"""Landing pages and the sitemap at several catalog sizes.

    .venv/bin/python bench/landing.py [--sizes 10,300000] [--samples 200]

For each size it builds the synthetic catalog (drugs × payers × denial types),
then through Django's test client measures a random sample of landing pages
uncached (cache cleared before each request, outside the timing) and cached,
the SQL queries per page, and one sitemap page's time and peak memory.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import print_table, save, setup_django, summary, timed_ms

SHAPES = {10: (5, 2, 1), 1000: (10, 10, 10), 10_000: (50, 20, 10), 100_000: (200, 50, 10), 300_000: (500, 60, 10)}
TARGETS = {"uncached_median_ms": 25.0, "cached_median_ms": 3.0, "queries": 6, "sitemap_s": 2.0}


def measure(size: int, samples: int) -> dict:
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from appeals.models import Guide

    drugs, payers, denials = SHAPES[size]
    started = time.perf_counter()
    call_command("build_synthetic_catalog", drugs=drugs, payers=payers, denial_types=denials, clear=True, stdout=io.StringIO())
    build_s = time.perf_counter() - started
    paths = [
        f"/appeal/{drug}/{payer}/{denial}/"
        for drug, payer, denial in Guide.objects.filter(drug__slug__startswith="synthetic-", published=True)
        .order_by("?")
        .values_list("drug__slug", "payer__slug", "denial_type__slug")[:samples]
    ]
    client = Client(SERVER_NAME="127.0.0.1")

    def get(path: str):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        return response

    for path in paths[:5]:  # warm the code paths and the database's pages
        get(path)
    uncached, queries = [], []
    for path in paths:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            uncached.append(timed_ms(lambda: get(path)))  # noqa: B023
        queries.append(len(captured))
    cached = []
    for path in paths:
        get(path)
        cached.append(timed_ms(lambda: get(path)))  # noqa: B023

    index = get("/sitemap.xml").content.decode()
    section = next(loc for loc in re.findall(r"<loc>(.*?)</loc>", index) if "sitemap-landing" in loc)
    section_path = urlsplit(section).path + (f"?{urlsplit(section).query}" if urlsplit(section).query else "")
    get(section_path)  # warm
    sitemap_times = [timed_ms(lambda: get(section_path)) / 1000 for _ in range(3)]
    # Memory on a separate request: tracemalloc slows Python down several times.
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    sitemap = get(section_path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    sitemap_s = statistics.median(sitemap_times)
    return {
        "combinations": Guide.objects.filter(published=True).count(),
        "build_s": build_s,
        "uncached_ms": summary(uncached),
        "cached_ms": summary(cached),
        "queries": {"min": min(queries), "max": max(queries)},
        "sitemap": {
            "path": section_path,
            "seconds": sitemap_s,
            "peak_mib": peak / 2**20,
            "rss_growth_mib": rss_growth / 1024,
            "urls": sitemap.content.count(b"<url>"),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,300000", help=f"comma-separated, from {sorted(SHAPES)}")
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    unknown = [size for size in sizes if size not in SHAPES]
    if unknown:
        parser.error(f"no shape for {unknown}; choose from {sorted(SHAPES)}")
    random.seed(1)
    setup_django()
    from django.db import connection

    results = []
    for size in sizes:
        print(f"Measuring {size:,} combinations…", flush=True)
        results.append({"size": size, **measure(size, args.samples)})

    print(f"\nLanding pages ({connection.vendor}, {args.samples} sampled pages per size, Django test client)\n")
    print_table(
        ["combinations", "build s", "uncached med ms", "p95", "cached med ms", "p95", "queries/page",
         "sitemap page s", "peak MiB", "URLs"],
        [
            [
                f"{r['combinations']:,}", f"{r['build_s']:.1f}",
                f"{r['uncached_ms']['median']:.2f}", f"{r['uncached_ms']['p95']:.2f}",
                f"{r['cached_ms']['median']:.2f}", f"{r['cached_ms']['p95']:.2f}",
                f"{r['queries']['min']}" if r["queries"]["min"] == r["queries"]["max"] else f"{r['queries']['min']}-{r['queries']['max']}",
                f"{r['sitemap']['seconds']:.2f}", f"{r['sitemap']['peak_mib']:.1f}", f"{r['sitemap']['urls']:,}",
            ]
            for r in results
        ],
    )  # fmt: skip
    largest = max(results, key=lambda r: r["size"])
    query_counts = {r["queries"]["min"] for r in results} | {r["queries"]["max"] for r in results}
    checks = [
        (f"uncached median ≤ {TARGETS['uncached_median_ms']} ms at {largest['size']:,}",
         largest["uncached_ms"]["median"] <= TARGETS["uncached_median_ms"]),
        (f"cached median ≤ {TARGETS['cached_median_ms']} ms at {largest['size']:,}",
         largest["cached_ms"]["median"] <= TARGETS["cached_median_ms"]),
        (f"queries per page constant and ≤ {TARGETS['queries']}",
         len(query_counts) == 1 and max(query_counts) <= TARGETS["queries"]),
        (f"sitemap page ≤ {TARGETS['sitemap_s']} s", all(r["sitemap"]["seconds"] <= TARGETS["sitemap_s"] for r in results)),
    ]  # fmt: skip
    print("\nTargets")
    for label, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    print(f"\nSaved {save('landing', {'database': connection.vendor, 'results': results})}")


if __name__ == "__main__":
    main()
