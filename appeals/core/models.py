"""When a Celery worker last ran a task, for /healthz.

The web server and the workers share only the database and the broker (in
production they run on different machines; `make run`'s cache is per
process), so the worker writes its sign of life to the database.  It is
written by a task, not by a timer inside the worker: a task proves the whole
path a letter takes (broker, worker, database), and one row is enough, since
/healthz asks whether any worker is consuming, not which.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ROW, editable=False)
    seen_at = models.DateTimeField()
    worker = models.CharField(max_length=255, blank=True, help_text="The Celery worker that ran the last heartbeat task.")

    class Meta:
        verbose_name = "worker heartbeat"

    def __str__(self) -> str:
        return f"{self.worker or 'a worker'} at {self.seen_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def record(cls, worker: str = "") -> None:
        cls.objects.update_or_create(pk=cls.ROW, defaults={"seen_at": timezone.now(), "worker": worker[:255]})

    @classmethod
    def is_fresh(cls) -> bool:
        """Whether a worker ran a task within WORKER_HEARTBEAT_MAX_AGE_SECONDS."""
        oldest = timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS)
        return cls.objects.filter(pk=cls.ROW, seen_at__gte=oldest).exists()
