from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from appeals.catalog.caching import cached_page
from appeals.web import checkout, delivery, health, public, wizard
from appeals.web.sitemaps import SITEMAPS, landing_sitemap, sitemap_index

urlpatterns = [
    path("", public.home, name="home"),
    path("appeal/<slug:drug>/<slug:payer>/<slug:denial>/", public.landing, name="landing"),
    path("drugs/<slug:drug>/", public.drug_hub, name="drug_hub"),
    path("payers/<slug:payer>/", public.payer_hub, name="payer_hub"),
    path("denials/<slug:denial>/", public.denial_hub, name="denial_hub"),
    path("sitemap.xml", cached_page(sitemap_index), name="sitemap-index"),
    # The landing section is the large one: written directly (see landing_sitemap).
    path("sitemap-landing.xml", landing_sitemap, name="sitemap-landing"),
    path("sitemap-<section>.xml", cached_page(sitemap_views.sitemap), {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("start/", wizard.start, name="start"),
    path("case/<str:token>/", wizard.continue_case, name="case"),
    path("case/<str:token>/review/", wizard.case_review, name="case_review"),
    path("case/<str:token>/payment/", checkout.case_payment, name="case_payment"),
    path("case/<str:token>/later/", wizard.case_later, name="case_later"),
    path("case/<str:token>/clinical/", wizard.case_clinical, name="case_clinical"),
    path("case/<str:token>/delete/", wizard.case_delete, name="case_delete"),
    path("case/<str:token>/claim-file-request.pdf", wizard.case_claim_file_request, name="case_claim_file_request"),
    path("case/<str:token>/<slug:step>/", wizard.case_step, name="case_step"),
    path("letters/<str:token>/", delivery.letter_status, name="letter_status"),
    path("letters/<str:token>/pay/", checkout.letter_pay, name="letter_pay"),
    path("letters/<str:token>/share/", delivery.letter_share_create, name="letter_share_create"),
    path("letters/<str:token>/share/<int:share_id>/revoke/", delivery.letter_share_revoke, name="letter_share_revoke"),
    path("letters/<str:token>/deadlines.ics", delivery.letter_calendar, name="letter_calendar"),
    path("letters/<str:token>/decision/", delivery.letter_decision_record, name="letter_decision"),
    path("letters/<str:token>/delete/", delivery.letter_delete, name="letter_delete"),
    path("letters/<str:token>/v<int:version>/<slug:kind>/", delivery.letter_version_file, name="letter_version_file"),
    path("letters/<str:token>/<slug:kind>/", delivery.letter_file, name="letter_file"),
    path("shared/<str:token>/", delivery.shared_letter, name="letter_shared"),
    path("shared/<str:token>/deadlines.ics", delivery.shared_calendar, name="shared_calendar"),
    path("shared/<str:token>/<slug:kind>/", delivery.shared_file, name="shared_file"),
    path("pay/return/<str:public_id>/", checkout.payment_return, name="payment_return"),
    path("pay/local/<str:public_id>/", checkout.local_payment, name="local_payment"),
    path("stripe/webhook/", checkout.stripe_webhook, name="stripe_webhook"),
    path("privacy/", public.privacy, name="privacy"),
    path("robots.txt", public.robots_txt, name="robots"),
    path("favicon.ico", public.favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
]
