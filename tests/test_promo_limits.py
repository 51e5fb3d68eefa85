"""Promo code limits that hold at payment, not only when the order is made:
a code's cap and its first-letter rule are reserved when the order is made
(under the code's row lock), given back when the order is cancelled, expired
or left, and confirmed when it is paid.  "The same email" is the same mailbox
however it is spelled, kept as a keyed digest."""

from __future__ import annotations

import hashlib
import html
import threading

import pytest
from django.db import IntegrityError, connection, connections
from django.test import Client
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from appeals.delivery.retention import purge_case
from appeals.models import Order, Pricing, PromoCode, PromoRedemption
from appeals.orders.email_identity import canonical_email, email_digest, legacy_email_digest
from appeals.orders.models import Refusal, quote
from tests.conftest import need
from tests.support.payment_helpers import deliver, pay, reviewed_case, session_of

OTHER_COMBOS = [
    {"drug": "nivolumab", "payer": "aetna", "denial": "non-formulary"},
    {"drug": "anifrolumab", "payer": "aetna", "denial": "step-therapy"},
    {"drug": "nivolumab", "payer": "cigna", "denial": "step-therapy"},
    {"drug": "anifrolumab", "payer": "cigna", "denial": "non-formulary"},
    {"drug": "nivolumab", "payer": "aetna", "denial": "step-therapy"},
]


def text(response) -> str:
    return html.unescape(response.content.decode())


def paid_through_stripe(client, order: Order, fake_stripe) -> str:
    fake_stripe.complete(order.stripe_session_id)
    return deliver(client, fake_stripe.event("checkout.session.completed", order.stripe_session_id)).json()["result"]


# --- A code's cap ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_one_use_code_cannot_be_paid_twice_by_two_orders_made_before_either_pays(client, demo_catalog, fake_stripe):
    code = PromoCode.objects.create(code="ONCE", amount_off_cents=1000, max_redemptions=1)
    first_case, first_url = reviewed_case(client, promo="ONCE")
    second_case, second_url = reviewed_case(client, promo="ONCE", **OTHER_COMBOS[0])
    pay(client, first_url, email="first@example.org", promo="ONCE")
    first = Order.objects.get(case=first_case)

    # The one use is taken by the first checkout: the second is told so before Stripe, at the list price.
    refused = pay(client, second_url, email="second@example.org", promo="ONCE")
    assert refused.status_code == 200 and Refusal.USED_UP.label in text(refused)
    assert "Continue without the code — $40" in text(refused) and "Pay $40" in text(refused)
    assert not Order.objects.filter(case=second_case).exists()
    assert len(fake_stripe.requests_to("POST", "/v1/checkout/sessions")) == 1
    pay(client, second_url, email="second@example.org", promo="ONCE", button="list_price")
    second = Order.objects.get(case=second_case)

    assert paid_through_stripe(client, second, fake_stripe) == "paid"
    assert paid_through_stripe(client, first, fake_stripe) == "paid"
    discounted = Order.objects.paid().filter(promo=code)
    assert list(discounted) == [first] and first.redemption.state == PromoRedemption.State.CONFIRMED
    assert (second.amount_cents, second.promo) == (4000, None)
    assert quote(Pricing.current(), "ONCE", "third@example.org").refusal == Refusal.USED_UP


@pytest.mark.django_db
def test_a_payment_whose_discount_was_given_away_meanwhile_goes_to_review(client, demo_catalog, fake_stripe):
    PromoCode.objects.create(code="ONCE", amount_off_cents=1000, max_redemptions=1)
    first_case, first_url = reviewed_case(client, promo="ONCE")
    second_case, second_url = reviewed_case(client, promo="ONCE", **OTHER_COMBOS[0])
    pay(client, first_url, email="first@example.org", promo="ONCE")
    first = Order.objects.get(case=first_case)
    # Its session expires: the order is cancelled and the use given back, then taken by another person.
    assert deliver(client, fake_stripe.event("checkout.session.expired", first.stripe_session_id)).json()["result"] == (
        "cancelled"
    )
    pay(client, second_url, email="second@example.org", promo="ONCE")
    second = Order.objects.get(case=second_case)
    assert second.discount_cents == 1000

    # A payment for the first session still arrives (Stripe had it in flight): money taken, no letter.
    assert paid_through_stripe(client, first, fake_stripe) == "review"
    first.refresh_from_db()
    assert first.status == Order.Status.REVIEW and first.letter is None
    assert "Code ONCE could no longer be honoured" in first.problem and Refusal.USED_UP.label in first.problem
    assert paid_through_stripe(client, second, fake_stripe) == "paid"
    assert list(Order.objects.paid().filter(promo__code="ONCE")) == [second]


# --- First letter only, one mailbox however spelled ----------------------------------


SPELLINGS = [
    " MARIA.LOPEZ@GMAIL.COM",
    "maria.lopez+appeal@gmail.com",
    "m.a.r.i.a.lopez@gmail.com",
    "maria.lopez@googlemail.com",
    "Maria.Lopez+x@GoogleMail.com",
    "maria.lopez@gm\u0430il.com",  # a Cyrillic а
    "maria.lopez@\uff47\uff4d\uff41\uff49\uff4c.com",  # fullwidth letters
]


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_seo25_twice_for_one_mailbox_is_refused_the_second_time_however_the_address_is_spelled(
    client, demo_catalog, fake_stripe, spelling
):
    first_case, first_url = reviewed_case(client)
    second_case, second_url = reviewed_case(client, **OTHER_COMBOS[0])
    pay(client, first_url, email="maria.lopez@gmail.com")
    first = Order.objects.get(case=first_case)
    assert first.discount_cents == 1000

    # Being paid: the use is reserved for this mailbox.
    in_use = pay(client, second_url, email=spelling)
    assert in_use.status_code == 200 and Refusal.IN_USE.label in text(in_use), spelling
    assert not Order.objects.filter(case=second_case).exists()

    # Paid: a first letter no more.
    assert paid_through_stripe(client, first, fake_stripe) == "paid"
    refused = pay(client, second_url, email=spelling)
    assert Refusal.FIRST_LETTER_ONLY.label in text(refused) and "Continue without the code — $40" in text(refused)
    pay(client, second_url, email=spelling, button="list_price")
    assert Order.objects.get(case=second_case).amount_cents == 4000
    assert quote(Pricing.current(), "SEO25", "maria.lopez.other@gmail.com").amount_cents == 3000


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_one_mailbox_has_one_canonical_form_and_one_keyed_digest(spelling, settings):
    assert canonical_email(spelling) == "marialopez@gmail.com"
    assert email_digest(spelling) == email_digest("maria.lopez@gmail.com")
    # Keyed: not the plain SHA-256 of the address, and another key gives another digest.
    assert email_digest(spelling) != hashlib.sha256(b"marialopez@gmail.com").hexdigest()
    before = email_digest(spelling)
    settings.EMAIL_DIGEST_KEY = "another key"
    assert email_digest(spelling) != before


@hypothesis_settings(max_examples=300, deadline=None)
@given(local=st.text(max_size=30), domain=st.text(alphabet="abcgilmo.+ \u0430\u0391\u03bf\uff47", max_size=15))
@example(local="\u0384x +tag", domain=". g\u043c\u0430il.com ")
def test_any_address_has_one_canonical_form_without_an_error(local, domain):
    email = f"{local}@{domain}"
    canonical = canonical_email(email)
    assert canonical_email(canonical) == canonical
    assert email_digest(canonical) == email_digest(email) and len(email_digest(email)) == 64


def test_different_mailboxes_stay_different():
    assert canonical_email("maria.lopez@example.org") != canonical_email("marialopez@example.org")  # dots matter off Gmail
    assert canonical_email("maria@example.org") != canonical_email("maria@example.com")
    assert canonical_email("maria1@gmail.com") != canonical_email("marial@gmail.com")


@pytest.mark.django_db
def test_an_address_deleted_before_digests_were_keyed_still_counts_as_a_first_letter(demo_catalog):
    seo25 = PromoCode.objects.get(code="SEO25")
    Order.objects.create(
        public_id="dh_legacy",
        status_token_hash="0" * 64,
        status_token_encrypted="unused",
        email=None,
        email_digest="",
        legacy_email_digest=legacy_email_digest("maria.lopez@gmail.com"),
        list_price_cents=4000,
        discount_cents=1000,
        amount_cents=3000,
        promo=seo25,
        provider=Order.Provider.STRIPE,
        status=Order.Status.PAID,
    )
    for spelling in ("Maria.Lopez@gmail.com", " maria.lopez+x@googlemail.com", "MARIA.LOPEZ@gm\u0430il.com"):
        assert quote(Pricing.current(), "SEO25", spelling).refusal == Refusal.FIRST_LETTER_ONLY, spelling
    assert quote(Pricing.current(), "SEO25", "someone@gmail.com").refusal is None
    # The old digest keeps the dots as they were typed, and they cannot be guessed back (docs/checkout.md).
    assert quote(Pricing.current(), "SEO25", "marialopez@gmail.com").refusal is None


# --- Giving a use back ----------------------------------------------------------------


@pytest.mark.django_db
def test_an_expired_checkout_session_gives_the_code_back(client, demo_catalog, fake_stripe):
    first_case, first_url = reviewed_case(client)
    second_case, second_url = reviewed_case(client, **OTHER_COMBOS[0])
    pay(client, first_url)
    first = Order.objects.get(case=first_case)
    assert Refusal.IN_USE.label in text(pay(client, second_url))

    expired = deliver(client, fake_stripe.event("checkout.session.expired", first.stripe_session_id))
    assert expired.json()["result"] == "cancelled"
    assert first.redemption.state == PromoRedemption.State.RELEASED

    response = pay(client, second_url)
    second = Order.objects.get(case=second_case)
    assert response["Location"] == session_of(second, fake_stripe)["url"] and second.amount_cents == 3000
    assert paid_through_stripe(client, second, fake_stripe) == "paid"


@pytest.mark.django_db
def test_an_order_replaced_or_deleted_by_retention_gives_the_code_back(client, demo_catalog, fake_stripe):
    first_case, first_url = reviewed_case(client)
    second_case, second_url = reviewed_case(client, **OTHER_COMBOS[0])
    pay(client, first_url)
    first = Order.objects.get(case=first_case)
    # Paying the same case again with other terms replaces its order: its own use does not stand in the way.
    pay(client, first_url, email="maria+work@example.org")
    replacement = Order.objects.filter(case=first_case).exclude(pk=first.pk).get()
    first.refresh_from_db()
    assert replacement.discount_cents == 1000 and first.status == Order.Status.CANCELLED
    assert first.redemption.state == PromoRedemption.State.RELEASED
    assert Refusal.IN_USE.label in text(pay(client, second_url))

    # The case is never paid and retention deletes it: its open order is cancelled and the use given back.
    purge_case(first_case.pk)
    replacement.refresh_from_db()
    assert replacement.status == Order.Status.CANCELLED
    assert replacement.redemption.state == PromoRedemption.State.RELEASED
    pay(client, second_url)
    assert Order.objects.get(case=second_case).amount_cents == 3000


@pytest.mark.django_db
def test_paying_again_after_leaving_takes_the_code_again_unless_it_went_to_someone_else(client, demo_catalog, fake_stripe):
    first_case, first_url = reviewed_case(client)
    pay(client, first_url)
    first = Order.objects.get(case=first_case)
    deliver(client, fake_stripe.event("checkout.session.expired", first.stripe_session_id))
    again = client.post(f"/letters/{first.status_token}/pay/")
    first.refresh_from_db()
    assert first.status == Order.Status.PENDING and first.redemption.state == PromoRedemption.State.RESERVED
    assert again["Location"] == session_of(first, fake_stripe)["url"]

    deliver(client, fake_stripe.event("checkout.session.expired", first.stripe_session_id))
    _, second_url = reviewed_case(client, **OTHER_COMBOS[0])
    pay(client, second_url)  # the same mailbox takes the code for another case
    refused = client.post(f"/letters/{first.status_token}/pay/", follow=True)
    first.refresh_from_db()
    assert first.status == Order.Status.CANCELLED and first.redemption.state == PromoRedemption.State.RELEASED
    assert "Code SEO25 no longer applies" in text(refused)


@pytest.mark.django_db
def test_the_database_allows_one_live_first_letter_use_per_address(demo_catalog):
    seo25 = PromoCode.objects.get(code="SEO25")
    other = PromoCode.objects.create(code="FIRST5", amount_off_cents=500, first_letter_only=True)
    orders = [
        Order.objects.create(
            public_id=f"dh_db_{n}",
            status_token_hash=f"{n:064d}",
            status_token_encrypted="unused",
            email="maria@example.org",
            email_digest=email_digest("maria@example.org"),
            list_price_cents=4000,
            amount_cents=4000,
            provider=Order.Provider.STRIPE,
        )
        for n in range(3)
    ]
    live = {"email_digest": email_digest("maria@example.org"), "first_letter": True}
    PromoRedemption.objects.create(order=orders[0], promo=seo25, state=PromoRedemption.State.RELEASED, **live)
    PromoRedemption.objects.create(order=orders[1], promo=seo25, **live)
    with pytest.raises(IntegrityError):
        PromoRedemption.objects.create(order=orders[2], promo=other, **live)


# --- At the same moment ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("code", "same_email", "refusal"),
    [("SEO25", True, Refusal.IN_USE), ("ONCE", False, Refusal.USED_UP)],
    ids=["first-letter-one-email", "one-use-code-six-emails"],
)
def test_six_checkouts_at_the_same_moment_give_exactly_one_discount(demo_catalog, fake_stripe, code, same_email, refusal):
    need(
        connection.vendor == "postgresql",
        "SQLite has no row locks (select_for_update) and serialises writers itself; run with DATABASE_URL=postgres://…",
    )
    PromoCode.objects.get_or_create(code="ONCE", defaults={"amount_off_cents": 1000, "max_redemptions": 1})
    combos = [{}, *OTHER_COMBOS]
    browsers = [Client() for _ in combos]
    case_urls = [reviewed_case(browser, promo=code, **combo)[1] for browser, combo in zip(browsers, combos, strict=True)]
    emails = ["maria@example.org" if same_email else f"person{n}@example.org" for n in range(len(browsers))]
    start = threading.Barrier(len(browsers))
    responses: list = [None] * len(browsers)

    def checkout(n: int) -> None:
        try:
            start.wait(timeout=30)
            responses[n] = pay(browsers[n], case_urls[n], email=emails[n], promo=code)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=checkout, args=(n,)) for n in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(response is not None for response in responses)

    discounted = Order.objects.filter(promo__code=code)
    assert discounted.count() == 1 and discounted.get().amount_cents == 3000
    assert PromoRedemption.objects.live().count() == 1
    refused = [r for r in responses if r.status_code == 200]
    assert len(refused) == len(browsers) - 1
    assert all(refusal.label in text(r) and "Continue without the code — $40" in text(r) for r in refused)
    assert len(fake_stripe.requests_to("POST", "/v1/checkout/sessions")) == 1
