"""Log lines as JSON, one object a line: time, level, logger, message, and the request they belong to
(request id, user id, path; a Celery task's lines carry the id of the request that queued it). Used by
``settings.LOGGING`` when LOG_FORMAT is ``json`` (the default), and by the worker (``celery_logging``)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from .request_context import current

RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        ctx = current()
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": ctx.request_id if ctx else None,
            "user_id": ctx.current_user_id() if ctx else None,
            "path": ctx.path if ctx else None,
        }
        for key, value in vars(record).items():  # extra={...} of the call
            if key not in RESERVED and key not in data and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def celery_logging_json(logger=None, **_kwargs) -> None:
    """Celery's ``after_setup_logger`` / ``after_setup_task_logger``: the worker keeps its handlers and
    level (``-l info``) but writes its lines, task lines included, as JSON."""
    for handler in getattr(logger, "handlers", []):
        handler.setFormatter(JsonFormatter())
