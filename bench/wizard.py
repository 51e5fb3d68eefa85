"""Wizard step latency: every step of every demo denial type, shown (GET) and
answered (POST), through Django's test client on the demo catalog.

Target (issue 8): a wizard step answers in ≤ 30 ms median.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict

from common import print_table, save, setup_django, summary, timed_ms

TARGET_MEDIAN_MS = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20, help="cases walked per denial type")
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from appeals.demo.loader import load_demo_catalog
    from appeals.models import DenialType
    from tests.support.wizard_answers import answers_for

    setup_test_environment()  # responses carry their context (the form), as in the tests
    load_demo_catalog()
    combination = {"site-of-care": ("atezolizumab", "anthem"), "non-formulary": ("nivolumab", "aetna"),
                   "medical-necessity": ("pembrolizumab", "fep-blue")}  # fmt: skip
    shown, answered, queries = defaultdict(list), defaultdict(list), defaultdict(set)
    client = Client()
    for denial in DenialType.objects.values_list("slug", flat=True):
        drug, payer = combination.get(denial, ("anifrolumab", "cigna"))
        for _ in range(args.cases):
            case_url = client.post("/start/", {"drug": drug, "payer": payer, "denial": denial})["Location"]
            for _ in range(12):
                location = client.get(case_url)["Location"]
                step = location.rstrip("/").split("/")[-1]
                responses = []
                with CaptureQueriesContext(connection) as captured:
                    shown[step].append(timed_ms(lambda: responses.append(client.get(location))))  # noqa: B023
                queries[(step, "GET")].add(len(captured))
                if step == "review":
                    break
                data = answers_for(step, responses[0].context["form"])
                with CaptureQueriesContext(connection) as captured:
                    answered[step].append(timed_ms(lambda: client.post(location, data)))  # noqa: B023
                queries[(step, "POST")].add(len(captured))

    def span(values: set[int]) -> str:
        return str(min(values)) if min(values) == max(values) else f"{min(values)}-{max(values)}"

    rows, everything = [], []
    for step in shown:
        get_s = summary(shown[step])
        post_s = summary(answered[step]) if answered[step] else None
        everything += shown[step] + answered[step]
        rows.append([
            step, get_s["n"], f"{get_s['median']:.1f}", f"{get_s['p95']:.1f}", span(queries[(step, 'GET')]),
            f"{post_s['median']:.1f}" if post_s else "—", f"{post_s['p95']:.1f}" if post_s else "—",
            span(queries[(step, 'POST')]) if post_s else "—",
        ])  # fmt: skip
    overall = summary(everything)
    print(f"\nWizard steps ({connection.vendor}, {args.cases} cases per denial type, Django test client)\n")
    print_table(["step", "n", "GET med ms", "p95", "queries", "POST med ms", "p95", "queries"], rows)
    passed = overall["median"] <= TARGET_MEDIAN_MS
    print(f"\nAll requests: median {overall['median']:.1f} ms, p95 {overall['p95']:.1f} ms "
          f"— target median ≤ {TARGET_MEDIAN_MS} ms: {'PASS' if passed else 'FAIL'}")  # fmt: skip
    save("wizard", {"rows": rows, "overall_ms": overall, "vendor": connection.vendor})
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
