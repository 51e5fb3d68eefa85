"""/healthz: whether this process can reach the database and the broker, and
whether a worker is consuming the queue.

Load balancers and `make run` poll it.  It answers 503 when any is down: a
process that cannot reach the database or the broker would fail every request,
and without a worker paid letters are never rendered.  The worker check reads
the heartbeat a worker records in the database (appeals.core.models),
which works the same on Redis and on the embedded broker (which has no remote
control, so `celery inspect ping` cannot reach its workers).  Error details go
to the log, not the public response.
"""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from appeals.core.models import WorkerHeartbeat
from denialhelp.celery import app as celery_app

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2.0


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("healthz: database check failed")
        return False


def check_broker() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS)
        return True
    except Exception:
        logger.exception("healthz: broker check failed")
        return False


def check_worker() -> bool:
    try:
        return WorkerHeartbeat.is_fresh()
    except Exception:
        logger.exception("healthz: worker heartbeat check failed")
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database, broker = check_database(), check_broker()
    worker = check_worker() if database else None  # the heartbeat is in the database
    healthy = database and broker and worker
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": "ok" if database else "unreachable",
            "broker": "ok" if broker else "unreachable",
            "worker": "unknown" if worker is None else "ok" if worker else "down",
        },
        status=200 if healthy else 503,
    )
