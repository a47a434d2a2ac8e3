"""seed_demo: each app's demo step, in layer order, from this one place on top of them all."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from accounts.demo import DEMO_PASSWORD, DEMO_USERS, ensure_users
from accounts.models import Role
from approvals.demo import seed as seed_approvals
from dashboards.demo import seed_history
from enterprises.demo import seed_registry
from enterprises.models import Enterprise
from inspections.demo import seed_patrols
from liaisons.demo import DEMO_FIRM_ACCOUNTS, seed_liaisons
from org.seed import org_ensure
from placards.demo import seed_placards


class Command(BaseCommand):
    help = "Create the organisation, demo users for every role and realistic demo enterprises (deterministic)."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=2000, help="how many enterprises (default 2000)")
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when enterprises already exist")

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
            org_ensure()  # org: streets, communities, grids, departments, patrol teams
            users = ensure_users()  # accounts: a user for every role, granted its post
            created = seed_registry(enterprises, surveyor=users["staff_xy"], liaison=users["liaison_xy"])
        self.stdout.write(self.style.SUCCESS(f"已生成 {created} 家企业。"))
        seed_approvals(self.stdout)  # applications in every state, both chains, every category
        seed_placards(self.stdout)  # the placards of the approved demo applications
        seed_patrols(self.stdout)  # teams' members, inspections, findings, orders, stop-works, due lists
        seed_liaisons(self.stdout, password=DEMO_PASSWORD)  # liaisons and their firms, firm accounts, problems, logs
        seed_history(self.stdout)  # last: weeks of history for the figures, the summaries, two daily reports
        self.print_accounts()

    def print_accounts(self):
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        self.stdout.write(f"  {'admin':<14} 系统管理员（超级用户）")
        for username, role, full_name, _where in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {Role(role).label:<12} {full_name}")
        for mobile, full_name in DEMO_FIRM_ACCOUNTS:
            self.stdout.write(f"  {mobile:<14} {Role.ENTERPRISE.label:<12} {full_name}")
