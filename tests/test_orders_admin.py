"""Staff pages for orders, Stripe events and promo redemptions: money and
states in the lists, never a patient detail, and nothing editable by hand."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appeals.models import Order, ProcessedEvent, PromoCode
from tests.support.payment_helpers import deliver, pay, reviewed_case
from tests.support.wizard_answers import PATIENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(client, demo_catalog, fake_stripe) -> Order:
    case, case_url = reviewed_case(client)
    pay(client, case_url)
    order = Order.objects.get(case=case)
    fake_stripe.complete(order.stripe_session_id)
    deliver(client, fake_stripe.event("checkout.session.completed", order.stripe_session_id))
    order.refresh_from_db()
    return order


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("staff", "staff@example.org", "a-long-test-password"))
    return client


def test_the_order_list_shows_money_and_state_but_no_patient_data(paid, staff):
    page = staff.get(reverse("admin:appeals_order_changelist")).content.decode()
    for shown in (paid.public_id, "$30", "$40", "$10", "SEO25", "Paid"):
        assert shown in page
    for hidden in (PATIENT["patient_name"], PATIENT["member_id"], PATIENT["email"], paid.case.drug.name):
        assert hidden not in page
    assert staff.get(reverse("admin:appeals_order_changelist"), {"status__exact": "paid"}).status_code == 200


def test_an_order_is_found_by_its_exact_email_and_cannot_be_changed(paid, staff):
    listing = staff.get(reverse("admin:appeals_order_changelist"), {"q": PATIENT["email"].upper()})
    assert paid.public_id in listing.content.decode()
    assert paid.public_id not in staff.get(reverse("admin:appeals_order_changelist"), {"q": "other@example.org"}).content.decode()
    change_url = reverse("admin:appeals_order_change", args=[paid.pk])
    assert staff.get(change_url).status_code == 200
    assert staff.post(change_url, {"amount_cents": "1"}).status_code == 403
    assert staff.get(reverse("admin:appeals_order_add")).status_code == 403
    paid.refresh_from_db()
    assert paid.amount_cents == 3000


def test_processed_events_are_listed(paid, staff):
    event = ProcessedEvent.objects.get()
    page = staff.get(reverse("admin:appeals_processedevent_changelist")).content.decode()
    assert event.event_id in page and "checkout.session.completed" in page


def test_promo_codes_show_their_paid_redemptions(paid, staff):
    seo25 = PromoCode.objects.get(code="SEO25")
    page = staff.get(reverse("admin:appeals_promocode_changelist")).content.decode()
    assert '<td class="field-redemptions">1</td>' in page
    assert staff.get(reverse("admin:appeals_promocode_change", args=[seo25.pk])).status_code == 200
    assert staff.get(reverse("admin:appeals_promocode_add")).status_code == 200
