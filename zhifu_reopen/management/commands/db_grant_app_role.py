"""Grant the application's own database role what the running application needs, and no more on the
audit trail: every table may be read and written, but audit entries only read and added (no UPDATE,
DELETE or TRUNCATE). Run it as the owner of the tables (who runs the migrations), after each migrate:

    DATABASE_URL=postgres://owner@db/zhifu manage.py migrate
    DATABASE_URL=postgres://owner@db/zhifu manage.py db_grant_app_role zhifu_app

The role must exist (``CREATE ROLE zhifu_app LOGIN PASSWORD '…'``); the web and the workers then connect
as it. PostgreSQL only."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from zhifu_reopen.models import AuditEntry


class Command(BaseCommand):
    help = "授予应用数据库角色所需权限：操作记录表只能查询和新增，不能修改、删除或清空。"

    def add_arguments(self, parser):
        parser.add_argument("role", help="the application's database role (it must exist)")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("db_grant_app_role needs PostgreSQL.")
        q = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"No database role {role!r}: create it first (CREATE ROLE … LOGIN).")
            cursor.execute("SELECT current_schema()")
            schema = cursor.fetchone()[0]
            audit = AuditEntry._meta.db_table
            with transaction.atomic():
                cursor.execute(f"GRANT CONNECT ON DATABASE {q(connection.settings_dict['NAME'])} TO {q(role)}")  # nosemgrep: raw-sql-format -- identifiers quoted with quote_name, no values
                cursor.execute(f"GRANT USAGE ON SCHEMA {q(schema)} TO {q(role)}")  # nosemgrep: raw-sql-format -- identifiers quoted with quote_name, no values
                cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {q(schema)} TO {q(role)}")  # nosemgrep: raw-sql-format -- identifiers quoted with quote_name, no values
                cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {q(schema)} TO {q(role)}")  # nosemgrep: raw-sql-format -- identifiers quoted with quote_name, no values
                cursor.execute(f"REVOKE ALL ON {q(audit)} FROM {q(role)}")  # nosemgrep: raw-sql-format -- identifiers quoted with quote_name, no values
                cursor.execute(f"GRANT SELECT, INSERT ON {q(audit)} TO {q(role)}")  # nosemgrep: raw-sql-format -- identifiers quoted with quote_name, no values
                cursor.execute(f"REVOKE ALL ON {q(audit)} FROM PUBLIC")  # nosemgrep: raw-sql-format -- identifiers quoted with quote_name, no values
        self.stdout.write(f"db_grant_app_role: {role} may read and write the tables of {schema}; "
                          f"{audit} only SELECT and INSERT.")
