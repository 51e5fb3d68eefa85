"""Test settings: the real settings, with what only tests need changed."""

import os

from denialhelp.broker import embedded_broker_url, transport_for
from denialhelp.settings import *  # noqa: F403
from denialhelp.settings import DATABASES, VAR_DIR

# Under pytest-xdist (`make test` runs two processes) each process has its own
# test database (pytest-django adds "_gw0", "_gw1" to its name), so it needs
# its own broker too: a worker process started by one must never take the
# other's task, and purging a queue must not empty the other's.  A Celery
# worker started by a test inherits the variable, so it reads the same files
# and queue.  Empty outside xdist.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_per_worker = f"-{XDIST_WORKER}" if XDIST_WORKER else ""

# The tests' own broker and result files, so a `make run` worker on the same
# checkout never takes a test's task.  CI points CELERY_BROKER_URL at Redis,
# shared by the xdist processes: each has its own queue there.
if "CELERY_BROKER_URL" not in os.environ:
    CELERY_BROKER_URL = embedded_broker_url(VAR_DIR / f"test-celery-broker{_per_worker}.sqlite3")
    CELERY_BROKER_TRANSPORT = transport_for(CELERY_BROKER_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
    CELERY_RESULT_BACKEND = f"db+sqlite:///{VAR_DIR / f'test-celery-results{_per_worker}.sqlite3'}"
if XDIST_WORKER:
    CELERY_TASK_DEFAULT_QUEUE = f"celery{_per_worker}"

# A SQLite test database on disk (not in memory), so a Celery worker process
# started by a pipeline test can open the same database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A worker process started by a test writes its emails to files there, for the test to count.
if os.environ.get("TEST_EMAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["TEST_EMAIL_DIR"]
CRITERIA_FEED_MAX_BYTES = 64 * 1024
