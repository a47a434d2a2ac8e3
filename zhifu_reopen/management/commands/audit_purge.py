"""The one way audit entries are deleted: those older than AUDIT_RETENTION_DAYS (at least 180 days).

Run it as the database's owner (the application role may not delete audit rows). It sets the
transaction-local ``zhifu.audit_purge_days`` the trigger checks (migration 0008): the trigger itself
refuses any row younger than the limit, and any limit under 180 days. The purge is recorded."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from zhifu_reopen.audit import audit_record
from zhifu_reopen.models import AuditEntry

MIN_DAYS = 180


class Command(BaseCommand):
    help = "删除超过保存期限（AUDIT_RETENTION_DAYS，至少180天）的操作记录，并报告删除条数。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args, dry_run=False, **options):
        days = int(settings.AUDIT_RETENTION_DAYS)
        if days < MIN_DAYS:
            raise CommandError(f"AUDIT_RETENTION_DAYS must be at least {MIN_DAYS}.")
        with transaction.atomic():
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT set_config('zhifu.audit_purge_days', %s, true)", [str(days)])
                    cursor.execute("SELECT now() - make_interval(days => %s)", [days])
                    cutoff = cursor.fetchone()[0]
                else:
                    from datetime import timedelta

                    from django.utils import timezone

                    cutoff = timezone.now() - timedelta(days=days)
            old = AuditEntry.objects.filter(created_at__lt=cutoff)
            if dry_run:
                count = old.count()
            else:
                # A raw delete: Django's collector would first read each row (and nothing points here).
                count = old._raw_delete(old.db)
                audit_record(actor=None, action="audit.purge", target_repr=f"< {cutoff:%Y-%m-%d %H:%M}",
                             after={"deleted": count, "before_days": days})
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"audit_purge: {verb} {count} entries older than {days} days (before {cutoff:%Y-%m-%d %H:%M %Z}).")
