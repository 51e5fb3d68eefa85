"""SQLite, as `make run` uses it for the app and the embedded broker, lets the
web server and the worker write at once without "database is locked".

These tests open their own SQLite files with the options the settings give
SQLite, so they run whatever database the suite itself is on."""

from __future__ import annotations

import sqlite3
import threading
import time

import dj_database_url
import pytest
from django.db import connections, transaction
from kombu import Connection

from denialhelp.broker import EMBEDDED_TRANSPORT, embedded_broker_url
from denialhelp.sqlite import BUSY_TIMEOUT_SECONDS, tuned_for_concurrency

PROBE = "sqlite_probe"


@pytest.fixture
def sqlite_probe(tmp_path, django_db_blocker):
    """A database alias on a fresh SQLite file, configured as the settings configure SQLite."""
    database = tuned_for_concurrency(dj_database_url.parse(f"sqlite:///{tmp_path / 'probe.sqlite3'}"))
    connections.settings[PROBE] = connections.configure_settings({"default": {}, PROBE: database})[PROBE]
    try:
        with django_db_blocker.unblock():
            with connections[PROBE].cursor() as cursor:
                cursor.execute("CREATE TABLE probe (writer TEXT)")
            yield
    finally:
        connections[PROBE].close()
        del connections[PROBE]  # this thread's connection object, which keeps the file's name
        del connections.settings[PROBE]


def test_the_settings_leave_other_databases_alone():
    postgres = dj_database_url.parse("postgres://u@127.0.0.1:5432/db")
    assert tuned_for_concurrency(postgres) == postgres


def test_a_sqlite_connection_uses_write_ahead_logging_and_waits_when_busy(sqlite_probe):
    with connections[PROBE].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone() == (BUSY_TIMEOUT_SECONDS * 1000,)


def test_two_transactions_that_read_then_write_at_once_both_commit(sqlite_probe):
    """The web server and the worker each read, then write.  With SQLite's
    defaults the one that read first fails at once with "database is locked"
    (its write lock would wait for a writer that waits for its read lock)."""
    first_has_read = threading.Event()
    second_is_writing = threading.Event()
    errors = []

    def reads_then_writes():
        try:
            with transaction.atomic(using=PROBE), connections[PROBE].cursor() as cursor:
                cursor.execute("SELECT count(*) FROM probe")
                first_has_read.set()
                second_is_writing.wait(timeout=5)
                time.sleep(0.5)  # the other writes meanwhile (or waits for this one)
                cursor.execute("INSERT INTO probe VALUES ('first')")
        except Exception as exc:
            errors.append(exc)
        finally:
            connections[PROBE].close()

    def writes():
        try:
            first_has_read.wait(timeout=5)
            second_is_writing.set()
            with transaction.atomic(using=PROBE), connections[PROBE].cursor() as cursor:
                cursor.execute("SELECT count(*) FROM probe")
                cursor.execute("INSERT INTO probe VALUES ('second')")
        except Exception as exc:
            errors.append(exc)
        finally:
            connections[PROBE].close()

    threads = [threading.Thread(target=reads_then_writes), threading.Thread(target=writes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=BUSY_TIMEOUT_SECONDS + 10)
    assert errors == []
    with connections[PROBE].cursor() as cursor:
        cursor.execute("SELECT writer FROM probe ORDER BY writer")
        assert cursor.fetchall() == [("first",), ("second",)]


def test_the_embedded_broker_file_uses_write_ahead_logging(tmp_path):
    path = tmp_path / "broker.sqlite3"
    with Connection(embedded_broker_url(path), transport=EMBEDDED_TRANSPORT) as conn:
        queue = conn.SimpleQueue("probe")
        queue.put({"n": 1})
        assert queue.get(timeout=5).payload == {"n": 1}
        queue.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
