"""Demo applications for seed_demo: every state, both chains, every category, decided by the demo users
through the real services (so queues, timelines and audit trails are real). Deterministic and fast."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from enterprises.models import Enterprise
from enterprises.validators import make_credit_code
from org.models import Department, Jurisdiction

from .models import Application, Material
from .services import applications as filing
from .services.chain import department_decide, task_force_decide
from .services.review import leader_meeting_record, material_verdicts_set, street_decide
from .services.signatures import signature_add, signature_return
from .validators import make_id_number

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
SERIAL_BASE = 880000
# (name, scale, category, street code, department code, plan)
ENTERPRISES = [
    ("烟台康泰医疗用品有限公司", "large", "epidemic_supply", "370602001", "gxj", "at_task_force"),
    ("烟台海润防护用品有限公司", "large", "epidemic_supply", "370602001", "gxj", "at_department"),
    ("烟台鲁信医用口罩厂", "small", "epidemic_supply", "370602001", "gxj", "submitted_overdue"),
    ("芝罘福盛消毒制品有限公司", "small", "epidemic_supply", "370602001", "gxj", "approved"),
    ("烟台万通食品有限公司", "large", "livelihood", "370602001", "gxj", "approved_large"),
    ("烟台宏发物流有限公司", "large", "livelihood", "370602001", "swj", "returned_large"),
    ("向阳华宇便利店", "venue", "livelihood", "370602001", "swj", "at_signature"),
    ("向阳鑫源小超市", "venue", "livelihood", "370602001", "swj", "secretary_signed"),
    ("向阳泰丰早餐店", "venue", "livelihood", "370602001", "scjgj", "submitted"),
    ("烟台世纪机械制造有限公司", "large", "key_backbone", "370602001", "gxj", "resubmitted_large"),
    ("烟台东方电子科技有限公司", "large", "key_backbone", "370602001", "gxj", "rejected_large"),
    ("烟台天成商务大厦", "small", "office_building", "370602001", "swj", "online_approved"),
    ("芝罘嘉和写字楼", "small", "office_building", "370602001", "swj", "at_signature"),
    ("烟台瑞祥商贸有限公司", "small", "general", "370602001", "swj", "draft"),
    ("烟台永安装饰工程有限公司", "small", "general", "370602001", "zjj", "returned"),
    ("向阳金达理发店", "venue", "general", "370602001", "swj", "rejected"),
    ("向阳兴隆五金店", "venue", "general", "370602001", "swj", "withdrawn"),
    ("烟台恒泰印刷有限公司", "small", "general", "370602001", "gxj", "signature_returned"),
    ("烟台新港信息技术有限公司", "small", "general", "370602001", "gxj", "submitted"),
    ("烟台祥和家具有限公司", "small", "general", "370602001", "gxj", "reviewing"),
    ("东山海宇食品有限公司", "large", "livelihood", "370602002", "swj", "at_department"),
    ("东山福源便利店", "venue", "livelihood", "370602002", "swj", "submitted"),
    ("烟台东山医用耗材有限公司", "small", "epidemic_supply", "370602002", "swj", "at_signature"),
    ("东山华泰商贸有限公司", "small", "general", "370602002", "swj", "approved"),
]
STAFF = {"370602001": "staff_xy", "370602002": "staff_ds"}
# The street step is taken by another official than the filer (separation of duties).
STREET_REVIEWER = {"370602001": "staff_xy2", "370602002": "staff_ds2"}
SECRETARY = {"370602001": "secretary_xy", "370602002": "secretary_ds"}
DIRECTOR = {"370602001": "director_xy", "370602002": "director_ds"}
REVIEWER = {"gxj": "dept_gxj", "swj": "dept_swj"}
PEOPLE = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨磊", "赵强", "黄丽"]


def _pdf(name: str) -> ContentFile:
    return ContentFile(PDF, name=name)


def _enterprise(index: int, name, scale, category, street, dept) -> Enterprise:
    enterprise, _created = Enterprise.objects.get_or_create(
        credit_code=make_credit_code("370602", SERIAL_BASE + index),
        defaults={
            "name": name, "scale": scale, "category": category,
            "jurisdiction": Jurisdiction.objects.get(code=street),
            "department": Department.objects.filter(code=dept).first(),
            "address": f"烟台市芝罘区南大街{100 + index}号", "legal_representative": PEOPLE[index % 8],
            "prevention_contact": PEOPLE[(index + 3) % 8], "prevention_mobile": f"1390535{index:04d}",
            "employee_count": 600 if scale == "large" else 20,
        },
    )
    return enterprise


def _draft(staff, enterprise, index: int, *, headcount: int = 3, online: bool = False) -> Application:
    data = {
        "requested_reopen_on": date.today() + timedelta(days=index % 5 + 1), "returning_headcount": headcount,
        "masks_qty": 200 * headcount, "thermometers_qty": 2 + headcount // 10, "disinfectant_litres": 5 * headcount,
    }
    if online:
        data |= {"online_work": True, "building_liaison": "物业联络员 高峰", "building_liaison_mobile": "13905358888"}
    application = filing.application_create(user=staff, enterprise=enterprise, data=data)
    for i in range(headcount):
        filing.employee_add(user=staff, application=application, data={
            "name": PEOPLE[(index + i) % 8] + "一二三四五"[i % 5],
            "id_number": make_id_number("370602", date(1975 + (index + i) % 25, 1 + i % 12, 1 + index % 28),
                                        index * 10 + i),
            "mobile": f"138{index:04d}{i:04d}", "residence": f"芝罘区幸福路{index + i}号",
            "travel_history": "14天内未离烟" if i % 3 else "2月1日自威海返烟", "health_status": "healthy",
        })
    for kind, label in Material.Kind.choices:
        filing.material_upload(user=staff, application=application, kind=kind, upload=_pdf(f"{label}.pdf"))
    return application


def _street_pass(staff, application: Application) -> Application:
    verdicts = {m.pk: ("accepted", "") for m in application.materials.filter(is_current=True)}
    material_verdicts_set(user=staff, application=application, verdicts=verdicts)
    if not application.meetings.exists():
        leader_meeting_record(user=staff, application=application, principal=application.enterprise.legal_representative
                              or "王伟", met_at=timezone.now() - timedelta(hours=2),
                              outcome="已与企业负责人见面，防控责任已落实到人。")
    return street_decide(user=staff, application=application, outcome="approve",
                         opinion="材料齐全，防控措施到位，同意复工。")


def _street_return(staff, application: Application) -> Application:
    plan = application.materials.get(kind="plan", is_current=True)
    emergency = application.materials.get(kind="emergency", is_current=True)
    verdicts = {m.pk: ("accepted", "") for m in application.materials.filter(is_current=True)}
    verdicts[plan.pk] = ("revision", "未写明错峰上下班和分餐安排")
    verdicts[emergency.pk] = ("revision", "缺少发现发热员工后的处置流程")
    material_verdicts_set(user=staff, application=application, verdicts=verdicts)
    return street_decide(user=staff, application=application, outcome="return",
                         opinion="材料不全，请按一次性告知事项补正后重新提交。")


def _play(plan: str, application: Application, users: dict, street: str, dept: str) -> None:
    staff, street_reviewer = users[STAFF[street]], users[STREET_REVIEWER[street]]
    reviewer = users.get(REVIEWER.get(dept, ""))
    secretary, director, tf = users[SECRETARY[street]], users[DIRECTOR[street]], users["taskforce"]
    if plan == "draft":
        return
    application = filing.application_submit(user=staff, application=application)
    if plan in ("submitted", "submitted_overdue"):
        if plan == "submitted_overdue":
            Application.objects.filter(pk=application.pk).update(
                step_started_at=timezone.now() - timedelta(hours=6), step_deadline=timezone.now() - timedelta(hours=2))
        return
    if plan == "reviewing":
        material_verdicts_set(user=street_reviewer, application=application, verdicts={
            m.pk: ("accepted", "") for m in application.materials.filter(is_current=True, kind__in=["plan", "pledge"])})
        return
    if plan == "withdrawn":
        filing.application_withdraw(user=staff, application=application, reason="企业决定推迟复工")
        return
    if plan == "rejected":
        street_decide(user=street_reviewer, application=application, outcome="reject",
                      opinion="经现场核查，该场所属于人员密集场所，暂不具备复工条件，不予复工。")
        return
    if plan == "returned":
        _street_return(street_reviewer, application)
        return
    application = _street_pass(street_reviewer, application)
    if plan in ("at_signature",):
        return
    if application.chain == Application.Chain.DUAL_SIGNATURE:
        signature_add(user=secretary, application=application, post="secretary", opinion="同意复工。")
        if plan == "secretary_signed":
            return
        if plan == "signature_returned":
            signature_return(user=director, application=application, post="director",
                             opinion="返岗员工花名册缺少居住地信息，请补充。")
            return
        signature_add(user=director, application=application, post="director", opinion="同意复工。")
        return
    # three-party chain
    if plan == "at_department":
        return
    if plan in ("returned_large", "resubmitted_large"):
        department_decide(user=reviewer, application=application, outcome="return",
                          opinion="请补充车间通风和员工宿舍管理措施。")
        if plan == "returned_large":
            return
        application.refresh_from_db()
        filing.material_upload(user=staff, application=application, kind="plan", upload=_pdf("防控方案（修订）.pdf"))
        application = filing.application_submit(user=staff, application=application)
        _street_pass(street_reviewer, application)
        return
    application = department_decide(user=reviewer, application=application, outcome="approve",
                                    opinion="经审核，符合行业复工条件，同意。")
    if plan == "at_task_force":
        Application.objects.filter(pk=application.pk).update(
            step_deadline=timezone.now() + timedelta(minutes=30))
        return
    if plan == "rejected_large":
        task_force_decide(user=tf, application=application, outcome="reject",
                          opinion="存在重大防控隐患，不予复工。")
        return
    task_force_decide(user=tf, application=application, outcome="approve", opinion="同意复工，请落实日检查、日消毒制度。")


def seed(stdout=None) -> int:
    """seed_demo step: about two dozen applications; does nothing when they already exist."""
    if Application.objects.filter(enterprise__credit_code=make_credit_code("370602", SERIAL_BASE)).exists():
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=[
        *STAFF.values(), *STREET_REVIEWER.values(), *SECRETARY.values(), *DIRECTOR.values(), *REVIEWER.values(), "taskforce"])}
    count = 0
    with transaction.atomic():
        for index, (name, scale, category, street, dept, plan) in enumerate(ENTERPRISES):
            enterprise = _enterprise(index, name, scale, category, street, dept)
            staff = users[STAFF[street]]
            online = plan == "online_approved"
            application = _draft(staff, enterprise, index, headcount=3 if scale != "large" else 5, online=online)
            _play("approved" if online else plan, application, users, street, dept)
            count += 1
    if stdout is not None:
        stdout.write(f"已生成 {count} 件复工申请（各状态、两种流程、各类别）。")
    return count
