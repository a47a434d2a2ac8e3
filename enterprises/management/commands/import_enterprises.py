"""python manage.py import_enterprises FILE [--dry-run] [--update-existing] [--user USERNAME]

Calls the same service as the import page. Prints the summary, every rejected row and every warning;
exits with status 1 when the file or any row is rejected (nothing is written then)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from zhifu_reopen.errors import DomainError

from ...services.importing import MODE_REPORT, MODE_UPDATE, enterprise_import


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 文件批量导入企业（整个文件全部导入或全部不导入）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="导入文件（.xlsx 或 .csv）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--update-existing", action="store_true",
                            help="信用代码已登记时更新该企业（默认报告为错误）")
        parser.add_argument("--user", help="以该用户身份导入（默认：第一个超级用户）")

    def handle(self, *args, **options):
        user = self._user(options.get("user"))
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        mode = MODE_UPDATE if options["update_existing"] else MODE_REPORT
        try:
            with path.open("rb") as file:
                result = enterprise_import(
                    user=user, file=file, filename=path.name, mode=mode, dry_run=options["dry_run"],
                    progress=self._progress if options["verbosity"] >= 2 else None,
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(_("提示 第%(row)d行 [%(column)s] %(message)s") % warning.as_dict()))
        for error in result.errors:
            self.stderr.write(_("第%(row)d行 [%(column)s] %(message)s") % error.as_dict())
        if result.errors:
            self.stderr.write(self.style.ERROR(result.summary))
            raise CommandError(_("%(n)d行被拒绝，未写入任何数据。") % {"n": result.rejected_rows})
        self.stdout.write(self.style.SUCCESS(result.summary))

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(_("已检查 %(done)d/%(total)d 行") % {"done": done, "total": total})

    def _user(self, username: str | None):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username, is_active=True)
            except User.DoesNotExist as exc:
                raise CommandError(_("找不到用户：%(name)s") % {"name": username}) from exc
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(_("没有可用的超级用户，请用 --user 指定导入人。"))
        return user
