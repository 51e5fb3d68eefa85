"""Migration 0015: existing orders get keyed email digests (or keep their old
one where the address was deleted) and a promo use each, from the state the
database was in at 0014."""

from __future__ import annotations

import hashlib

import pytest

from appeals.orders.email_identity import email_digest

BEFORE = ("appeals", "0015_worker_heartbeat")
AFTER = ("appeals", "0016_promo_redemptions")


def old_digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_old_digests_are_keyed_where_the_address_remains_and_kept_as_legacy_where_it_was_deleted(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    PromoCode = old.apps.get_model("appeals", "PromoCode")
    Order = old.apps.get_model("appeals", "Order")
    seo25 = PromoCode.objects.create(code="SEO25X", amount_off_cents=1000, first_letter_only=True)
    once = PromoCode.objects.create(code="ONCE", amount_off_cents=1000, max_redemptions=1)

    def order(name: str, email: str | None, status: str, promo=None, digest_of: str | None = None):
        return Order.objects.create(
            public_id=f"dh_{name}",
            status_token_hash=hashlib.sha256(name.encode()).hexdigest(),
            status_token_encrypted="unused",
            email=email,
            email_digest=old_digest(digest_of or email),
            list_price_cents=4000,
            discount_cents=1000 if promo else 0,
            amount_cents=3000 if promo else 4000,
            promo=promo,
            promo_code=promo.code if promo else "",
            provider="stripe",
            status=status,
        )

    kept = order("kept", " Maria.Lopez+x@GoogleMail.com", "paid", seo25)
    purged = order("purged", None, "paid", seo25, digest_of="Old.Person@example.org")
    oversold = order("oversold", "maria.lopez@gmail.com", "paid", seo25)  # the same mailbox, paid twice before the fix
    pending = order("pending", "a@example.org", "pending", once)
    cancelled = order("cancelled", "b@example.org", "cancelled", once)
    full_price = order("full", "c@example.org", "paid")

    new = migrator.apply_tested_migration(AFTER)
    Order = new.apps.get_model("appeals", "Order")
    PromoRedemption = new.apps.get_model("appeals", "PromoRedemption")

    def after(row):
        return Order.objects.get(pk=row.pk)

    assert (after(kept).email_digest, after(kept).legacy_email_digest) == (email_digest("maria.lopez@gmail.com"), "")
    assert after(oversold).email_digest == after(kept).email_digest
    assert (after(purged).email_digest, after(purged).legacy_email_digest) == ("", old_digest("old.person@example.org"))
    assert (after(full_price).email_digest, after(full_price).legacy_email_digest) == (email_digest("c@example.org"), "")

    uses = {use.order_id: (use.promo_id, use.state, use.first_letter, use.email_digest) for use in PromoRedemption.objects.all()}
    assert uses == {
        kept.pk: (seo25.pk, "confirmed", True, email_digest("maria.lopez@gmail.com")),
        purged.pk: (seo25.pk, "confirmed", True, ""),
        oversold.pk: (seo25.pk, "confirmed", False, email_digest("maria.lopez@gmail.com")),  # kept, off the unique index
        pending.pk: (once.pk, "reserved", False, email_digest("a@example.org")),
        cancelled.pk: (once.pk, "released", False, email_digest("b@example.org")),
    }


@pytest.mark.django_db(transaction=True)
def test_the_migration_can_be_reversed_to_the_old_digests(migrator):
    new = migrator.apply_initial_migration(AFTER)
    Order = new.apps.get_model("appeals", "Order")
    common = {"status_token_encrypted": "unused", "list_price_cents": 4000, "amount_cents": 4000, "provider": "stripe"}
    with_email = Order.objects.create(
        public_id="dh_a",
        status_token_hash="a" * 64,
        email="Maria@Example.org",
        email_digest=email_digest("maria@example.org"),
        **common,
    )
    without = Order.objects.create(
        public_id="dh_b",
        status_token_hash="b" * 64,
        email=None,
        email_digest="",
        legacy_email_digest=old_digest("x@y.org"),
        **common,
    )
    old = migrator.apply_tested_migration(BEFORE)
    Order = old.apps.get_model("appeals", "Order")
    assert Order.objects.get(pk=with_email.pk).email_digest == old_digest("maria@example.org")
    assert Order.objects.get(pk=without.pk).email_digest == old_digest("x@y.org")
