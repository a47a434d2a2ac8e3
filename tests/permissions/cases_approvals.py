"""Approvals pages and actions for every persona, in and out of scope.

Applications are for the approving officials: street staff, secretary, director (own street),
department reviewers (enterprises of their department), task force (all). Inspectors and liaisons: 403.
Out of scope: 404. A step that is not the user's, on an application they can see: 403 from the service.
"""

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.permissions.spec import ALL_PERSONAS, STREET_DS, STREET_XY, Case, each

APPROVERS = (*STREET_XY, *STREET_DS, "dept_gxj", "dept_swj", "taskforce")
OUTSIDERS = tuple(p for p in ALL_PERSONAS if p not in APPROVERS and p != "firm_xy")  # inspectors, liaison
EVERY_APPROVER = each(APPROVERS, 200)
# A 向阳 application of a 工信局 enterprise: its street, 工信局 and the task force see it; 东山 and 商务局 do not.
SEES_XY = {**each((*STREET_XY, "dept_gxj", "taskforce"), 200), **each((*STREET_DS, "dept_swj"), 404),
           **each(OUTSIDERS, 403)}
SEES_DS = {**each((*STREET_DS, "dept_swj", "taskforce"), 200), **each((*STREET_XY, "dept_gxj"), 404),
           **each(OUTSIDERS, 403)}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def staff_only(status=302):
    """Street-staff actions: staff_xy acts; staff_ds does not see it (404); every other role 403."""
    return {"staff_xy": status, "staff_ds": 404}


def build_approvals(world):
    """Four applications built directly (fast; the matrix builds the world for every case): a complete
    draft, one at the street step, one at the signatures (small enterprises), one at the department step
    (large enterprise) in 向阳 under 工信局, and one at the street step in 东山."""
    from approvals.models import Application, Material, ReturningEmployee
    from approvals.validators import make_id_number
    from org.models import Department
    from tests.factories import EnterpriseFactory

    gxj, swj = Department.objects.get(code="gxj"), Department.objects.get(code="swj")
    staff_xy, staff_ds = world.users["staff_xy"], world.users["staff_ds"]
    now = timezone.now()

    def make(jurisdiction, department, filed_by, status, step, scale="small", n=0):
        enterprise = EnterpriseFactory(jurisdiction=jurisdiction, department=department, scale=scale)
        app = Application.objects.create(
            enterprise=enterprise, jurisdiction=jurisdiction, department=department, filed_by=filed_by, status=status,
            chain="three_party" if scale == "large" else "dual_signature", requested_reopen_on=date.today(),
            returning_headcount=1, masks_qty=100, thermometers_qty=2, disinfectant_litres=5,
            number=f"ZFM{n:05d}" if status != "draft" else None, iteration=0 if status == "draft" else 1,
            current_step=step, step_started_at=now if step else None,
            step_deadline=now + timedelta(hours=72) if step else None,
        )
        for kind in Material.Kind.values:
            material = Material(application=app, kind=kind, original_name=f"{kind}.pdf",
                                content_type="application/pdf", extension=".pdf", uploaded_token=f"m{n}",
                                size=len(PDF), uploaded_by=filed_by, iteration=app.iteration)
            material.file.save("m.pdf", ContentFile(PDF), save=False)
            material.save()
        ReturningEmployee.objects.create(
            application=app, name="张三", id_number=make_id_number("370602", date(1985, 3, 1), n),
            mobile="13905350001", residence="芝罘区", health_status="healthy",
        )
        return app

    world.app_draft = make(world.xy, gxj, staff_xy, "draft", "", n=1)
    # Applications at the street step were filed by the street's second official: the filer never takes
    # the street step (issue 7 §18), so staff_xy / staff_ds review them.
    from tests.approvals.helpers import colleague

    filer_xy, filer_ds = colleague(staff_xy), colleague(staff_ds)
    world.app_street = make(world.xy, gxj, filer_xy, "submitted", "street", n=2)
    world.app_sign = make(world.xy, gxj, staff_xy, "in_review", "signature", n=3)
    world.app_dept = make(world.xy, gxj, staff_xy, "in_review", "department", scale="large", n=4)
    world.app_ds = make(world.ds, swj, filer_ds, "submitted", "street", n=5)
    world.enterprise_new_xy = EnterpriseFactory(jurisdiction=world.xy, department=gxj)


def application_data(world):
    return {"requested_reopen_on": (date.today() + timedelta(days=18)).isoformat(), "returning_headcount": "1", "masks_qty": "100",
            "thermometers_qty": "2", "disinfectant_litres": "10"}


def employee_data(world):
    from approvals.validators import make_id_number

    return {"name": "李四", "id_number": make_id_number("370602", date(1990, 5, 6), 77), "mobile": "13905350002",
            "residence": "芝罘区", "travel_history": "无", "health_status": "healthy"}


def roster_data(world):
    import io

    from openpyxl import Workbook

    from approvals.services.applications import ROSTER_HEADERS

    row = employee_data(world)
    wb = Workbook()
    wb.active.append(ROSTER_HEADERS)
    wb.active.append([row["name"], row["id_number"], row["mobile"], "芝罘区", "无", "健康"])
    buf = io.BytesIO()
    wb.save(buf)
    return {"file": SimpleUploadedFile("花名册.xlsx", buf.getvalue())}


def verdict_data(world):
    return {f"verdict_{m.pk}": "accepted" for m in world.app_street.materials.all()}


DECIDE_RETURN = lambda w: {"outcome": "return", "opinion": "请补正材料", "seen_iteration": 1}  # noqa: E731
DEPT_APPROVE = lambda w: {"outcome": "approve", "opinion": "同意", "seen_iteration": 1}  # noqa: E731


def sign_data(post):
    return lambda w: {"post": post, "action": "sign", "opinion": "同意复工", "seen_iteration": 1}


ON_STREET_XY = {**each(("dept_gxj", "taskforce"), 403), **each(("staff_ds", "dept_swj"), 404)}

CASES = [
    Case("approvals:list", allowed=EVERY_APPROVER),
    Case("approvals:list", allowed=EVERY_APPROVER, query="status=submitted&q=%E7%83%9F"),
    Case("approvals:queue", allowed=EVERY_APPROVER),
    Case("approvals:queue", allowed=EVERY_APPROVER, query="tab=done"),
    Case("approvals:queue", allowed=EVERY_APPROVER, query="tab=escalated", note="empty for all but the task force"),
    Case("approvals:reminders_read", method="post", allowed=each(APPROVERS, 302)),
    Case("approvals:roster_template", allowed={"staff_xy": 200, "staff_ds": 200}),
    Case("approvals:detail", args=lambda w: [w.app_street.pk], allowed=SEES_XY),
    Case("approvals:detail", args=lambda w: [w.app_ds.pk], allowed=SEES_DS),
    Case("approvals:material_download", args=lambda w: [w.app_street.pk, w.app_street.materials.first().pk],
         allowed=SEES_XY),
    # pii (issue 13 item 5): the roster export, masked for those who see but do not review the application.
    Case("approvals:roster_export", args=lambda w: [w.app_street.pk], allowed=SEES_XY),
    Case("approvals:roster_export", args=lambda w: [w.app_ds.pk], allowed=SEES_DS),
    Case("approvals:create", args=lambda w: [w.enterprise_new_xy.pk], allowed=staff_only(200)),
    Case("approvals:create", method="post", args=lambda w: [w.enterprise_new_xy.pk], data=application_data,
         allowed=staff_only()),
    Case("approvals:create", args=lambda w: [w.enterprise_ds.pk], allowed={"staff_ds": 200, "staff_xy": 404}),
    Case("approvals:edit", args=lambda w: [w.app_draft.pk], allowed=staff_only(200)),
    Case("approvals:edit", method="post", args=lambda w: [w.app_draft.pk], data=application_data,
         allowed=staff_only()),
    Case("approvals:material_upload", method="post", args=lambda w: [w.app_draft.pk],
         data=lambda w: {"kind": "plan", "file": SimpleUploadedFile("方案.pdf", PDF)}, allowed=staff_only()),
    Case("approvals:employee_add", method="post", args=lambda w: [w.app_draft.pk], data=employee_data,
         allowed=staff_only()),
    Case("approvals:roster_import", method="post", args=lambda w: [w.app_draft.pk], data=roster_data,
         allowed=staff_only()),
    Case("approvals:employee_remove", method="post",
         args=lambda w: [w.app_draft.pk, w.app_draft.employees.first().pk], allowed=staff_only()),
    Case("approvals:meeting", method="post", args=lambda w: [w.app_street.pk],
         data=lambda w: {"principal": "王伟", "met_at": "2020-02-10T09:30", "outcome": "措施到位"},
         allowed=staff_only()),
    Case("approvals:submit", method="post", args=lambda w: [w.app_draft.pk], allowed=staff_only()),
    Case("approvals:submit", method="post", args=lambda w: [w.app_ds.pk], allowed={"staff_ds": 400, "staff_xy": 404},
         note="already submitted: refused as out of order"),
    Case("approvals:withdraw", method="post", args=lambda w: [w.app_draft.pk],
         data=lambda w: {"reason": "企业暂不复工"}, allowed=staff_only()),
    Case("approvals:verdicts", method="post", args=lambda w: [w.app_street.pk], data=verdict_data,
         allowed=staff_only()),
    Case("approvals:decide", method="post", args=lambda w: [w.app_street.pk], data=DECIDE_RETURN,
         allowed={"staff_xy": 302, **ON_STREET_XY}, note="the street step is street staff's only"),
    Case("approvals:decide", method="post", args=lambda w: [w.app_dept.pk], data=DEPT_APPROVE,
         allowed={"dept_gxj": 302, "staff_xy": 403, "taskforce": 403, "staff_ds": 404, "dept_swj": 404},
         note="the department step: 工信局 only; the street and the task force may not act out of order"),
    Case("approvals:decide", method="post", args=lambda w: [w.app_ds.pk], data=DECIDE_RETURN,
         allowed={"staff_ds": 302, "staff_xy": 404, "dept_gxj": 404, "dept_swj": 403, "taskforce": 403}),
    Case("approvals:sign", method="post", args=lambda w: [w.app_sign.pk], data=sign_data("secretary"),
         allowed={"secretary_xy": 302, "director_xy": 403, "secretary_ds": 404, "director_ds": 404},
         note="the director may not sign as secretary"),
    Case("approvals:sign", method="post", args=lambda w: [w.app_sign.pk], data=sign_data("director"),
         allowed={"director_xy": 302, "secretary_xy": 403, "secretary_ds": 404, "director_ds": 404}),
    Case("approvals:remind", method="post", args=lambda w: [w.app_street.pk], data=lambda w: {"note": "请加快"},
         allowed={"taskforce": 302, "secretary_xy": 302, "director_xy": 302, "secretary_ds": 404,
                  "director_ds": 404}),
]


# The firm's own account (its enterprise is the world's 向阳 enterprise, which has no application here):
# it lists its applications and takes the roster template; every other application is not its own (404);
# the officials' queue and reminders are not for it (403).
FIRM_404 = {"approvals:detail", "approvals:material_download", "approvals:roster_export", "approvals:create", "approvals:edit",
            "approvals:material_upload", "approvals:employee_add", "approvals:roster_import",
            "approvals:employee_remove", "approvals:submit"}
for _case in CASES:  # (each case its own dict: several share one)
    if _case.url in ("approvals:list", "approvals:roster_template"):
        _case.allowed = {**_case.allowed, "firm_xy": 200}
    elif _case.url in FIRM_404:
        _case.allowed = {**_case.allowed, "firm_xy": 404}
