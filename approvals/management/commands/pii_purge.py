from django.core.management.base import BaseCommand

from approvals.services.retention import personal_data_purge, purge_due


class Command(BaseCommand):
    help = ("删除超过保存期限（PII_RETENTION_DAYS）的返岗员工花名册和申请材料"
            "（Delete rosters and material files past their retention; idempotent）.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将删除的申请数，不删除")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            self.stdout.write(f"{purge_due().count()} applications due")
            return
        totals = personal_data_purge()
        self.stdout.write("purged {applications} applications: {employees} employees, {materials} materials, "
                          "{files} files".format(**totals))
