"""/healthz reports the database and the broker."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from appeals.views import health
from denialhelp.celery import app as celery_app
from tests.conftest import broker_reachable, need

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_database_and_broker_answer(client):
    need(broker_reachable(), "the configured Celery broker does not answer")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_broker_is_down(client, monkeypatch):
    # Nothing listens on port 1: a real refused connection, not a mock.
    # setitem saves and restores the raw config values; Celery's attribute
    # access would hand back derived ones (broker_write_url falls back to
    # broker_url).  Celery also reads CELERY_BROKER_URL from the environment
    # before its config.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(celery_app.conf, "broker_write_url", None)
    monkeypatch.setitem(celery_app.conf, "broker_transport", None)  # the embedded transport, without Redis
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"
    assert response.json()["database"] == "ok"


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert "refused" not in response.content.decode()  # details stay in the log


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
