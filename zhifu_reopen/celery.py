import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifu_reopen.settings")

app = Celery("zhifu_reopen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# /readyz (issue 13): every worker's consumer refreshes a heartbeat in the cache while it is connected.
from .health import WorkerHeartbeat  # noqa: E402

app.steps["consumer"].add(WorkerHeartbeat)
