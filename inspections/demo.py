"""seed_demo step: the patrol loop at the seed's proportions, so a newcomer sees real lists.

- members for every team (2–3 each, with their agencies; the demo logins ``inspector_d1`` and
  ``inspector_xy`` among them);
- inspections of reopened enterprises over the last 30 days (about two in three of them; written in
  bulk, a hundred through the recording service with full answers);
- findings on about one inspection in twelve: fixed on the spot, or a rectification order (open, overdue,
  closed, escalated, extended);
- a stop-work behind every 责令关停 enterprise of the registry (about 2 %), its placard suspended, and some
  lifted; findings of 私开偷开 behind the registry's unauthorised openings and a few venues registered on the
  spot without a credit code;
- then each team's due list.

Deterministic (a fixed seed); does nothing when inspections exist already."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from accounts.models import Agency, Role, User
from accounts.services import user_create
from enterprises.choices import OperatingStatus
from enterprises.models import Enterprise
from org.models import PatrolTeam
from placards.models import Placard

from .checklist_seed import checklists_ensure
from .models import Answer, Finding, FindingCategory, Inspection, InspectionKind, RectificationOrder, StopWork
from .selectors import team_members
from .services.checklists import checklist_for
from .services.due import due_lists_build
from .services.recording import AnswerInput, inspection_record

STREET_AGENCIES = [Agency.STREET, Agency.MARKET, Agency.POLICE, Agency.COMMUNITY]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚"]
FINDINGS = [
    (FindingCategory.NO_TEMPERATURE_LOG, "门岗测温登记不全，部分人员未登记"),
    (FindingCategory.MASKS, "车间部分员工未佩戴口罩"),
    (FindingCategory.DISINFECTION, "消毒记录缺失，未按计划消毒"),
    (FindingCategory.STAFF_CONTROL, "返岗人员健康档案不全"),
    (FindingCategory.GATHERING, "食堂未错峰就餐，人员聚集"),
    (FindingCategory.CONCEALED_TRAVEL, "一名返岗员工隐瞒外地行程"),
    (FindingCategory.PRINCIPAL_ABSENT, "负责人始终未到场"),
    (FindingCategory.OTHER, "未设置废弃口罩专用收集桶"),
]
UNREGISTERED_VENUES = [
    ("好运来棋牌室", "只楚路18号", "棋牌室"), ("老张小吃部", "幸福中路66号", "小吃部"),
    ("阳光台球厅", "西关街3号", "台球厅"), ("美丽发艺", "毓璜顶北路21号", "理发店"),
]


def _members(rng: random.Random) -> dict[int, list[User]]:
    members: dict[int, list[User]] = {}
    for index, team in enumerate(PatrolTeam.objects.order_by("pk"), start=1):
        current = team_members(team)
        agencies = [Agency.DISTRICT, Agency.MARKET, Agency.POLICE] if team.is_district else STREET_AGENCIES
        for n in range(len(current), 3):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            current.append(user_create(username=f"xuncha{index:02d}{n}", password=DEMO_PASSWORD, role=Role.INSPECTOR,
                                       full_name=f"{team.name[:4]} {name}", teams=[team], agency=agencies[n % len(agencies)]))
        for user in current:
            if not user.agency:
                user.agency = agencies[0]
                user.save(update_fields=["agency"])
        members[team.pk] = current
    return members


def _team_for(enterprise, street_teams, district_teams, rng):
    team = street_teams.get(enterprise.jurisdiction_id)
    return team if team is not None and rng.random() < 0.75 else rng.choice(district_teams)


def seed_patrols(stdout=None) -> int:
    if Inspection.objects.exists():
        return 0
    checklists_ensure()  # seeded by a migration; a database flushed since (tests) has none
    rng = random.Random(2020)  # nosec B311: demo data, not a secret
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        members = _members(rng)
        teams = list(PatrolTeam.objects.order_by("pk"))
        street_teams = {t.jurisdiction_id: t for t in teams if t.jurisdiction_id}
        district_teams = [t for t in teams if t.is_district]
        reopened = list(Enterprise.objects.filter(operating_status=OperatingStatus.REOPENED).order_by("pk"))
        # A hundred through the service, with full answers (all 是: nothing found).
        for enterprise in reopened[:100]:
            team = _team_for(enterprise, street_teams, district_teams, rng)
            version = checklist_for(enterprise, InspectionKind.ROUTINE)
            inspection_record(actor=members[team.pk][0], enterprise=enterprise, team=team,
                              started_at=now - dt.timedelta(hours=2), ended_at=now - dt.timedelta(hours=1, minutes=30),
                              answers={item.pk: AnswerInput(Answer.YES) for item in version.items.all()})
        # The rest in bulk: about two in three reopened enterprises inspected in the last 30 days.
        rows = []
        for enterprise in reopened[100:]:
            if rng.random() > 0.66:
                continue
            team = _team_for(enterprise, street_teams, district_teams, rng)
            started = now - dt.timedelta(days=rng.randint(0, 29), hours=rng.randint(1, 9))
            rows.append(Inspection(enterprise=enterprise, team=team, kind=rng.choice(
                [InspectionKind.ROUTINE, InspectionKind.ROUTINE, InspectionKind.LOOKBACK]),
                recorded_by=members[team.pk][0], started_at=started, ended_at=started + dt.timedelta(minutes=35),
                notes="现场检查防控措施落实情况。"))
        Inspection.objects.bulk_create(rows, batch_size=2000)
        findings = []
        for inspection in rows:
            if rng.random() < 1 / 12:
                category, text = rng.choice(FINDINGS)
                action = Finding.Action.FIXED if rng.random() < 0.45 else Finding.Action.RECTIFY
                findings.append(Finding(inspection=inspection, enterprise=inspection.enterprise, category=category,
                                        description=text, action=action))
        Finding.objects.bulk_create(findings, batch_size=2000)
        orders = []
        for finding in findings:
            if finding.action != Finding.Action.RECTIFY:
                continue
            due = timezone.localdate(finding.inspection.started_at) + dt.timedelta(days=3)
            roll = rng.random()
            status = RectificationOrder.Status.CLOSED if due < today and roll < 0.85 else (
                RectificationOrder.Status.ESCALATED if due < today and roll < 0.88 else RectificationOrder.Status.OPEN)
            extended = status == RectificationOrder.Status.OPEN and rng.random() < 0.2
            orders.append(RectificationOrder(
                finding=finding, enterprise=finding.enterprise, team=finding.inspection.team, status=status,
                due_on=due + dt.timedelta(days=3 if extended else 0), first_due_on=due,
                extension_reason="防疫物资尚未到货" if extended else "",
                closed_at=None if status == RectificationOrder.Status.OPEN else finding.inspection.started_at
                + dt.timedelta(days=3)))
        RectificationOrder.objects.bulk_create(orders, batch_size=2000)
        stops = _stop_works(rng, street_teams, district_teams, members, now)
        venues = _unauthorised(rng, street_teams, district_teams, members, now)
    lines = due_lists_build()
    if stdout is not None:
        stdout.write(f"已生成巡查 {Inspection.objects.count()} 次、问题隐患 {Finding.objects.count()} 条、整改通知 "
                     f"{len(orders)} 份、责令停工 {stops} 家、私开偷开 {venues} 处，待巡查清单 {lines} 条。")
    return len(rows)


def _stop_works(rng, street_teams, district_teams, members, now) -> int:
    """A stop-work behind every 责令关停 enterprise (its valid placard suspended), and a fifth as many lifted."""
    closed = list(Enterprise.objects.filter(operating_status=OperatingStatus.CLOSED).order_by("pk"))
    lifted_pool = list(Enterprise.objects.filter(operating_status=OperatingStatus.REOPENED).order_by("-pk")[
        : max(1, len(closed) // 4)])
    for enterprise in [*closed, *lifted_pool]:
        team = _team_for(enterprise, street_teams, district_teams, rng)
        actor = members[team.pk][0]
        started = now - dt.timedelta(days=rng.randint(2, 25))
        inspection = Inspection.objects.create(enterprise=enterprise, team=team, recorded_by=actor, started_at=started,
                                               ended_at=started + dt.timedelta(minutes=40))
        category, text = rng.choice(FINDINGS[:5])
        finding = Finding.objects.create(inspection=inspection, enterprise=enterprise, category=category,
                                         description=text, action=Finding.Action.STOP_WORK)
        reason = f"巡查发现问题，责令停工：{finding.get_category_display()}——{text}"
        lifted = enterprise.operating_status == OperatingStatus.REOPENED
        StopWork.objects.create(
            finding=finding, enterprise=enterprise, reason=reason, started_by=actor,
            status=StopWork.Status.LIFTED if lifted else StopWork.Status.ACTIVE,
            lifted_at=started + dt.timedelta(days=2) if lifted else None, lifted_by=actor if lifted else None,
            lift_reason="复查合格，整改到位" if lifted else "")
        if not lifted:
            Placard.objects.filter(enterprise=enterprise, status=Placard.Status.VALID).update(
                status=Placard.Status.SUSPENDED, status_reason=reason, status_changed_at=started)
    return len(closed)


def _unauthorised(rng, street_teams, district_teams, members, now) -> int:
    """私开偷开: a finding behind the registry's unauthorised openings, and venues registered on the spot."""
    from org.models import Jurisdiction

    street = Jurisdiction.objects.order_by("code").first()
    for name, address, _business in UNREGISTERED_VENUES:
        if street is not None:
            Enterprise.objects.create(name=name, credit_code=None, scale="venue", category="general",
                                      jurisdiction=street, address=f"{street.name}{address}",
                                      operating_status=OperatingStatus.UNAUTHORISED)
    found = list(Enterprise.objects.filter(operating_status=OperatingStatus.UNAUTHORISED).order_by("pk"))
    for enterprise in found:
        team = _team_for(enterprise, street_teams, district_teams, rng)
        started = now - dt.timedelta(days=rng.randint(0, 6))
        inspection = Inspection.objects.create(enterprise=enterprise, team=team, kind=InspectionKind.UNAUTHORISED,
                                               recorded_by=members[team.pk][0], started_at=started,
                                               ended_at=started + dt.timedelta(minutes=20))
        Finding.objects.create(inspection=inspection, enterprise=enterprise, category=FindingCategory.UNAUTHORISED,
                               description="未经批准擅自营业，现场有顾客", action=Finding.Action.STOP_WORK)
    return len(found)
