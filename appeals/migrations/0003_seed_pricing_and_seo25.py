"""The list price ($40) and SEO25 ($10 off a first letter), advertised on
landing pages.  Staff change both in admin."""

from django.db import migrations


def seed(apps, schema_editor):
    Pricing = apps.get_model("appeals", "Pricing")
    PromoCode = apps.get_model("appeals", "PromoCode")
    promo = PromoCode.objects.filter(code__iexact="SEO25").first()
    if promo is None:
        promo = PromoCode.objects.create(code="SEO25", kind="fixed", amount_off_cents=1000, first_letter_only=True)
    if not Pricing.objects.filter(pk=1).exists():
        Pricing.objects.create(pk=1, list_price_cents=4000, advertised_promo=promo)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0002_pricing_and_promo_codes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
