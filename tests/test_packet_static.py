"""The packet's stylesheet where collectstatic ran (DEBUG off): the pages link
hashed names (packet.<hash>.css) that only the static files storage knows, and
the PDF must still come out styled, with page numbers and the cover's page count."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from appeals.letters.pdf import BASE_URL, ForbiddenResource, StaticFilesOnly
from appeals.letters.rendering import render_packet
from appeals.models import Letter, LetterTemplate, PlanType
from tests.test_letter_packet import pdf_text

pytestmark = pytest.mark.django_db

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def _manifest_storages(storages: dict) -> dict:
    return {**storages, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}


@pytest.fixture(scope="module")
def _collected_once(tmp_path_factory):
    """collectstatic run once for the module (several seconds: it hashes and compresses
    every file, the admin's included); each test then points the settings at it."""
    from django.conf import settings as django_settings
    from django.test import override_settings

    root = tmp_path_factory.mktemp("static") / "collected"
    with override_settings(STATIC_ROOT=root, STORAGES=_manifest_storages(django_settings.STORAGES)):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def collected_static(settings, _collected_once):
    """The static files storage production uses, filled by collectstatic."""
    settings.STATIC_ROOT = _collected_once
    settings.STORAGES = _manifest_storages(settings.STORAGES)
    return settings.STATIC_ROOT


def hashed_stylesheet(html: str) -> str:
    match = re.search(r'href="(/static/css/packet\.[0-9a-f]{12}\.css)"', html)
    assert match, f"the packet links the hashed stylesheet collectstatic wrote: {re.findall(r'<link[^>]*>', html)}"
    return match.group(1)


def assert_styled(pdf: bytes) -> None:
    """packet.css numbers the pages and fills in the fax cover's page count;
    without it WeasyPrint prints neither."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = pdf_text(reader)
    # The submission, then the office sheet numbered on its own.
    office = [n for n, text in enumerate(pages) if "Office sheet, page" in text]
    count = office[0] if office else len(pages)
    assert count >= 3 and office == list(range(count, len(pages)))
    assert f"{count} including this cover sheet" in pages[0]
    for number, text in enumerate(pages[:count], start=1):
        assert f"Page {number} of {count}" in text
    assert {(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages} == {(612.0, 792.0)}


def test_a_paid_letter_is_styled_with_the_collected_hashed_stylesheet(collected_static, paid_letter, settings):
    # paid_letter turns DEBUG on for the local payment page, and with DEBUG on
    # the manifest storage links the plain names: render again as production does.
    settings.DEBUG = False
    letter = Letter.objects.create(case=paid_letter.case, template=paid_letter.letter.template)
    assert render_packet(letter.pk) == Letter.Status.READY
    letter.refresh_from_db()
    hashed_stylesheet(letter.html_snapshot)
    assert_styled(letter.pdf_bytes())


def test_the_staff_pdf_preview_is_styled_with_the_collected_hashed_stylesheet(collected_static, admin_client, demo_catalog):
    template = LetterTemplate.objects.get(denial_type__slug="step-therapy", voice="prescriber", payer=None, plan_type=None)
    query = {"source": "sample", "plan_type": PlanType.objects.get(slug="medicare-part-d").pk}
    frame = admin_client.get(reverse("admin:appeals_lettertemplate_preview_frame", args=[template.pk]), query)
    hashed_stylesheet(frame.content.decode())
    response = admin_client.get(reverse("admin:appeals_lettertemplate_preview_pdf", args=[template.pk]), query)
    assert response.status_code == 200
    assert_styled(response.content)


def test_the_fetcher_serves_the_collected_file_and_still_refuses_the_rest(collected_static):
    fetcher = StaticFilesOnly()
    stylesheet = next((collected_static / "css").glob("packet.*.css")).name
    served = fetcher.fetch(f"{BASE_URL}static/css/{stylesheet}")
    assert served.headers["Content-Type"] == "text/css"
    (collected_static.parent / "secret.txt").write_text("not a static file")
    for url in (
        f"{BASE_URL}static/../secret.txt",
        f"{BASE_URL}static/%2E%2E/secret.txt",
        f"{BASE_URL}static//{collected_static.parent / 'secret.txt'}",
        f"{BASE_URL}static/css/packet.0123456789ab.css",
        f"{BASE_URL}media/secret.txt",
        f"https://example.org/static/css/{stylesheet}",
        f"file://{collected_static}/css/{stylesheet}",
    ):
        with pytest.raises(ForbiddenResource):
            fetcher.fetch(url)
