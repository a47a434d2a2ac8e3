"""Shared fixtures: the organisation, a persona per role (in and out of scope), service checks."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from accounts.models import Role
from accounts.services import user_create
from enterprises.models import LiaisonAssignment
from org.models import Department, Jurisdiction, PatrolTeam
from org.seed import org_ensure
from tests.celery_worker import celery_worker_proc  # noqa: F401 (shared fixture)
from tests.factories import EnterpriseFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
PASSWORD = "zhifu-test-pw"

# persona → (role, grant kind, grant key)
PERSONAS = {
    "staff_xy": (Role.STREET_STAFF, "jurisdictions", "370602001"),
    "staff_ds": (Role.STREET_STAFF, "jurisdictions", "370602002"),
    "secretary_xy": (Role.STREET_SECRETARY, "jurisdictions", "370602001"),
    "director_xy": (Role.STREET_DIRECTOR, "jurisdictions", "370602001"),
    "secretary_ds": (Role.STREET_SECRETARY, "jurisdictions", "370602002"),
    "director_ds": (Role.STREET_DIRECTOR, "jurisdictions", "370602002"),
    "dept_gxj": (Role.DEPARTMENT_REVIEWER, "departments", "gxj"),
    "dept_swj": (Role.DEPARTMENT_REVIEWER, "departments", "swj"),
    "taskforce": (Role.TASK_FORCE, None, None),
    "inspector_d1": (Role.INSPECTOR, "teams", "区第一巡查指导组"),
    "inspector_xy": (Role.INSPECTOR, "teams", "向阳街道联合巡查组"),
    "inspector_ds": (Role.INSPECTOR, "teams", "东山街道联合巡查组"),
    "liaison_xy": (Role.LIAISON, None, None),
    "district_admin": (Role.DISTRICT_ADMIN, None, None),
    # The firm's own account: its enterprise is linked where a test has one (``firm_of``; the matrix world
    # links it to the world's 向阳 enterprise).
    "firm_xy": (Role.ENTERPRISE, None, None),
}


def pytest_collection_modifyitems(config, items):
    """On a laptop (SQLite, no Redis) tests that need the real services are skipped; with
    REQUIRE_SERVICES=1 (CI) they run and fail if a service is missing."""
    on_postgres = connection.vendor == "postgresql"
    has_redis = bool(os.environ.get("REDIS_URL"))
    for item in items:
        if item.get_closest_marker("postgres") and not on_postgres and not REQUIRE_SERVICES:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if item.get_closest_marker("redis") and not has_redis and not REQUIRE_SERVICES:
            item.add_marker(pytest.mark.skip(reason="needs Redis and a Celery worker (set REDIS_URL)"))
        if item.get_closest_marker("browser") and not os.path.exists("/usr/bin/chromium") and not REQUIRE_SERVICES:
            item.add_marker(pytest.mark.skip(reason="needs /usr/bin/chromium"))


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _chinese_by_default():
    """Each test starts in the default language: a test that switches to English must not leave the
    thread's active language to the next one."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _celery_eager(settings):
    """Unit tests run tasks inline; tests marked ``redis`` use the real worker fixture instead."""
    from zhifu_reopen.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _breakers_closed():
    """Each test starts with the cache and the broker presumed up: a test that took Redis down must not
    leave the next one skipping it for the cool-down."""
    from zhifu_reopen.breaker import BREAKERS

    for breaker in BREAKERS:
        breaker.reset()
    yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _org_seed(**_kwargs) -> None:
    from inspections.checklist_seed import checklists_ensure

    org_ensure()
    checklists_ensure()  # seeded by a migration: gone after a transactional test's flush


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The organisation (streets, communities, grids, departments, teams) and the checklists, committed
    once in the test database instead of built in every test's transaction (a thousand queries a test):
    ``org`` then finds them. A transactional test's flush empties the tables and sends ``post_migrate``
    (as after a migration): they are seeded again, committed, before the next test."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    with django_db_blocker.unblock():
        _org_seed()
    post_migrate.connect(_org_seed, sender=apps.get_app_config("inspections"), dispatch_uid="tests-org-seed")
    yield
    post_migrate.disconnect(sender=apps.get_app_config("inspections"), dispatch_uid="tests-org-seed")


@pytest.fixture
def org(db):
    _org_seed()  # committed already (django_db_setup): three counts and the checklists' versions


@pytest.fixture
def xy(org) -> Jurisdiction:
    return Jurisdiction.objects.get(code="370602001")


@pytest.fixture
def ds(org) -> Jurisdiction:
    return Jurisdiction.objects.get(code="370602002")


@pytest.fixture
def gxj(org) -> Department:
    return Department.objects.get(code="gxj")


@pytest.fixture
def swj(org) -> Department:
    return Department.objects.get(code="swj")


def make_persona(name: str):
    role, kind, key = PERSONAS[name]
    grants = {}
    if kind == "jurisdictions":
        grants[kind] = [Jurisdiction.objects.get(code=key)]
    elif kind == "departments":
        grants[kind] = [Department.objects.get(code=key)]
    elif kind == "teams":
        grants[kind] = [PatrolTeam.objects.get(name=key)]
        grants["agency"] = "district" if key.startswith("区") else "market"
    return user_create(username=name, password=PASSWORD, role=role, full_name=name, **grants)


def firm_of(user, enterprise):
    """Make ``user`` (a firm persona) the account of ``enterprise``."""
    from accounts.scope import forget_scope
    from enterprises.models import EnterpriseAccount

    EnterpriseAccount.objects.update_or_create(user=user, defaults={"enterprise": enterprise})
    forget_scope(user)
    return user


@pytest.fixture
def personas(org):
    """All personas, created on first use: ``personas["staff_xy"]``."""

    class Lazy(dict):
        def __missing__(self, key):
            self[key] = make_persona(key)
            return self[key]

    return Lazy()


@pytest.fixture
def enterprise_xy(xy, gxj):
    """A small enterprise of 向阳街道 under 工信局."""
    return EnterpriseFactory(jurisdiction=xy, department=gxj, scale="small")


@pytest.fixture
def enterprise_ds(ds, swj):
    return EnterpriseFactory(jurisdiction=ds, department=swj, scale="small")


@pytest.fixture
def liaison_enterprise(personas, enterprise_xy):
    LiaisonAssignment.objects.create(liaison=personas["liaison_xy"], enterprise=enterprise_xy)
    return enterprise_xy


@pytest.fixture
def client_for(client, personas):
    """``client_for("staff_xy")`` → a test client logged in as that persona."""
    from django.test import Client

    def make(name: str | None):
        c = Client()
        if name:
            c.force_login(personas[name])
        return c

    return make


@pytest.fixture
def firm(personas, enterprise_xy):
    """enterprise_xy with liaison_xy stationed in it and firm_xy its own account (and 向阳's official and
    工信局's reviewer there before anything is raised: personas are made on first use)."""
    personas["staff_xy"], personas["dept_gxj"]
    LiaisonAssignment.objects.create(liaison=personas["liaison_xy"], enterprise=enterprise_xy)
    firm_of(personas["firm_xy"], enterprise_xy)
    return enterprise_xy


@pytest.fixture
def livelihood(personas, xy, gxj):
    """A livelihood enterprise of 向阳 (it keeps the daily log), liaison_xy's, firm_xy its account."""
    from enterprises.choices import Category

    personas["staff_xy"]
    enterprise = EnterpriseFactory(jurisdiction=xy, department=gxj, category=Category.LIVELIHOOD,
                                   name="烟台民生保障测试食品有限公司")
    LiaisonAssignment.objects.create(liaison=personas["liaison_xy"], enterprise=enterprise)
    firm_of(personas["firm_xy"], enterprise)
    return enterprise


@pytest.fixture
def sheet_parses(monkeypatch):
    """Every time a workbook is handed to the spreadsheet parser (calamine)."""
    from zhifu_reopen.sheets import reader

    calls = []
    original = reader.calamine_sheet

    def parse(file, kind):
        calls.append(kind)
        return original(file, kind)

    monkeypatch.setattr(reader, "calamine_sheet", parse)
    return calls


# --- issue 13 (auth): the tests' way in for users whose post needs a second factor --------------------
# ``Client.force_login`` (the test client's, the matrix's, ``admin_client``) signs such a user in as the
# login does after their code: a confirmed TOTP device of theirs (made on first use) marks the session
# verified. ``force_login_password_only`` stops after the password, as a real login does before the code.
from django.test import Client as _Client  # noqa: E402

_force_login_password_only = _Client.force_login


def totp_device(user):
    """The user's confirmed authenticator (made when they have none)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def totp_code(device) -> str:
    """The next code the device accepts now (each time step once: a later step when this one was used)."""
    import time

    from django_otp.oath import totp

    device.refresh_from_db()
    now_step = (int(time.time()) - device.t0) // device.step
    step = max(device.last_t + 1, now_step + device.drift)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, step - now_step):0{device.digits}d}"


def _force_login_verified(self, user, backend=None):
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.roles import needs_two_factor

    _force_login_password_only(self, user, backend)
    if needs_two_factor(user):
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()


def force_login_password_only(client, user, backend=None):
    _force_login_password_only(client, user, backend)


_Client.force_login = _force_login_verified
