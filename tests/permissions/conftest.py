"""One world per kind, shared by the matrix's tests, each test in a savepoint of its own over it.

Building the world (personas of every role, enterprises, applications with their materials, a rendered
placard …) is most of a matrix test's cost, and every case × persona used to build its own. A world
depends only on which ``WORLD_BUILDERS_FOR`` prefixes its URL matches (``world_key``), so a module builds
each kind once, in a transaction of its own, and the tests that need that kind run over it:

- the database: each test runs in pytest-django's ``db`` savepoint inside the world's transaction, rolled
  back after the test, so whatever one persona's request wrote is gone before the next one's;
- the files: the world's media are built in a directory of their own and copied to the test's own
  ``MEDIA_ROOT`` (``tmp_path``), so a file written or removed by one test is not seen by another;
- the cache: cleared before each test (a scope cached in one test after a rolled-back change of posts
  would otherwise answer the next one);
- the objects: each test gets a deep copy of the world as built, so nothing a test sets on them (a login
  updating ``last_login`` on the user, a cached scope on the object) reaches the next.

``test_world_isolation.py`` fails if any of the four leaks. A test of the package that builds its own
objects (``personas``, ``org``) gets the database without any world: the store gives its world up first.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings

from tests.permissions.world import WORLD_BUILDERS_FOR, build_world


def world_key(url: str) -> tuple[str, ...]:
    """The builders a world for ``url`` runs beyond the common ones (what ``build_world`` decides)."""
    return tuple(prefix for prefix in WORLD_BUILDERS_FOR if url.startswith(prefix))


def _enter_atomic():
    atomic = transaction.atomic()
    atomic._from_testcase = True  # as Django's TestCase marks its own: a durable block inside behaves the same
    atomic.__enter__()
    return atomic


def _roll_back(atomic) -> None:
    transaction.set_rollback(True)
    atomic.__exit__(None, None, None)


class WorldStore:
    """The module's current world: its key, its transaction, its objects and its media directory."""

    def __init__(self, media_base: Path):
        self.media_base = media_base
        self.key: tuple[str, ...] | None = None
        self.atomic = None
        self.world = None
        self.media: Path | None = None
        self.depth = 0  # atomic blocks open on the connection while a world stands (none of a test's)
        self.builds = 0

    def get(self, url: str):
        key = world_key(url)
        if self.key != key:
            self.release()
            # Nothing of a test may be open yet: a world built inside a test's savepoint would vanish with it.
            assert not connection.in_atomic_block, "the world must be built before the test's savepoint"
            self.atomic = _enter_atomic()
            self.builds += 1
            self.media = self.media_base / f"world-{self.builds}"
            self.media.mkdir(parents=True)
            with override_settings(MEDIA_ROOT=self.media):
                from inspections.checklist_seed import checklists_ensure
                from org.seed import org_ensure

                org_ensure()
                checklists_ensure()
                self.world = build_world(url)
            self.key = key
            self.depth = len(connection.atomic_blocks)
        assert len(connection.atomic_blocks) == self.depth, "a test's savepoint is open before the world's"
        return self.world

    def release(self) -> None:
        if self.atomic is not None:
            assert len(connection.atomic_blocks) == self.depth, "a test's savepoint is still open"
            _roll_back(self.atomic)
        self.key = self.atomic = self.world = None
        self.depth = 0


@pytest.fixture(scope="module")
def _world_store(django_db_setup, django_db_blocker, tmp_path_factory):
    store = WorldStore(tmp_path_factory.mktemp("matrix-worlds"))
    yield store
    with django_db_blocker.unblock():
        store.release()


@pytest.fixture(autouse=True)
def _no_world_unless_asked(request, _world_store, django_db_blocker):
    """A test that does not run over a world (it builds its own personas) gets an empty database."""
    if "world" not in request.fixturenames and _world_store.atomic is not None:
        with django_db_blocker.unblock():
            _world_store.release()


@pytest.fixture
def _world_built(request, _world_store, django_db_blocker):
    """The world of the test's ``case`` (the common one without a case), built if the module's current
    world is of another kind, before the test's savepoint opens; the cache cleared of what it left."""
    from django.core.cache import cache

    params = getattr(getattr(request.node, "callspec", None), "params", {})
    case = params.get("case")
    with django_db_blocker.unblock():
        built = _world_store.get(case.url if case is not None else "")
        cache.clear()
    return built


@pytest.fixture
def world(_world_built, db, _world_store, settings):
    """The world, fresh for this test: its database under the test's savepoint (``db``, set up after
    ``_world_built``), its media copied to the test's ``MEDIA_ROOT``, objects of its own."""
    assert len(connection.atomic_blocks) == _world_store.depth + 1, "the test's savepoint is not over the world"
    shutil.copytree(_world_store.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return copy.deepcopy(_world_built)
