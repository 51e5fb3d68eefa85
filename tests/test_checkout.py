"""Checkout: the price in cents, promo codes and their refusals, the order and
its Stripe Checkout Session (what is sent, and what is never sent), no second
charge for one case, the status page asking Stripe when the webhook is late,
and the local payment page of development."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.utils import timezone

from appeals.models import Letter, Order, Pricing, PromoCode, PromoRedemption
from appeals.orders.email_identity import email_digest
from appeals.orders.models import Refusal, quote
from tests.support.payment_helpers import deliver, pay, reviewed_case, session_of
from tests.support.wizard_answers import PATIENT, PRESCRIBER

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def visible(response) -> str:
    """The page's words, without tags and with single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split()).replace(" :", ":").replace(" .", ".")


def promo(code: str, **fields) -> PromoCode:
    fields.setdefault("amount_off_cents", 1000)
    return PromoCode.objects.create(code=code, **fields)


def paid_order(email: str, code: PromoCode | None = None) -> Order:
    """A paid order in the books for ``email`` (another case, paid earlier)."""
    order = Order.objects.create(
        public_id=f"dh_test_{Order.objects.count()}",
        status_token_hash=f"{Order.objects.count():064d}",
        status_token_encrypted="unused",
        email=email,
        email_digest=email_digest(email),
        list_price_cents=4000,
        discount_cents=code.discount_cents(4000) if code else 0,
        amount_cents=4000 - (code.discount_cents(4000) if code else 0),
        promo=code,
        provider=Order.Provider.STRIPE,
        status=Order.Status.PAID,
        paid_at=timezone.now(),
    )
    if code is not None:
        PromoRedemption.objects.create(
            order=order,
            promo=code,
            email_digest=order.email_digest,
            first_letter=code.first_letter_only,
            state=PromoRedemption.State.CONFIRMED,
        )
    return order


# --- Price math ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("list_price", "kind", "off", "discount"),
    [
        (4000, "fixed", 1000, 1000),
        (4000, "fixed", 5000, 4000),  # never more than the price
        (4000, "percent", 25, 1000),
        (4050, "percent", 1, 41),  # 40.5 cents rounds half up
        (4049, "percent", 1, 40),  # 40.49 cents rounds down
        (3999, "percent", 33, 1320),  # 1319.67
        (4000, "percent", 100, 4000),
    ],
)
def test_the_discount_is_whole_cents_rounded_half_up_and_never_above_the_price(list_price, kind, off, discount):
    Pricing.objects.update_or_create(pk=1, defaults={"list_price_cents": list_price})
    field = "amount_off_cents" if kind == "fixed" else "percent_off"
    PromoCode.objects.create(code="MATH", kind=kind, **{field: off})
    price = quote(Pricing.current(), " math ", "someone@example.org")
    assert (price.list_price_cents, price.discount_cents, price.amount_cents) == (list_price, discount, list_price - discount)
    assert all(isinstance(v, int) for v in (price.list_price_cents, price.discount_cents, price.amount_cents))


def test_no_code_is_the_list_price_from_pricing():
    Pricing.objects.update_or_create(pk=1, defaults={"list_price_cents": 4500})
    price = quote(Pricing.current(), "", "someone@example.org")
    assert (price.amount_cents, price.discount_cents, price.refusal, price.promo) == (4500, 0, None, None)


# --- Promo refusals -------------------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda: None, Refusal.UNKNOWN),
        (lambda: promo("SAVE10", active=False), Refusal.INACTIVE),
        (lambda: promo("SAVE10", valid_from=timezone.localdate() + datetime.timedelta(days=1)), Refusal.NOT_YET_VALID),
        (lambda: promo("SAVE10", valid_until=timezone.localdate() - datetime.timedelta(days=1)), Refusal.EXPIRED),
        (lambda: paid_order("someone-else@example.org", promo("SAVE10", max_redemptions=1)), Refusal.USED_UP),
        (lambda: paid_order("Maria@EXAMPLE.org ", promo("SAVE10", first_letter_only=True)), Refusal.FIRST_LETTER_ONLY),
    ],
    ids=["unknown", "inactive", "not-yet-valid", "expired", "used-up", "first-letter-only"],
)
def test_a_refused_code_says_why_and_the_person_goes_on_at_the_list_price(client, demo_catalog, fake_stripe, setup, reason):
    setup()
    case, case_url = reviewed_case(client, promo="SAVE10")
    page = text(client.get(case_url + "payment/"))
    assert reason.label in page and "Pay $40" in page

    refused = pay(client, case_url, promo="save10")
    assert refused.status_code == 200 and reason.label in text(refused)
    assert "Continue without the code — $40" in text(refused)
    assert not Order.objects.filter(case=case).exists() and not fake_stripe.requests

    went_on = pay(client, case_url, promo="save10", button="list_price")
    order = Order.objects.get(case=case)
    assert went_on["Location"] == session_of(order, fake_stripe)["url"]
    assert (order.amount_cents, order.discount_cents, order.promo) == (4000, 0, None)
    assert session_of(order, fake_stripe)["amount_total"] == 4000
    assert not fake_stripe.requests_to("POST", "/v1/coupons")


def test_the_day_a_code_starts_and_its_last_day_both_count():
    code = promo("EDGE", valid_from=timezone.localdate(), valid_until=timezone.localdate())
    assert quote(Pricing.current(), "edge", "a@example.org").promo == code


def test_a_code_with_redemptions_left_applies_and_an_order_being_paid_holds_its_use(demo_catalog):
    code = promo("TWICE", max_redemptions=2)
    paid_order("a@example.org", code)
    assert quote(Pricing.current(), "twice", "c@example.org").promo == code
    pending = paid_order("b@example.org", code)
    Order.objects.filter(pk=pending.pk).update(status=Order.Status.PENDING)
    PromoRedemption.objects.filter(order=pending).update(state=PromoRedemption.State.RESERVED)
    assert quote(Pricing.current(), "twice", "c@example.org").refusal == Refusal.USED_UP
    pending.cancel()  # a cancelled order gives its use back
    assert quote(Pricing.current(), "twice", "c@example.org").promo == code


# --- Checkout through Stripe -----------------------------------------------------


def test_seo25_makes_a_30_dollar_order_and_a_checkout_session_with_the_discount_shown(client, demo_catalog, fake_stripe):
    case, case_url = reviewed_case(client)
    page = text(client.get(case_url + "payment/"))
    assert PATIENT["email"] in page and 'value="SEO25"' in page
    assert "$40 list price, less $10 with code SEO25: $30." in visible(client.get(case_url + "payment/"))

    response = pay(client, case_url)
    order = Order.objects.get(case=case)
    session = session_of(order, fake_stripe)
    assert response.status_code == 302 and response["Location"] == session["url"]
    assert (order.list_price_cents, order.discount_cents, order.amount_cents, order.currency) == (4000, 1000, 3000, "usd")
    assert order.status == Order.Status.PENDING and order.promo.code == "SEO25" and order.email == PATIENT["email"]
    assert order.template is not None and order.template.pk == case.step_answers("letter")["template_id"]

    [coupon_request] = fake_stripe.requests_to("POST", "/v1/coupons")
    assert coupon_request.form["amount_off"] == "1000" and coupon_request.form["currency"] == "usd"
    assert coupon_request.form["name"] == "SEO25" and coupon_request.form["max_redemptions"] == "1"
    [sent] = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    assert sent.headers["Authorization"] == f"Bearer {fake_stripe.api_key}"
    form = sent.form
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][unit_amount]"] == "4000"
    assert form["line_items[0][price_data][currency]"] == "usd"
    assert form["line_items[0][price_data][product_data][name]"] == "Appeal letter packet (PDF, ready to sign)"
    assert form["discounts[0][coupon]"] in fake_stripe.coupons
    assert form["customer_email"] == PATIENT["email"]
    assert form["client_reference_id"] == order.public_id == form["metadata[order]"]
    return_url = f"http://testserver/pay/return/{order.public_id}/"
    assert form["success_url"] == f"{return_url}?outcome=paid" and form["cancel_url"] == f"{return_url}?outcome=cancelled"
    assert session["amount_total"] == 3000 and session["total_details"]["amount_discount"] == 1000


def test_nothing_sent_to_stripe_holds_patient_data_or_the_case_link(client, demo_catalog, fake_stripe):
    case, case_url = reviewed_case(client)
    pay(client, case_url)
    order = Order.objects.get(case=case)
    fake_stripe.complete(order.stripe_session_id)
    client.get(order.status_path() + "?returned=1")  # the status page asks Stripe too
    # The receipt address is the one personal detail Stripe is given; it may spell a name.
    sent = fake_stripe.everything_sent().lower().replace(PATIENT["email"], "<receipt address>")
    assert "<receipt address>" in sent
    assert fake_stripe.requests_to("POST", "/v1/checkout/sessions") and fake_stripe.requests_to("GET", "/v1/checkout/sessions/")
    birth = datetime.date.fromisoformat(PATIENT["birth_date"])
    forbidden = [
        PATIENT["patient_name"],
        *PATIENT["patient_name"].split(),
        PATIENT["birth_date"],
        birth.strftime("%m/%d/%Y"),
        birth.strftime("%B %-d, %Y"),
        PATIENT["member_id"],
        PATIENT["group_number"],
        "M32.14",
        "M3214",
        PRESCRIBER["prescriber_name"],
        PRESCRIBER["npi"],
        case.drug.name,
        case.payer.name,
        case.denial_type.name,
        case_url.rstrip("/").rsplit("/", 1)[-1],  # the case's link token
    ]
    for value in forbidden:
        assert value.lower() not in sent, value


def test_a_double_submit_pays_one_order_through_one_session(client, demo_catalog, fake_stripe):
    case, case_url = reviewed_case(client)
    first, second = pay(client, case_url), pay(client, case_url)
    assert first["Location"] == second["Location"]
    assert Order.objects.filter(case=case).count() == 1
    assert len(fake_stripe.requests_to("POST", "/v1/checkout/sessions")) == 1


def test_changing_the_terms_cancels_the_earlier_order_and_expires_its_session(client, demo_catalog, fake_stripe):
    case, case_url = reviewed_case(client)
    pay(client, case_url)
    earlier = Order.objects.get(case=case)
    pay(client, case_url, promo="")
    later = Order.objects.exclude(pk=earlier.pk).get(case=case)
    earlier.refresh_from_db()
    assert earlier.status == Order.Status.CANCELLED and later.status == Order.Status.PENDING
    assert later.amount_cents == 4000
    assert fake_stripe.sessions[earlier.stripe_session_id]["status"] == "expired"
    assert fake_stripe.sessions[later.stripe_session_id]["status"] == "open"


def test_a_paid_case_goes_to_its_status_page_instead_of_paying_again(client, demo_catalog, fake_stripe):
    case, case_url = reviewed_case(client)
    pay(client, case_url)
    order = Order.objects.get(case=case)
    fake_stripe.complete(order.stripe_session_id)
    deliver(client, fake_stripe.event("checkout.session.completed", order.stripe_session_id))
    sessions_before = len(fake_stripe.requests_to("POST", "/v1/checkout/sessions"))
    assert client.get(case_url + "payment/")["Location"] == order.status_path()
    assert pay(client, case_url)["Location"] == order.status_path()
    assert Order.objects.filter(case=case).count() == 1
    assert len(fake_stripe.requests_to("POST", "/v1/checkout/sessions")) == sessions_before


def test_seo25_is_refused_on_a_second_letter_for_the_same_email_once_the_first_is_paid(client, demo_catalog, fake_stripe):
    first_case, first_url = reviewed_case(client)
    pay(client, first_url)
    first = Order.objects.get(case=first_case)

    # Not paid yet: the first order holds the email's first-letter use while it is being paid.
    second_case, second_url = reviewed_case(client, drug="nivolumab", payer="aetna", denial="non-formulary")
    assert Refusal.IN_USE.label in text(client.get(second_url + "payment/"))

    fake_stripe.complete(first.stripe_session_id)
    deliver(client, fake_stripe.event("checkout.session.completed", first.stripe_session_id))
    first.refresh_from_db()
    assert first.status == Order.Status.PAID and first.amount_cents == 3000

    refused = pay(client, second_url, email="  MARIA@Example.ORG")
    assert Refusal.FIRST_LETTER_ONLY.label in text(refused)
    assert not Order.objects.filter(case=second_case).exists()
    pay(client, second_url, email="maria@example.org", button="list_price")
    assert Order.objects.get(case=second_case).amount_cents == 4000
    # Another email still has its first letter.
    assert quote(Pricing.current(), "SEO25", "someone.else@example.org").amount_cents == 3000


def test_when_stripe_does_not_answer_nothing_is_charged_and_paying_again_works(client, demo_catalog, fake_stripe):
    case, case_url = reviewed_case(client)
    fake_stripe.fail(count=10)
    failed = pay(client, case_url)
    assert failed.status_code == 200 and "Nothing was charged" in text(failed)
    fake_stripe._failures.clear()
    again = pay(client, case_url)
    order = Order.objects.get(case=case)
    assert again["Location"] == session_of(order, fake_stripe)["url"]


def test_a_100_percent_code_needs_no_payment(client, demo_catalog, fake_stripe, django_capture_on_commit_callbacks):
    PromoCode.objects.create(code="FREE", kind="percent", percent_off=100)
    case, case_url = reviewed_case(client, promo="FREE")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = pay(client, case_url, promo="FREE")
    order = Order.objects.get(case=case)
    assert response["Location"] == order.status_path()
    assert order.status == Order.Status.PAID and order.amount_cents == 0 and order.letter is not None
    assert not fake_stripe.requests and len(callbacks) == 1


# --- The status page ---------------------------------------------------------------


def test_the_status_page_asks_stripe_when_the_person_is_back_before_the_webhook(
    client, demo_catalog, fake_stripe, django_capture_on_commit_callbacks
):
    case, case_url = reviewed_case(client)
    pay(client, case_url)
    order = Order.objects.get(case=case)

    waiting = client.get(order.status_path() + "?returned=1")
    assert "Awaiting payment" in text(waiting) and '<meta http-equiv="refresh"' in text(waiting)
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING

    fake_stripe.complete(order.stripe_session_id)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        back = client.get(order.status_path() + "?returned=1")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.stripe_payment_intent.startswith("pi_")
    assert order.letter.status == Letter.Status.PENDING and len(callbacks) == 1
    page = text(back)
    assert "Paid" in page and "Waiting" in page and '<meta http-equiv="refresh"' in page
    retrieved = fake_stripe.requests_to("GET", f"/v1/checkout/sessions/{order.stripe_session_id}")
    assert len(retrieved) == 2

    # The webhook arriving afterwards changes nothing.
    response = deliver(client, fake_stripe.event("checkout.session.completed", order.stripe_session_id))
    assert response.status_code == 200 and Letter.objects.filter(case=case).count() == 1


def test_the_status_page_does_not_take_a_session_of_another_amount(client, demo_catalog, fake_stripe):
    case, case_url = reviewed_case(client)
    pay(client, case_url)
    order = Order.objects.get(case=case)
    fake_stripe.complete(order.stripe_session_id)
    fake_stripe.sessions[order.stripe_session_id]["amount_total"] = 100
    client.get(order.status_path() + "?returned=1")
    order.refresh_from_db()
    assert order.status == Order.Status.REVIEW and order.letter is None and "100" in order.problem


def test_leaving_stripes_page_comes_back_to_the_status_page_with_a_way_to_pay(client, demo_catalog, fake_stripe):
    case, case_url = reviewed_case(client)
    pay(client, case_url)
    order = Order.objects.get(case=case)
    page = client.get(order.status_path() + "?cancelled=1")
    assert "You left the payment page. Nothing was charged." in text(page)
    assert '<meta http-equiv="refresh"' not in text(page)
    again = client.post(f"/letters/{order.status_token}/pay/")
    assert again["Location"] == session_of(order, fake_stripe)["url"]
    assert len(fake_stripe.requests_to("POST", "/v1/checkout/sessions")) == 1


def test_the_status_page_is_private(client, demo_catalog, fake_stripe):
    case, case_url = reviewed_case(client)
    pay(client, case_url)
    order = Order.objects.get(case=case)
    response = client.get(order.status_path())
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert client.get("/letters/not-a-token/").status_code == 404
    assert client.get(f"/letters/{order.status_token_hash}/").status_code == 404  # the digest is not the link
    assert client.post(order.status_path()).status_code == 405


# --- The local payment page (development) ----------------------------------------------


@pytest.fixture
def local_payments(settings):
    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    return settings


def test_the_local_payment_page_pays_through_mark_paid_and_queues_the_letter(
    client, demo_catalog, local_payments, django_capture_on_commit_callbacks
):
    case, case_url = reviewed_case(client)
    response = pay(client, case_url)
    order = Order.objects.get(case=case)
    assert order.provider == Order.Provider.LOCAL and response["Location"] == f"/pay/local/{order.public_id}/"
    page = text(client.get(response["Location"]))
    assert "No card is charged." in page and "Pay $30 (test)" in page and "csrfmiddlewaretoken" in page

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        paid = client.post(response["Location"], {"pay": ""})
    order.refresh_from_db()
    assert paid["Location"] == order.status_path()
    assert order.status == Order.Status.PAID and order.paid_at is not None and len(callbacks) == 1
    assert order.letter.case == case and order.letter.template == order.template
    client.post(response["Location"], {"pay": ""})  # pressed twice
    assert Letter.objects.filter(case=case).count() == 1


def test_cancelling_the_local_payment_shows_cancelled_with_a_way_back_to_pay(client, demo_catalog, local_payments):
    case, case_url = reviewed_case(client)
    local_page = pay(client, case_url)["Location"]
    order = Order.objects.get(case=case)
    cancelled = client.post(local_page, {"cancel": ""})
    order.refresh_from_db()
    assert cancelled["Location"] == order.status_path() and order.status == Order.Status.CANCELLED
    page = text(client.get(order.status_path()))
    assert "Cancelled" in page and "nothing was charged" in page and "Pay $30" in page
    assert client.post(f"/letters/{order.status_token}/pay/")["Location"] == local_page
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING and Letter.objects.count() == 0


def test_the_local_payment_page_does_not_exist_without_debug_or_with_a_stripe_key(client, demo_catalog, local_payments):
    case, case_url = reviewed_case(client)
    local_page = pay(client, case_url)["Location"]
    order = Order.objects.get(case=case)
    assert client.get(local_page).status_code == 200

    local_payments.DEBUG = False
    assert client.get(local_page).status_code == 404
    assert client.post(local_page, {"pay": ""}).status_code == 404

    local_payments.DEBUG = True
    local_payments.STRIPE_SECRET_KEY = "sk_test_configured"
    assert client.get(local_page).status_code == 404
    assert client.post(local_page, {"pay": ""}).status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


def test_without_a_stripe_key_or_debug_there_is_no_way_to_pay(client, demo_catalog, settings):
    settings.DEBUG, settings.STRIPE_SECRET_KEY = False, ""
    _, case_url = reviewed_case(client)
    response = pay(client, case_url)
    assert response.status_code == 200 and "Payment is not available" in text(response)
    assert not Order.objects.exists()


def test_stripe_sends_the_person_back_to_the_status_page_only_in_the_browser_that_paid(client, demo_catalog, fake_stripe):
    from django.test import Client

    case, case_url = reviewed_case(client)
    pay(client, case_url)
    order = Order.objects.get(case=case)
    sent = fake_stripe.everything_sent()
    assert order.status_token not in sent and order.status_path() not in sent  # the status link never goes to Stripe
    back = client.get(f"/pay/return/{order.public_id}/?outcome=paid")
    assert back.status_code == 302 and back["Location"] == f"{order.status_path()}?returned=1"
    cancelled = client.get(f"/pay/return/{order.public_id}/?outcome=cancelled")
    assert cancelled["Location"] == f"{order.status_path()}?cancelled=1"

    elsewhere = Client().get(f"/pay/return/{order.public_id}/?outcome=paid")
    body = elsewhere.content.decode()
    assert elsewhere.status_code == 200 and "We email the link to your letter" in body
    assert order.status_path() not in body and case.drug.name not in body
    assert Client().get("/pay/return/dh_not-an-order/?outcome=paid").status_code == 200
