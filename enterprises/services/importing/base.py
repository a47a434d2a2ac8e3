"""What every step of the import shares: the template's columns and labels, the modes and limits, and the
error and result types."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from zhifu_reopen.errors import DomainError

from ...validators import make_credit_code

# The template's columns, in order: (header, field).
COLUMNS = [
    ("企业名称", "name"),
    ("统一社会信用代码", "credit_code"),
    ("规模", "scale"),
    ("类别", "category"),
    ("所属街道", "jurisdiction"),
    ("主管部门", "department"),
    ("经营地址", "address"),
    ("法定代表人", "legal_representative"),
    ("防疫负责人", "prevention_contact"),
    ("防疫负责人手机", "prevention_mobile"),
    ("员工人数", "employee_count"),
]
HEADERS = [h for h, _f in COLUMNS]
# A validated row: a tuple of these model attributes, in this order (rows → writer).
IMPORT_ATTNAMES = ("name", "credit_code", "scale", "category", "jurisdiction_id", "department_id", "address",
                   "legal_representative", "prevention_contact", "prevention_mobile", "employee_count")
REQUIRED = {"企业名称", "统一社会信用代码", "规模", "类别", "所属街道", "经营地址"}
# Extra columns of our own export (so an exported list can be edited and imported again): ignored.
IGNORED_HEADERS = ["经营状态", "社区", "网格", "产值超1亿元", "最近走访", "登记时间"]
EXAMPLE_ROW = [
    "烟台示例商贸有限公司", make_credit_code("370602", 12345678), "规下", "一般", "向阳街道", "商务局",
    "烟台市芝罘区南大街1号", "王伟", "李娜", "13800138000", 20,
]

MODE_REPORT = "report"
MODE_UPDATE = "update"
MODES = (MODE_REPORT, MODE_UPDATE)
BATCH = 2000
MAX_ROWS = getattr(settings, "IMPORT_MAX_ROWS", 500_000)


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (type, size, headers, row count). Nothing was read into
    the database. ``status_code`` is 413 for an oversized file, 400 otherwise."""

    def __init__(self, message, *, code: str = "bad_file", status_code: int = 400):
        super().__init__(message, code=code)
        self.status_code = status_code


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    filename: str
    mode: str
    dry_run: bool
    rows: int = 0  # data rows read (not counting empty rows)
    empty_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def summary(self) -> str:
        counts = {
            "rows": self.rows, "empty": self.empty_rows, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "rejected": self.rejected_rows, "warnings": len(self.warnings),
        }
        if self.errors:
            return _(
                "未导入：共读取%(rows)d行，其中%(rejected)d行有误（见下表），整个文件未写入任何数据。"
                "请改正后重新导入。跳过空行%(empty)d行。"
            ) % counts
        if self.dry_run:
            return _(
                "试导入通过（未写入）：共%(rows)d行，将新增%(created)d家、更新%(updated)d家、"
                "无变化%(unchanged)d家；跳过空行%(empty)d行；提示%(warnings)d条。"
            ) % counts
        return _(
            "导入完成：共%(rows)d行，新增%(created)d家、更新%(updated)d家、无变化%(unchanged)d家；"
            "跳过空行%(empty)d行；提示%(warnings)d条。"
        ) % counts

    def counts(self) -> dict:
        return {
            "rows": self.rows, "empty_rows": self.empty_rows, "created": self.created,
            "updated": self.updated, "unchanged": self.unchanged, "rejected_rows": self.rejected_rows,
            "errors": len(self.errors), "warnings": len(self.warnings),
        }

    def as_dict(self, max_errors: int | None = None) -> dict:
        errors = self.errors if max_errors is None else self.errors[:max_errors]
        return {
            "summary": self.summary, "ok": self.ok, "dry_run": self.dry_run, "mode": self.mode,
            "filename": self.filename, "counts": self.counts(),
            "errors": [e.as_dict() for e in errors], "errors_total": len(self.errors),
            "warnings": [w.as_dict() for w in self.warnings[: max_errors or len(self.warnings)]],
        }

