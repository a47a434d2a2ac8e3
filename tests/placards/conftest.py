"""Placard fixtures: approving an enterprise (signal path, as the approvals services do). The real Celery
worker fixture (``celery_worker_proc``) lives in tests/celery_worker.py, shared by every app."""

from __future__ import annotations

import pytest

from .helpers import approve


@pytest.fixture
def approve_enterprise():
    return approve
