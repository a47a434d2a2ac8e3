"""seed_demo step: liaisons at the seed's ratio (about one for 130 firms) with their firms, firm accounts
for a few demo firms, problems in every state and daily logs with gaps for the livelihood firms."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_create
from enterprises.choices import Category
from enterprises.models import Enterprise, EnterpriseAccount, LiaisonAssignment
from enterprises.services.accounts import enterprise_account_open

from .models import DailyLog, Problem
from .services.daily import daily_log_alerts
from .services.problems import problem_act, problem_raise, problem_rate

FIRMS_PER_LIAISON = 130
LOG_DAYS = 7
# (login name = mobile, full name): the demo firm accounts, on the liaison_xy's firms of 向阳.
DEMO_FIRM_ACCOUNTS = [("13905350001", "企业防疫负责人 陈晨"), ("13905350002", "企业防疫负责人 林立"),
                      ("13905350003", "企业防疫负责人 高远")]


def _liaisons(count: int, password: str) -> list[User]:
    users = list(User.objects.filter(role=Role.LIAISON).order_by("pk"))
    for i in range(len(users), count):
        users.append(user_create(username=f"liaison_{i + 1:03d}", password=password, role=Role.LIAISON,
                                 full_name=f"驻企联络员 {i + 1:03d}号"))
    return users


def _assign(liaisons: list[User]) -> int:
    current = LiaisonAssignment.objects.filter(ended_at__isnull=True).values("enterprise_id")
    free = list(Enterprise.objects.exclude(pk__in=current)
                .order_by("jurisdiction_id", "id").values_list("pk", flat=True))
    served = {u.pk: LiaisonAssignment.objects.filter(liaison=u, ended_at__isnull=True).count() for u in liaisons}
    rows, index = [], 0
    for pk in free:
        while served[liaisons[index].pk] >= FIRMS_PER_LIAISON and index < len(liaisons) - 1:
            index += 1
        rows.append(LiaisonAssignment(liaison=liaisons[index], enterprise_id=pk))
        served[liaisons[index].pk] += 1
    LiaisonAssignment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _problems(staff, liaison, dept, taskforce, firm_user, firm) -> int:
    """One problem in each state on ``firm``: open, in progress, at the department, at the task force,
    resolved and rated, and one rated 'not satisfied' with its follow-up."""
    def raised(category, text, by=liaison):
        return problem_raise(actor=by, enterprise=firm, category=category, description=text)

    raised("supplies", "口罩库存仅够三天，需协调采购医用口罩2000只")
    p = raised("logistics", "原料运输车辆进烟台需通行证")
    problem_act(actor=liaison, problem=p, act="start")
    p = raised("staffing", "外地返岗员工12人需核酸检测安排", by=firm_user)
    problem_act(actor=liaison, problem=p, act="escalate_department" if firm.department_id else
                "escalate_task_force", note="需主管部门协调检测点")
    p = raised("funding", "流动资金紧张，申请贴息贷款")
    problem_act(actor=staff, problem=p, act="escalate_task_force", note="涉及区级扶持政策")
    p = raised("infrastructure", "厂区门口道路施工影响出入", by=firm_user)
    problem_act(actor=liaison, problem=p, act="resolve", note="已协调施工单位留出临时通道")
    problem_rate(actor=firm_user, problem=p, rating="satisfied", comment="处理及时")
    p = raised("supplies", "消毒液短缺", by=firm_user)
    if dept is not None:
        problem_act(actor=liaison, problem=p, act="escalate_department", note="请主管部门调配")
    else:
        problem_act(actor=liaison, problem=p, act="escalate_task_force", note="请专班调配")
    problem_act(actor=dept or taskforce, problem=p, act="resolve", note="已调拨消毒液100升")
    problem_rate(actor=firm_user, problem=p, rating="unsatisfied", comment="实际只收到50升")
    return Problem.objects.filter(enterprise=firm).count()


def _logs(today: dt.date) -> int:
    """LOG_DAYS days of logs for every firm of the regime, about one day in thirty missed (and the demo
    firm's yesterday), the gaps recorded and told as the evening check would have."""
    from .models import daily_regime_q

    firms = list(Enterprise.objects.filter(daily_regime_q()).values_list("pk", flat=True))
    accounts = dict(EnterpriseAccount.objects.filter(enterprise_id__in=firms).values_list("enterprise_id", "user_id"))
    liaisons = dict(LiaisonAssignment.objects.filter(enterprise_id__in=firms, ended_at__isnull=True)
                    .values_list("enterprise_id", "liaison_id"))
    demo_firm = EnterpriseAccount.objects.order_by("pk").values_list("enterprise_id", flat=True).first()
    logs = []
    for pk in firms:
        by = accounts.get(pk) or liaisons.get(pk)
        if by is None:
            continue
        for back in range(LOG_DAYS, 0, -1):
            if (pk + back) % 30 == 0 or (pk == demo_firm and back == 1):
                continue  # a gap
            logs.append(DailyLog(enterprise_id=pk, day=today - dt.timedelta(days=back), checked_count=5 + pk % 20,
                                 disinfection_times=2, disinfection_areas="车间、办公区、食堂", filled_by_id=by,
                                 on_behalf=pk not in accounts))
    DailyLog.objects.bulk_create(logs, batch_size=5000, ignore_conflicts=True)
    for back in range(LOG_DAYS, 0, -1):
        daily_log_alerts(day=today - dt.timedelta(days=back))
    return len(logs)


def seed_liaisons(stdout, *, password: str) -> None:
    with transaction.atomic():
        staff = User.objects.get(username="staff_xy")
        liaison = User.objects.get(username="liaison_xy")
        total = Enterprise.objects.count()
        liaisons = _liaisons(max(1, round(total / FIRMS_PER_LIAISON)), password)
        assigned = _assign([liaison, *[u for u in liaisons if u.pk != liaison.pk]])
        mine = list(Enterprise.objects.filter(liaison_assignments__liaison=liaison,
                                              liaison_assignments__ended_at__isnull=True,
                                              jurisdiction__code="370602001")  # staff_xy's street
                    .order_by("-category", "id"))
        livelihood = [e for e in mine if e.category == Category.LIVELIHOOD] or mine
        firms = []
        for (mobile, name), firm in zip(DEMO_FIRM_ACCOUNTS, [*livelihood[:2], *[e for e in mine if e not in
                                                                                  livelihood[:2]][:1]], strict=False):
            if User.objects.filter(username=mobile).exists():
                continue
            user, _path = enterprise_account_open(actor=staff, enterprise=firm, full_name=name, mobile=mobile)
            user.set_password(password)
            user.save(update_fields=["password"])
            firms.append((user, firm))
        problems = 0
        if firms:
            user, firm = firms[0]
            from guardian.shortcuts import get_users_with_perms

            reviewers = list(get_users_with_perms(firm.department, only_with_perms_in=["review_for_department"])
                             ) if firm.department_id else []
            problems = _problems(staff, liaison, reviewers[0] if reviewers else None,
                                 User.objects.get(username="taskforce"), user, firm)
        logs = _logs(timezone.localdate())
    stdout.write(f"已派驻 {len(liaisons)} 名联络员（{assigned} 家企业），{len(firms)} 个企业账号，"
                 f"{problems} 条诉求，{logs} 条日检查记录。")
