"""Test settings: the real settings, with what only tests need changed."""

import os

from denialhelp.broker import embedded_broker_url, transport_for
from denialhelp.settings import *  # noqa: F403
from denialhelp.settings import DATABASES, VAR_DIR

# The tests' own broker and result files, so a `make run` worker on the same
# checkout never takes a test's task.  CI points CELERY_BROKER_URL at Redis.
if "CELERY_BROKER_URL" not in os.environ:
    CELERY_BROKER_URL = embedded_broker_url(VAR_DIR / "test-celery-broker.sqlite3")
    CELERY_BROKER_TRANSPORT = transport_for(CELERY_BROKER_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
    CELERY_RESULT_BACKEND = f"db+sqlite:///{VAR_DIR / 'test-celery-results.sqlite3'}"

# A SQLite test database on disk (not in memory), so a Celery worker process
# started by a pipeline test can open the same database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CRITERIA_FEED_MAX_BYTES = 64 * 1024
