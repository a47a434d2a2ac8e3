"""Audit entries as people read them: the action in words, field names by the models' verbose names,
choice values by their labels, related objects by name, times local (TIME_ZONE), all in the UI language.
The entries themselves keep the raw codes (zhifu_reopen.audit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Every action code audit_record is called with. A code missing here is shown as it is.
ACTION_LABELS = {
    "enterprise.create": gettext_lazy("登记企业"),
    "enterprise.update": gettext_lazy("修改企业信息"),
    "enterprise.close": gettext_lazy("关闭企业"),
    "enterprise.reopen_revoked": gettext_lazy("复工资格失效"),
    "enterprise.import": gettext_lazy("批量导入企业"),
    "enterprise.reopen_approved": gettext_lazy("复工申请通过，企业状态改为已复工"),
    "survey.record": gettext_lazy("记录走访"),
    "application.create": gettext_lazy("新建复工申请"),
    "application.update": gettext_lazy("修改复工申请"),
    "application.reopen": gettext_lazy("复工申请变更后重新审核"),
    "application.submit": gettext_lazy("提交复工申请"),
    "application.withdraw": gettext_lazy("撤回复工申请"),
    "application.street.approve": gettext_lazy("街道/园区审核通过"),
    "application.street.return": gettext_lazy("街道/园区审核退回"),
    "application.street.reject": gettext_lazy("街道/园区审核不予通过"),
    "application.department.approve": gettext_lazy("主管部门审核通过"),
    "application.department.return": gettext_lazy("主管部门审核退回"),
    "application.department.reject": gettext_lazy("主管部门审核不予通过"),
    "application.task_force.approve": gettext_lazy("领导小组审定通过"),
    "application.task_force.return": gettext_lazy("领导小组审定退回"),
    "application.task_force.reject": gettext_lazy("领导小组审定不予通过"),
    "application.sign.secretary": gettext_lazy("党工委书记签字"),
    "application.sign.director": gettext_lazy("街道主任签字"),
    "application.sign.secretary.return": gettext_lazy("党工委书记退回"),
    "application.sign.director.return": gettext_lazy("街道主任退回"),
    "application.remind": gettext_lazy("催办"),
    "application.deadline_reminder": gettext_lazy("办理期限提醒"),
    "application.escalate": gettext_lazy("超期上报"),
    "application.meeting": gettext_lazy("记录负责人见面"),
    "material.upload": gettext_lazy("上传申请材料"),
    "material.verdict": gettext_lazy("审核申请材料"),
    "roster.add": gettext_lazy("添加返岗员工"),
    "roster.remove": gettext_lazy("删除返岗员工"),
    "roster.import": gettext_lazy("导入返岗员工名单"),
    # pii (issue 13 item 5): reads of personal data, and the retention purge.
    "roster.view_unmasked": gettext_lazy("查看返岗员工完整个人信息"),
    "roster.export": gettext_lazy("导出返岗员工名单"),
    "roster.purge": gettext_lazy("按保存期限删除花名册和申请材料"),
    "placard.issue": gettext_lazy("发放公示牌"),
    "placard.update": gettext_lazy("更新公示牌"),
    "placard.reprint": gettext_lazy("重新生成公示牌"),
    "placard.suspend": gettext_lazy("暂停公示牌"),
    "placard.revoke": gettext_lazy("撤销公示牌"),
    "placard.reinstate": gettext_lazy("恢复公示牌"),
    "placard.batch_print": gettext_lazy("批量打印公示牌"),
    "enterprise.stop_work": gettext_lazy("巡查责令停工，企业状态改为责令关停"),
    "enterprise.stop_work_lift": gettext_lazy("解除停工，企业恢复经营状态"),
    "enterprise.register_unauthorised": gettext_lazy("巡查现场登记私开偷开场所"),
    "enterprise.found_unauthorised": gettext_lazy("巡查发现未经批准营业，企业状态改为私开偷开"),
    "inspection.record": gettext_lazy("记录巡查"),
    "finding.record": gettext_lazy("记录问题隐患"),
    "order.open": gettext_lazy("下达整改通知"),
    "order.close": gettext_lazy("复查合格，整改通知办结"),
    "order.escalate": gettext_lazy("复查不合格，转责令停工"),
    "order.extend": gettext_lazy("整改期限延期"),
    "shutdown.start": gettext_lazy("责令停工"),
    "shutdown.lift": gettext_lazy("解除停工"),
    "liaison.assign": gettext_lazy("派驻联络员"),
    "liaison.unassign": gettext_lazy("结束联络员派驻"),
    "liaison.handover": gettext_lazy("联络员整体移交"),
    "enterprise.account_open": gettext_lazy("开通企业账号"),
    "enterprise.account_link": gettext_lazy("重新生成企业账号设置密码链接"),
    "enterprise.account_close": gettext_lazy("停用企业账号"),
    "problem.raise": gettext_lazy("登记企业诉求"),
    "problem.start": gettext_lazy("开始办理企业诉求"),
    "problem.escalate_department": gettext_lazy("企业诉求上报主管部门"),
    "problem.escalate_task_force": gettext_lazy("企业诉求上报区工作专班"),
    "problem.auto_escalate": gettext_lazy("企业诉求超期自动上报"),
    "problem.resolve": gettext_lazy("企业诉求办结"),
    "problem.rate": gettext_lazy("企业评价诉求办理结果"),
    "daily.log": gettext_lazy("填报日检查日消毒"),
    "report.make": gettext_lazy("生成日报"),
    "daily.edit": gettext_lazy("修改日检查日消毒"),
    "daily.regime_add": gettext_lazy("纳入日检查日消毒"),
    "daily.regime_remove": gettext_lazy("移出日检查日消毒"),
    "checklist.draft": gettext_lazy("新建检查表草稿"),
    "checklist.item_save": gettext_lazy("保存检查项"),
    "checklist.item_remove": gettext_lazy("删除检查项"),
    "checklist.publish": gettext_lazy("发布检查表"),
    "team.due_list_rebuild": gettext_lazy("重新生成待巡查清单"),
    "post.grant": gettext_lazy("授予岗位"),
    "post.revoke": gettext_lazy("撤销岗位"),
    "post.appoint": gettext_lazy("任职"),
    "post.end": gettext_lazy("免职"),
    "post.move": gettext_lazy("调任"),
    "account.create": gettext_lazy("新建账号"),
    "account.deactivate": gettext_lazy("停用账号"),
    "account.reactivate": gettext_lazy("启用账号"),
    "account.password_reset": gettext_lazy("重置密码（一次性设置密码链接）"),
    # audit-13: sign-ins, refusals, exports and the trail itself
    "auth.login": gettext_lazy("登录"),
    "auth.login_failed": gettext_lazy("登录失败"),
    "auth.logout": gettext_lazy("退出登录"),
    "access.deny": gettext_lazy("拒绝访问"),
    "enterprise.export": gettext_lazy("导出企业名录"),
    "dashboard.export": gettext_lazy("导出统计清单"),
    "problem.export": gettext_lazy("导出企业诉求"),
    "audit.export": gettext_lazy("导出操作记录"),
    "audit.purge": gettext_lazy("清理超过保存期限的操作记录"),
    "login.unlock": gettext_lazy("解除登录锁定"),  # issue 13 (auth)
}

# Keys of before/after that are not fields of the entry's subject: (model whose field it is, field name)
# or a label of its own.
KEY_FIELDS = {
    "step": ("approvals.application", "current_step"),
    "kind": ("approvals.material", "kind"),
    "verdict": ("approvals.material", "verdict"),
    "principal": ("approvals.leadermeeting", "principal"),
    "met_at": ("approvals.leadermeeting", "met_at"),
}
KEY_LABELS = {
    "notified": gettext_lazy("通知人数"),
    "overdue": gettext_lazy("已超时"),
    "employees": gettext_lazy("本次人数"),
    "roster_size": gettext_lazy("名单人数"),
    "unmasked": gettext_lazy("未脱敏"),
    "materials": gettext_lazy("删除材料数"),
    "files": gettext_lazy("删除文件数"),
    "count": gettext_lazy("数量"),
    "name": gettext_lazy("文件名"),
    "size": gettext_lazy("文件大小（字节）"),
    "replaces": gettext_lazy("替换的材料"),
    "objects": gettext_lazy("对象"),
    "post": gettext_lazy("岗位"),
    "successor": gettext_lazy("接任人"),
    "username": gettext_lazy("用户名"),
    "status": gettext_lazy("状态码"),
    "method": gettext_lazy("请求方法"),
    "view": gettext_lazy("页面"),
    "rows": gettext_lazy("行数"),
    "filters": gettext_lazy("筛选条件"),
    "deleted": gettext_lazy("删除条数"),
    "before_days": gettext_lazy("保存天数"),
    "list": gettext_lazy("清单"),
}
TIME_FORMAT = "%Y-%m-%d %H:%M"
EMPTY = "—"


@dataclass
class Change:
    label: str
    before: str | None  # None: the entry records no earlier value
    after: str | None


@dataclass
class EntryView:
    entry: Any
    action: str
    changes: list[Change] = field(default_factory=list)

    def __getattr__(self, name):  # created_at, actor, post, reason… of the entry
        if name == "entry":
            raise AttributeError(name)
        return getattr(self.entry, name)


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def local_time(value: datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(TIME_FORMAT)


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(subject, key: str) -> models.Field | None:
    if subject is not None:
        try:
            found = subject._meta.get_field(key)
        except FieldDoesNotExist:
            found = None
        if found is not None and found.concrete:
            return found
    model_label, name = KEY_FIELDS.get(key, (None, None))
    model = _model(model_label) if model_label else None
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(key: str, found: models.Field | None) -> str:
    if found is not None:
        return str(found.verbose_name)
    label = KEY_LABELS.get(key)
    return str(label) if label is not None else key


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and value[10:11] in ("T", " "):
        try:
            return parse_datetime(value)
        except ValueError:
            return None
    return None


class _Names:
    """Related objects named in a batch of entries, read with one query per model."""

    def __init__(self):
        self.wanted: dict[type, set] = {}
        self.found: dict[type, dict] = {}

    def want(self, found: models.Field | None, value) -> None:
        if found is not None and found.is_relation and found.many_to_one and isinstance(value, int):
            self.wanted.setdefault(found.related_model, set()).add(value)

    def load(self) -> None:
        for model, ids in self.wanted.items():
            self.found[model] = model._default_manager.in_bulk(sorted(ids))

    def name(self, model, value) -> str:
        obj = self.found.get(model, {}).get(value)
        return str(obj) if obj is not None else f"#{value}"


def _display(found: models.Field | None, value, names: _Names) -> str:
    if value is None or value == "":
        return EMPTY
    if found is not None and found.is_relation and found.many_to_one:
        return names.name(found.related_model, value)
    if found is not None and found.flatchoices:
        return str(dict(found.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    moment = _as_datetime(value)
    if moment is not None:
        return local_time(moment)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return "；".join(f"{k}: {v}" for k, v in value.items()) or EMPTY
    return str(value)


def entries_present(entries) -> list[EntryView]:
    """The entries ready to show: labels in the active language, times local."""
    entries = list(entries)
    names = _Names()
    rows = []
    for entry in entries:
        subject = _model(entry.target_type)
        before = entry.before if isinstance(entry.before, dict) else {}
        after = entry.after if isinstance(entry.after, dict) else {}
        keys = list(after) + [k for k in before if k not in after]
        fields = {key: _field(subject, key) for key in keys}
        for key in keys:
            names.want(fields[key], before.get(key))
            names.want(fields[key], after.get(key))
        rows.append((entry, before, after, keys, fields))
    names.load()
    views = []
    for entry, before, after, keys, fields in rows:
        changes = []
        for key in keys:
            old = _display(fields[key], before[key], names) if key in before else None
            new = _display(fields[key], after[key], names) if key in after else None
            # A value the action left as it was is shown once, not struck through.
            changes.append(Change(label=_label(key, fields[key]), before=None if old == new else old, after=new))
        views.append(EntryView(entry=entry, action=action_label(entry.action), changes=changes))
    return views
