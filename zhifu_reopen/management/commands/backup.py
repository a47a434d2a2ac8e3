"""``manage.py backup PATH``: the database and the media in one .tar with a manifest (zhifu_reopen/backup.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhifu_reopen.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和媒体文件到一个 .tar 归档（含清单：各表行数、各文件校验和）。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive to write (.tar)")

    def handle(self, *args, path, **options):
        try:
            manifest = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["database"]["tables"]
        self.stdout.write(_("已备份到 %(path)s：数据库 %(tables)s 张表 %(rows)s 行，媒体文件 %(files)s 个。") % {
            "path": path, "tables": len(tables), "rows": sum(tables.values()), "files": len(manifest["media"])})
