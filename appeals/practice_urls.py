"""A physician practice's workspace, under /practice/ (included by appeals.urls)."""

from django.urls import path

from appeals.web import practice, practice_billing, practice_cases

urlpatterns = [
    # Accounts: appeals/web/practice.py
    path("signup/", practice.signup, name="practice_signup"),
    path("login/", practice.PracticeLoginView.as_view(), name="practice_login"),
    path("logout/", practice.logout, name="practice_logout"),
    path("two-factor/", practice.two_factor, name="practice_two_factor"),
    path("members/", practice.members, name="practice_members"),
    path("join/<str:token>/", practice.join, name="practice_join"),
    path("audit/", practice.audit, name="practice_audit"),
    path("audit.csv", practice.audit_csv, name="practice_audit_csv"),
    path("claim/<str:token>/", practice.claim, name="practice_claim"),
    path("prescribers/", practice.prescribers, name="practice_prescribers"),
    path("use-prescriber/<str:token>/", practice.use_prescriber, name="practice_use_prescriber"),
    # The case list and a case: appeals/web/practice_cases.py
    path("cases/", practice_cases.case_list, name="practice_cases"),
    path("cases/new/", practice_cases.new_case, name="practice_new_case"),
    path("cases/<int:pk>/", practice_cases.case_page, name="practice_case"),
    path("cases/<int:pk>/open/", practice_cases.open_clinical_part, name="practice_case_open"),
    # Letter packs and receipts: appeals/web/practice_billing.py
    path("billing/", practice_billing.billing, name="practice_billing"),
    path("billing/return/<str:public_id>/", practice_billing.pack_return, name="practice_pack_return"),
    path("cases/<int:pk>/pay-from-pack/", practice_billing.pay_from_pack, name="practice_pay_from_pack"),
    # Last: its <kind> would match the paths above.
    path("cases/<int:pk>/<slug:kind>/", practice_cases.case_file, name="practice_case_file"),
]
