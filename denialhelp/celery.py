"""The Celery application.  Workers start with `celery -A denialhelp worker`."""

from __future__ import annotations

import logging.config
import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "denialhelp.settings")

app = Celery("denialhelp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_the_django_logging_configuration(**kwargs) -> None:
    """The worker and beat log exactly as the web does (settings.LOGGING: the
    patient-data filter on every handler, JSON lines, the request or task id).
    With a receiver on this signal Celery installs no handler of its own and
    leaves the root logger alone; its loggers (celery, celery.task,
    celery.app.trace, …) propagate to the root handlers like any other.
    --loglevel is ignored: LOG_LEVEL sets the level, as for the web."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
