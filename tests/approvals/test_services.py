"""Every transition and every refusal of the approvals services."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from guardian.shortcuts import assign_perm

from accounts.models import Role
from accounts.services import user_create
from approvals.models import Application, Decision, Material, Signature
from approvals.services import applications as filing
from approvals.services.chain import department_decide, task_force_decide
from approvals.services.review import leader_meeting_record, material_verdicts_set, street_decide
from approvals.services.signatures import signature_add, signature_return
from approvals.signals import application_approved
from tests.approvals import helpers as h
from tests.factories import EnterpriseFactory
from zhifu_reopen.errors import Conflict, DomainError
from zhifu_reopen.models import AuditEntry

pytestmark = pytest.mark.django_db


def refused(call, *, contains="", code=""):
    with pytest.raises(DomainError) as info:
        call()
    text = info.value.message + " ".join(info.value.messages)
    assert contains in text, text
    if code:
        assert info.value.code == code
    return info.value


# --- filing ---------------------------------------------------------------------------------------

def test_create_picks_the_chain_and_priority_from_the_enterprise(staff, enterprise_xy, large_xy):
    small = filing.application_create(user=staff, enterprise=enterprise_xy, data=h.app_data())
    assert small.chain == "dual_signature" and small.status == "draft" and small.number is None
    large = filing.application_create(user=staff, enterprise=large_xy, data=h.app_data())
    assert large.chain == "three_party"
    green = filing.application_create(
        user=staff, enterprise=EnterpriseFactory(jurisdiction=enterprise_xy.jurisdiction, category="epidemic_supply"),
        data=h.app_data())
    assert green.priority == 0


def test_create_refused_out_of_jurisdiction_and_for_other_roles(personas, enterprise_xy):
    for name in ("staff_ds", "secretary_xy", "dept_gxj", "taskforce"):
        refused(lambda n=name: filing.application_create(user=personas[n], enterprise=enterprise_xy, data=h.app_data()),
                code="forbidden")
    assert not Application.objects.exists()


def test_one_live_application_per_enterprise(staff, enterprise_xy):
    filing.application_create(user=staff, enterprise=enterprise_xy, data=h.app_data())
    refused(lambda: filing.application_create(user=staff, enterprise=enterprise_xy, data=h.app_data()), code="duplicate")


def test_online_work_only_for_office_buildings_with_a_liaison(staff, enterprise_xy, xy):
    refused(lambda: filing.application_create(user=staff, enterprise=enterprise_xy, data=h.app_data(online_work=True)),
            contains="商务楼宇")
    building = EnterpriseFactory(jurisdiction=xy, category="office_building")
    refused(lambda: filing.application_create(user=staff, enterprise=building, data=h.app_data(online_work=True)),
            contains="楼宇联络员")
    app = filing.application_create(user=staff, enterprise=building, data=h.app_data(
        online_work=True, building_liaison="赵楼长", building_liaison_mobile="13905351234"))
    assert app.online_work and app.building_liaison == "赵楼长"


def test_submit_lists_everything_missing_at_once(staff, enterprise_xy):
    app = filing.application_create(user=staff, enterprise=enterprise_xy, data=h.app_data(masks_qty=0))
    error = refused(lambda: filing.application_submit(user=staff, application=app), code="incomplete")
    text = " ".join(error.messages)
    for needle in ("疫情防控工作方案", "应急预案", "防疫物资清单", "承诺书", "口罩", "花名册为空"):
        assert needle in text
    app.refresh_from_db()
    assert app.status == "draft" and app.number is None and not app.decisions.exists()


def test_submit_refuses_unfit_employees_and_headcount_mismatch(staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=1)
    filing.employee_add(user=staff, application=app, data=h.employee_data(7, health_status="symptoms"))
    error = refused(lambda: filing.application_submit(user=staff, application=app))
    text = " ".join(error.messages)
    assert "两者应一致" in text and "有症状" in text


def test_submit_numbers_the_application_and_starts_the_street_step(staff, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    assert app.status == "submitted" and app.number.startswith("ZF") and app.iteration == 1
    assert app.current_step == "street" and app.step_deadline > app.step_started_at
    assert app.decisions.get().outcome == "submitted"
    assert AuditEntry.objects.filter(action="application.submit", target_id=app.pk).exists()
    refused(lambda: filing.application_submit(user=staff, application=app), code="out_of_order")


def test_green_channel_deadline_is_shorter(staff, enterprise_xy, xy, settings):
    settings.STEP_DEADLINE_HOURS = {"epidemic_supply": 4, "general": 72}
    green = h.submitted(staff, EnterpriseFactory(jurisdiction=xy, category="epidemic_supply"))
    normal = h.submitted(staff, enterprise_xy)
    assert (green.step_deadline - green.step_started_at) == timedelta(hours=4)
    assert (normal.step_deadline - normal.step_started_at) == timedelta(hours=72)


# --- materials and roster -----------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "name"), [
    (b"MZ\x90\x00" + b"\x00" * 200, "方案.pdf"),  # a renamed Windows executable
    (b"\x7fELF" + b"\x00" * 200, "方案.docx"),
    (b"just text", "方案.pdf"),
])
def test_material_refused_by_content(staff, enterprise_xy, content, name):
    app = h.draft(staff, enterprise_xy, materials=False)
    refused(lambda: filing.material_upload(user=staff, application=app, kind="plan",
                                           upload=SimpleUploadedFile(name, content)), code="bad_file")
    assert not app.materials.exists()


def test_material_size_limit(staff, enterprise_xy, settings):
    settings.APPROVALS_MATERIAL_MAX_BYTES = 1024
    app = h.draft(staff, enterprise_xy, materials=False)
    big = SimpleUploadedFile("big.pdf", h.PDF + b"0" * 2000)
    refused(lambda: filing.material_upload(user=staff, application=app, kind="plan", upload=big), contains="过大")


def test_material_accepts_png_and_replaces_the_current_version(staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy)
    new = filing.material_upload(user=staff, application=app, kind="plan",
                                 upload=SimpleUploadedFile("照片.png", h.PNG))
    assert new.content_type == "image/png" and new.file.name.endswith(".png") and "照片" not in new.file.name
    assert app.materials.filter(kind="plan").count() == 2
    assert app.materials.get(kind="plan", is_current=True) == new


def test_employee_validation_lists_every_problem(staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=0, materials=False)
    bad_check = h.employee_data(1)["id_number"][:17] + ("0" if h.employee_data(1)["id_number"][17] != "0" else "1")
    error = refused(lambda: filing.employee_add(user=staff, application=app, data=h.employee_data(
        1, id_number=bad_check, mobile="12345", residence="")))
    text = " ".join(error.messages)
    assert "校验位" in text and "手机" in text and "居住地" in text
    refused(lambda: filing.employee_add(user=staff, application=app, data=h.employee_data(
        1, id_number="370602198502301234")), contains="出生日期")


def test_roster_import_all_or_nothing(staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy, employees=0, materials=False)
    good = h.employee_data(1)
    rows = [[good["name"], good["id_number"], good["mobile"], "芝罘区", "无", "健康"],
            ["李四", "370602198501011234", "13900000000", "芝罘区", "", "健康"],
            ["王五", h.employee_data(2)["id_number"], "139", "芝罘区", "", "发烧"]]
    error = refused(lambda: filing.roster_import(user=staff, application=app, upload=h.xlsx(rows)))
    assert any(m.startswith("第3行") for m in error.messages) and any(m.startswith("第4行") for m in error.messages)
    assert not app.employees.exists()
    assert filing.roster_import(user=staff, application=app, upload=h.xlsx(rows[:1])) == 1
    refused(lambda: filing.roster_import(user=staff, application=app, upload=h.xlsx(rows[:1], header=["a"])),
            contains="表头")
    refused(lambda: filing.roster_import(user=staff, application=app, upload=SimpleUploadedFile("x.xlsx", h.PDF)),
            code="bad_file")


def test_personal_data_never_in_the_audit_trail(staff, enterprise_xy):
    app = h.draft(staff, enterprise_xy)
    number = app.employees.first().id_number
    for entry in AuditEntry.objects.all():
        assert number not in str(entry.after) + str(entry.before) + entry.reason


# --- street review --------------------------------------------------------------------------------

def test_street_cannot_approve_until_all_accepted_and_met(staff, reviewer, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    error = refused(lambda: street_decide(user=reviewer, application=app, outcome="approve", opinion="同意"),
                    code="incomplete")
    assert len(error.messages) == 5  # four materials not accepted + no meeting
    h.accept_all(reviewer, app)
    refused(lambda: street_decide(user=reviewer, application=app, outcome="approve", opinion="同意"),
            contains="负责人见面")
    h.meet(staff, app)
    refused(lambda: street_decide(user=reviewer, application=app, outcome="approve", opinion=""),
            code="opinion_required")
    app = street_decide(user=reviewer, application=app, outcome="approve", opinion="同意")
    assert app.status == "in_review" and app.current_step == "signature"


def test_verdict_revision_needs_a_reason(staff, reviewer, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    plan = app.materials.get(kind="plan")
    refused(lambda: material_verdicts_set(user=reviewer, application=app, verdicts={plan.pk: ("revision", "")}),
            contains="修改意见")
    refused(lambda: material_verdicts_set(user=reviewer, application=app, verdicts={plan.pk: ("maybe", "")}))


def test_meeting_cannot_be_in_the_future(staff, enterprise_xy):
    from django.utils import timezone

    app = h.submitted(staff, enterprise_xy)
    refused(lambda: leader_meeting_record(user=staff, application=app, principal="王", outcome="好",
                                          met_at=timezone.now() + timedelta(days=1)), contains="晚于")


def test_return_lists_every_item_and_resubmission_keeps_history(staff, reviewer, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    plan, pledge = app.materials.get(kind="plan"), app.materials.get(kind="pledge")
    material_verdicts_set(user=reviewer, application=app, verdicts={
        plan.pk: ("revision", "缺少错峰上下班安排"), pledge.pk: ("revision", "未盖章")})
    app = street_decide(user=reviewer, application=app, outcome="return", opinion="请补正")
    assert app.status == "returned" and app.current_step == ""
    returned = app.decisions.get(outcome="returned")
    assert len(returned.items) == 2 and "未盖章" in " ".join(returned.items)
    error = refused(lambda: filing.application_submit(user=staff, application=app))
    assert len(error.messages) == 2
    for kind in ("plan", "pledge"):
        filing.material_upload(user=staff, application=app, kind=kind, upload=h.pdf())
    app = filing.application_submit(user=staff, application=app)
    assert app.iteration == 2 and app.status == "submitted"
    assert list(app.decisions.values_list("iteration", "outcome")) == [
        (1, "submitted"), (1, "returned"), (2, "resubmitted")]
    assert app.materials.filter(is_current=False).count() == 2


def test_reject_and_withdraw_are_final(staff, reviewer, enterprise_xy, xy):
    app = h.submitted(staff, enterprise_xy)
    app = street_decide(user=reviewer, application=app, outcome="reject", opinion="不符合条件")
    assert app.status == "rejected"
    refused(lambda: filing.application_submit(user=staff, application=app), code="final")
    refused(lambda: street_decide(user=reviewer, application=app, outcome="approve", opinion="x"),
            code="already_decided")
    refused(lambda: filing.application_withdraw(user=staff, application=app, reason="x"), code="final")
    refused(lambda: filing.employee_add(user=staff, application=app, data=h.employee_data(9)), code="final")
    other = h.submitted(staff, EnterpriseFactory(jurisdiction=xy))
    refused(lambda: filing.application_withdraw(user=staff, application=other, reason=""), code="opinion_required")
    other = filing.application_withdraw(user=staff, application=other, reason="企业暂不复工")
    assert other.status == "withdrawn"
    refused(lambda: filing.application_submit(user=staff, application=other), code="final")


def test_no_editing_while_under_review(staff, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    refused(lambda: filing.application_update(user=staff, application=app, data=h.app_data()), code="locked")


# --- three-party chain ------------------------------------------------------------------------------

def test_three_party_chain_in_order(personas, staff, large_xy):
    received = []
    application_approved.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t3p")
    try:
        app = h.submitted(staff, large_xy)
        refused(lambda: department_decide(user=personas["dept_gxj"], application=app, outcome="approve",
                                          opinion="同意"), code="out_of_order")
        refused(lambda: task_force_decide(user=personas["taskforce"], application=app, outcome="approve",
                                          opinion="同意"), code="out_of_order")
        app = h.street_approved(staff, EnterpriseFactory(jurisdiction=large_xy.jurisdiction,
                                                         department=large_xy.department, scale="large"))
        assert app.current_step == "department"
        refused(lambda: department_decide(user=personas["dept_swj"], application=app, outcome="approve",
                                          opinion="同意"), code="forbidden")
        refused(lambda: task_force_decide(user=personas["taskforce"], application=app, outcome="approve",
                                          opinion="同意"), code="out_of_order")
        app = department_decide(user=personas["dept_gxj"], application=app, outcome="approve", opinion="同意")
        assert app.current_step == "task_force"
        refused(lambda: department_decide(user=personas["dept_gxj"], application=app, outcome="approve",
                                          opinion="同意"), code="out_of_order")
        refused(lambda: task_force_decide(user=personas["dept_gxj"], application=app, outcome="approve",
                                          opinion="同意"), code="forbidden")
        app = task_force_decide(user=personas["taskforce"], application=app, outcome="approve", opinion="同意复工")
        assert app.status == "approved" and app.approved_at and app.current_step == ""
        assert app.enterprise.__class__.objects.get(pk=app.enterprise_id).operating_status == "reopened"
        assert len(received) == 1 and received[0]["application"].pk == app.pk
        assert received[0]["actor"] == personas["taskforce"]
        refused(lambda: task_force_decide(user=personas["taskforce"], application=app, outcome="approve",
                                          opinion="同意"), code="already_decided")
        kinds = list(app.decisions.values_list("kind", "post", "office"))
        assert [k for k, _p, _o in kinds] == ["filing", "street", "department", "task_force"]
        assert kinds[2][2] == "工信局" and "工信局" in kinds[2][1]
    finally:
        application_approved.disconnect(dispatch_uid="t3p")


@pytest.mark.parametrize("step", ["department", "task_force"])
def test_later_steps_may_return_or_reject(personas, staff, large_xy, step):
    app = h.street_approved(staff, large_xy)
    if step == "task_force":
        app = department_decide(user=personas["dept_gxj"], application=app, outcome="approve", opinion="同意")
        service, actor = task_force_decide, personas["taskforce"]
    else:
        service, actor = department_decide, personas["dept_gxj"]
    app = service(user=actor, application=app, outcome="return", opinion="请补充应急预案")
    assert app.status == "returned"
    app = filing.application_submit(user=staff, application=app)
    assert app.iteration == 2 and app.current_step == "street"


# --- dual signature --------------------------------------------------------------------------------

def test_dual_signature_either_order(personas, staff, enterprise_xy):
    app = h.street_approved(staff, enterprise_xy)
    app = signature_add(user=personas["director_xy"], application=app, post="director", opinion="同意")
    assert app.status == "in_review"
    refused(lambda: signature_add(user=personas["director_xy"], application=app, post="director", opinion="同意"))
    app = signature_add(user=personas["secretary_xy"], application=app, post="secretary", opinion="同意")
    assert app.status == "approved"
    assert Signature.objects.filter(application=app).count() == 2
    assert app.enterprise.__class__.objects.get(pk=enterprise_xy.pk).operating_status == "reopened"


def test_nobody_signs_for_another(personas, staff, enterprise_xy):
    app = h.street_approved(staff, enterprise_xy)
    refused(lambda: signature_add(user=personas["director_xy"], application=app, post="secretary", opinion="同意"),
            code="forbidden")
    refused(lambda: signature_add(user=personas["secretary_ds"], application=app, post="secretary", opinion="同意"),
            code="forbidden")
    refused(lambda: signature_add(user=staff, application=app, post="secretary", opinion="同意"), code="forbidden")
    assert not Signature.objects.exists()


def test_one_person_holding_both_posts_cannot_sign_twice(personas, staff, enterprise_xy, xy):
    both = user_create(username="both_xy", password="x" * 12, role=Role.STREET_SECRETARY, jurisdictions=[xy])
    assign_perm("org.sign_as_director", both, xy)
    app = h.street_approved(staff, enterprise_xy)
    signature_add(user=both, application=app, post="secretary", opinion="同意")
    refused(lambda: signature_add(user=both, application=app, post="director", opinion="同意"), code="same_person")
    app = signature_add(user=personas["director_xy"], application=app, post="director", opinion="同意")
    assert app.status == "approved"


def test_signing_right_comes_from_the_grant_not_the_role(staff, enterprise_xy, ds):
    # A secretary of 东山 only: the role is right, the grant is for another street.
    stranger = user_create(username="sec_other", password="x" * 12, role=Role.STREET_SECRETARY, jurisdictions=[ds])
    app = h.street_approved(staff, enterprise_xy)
    refused(lambda: signature_add(user=stranger, application=app, post="secretary", opinion="同意"),
            code="forbidden")


def test_either_signer_may_return(personas, staff, enterprise_xy):
    app = h.street_approved(staff, enterprise_xy)
    signature_add(user=personas["secretary_xy"], application=app, post="secretary", opinion="同意")
    refused(lambda: signature_return(user=personas["secretary_xy"], application=app, post="secretary",
                                     opinion="退回"), code="already_signed")
    app = signature_return(user=personas["director_xy"], application=app, post="director", opinion="花名册不全")
    assert app.status == "returned"
    app = filing.application_submit(user=staff, application=app)
    h.accept_all(h.colleague(staff), app)
    app = street_decide(user=h.colleague(staff), application=app, outcome="approve", opinion="同意")
    # The old signature belongs to the old iteration: both must sign again.
    signature_add(user=personas["secretary_xy"], application=app, post="secretary", opinion="同意")
    app = signature_add(user=personas["director_xy"], application=app, post="director", opinion="同意")
    assert app.status == "approved" and app.iteration == 2


def test_signature_before_the_street_step_is_out_of_order(personas, staff, enterprise_xy):
    app = h.submitted(staff, enterprise_xy)
    refused(lambda: signature_add(user=personas["secretary_xy"], application=app, post="secretary",
                                  opinion="同意"), code="out_of_order")


def test_stale_iteration_is_a_conflict(personas, staff, large_xy):
    app = h.street_approved(staff, large_xy)
    with pytest.raises(Conflict):
        department_decide(user=personas["dept_gxj"], application=app, outcome="approve", opinion="同意",
                          seen_iteration=0)


# --- change after approval ---------------------------------------------------------------------------

def test_change_of_substance_after_approval_sends_it_back(personas, staff, enterprise_xy):
    app = h.street_approved(staff, enterprise_xy)
    signature_add(user=personas["secretary_xy"], application=app, post="secretary", opinion="同意")
    app = signature_add(user=personas["director_xy"], application=app, post="director", opinion="同意")
    refused(lambda: filing.application_update(user=staff, application=app, data=h.app_data(returning_headcount=1)),
            code="reason_required")
    # Nothing changed: stays approved.
    same = filing.application_update(user=staff, application=app, data=h.app_data(
        requested_reopen_on=app.requested_reopen_on, returning_headcount=2), reason="无变化")
    assert same.status == "approved"
    app = filing.application_update(user=staff, application=app, data=h.app_data(
        requested_reopen_on=app.requested_reopen_on, returning_headcount=1), reason="一人暂不返岗")
    assert app.status == "submitted" and app.current_step == "street" and app.iteration == 2
    assert app.decisions.filter(outcome="reopened").exists()


def test_decisions_record_post_and_office(personas, staff, enterprise_xy):
    app = h.street_approved(staff, enterprise_xy)
    signature_add(user=personas["secretary_xy"], application=app, post="secretary", opinion="同意")
    decision = Decision.objects.get(application=app, kind="secretary")
    assert decision.post == "向阳街道党工委书记" and decision.office == "向阳街道"
    street = Decision.objects.get(application=app, kind="street")
    assert "向阳街道" in street.post and street.actor == h.colleague(staff)


def test_material_kinds_are_all_required():
    assert set(filing.REQUIRED_MATERIALS) == set(Material.Kind.values)
    assert date.today()


def test_refusals_write_nothing(personas, staff, enterprise_xy, large_xy):
    app = h.street_approved(staff, enterprise_xy)
    large = h.street_approved(staff, large_xy)
    for name in ("secretary_ds", "secretary_xy", "taskforce", "dept_swj"):
        personas[name]  # created up front: creating a persona writes its own audit entry
    counts = (AuditEntry.objects.count(), Decision.objects.count(), Signature.objects.count())
    attempts = [
        lambda: signature_add(user=personas["secretary_ds"], application=app, post="secretary", opinion="同意"),
        lambda: street_decide(user=staff, application=app, outcome="approve", opinion="同意"),
        lambda: task_force_decide(user=personas["taskforce"], application=large, outcome="approve", opinion="同意"),
        lambda: department_decide(user=personas["dept_swj"], application=large, outcome="approve", opinion="同意"),
        lambda: filing.application_withdraw(user=staff, application=large, reason="x"),
        lambda: signature_add(user=personas["secretary_xy"], application=app, post="secretary", opinion=""),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError):
            attempt()
    assert (AuditEntry.objects.count(), Decision.objects.count(), Signature.objects.count()) == counts
    app.refresh_from_db()
    large.refresh_from_db()
    assert (app.status, app.current_step, large.current_step) == ("in_review", "signature", "department")


def test_beat_schedule_has_the_approvals_tasks(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"approvals.tasks.send_deadline_reminders", "approvals.tasks.escalate_overdue"} <= tasks


def test_the_database_refuses_a_step_on_a_closed_application(staff, enterprise_xy):
    from django.db import IntegrityError, transaction

    app = h.submitted(staff, enterprise_xy)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=app.pk).update(status="approved")
