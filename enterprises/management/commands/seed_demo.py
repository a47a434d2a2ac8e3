from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from accounts.models import Role, User
from accounts.services import user_create
from enterprises.demo import seed_enterprises
from enterprises.models import Enterprise, LiaisonAssignment
from org.models import Department, Jurisdiction, PatrolTeam
from org.seed import org_ensure

DEMO_PASSWORD = "zhifu2020"
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
    ("liaison_xy", Role.LIAISON, "驻企联络员 孙娟", None),
]
# Later apps add their demo data here: callables(stdout) run in order after the firms exist.
SEED_STEPS: list[str] = [
    "approvals.demo.seed",  # applications in every state, both chains, every category
    "placards.demo.seed_placards",  # keep last: issues placards for the approved demo applications
]


class Command(BaseCommand):
    help = "Create the organisation, demo users for every role and realistic demo firms (deterministic)."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=2000, help="how many firms (default 2000)")
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when firms already exist")

    def handle(self, *args, **options):
        # Seeding sends no e-mail (notifications of the demo decisions go to a null mailer): the demo
        # accounts are the last thing printed.
        with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}):
            self.seed(**options)

    def seed(self, *, enterprises: int, force: bool, if_empty: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo 会写入演示数据：DEBUG 关闭时请加 --force 确认。")
        if if_empty and Enterprise.objects.exists():
            self.stdout.write("演示数据已存在，跳过。")
            self.print_accounts()
            return
        with transaction.atomic():
            org_ensure()
            users = self.ensure_users()
            start = (Enterprise.objects.count() or 0) + 1
            created = seed_enterprises(enterprises, start_serial=start, surveyor=users["staff_xy"])
            firms = Enterprise.objects.filter(jurisdiction__code="370602001").order_by("id")[:25]
            LiaisonAssignment.objects.bulk_create(
                [LiaisonAssignment(liaison=users["liaison_xy"], enterprise=f) for f in firms],
                ignore_conflicts=True,
            )
        self.stdout.write(self.style.SUCCESS(f"已生成 {created} 家企业。"))
        for dotted in SEED_STEPS:
            import_string(dotted)(self.stdout)
        self.print_accounts()

    def ensure_users(self) -> dict[str, User]:
        users = {}
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD, full_name="系统管理员")
        for username, role, full_name, where in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                grants = {}
                if role in (Role.STREET_STAFF, Role.STREET_SECRETARY, Role.STREET_DIRECTOR):
                    grants["jurisdictions"] = [Jurisdiction.objects.get(code=where)]
                elif role == Role.DEPARTMENT_REVIEWER:
                    grants["departments"] = [Department.objects.get(code=where)]
                elif role == Role.INSPECTOR:
                    grants["teams"] = [PatrolTeam.objects.get(name=where)]
                user = user_create(username=username, password=DEMO_PASSWORD, role=role, full_name=full_name,
                                   email=f"{username}@example.com", **grants)
            users[username] = user
        return users

    def print_accounts(self):
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        self.stdout.write(f"  {'admin':<14} 系统管理员（超级用户）")
        for username, role, full_name, _where in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {Role(role).label:<12} {full_name}")
