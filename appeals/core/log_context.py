"""Which request or task a log line belongs to.

Web requests get their id from django-log-request-id.  In a Celery worker
there is no request, so a line logged while a task runs (the app's own lines,
Celery's, a library's) carries the task's id in the same field: one field to
search for everything one unit of work logged, in either process.

Imported by the logging configuration, before Django's apps are ready: it
must not import models.
"""

from __future__ import annotations

import logging

from celery import current_task
from django.conf import settings
from log_request_id import DEFAULT_NO_REQUEST_ID, LOG_REQUESTS_NO_SETTING, local


def current_task_id() -> str | None:
    # current_task is a proxy that is falsy outside a task.
    return getattr(current_task.request, "id", None) if current_task else None


class RequestOrTaskIDFilter(logging.Filter):
    """Sets ``record.request_id``: the web request's id, else the running task's, else "none"."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = (
            getattr(local, "request_id", None)
            or current_task_id()
            or getattr(settings, LOG_REQUESTS_NO_SETTING, DEFAULT_NO_REQUEST_ID)
        )
        return True
