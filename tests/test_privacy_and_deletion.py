"""The privacy page states the figures the code runs on, and a person can delete
their case (unpaid, from its link) or their letter and answers (paid, from the
status page) at once."""

from __future__ import annotations

import html

import pytest

from appeals.delivery.models import SHARE_LIFETIME_CHOICES
from appeals.intake.models import CASE_LIFETIME, OFFICE_LINK_LIFETIME
from appeals.models import Case, Letter, LetterShare, Order
from appeals.orders.payments import LINE_ITEM_NAME
from tests.support.cases import answer_every_step, opened_case
from tests.support.wizard_answers import PATIENT

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_privacy_page_states_the_sites_own_figures(client, settings):
    settings.RETENTION_DAYS = 47
    settings.CONTACT_EMAIL = "privacy@denialhelp.example"
    settings.SITE_OPERATOR = ""
    page = text(client.get("/privacy/"))
    assert f"deleted {CASE_LIFETIME.days} days after its last saved change" in page
    assert "deleted 47 days after the letter is ready" in page
    assert f"works for {OFFICE_LINK_LIFETIME.days} days" in page
    assert f"at most {max(SHARE_LIFETIME_CHOICES)} days" in page
    assert f"“{LINE_ITEM_NAME}”" in page
    assert "mailto:privacy@denialhelp.example" in page
    settings.SITE_OPERATOR = "Example Health Tools LLC, 1 Main Street, Austin, TX 78701"
    from django.core.cache import cache

    cache.clear()  # the public pages are cached
    assert "Example Health Tools LLC" in text(client.get("/privacy/"))


def test_every_public_page_links_the_privacy_page_and_the_contact_address(client, demo_catalog, settings):
    settings.CONTACT_EMAIL = "help@denialhelp.example"
    for url in ("/", "/start/", "/privacy/"):
        page = client.get(url).content.decode()
        assert 'href="/privacy/"' in page and "mailto:help@denialhelp.example" in page, url


def test_an_unpaid_case_is_deleted_from_its_own_link_only_when_confirmed(client, demo_catalog):
    case, url = opened_case()
    answer_every_step(case)
    assert "Delete the case" in text(client.get(url + "later/"))
    response = client.post(url + "delete/", {})
    assert response["Location"] == url + "later/"
    assert Case.objects.get().purged_at is None
    response = client.post(url + "delete/", {"confirm": "yes"})
    assert response.status_code == 200 and "Your case is deleted" in text(response)
    case = Case.objects.get()
    assert case.purged_at is not None and case.answers == {}
    assert client.get(url).status_code == 404
    assert client.get(url + "delete/").status_code == 405  # a link cannot delete anything


def test_the_offices_link_cannot_delete_the_case(client, demo_catalog):
    case, _url = opened_case()
    answer_every_step(case)
    office_token = case.open_office_link()
    response = client.post(f"/case/{office_token}/delete/", {"confirm": "yes"})
    assert response["Location"] == f"/case/{office_token}/"
    assert Case.objects.get().purged_at is None


def test_a_paid_letter_and_its_answers_are_deleted_from_the_status_page(client, paid_letter):
    share = LetterShare.make(paid_letter.letter, days=7, label="Office")
    assert PATIENT["patient_name"] in text(client.get(share.path()))
    page = text(client.get(paid_letter.status_path()))
    assert "Delete the letter and answers" in page
    assert client.post(paid_letter.status_path() + "delete/", {})["Location"] == paid_letter.status_path()
    assert Letter.objects.get().status == Letter.Status.READY
    client.post(paid_letter.status_path() + "delete/", {"confirm": "yes"})
    letter = Letter.objects.get()
    assert letter.status == Letter.Status.PURGED and not letter.pdf_file
    assert Case.objects.get().answers == {}
    assert (
        not any(share.is_active for share in LetterShare.objects.all())
        or client.get(LetterShare.objects.get().path()).status_code != 200
    )
    after = text(client.get(paid_letter.status_path()))
    assert "were deleted on" in after and PATIENT["patient_name"] not in after
    assert Order.objects.get().status == Order.Status.PAID  # the receipt stays
    assert client.get(paid_letter.status_path() + "pdf/").status_code == 404
