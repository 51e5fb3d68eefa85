"""/healthz reports the database, the broker and whether a worker is consuming."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import OperationalError

from appeals.models import WorkerHeartbeat
from appeals.tasks import worker_heartbeat
from appeals.web import health
from denialhelp.celery import app as celery_app
from tests.conftest import broker_reachable, need, wait_for

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def heartbeat_at(moment: datetime) -> None:
    with time_machine.travel(moment, tick=False):
        WorkerHeartbeat.record(worker="celery@test")


def test_healthz_is_ok_when_database_broker_and_worker_answer(client):
    need(broker_reachable(), "the configured Celery broker does not answer")
    heartbeat_at(NOW - timedelta(seconds=5))
    with time_machine.travel(NOW, tick=False):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_naming_the_worker_when_no_worker_ever_answered(client):
    need(broker_reachable(), "the configured Celery broker does not answer")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "ok", "worker": "down"}


def test_healthz_is_503_when_the_last_heartbeat_is_older_than_the_limit(client, settings):
    need(broker_reachable(), "the configured Celery broker does not answer")
    settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS = 120
    heartbeat_at(NOW - timedelta(seconds=120))
    with time_machine.travel(NOW, tick=False):
        assert client.get("/healthz").status_code == 200  # just within the limit
    with time_machine.travel(NOW + timedelta(seconds=1), tick=False):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["worker"] == "down"


def test_the_heartbeat_task_records_the_worker_and_the_time():
    with time_machine.travel(NOW, tick=False):
        worker_heartbeat.apply()
    heartbeat = WorkerHeartbeat.objects.get()
    assert heartbeat.seen_at == NOW
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        worker_heartbeat.apply()
    assert WorkerHeartbeat.objects.get().seen_at == NOW + timedelta(seconds=30)  # one row, moved on


@pytest.mark.pipeline
def test_a_running_worker_makes_healthz_ok(client, celery_worker):
    """A real worker records its heartbeat as it starts, and whenever beat
    queues the heartbeat task."""
    assert wait_for(WorkerHeartbeat.objects.exists, timeout=30), celery_worker.log()
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok"}
    first = WorkerHeartbeat.objects.get().seen_at
    worker_heartbeat.delay().get(timeout=30)
    assert WorkerHeartbeat.objects.get().seen_at > first
    assert WorkerHeartbeat.objects.get().worker.startswith("test-")


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
    assert response.json()["worker"] == "unknown"  # its heartbeat is in the database
    assert "refused" not in response.content.decode()  # details stay in the log


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405
