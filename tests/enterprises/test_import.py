"""Import of enterprises (issue 2 §7 and "Bad input"): the service, the page and the job path."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from enterprises.models import Enterprise
from enterprises.services import importing
from enterprises.services.importing import (
    HEADERS,
    MODE_REPORT,
    MODE_UPDATE,
    ImportFileError,
    enterprise_import,
    import_job_run,
)
from enterprises.services.importing import files as import_files
from enterprises.services.importing import rows as import_rows
from enterprises.services.importing import writer as import_writer
from enterprises.validators import credit_check_char, make_credit_code
from tests.enterprises.import_helpers import (
    csv_bytes,
    csvfile,
    expanding,
    row,
    sheet_rewrite,
    upload,
    with_dimension,
    with_far_row,
    xlsx,
    xlsx_bytes,
)
from tests.factories import EnterpriseFactory
from zhifu_reopen.models import AuditEntry, Job

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def run(user, file, *, mode=MODE_REPORT, dry_run=False, filename=None, **kw):
    return enterprise_import(user=user, file=file, filename=filename or file.name, mode=mode, dry_run=dry_run,
                             **kw)


@pytest.fixture
def staff(personas, xy):
    return personas["staff_xy"]


def codes_in_db() -> set[str]:
    return set(Enterprise.objects.values_list("credit_code", flat=True))


# --------------------------------------------------------------------------------------------- good files


def test_good_xlsx_creates_every_enterprise_with_its_values(staff, xy, swj):
    result = run(staff, xlsx([row(1), row(2, 规模="九小场所", 类别="民生保障", 员工人数=3), row(3)]))
    assert result.ok and result.written
    assert (result.rows, result.created, result.updated) == (3, 3, 0)
    enterprise = Enterprise.objects.get(credit_code=make_credit_code("370602", 70000002))
    assert (enterprise.name, enterprise.scale, enterprise.category, enterprise.jurisdiction, enterprise.department) == (
        "烟台导入测试2商贸有限公司", "venue", "livelihood", xy, swj)
    assert (enterprise.address, enterprise.legal_representative, enterprise.prevention_contact, enterprise.prevention_mobile,
            enterprise.employee_count) == ("烟台市芝罘区南大街2号", "王伟", "李娜", "13800138000", 3)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_good_csv_in_each_encoding(staff, encoding):
    result = run(staff, csvfile([row(1), row(2, 企业名称="烟台鑫源餐饮管理有限公司")], encoding=encoding))
    assert result.ok, result.errors
    assert result.created == 2
    assert Enterprise.objects.filter(name="烟台鑫源餐饮管理有限公司").exists()


def test_numbers_typed_as_numbers_in_excel_are_read(staff):
    # Excel keeps a typed mobile and a headcount as numbers.
    result = run(staff, xlsx([row(1, 防疫负责人手机=13912345678, 员工人数=25.0)]))
    assert result.ok, result.errors
    enterprise = Enterprise.objects.get()
    assert (enterprise.prevention_mobile, enterprise.employee_count) == ("13912345678", 25)


def test_headers_in_another_order_and_export_only_columns_are_accepted(staff):
    headers = [*list(reversed(HEADERS)), "经营状态"]
    result = run(staff, xlsx([[*reversed(row(1)), "已复工"]], headers=headers))
    assert result.ok, result.errors
    assert Enterprise.objects.get().name == "烟台导入测试1商贸有限公司"


def test_one_audit_entry_per_import_and_one_per_enterprise(staff):
    run(staff, xlsx([row(1), row(2)]), filename="向阳.xlsx")
    summary = AuditEntry.objects.get(action="enterprise.import")
    assert summary.actor == staff
    assert summary.after["created"] == 2 and summary.after["rows"] == 2
    assert summary.after["filename"] == "向阳.xlsx"
    per_enterprise = AuditEntry.objects.filter(action="enterprise.create")
    assert per_enterprise.count() == 2
    enterprise = Enterprise.objects.get(credit_code=make_credit_code("370602", 70000001))
    entry = enterprise.audit_entries.get()
    assert entry.actor == staff and "向阳.xlsx" in entry.reason and entry.after["name"] == enterprise.name


def test_empty_rows_are_skipped_and_counted(staff):
    result = run(staff, xlsx([row(1), [None] * 11, ["", " ", None], row(2)]))
    assert result.ok
    assert (result.rows, result.empty_rows, result.created) == (2, 2, 2)
    assert "跳过空行2行" in result.summary


def test_org_code_warning_is_a_warning_not_an_error(staff):
    first17 = "91370602" + "12345678" + "0"  # org-code check char wrong (should be 8), credit check right
    code = first17 + credit_check_char(first17)
    result = run(staff, xlsx([row(1, 统一社会信用代码=code)]))
    assert result.ok and result.created == 1
    assert [(w.row, w.column) for w in result.warnings] == [(2, "统一社会信用代码")]
    assert "组织机构代码" in result.warnings[0].message


def test_dry_run_writes_nothing_and_says_what_would_happen(staff, enterprise_xy):
    existing = row(9, 统一社会信用代码=enterprise_xy.credit_code, 企业名称="改名后的公司")
    result = run(staff, xlsx([row(1), existing]), mode=MODE_UPDATE, dry_run=True)
    assert result.ok and not result.written
    assert (result.created, result.updated) == (1, 1)
    assert Enterprise.objects.count() == 1
    enterprise_xy.refresh_from_db()
    assert enterprise_xy.name != "改名后的公司"
    assert not AuditEntry.objects.filter(action__startswith="enterprise.").exists()
    assert "试导入" in result.summary


# ------------------------------------------------------------------------------------- rows rejected


_VALID = make_credit_code("370602", 70000099)
BAD_CHECKSUM = _VALID[:17] + ("1" if _VALID[17] == "0" else "0")
BAD_CELLS = [
    ("统一社会信用代码", BAD_CHECKSUM, "校验位"),
    ("统一社会信用代码", "91350100M000100Y4Z", "格式"),
    ("统一社会信用代码", "9137060212345", "18位"),
    ("统一社会信用代码", "91370602I2345678OZ", "格式"),
    ("防疫负责人手机", "1380013800", "手机号码"),
    ("防疫负责人手机", "23800138000", "手机号码"),
    ("所属街道", "火星街道", "未知的街道"),
    ("主管部门", "外星局", "未知的主管部门"),
    ("规模", "特大", "规模"),
    ("类别", "娱乐", "类别"),
    ("员工人数", -3, "不小于0的整数"),
    ("员工人数", "12.5", "不小于0的整数"),
    ("员工人数", "很多", "不小于0的整数"),
    ("员工人数", 5_000_000, "合理范围"),
    ("企业名称", "", "必填"),
    ("经营地址", None, "必填"),
    ("规模", "", "必填"),
    ("企业名称", "烟" * 101, "最多100个字"),
    ("经营地址", "址" * 201, "最多200个字"),
    ("企业名称", "<script>alert(1)</script>有限公司", "HTML"),
    ("企业名称", '烟台<img src=x onerror="alert(1)">公司', "HTML"),
    ("法定代表人", "<b>王伟</b>", "HTML"),
]


@pytest.mark.parametrize(("column", "value", "words"), BAD_CELLS, ids=[f"{c}-{v!s:.12}" for c, v, _w in BAD_CELLS])
def test_a_bad_cell_rejects_the_whole_file(staff, column, value, words):
    result = run(staff, xlsx([row(1), row(2, **{column: value}), row(3)]))
    assert not result.ok and not result.written
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert words in result.errors[0].message
    assert Enterprise.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="enterprise.").exists()
    assert "未导入" in result.summary


def test_every_error_of_every_row_is_listed_at_once(staff):
    result = run(staff, csvfile([
        row(1),
        row(2, 统一社会信用代码="91350100M000100Y4Z", 防疫负责人手机="12"),
        row(3),
        row(4, 所属街道="", 员工人数="-1"),
    ]))
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "统一社会信用代码"), (3, "防疫负责人手机"), (5, "所属街道"), (5, "员工人数"),
    ]
    assert result.rejected_rows == 2
    assert Enterprise.objects.count() == 0


def test_duplicate_codes_in_the_file_are_rejected(staff):
    code = make_credit_code("370602", 70000001)
    result = run(staff, xlsx([row(1), row(2), row(3, 统一社会信用代码=code.lower())]))
    assert [(e.row, e.column) for e in result.errors] == [(4, "统一社会信用代码")]
    assert "第2行" in result.errors[0].message
    assert Enterprise.objects.count() == 0


def test_credit_code_stored_as_a_number_gets_a_hint(staff):
    result = run(staff, xlsx([row(1, 统一社会信用代码=913706021234567890)]))
    assert "文本" in result.errors[0].message


def test_html_in_a_name_is_never_stored(staff):
    run(staff, xlsx([row(1, 企业名称="<script>alert('x')</script>")]))
    assert not Enterprise.objects.filter(name__contains="script").exists()


# ------------------------------------------------------------------------------ existing enterprises: modes


def test_report_mode_reports_a_registered_code(staff, enterprise_xy):
    result = run(staff, xlsx([row(1), row(2, 统一社会信用代码=enterprise_xy.credit_code)]), mode=MODE_REPORT)
    assert [(e.row, e.column) for e in result.errors] == [(3, "统一社会信用代码")]
    assert enterprise_xy.name in result.errors[0].message and "已登记" in result.errors[0].message
    assert Enterprise.objects.count() == 1


def test_update_mode_updates_a_registered_enterprise_and_audits_the_change(staff, enterprise_xy, ds):
    enterprise_xy.community = enterprise_xy.jurisdiction.communities.first()
    enterprise_xy.save()
    changed = row(2, 统一社会信用代码=enterprise_xy.credit_code, 企业名称="烟台改名后商贸有限公司", 员工人数=99,
                  规模=enterprise_xy.get_scale_display()[:2], 主管部门="商务局")
    result = run(staff, xlsx([row(1), changed]), mode=MODE_UPDATE)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    enterprise_xy.refresh_from_db()
    assert (enterprise_xy.name, enterprise_xy.employee_count, enterprise_xy.department.name) == ("烟台改名后商贸有限公司", 99, "商务局")
    assert enterprise_xy.community is not None  # same street: community kept
    entry = enterprise_xy.audit_entries.get(action="enterprise.update")
    assert entry.before["name"] != entry.after["name"] == "烟台改名后商贸有限公司"
    assert AuditEntry.objects.get(action="enterprise.import").after["updated"] == 1


def test_update_mode_counts_unchanged_enterprises_and_writes_nothing_for_them(staff):
    run(staff, xlsx([row(1), row(2)]))
    before = AuditEntry.objects.count()
    result = run(staff, xlsx([row(1), row(2)]), mode=MODE_UPDATE)
    assert result.ok and (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert AuditEntry.objects.count() == before + 1  # the import summary only


def test_update_mode_refuses_a_enterprise_of_another_street(staff, enterprise_ds):
    result = run(staff, xlsx([row(1, 统一社会信用代码=enterprise_ds.credit_code)]), mode=MODE_UPDATE)
    assert [(e.row, e.column) for e in result.errors] == [(2, "统一社会信用代码")]
    assert "无权更新" in result.errors[0].message
    assert enterprise_ds.name not in result.errors[0].message  # nothing about an enterprise out of scope
    enterprise_ds.refresh_from_db()
    assert enterprise_ds.name.startswith("烟台测试")


# ----------------------------------------------------------------------------------------------- scope


def test_a_street_official_cannot_import_enterprises_of_another_street(staff, ds):
    result = run(staff, xlsx([row(1), row(2, 所属街道="东山街道")]))
    assert [(e.row, e.column) for e in result.errors] == [(3, "所属街道")]
    assert "不在您的管辖范围" in result.errors[0].message
    assert Enterprise.objects.count() == 0


def test_the_superuser_may_import_for_any_street(org, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x-very-secret")
    result = run(admin, xlsx([row(1), row(2, 所属街道="东山街道")]))
    assert result.ok and result.created == 2


@pytest.mark.parametrize("persona", ["secretary_xy", "dept_gxj", "taskforce", "liaison_xy"])
def test_other_roles_may_not_import(personas, persona):
    from zhifu_reopen.errors import DomainError

    with pytest.raises(DomainError) as info:
        run(personas[persona], xlsx([row(1)]))
    assert info.value.code == "forbidden"
    assert Enterprise.objects.count() == 0


# --------------------------------------------------------------------------------------- bad files


def _bad(staff, file, filename=None) -> ImportFileError:
    with pytest.raises(ImportFileError) as info:
        run(staff, file, filename=filename)
    assert Enterprise.objects.count() == 0
    return info.value


def test_an_office_file_that_is_no_workbook_named_xls(staff):
    error = _bad(staff, upload(OLE, "企业.xls"))  # a .doc, say: the OLE container but no workbook inside
    assert error.code == "file_type" and ".xls" in error.message and "另存为" in error.message


def test_an_office_file_that_is_no_workbook_named_xlsx(staff):
    error = _bad(staff, upload(OLE, "企业.xlsx"))
    assert error.code == "file_type" and "另存为" in error.message


def test_executable_renamed_to_xlsx(staff):
    assert _bad(staff, upload(EXE, "企业.xlsx")).code == "file_type"


def test_executable_renamed_to_csv(staff):
    assert _bad(staff, upload(EXE, "企业.csv")).code == "file_type"


def test_image_renamed_to_csv(staff):
    error = _bad(staff, upload(PNG, "企业.csv"))
    assert "图片" in error.message


def test_other_extension(staff):
    message = _bad(staff, upload(b"hello", "企业.txt")).message
    assert "只能上传" in message and ".xls" in message and ".ods" in message


def test_xlsx_content_with_csv_extension(staff):
    assert _bad(staff, upload(xlsx_bytes([row(1)]), "企业.csv")).code == "file_type"


def test_corrupt_xlsx(staff):
    content = xlsx_bytes([row(1)])
    assert _bad(staff, upload(content[: len(content) // 2], "企业.xlsx")).code == "file_type"


def test_utf16_csv_is_refused_with_its_reason(staff):
    content = "\ufeff" + ",".join(HEADERS) + "\n"
    assert "UTF-16" in _bad(staff, upload(content.encode("utf-16-le"), "企业.csv")).message


def test_empty_file(staff):
    assert _bad(staff, upload(b"", "企业.csv")).code == "empty"


def test_empty_workbook(staff):
    assert _bad(staff, upload(xlsx_bytes([], headers=None), "企业.xlsx")).code in ("empty", "headers")


def test_only_the_header_row(staff):
    error = _bad(staff, xlsx([[None] * 11], name="企业.xlsx"))
    assert error.code == "no_rows" and "只有表头" in error.message


def test_only_the_header_row_csv(staff):
    assert _bad(staff, csvfile([])).code == "no_rows"


def test_missing_and_unknown_headers_are_named(staff):
    headers = [h for h in HEADERS if h not in ("防疫负责人手机", "员工人数")] + ["备注"]
    error = _bad(staff, xlsx([[*row(1)[:9], "x"]], headers=headers))
    assert error.code == "headers"
    assert "缺少列：防疫负责人手机、员工人数" in error.message and "无法识别的列：备注" in error.message


def test_duplicate_header(staff):
    error = _bad(staff, csvfile([[*row(1), "x"]], headers=[*HEADERS, "企业名称"]))
    assert "重复的列：企业名称" in error.message


def test_data_without_a_header_row(staff):
    error = _bad(staff, xlsx([row(1)], headers=row(2)))
    assert error.code == "headers"


def test_oversized_file(staff, settings):
    settings.IMPORT_MAX_BYTES = 1000
    error = _bad(staff, upload(csv_bytes([row(i) for i in range(40)]), "企业.csv"))
    assert error.code == "too_large" and error.status_code == 413 and "过大" in error.message


def test_too_many_rows(staff, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_ROWS", 5)
    monkeypatch.setattr(import_rows, "MAX_ROWS", 5)
    error = _bad(staff, xlsx([row(i) for i in range(6)]))
    assert error.code == "too_many_rows" and "上限5行" in error.message


def without_dimension(content: bytes) -> bytes:
    """The same workbook without its <dimension> element, as some producers write it."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            target.writestr(item, data)
    return out.getvalue()


def test_too_many_rows_counted_from_the_sheet_when_the_file_does_not_say(staff, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)
    monkeypatch.setattr(import_rows, "MAX_ROWS", 3)
    content = without_dimension(xlsx_bytes([row(i) for i in range(4)]))
    with pytest.raises(ImportFileError) as refused:
        importing.import_inspect(upload(content), "企业.xlsx")
    assert refused.value.code == "too_many_rows"
    error = _bad(staff, upload(content, "企业.xlsx"))
    assert error.code == "too_many_rows"
    assert importing.import_inspect(upload(without_dimension(xlsx_bytes([row(1)]))), "企业.xlsx").rows_estimate == 1


def test_too_many_rows_counted_while_reading(staff, monkeypatch):
    monkeypatch.setattr(import_rows, "MAX_ROWS", 3)
    error = _bad(staff, xlsx([row(i) for i in range(4)]))
    assert error.code == "too_many_rows" and Enterprise.objects.count() == 0


# ----------------------------------------------------- what the file says about itself is not trusted


def test_an_under_stated_dimension_header_does_not_drop_rows(staff):
    """A <dimension> of A1:K3 over 10 data rows: every row is read (issue 7 §4)."""
    content = with_dimension(xlsx_bytes([row(i) for i in range(1, 11)]), "A1:K3")
    assert importing.import_inspect(upload(content), "企业.xlsx").rows_estimate == 10
    result = run(staff, upload(content))
    assert result.ok and (result.rows, result.created) == (10, 10)
    assert len(codes_in_db()) == 10
    # and a bad row beyond what the header says still refuses the whole file
    Enterprise.objects.all().delete()
    content = with_dimension(xlsx_bytes([row(i) for i in range(1, 10)] + [row(10, 防疫负责人手机="12")]), "A1:K3")
    result = run(staff, upload(content))
    assert not result.ok and [e.row for e in result.errors] == [11] and Enterprise.objects.count() == 0


def test_an_over_stated_dimension_header_adds_no_rows_or_columns(staff):
    content = with_dimension(xlsx_bytes([row(1), row(2)]), "A1:XFD900")
    sheet = import_files._open(io.BytesIO(content), "企业.xlsx")
    try:
        rows, _index = import_files._read_header(sheet)
        rows = list(rows)
    finally:
        sheet.close()
    assert sheet.rows_estimate == 2 and len(rows) == 2
    assert all(len(r) == len(HEADERS) for _number, r in rows)


def test_a_stray_cell_far_right_does_not_widen_every_row(staff):
    def far_cells(xml: bytes) -> bytes:  # a value in column XFD (16,384) on each data row
        return re.sub(rb'(<row r="(\d+)"[^>]*>.*?)</row>', lambda m: m.group(0) if m.group(2) == b"1" else
                      m.group(1) + b'<c r="XFD' + m.group(2) + b'" t="n"><v>1</v></c></row>', xml)

    content = sheet_rewrite(xlsx_bytes([row(1), row(2)]), far_cells)
    sheet = import_files._open(io.BytesIO(content), "企业.xlsx")
    try:
        rows, index = import_files._read_header(sheet)
        rows = list(rows)
    finally:
        sheet.close()
    # the grid is as wide as the far cell, but only the template's columns are read from it
    assert len(rows) == 2 and index == list(range(len(HEADERS)))
    assert run(staff, upload(content)).created == 2


def bombs():
    """The files of issue 7 §5, scaled to the test's limits (see ``small_limits``): a file that inflates
    to six times the limit, one with a single cell at row 2,000,000,000, one at row 20,000,000."""
    base = xlsx_bytes([row(1), row(2)])
    return {
        "expands": expanding(base, 24 * 1024 * 1024),
        "row_2e9": with_far_row(base, 2_000_000_000),
        "row_2e7": with_far_row(base, 20_000_000),
    }


BOMB_WORDS = {"expands": "解压后", "row_2e9": "第2000000000行", "row_2e7": "第20000000行"}


@pytest.fixture
def small_limits(settings):
    settings.XLSX_MAX_UNCOMPRESSED_BYTES = 4 * 1024 * 1024


@pytest.mark.parametrize("kind", list(BOMB_WORDS))
def test_page_refuses_a_bomb_before_parsing_it(page, kind, small_limits, sheet_parses):
    import psutil

    content = bombs()[kind]
    assert len(content) < 100_000
    before = psutil.Process().memory_info().rss
    response = post(page, upload(content))
    assert response.status_code == 413
    assert BOMB_WORDS[kind] in response.content.decode()
    assert sheet_parses == []  # refused from the zip directory / a byte scan, never parsed
    assert psutil.Process().memory_info().rss - before < 64 * 1024 * 1024
    assert Enterprise.objects.count() == 0 and not Job.objects.exists()


@pytest.mark.parametrize("kind", list(BOMB_WORDS))
def test_service_and_job_refuse_a_bomb_before_parsing_it(staff, kind, small_limits, sheet_parses):
    error = _bad(staff, upload(bombs()[kind]))
    assert error.status_code == 413 and BOMB_WORDS[kind] in error.message
    assert sheet_parses == [] and Enterprise.objects.count() == 0


def test_a_highly_compressed_file_is_refused_by_its_ratio(page, sheet_parses):
    content = expanding(xlsx_bytes([row(1)]), 12 * 1024 * 1024)  # under the size limit, ~1000:1
    response = post(page, upload(content))
    assert response.status_code == 413 and "压缩比异常" in response.content.decode()
    assert sheet_parses == [] and Enterprise.objects.count() == 0


@pytest.mark.parametrize("attrs", [
    'r="20000000"', "r='20000000'", 'spans="1:2" r="20000000"', 'x=">" r="20000000"',
    'r="&#50;0000000"', 'r=" 20000000 "', 'r="2e7"',
])
def test_the_row_scan_reads_row_numbers_as_an_xml_parser_does(staff, attrs, small_limits, sheet_parses):
    cell = f"<row {attrs}><c t=\"inlineStr\"><is><t>x</t></is></c></row>".encode()
    content = sheet_rewrite(xlsx_bytes([row(1)]), lambda xml: xml.replace(b"</sheetData>", cell + b"</sheetData>"))
    error = _bad(staff, upload(content))
    assert error.code == "too_many_rows" and sheet_parses == []


def test_rows_without_numbers_are_counted(staff, monkeypatch):
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)
    content = xlsx_bytes([row(i) for i in range(1, 5)])
    content = sheet_rewrite(content, lambda xml: re.sub(rb'(<row) r="\d+"', rb"\1", xml))
    assert _bad(staff, upload(content)).code == "too_many_rows"


def test_csv_with_old_mac_line_ends(staff):
    content = csv_bytes([row(1), row(2)]).replace(b"\r\n", b"\r")
    result = run(staff, upload(content, "企业.csv"))
    assert result.ok and result.created == 2


def test_unknown_mode(staff):
    from zhifu_reopen.errors import DomainError

    with pytest.raises(DomainError):
        run(staff, xlsx([row(1)]), mode="overwrite")


# ---------------------------------------------------------------------------------------------- page


@pytest.fixture
def page(client_for, xy):
    return client_for("staff_xy")


def post(client, file, **data):
    return client.post(reverse("enterprises:import"), {"file": file, "mode": "report", **data})


def test_page_offers_the_template_and_documents_the_policy(page):
    response = page.get(reverse("enterprises:import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("enterprises:import_template") in html
    assert "整个文件要么全部导入，要么全部不导入" in html


def test_page_imports_a_small_file_and_shows_the_result(page):
    response = post(page, xlsx([row(1), row(2)]))
    assert response.status_code == 200
    assert "新增2家" in response.content.decode()
    assert Enterprise.objects.count() == 2


def test_page_lists_rejected_rows_with_a_400(page):
    response = post(page, xlsx([row(1), row(2, 防疫负责人手机="12345")]))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="import-errors"' in html and "<td>3</td><td>防疫负责人手机</td>" in html
    assert Enterprise.objects.count() == 0


def test_page_escapes_what_it_echoes(page):
    response = post(page, xlsx([row(1, 主管部门="<script>x</script>")]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


@pytest.mark.parametrize(("content", "name", "words"), [
    (EXE, "企业.xlsx", "改了扩展名"),
    (PNG, "photo.csv", "图片"),
    (OLE, "企业.xls", ".xls"),
    (b"a,b,c\n1,2,3\n", "企业.csv", "没有找到表头"),
])
def test_page_refuses_bad_files_with_a_400_and_a_message(page, content, name, words):
    response = post(page, upload(content, name))
    assert response.status_code == 400
    assert words in response.content.decode()
    assert Enterprise.objects.count() == 0


def test_page_refuses_an_empty_upload(page):
    response = post(page, upload(b"", "企业.csv"))
    assert response.status_code == 400
    assert Enterprise.objects.count() == 0


def test_page_refuses_an_oversized_file_with_413(page, settings):
    settings.IMPORT_MAX_BYTES = 2000
    response = post(page, upload(csv_bytes([row(i) for i in range(60)]), "企业.csv"))
    assert response.status_code == 413
    assert "过大" in response.content.decode()


def test_page_without_a_file(page):
    response = page.post(reverse("enterprises:import"), {"mode": "report"})
    assert response.status_code == 400


def test_page_dry_run(page):
    response = post(page, xlsx([row(1)]), dry_run="on")
    assert response.status_code == 200
    assert "试导入通过" in response.content.decode()
    assert Enterprise.objects.count() == 0


def test_template_download_has_the_headers_and_an_importable_example(page, staff):
    response = page.get(reverse("enterprises:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and len(rows) == 2
    # The example row itself passes validation.
    result = run(staff, upload(content, "模板.xlsx"), dry_run=True)
    assert result.ok and result.created == 1, result.errors


# ----------------------------------------------------------------------------------------------- job


@pytest.mark.django_db(transaction=True)
def test_large_file_runs_as_a_job_with_progress(client_for, xy, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    client = client_for("staff_xy")
    response = post(client, xlsx([row(i) for i in range(1, 6)]))
    job = Job.objects.get(kind="enterprise_import")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    assert job.result["counts"]["created"] == 5 and "导入完成" in job.result["summary"]
    assert job.progress_done == job.progress_total == 5
    assert Enterprise.objects.count() == 5
    summary = AuditEntry.objects.get(action="enterprise.import")
    assert (summary.target_type, summary.target_id) == ("zhifu_reopen.job", job.pk)
    page = client.get(response["Location"])
    assert "导入完成" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_job_with_rejected_rows_fails_and_lists_them(client_for, xy, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    client = client_for("staff_xy")
    post(client, xlsx([row(1), row(2), row(3, 所属街道="东山街道")]))
    job = Job.objects.get(kind="enterprise_import")
    assert job.status == Job.Status.FAILED
    assert job.result["errors"] == [{"row": 4, "column": "所属街道", "message": job.result["errors"][0]["message"]}]
    assert Enterprise.objects.count() == 0
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'id="import-errors"' in html and "未写入任何数据" in html


@pytest.mark.django_db(transaction=True)
def test_job_bad_headers_are_refused_before_a_job_is_made(client_for, xy, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    response = post(client_for("staff_xy"), xlsx([row(1)] * 5, headers=["企业名称"] * 11))
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_a_finished_job_is_not_run_again(staff, settings):
    settings.IMPORT_INLINE_MAX_ROWS = 1
    job = importing.enterprise_import_start(user=staff, file=xlsx([row(1), row(2)]), filename="a.xlsx",
                                            mode=MODE_REPORT, dry_run=False)
    import_job_run(job.pk)  # no on_commit under the plain db fixture: run it by hand
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and Enterprise.objects.count() == 2
    import_job_run(job.pk)  # re-delivered
    assert AuditEntry.objects.filter(action="enterprise.import").count() == 1


def test_a_job_whose_import_committed_is_closed_not_rerun(staff):
    job = importing.enterprise_import_start(user=staff, file=xlsx([row(1), row(2)]), filename="a.xlsx",
                                            mode=MODE_REPORT, dry_run=False)
    import_job_run(job.pk)
    # The worker died after the commit but before the job row was closed.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    import_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and "新增2家" in job.result["summary"]
    assert AuditEntry.objects.filter(action="enterprise.import").count() == 1
    assert Enterprise.objects.count() == 2


def test_the_task_fails_the_job_on_a_file_refused_by_the_service(staff):
    from enterprises.tasks import enterprise_import_task

    job = importing.enterprise_import_start(user=staff, file=upload(EXE, "x.xlsx"), filename="x.xlsx",
                                            mode=MODE_REPORT, dry_run=False)
    enterprise_import_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "扩展名" in job.error


# ------------------------------------------------------------- the writer thread (PostgreSQL, committed)


@pytest.fixture
def threaded(monkeypatch):
    """Small batches so a few rows make several, on the writer thread (real transactions)."""
    monkeypatch.setattr(import_rows, "BATCH", 2)
    monkeypatch.setattr(import_writer, "BATCH", 2)
    from django.db import connection

    assert connection.vendor == "postgresql" and not connection.in_atomic_block
    seen = []
    original = import_writer._ThreadRunner.start

    def start(self):
        seen.append(self)
        original(self)

    monkeypatch.setattr(import_writer._ThreadRunner, "start", start)
    return seen


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writer_thread_imports_everything(staff, threaded):
    result = run(staff, xlsx([row(i) for i in range(1, 8)]))
    assert threaded, "the writer thread was not used"
    assert result.ok and result.written and result.created == 7
    assert Enterprise.objects.count() == 7
    assert AuditEntry.objects.filter(action="enterprise.create").count() == 7
    assert not threaded[0].is_alive()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writer_thread_rolls_back_batches_already_written_when_a_late_row_fails(staff, threaded):
    result = run(staff, xlsx([*[row(i) for i in range(1, 8)], row(8, 防疫负责人手机="1")]))
    assert [(e.row, e.column) for e in result.errors] == [(9, "防疫负责人手机")]
    assert (result.created, result.written) == (0, False)
    assert Enterprise.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="enterprise.").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writer_thread_reports_registered_codes_found_while_writing(staff, xy, threaded):
    existing = EnterpriseFactory(jurisdiction=xy, credit_code=make_credit_code("370602", 70000006))
    result = run(staff, xlsx([row(i) for i in range(1, 8)]))
    assert [(e.row, e.column) for e in result.errors] == [(7, "统一社会信用代码")]
    assert existing.name in result.errors[0].message
    assert list(Enterprise.objects.values_list("pk", flat=True)) == [existing.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writer_thread_dry_run_and_update_counts_are_exact_and_rolled_back(staff, threaded):
    run(staff, xlsx([row(1), row(2), row(3)]))
    result = run(staff, xlsx([row(1), row(2, 员工人数=99), row(3), row(4)]), mode=MODE_UPDATE, dry_run=True)
    assert result.ok and not result.written
    assert (result.created, result.updated, result.unchanged) == (1, 1, 2)
    assert Enterprise.objects.count() == 3
    assert Enterprise.objects.get(credit_code=make_credit_code("370602", 70000002)).employee_count == 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writer_thread_stops_cleanly_when_the_file_is_refused_mid_way(staff, threaded, monkeypatch):
    monkeypatch.setattr(import_rows, "MAX_ROWS", 9)  # counted while reading (the sheet's own count passes)
    content = without_dimension(xlsx_bytes([row(i) for i in range(1, 12)]))
    with pytest.raises(ImportFileError):
        run(staff, upload(content, "企业.xlsx"))
    assert not threaded[0].is_alive()
    assert Enterprise.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writer_thread_failure_is_raised_and_rolled_back(staff, threaded, monkeypatch):
    def broken(rows, now):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_writer, "_insert_enterprises", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run(staff, xlsx([row(i) for i in range(1, 12)]))
    assert not threaded[0].is_alive()
    assert Enterprise.objects.count() == 0
