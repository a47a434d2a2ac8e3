import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifu_reopen.settings")

app = Celery("zhifu_reopen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# /readyz (issue 13): every worker's consumer refreshes a heartbeat in the cache while it is connected.
from .health import WorkerHeartbeat  # noqa: E402

app.steps["consumer"].add(WorkerHeartbeat)


@after_setup_logger.connect
@after_setup_task_logger.connect
def _json_logs(logger=None, **kwargs):
    """The worker's lines as JSON like the web's (``zhifu_reopen.logs``), unless LOG_FORMAT=text."""
    from django.conf import settings

    if getattr(settings, "LOG_FORMAT", "json") != "text":
        from .logs import celery_logging_json

        celery_logging_json(logger=logger)
