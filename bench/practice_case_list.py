"""A practice's case list: one page of 50 cases out of 500, through Django's test
client as a signed-in, second-factor-verified member, for both sorts, with the SQL
queries of each page.

    .venv/bin/python bench/practice_case_list.py [--cases 500] [--samples 100]

The cases are built directly (a third only opened, a third with the patient's part
answered, a third with every step answered; three drug × insurer combinations, notice
dates spread so the deadlines differ).  The first request refreshes every row's list
fields (timed on its own); the timed requests then find no stale row, as a practice's
list does between changes.

Target: median ≤ 50 ms for a page of 50 with 500 cases, the same queries on every page.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from dataclasses import replace

from common import ROOT, print_table, save, summary, timed_ms

TARGET_MEDIAN_MS = 50
VAR_DIR = ROOT / "bench" / "var" / "practice-case-list"
PRACTICE_NAME = "Benchmark practice"
EMAIL = "bench-member@practice.example"
COMBINATIONS = [
    {"drug": "anifrolumab", "payer": "cigna", "denial": "step-therapy"},
    {"drug": "baricitinib", "payer": "humana", "denial": "step-therapy"},
    {"drug": "anifrolumab", "payer": "molina", "denial": "step-therapy"},
]


def answered(case, part: str | None) -> None:
    """The case's steps (of one part, or all) answered as the wizard stores them."""
    from appeals.intake.steps import first_incomplete
    from tests.support.cases import _as_post
    from tests.support.wizard_answers import answers_for

    while (step := first_incomplete(case, part)) is not None:
        form = step.build_form(case, data=_as_post(answers_for(step.slug, step.build_form(case))))
        if not form.is_valid():
            raise SystemExit(f"the {step.slug} step's answers are refused: {form.errors}")
        case.save_step(step.slug, step.answers_from(form))


def build(count: int):
    """A practice with ``count`` cases and a verified member's test client."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from appeals.core.tokens import new_link_token
    from appeals.intake.models import CASE_LIFETIME, Case
    from appeals.intake.steps import PATIENT_PART
    from appeals.practices.models import Membership, Practice, PracticeCase
    from tests.support.cases import opened_case

    # What an earlier run left.
    Case.objects.filter(practice_case__practice__name=PRACTICE_NAME).delete()
    Practice.objects.filter(name=PRACTICE_NAME).delete()
    get_user_model().objects.filter(username=EMAIL).delete()

    # One case per combination and progress, walked once; the others are copies of its answers.
    models = {}
    for index, combo in enumerate(COMBINATIONS):
        for progress in ("opened", PATIENT_PART, "complete"):
            case, _ = opened_case(promo="", **combo)
            if progress != "opened":
                answered(case, PATIENT_PART if progress == PATIENT_PART else None)
            models[(index, progress)] = Case.objects.get(pk=case.pk)
    plan_dates = []
    now = timezone.now()
    cases = []
    for number in range(count):
        model = models[(number % len(COMBINATIONS), ("opened", PATIENT_PART, "complete")[number // 3 % 3])]
        cases.append(
            Case(
                token_hash=new_link_token()[1],
                drug_id=model.drug_id,
                payer_id=model.payer_id,
                denial_type_id=model.denial_type_id,
                answers_encrypted=model.answers_encrypted,
                expires_at=now + CASE_LIFETIME,
            )
        )
        plan_dates.append(random.randint(1, 150))
    cases = Case.objects.bulk_create(cases, batch_size=200)
    # Notice dates spread over five months: the filing deadlines differ.
    for case, days_ago in zip(cases, plan_dates, strict=True):
        if case.has_answered("plan"):
            plan = case.typed_answers.plan
            case.save_step("plan", replace(plan, notice_date=timezone.localdate() - datetime.timedelta(days=days_ago)))
    Case.objects.filter(pk__in=[m.pk for m in models.values()]).delete()

    practice = Practice.objects.create(name=PRACTICE_NAME)
    user = get_user_model().objects.create_user(EMAIL, EMAIL, "a-long-bench-password")
    Membership.objects.create(user=user, practice=practice)
    PracticeCase.objects.bulk_create(
        [
            # Both encrypted fields set: an empty one is stored as NULL, which their column refuses.
            PracticeCase(
                practice=practice,
                case=case,
                added_at=now - datetime.timedelta(minutes=number),
            )
            for number, case in enumerate(cases)
        ],
        batch_size=200,
    )
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # what django_otp.login stores once a code is verified
    session.save()
    return practice, client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--samples", type=int, default=100, help="requests timed per sort")
    args = parser.parse_args()
    os.environ["DENIALHELP_VAR_DIR"] = str(VAR_DIR)
    from common import setup_django

    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from appeals.demo.loader import load_demo_catalog
    from appeals.practices.case_list import PER_PAGE
    from appeals.practices.models import PracticeCase

    setup_test_environment()  # responses carry their context (the page of rows), as in the tests
    load_demo_catalog()
    random.seed(7)
    started = time.perf_counter()
    practice, client = build(args.cases)
    build_s = time.perf_counter() - started
    url = reverse("practice_cases")

    def get(params: dict):
        response = client.get(url, params)
        if response.status_code != 200:
            raise SystemExit(f"{url} {params} answered {response.status_code}")
        return response

    refresh_ms = timed_ms(lambda: get({}))
    if PracticeCase.objects.filter(practice=practice, refreshed_for__isnull=True).exists():
        raise SystemExit("the first request left rows without their list fields")
    pages = -(-args.cases // PER_PAGE)
    rows, results = [], {}
    for sort in ("deadline", "added"):
        times, queries, sizes = [], set(), set()
        for sample in range(args.samples + 3):
            params = {"sort": sort, "page": random.randint(1, pages)}
            with CaptureQueriesContext(connection) as captured:
                elapsed = timed_ms(lambda: sizes.add(len(get(params).context["page"])))  # noqa: B023
            if sample >= 3:  # the first requests warm the code paths
                times.append(elapsed)
                queries.add(len(captured))
        s = summary(times)
        span = str(min(queries)) if len(queries) == 1 else f"{min(queries)}-{max(queries)}"
        results[sort] = {**s, "queries": sorted(queries)}
        rows.append([sort, s["n"], f"{s['median']:.1f}", f"{s['p95']:.1f}", span, max(sizes)])

    print(f"\nPractice case list ({connection.vendor}, {args.cases} cases, {PER_PAGE} a page, Django test client)\n")
    print(f"Cases built in {build_s:.1f} s; first request, every row's list fields computed: {refresh_ms:.0f} ms\n")
    print_table(["sort", "n", "median ms", "p95 ms", "queries/page", "rows/page"], rows)
    constant = len({q for r in results.values() for q in r["queries"]}) == 1
    passed = all(r["median"] <= TARGET_MEDIAN_MS for r in results.values()) and constant
    print(f"\nTarget median ≤ {TARGET_MEDIAN_MS} ms per page, constant queries: {'PASS' if passed else 'FAIL'}")
    save(
        "practice_case_list",
        {
            "vendor": connection.vendor,
            "cases": args.cases,
            "per_page": PER_PAGE,
            "refresh_ms": refresh_ms,
            "results": results,
            "worst_median_ms": max(r["median"] for r in results.values()),
            "constant_queries": constant,
            "passed": passed,
        },
    )
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
