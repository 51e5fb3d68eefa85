"""SQLite tuned for a web server and a worker writing at once (`make run`).

SQLite's defaults answer "database is locked" under that load: in rollback
journal mode a reader blocks a writer's commit, and a transaction that read
before it wrote cannot wait for the write lock (SQLite refuses at once, to
avoid a deadlock), whatever the busy timeout.  Write-ahead logging lets
readers and one writer work together, IMMEDIATE transactions take the write
lock when they begin (so a second writer waits its turn instead of failing
half-way), and the busy timeout says how long it waits.
"""

from __future__ import annotations

BUSY_TIMEOUT_SECONDS = 20
# synchronous=NORMAL is the setting SQLite recommends with WAL: still safe
# against corruption, and a commit no longer waits for a disk flush.
PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def is_sqlite(database: dict) -> bool:
    return database["ENGINE"].endswith("sqlite3")


def tuned_for_concurrency(database: dict) -> dict:
    """A Django DATABASES entry with the SQLite options above (any other engine unchanged)."""
    if not is_sqlite(database):
        return database
    options = {
        "init_command": "; ".join(PRAGMAS),
        "transaction_mode": "IMMEDIATE",
        "timeout": BUSY_TIMEOUT_SECONDS,
    }
    return {**database, "OPTIONS": {**options, **database.get("OPTIONS", {})}}
