"""seed_demo step: the demo users, one or two for every role, each granted its post on the org objects."""

from __future__ import annotations

from org.models import Department, Jurisdiction, PatrolTeam

from .models import User
from .roles import STREET_ROLES, Role
from .services import user_create

DEMO_PASSWORD = "zhifu2020"  # nosec B105: the published password of the seed_demo accounts, a demo and test fixture
# (username, role, full name, jurisdiction code | department code | team name)
DEMO_USERS = [
    ("staff_xy", Role.STREET_STAFF, "向阳工作人员 王芳", "370602001"),
    ("staff_ds", Role.STREET_STAFF, "东山工作人员 李强", "370602002"),
    # A second official per street: the one who files an application never takes its street step.
    ("staff_xy2", Role.STREET_STAFF, "向阳工作人员 马超", "370602001"),
    ("staff_ds2", Role.STREET_STAFF, "东山工作人员 郑红", "370602002"),
    ("secretary_xy", Role.STREET_SECRETARY, "向阳党工委书记 张伟", "370602001"),
    ("director_xy", Role.STREET_DIRECTOR, "向阳街道主任 刘洋", "370602001"),
    ("secretary_ds", Role.STREET_SECRETARY, "东山党工委书记 陈静", "370602002"),
    ("director_ds", Role.STREET_DIRECTOR, "东山街道主任 杨磊", "370602002"),
    ("dept_gxj", Role.DEPARTMENT_REVIEWER, "工信局审核人 赵敏", "gxj"),
    ("dept_swj", Role.DEPARTMENT_REVIEWER, "商务局审核人 黄勇", "swj"),
    ("taskforce", Role.TASK_FORCE, "工作专班 周杰", None),
    ("inspector_d1", Role.INSPECTOR, "区巡查一组 吴涛", "区第一巡查指导组"),
    ("inspector_xy", Role.INSPECTOR, "向阳联合巡查 徐明", "向阳街道联合巡查组"),
    ("district_admin", Role.DISTRICT_ADMIN, "区级系统管理员 何平", None),
    ("liaison_xy", Role.LIAISON, "驻企联络员 孙娟", None),
]


def ensure_users() -> dict[str, User]:
    """The superuser ``admin`` and DEMO_USERS (those missing are created): by username. Needs the
    organisation (org.seed.org_ensure)."""
    users = {}
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD, full_name="系统管理员")
    for username, role, full_name, where in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            grants = {}
            if role in STREET_ROLES:
                grants["jurisdictions"] = [Jurisdiction.objects.get(code=where)]
            elif role == Role.DEPARTMENT_REVIEWER:
                grants["departments"] = [Department.objects.get(code=where)]
            elif role == Role.INSPECTOR:
                grants["teams"] = [PatrolTeam.objects.get(name=where)]
            user = user_create(username=username, password=DEMO_PASSWORD, role=role, full_name=full_name,
                               email=f"{username}@example.com", **grants)
        users[username] = user
    return users
