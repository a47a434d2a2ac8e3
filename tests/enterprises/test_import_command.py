"""python manage.py import_enterprises FILE [--dry-run] [--update-existing] [--user USERNAME]"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from enterprises.models import Enterprise
from tests.enterprises.import_helpers import csv_bytes, row, xlsx_bytes
from zhifu_reopen.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(org, django_user_model):
    return django_user_model.objects.create_superuser("root", password="x-very-secret")


def write(tmp_path, content: bytes, name="企业.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def call(*args):
    out, err = StringIO(), StringIO()
    call_command("import_enterprises", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_a_good_file_as_the_first_superuser(admin, tmp_path):
    out, _err = call(write(tmp_path, xlsx_bytes([row(1), row(2, 所属街道="东山街道")])))
    assert "导入完成" in out and "新增2家" in out
    assert Enterprise.objects.count() == 2
    assert AuditEntry.objects.get(action="enterprise.import").actor == admin


def test_rejected_rows_are_printed_and_the_exit_is_non_zero(admin, tmp_path):
    path = write(tmp_path, csv_bytes([row(1), row(2, 防疫负责人手机="12"), row(3, 所属街道="火星街道")]), "企业.csv")
    with pytest.raises(CommandError) as info:
        call(path)
    assert "2行被拒绝" in str(info.value)
    assert Enterprise.objects.count() == 0


def test_rejected_rows_listing(admin, tmp_path, capsys):
    from django.core.management import execute_from_command_line

    path = write(tmp_path, xlsx_bytes([row(1), row(2, 防疫负责人手机="12")]))
    with pytest.raises(SystemExit) as info:
        execute_from_command_line(["manage.py", "import_enterprises", path])
    assert info.value.code != 0
    err = capsys.readouterr().err
    assert "第3行 [防疫负责人手机]" in err and "未写入任何数据" in err


def test_dry_run_writes_nothing(admin, tmp_path):
    out, _err = call(write(tmp_path, xlsx_bytes([row(1)])), "--dry-run")
    assert "试导入通过" in out
    assert Enterprise.objects.count() == 0


def test_existing_codes_are_reported_unless_update_existing(admin, tmp_path, enterprise_xy):
    path = write(tmp_path, xlsx_bytes([row(1, 统一社会信用代码=enterprise_xy.credit_code, 企业名称="新名称有限公司")]))
    with pytest.raises(CommandError):
        call(path)
    out, _err = call(path, "--update-existing")
    assert "更新1家" in out
    enterprise_xy.refresh_from_db()
    assert enterprise_xy.name == "新名称有限公司"


def test_user_option_applies_that_users_scope(personas, tmp_path):
    personas["staff_xy"]
    path = write(tmp_path, xlsx_bytes([row(1), row(2, 所属街道="东山街道")]))
    with pytest.raises(CommandError):
        call(path, "--user", "staff_xy")
    assert Enterprise.objects.count() == 0
    out, _err = call(write(tmp_path, xlsx_bytes([row(1)]), "b.xlsx"), "--user", "staff_xy")
    assert "新增1家" in out


def test_bad_file_and_missing_things(admin, tmp_path):
    with pytest.raises(CommandError, match="表头"):
        call(write(tmp_path, xlsx_bytes([row(1)], headers=["名称"])))
    with pytest.raises(CommandError, match="找不到文件"):
        call(str(tmp_path / "nope.xlsx"))
    with pytest.raises(CommandError, match="找不到用户"):
        call(write(tmp_path, xlsx_bytes([row(1)])), "--user", "nobody")


def test_without_a_superuser_a_user_is_required(org, tmp_path):
    with pytest.raises(CommandError, match="超级用户"):
        call(write(tmp_path, xlsx_bytes([row(1)])))
