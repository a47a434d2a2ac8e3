"""The request a piece of work belongs to: its id, the client address, the path and the signed-in user,
held in a context variable that the audit trail (``audit_record``) and the JSON log lines read.

``RequestContextMiddleware`` sets it for each request (the id from a well-formed incoming ``X-Request-ID``,
else a new uuid, echoed in the response), and the Celery signals below carry the id and the address into
the tasks the request queues: ``before_task_publish`` writes them into the message headers, ``task_prerun``
restores them in the worker, ``task_postrun`` puts back what was there before."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.utils.functional import empty

from .client_ip import client_ip

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and ``.-_:``, 8 to 64 of them (uuids, trace ids of common proxies); anything else is
# replaced by a new id rather than written into the trail and the logs.
REQUEST_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")
HEADER_REQUEST_ID = "zhifu_request_id"
HEADER_ADDRESS = "zhifu_address"


@dataclass
class RequestContext:
    request_id: str = ""
    address: str = ""
    path: str = ""
    request: object = field(default=None, repr=False)
    user_id: int | None = None  # a task's: the user is not loaded there

    def current_user_id(self) -> int | None:
        """The signed-in user's id if the request has loaded its user already (never loads it: a log line
        must not cost a cache or database read)."""
        if self.user_id is not None:
            return self.user_id
        user = getattr(self.request, "user", None) if self.request is not None else None
        if user is None:
            return None
        wrapped = getattr(user, "_wrapped", user)
        if wrapped is empty or wrapped is None:
            return None
        return getattr(wrapped, "pk", None)


_context: ContextVar[RequestContext | None] = ContextVar("zhifu_request_context", default=None)


def current() -> RequestContext | None:
    return _context.get()


def request_id_valid(value: str | None) -> bool:
    return bool(value) and REQUEST_ID_RE.fullmatch(value) is not None


def request_id_new() -> str:
    return uuid.uuid4().hex


def context_set(ctx: RequestContext | None):
    return _context.set(ctx)


def context_reset(token) -> None:
    _context.reset(token)


class RequestContextMiddleware:
    """First in the chain: everything below it (views, services, audit, logs) sees the request's context."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID")  # not request.headers: it copies every header
        request_id = incoming if request_id_valid(incoming) else request_id_new()
        request.request_id = request_id
        token = _context.set(RequestContext(request_id=request_id, address=client_ip(request)[:64],
                                            path=request.path[:300], request=request))
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            _context.reset(token)


# --- Celery: the request id travels with the tasks it causes -------------------------------------------

_task_tokens: dict[str, object] = {}


@before_task_publish.connect(dispatch_uid="zhifu-request-context-publish")
def _publish(headers=None, **_kwargs):
    ctx = _context.get()
    if ctx is not None and headers is not None and ctx.request_id:
        headers.setdefault(HEADER_REQUEST_ID, ctx.request_id)
        headers.setdefault(HEADER_ADDRESS, ctx.address)


def _header(task, name: str) -> str:
    request = task.request
    value = getattr(request, name, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(name)
    return value if isinstance(value, str) else ""


@task_prerun.connect(dispatch_uid="zhifu-request-context-prerun")
def _prerun(task_id=None, task=None, **_kwargs):
    request_id = _header(task, HEADER_REQUEST_ID) if task is not None else ""
    if not request_id_valid(request_id):
        return  # beat's own tasks, or an eager task run inside the request (its context is already set)
    _task_tokens[task_id] = _context.set(RequestContext(
        request_id=request_id, address=_header(task, HEADER_ADDRESS)[:64], path=f"task:{task.name}"[:300]))


@task_postrun.connect(dispatch_uid="zhifu-request-context-postrun")
def _postrun(task_id=None, **_kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _context.reset(token)
        except ValueError:  # run in another context than its prerun: clear it all the same
            _context.set(None)
