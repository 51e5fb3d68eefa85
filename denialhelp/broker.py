"""The embedded broker `make run` and the tests use when no Redis is set.

It is kombu's SQLAlchemy transport on a SQLite file, with shorter waits.
Celery's worker loop for a polling transport checks for shutdown once per
drain_events() call, which it gives two seconds, and drains once more after
deciding to stop; with kombu's one-second polling a worker took four to six
seconds to stop on Ctrl-C, past honcho's five-second limit before SIGKILL.
A queued task also waited up to a second to start.

The web server writes messages while the worker polls and deletes them, so the
file gets the same write-ahead logging and busy timeout as the app's own SQLite
database (denialhelp/sqlite.py).
"""

from __future__ import annotations

from pathlib import Path

from kombu.transport.sqlalchemy import Channel as SQLAlchemyChannel
from kombu.transport.sqlalchemy import Transport as SQLAlchemyTransport
from sqlalchemy import event

from denialhelp.sqlite import BUSY_TIMEOUT_SECONDS, PRAGMAS

# kombu takes an import path only as the explicit transport, never from a URL.
EMBEDDED_TRANSPORT = f"{__name__}:EmbeddedTransport"


class EmbeddedChannel(SQLAlchemyChannel):
    def _engine_from_config(self):
        engine = super()._engine_from_config()
        event.listen(engine, "connect", _tune_sqlite_connection)
        return engine


def _tune_sqlite_connection(dbapi_connection, connection_record) -> None:
    for pragma in (*PRAGMAS, f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}"):
        dbapi_connection.execute(pragma)


class EmbeddedTransport(SQLAlchemyTransport):
    Channel = EmbeddedChannel
    polling_interval = 0.25
    max_drain_seconds = 0.5

    def drain_events(self, connection, timeout=None):
        # A caller that asked to block (timeout=None) still blocks.
        if timeout is not None and timeout > self.max_drain_seconds:
            timeout = self.max_drain_seconds
        return super().drain_events(connection, timeout=timeout)


def embedded_broker_url(path: Path) -> str:
    return f"sqlite:///{path}"


def is_embedded(url: str) -> bool:
    return url.startswith(("sqla+", "sqlite:"))


def transport_for(url: str) -> str | None:
    """The transport Celery needs for this broker URL (None: from the URL)."""
    return EMBEDDED_TRANSPORT if url.startswith("sqlite:") else None
