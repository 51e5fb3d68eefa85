"""A paid, rendered case of a chosen plan type, for the tracking tests: its plan
step answered first (so the steps that follow are that plan type's), then every
other step, the review confirmed, paid on the local payment page and its letter
rendered in this process."""

from __future__ import annotations

import datetime

from django.utils import timezone

from appeals.letters import rendering
from appeals.models import Order
from tests.support.cases import answer_every_step, opened_case, save_answers
from tests.support.payment_helpers import pay

# (drug, payer, denial, plan type) for the three programs the tracking tests follow.
ERISA = ("anifrolumab", "cigna", "step-therapy", "employer-self-funded")
PART_D = ("baricitinib", "humana", "step-therapy", "medicare-part-d")
MEDICAID = ("anifrolumab", "molina", "step-therapy", "medicaid-managed-care")


def paid_tracked_case(client, settings, capture, combo, *, notice_days_ago: int = 10) -> Order:
    drug, payer, denial, plan_type = combo
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    case, case_url = opened_case(drug=drug, payer=payer, denial=denial)
    notice = timezone.localdate() - datetime.timedelta(days=notice_days_ago)
    save_answers(
        case,
        "plan",
        {"plan_type": plan_type, "stage": "first_denial", "notice_date": notice.isoformat(), "claim_number": "CLM-2231"},
    )
    answer_every_step(case)
    assert client.post(case_url + "review/")["Location"] == case_url + "payment/"
    # No promo code: SEO25 is for a person's first letter, and a test may pay for several.
    client.post(pay(client, case_url, promo="")["Location"], {"pay": ""})
    order = Order.objects.get(case=case)
    with capture(execute=True):
        rendering.render_packet(order.letter.pk)
    order.refresh_from_db()
    return order


def render_newest(order: Order, capture) -> Order:
    order.refresh_from_db()
    with capture(execute=True):
        rendering.render_packet(order.letter.pk)
    order.refresh_from_db()
    return order
