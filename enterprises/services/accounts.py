"""The firm's own account (企业用户): the street opens it for the firm's prevention contact — the mobile is
the login name — and hands over a one-time set-password link (printed or copied: no SMS gateway is
assumed); it can issue a new link and close the account. One open account per firm. Rule table below;
every act audited on the enterprise."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.scope import forget_scope, scope_for
from accounts.services.people import set_password_path
from zhifu_reopen.audit import audit_record
from zhifu_reopen.errors import DomainError
from zhifu_reopen.rules import SUPERUSER, Grant, Rule, Table, Verdict

from ..models import Enterprise, EnterpriseAccount
from ..validators import validate_mobile

NONE, OPEN = "no_account", "account_open"
STREET = (Grant(Role.STREET_STAFF, "jurisdiction"), Grant(Role.TASK_FORCE, "district"), Grant(SUPERUSER, "district"))
NO_ACCOUNT = gettext_lazy("只有企业所在街道的工作人员可以开通或管理企业账号。")


def account_of(enterprise: Enterprise) -> EnterpriseAccount | None:
    """The firm's open account (its user active), if any."""
    return (EnterpriseAccount.objects.filter(enterprise=enterprise, user__is_active=True).select_related("user")
            .order_by("-opened_at").first())


def state_of(enterprise: Enterprise) -> str:
    return OPEN if account_of(enterprise) is not None else NONE


def refuse_state(table, enterprise: Enterprise, rule: Rule) -> Verdict:
    if rule.action == "account_open":
        return Verdict.refuse(_("该企业已有企业账号；如防疫负责人变更，请先停用原账号。"), code="conflict", conflict=True)
    return Verdict.refuse(_("该企业还没有企业账号。"), code="out_of_order")


TABLE = Table("enterprise_account", [
    Rule("account_open", states=(NONE,), who=STREET, forbidden=NO_ACCOUNT, to=OPEN, label=gettext_lazy("开通企业账号")),
    Rule("account_link", states=(OPEN,), who=STREET, forbidden=NO_ACCOUNT, label=gettext_lazy("重新生成设置密码链接")),
    Rule("account_close", states=(OPEN,), who=STREET, forbidden=NO_ACCOUNT, to=NONE, label=gettext_lazy("停用企业账号")),
], state_of=state_of, scope_of=scope_for, refusals={"default": refuse_state},
    jurisdiction_of=lambda e: e.jurisdiction_id, department_of=lambda e: None)
ACCOUNT_ROLES = TABLE.roles_for("account_open")


def may(user, action: str, enterprise: Enterprise) -> Verdict:
    return TABLE.may(user, action, enterprise)


def enterprise_account_open(*, actor, enterprise: Enterprise, full_name: str, mobile: str) -> tuple[User, str]:
    """Open the firm's account for its prevention contact. Returns the account and the one-time link's path."""
    mobile, full_name = (mobile or "").strip(), (full_name or "").strip()
    errors = []
    if not full_name:
        errors.append(_("请填写防疫负责人姓名。"))
    try:
        validate_mobile(mobile)
    except ValidationError as exc:
        errors.append(exc.messages[0])
    if errors:
        raise DomainError(_("企业账号未开通："), messages=errors, code="invalid")
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        TABLE.require(actor, "account_open", enterprise)
        if User.objects.filter(username=mobile).exists():
            raise DomainError(_("手机号%(m)s已被其他账号使用，请换一个手机号。") % {"m": mobile}, code="conflict")
        user = User(username=mobile, full_name=full_name[:50], mobile=mobile, role=Role.ENTERPRISE)
        user.set_unusable_password()
        user.save()
        EnterpriseAccount.objects.create(user=user, enterprise=enterprise, opened_by=actor)
        audit_record(actor=actor, action="enterprise.account_open", target=enterprise,
                     after={"username": mobile, "full_name": user.full_name})
    return user, set_password_path(user)


def enterprise_account_link(*, actor, enterprise: Enterprise) -> tuple[User, str]:
    """A new one-time link: the account's password stops working until it is set on the link."""
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        TABLE.require(actor, "account_link", enterprise)
        user = User.objects.select_for_update().get(pk=account_of(enterprise).user_id)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit_record(actor=actor, action="enterprise.account_link", target=enterprise, after={"username": user.username})
    return user, set_password_path(user)


def enterprise_account_close(*, actor, enterprise: Enterprise, reason: str) -> User:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写理由。"), code="invalid")
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        TABLE.require(actor, "account_close", enterprise)
        user = User.objects.select_for_update().get(pk=account_of(enterprise).user_id)
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="enterprise.account_close", target=enterprise,
                     before={"username": user.username, "is_active": True}, after={"is_active": False},
                     reason=reason[:500])
    forget_scope(user)
    return user
