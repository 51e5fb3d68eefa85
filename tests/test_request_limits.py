"""Request bodies over the limit are refused by their declared size, before
anything reads them or spools an uploaded file to disk."""

from __future__ import annotations

import io
import tempfile

import pytest
from django.test import Client

from appeals.models import CriteriaImport, Criterion, Drug
from tests.conftest import ROOT
from tests.support.payment_helpers import reviewed_case
from tests.test_criteria_feed import fifty_rows, to_csv

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/appeals/criteriaimport/upload/"


@pytest.fixture
def upload_dir(settings, tmp_path, monkeypatch):
    """FILE_UPLOAD_TEMP_DIR in this test's own directory, where any file Django
    spools is kept after the request (it would otherwise be deleted on close),
    and a count of the body bytes the app read."""
    directory = tmp_path / "uploads"
    directory.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(directory)
    named_temporary_file = tempfile.NamedTemporaryFile

    def kept(*args, **kwargs):
        return named_temporary_file(*args, **{**kwargs, "delete": False})

    monkeypatch.setattr("django.core.files.uploadedfile.tempfile.NamedTemporaryFile", kept)
    return directory


@pytest.fixture
def body_reads(monkeypatch):
    """How many body bytes the app read from the (test client's) connection."""
    from django.test import client as test_client

    read = {"bytes": 0}
    original = test_client.FakePayload.read

    def counting(self, *args, **kwargs):
        data = original(self, *args, **kwargs)
        read["bytes"] += len(data)
        return data

    monkeypatch.setattr(test_client.FakePayload, "read", counting)
    return read


def a_file(size: int, name: str = "big.bin") -> io.BytesIO:
    file = io.BytesIO(b"x" * size)
    file.name = name
    return file


def test_a_large_upload_to_a_public_page_is_refused_unread_and_nothing_is_spooled(settings, demo_catalog, upload_dir, body_reads):
    # Larger than what Django keeps in memory, so a parsed upload would be written to the temp dir.
    size = settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024
    # A visitor with the CSRF cookie, whose POST the CSRF check reads, as in production.
    browser = Client(enforce_csrf_checks=True)
    assert browser.get("/start/").status_code == 200
    token = browser.cookies["csrftoken"].value
    response = browser.post("/start/", {"csrfmiddlewaretoken": token, "drug": "anifrolumab", "file": a_file(size)})
    assert list(upload_dir.iterdir()) == []
    assert body_reads["bytes"] == 0
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")
    assert "Request too large" in response.content.decode()


def test_a_large_form_post_is_refused_with_413(client, settings, body_reads):
    response = client.post("/start/", {"drug": "x" * (settings.REQUEST_BODY_MAX_BYTES + 1)})
    assert response.status_code == 413 and body_reads["bytes"] == 0


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"CONTENT_LENGTH": "lots"}, 400),
        ({"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked"}, 411),
    ],
)
def test_a_body_without_a_usable_length_is_refused(client, headers, status):
    response = client.generic("POST", "/start/", b"drug=anifrolumab", "application/x-www-form-urlencoded", **headers)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/plain")


def test_the_wizard_forms_still_work(client, demo_catalog, upload_dir):
    case, _url = reviewed_case(client)
    assert case.answers["patient"]
    assert list(upload_dir.iterdir()) == []


@pytest.fixture
def feed_catalog():
    from appeals.models import DenialType, Payer

    for n in range(5):
        Drug.objects.create(slug=f"drug-{n}", name=f"Drug {n}")
        DenialType.objects.create(slug=f"denial-{n}", name=f"Denial {n}", title_phrase="for a reason", flips_when="x")
    for n in range(2):
        Payer.objects.create(slug=f"payer-{n}", name=f"Payer {n}")


def test_staff_upload_a_criteria_feed_larger_than_the_public_limit(admin_client, client, settings, feed_catalog, upload_dir):
    feed = to_csv(fifty_rows())
    settings.REQUEST_BODY_MAX_BYTES = len(feed) // 2  # the feed is over the public limit, within its own
    assert len(feed) < settings.CRITERIA_FEED_MAX_BYTES

    def upload(browser):
        return browser.post(UPLOAD_URL, {"file": _named(feed, "feed.csv")})

    response = upload(admin_client)
    assert response.status_code == 302, response.content.decode()[:500]
    assert Criterion.objects.count() == 50 and CriteriaImport.objects.count() == 1
    assert list(upload_dir.iterdir()) == []
    # Anyone else, on that path or any other, has the public limit.
    assert upload(client).status_code == 413
    assert admin_client.post("/admin/appeals/drug/add/", {"file": _named(feed, "feed.csv")}).status_code == 413


def test_a_feed_over_its_own_limit_is_refused_unread_even_for_staff(admin_client, settings, feed_catalog, body_reads):
    size = max(settings.REQUEST_BODY_MAX_BYTES, settings.CRITERIA_FEED_MAX_BYTES) + 128 * 1024
    response = admin_client.post(UPLOAD_URL, {"file": a_file(size, "feed.csv")})
    assert response.status_code == 413 and body_reads["bytes"] == 0
    assert Criterion.objects.count() == 0


def _named(data: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def test_gunicorn_answers_a_huge_declared_body_with_413_at_once(tmp_path):
    """Over a real connection: 100 MB announced, a few bytes sent, and the
    refusal arrives without the server waiting for the rest."""
    import socket
    import time

    from tests.test_slow_clients import gunicorn

    with (
        gunicorn(tmp_path, "--config", str(ROOT / "gunicorn.conf.py")) as port,
        socket.create_connection(("127.0.0.1", port), timeout=10) as sock,
    ):
        started = time.monotonic()
        sock.sendall(
            b"POST /start/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 100000000\r\n\r\n--x\r\n" + b"x" * 1024
        )
        head = sock.recv(200)
    assert head.startswith(b"HTTP/1.1 413"), head
    assert time.monotonic() - started < 10
