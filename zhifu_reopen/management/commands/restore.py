"""``manage.py restore PATH``: check the archive, then wipe and restore the database and the media
(zhifu_reopen/backup.py). Stop web, worker and beat first."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from zhifu_reopen.backup import BackupError, restore


class Command(BaseCommand):
    help = "从备份归档恢复：先校验整个归档，再清空并恢复数据库和媒体文件。请先停止 web、worker 和 beat。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive written by manage.py backup")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="do not ask for confirmation")

    def handle(self, *args, path, interactive=True, **options):
        if interactive:
            answer = input(_("将清空数据库 %(name)s 和全部媒体文件，再从 %(path)s 恢复。输入 yes 继续：") % {
                "name": connection.settings_dict["NAME"], "path": path})
            if answer.strip().lower() != "yes":
                raise CommandError(_("已取消，未做任何改动。"))
        try:
            manifest = restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["database"]["tables"]
        self.stdout.write(_("已从 %(path)s 恢复（备份于 %(at)s）：%(tables)s 张表 %(rows)s 行，行数核对一致；"
                            "媒体文件 %(files)s 个。") % {
            "path": path, "at": manifest["created_at"], "tables": len(tables), "rows": sum(tables.values()),
            "files": len(manifest["media"])})
