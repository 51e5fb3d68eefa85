"""Share links for the prescriber's office: made and revoked from the status
page, expiring, opening the case summary and the letter's files, every
access recorded."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from appeals.delivery.models import SHARES_PER_LETTER, ShareLimitReached
from appeals.models import LetterAccess, LetterShare
from tests.support.wizard_answers import PATIENT

pytestmark = pytest.mark.django_db


def make_share(client, order, **data) -> str:
    """Make a share link from the status page; the link as the page shows it."""
    response = client.post(order.status_path() + "share/", {"label": "Dr. Ortiz's office", "days": "14", **data})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    links = re.findall(r'value="https?://[^/]+(/shared/[^"]+/)"', page)
    assert links, "the status page shows the new link"
    return links[0]


def test_the_status_page_makes_a_share_link_that_opens_the_summary_and_the_files(client, paid_letter):
    page = client.get(paid_letter.status_path()).content.decode()
    assert "Share with the prescriber's office" in page and "Make a share link" in page
    link = make_share(client, paid_letter)
    share = LetterShare.objects.get(letter=paid_letter.letter)
    assert share.label == "Dr. Ortiz's office"
    assert share.expires_at - timezone.now() > datetime.timedelta(days=13, hours=23)
    assert len(link.split("/")[2]) >= 43  # 256 bits, URL-safe base64

    office = client.__class__()  # another browser: no session from the owner
    summary = office.get(link)
    body = summary.content.decode()
    assert summary.status_code == 200 and "no-store" in summary["Cache-Control"]
    assert PATIENT["patient_name"] in body and PATIENT["member_id"] in body
    assert paid_letter.case.drug.name in body and paid_letter.case.payer.name in body
    assert "noindex" in body
    # The office sees the letter, not the order: no amount, no email, no status link.
    assert paid_letter.amount not in body and PATIENT["email"] not in body and paid_letter.status_path() not in body

    pdf = office.get(link + "pdf/")
    assert pdf.status_code == 200 and pdf["Content-Disposition"] == 'attachment; filename="appeal-packet.pdf"'
    assert PATIENT["patient_name"] in PdfReader(io.BytesIO(pdf.content)).pages[1].extract_text()
    assert office.get(link + "docx/").content.startswith(b"PK")
    assert office.get(link + "deadlines.ics").content.startswith(b"BEGIN:VCALENDAR")
    assert office.get(link + "exe/").status_code == 404


def test_every_share_access_is_recorded_with_its_link(client, paid_letter):
    link = make_share(client, paid_letter)
    share = LetterShare.objects.get()
    for suffix in ("", "pdf/", "docx/", "deadlines.ics"):
        client.get(link + suffix)
    accesses = LetterAccess.objects.filter(who=LetterAccess.Who.SHARE)
    assert sorted(accesses.values_list("what", flat=True)) == ["docx", "ics", "page", "pdf"]
    assert set(accesses.values_list("share_id", flat=True)) == {share.pk}
    assert share.opens() == 4
    assert "opened 4 times" in client.get(paid_letter.status_path()).content.decode()


def test_a_revoked_link_opens_nothing_and_says_so(client, paid_letter):
    link = make_share(client, paid_letter)
    share = LetterShare.objects.get()
    response = client.post(paid_letter.status_path() + f"share/{share.pk}/revoke/")
    assert response.status_code == 302
    for suffix in ("", "pdf/", "docx/", "deadlines.ics"):
        gone = client.get(link + suffix)
        assert gone.status_code == 410 and "revoked" in gone.content.decode()
        assert PATIENT["patient_name"] not in gone.content.decode()
    assert not LetterAccess.objects.filter(who=LetterAccess.Who.SHARE).exists()
    assert share.path() not in client.get(paid_letter.status_path()).content.decode()


def test_an_expired_link_opens_nothing_and_says_so(client, paid_letter):
    link = make_share(client, paid_letter, days="7")
    LetterShare.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    gone = client.get(link + "pdf/")
    assert gone.status_code == 410 and "expired" in gone.content.decode()


def test_a_guessed_or_altered_link_is_not_found(client, paid_letter):
    link = make_share(client, paid_letter)
    token = link.split("/")[2]
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/shared/{altered}/").status_code == 404
    assert client.get("/shared/x/pdf/").status_code == 404
    assert client.get("/shared/" + "a" * 500 + "/").status_code == 404
    # The status token is not a share token, nor the other way round.
    assert client.get(paid_letter.status_path().replace("/letters/", "/shared/")).status_code == 404
    assert client.get(f"/letters/{token}/").status_code == 404


def test_only_the_letters_own_status_link_revokes_its_shares(client, paid_letter):
    make_share(client, paid_letter)
    share = LetterShare.objects.get()
    assert client.post(f"/letters/{'A' * 43}/share/{share.pk}/revoke/").status_code == 404
    assert client.get(paid_letter.status_path() + f"share/{share.pk}/revoke/").status_code == 405
    share.refresh_from_db()
    assert share.is_active


def test_a_bad_lifetime_is_refused_and_the_typed_label_kept(client, paid_letter):
    response = client.post(paid_letter.status_path() + "share/", {"label": "Front desk, Hill Country", "days": "365"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a valid choice" in body and 'value="Front desk, Hill Country"' in body
    assert not LetterShare.objects.exists()


def test_the_number_of_live_links_is_capped(client, paid_letter):
    for _ in range(SHARES_PER_LETTER):
        make_share(client, paid_letter)
    response = client.post(paid_letter.status_path() + "share/", {"label": "One too many", "days": "7"})
    assert response.status_code == 400 and "Revoke one to make another" in response.content.decode()
    assert 'value="One too many"' in response.content.decode()
    assert LetterShare.objects.count() == SHARES_PER_LETTER


def test_the_cap_is_kept_by_the_maker_itself_not_only_by_the_page(paid_letter):
    letter = paid_letter.letter
    for _ in range(SHARES_PER_LETTER):
        LetterShare.make(letter, days=7)
    with pytest.raises(ShareLimitReached):
        LetterShare.make(letter, days=7)
    assert LetterShare.objects.filter(letter=letter).count() == SHARES_PER_LETTER
    LetterShare.objects.filter(letter=letter).first().revoke()
    assert LetterShare.make(letter, days=7).is_active


def test_no_share_link_before_the_letter_is_ready(client, demo_catalog, settings):
    from appeals.models import Order
    from tests.support.payment_helpers import pay, reviewed_case

    settings.DEBUG = True
    settings.STRIPE_SECRET_KEY = ""
    case, case_url = reviewed_case(client)
    client.post(pay(client, case_url)["Location"], {"pay": ""})
    order = Order.objects.get(case=case)
    assert client.post(order.status_path() + "share/", {"days": "7"}).status_code == 404
    assert "Make a share link" not in client.get(order.status_path()).content.decode()


def test_the_share_label_and_token_are_not_stored_in_clear(paid_letter):
    from django.db import connection

    share = LetterShare.make(paid_letter.letter, days=7, label="Dr. Ortiz's office")
    with connection.cursor() as cursor:
        cursor.execute("SELECT token_encrypted, label_encrypted, token_hash FROM appeals_lettershare WHERE id = %s", [share.pk])
        token_column, label_column, digest = cursor.fetchone()
    assert share.token not in token_column and "Ortiz" not in label_column
    assert share.token not in digest and len(digest) == 64


def test_staff_see_the_shares_and_the_access_log_and_their_own_views_are_logged(admin_client, admin_user, client, paid_letter):
    link = make_share(client, paid_letter)
    client.get(link + "pdf/")
    page = admin_client.get(f"/admin/appeals/letter/{paid_letter.letter.pk}/change/").content.decode()
    assert "Access log" in page and "Share link" in page and "Times opened" in page
    assert link not in page  # staff see that a link exists, not the link
    assert LetterAccess.objects.filter(who="staff", what="page", user=admin_user).count() == 1
    log = admin_client.get("/admin/appeals/letteraccess/?who__exact=share").content.decode()
    assert "Downloaded the PDF" in log
    assert admin_client.get(f"/admin/appeals/letteraccess/{LetterAccess.objects.first().pk}/delete/").status_code == 403
