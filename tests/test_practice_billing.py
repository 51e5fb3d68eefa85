"""A practice's letter packs: bought through Stripe Checkout (the fake API), credited
once by the signed webhook (or by asking Stripe on the way back), and spent on a
case's letter at the list price, never with a promo code, one letter at a time."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import resolve, reverse

from appeals.models import AuditEntry, Letter, Order, PackPurchase, Practice, PracticeCase, Pricing, ProcessedEvent
from appeals.orders.models import Quote
from appeals.practices import billing
from appeals.practices.models import Role
from appeals.web import practice_billing
from tests.support.payment_helpers import deliver, pay, reviewed_case
from tests.support.practices import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice() -> Practice:
    return Practice.objects.create(name="Lakeside Rheumatology")


@pytest.fixture
def admin(practice):
    return member(practice, "admin@lakeside.example", Role.ADMIN)


@pytest.fixture
def staff(practice):
    return member(practice, "staff@lakeside.example")


@pytest.fixture
def outsider():
    other = Practice.objects.create(name="Hillside Clinic", letters_left=5)
    return member(other, "admin@hillside.example", Role.ADMIN)


def buy(browser: Client, letters: int, fake) -> tuple[PackPurchase, dict]:
    """The billing page's button: the pack, and its session on the fake API."""
    response = browser.post(reverse("practice_billing"), {"letters": letters})
    pack = PackPurchase.objects.get()
    session = fake.sessions[pack.stripe_session_id]
    assert response.status_code == 302 and response["Location"] == session["url"]
    return pack, session


def letters_left(practice: Practice) -> int:
    practice.refresh_from_db()
    return practice.letters_left


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Buying a pack -----------------------------------------------------------------


def test_a_pack_costs_the_list_price_times_its_letters_with_no_discount():
    pricing = Pricing.current()
    pricing.list_price_cents = 3500
    pricing.save()
    assert [(o["letters"], o["amount_cents"]) for o in billing.pack_offers()] == [(5, 17500), (10, 35000), (25, 87500)]


def test_buying_a_pack_through_checkout_and_the_webhook_credits_its_letters_once(client, practice, admin, fake_stripe):
    _, browser = admin
    pack, session = buy(browser, 10, fake_stripe)
    price = Pricing.current().list_price_cents
    assert (pack.letters, pack.amount_cents, pack.status, pack.bought_by.email) == (
        10,
        10 * price,
        "pending",
        "admin@lakeside.example",
    )

    sent = fake_stripe.requests_to("POST", "/v1/checkout/sessions")[0]
    assert sent.form["mode"] == "payment"
    assert sent.form["line_items[0][quantity]"] == "1"
    assert sent.form["line_items[0][price_data][unit_amount]"] == str(10 * price)
    assert sent.form["line_items[0][price_data][product_data][name]"] == "10 appeal letters (practice pack)"
    assert "discounts[0][coupon]" not in sent.form
    assert sent.headers["Idempotency-Key"] == f"pack-session-{pack.public_id}"
    assert session["metadata"] == {"kind": "pack", "pack": pack.public_id}
    assert session["amount_total"] == 10 * price and session["currency"] == "usd"
    return_url = f"http://testserver/practice/billing/return/{pack.public_id}/"
    assert session["success_url"] == f"{return_url}?outcome=paid"
    assert session["cancel_url"] == f"{return_url}?outcome=cancelled"
    assert letters_left(practice) == 0

    fake_stripe.complete(pack.stripe_session_id)
    event = fake_stripe.event("checkout.session.completed", pack.stripe_session_id)
    assert deliver(client, event).json() == {"result": "pack paid"}
    pack.refresh_from_db()
    assert pack.status == PackPurchase.Status.PAID and pack.paid_at is not None
    assert letters_left(practice) == 10

    # Stripe delivers it again, and sends another event of the same payment: still 10.
    assert deliver(client, event).json() == {"result": "duplicate"}
    again = fake_stripe.event("checkout.session.async_payment_succeeded", pack.stripe_session_id)
    assert deliver(client, again).json() == {"result": "pack unchanged"}
    assert letters_left(practice) == 10
    assert ProcessedEvent.objects.count() == 2 and not Order.objects.exists()

    page = browser.get(reverse("practice_billing")).content.decode()
    assert '<strong id="letters-left">10</strong>' in page and "Paid" in page and f"${10 * price // 100:,}" in page


def test_a_tampered_signature_credits_nothing(client, practice, admin, fake_stripe):
    pack, _ = buy(admin[1], 5, fake_stripe)
    fake_stripe.complete(pack.stripe_session_id)
    event = fake_stripe.event("checkout.session.completed", pack.stripe_session_id)
    assert deliver(client, event, secret="whsec_not_the_secret").status_code == 400
    assert letters_left(practice) == 0 and not ProcessedEvent.objects.exists()
    pack.refresh_from_db()
    assert pack.status == PackPurchase.Status.PENDING


def test_a_session_not_yet_paid_credits_nothing_until_the_bank_payment_succeeds(client, practice, admin, fake_stripe):
    pack, _ = buy(admin[1], 5, fake_stripe)
    fake_stripe.complete(pack.stripe_session_id, paid=False)
    assert deliver(client, fake_stripe.event("checkout.session.completed", pack.stripe_session_id)).json() == {
        "result": "pack processing"
    }
    assert letters_left(practice) == 0
    fake_stripe.settle(pack.stripe_session_id, succeeded=True)
    assert deliver(client, fake_stripe.event("checkout.session.async_payment_succeeded", pack.stripe_session_id)).json() == {
        "result": "pack paid"
    }
    assert letters_left(practice) == 5


def test_a_paid_amount_that_differs_from_the_pack_credits_nothing(client, practice, admin, fake_stripe):
    pack, _ = buy(admin[1], 5, fake_stripe)
    fake_stripe.complete(pack.stripe_session_id)
    event = fake_stripe.event("checkout.session.completed", pack.stripe_session_id, amount_total=100)
    assert deliver(client, event).json() == {"result": "pack review"}
    assert letters_left(practice) == 0


def test_an_expired_pack_session_cancels_the_pack(client, practice, admin, fake_stripe):
    pack, _ = buy(admin[1], 5, fake_stripe)
    assert deliver(client, fake_stripe.event("checkout.session.expired", pack.stripe_session_id, status="expired")).json() == {
        "result": "pack cancelled"
    }
    pack.refresh_from_db()
    assert pack.status == PackPurchase.Status.CANCELLED and letters_left(practice) == 0


def test_back_from_stripe_before_the_webhook_the_pack_is_paid_once(client, practice, admin, fake_stripe):
    _, browser = admin
    pack, session = buy(browser, 5, fake_stripe)
    fake_stripe.complete(pack.stripe_session_id)
    page = browser.get(session["success_url"].removeprefix("http://testserver"))
    assert page.status_code == 200 and "Paid: your 5-letter pack" in page.content.decode()
    assert letters_left(practice) == 5
    # The webhook arrives afterwards: nothing more.
    assert deliver(client, fake_stripe.event("checkout.session.completed", pack.stripe_session_id)).json() == {
        "result": "pack unchanged"
    }
    assert letters_left(practice) == 5


def test_leaving_stripes_page_says_nothing_was_charged(practice, admin, fake_stripe):
    _, browser = admin
    _, session = buy(browser, 5, fake_stripe)
    page = browser.get(session["cancel_url"].removeprefix("http://testserver")).content.decode()
    assert "Nothing was charged" in page and letters_left(practice) == 0


def test_another_practice_cannot_open_a_packs_return_page(practice, admin, outsider, fake_stripe):
    pack, _ = buy(admin[1], 5, fake_stripe)
    assert outsider[1].get(reverse("practice_pack_return", args=[pack.public_id])).status_code == 404


def test_only_an_administrator_opens_billing_or_buys_a_pack(staff, fake_stripe):
    _, browser = staff
    assert browser.get(reverse("practice_billing")).status_code == 403
    assert browser.post(reverse("practice_billing"), {"letters": 5}).status_code == 403
    assert not PackPurchase.objects.exists() and not fake_stripe.requests


def test_a_pack_size_not_on_sale_is_refused(admin, fake_stripe):
    response = admin[1].post(reverse("practice_billing"), {"letters": 7})
    assert response["Location"] == reverse("practice_billing") and not PackPurchase.objects.exists()


def test_stripe_unreachable_leaves_a_message_and_no_charge(admin, fake_stripe):
    fake_stripe.fail(3)
    response = admin[1].post(reverse("practice_billing"), {"letters": 5})
    assert response["Location"] == reverse("practice_billing")
    assert "We could not reach the payment service" in messages_of(response)[0]


# --- Spending a letter --------------------------------------------------------------


def test_the_pay_from_pack_url_reaches_its_view():
    assert resolve(reverse("practice_pay_from_pack", args=[1])).func is practice_billing.pay_from_pack


@pytest.fixture
def practice_case(client, demo_catalog, practice, admin) -> PracticeCase:
    """A finished case (with the patient's promo code SEO25) that the practice works on."""
    case, _ = reviewed_case(client)
    return PracticeCase.objects.create(
        practice=practice, case=case, added_by=admin[0].user, office_token_encrypted="not-used-here", patient_initials="J. D."
    )


def pay_from_pack(browser: Client, practice_case: PracticeCase):
    return browser.post(reverse("practice_pay_from_pack", args=[practice_case.pk]))


def test_a_member_pays_a_case_from_the_pack_at_the_list_price(practice, staff, practice_case, django_capture_on_commit_callbacks):
    Practice.objects.filter(pk=practice.pk).update(letters_left=3)
    membership, browser = staff
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = pay_from_pack(browser, practice_case)
    assert response.status_code == 302 and response["Location"] == reverse("practice_case", args=[practice_case.pk])
    assert "paid from your practice's prepaid letters" in messages_of(response)[0]

    order = Order.objects.get(case=practice_case.case)
    list_price = Pricing.current().list_price_cents
    assert (order.status, order.provider, order.promo, order.promo_code) == ("paid", "pack", None, "")
    assert (order.list_price_cents, order.discount_cents, order.amount_cents) == (list_price, 0, list_price)
    assert order.email == "staff@lakeside.example"
    assert order.letter is not None and Letter.objects.filter(case=practice_case.case).count() == 1
    assert len(callbacks) == 1  # the letter's render, queued when the transaction commits
    assert letters_left(practice) == 2
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PAID_FROM_PACK)
    assert (entry.practice, entry.user, entry.case) == (practice, membership.user, practice_case.case)


def test_paying_twice_is_refused_and_spends_one_letter(practice, staff, practice_case):
    Practice.objects.filter(pk=practice.pk).update(letters_left=3)
    pay_from_pack(staff[1], practice_case)
    response = pay_from_pack(staff[1], practice_case)
    assert response["Location"] == reverse("practice_case", args=[practice_case.pk])
    assert "already paid" in messages_of(response)[-1]
    assert Order.objects.filter(case=practice_case.case).count() == 1 and letters_left(practice) == 2


def test_no_letters_left_is_refused_with_a_message(practice, staff, practice_case):
    response = pay_from_pack(staff[1], practice_case)
    assert response.status_code == 302 and "no prepaid letters left" in messages_of(response)[0]
    assert not Order.objects.filter(case=practice_case.case).exists() and letters_left(practice) == 0
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PAID_FROM_PACK).exists()


def test_another_practices_member_gets_a_404(practice, outsider, practice_case):
    Practice.objects.filter(pk=practice.pk).update(letters_left=3)
    assert pay_from_pack(outsider[1], practice_case).status_code == 404
    assert not Order.objects.exists() and letters_left(practice) == 3
    assert Practice.objects.get(name="Hillside Clinic").letters_left == 5


def test_a_case_not_linked_to_the_practice_is_refused(client, demo_catalog, practice, staff):
    Practice.objects.filter(pk=practice.pk).update(letters_left=3)
    case, _ = reviewed_case(client)
    with pytest.raises(billing.NotThePracticesCase):
        billing.pay_from_pack(staff[0], case)
    assert letters_left(practice) == 3 and not Order.objects.exists()


def test_a_case_the_patient_already_paid_is_refused(practice, staff, practice_case):
    Practice.objects.filter(pk=practice.pk).update(letters_left=3)
    paid = Order.for_checkout(
        case=practice_case.case,
        email="patient@example.org",
        price=Quote(list_price_cents=4000),
        template=None,
        provider=Order.Provider.LOCAL,
    )
    assert paid.mark_paid(provider=Order.Provider.LOCAL, amount_cents=4000, currency="usd")
    with pytest.raises(billing.AlreadyPaid):
        billing.pay_from_pack(staff[0], practice_case.case)
    assert letters_left(practice) == 3 and Order.objects.count() == 1


def test_a_patients_pending_stripe_order_is_replaced_and_a_late_payment_goes_to_review(
    client, practice, staff, practice_case, fake_stripe
):
    Practice.objects.filter(pk=practice.pk).update(letters_left=1)
    pending = Order.for_checkout(
        case=practice_case.case,
        email="patient@example.org",
        price=Quote(list_price_cents=4000),
        template=None,
        provider=Order.Provider.STRIPE,
    )
    order = billing.pay_from_pack(staff[0], practice_case.case)
    pending.refresh_from_db()
    assert order.status == Order.Status.PAID and pending.status == Order.Status.CANCELLED
    assert not pending.mark_paid(provider=Order.Provider.STRIPE, amount_cents=4000, currency="usd")
    pending.refresh_from_db()
    assert pending.status == Order.Status.REVIEW and letters_left(practice) == 0


def test_the_patients_open_checkout_of_the_case_is_closed_when_the_pack_pays(client, demo_catalog, practice, staff, fake_stripe):
    Practice.objects.filter(pk=practice.pk).update(letters_left=1)
    case, case_url = reviewed_case(client)
    PracticeCase.objects.create(practice=practice, case=case, office_token_encrypted="not-used-here", patient_initials="J. D.")
    pay(client, case_url)  # the patient opened Stripe's page, with the code SEO25, and left it open
    patients = Order.objects.get(case=case)
    order = billing.pay_from_pack(staff[0], case)
    patients.refresh_from_db()
    assert order.status == Order.Status.PAID and order.promo is None
    assert patients.status == Order.Status.CANCELLED
    assert fake_stripe.sessions[patients.stripe_session_id]["status"] == "expired"


def test_a_pack_bought_through_checkout_is_spent_on_two_letters_end_to_end(
    client, demo_catalog, practice, admin, staff, fake_stripe, django_capture_on_commit_callbacks
):
    """The whole way: the administrator buys 5 letters on the stand-in Stripe API, the signed
    webhook credits them, a member spends two on two cases, and both letters are made."""
    from appeals.letters import rendering

    _, buyer = admin
    pack, _ = buy(buyer, 5, fake_stripe)
    fake_stripe.complete(pack.stripe_session_id)
    assert deliver(client, fake_stripe.event("checkout.session.completed", pack.stripe_session_id)).json() == {
        "result": "pack paid"
    }
    assert letters_left(practice) == 5
    _, browser = staff
    for _ in range(2):
        case, case_url = reviewed_case(client, promo="")
        # A case the practice fills in whole: it keeps the case's own link.
        token = case_url.strip("/").split("/")[-1]
        row = PracticeCase.objects.create(practice=practice, case=case, person_token_encrypted=token)
        with django_capture_on_commit_callbacks(execute=False):
            assert pay_from_pack(browser, row).status_code == 302
        order = Order.objects.get(case=case)
        assert (order.status, order.provider) == ("paid", "pack")
        with django_capture_on_commit_callbacks(execute=True):
            rendering.render_packet(order.letter.pk)
        order.letter.refresh_from_db()
        assert order.letter.status == Letter.Status.READY
        download = browser.get(reverse("practice_case_file", args=[row.pk, "pdf"]))
        assert download.status_code == 200 and b"".join(
            download.streaming_content if download.streaming else [download.content]
        ).startswith(b"%PDF")
    assert letters_left(practice) == 3
    page = buyer.get(reverse("practice_billing")).content.decode()
    assert '<strong id="letters-left">3</strong>' in page
